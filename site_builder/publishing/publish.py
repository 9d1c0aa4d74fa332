"""Publishing a cycle: a versioned, static folder that any web server can serve, changed atomically.

Each audience has its own folder `DIR/<audience>/` (see layout.py) holding versions.json,
index.html and one folder per cycle: a complete MkDocs site with Material's version selector
(`extra.version.provider: mike`, which reads `../versions.json`) plus `plans.json`, the audience's
view of the plans. Nothing is built where readers can reach it: the new audience folder is built in
a staging folder beside DIR (hard links to the cycles it keeps, the new cycle built in full), then
exchanged with the live one in one step (staging.py, atomic.py). MkDocs is only reached through
the adapter's `api.build_site`, which returns the view the pages were rendered from: `plans.json`
is a snapshot of exactly that view.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from site_builder.checking.check import (
    CheckResult,
    apply_policy,
    format_text,
    parse_rule_list,
    run_checks,
    with_suspect_links,
)
from site_builder.domain import snapshot
from site_builder.domain.audience import resolve_audience
from site_builder.domain.model import Audience, Finding
from site_builder.errors import PlanError, PortalError
from site_builder.mkdocs_adapter import api  # the one door to MkDocs
from site_builder.mkdocs_adapter.api import SiteSettings
from site_builder.publishing import staging as stg
from site_builder.publishing.atomic import link_tree, locked, remove, sync_dir, write_synced
from site_builder.publishing.layout import Target, cycle_url, target_of
from site_builder.publishing.mkconfig import temp_config, user_config
from site_builder.publishing.versions import (
    INDEX,
    VERSIONS,
    VersionInfo,
    dumps,
    read_versions,
    redirect_page,
    updated_versions,
)


@dataclass(frozen=True, slots=True)
class PublishResult:
    cycle: str
    audience: str
    path: Path
    """The published cycle folder."""
    versions: tuple[str, ...]
    """Cycles in versions.json after publishing, newest first."""
    previous: str | None
    """The cycle the "What changed" page compares against (None: no page)."""
    replaced: bool
    """True when --force replaced an already published cycle."""
    findings: tuple[Finding, ...]
    """Every finding after the publishing policy (only warnings remain: errors refuse publishing)."""
    notes: tuple[str, ...] = ()
    """Things the person publishing should know (printed by the command)."""


def publish(
    *,
    plans_dir: Path,
    config_file: Path,
    out_dir: Path,
    cycle: str | None = None,
    audience: str | None = None,
    force: bool = False,
    fail_on: Sequence[str] = (),
    diagrams: bool = True,
    clock: snapshot.Clock = snapshot.utc_now,
    staging: Path | None = None,
    nested: bool = False,
) -> PublishResult:
    """Check, gate, build in staging, then swap the audience's folder (or the cycle) in, in one step."""
    config_file = config_file.resolve()
    if not config_file.is_file():
        raise PortalError(f"no MkDocs configuration at '{config_file}' (pass --config-file)")
    result, findings, chosen = _checked(plans_dir, fail_on, audience)
    out_dir = out_dir.resolve()
    target, notes = target_of(out_dir, result.plans.portal, chosen.name, cycle, nested=nested)
    wanted = [out_dir, target.root] if target.nested and target.root != out_dir else [out_dir]
    created = [d for d in wanted if not d.exists()]
    for folder in created:
        folder.mkdir(parents=True)
    try:
        stage = stg.staging_dir(out_dir, staging)
        with locked(out_dir), _tidy(stage, remove_empty=staging is None):
            notes += stg.sweep(stage)
            if target.nested:
                for folder in sorted({out_dir, target.root}):
                    stg.sweep_legacy(folder)
            versions = read_versions(target.root)
            known = [v.version for v in versions]
            replaced = target.cycle in known or target.folder.exists()
            if replaced and not force:
                raise PortalError(
                    f"cycle '{target.cycle}' is already published at {target.folder}; publishing it again "
                    "would change what people have read and linked to. Use --force to replace it."
                )
            previous, more = _previous(target, known)
            notes += more
            if (last := _snapshot_of(target, previous)) is not None:  # suspect-link needs the last cycle
                result = with_suspect_links(result, snapshot.read(last))
                findings = gate(result, fail_on)
            site_url = cycle_url(user_config(config_file).get("site_url"), target)
            if site_url is None:
                notes.append(
                    "site_url is not set in mkdocs.yml: switching cycles opens the other cycle's home page "
                    f"instead of the same page (set it to the address where {target.url_base} is served)"
                )
            new_versions = updated_versions(versions, target.cycle)
            settings = SiteSettings(plans_dir, target.audience, diagrams, _snapshot_of(target, previous))
            with temp_config(config_file, site_url, changes=previous is not None) as cfg:
                build = _Build(cfg, settings, result, clock)
                notes += _build_and_commit(target, stage, build, new_versions)
    except BaseException:
        stg.remove_if_empty(*reversed(created))  # a failed first publish leaves no trace
        raise
    published = tuple(v.version for v in new_versions)
    return PublishResult(
        target.cycle, target.audience, target.folder, published, previous, replaced, findings, tuple(notes)
    )


