"""Org-chart import: an HR export (CSV) -> one draft plan per position with `reports_to` set, ready
for managers to fill in. The whole file is read and checked before anything is written: a problem
anywhere (a missing manager, a cycle, a clash) is reported with its CSV line and nothing is written."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import click

from site_builder.authoring.init import (
    has_block_fields,
    role_text,
    slugify,
    update_fields,
    write_new,
    yaml_id,
)
from site_builder.authoring.orgcsv import Columns, Position, read_positions
from site_builder.authoring.text import yaml_str
from site_builder.domain.model import ROLE_FIELDS, PlanSet
from site_builder.errors import EXIT_OK, PlanError, PortalError
from site_builder.loading.loader import ROLE_ID, load_plans

MARKER = re.compile(r"^#\s*position-id:\s*(.*?)\s*$", re.MULTILINE)
UPDATED_FIELDS = ("reports_to", "holder", "department")


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


def plan_import(*, csv_path: Path, plans_dir: Path, columns: Columns, update: bool) -> ImportPlan:
    """Everything the import would do, and every problem, without writing anything."""
    require_repository(plans_dir)
    plans = load_plans(plans_dir).plans
    existing = _existing(plans, plans_dir)
    outside = {**{r: r for r in plans.roles}, **existing}  # managers the plans hold already
    positions, problems = read_positions(csv_path, columns, levels=plans.portal.levels, outside=outside)
    planner = _Planner(csv_path, plans_dir, plans, update)
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
        ids = _assign_ids(positions, plans, existing)
        tops = [p for p in positions if p.manager is None]
        current_top = next((r for r in plans.roles.values() if r.reports_to is None), None)
        mapped_top = None
        if len(tops) == 1 and current_top is not None and ids[tops[0].key] not in plans.roles:
            mapped_top = tops[0].key  # e.g. the top role 'vap init' wrote: one top role, not two
            ids[mapped_top] = current_top.id
        folders = _folders(positions, ids, outside, plans, self.plans_dir)
        for pos in _tree_order(positions):
            role_id = ids[pos.key]
            manager = None if pos.manager is None else ids.get(pos.manager) or outside[pos.manager]
            role = plans.roles.get(role_id)
            if pos.key == mapped_top and role is not None:
                self.note(
                    pos,
                    f"top position '{pos.key}' ({pos.title}) is taken as the existing top role "
                    f"'{role_id}' ({role.file})",
                )
            if role is not None:
                self.existing(pos, role_id, self.base / role.file, manager, quiet=pos.key == mapped_top)
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
            ),
        )
        self.plan.planned.append(Planned(pos, role_id, path, "write", text))

    def existing(self, pos: Position, role_id: str, path: Path, manager: str | None, *, quiet: bool) -> None:
        """A plan that exists is never replaced; with --update three fields are edited in place."""
        shown = _rel(path, self.base)
        keep = Planned(pos, role_id, path, "keep")
        if not self.update:
            if not quiet:
                self.note(
                    pos,
                    f"{shown} already exists; left unchanged (--update updates its reports_to, "
                    "holder and department)",
                )
            self.plan.planned.append(keep)
            return
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.note(pos, f"cannot update {shown}: {exc}", "error")
            return
        if not has_block_fields(text):
            self.note(pos, f"{shown} is not written one field a line; left unchanged (update it by hand)")
            self.plan.planned.append(keep)
            return
        values: dict[str, str | None] = {}
        if pos.manager is not None:
            values["reports_to"] = yaml_id(manager or "")
        if pos.has_holder:
            values["holder"] = yaml_str(pos.holder or "vacant")
        if pos.department:
            values["department"] = yaml_str(pos.department)
        new_text = update_fields(text, values, order=ROLE_FIELDS)
        if new_text == text:
            self.plan.planned.append(keep)
            return
        changed = [name for name in UPDATED_FIELDS if name in values]
        self.note(pos, f"{shown}: {', '.join(changed)} brought up to date")
        self.plan.planned.append(Planned(pos, role_id, path, "update", new_text))


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


def _natural(key: str) -> tuple[tuple[int, int | str], ...]:
    """`P-9` before `P-10`: the order of position ids as people read them."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.casefold()) for part in re.findall(r"\d+|\D+", key)
    )


