"""Role plans as plain tuples for the parse cache, and back: marshal writes and reads those fast.

Restoring 10,000 typed plans is the larger part of a cached `vap check`; the cache keeps each plan's
id and loading findings apart from the plan itself (the head), so a run can restore the heads at once
and build a plan only when it is read (`Restored`, `LazyRoles`)."""

from __future__ import annotations

import datetime as dt
import marshal
from typing import Any

from site_builder.domain.model import Dialogue, Finding, Loc, Outcome, Ref, Role
from site_builder.loading.fields import FieldLocs


class Restored:
    """A cached role plan not yet built: its id and loading findings now, the typed Role on first use
    (a `vap check` whose rules' findings are all reused never builds most of them)."""

    __slots__ = ("_payload", "findings", "id", "rel")

    def __init__(self, rel: str, role_id: str | None, findings: list[Finding], payload: bytes) -> None:
        self.rel, self.id, self.findings, self._payload = rel, role_id, findings, payload

    def role(self) -> Role:
        """The typed plan (raises on any shape `_encode` never writes: a damaged or foreign entry)."""
        role = _decode(marshal.loads(self._payload), self.rel)
        if role.id != self.id:
            raise TypeError("role id")
        return role


def restore(rel: str, head: Any, payload: Any) -> Restored:
    """The id and findings of an entry now; its plan when asked (raises on a foreign shape)."""
    role_id, problems = head
    if not (role_id is None or role_id.__class__ is str) or payload.__class__ is not bytes:
        raise TypeError("entry head")
    if (role_id is None) != (not payload):
        raise TypeError("entry plan")
    return Restored(rel, role_id, _findings(problems, rel), payload)


class Uncacheable(Exception):
    """A value that does not come from this file alone (a finding about another file): parse again."""


def _position(loc: Loc, rel: str) -> tuple[int | None, int | None]:
    if loc.path != rel:
        raise Uncacheable
    return loc.line, loc.column


def _date(value: dt.date | None) -> int | None:
    return None if value is None else value.toordinal()


def encode(role: Role | None, findings: list[Finding], rel: str) -> tuple[Any, Any]:
    """A role and its findings as tuples of str, int and None (marshal writes those directly): the
    head (id and findings, restored at once) and the plan (built only when it is read)."""
    problems = tuple(
        (f.severity, f.rule, f.message, *_position(f.loc, rel), f.role, f.outcome, f.hint, f.related)
        for f in findings
    )
    if role is None:
        return (None, problems), None
    if any(o.role != role.id for o in role.outcomes):
        raise Uncacheable  # outcomes are restored with their role's id
    outcomes = tuple(
        (
            o.id,
            o.title,
            o.measure,
            o.target,
            _date(o.due),
            tuple((r.target, r.how, *_position(r.loc, rel)) for r in o.supports),
            *_position(o.loc, rel),
        )
        for o in role.outcomes
    )
    dialogue = tuple((_date(d.date), d.with_, d.note, *_position(d.loc, rel)) for d in role.dialogue)
    locs = {name: _position(role.field_locs[name], rel) for name in role.field_locs}
    resources = dict(role.resources) if isinstance(role.resources, dict) else role.resources
    fields = (
        role.id,
        role.title,
        role.holder,
        role.reports_to,
        role.department,
        role.level,
        role.status,
        _date(role.confirmed_on),
        role.value_add,
        role.accountabilities,
        role.focus,
        outcomes,
        role.authorities,
        resources,
        role.trade_offs,
        dialogue,
        *_position(role.loc, rel),
        locs,
    )
    return (role.id, problems), fields


def _findings(problems: Any, rel: str) -> list[Finding]:
    """The loading findings `encode` flattened, built again."""
    out = [
        Finding(severity, rule, message, Loc(rel, line, column), role, outcome, hint, related)
        for severity, rule, message, line, column, role, outcome, hint, related in problems
    ]
    if not all(f.message.__class__ is str and f.rule.__class__ is str for f in out):
        raise TypeError("finding text")
    return out


def _decode(fields: Any, rel: str) -> Role:
    """The role `encode` flattened, built again (raises on any shape `encode` never writes)."""
    day = dt.date.fromordinal
    (role_id, title, holder, reports_to, department, level, status, confirmed_on, value_add) = fields[:9]
    (accountabilities, focus, outcomes, authorities, resources, trade_offs, dialogue) = fields[9:16]
    line, column, locs = fields[16:]
    role = Role(
        id=role_id,
        title=title,
        holder=holder,
        reports_to=reports_to,
        department=department,
        level=level,
        status=status,
        confirmed_on=None if confirmed_on is None else day(confirmed_on),
        value_add=value_add,
        accountabilities=accountabilities,
        focus=focus,
        outcomes=tuple(
            Outcome(
                o_id,
                role_id,
                o_title,
                measure,
                target,
                None if due is None else day(due),
                tuple(Ref(goal, how, Loc(rel, r_line, r_column)) for goal, how, r_line, r_column in refs),
                Loc(rel, o_line, o_column),
            )
            for o_id, o_title, measure, target, due, refs, o_line, o_column in outcomes
        ),
        authorities=authorities,
        resources=resources,
        trade_offs=trade_offs,
        dialogue=tuple(
            Dialogue(None if date is None else day(date), with_, note, Loc(rel, d_line, d_column))
            for date, with_, note, d_line, d_column in dialogue
        ),
        loc=Loc(rel, line, column),
        field_locs=FieldLocs(rel, locs),
    )
    _check_types(role)
    return role


def _check_types(role: Role) -> None:
    """Refuse restored values of a type the loader never produces (a foreign or damaged entry)."""
    texts = (role.accountabilities, role.focus, role.authorities, role.trade_offs)
    if not (isinstance(role.id, str) and isinstance(role.title, str) and isinstance(role.value_add, str)):
        raise TypeError("role text fields")
    if not all(isinstance(t, tuple) and all(isinstance(s, str) for s in t) for t in texts):
        raise TypeError("role lists")
