"""The one linear orchestrator: check -> view -> diagrams -> pages -> write. No MkDocs here."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import urls
from .alignment import alignment_page, organisation_page
from .audience import View, make_view, resolve_audience
from .check import CheckResult, format_text, run_checks
from .errors import PlanError
from .index import Index
from .pages import Pages
from .writer import WriteStats, write_tree


@dataclass(frozen=True, slots=True)
class Generated:
    check: CheckResult
    view: View
    pages: tuple[str, ...]
    """Paths of the generated Markdown pages, relative to the generated docs folder."""
    statics: tuple[str, ...]
    """Generated non-page files (role cards), relative to the generated docs folder."""
    written: WriteStats
    diagrams_rendered: int
    diagrams_cached: int
    timings: dict[str, float] = field(default_factory=dict)
    svgs: dict[str, str] = field(default_factory=dict)
    """Diagram key -> inline SVG; pages hold a placeholder that the adapter replaces in the final HTML."""
    last_good: bool = False
    """True when the plans had errors and the tree on disk was kept as it was (preview only)."""


def generate(
    plans_dir: Path,
    out_dir: Path,
    *,
    audience: str | None = None,
    diagrams: bool = True,
    cache_dir: Path | None = None,
    on_errors: str = "raise",
    extra_pages: dict[str, str] | None = None,
    previous: Path | None = None,
    directory_urls: bool = True,
) -> Generated:
    """Check the plans and write the generated docs tree for one audience (None = portal default).

    on_errors: "raise" refuses to build (vap build, publish); "keep" leaves the last good tree in
    place when the plans have errors (vap serve); "write" builds what loaded (tests, first preview).
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()
    result = run_checks(plans_dir)
    timings["check"] = time.perf_counter() - started
    if result.errors and on_errors == "raise":
        raise PlanError(
            "the plans have errors; nothing was built:\n" + format_text(result.errors, result.files)
        )
    if result.errors and on_errors == "keep" and (out_dir / urls.HOME).is_file():
        return _last_good(result, out_dir, timings)
    view = make_view(result.plans, resolve_audience(result.plans, audience), result.findings)
    index = Index(view.plans)
    svgs: dict[str, str] = {}
    rendered = cached = 0
    if diagrams:
        mark = time.perf_counter()
        from .diagrams import render_diagrams  # needs Graphviz; --no-diagrams builds without it

        svgs, rendered, cached = render_diagrams(view, index, cache_dir or out_dir.parent / "diagrams")
        timings["diagrams"] = time.perf_counter() - mark
    mark = time.perf_counter()
    change_files: dict[str, str] = {}
    notes: dict[str, str] = {}
    if previous is not None:
        from .changes import change_pages  # only when publishing over an earlier cycle

        change_files, notes = change_pages(previous, view, index)
    pages = Pages(view, index, diagram_placeholders(svgs), change_notes=notes, directory_urls=directory_urls)
    files = pages.all_pages()
    files.update(change_files)
    files[urls.ALIGNMENT] = alignment_page(pages)
    files[urls.ORGANISATION] = organisation_page(pages)
    files.update(extra_pages or {})
    statics = pages.cards()
    timings["render"] = time.perf_counter() - mark
    mark = time.perf_counter()
    written = write_tree(out_dir, {**files, **statics})
    timings["write"] = time.perf_counter() - mark
    return Generated(
        result, view, tuple(sorted(files)), tuple(sorted(statics)), written, rendered, cached, timings, svgs
    )


def diagram_placeholders(svgs: dict[str, str]) -> dict[str, str]:
    """What pages carry instead of the SVG: Markdown and the search plugin never parse diagram markup
    (it was half of the build time), and the hash makes a page's source change when its diagram does."""
    return {
        key: f"<!--vap-diagram {key} {hashlib.sha256(svg.encode()).hexdigest()[:12]}-->"
        for key, svg in svgs.items()
    }


def _last_good(result: CheckResult, out_dir: Path, timings: dict[str, float]) -> Generated:
    """The tree already on disk, untouched: what the preview keeps showing while a plan has errors."""
    existing = sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file())
    pages = tuple(p for p in existing if p.endswith(".md"))
    statics = tuple(p for p in existing if not p.endswith(".md"))
    view = make_view(result.plans, None, result.findings)
    return Generated(
        result, view, pages, statics, WriteStats((), len(existing), ()), 0, 0, timings, last_good=True
    )