def _assign_ids(positions: list[Position], plans: PlanSet, existing: Mapping[str, str]) -> dict[str, str]:
    """Stable role ids: the id an earlier import gave the position, else the title's slug, made unique
    with the position id's slug (or a counter in position id order) when titles repeat or clash."""
    claimed = {role_id.casefold() for role_id in existing.values()}
    ids: dict[str, str] = {}
    pending: list[Position] = []
    for pos in positions:
        if pos.key in existing:
            ids[pos.key] = existing[pos.key]
        else:
            pending.append(pos)
    strategy_ids = {name.casefold() for name in plans.strategy.items()}
    used = claimed | strategy_ids
    bases: dict[str, list[Position]] = {}
    for pos in pending:
        base = slugify(pos.title, limit=48)
        if not base or not ROLE_ID.match(base):
            base = ""
        bases.setdefault(base, []).append(pos)
    for base in sorted(bases):
        group = sorted(bases[base], key=lambda p: _natural(p.key))
        clash = base == "" or len(group) > 1 or base in strategy_ids or base in claimed
        for n, pos in enumerate(group, start=1):
            if not clash:
                candidate = base
            else:
                suffix = slugify(pos.key, limit=14) or str(n)
                candidate = f"{base or 'role'}-{suffix}"
            role_id, k = candidate, 1
            while role_id.casefold() in used:
                k += 1
                role_id = f"{candidate[:58].rstrip('-')}-{k}"
            used.add(role_id.casefold())
            ids[pos.key] = role_id
    return ids


def _tree_order(positions: list[Position]) -> list[Position]:
    """Top first (and positions under roles outside the file), then each manager before the reports,
    each level in position id order."""
    keys = {p.key for p in positions}
    children: dict[str | None, list[Position]] = {}
    for pos in positions:
        children.setdefault(pos.manager if pos.manager in keys else None, []).append(pos)
    order: list[Position] = []
    queue = deque(sorted(children.get(None, []), key=lambda p: _natural(p.key)))
    while queue:
        pos = queue.popleft()
        order.append(pos)
        queue.extend(sorted(children.get(pos.key, []), key=lambda p: _natural(p.key)))
    return order


def _folders(
    positions: list[Position],
    ids: Mapping[str, str],
    outside: Mapping[str, str],
    plans: PlanSet,
    plans_dir: Path,
) -> dict[str, Path]:
    """The manager's folder for a role of the manager's department; otherwise that department's
    folder (where its shallowest role lives, or the first one this import makes)."""
    base = plans_dir.parent
    homes: dict[str, Path] = {}
    for known in sorted(plans.roles.values(), key=lambda r: (r.file.count("/"), r.file)):
        dept = plans.department_of(known.id)
        if dept:
            homes.setdefault(dept.casefold(), (base / known.file).parent)
    folders: dict[str, Path] = {}
    depts: dict[str, str | None] = {}
    for pos in _tree_order(positions):
        role = plans.roles.get(ids[pos.key])
        if pos.manager is None:
            above, inherited = plans_dir / "roles", None
        elif pos.manager in folders:
            above, inherited = folders[pos.manager], depts[pos.manager]
        else:  # a role the plans already hold
            boss = outside[pos.manager]
            above, inherited = (base / plans.roles[boss].file).parent, plans.department_of(boss)
        dept = pos.department or (plans.department_of(role.id) if role else None) or inherited
        depts[pos.key] = dept
        if role is not None:
            folders[pos.key] = (base / role.file).parent
        elif pos.manager is None or dept is None or (inherited or "").casefold() == dept.casefold():
            folders[pos.key] = above
        else:
            folders[pos.key] = homes.setdefault(dept.casefold(), above / (slugify(dept) or "department"))
        if dept and pos.manager is None:
            homes.setdefault(dept.casefold(), folders[pos.key])
    return folders


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
    *, csv_path: Path, plans_dir: Path, columns: Columns, map_file: Path | None, update: bool
) -> int:
    """`vap import-org`: report every problem with its CSV line; write only when there is none."""
    from site_builder.authoring.orgcsv import read_map

    chosen = read_map(map_file).merged(columns) if map_file else columns
    plan = plan_import(csv_path=csv_path, plans_dir=plans_dir, columns=chosen, update=update)
    for note in plan.notes:
        click.echo(str(note), err=True)
    if plan.errors:
        raise PlanError(
            f"{len(plan.errors)} problem(s) in {csv_path}; nothing was written (fix the file or choose its "
            "columns with --map or --*-col, then run vap import-org again)"
        )
    apply_import(plan)
    counts = {a: sum(1 for p in plan.planned if p.action == a) for a in ("write", "update", "keep")}
    click.echo(
        f"{_count(len(plan.planned), 'position')} in {csv_path}: {_count(counts['write'], 'plan')} written, "
        f"{counts['update']} updated, {counts['keep']} left unchanged (under {plans_dir / 'roles'})"
    )
    if counts["write"]:
        click.echo("Each new plan is a draft for its manager to fill in; 'vap check' lists what is missing.")
    return EXIT_OK
