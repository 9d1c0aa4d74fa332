"""Shared test options and fixtures."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from site_builder.mkdocs_adapter import engine  # the shim first: tests import `mkdocs.*` on ProperDocs too

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
ENGINE = [sys.executable, "-m", engine.ENGINE]
"""The engine's own command (`mkdocs`, or `properdocs` where only ProperDocs is installed)."""
IN_CI = os.environ.get("CI", "").strip().lower() == "true"

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None and not IN_CI,
    reason="Graphviz `dot` is not installed (apt-get install graphviz); in CI these tests run and fail",
)
"""Skip a test that needs Graphviz where `dot` is missing, except in CI, where a missing tool must fail."""


def pytest_sessionfinish(session: pytest.Session) -> None:
    """`vap` run on the fixtures keeps its parse cache beside them (.cache/, gitignored): tidy it away."""
    if hasattr(session.config, "workerinput"):  # an xdist worker: the controller tidies once at the end
        return
    for cache in FIXTURES.rglob(".cache"):
        shutil.rmtree(cache, ignore_errors=True)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="Rewrite the golden files from the current output (review the diff before committing).",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def small_plans(tmp_path: Path) -> Path:
    """A writable copy of the small fixture organisation; returns its plans/ folder."""
    dest = tmp_path / "org" / "plans"
    shutil.copytree(FIXTURES / "small" / "plans", dest)
    return dest


def as_new_process() -> None:
    """Forget what this process parsed and checked: a new process starts with the cache files only."""
    from site_builder.checking import rulecache
    from site_builder.loading import parsecache
    from site_builder.loading.loader import forget_parsed

    forget_parsed()
    parsecache.forget_stores()
    rulecache.forget()


def write_portal_config(folder: Path, *, extra: str = "") -> Path:
    """A minimal mkdocs.yml for a fixture portal (what `vap init` writes, less the comments)."""
    (folder / "docs").mkdir(exist_ok=True)
    (folder / "docs" / "start-here.md").write_text("# Start here\n\nHow to read this portal.\n")
    config = folder / "mkdocs.yml"
    config.write_text(
        "site_name: Fixture portal\n"
        "theme:\n  name: material\n  font: false\n"
        "plugins:\n  - vap\n  - search\n  - tags\n" + extra
    )
    return config
