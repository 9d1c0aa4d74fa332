"""`vap serve` after a plan edit: only the pages the edit rewrote are laid out again.

MkDocs' dirty build, even when the generator rewrote a dozen pages, walks every file of the site on
each save (20,000 at 10,000 roles): files gathered again, the theme listed, the navigation made,
every page asked whether it changed (documentation_pages() listed eight times), the sitemap and 404
page rendered again: ~1.5 s, about half of a save to reload. When an edit leaves the set of pages, the
navigation, the banner, the site's name and date and every input that is not a plan as they were,
none of that can change, so the preview renders the rewritten pages with MkDocs' own page functions
(the same plugin events, the theme environment, navigation and files of the last full build) and
writes them; anything else goes through MkDocs' dirty build as before.

MkDocs internals (frozen in 1.x, the same in ProperDocs): `mkdocs.commands.build._populate_page` and
`_build_page`, and the server's `builder` attribute, which `on_serve` wraps. Other plugins than the
portal's own (vap, search, tags) may keep state a partial build would not update: with any of them
configured, every save takes MkDocs' dirty build.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation

QUICK_PLUGINS = frozenset({"vap", "search", "tags", "material/search", "material/tags"})
"""Plugins whose state a rebuild of some pages keeps right: Material's search index is dropped
(search_index.py) and its tags index (tags.json) is written only from the pages of each build."""


@dataclass(slots=True)
class LastBuild:
    """What a full preview build laid the pages out with, kept for the rebuilds that follow it."""

    config: MkDocsConfig
    files: Files
    nav: Navigation
    env: Any
    inputs: tuple[tuple[str, int, int], ...]
    """Every input that is not a plan (mkdocs.yml, docs/, the theme overrides), by path, mtime, size."""
    day: str
    organisation: str


def usable(config: MkDocsConfig) -> bool:
    """Whether the configured plugins allow a rebuild of some pages only."""
    return set(config.plugins) <= QUICK_PLUGINS


def inputs(config: MkDocsConfig, theme_dirs: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    """A stamp of the hand-written inputs a plan edit does not touch: mkdocs.yml, docs/, the theme
    overrides and watched folders (a few files; the plans are the generator's to compare)."""
    roots = [Path(config.docs_dir), *theme_dirs, *(Path(p) for p in config.watch)]
    found: list[tuple[str, int, int]] = []
    if config.config_file_path:
        found += _stamps([Path(config.config_file_path)])
    for root in roots:
        found += _stamps(_walk(root))
    return tuple(sorted(found))


def _walk(root: Path) -> Iterable[Path]:
    if root.is_file():
        yield root
        return
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            yield Path(folder, name)


def _stamps(paths: Iterable[Path]) -> list[tuple[str, int, int]]:
    out = []
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            continue
        out.append((str(path), st.st_mtime_ns, st.st_size))
    return out


def populate(pages: list[Any], last: LastBuild) -> None:
    """Read and render the pages again (on_pre_page ... on_page_content, as MkDocs' build does)."""
    for page in pages:
        _populate_page(page, last.config, last.files, False)


def write(pages: list[Any], statics: list[File], last: LastBuild) -> None:
    """Lay the rendered pages out in the theme and write them; copy the rewritten static files."""
    inclusion = InclusionLevel.is_in_serve
    doc_files = last.files.documentation_pages(inclusion=inclusion)
    for page in pages:
        excluded = page.file.inclusion.is_excluded()
        _build_page(page, last.config, doc_files, last.nav, last.env, False, excluded=excluded)
    for file in statics:
        file.copy_file(False)


__all__ = ["QUICK_PLUGINS", "LastBuild", "inputs", "populate", "usable", "write"]
