"""Prints what the ProperDocs environment needs besides ProperDocs and Material (installed --no-deps).

Material requires MkDocs, which would bring MkDocs back beside ProperDocs; so Material goes in
without its dependencies, and this lists them (from Material's installed metadata) together with
vap-portal's own dependencies (from pyproject.toml), less MkDocs and Material themselves.
Usage: python scripts/properdocs-requirements.py pyproject.toml  (run with the environment's python).
"""

from __future__ import annotations

import importlib.metadata
import re
import sys
import tomllib

ENGINE_PACKAGES = {"mkdocs", "mkdocs-material"}


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[(]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def main(pyproject: str) -> None:
    with open(pyproject, "rb") as fd:
        ours = tomllib.load(fd)["project"]["dependencies"]
    material = [
        r
        for r in importlib.metadata.requires("mkdocs-material") or []
        if "extra ==" not in r.replace("'", '"')
    ]
    for requirement in sorted({r for r in (*ours, *material) if _name(r) not in ENGINE_PACKAGES}):
        print(requirement)


if __name__ == "__main__":
    main(sys.argv[1])
