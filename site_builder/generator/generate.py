"""The one linear orchestrator: check -> view -> diagrams -> pages -> write. No MkDocs here."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from site_builder import progress
from site_builder.checking.check import CheckResult, format_text, run_checks
from site_builder.domain.audience import View, make_view, resolve_audience
from site_builder.domain.history import History
from site_builder.domain.index import Index
from site_builder.errors import PlanError, rendering
from site_builder.gcpause import gc_paused
from site_builder.generator import urls
from site_builder.generator.affected import affected
from site_builder.generator.alignment import alignment_page, department_slugs, organisation_page
from site_builder.generator.directory import department_lists, directory_json, directory_page
from site_builder.generator.goal_lists import goal_department_pages, goal_lists
from site_builder.generator.pages import Pages
from site_builder.generator.plan_history import shown_history
from site_builder.generator.safe_md import set_intranet_hosts
from site_builder.generator.signatures import diagram_pages, page_signatures
from site_builder.generator.team import Part, team_parts
from site_builder.generator.writer import WriteStats, write_tree

if TYPE_CHECKING:
    from site_builder.generator.changes import Changes


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
    signatures: dict[str, object] = field(default_factory=dict)
    """What each page showed (see signatures.py): the next generation re-renders only what differs."""
    texts: dict[str, str] = field(default_factory=dict)
    """Every generated page and card by path, for reuse by the next generation."""
    settings: object = None
    """Audience, URL style, diagrams, portal and strategy: when any differs, nothing is reused."""
    placeholders: dict[str, str] = field(default_factory=dict)
    history_note: str | None = None
    """Why this edition shows no plan history (not a git repository, a shallow clone, no git): the
    adapter says it once per build; None when the history was read or the edition shows none."""


@gc_paused()  # millions of small objects and no cycles: the collector would only slow this down
def generate(
    plans_dir: Path,
    out_dir: Path,
    *,
    audience: str | None = None,
    diagrams: bool = True,
    cache_dir: Path | None = None,
    on_errors: str = "raise",
    previous: Path | None = None,
    directory_urls: bool = True,
    reuse: Generated | None = None,
    keep_texts: bool = False,
    checked: CheckResult | None = None,
) -> Generated:
    """Check the plans and write the generated docs tree for one audience (None = portal default).

    on_errors: "raise" refuses to build (vap build, publish); "keep" leaves the last good tree in
    place when the plans have errors (vap serve); "write" builds what loaded (tests, first preview).
    keep_texts: keep every page's text in the result, for `reuse` by the next generation (vap serve);
    a one-off build drops them once written (a few hundred MB at 10,000 roles).
    reuse: the previous generation of this process (vap serve); only pages whose signature changed
    are rendered again, and only their diagrams are drawn again.
    checked: the plans as the caller already checked them (vap build, publish: read once per build).
    """
    timings: dict[str, float] = {}
    result = _checked(plans_dir, checked, on_errors, timings)
    if result.errors and on_errors == "keep" and (out_dir / urls.HOME).is_file():
        return _last_good(result, out_dir, timings)
    set_intranet_hosts(result.plans.portal.intranet_hosts)  # the link policy of safe_md, for every page
    view = make_view(
        result.plans, resolve_audience(result.plans, audience), result.findings, index=result.index
    )
    index = Index(view.plans)
    change_files, notes, changes = _changes(previous, view, index)
    history = _history(plans_dir, view, timings)
    settings = (view.audience, view.hidden, directory_urls, diagrams, view.plans.portal, view.plans.strategy)
    work = _work(view, index, notes, settings, reuse, timings, history, changes)
    svgs, rendered, cached = _draw(work, cache_dir or out_dir.parent / "diagrams") if diagrams else ({}, 0, 0)
    placeholders, texts = _pages(work, svgs, notes, directory_urls)
    files = {p: t for p, t in texts.items() if p.endswith(".md")}
    files.update(change_files)
    statics = {p: t for p, t in texts.items() if not p.endswith(".md")}
    written = _write(out_dir, {**files, **statics}, work, change_files)
    return Generated(
        result,
        view,
        tuple(sorted(files)),
        tuple(sorted(statics)),
        written,
        rendered,
        cached,
        timings,
        svgs,
        signatures=work.signatures,
        texts=texts if keep_texts else {},
        settings=settings,
        placeholders=placeholders,
        history_note=history.reason if history is not None else None,
    )


def _history(plans_dir: Path, view: View, timings: dict[str, float]) -> History | None:
    """Each plan's history from git, read once for the whole repository, in editions with sheets."""
    from site_builder.generator.conversation import shows_sheets
    from site_builder.loading.history import read_history

    if not shows_sheets(view):
        return None
    mark = time.perf_counter()
    progress.start("Reading the plans' history (git)")
    history = read_history(plans_dir, view.plans.portal.cycle_start)
    timings["history"] = time.perf_counter() - mark
    return history


