"""Org-chart import: an HR export (CSV) -> one draft plan per position with `reports_to` set, ready
for managers to fill in. The whole file is read and checked before anything is written: a problem
anywhere (a missing manager, a cycle, a clash) is reported with its CSV line and nothing is written."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import click

from site_builder.authoring.init import (
    has_block_fields,
    role_text,
    update_fields,
    write_new,
    yaml_id,
)
from site_builder.authoring.orgcsv import ColumnReport, Columns, Position, read_positions
from site_builder.authoring.orglayout import assign_ids, folders_of, tree_order
from site_builder.authoring.text import yaml_str
from site_builder.domain.model import ROLE_FIELDS, PlanSet, Role
from site_builder.errors import EXIT_OK, PlanError, PortalError
from site_builder.loading.loader import load_plans

MARKER = re.compile(r"^#\s*position-id:\s*(.*?)\s*$", re.MULTILINE)
UPDATED_FIELDS = ("reports_to", "holder", "department")
ADOPTED_FIELDS = ("title", "holder", "department", "level")


@dataclass(frozen=True, slots=True)
class Note:
    """One line of the import report, `org.csv:14: message`."""

    severity: Literal["error", "note"]
    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}"


@dataclass(slots=True)
class Planned:
    """What the import does for one position."""

    position: Position
    role_id: str
    path: Path
    action: Literal["write", "update", "keep"]
    text: str = ""


@dataclass(slots=True)
class ImportPlan:
    notes: list[Note] = field(default_factory=list)
    planned: list[Planned] = field(default_factory=list)
    columns: ColumnReport | None = None

    @property
    def errors(self) -> list[Note]:
        return [n for n in self.notes if n.severity == "error"]


def require_repository(plans_dir: Path) -> None:
    missing = [name for name in ("portal.yaml", "strategy.yaml") if not (plans_dir / name).is_file()]
    if missing:
        raise PortalError(
            f"{plans_dir} has no {' or '.join(missing)}: run 'vap init DIR' first to create a planning "
            f"repository, then import into DIR/plans"
        )


def plan_import(
    *, csv_path: Path, plans_dir: Path, columns: Columns, update: bool, skip_bad_rows: bool = False
) -> ImportPlan:
    """Everything the import would do, and every problem, without writing anything."""
    require_repository(plans_dir)
    plans = load_plans(plans_dir).plans
    existing = _existing(plans, plans_dir)
    outside = {**{r: r for r in plans.roles}, **existing}  # managers the plans hold already
    positions, problems, report = read_positions(
        csv_path, columns, levels=plans.portal.levels, outside=outside, skip_bad_rows=skip_bad_rows
    )
    planner = _Planner(csv_path, plans_dir, plans, update)
    planner.plan.columns = report
    planner.plan.notes += [Note(p.severity, planner.src, p.line, p.message) for p in problems]
    if not planner.plan.errors:
        planner.run(positions, existing, outside)
    return planner.plan


class _Planner:
    """One import being planned: ids, folders, and for each position a new file or an edit."""

    def __init__(self, csv_path: Path, plans_dir: Path, plans: PlanSet, update: bool) -> None:
        self.csv_path, self.plans_dir, self.plans, self.update = csv_path, plans_dir, plans, update
        self.src = str(csv_path)
        self.base = plans_dir.parent
        self.plan = ImportPlan()

    def note(self, pos: Position, message: str, severity: Literal["error", "note"] = "note") -> None:
        self.plan.notes.append(Note(severity, self.src, pos.line, message))

    def run(self, positions: list[Position], existing: Mapping[str, str], outside: Mapping[str, str]) -> None:
        plans = self.plans
        ids = assign_ids(positions, plans, existing)
        tops = [p for p in positions if p.manager is None]
        current_top = next((r for r in plans.roles.values() if r.reports_to is None), None)
        mapped_top = None
        if len(tops) == 1 and current_top is not None and ids[tops[0].key] not in plans.roles:
            mapped_top = tops[0].key  # e.g. the top role 'vap init' wrote: one top role, not two
            ids[mapped_top] = current_top.id
        folders = folders_of(positions, ids, outside, plans, self.plans_dir)
        for pos in tree_order(positions):
            role_id = ids[pos.key]
            manager = None if pos.manager is None else ids.get(pos.manager) or outside[pos.manager]
            role = plans.roles.get(role_id)
            if pos.key == mapped_top and role is not None:
                self.top(pos, role_id, self.base / role.file, skeleton=_skeleton(role, self.base))
            elif role is not None:
                self.existing(pos, role_id, self.base / role.file, manager)
            elif role_id in plans.unreadable:
                self.note(
                    pos,
                    f"a plan file of role '{role_id}' exists but cannot be read (see vap check); "
                    "left unchanged",
                )
            else:
                self.new(pos, role_id, folders[pos.key] / f"{role_id}.yaml", manager)

    def new(self, pos: Position, role_id: str, path: Path, manager: str | None) -> None:
        if path.exists():
            self.note(
                pos,
                f"cannot write {_rel(path, self.base)} for '{pos.key}': a file of that name exists "
                "and defines another role",
                "error",
            )
            return
        cycle_end = self.plans.portal.cycle_end.isoformat() if self.plans.portal.cycle else "YYYY-MM-DD"
        text = role_text(
            role_id=role_id,
            title=pos.title,
            holder=pos.holder,
            reports_to=manager,
            department=pos.department,
            level=pos.level,
            example_due=cycle_end,
            origin=(
                f"Drafted by vap import-org from {self.csv_path.name}, line {pos.line}. Keep the next line:",
                "a re-import finds this plan by it.",
                f"position-id: {_one_line(pos.key)}",
                *(
                    ("The file does not name the holder (not disclosed): holder says vacant until you",)
                    if pos.undisclosed
                    else ()
                ),
                *(("write the name, if it may be shown.",) if pos.undisclosed else ()),
            ),
        )
        self.plan.planned.append(Planned(pos, role_id, path, "write", text))

    def top(self, pos: Position, role_id: str, path: Path, *, skeleton: bool) -> None:
        """The file's top post stands for the plans' top role; the one `vap init` wrote, still
        untouched, takes the post's real title, holder, department and level."""
        shown = _rel(path, self.base)
        said = (
            f"top position '{pos.key}' ({pos.title}) is taken as the existing top role '{role_id}' ({shown})"
        )
        if not skeleton:
            self.note(pos, said)
            self.existing(pos, role_id, path, None, quiet=True)
            return
        values = {"title": yaml_str(pos.title), **self.values(pos, None)}
        if pos.level is not None:
            values["level"] = str(pos.level)
        adopted = said + ", still as vap init wrote it: {changed} set from the file"
        self.edit(pos, role_id, path, values, adopted, quiet_said=said)

    def values(self, pos: Position, manager: str | None) -> dict[str, str | None]:
        """The fields an import keeps up to date, as YAML scalars."""
        values: dict[str, str | None] = {}
        if pos.manager is not None:
            values["reports_to"] = yaml_id(manager or "")
        if pos.has_holder and not pos.undisclosed:  # an undisclosed holder leaves a name as it is
            values["holder"] = yaml_str(pos.holder or "vacant")
        if pos.department:
            values["department"] = yaml_str(pos.department)
        return values

    def existing(
        self, pos: Position, role_id: str, path: Path, manager: str | None, *, quiet: bool = False
    ) -> None:
        """A plan that exists is never replaced; with --update three fields are edited in place."""
        if not self.update:
            if not quiet:
                self.note(
                    pos,
                    f"{_rel(path, self.base)} already exists; left unchanged (--update updates its "
                    "reports_to, holder and department)",
                )
            self.plan.planned.append(Planned(pos, role_id, path, "keep"))
            return
        self.edit(
            pos,
            role_id,
            path,
            self.values(pos, manager),
            f"{_rel(path, self.base)}: {{changed}} brought up to date",
        )

    def edit(
        self,
        pos: Position,
        role_id: str,
        path: Path,
        values: Mapping[str, str | None],
        said: str,
        quiet_said: str = "",
    ) -> None:
        """Fields edited line by line; the note names only the fields whose line really changed."""
        shown = _rel(path, self.base)
        keep = Planned(pos, role_id, path, "keep")
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.note(pos, f"cannot update {shown}: {exc}", "error")
            return
        if not has_block_fields(text):
            self.note(pos, f"{shown} is not written one field a line; left unchanged (update it by hand)")
            self.plan.planned.append(keep)
            return
        new_text, changed = text, []
        for name, value in values.items():
            edited = update_fields(new_text, {name: value}, order=ROLE_FIELDS)
            if edited != new_text:
                changed.append(name)
            new_text = edited
        if not changed:
            if quiet_said:
                self.note(pos, quiet_said)
            self.plan.planned.append(keep)
            return
        self.note(pos, said.format(changed=", ".join(changed)))
        self.plan.planned.append(Planned(pos, role_id, path, "update", new_text))


