"""What each `vap` command does, as plain functions with keyword-only arguments (the CLI is only a door)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from site_builder import progress
from site_builder.checking.check import (
    CheckOptions,
    apply_policy,
    format_json,
    format_text,
    parse_rule_list,
    previous_cycle,
    run_checks,
    summary_line,
)
from site_builder.domain import snapshot
from site_builder.errors import EXIT_FINDINGS, EXIT_OK, PlanError, PortalError
from site_builder.loading import parsecache


class _Phases:
    """The phases of long work on standard error: one line each, a bar where the count is known."""

    def __init__(self, *, bars: bool, timings: bool) -> None:
        self.bars, self.timings = bars, timings
        self.bar: Any = None
        self.label: str | None = None
        self.began = 0.0

    def start(self, label: str, total: int | None) -> None:
        self.finish()
        self.label, self.began = label, time.perf_counter()
        if self.bars and total and total >= 100:
            self.bar = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        else:
            click.echo(f"{label}...", err=True)

    def advance(self, steps: int) -> None:
        if self.bar is not None:
            self.bar.update(steps)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
        if self.label is not None and self.timings:
            click.echo(f"  done in {time.perf_counter() - self.began:.1f} s", err=True)
        self.label = None


def _progress(quiet: bool, verbose: bool) -> contextlib.AbstractContextManager[None]:
    """Phases with counts on a terminal (bars), or with --verbose (lines with timings); nothing in CI,
    when standard error is not a terminal, or with --quiet."""
    on_terminal = sys.stderr.isatty() and os.environ.get("CI", "").lower() != "true"
    if quiet or not (verbose or on_terminal):
        return contextlib.nullcontext()
    return progress.reporting(_Phases(bars=on_terminal and not verbose, timings=verbose))


def check_options(*, enable: tuple[str, ...], as_of: dt.date | None, previous: Path | None) -> CheckOptions:
    """The options of `vap check`: enabled rules, the as-of date and the previous cycle's snapshot."""
    last = CheckOptions()
    if previous is not None:
        last = previous_cycle(snapshot.read(previous / snapshot.FILE_NAME if previous.is_dir() else previous))
    return replace(last, as_of=as_of, enable=frozenset(parse_rule_list(enable)) - {"all"})


def check(
    *,
    plans_dir: Path,
    output_format: str,
    strict: bool,
    fail_on: tuple[str, ...],
    options: CheckOptions | None = None,
    cache: bool = True,
) -> int:
    """Print every finding; the exit code says whether any finding fails under the policy."""
    parsecache.configure(enabled=cache)
    result = run_checks(plans_dir, options, lazy=True)
    policy = parse_rule_list((*result.plans.portal.fail_on, *fail_on))
    findings = apply_policy(result.findings, policy, strict=strict)
    if output_format == "json":
        click.echo(format_json(findings))
    else:
        click.echo(format_text(findings, result.files))
    return EXIT_FINDINGS if any(f.severity == "error" for f in findings) else EXIT_OK


def _config_file(config_file: Path) -> Path:
    if not config_file.is_file():
        raise PortalError(
            f"no MkDocs configuration at '{config_file}': run vap from the folder that holds mkdocs.yml, "
            "pass --config-file, or create a portal with 'vap init DIR'"
        )
    return config_file


def build(
    *,
    plans_dir: Path,
    config_file: Path,
    site_dir: Path | None,
    audience: str | None,
    diagrams: bool,
    cache: bool = True,
    quiet: bool = False,
    verbose: bool = False,
    emit_docs: Path | None = None,
    emit_links: str = "urls",
) -> int:
    """Check first (errors refuse the build, printed as `vap check` prints them), then build the site
    (or, with `emit_docs`, write the edition as a plain docs folder and mkdocs.yml there instead)."""
    from site_builder.mkdocs_adapter.api import SiteSettings, build_site

    parsecache.configure(enabled=cache)
    config_file = _config_file(config_file)
    with _progress(quiet, verbose):
        progress.start("Checking the plans")
        result = run_checks(plans_dir)
        if result.errors:
            click.echo(format_text(result.errors, result.files), err=True)
            raise PlanError("the plans have errors; nothing was built (fix them, then run vap build again)")
        if not quiet:
            line = summary_line(result.findings, result.files) + " (run 'vap check' for the warnings)"
            click.echo(line, err=True)
        started = time.perf_counter()
        settings = SiteSettings(plans_dir, audience=audience, diagrams=diagrams)
        if emit_docs is not None:
            from site_builder.mkdocs_adapter.emit_docs import emit_docs as emit

            emitted = emit(config_file, settings, emit_docs, checked=result, links=emit_links)
            click.echo(
                f"wrote {emitted.pages} generated pages and mkdocs.yml (no vap plugin) into {emit_docs} "
                f"in {time.perf_counter() - started:.1f} s; build it there with: mkdocs build",
                err=True,
            )
            return EXIT_OK
        built = build_site(config_file, settings, site_dir=site_dir, checked=result)
    if not quiet:
        if built.generated.history_note is not None:  # said once per build (the plugin logs it as info)
            click.echo(f"role pages show no plan history: {built.generated.history_note}", err=True)
        click.echo(f"built the site into {built.site_dir} in {time.perf_counter() - started:.1f} s", err=True)
    return EXIT_OK