def _checked(
    plans_dir: Path, checked: CheckResult | None, on_errors: str, timings: dict[str, float]
) -> CheckResult:
    """The plans checked (once: a caller that checked them passes them in); errors refuse a build."""
    started = time.perf_counter()
    if checked is None:
        progress.start("Checking the plans")
    result = checked if checked is not None else run_checks(plans_dir)
    timings["check"] = time.perf_counter() - started
    if result.errors and on_errors == "raise":
        raise PlanError(
            "the plans have errors; nothing was built:\n" + format_text(result.errors, result.files)
        )
    return result


@dataclass(frozen=True, slots=True)
class _Work:
    """What one generation renders: the view, which pages changed, and the generation it reuses."""

    view: View
    index: Index
    signatures: dict[str, object]
    todo: set[str]
    reuse: Generated | None
    timings: dict[str, float]
    history: History | None = None
    changes: Changes | None = None
    parts: Mapping[str, Part] | None = None
    """Each manager's part of the organisation: signed and rendered from one computation."""


def _changes(
    previous: Path | None, view: View, index: Index
) -> tuple[dict[str, str], dict[str, str], Changes | None]:
    """The "What changed" pages and per-page notes, when publishing over an earlier cycle."""
    if previous is None:
        return {}, {}, None
    from site_builder.generator.changes import change_pages  # only when publishing over an earlier cycle

    return change_pages(previous, view, index)


def _work(
    view: View,
    index: Index,
    notes: dict[str, str],
    settings: object,
    reuse: Generated | None,
    timings: dict[str, float],
    history: History | None = None,
    changes: Changes | None = None,
) -> _Work:
    """Which pages to render: those whose signature changed since `reuse`, or all when it does not fit."""
    mark = time.perf_counter()
    events = shown_history(view, history)
    parts = team_parts(view, index)
    if reuse is not None and reuse.settings == settings and not reuse.last_good and reuse.texts:
        # after an edit that keeps the structure, only the pages near it are signed again
        only = None if notes else affected(reuse.view, view, index, reuse.signatures)
        signatures = page_signatures(view, index, notes, events, only, parts)
        todo = {p for p, sig in signatures.items() if reuse.signatures.get(p) != sig}
    else:
        signatures = page_signatures(view, index, notes, events, parts=parts)
        reuse, todo = None, set(signatures)
    timings["signatures"] = time.perf_counter() - mark
    return _Work(view, index, signatures, todo, reuse, timings, history, changes, parts)


def _draw(work: _Work, cache_dir: Path) -> tuple[dict[str, str], int, int]:
    """The diagrams of the changed pages drawn (or taken from the cache), the others reused."""
    from site_builder.generator.diagrams import render_diagrams  # needs Graphviz: imported only when drawing

    mark = time.perf_counter()
    progress.start(f"Drawing the diagrams of {len(work.todo):,} pages (Graphviz; cached ones are reused)")
    svgs, rendered, cached = render_diagrams(work.view, work.index, cache_dir, wanted=work.todo.__contains__)
    if work.reuse is not None:
        unchanged = work.signatures.keys() - work.todo
        kept = {k: v for k, v in work.reuse.svgs.items() if diagram_pages(k) in unchanged}
        svgs = {**kept, **svgs}
    work.timings["diagrams"] = time.perf_counter() - mark
    return svgs, rendered, cached


def _pages(
    work: _Work, svgs: dict[str, str], notes: dict[str, str], directory_urls: bool
) -> tuple[dict[str, str], dict[str, str]]:
    """The diagram placeholders and the text of every page and card (changed ones rendered again)."""
    mark = time.perf_counter()
    progress.start(f"Rendering {len(work.todo):,} generated pages")
    reuse = work.reuse
    placeholders = diagram_placeholders(
        svgs, reuse.svgs if reuse else {}, reuse.placeholders if reuse else {}
    )
    pages = Pages(
        work.view,
        work.index,
        placeholders,
        change_notes=notes,
        directory_urls=directory_urls,
        history=work.history,
        previous=work.changes,
        team=work.parts,
    )
    texts = {p: reuse.texts[p] for p in work.signatures.keys() - work.todo} if reuse is not None else {}
    texts.update(_render(pages, work.todo))
    work.timings["render"] = time.perf_counter() - mark
    work.timings["rendered_pages"] = len(work.todo)
    return placeholders, texts