def _checked(
    plans_dir: Path, fail_on: Sequence[str], audience: str | None
) -> tuple[CheckResult, tuple[Finding, ...], Audience]:
    """The plans checked and gated, and the audience to publish (never 'preview')."""
    result = run_checks(plans_dir)
    findings = gate(result, fail_on)
    chosen = resolve_audience(result.plans, audience)
    if chosen is None:
        raise PortalError(
            "'preview' shows every plan and field and is only for 'vap serve'; publish one of the "
            f"audiences of portal.yaml ({', '.join(sorted(result.plans.portal.audiences))})"
        )
    return result, findings, chosen


@contextlib.contextmanager
def _tidy(stage: Path, *, remove_empty: bool) -> Iterator[None]:
    """The default staging folder goes when it is empty again, so nothing is left beside DIR."""
    try:
        yield
    finally:
        if remove_empty:
            stg.remove_if_empty(stage)


@dataclass(frozen=True, slots=True)
class _Build:
    """What building one cycle needs: the configuration, the settings and the checked plans."""

    cfg: Path
    settings: SiteSettings
    checked: CheckResult
    clock: snapshot.Clock


def _build_and_commit(target: Target, stage: Path, build: _Build, versions: list[VersionInfo]) -> list[str]:
    """Build in staging; the layout decides whether the audience's folder or the cycle is swapped in."""
    if target.nested:
        return _commit_cycle(target, stage, build, versions)
    new_root = stg.entry(stage, f"new-{target.audience}")
    try:
        new_root.mkdir()
        _carry_over(target, new_root)
        notes = _build_cycle(build, new_root / target.cycle, target.cycle)
        write_synced(new_root / VERSIONS, dumps(versions))
        write_synced(new_root / INDEX, redirect_page(versions[0].version))
        swap = stg.swap_in(new_root, target.root, stage)  # the one step readers see
    except BaseException:
        remove(new_root)
        raise
    swap.finish()
    sync_dir(target.out_dir)
    return notes + ([swap.note] if swap.note else [])


def _carry_over(target: Target, new_root: Path) -> None:
    """Everything of the live folder but what this publish rewrites, as hard links: byte for byte."""
    if not target.root.is_dir():
        return
    for item in sorted(target.root.iterdir()):
        if item.name not in {VERSIONS, INDEX, target.cycle}:
            link_tree(item, new_root / item.name)


def _build_cycle(build: _Build, site: Path, cycle: str) -> list[str]:
    """The cycle's site, and plans.json from exactly the view its pages were rendered from; returns
    why role pages show no plan history, when they do not (said once, as `vap build` does)."""
    built = api.build_site(build.cfg, build.settings, site_dir=site, checked=build.checked)
    data = snapshot.to_json(built.generated.view, clock=build.clock, cycle=cycle)
    write_synced(site / snapshot.FILE_NAME, snapshot.dumps(data))
    note = built.generated.history_note
    return [f"role pages show no plan history: {note}"] if note is not None else []


def _commit_cycle(target: Target, stage: Path, build: _Build, versions: list[VersionInfo]) -> list[str]:
    """Earlier layout: the cycle is swapped in one step, then versions.json and index.html replaced."""
    built = stg.entry(stage, f"new-{target.cycle}")
    staged = [built, stg.entry(stage, VERSIONS), stg.entry(stage, INDEX)]
    try:
        notes = _build_cycle(build, built, target.cycle)
        write_synced(staged[1], dumps(versions))
        write_synced(staged[2], redirect_page(versions[0].version))
        swap = stg.swap_in(built, target.folder, stage)
        try:
            os.replace(staged[1], target.root / VERSIONS)
        except BaseException:
            swap.undo()
            raise
        os.replace(
            staged[2], target.root / INDEX
        )  # the redirect follows; the next publish rewrites it anyway
    except BaseException:
        for path in staged:
            remove(path)
        raise
    swap.finish()
    sync_dir(target.root)
    return notes + ([swap.note] if swap.note else [])


def gate(result: CheckResult, fail_on: Sequence[str]) -> tuple[Finding, ...]:
    """Errors always block; warnings block when their rule is in portal.yaml's fail_on or --fail-on."""
    policy = parse_rule_list((*result.plans.portal.fail_on, *fail_on))
    findings = tuple(apply_policy(result.findings, policy))
    blocking = [f for f in findings if f.severity == "error"]
    if blocking:
        raise PlanError(
            "nothing was published: these findings block publishing (errors always do; warnings do when "
            "their rule is in fail_on of portal.yaml or --fail-on):\n" + format_text(blocking, result.files)
        )
    return findings


def _previous(target: Target, known: list[str]) -> tuple[str | None, list[str]]:
    """The cycle published just before this one (the newest, or the next older when replacing)."""
    if target.cycle in known:
        i = known.index(target.cycle)
        previous = known[i + 1] if i + 1 < len(known) else None
    else:
        previous = known[0] if known else None
    if previous is not None and _snapshot_of(target, previous) is None:
        return None, [f"cycle '{previous}' has no {snapshot.FILE_NAME}; no 'What changed' page was made"]
    return previous, []


def _snapshot_of(target: Target, cycle: str | None) -> Path | None:
    path = target.root / cycle / snapshot.FILE_NAME if cycle else None
    return path if path is not None and path.is_file() else None


__all__ = ["PublishResult", "gate", "publish", "read_versions", "redirect_page", "user_config"]