def serve(
    *,
    plans_dir: Path,
    config_file: Path,
    host: str,
    port: int,
    role: str | None,
    open_browser: bool,
    cache: bool = True,
) -> int:
    """Live preview: everything visible, drafts bannered, errors shown in the page instead of crashing."""
    from site_builder.mkdocs_adapter.api import SiteSettings, serve_site

    parsecache.configure(enabled=cache)
    config_file = _config_file(config_file)
    url = f"http://{host}:{port}/"
    if role:
        url += f"roles/{role}/"
    click.echo(f"Serving the preview of {plans_dir} at {url} (Ctrl+C to stop)", err=True)
    click.echo(
        "The preview rebuilds incrementally: after each save only the pages whose content changed are "
        "generated and rendered again; navigation and links stay whole and search keeps every page.",
        err=True,
    )
    settings = SiteSettings(plans_dir, audience="preview", diagrams=True)
    serve_site(config_file, settings, host=host, port=port, open_browser=open_browser, start_url=url)
    return EXIT_OK


def synth(*, dest: Path, roles: int, seed: int, style: str = "plain") -> int:
    from site_builder.authoring.synth import generate

    try:
        summary = generate(dest, roles, seed=seed, style=style)
    except FileExistsError as exc:
        raise PortalError(str(exc)) from exc
    click.echo(
        f"wrote {summary.roles} roles ({summary.outcomes} outcomes, {summary.departments} departments) "
        f"into {dest / 'plans'}"
    )
    return EXIT_OK


def publish(
    *,
    plans_dir: Path,
    config_file: Path,
    out_dir: Path,
    cycle: str | None,
    audience: str | None,
    force: bool,
    fail_on: tuple[str, ...],
    diagrams: bool,
    staging: Path | None = None,
    nested: bool = False,
    quiet: bool = False,
    verbose: bool = False,
) -> int:
    """Gate, build and publish one cycle into the versioned folder; earlier cycles are never touched."""
    from site_builder.publishing.publish import publish as publish_cycle

    with _progress(quiet, verbose):
        progress.start("Checking the plans")
        result = publish_cycle(
            plans_dir=plans_dir,
            config_file=_config_file(config_file),
            out_dir=out_dir,
            cycle=cycle,
            audience=audience,
            force=force,
            fail_on=fail_on,
            diagrams=diagrams,
            staging=staging,
            nested=nested,
        )
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    if quiet:
        return EXIT_OK
    warnings = sum(f.severity == "warning" for f in result.findings)
    click.echo(
        f"{'Replaced' if result.replaced else 'Published'} {result.cycle} for {result.audience} in "
        f"{result.path} ({warnings} warning{'s' * (warnings != 1)}; run 'vap check' to see them)",
        err=True,
    )
    if result.previous:
        click.echo(f"'What changed' compares with {result.previous}", err=True)
    click.echo(f"Cycles now published: {', '.join(result.versions)} (latest: {result.versions[0]})", err=True)
    return EXIT_OK


def schema(*, kind: str | None) -> int:
    import json

    from site_builder.authoring.schemas import json_schemas

    schemas = json_schemas()
    click.echo(json.dumps(schemas[kind] if kind else schemas, indent=2, ensure_ascii=False))
    return EXIT_OK


def conversation(
    *,
    plans_dir: Path,
    manager: str,
    report: str,
    audience: str | None,
    out: Path | None,
    previous: Path | None = None,
    cache: bool = True,
) -> int:
    """The conversation sheet of a manager and a report as Markdown, to standard output or a file:
    the plan history read from git and the previous cycle compared, as a site build does."""
    from site_builder.domain.audience import make_view, resolve_audience
    from site_builder.domain.index import Index
    from site_builder.generator.changes import compare
    from site_builder.generator.conversation import sheet_text
    from site_builder.generator.safe_md import set_intranet_hosts
    from site_builder.loading.history import read_history

    parsecache.configure(enabled=cache)
    result = run_checks(plans_dir)
    if result.errors:
        click.echo(format_text(result.errors, result.files), err=True)
        raise PlanError(
            "the plans have errors; no sheet was written (fix them, then run vap conversation again)"
        )
    set_intranet_hosts(result.plans.portal.intranet_hosts)
    view = make_view(
        result.plans,
        resolve_audience(result.plans, audience or "preview"),
        result.findings,
        index=result.index,
    )
    history = read_history(plans_dir, view.plans.portal.cycle_start)
    if history.reason is not None:
        click.echo(f"no plan history on the sheet: {history.reason}", err=True)
    changes = None
    if previous is not None:
        changes = compare(
            snapshot.read(previous / snapshot.FILE_NAME if previous.is_dir() else previous), view
        )
    text = sheet_text(view, Index(view.plans), manager, report, history=history, previous=changes)
    if out is None:
        click.echo(text, nl=False)
    else:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise PortalError(f"cannot write '{out}': {exc.strerror or exc}") from exc
        click.echo(f"wrote the conversation sheet of '{manager}' and '{report}' to {out}", err=True)
    return EXIT_OK
