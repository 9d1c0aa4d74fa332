"""versions.json, the list Material's version selector reads (mike's format), typed; and the redirect.

`[{"version": "FY2027-H2", "title": "FY2027-H2", "aliases": ["latest"], "properties": {"hidden": false}}]`,
newest first. Keys vap does not know are kept as they were, so a hand-edited entry survives.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from site_builder.errors import PortalError

VERSIONS = "versions.json"
INDEX = "index.html"
LATEST = "latest"
REDIRECT_MARK = "<!-- written by vap publish -->"


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """One published cycle in versions.json (mike's VersionInfo)."""

    version: str
    title: str
    aliases: tuple[str, ...] = ()
    properties: Any = field(default_factory=lambda: {"hidden": False})
    extra: tuple[tuple[str, Any], ...] = ()
    """Other keys of the entry, in their order, written back unchanged."""
    present: frozenset[str] = frozenset({"title", "properties"})
    """Which of title and properties the entry had: one an edited entry lacks stays out unless replaced."""

    @classmethod
    def new(cls, cycle: str) -> VersionInfo:
        return cls(cycle, cycle)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VersionInfo:
        known = {"version", "title", "aliases", "properties"}
        return cls(
            version=str(data["version"]),
            title=data.get("title", str(data["version"])),
            aliases=tuple(data.get("aliases") or ()),
            properties=data.get("properties", {"hidden": False}),
            extra=tuple((k, v) for k, v in data.items() if k not in known),
            present=frozenset(k for k in ("title", "properties") if k in data),
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"version": self.version}
        if "title" in self.present:
            out["title"] = self.title
        out["aliases"] = list(self.aliases)
        if "properties" in self.present:
            out["properties"] = self.properties
        out.update(self.extra)
        return out


def read_versions(root: Path) -> list[VersionInfo]:
    """Material's versions.json, newest first; a file that is not one is an error, never overwritten."""
    path = root / VERSIONS
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, list) or not all(isinstance(v, dict) and "version" in v for v in data):
            raise ValueError("expected a list of objects with a 'version'")
    except (OSError, ValueError) as exc:
        raise PortalError(f"{path} is not a versions.json vap can update: {exc}") from exc
    return [VersionInfo.from_json(v) for v in data]


def updated_versions(versions: list[VersionInfo], cycle_id: str) -> list[VersionInfo]:
    """A new cycle goes first; a replaced one keeps its place (and its keys). `latest` moves to the first."""
    ids = [v.version for v in versions]
    out = list(versions)
    if cycle_id in ids:
        old = out[ids.index(cycle_id)]
        out[ids.index(cycle_id)] = replace(old, present=frozenset({"title", "properties"}))
    else:
        out.insert(0, VersionInfo.new(cycle_id))
    result = []
    for i, v in enumerate(out):
        aliases = tuple(a for a in v.aliases if a != LATEST)
        result.append(replace(v, aliases=(LATEST, *aliases) if i == 0 else aliases))
    return result


def dumps(versions: list[VersionInfo]) -> str:
    return json.dumps([v.to_json() for v in versions], indent=2, ensure_ascii=False) + "\n"


def redirect_page(cycle_id: str) -> str:
    """index.html of an audience folder: to the newest cycle, with no script (a meta refresh and a link)."""
    href = html.escape(quote(cycle_id) + "/", quote=True)
    name = html.escape(cycle_id)
    return (
        f'<!doctype html>\n{REDIRECT_MARK}\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Plans {name}</title>\n"
        f'<meta http-equiv="refresh" content="0; url={href}">\n<link rel="canonical" href="{href}">\n'
        f'</head>\n<body>\n<p>The current plans are at <a href="{href}">{name}</a>.</p>\n</body>\n</html>\n'
    )