def _write(out_dir: Path, texts: dict[str, str], work: _Work, change_files: dict[str, str]) -> WriteStats:
    """The generated tree on disk; with `reuse`, only the changed pages are compared and rewritten."""
    mark = time.perf_counter()
    progress.start(f"Writing {len(texts):,} generated files (only changed ones are rewritten)")
    reuse = work.reuse
    written = write_tree(
        out_dir,
        texts,
        changed=None if reuse is None else {*work.todo, *change_files},
        previous=None if reuse is None else {*reuse.pages, *reuse.statics},
    )
    work.timings["write"] = time.perf_counter() - mark
    return written


def _render(pages: Pages, todo: set[str]) -> dict[str, str]:
    """The pages (and role cards) in `todo`, by path."""
    plans = pages.plans
    whole: dict[str, Callable[[], str]] = {
        urls.HOME: pages.home,
        urls.STRATEGY: pages.strategy,
        urls.DIRECTORY: lambda: directory_page(pages),
        urls.DIRECTORY_JSON: lambda: directory_json(pages),
        urls.DIRECTORY_AZ: pages.directory_az,
        urls.ALIGNMENT: lambda: alignment_page(pages),
        urls.ORGANISATION: lambda: organisation_page(pages),
    }
    for dept, slug in department_slugs(pages.ix.departments.values()).items():
        whole[urls.alignment_page(slug)] = lambda dept=dept: alignment_page(pages, dept)  # type: ignore[misc]
    _conversations(pages, whole)
    out: dict[str, str] = {}
    for path, make in whole.items():
        if path in todo:
            with rendering(f"page '{path}'"):
                out[path] = make()
    if any(p.startswith("directory/") for p in todo):
        with rendering("the department lists"):
            out.update((p, t) for p, t in department_lists(pages).items() if p in todo)
    for goal in plans.strategy.goals:
        if urls.goal_page(goal.id) in todo:
            with rendering(f"goal '{goal.id}'"):
                out[urls.goal_page(goal.id)] = pages.goal(goal)
        if any(p in todo for p in goal_lists(pages.ix, goal).values()):
            with rendering(f"the lists of goal '{goal.id}'"):
                out.update((p, t) for p, t in goal_department_pages(pages, goal).items() if p in todo)
    for role in plans.roles.values():
        if urls.role_page(role.id) in todo or urls.role_card(role.id) in todo:
            with rendering(f"role '{role.id}'"):
                if urls.role_page(role.id) in todo:
                    out[urls.role_page(role.id)] = pages.role(role)
                if urls.role_card(role.id) in todo:
                    out[urls.role_card(role.id)] = pages.card(role)
    return out


def _conversations(pages: Pages, whole: dict[str, Callable[[], str]]) -> None:
    """The conversation sheets and where the cycle's conversations stand, in editions showing dialogue."""
    from site_builder.generator.conversation import sheet_markdown, sheet_reports, shows_sheets
    from site_builder.generator.standing import standing_page

    if not shows_sheets(pages.view):
        return
    for report in sheet_reports(pages.view):
        whole[urls.conversation_page(report)] = lambda r=report: sheet_markdown(pages, r)  # type: ignore[misc]
    whole[urls.CONVERSATIONS] = lambda: standing_page(pages)
    for dept, slug in department_slugs(pages.ix.departments.values()).items():
        whole[urls.conversations_page(slug)] = lambda dept=dept: standing_page(pages, dept)  # type: ignore[misc]


def diagram_placeholders(
    svgs: dict[str, str], old_svgs: dict[str, str] | None = None, old: dict[str, str] | None = None
) -> dict[str, str]:
    """What pages carry instead of the SVG: Markdown and the search plugin never parse diagram markup
    (it was half of the build time), and the hash makes a page's source change when its diagram does.
    Placeholders of diagrams that are the very same string as last time are reused, not re-hashed."""
    old_svgs, old = old_svgs or {}, old or {}
    return {
        key: old[key]
        if key in old and old_svgs.get(key) is svg
        else f"<!--vap-diagram {key} {hashlib.sha256(svg.encode()).hexdigest()[:12]}-->"
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
