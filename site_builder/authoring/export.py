"""Export: one audience's view of the plans for other tools. JSON is the whole model (the same
document as the published plans.json); CSV is one row per outcome, for spreadsheets. Hidden fields
are absent from both: the export goes through the same audience view as the site."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import click

from site_builder.checking.check import format_text, run_checks
from site_builder.domain import snapshot
from site_builder.domain.audience import View, make_view, resolve_audience
from site_builder.domain.index import Index
from site_builder.domain.model import Outcome
from site_builder.errors import EXIT_OK, PlanError, PortalError

FORMATS = ("json", "csv")
ROLE_COLUMNS: tuple[tuple[str, str | None], ...] = (
    # (column, the hideable role field it shows; None: always shown)
    ("role_id", None),
    ("role_title", None),
    ("holder", "holder"),
    ("department", None),
    ("level", "level"),
    ("status", None),
)
OUTCOME_COLUMNS = ("outcome_id", "outcome_title", "measure", "target", "due", "supports")
_FORMULA = re.compile(r"^[=@\t\r]|^[+-](?![\d.,]+%?$)")
"""Cells a spreadsheet would run as a formula (`=HYPERLINK(...)`, `+cmd`, `@SUM`); `-5%` stays a number."""


def plans_view(plans_dir: Path, audience: str | None) -> View:
    """The audience's view of checked plans; plans with errors are not exported."""
    result = run_checks(plans_dir)
    if result.errors:
        click.echo(format_text(result.errors, result.files), err=True)
        raise PlanError("the plans have errors; nothing was exported (fix them, then export again)")
    return make_view(
        result.plans, resolve_audience(result.plans, audience), result.findings, index=result.index
    )


def to_json_text(view: View, *, clock: snapshot.Clock = snapshot.utc_now) -> str:
    """The model as plans.json writes it (reusing snapshot.to_json, so the two never drift apart)."""
    return snapshot.dumps(snapshot.to_json(view, clock=clock))


def columns(view: View) -> list[str]:
    shown = [name for name, hideable in ROLE_COLUMNS if hideable is None or hideable not in view.hidden]
    return shown + ([] if "outcomes" in view.hidden else list(OUTCOME_COLUMNS))


def rows(view: View) -> Iterator[list[str]]:
    """One row per outcome; a role without (visible) outcomes gets one row with empty outcome cells."""
    plans = view.plans
    names = columns(view)
    ix = Index(plans)
    for role_id, role in sorted(plans.roles.items()):
        role_cells = {
            "role_id": role_id,
            "role_title": role.title,
            "holder": role.holder or "vacant",
            "department": plans.department_of(role_id) or "",
            "level": "" if role.level is None else str(role.level),
            "status": role.status,
        }
        # each key result right after the objective it refines (its `supports` names it)
        tree = [] if "outcomes" in view.hidden else ix.outcome_tree(role_id)
        outcomes: list[Outcome | None] = [outcome for outcome, _ in tree]
        for outcome in outcomes or [None]:
            cells = dict(role_cells)
            if outcome is not None:
                cells |= {
                    "outcome_id": outcome.id,
                    "outcome_title": outcome.title,
                    "measure": outcome.measure or "",
                    "target": outcome.target or "",
                    "due": outcome.due.isoformat() if outcome.due else "",
                    "supports": "; ".join(ref.target for ref in outcome.supports),
                }
            yield [_cell(cells.get(name, "")) for name in names]


def _cell(value: str) -> str:
    return "'" + value if _FORMULA.match(value) else value


def to_csv_text(view: View) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(columns(view))
    writer.writerows(rows(view))
    return out.getvalue()


def render(view: View, output_format: str) -> str:
    if output_format not in FORMATS:
        raise PortalError(f"unknown export format '{output_format}'; choose one of: {', '.join(FORMATS)}")
    return to_json_text(view) if output_format == "json" else to_csv_text(view)


def export(*, plans_dir: Path, output_format: str, audience: str | None, output: Path | None) -> int:
    """`vap export`: to a file (CSV with a BOM, so Excel reads it as UTF-8) or to standard output."""
    view = plans_view(plans_dir, audience)
    text = render(view, output_format)
    if output is None:
        click.echo(text, nl=False)
        return EXIT_OK
    encoding = "utf-8-sig" if output_format == "csv" else "utf-8"
    try:
        output.write_bytes(text.encode(encoding))
    except OSError as exc:
        raise PortalError(f"cannot write {output}: {exc.strerror}") from exc
    click.echo(
        f"Wrote {output}: {len(view.plans.roles)} roles as {output_format}, audience '{view.audience}'",
        err=True,
    )
    return EXIT_OK
