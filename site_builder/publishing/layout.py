"""Where each edition goes: one folder per audience by default, so no edition sits inside another's.

    DIR/<audience>/versions.json, index.html, <cycle>/...    every audience (the default layout)

The earlier layout kept the default audience at the top of DIR and the others inside it
(`DIR/versions.json`, `DIR/<audience>/...`). A folder already in that layout keeps it (with a note on
how to move), and `--nested` chooses it on purpose; either way the access rule to add is printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from site_builder.domain.model import Portal
from site_builder.errors import PortalError
from site_builder.publishing.versions import INDEX, REDIRECT_MARK, VERSIONS, read_versions

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
MANUAL = "docs/manual/publishing.md"


@dataclass(frozen=True, slots=True)
class Target:
    """Where one edition of one cycle goes."""

    out_dir: Path
    root: Path
    """The folder holding versions.json (the audience's folder, served on its own)."""
    cycle: str
    audience: str
    nested: bool = False
    """Earlier layout: the default audience's root is out_dir and the other audiences live inside it."""

    @property
    def folder(self) -> Path:
        return self.root / self.cycle

    @property
    def url_base(self) -> Path:
        """The folder that site_url of mkdocs.yml addresses."""
        return self.out_dir if self.nested else self.root


def target_of(
    out_dir: Path, portal: Portal, audience: str, cycle: str | None, *, nested: bool
) -> tuple[Target, list[str]]:
    """The target of this publish and the notes about its layout (how to move, the access rule)."""
    cycle_id = safe_name(cycle or portal.cycle, "cycle")
    earlier = (out_dir / VERSIONS).is_file()
    notes: list[str] = []
    if nested and not earlier and (out_dir / portal.default_audience / VERSIONS).is_file():
        raise PortalError(
            f"{out_dir} holds one folder per audience; --nested would put '{audience}' beside them. "
            "Publish without --nested, or into another folder"
        )
    if earlier and not nested:
        notes.append(
            f"{out_dir} is in the earlier layout ('{portal.default_audience}' at the top, other audiences "
            f"inside it) and keeps working that way; to give each audience its own folder see "
            f"'Moving from the earlier layout' in {MANUAL}"
        )
    nested = nested or earlier
    default = audience == portal.default_audience
    root = out_dir if nested and default else out_dir / safe_name(audience, "audience")
    chosen = Target(out_dir, root, cycle_id, audience, nested)
    if nested:
        refuse_collisions(chosen, portal)
        if not default:
            notes.append(access_rule(chosen, portal.default_audience))
    _refuse_foreign_index(chosen)
    return chosen, notes


def access_rule(target: Target, public: str) -> str:
    """What to add to the web server when an edition is nested inside a folder that serves another."""
    folder = target.root
    url = f"/{target.audience}/"
    return (
        f"'{target.audience}' is published inside {target.out_dir}, which serves '{public}': readers of "
        f"'{public}' reach it unless the web server restricts {folder}. Add an access rule, for example\n"
        f'  nginx:  location ^~ <path of the publish folder>{url} {{ auth_basic "{target.audience}"; '
        f"auth_basic_user_file /etc/nginx/{target.audience}.htpasswd; }}\n"
        f'  Apache: <Directory "{folder}"> Require group {target.audience} </Directory>\n'
        f"  (IIS and Caddy: see 'The earlier layout, and --nested' in {MANUAL})"
    )


def safe_name(name: str, what: str) -> str:
    if not _NAME.match(name) or ".." in name:
        raise PortalError(
            f"{what} '{name}' cannot be a folder name of the published site "
            "(letters, digits, '.', '_' and '-'; it must start with a letter or digit)"
        )
    return name


def refuse_collisions(target: Target, portal: Portal) -> None:
    """In the earlier layout audience folders and default-audience cycles share DIR: not both names."""
    out_dir = target.out_dir
    if target.root == out_dir and target.cycle in set(portal.audiences) - {portal.default_audience}:
        raise PortalError(
            f"cycle '{target.cycle}' has the name of an audience, whose editions are published in "
            f"{out_dir / target.cycle}; rename the cycle (--cycle) or the audience"
        )
    if target.root != out_dir and target.root.name in {v.version for v in read_versions(out_dir)}:
        raise PortalError(f"audience '{target.root.name}' has the name of a cycle published in {out_dir}")


def _refuse_foreign_index(target: Target) -> None:
    index = target.root / INDEX
    if index.exists() and REDIRECT_MARK not in index.read_text(encoding="utf-8", errors="replace"):
        raise PortalError(
            f"{index} was not written by vap publish; publish into an empty folder or one vap publish manages"
        )


def cycle_url(site_url: str | None, target: Target) -> str | None:
    """site_url of mkdocs.yml is the URL of the audience's folder (earlier layout: of DIR)."""
    if not isinstance(site_url, str) or not site_url.strip():
        return None
    parts = [*target.root.relative_to(target.url_base).parts, target.cycle]
    return site_url.strip().rstrip("/") + "/" + "/".join(quote(p) for p in parts) + "/"