def _skeleton(role: Role, base: Path) -> bool:
    """The top role as `vap init` wrote it: a draft with no outcomes that no import has claimed."""
    try:
        text = (base / role.file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    return role.status == "draft" and not role.outcomes and not MARKER.search(text)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _rel(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return str(path)


def _existing(plans: PlanSet, plans_dir: Path) -> dict[str, str]:
    """Position id -> role id, from the `# position-id:` lines that earlier imports wrote."""
    found: dict[str, str] = {}
    for role in plans.roles.values():
        try:
            text = (plans_dir.parent / role.file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        match = MARKER.search(text)
        if match and match.group(1):
            found.setdefault(match.group(1), role.id)
    return found


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def apply_import(plan: ImportPlan) -> None:
    """Write new plans (never replacing a file) and the line edits of existing ones."""
    for item in plan.planned:
        if item.action == "write":
            write_new(item.path, item.text)
        elif item.action == "update":
            item.path.write_bytes(item.text.encode("utf-8"))


def import_org(
    *,
    csv_path: Path,
    plans_dir: Path,
    columns: Columns,
    map_file: Path | None,
    update: bool,
    skip_bad_rows: bool = False,
    dry_run: bool = False,
) -> int:
    """`vap import-org`: say which columns it read, report every problem with its CSV line, and
    write only when there is none (or, with --skip-bad-rows, the rows without one)."""
    from site_builder.authoring.orgcsv import read_map

    chosen = read_map(map_file).merged(columns) if map_file else columns
    plan = plan_import(
        csv_path=csv_path, plans_dir=plans_dir, columns=chosen, update=update, skip_bad_rows=skip_bad_rows
    )
    if plan.columns is not None:
        click.echo("\n".join(plan.columns.lines(str(csv_path))))
    for note in plan.notes:
        click.echo(str(note), err=True)
    if plan.errors:
        raise PlanError(
            f"{len(plan.errors)} problem(s) in {csv_path}; nothing was written (fix the file or choose its "
            "columns with --map or --*-col, or leave the bad rows out with --skip-bad-rows; then run "
            "vap import-org again)"
        )
    if dry_run:
        for item in plan.planned:
            if item.action != "keep":
                click.echo(f"would {item.action} {_rel(item.path, plans_dir.parent)} ({item.position.title})")
    else:
        apply_import(plan)
    counts = {a: sum(1 for p in plan.planned if p.action == a) for a in ("write", "update", "keep")}
    verb = ("would be written", "would be updated") if dry_run else ("written", "updated")
    click.echo(
        f"{_count(len(plan.planned), 'position')} in {csv_path}: "
        f"{_count(counts['write'], 'plan')} {verb[0]}, "
        f"{counts['update']} {verb[1]}, {counts['keep']} left unchanged (under {plans_dir / 'roles'})"
        + (" (--dry-run: nothing was written)" if dry_run else "")
    )
    if counts["write"] and not dry_run:
        click.echo("Each new plan is a draft for its manager to fill in; 'vap check' lists what is missing.")
    return EXIT_OK
