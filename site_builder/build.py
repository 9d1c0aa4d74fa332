"""The one linear orchestrator: check -> view -> diagrams -> pages -> write. No MkDocs here."""

from __future__ import annotations

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
    statics: dict[str, str]
    """Generated non-page files (role cards), path -> text."""
    written: WriteStats
    diagrams_rendered: int
    diagrams_cached: int
    timings: dict[str, float] = field(default_factory=dict)


def generate(
    plans_dir: Path,
    out_dir: Path,
    *,
    audience: str | None = None,
    diagrams: bool = True,
    cache_dir: Path | None = None,
    allow_errors: bool = False,
    extra_pages: dict[str, str] | None = None,
    previous: Path | None = None,
) -> Generated:
    """Check the plans and write the generated docs tree for one audience (None = portal default)."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    result = run_checks(plans_dir)
    timings["check"] = time.perf_counter() - started
    if result.errors and not allow_errors:
        raise PlanError(
            "the plans have errors; nothing was built:\n" + format_text(result.errors, result.files)
        )
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
    pages = Pages(view, index, svgs, change_notes=notes)
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
    return Generated(result, view, tuple(sorted(files)), statics, written, rendered, cached, timings)
