"""Each manager's part of the organisation: the plans below them with their status, and the drift
found there counted by rule, so a manager sees where their own part is drifting."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from site_builder.domain.audience import View
from site_builder.domain.index import Index

DEPTH = 2
"""Levels listed on a manager's page (reports and theirs); deeper parts are one link away."""
MAX_ROWS = 60
"""A part larger than this at two levels lists its direct reports only."""
CAP = 8
"""Plans named per rule; the alignment page lists every finding."""


@dataclass(frozen=True, slots=True)
class Part:
    """What a manager's page shows of the organisation below them (ids and counts, not text)."""

    rows: tuple[tuple[str, int, int, int], ...]
    """(role id, depth from 1, roles below it not listed, its own findings), in cascade order."""
    drift: tuple[tuple[str, int, tuple[str, ...]], ...]
    """(rule, findings below the manager, the first CAP roles with one in cascade order), most first."""
    withheld: int
    """Findings below the manager that this edition may not show."""
    size: int
    """Roles below the manager, at any depth."""


def team_parts(view: View, ix: Index) -> dict[str, Part]:
    """The part of the organisation below every role with reports (one bottom-up pass)."""
    own: dict[str, Counter[str]] = {}
    for f in view.findings:
        if f.role is not None and f.role in ix.roles:
            own.setdefault(f.role, Counter())[f.rule] += 1
    withheld_own = Counter(w.role for w in view.withheld if w.role)
    order = sorted(ix.cascade_order, key=ix.cascade_order.__getitem__)
    size: dict[str, int] = {}
    withheld: dict[str, int] = {}
    below: dict[str, dict[str, tuple[int, list[str]]]] = {}
    for role_id in reversed(order):  # reports before their manager
        reports = ix.reports_of(role_id)
        size[role_id] = sum(1 + size[c] for c in reports)
        withheld[role_id] = sum(withheld_own[c] + withheld[c] for c in reports)
        merged: dict[str, tuple[int, list[str]]] = {}
        for child in reports:
            for rule, n in own.get(child, {}).items():
                count, names = merged.get(rule, (0, []))
                merged[rule] = (count + n, names if len(names) >= CAP else [*names, child])
            for rule, (n, names) in below.get(child, {}).items():
                count, mine = merged.get(rule, (0, []))
                merged[rule] = (count + n, (mine + names)[:CAP] if len(mine) < CAP else mine)
        below[role_id] = merged
    out: dict[str, Part] = {}
    for role_id in order:
        if not ix.reports_of(role_id):
            continue
        drift = tuple(
            (rule, n, tuple(names))
            for rule, (n, names) in sorted(below[role_id].items(), key=lambda kv: (-kv[1][0], kv[0]))
        )
        out[role_id] = Part(_rows(ix, role_id, size, own), drift, withheld[role_id], size[role_id])
    return out


def _rows(
    ix: Index, role_id: str, size: Mapping[str, int], own: Mapping[str, Counter[str]]
) -> tuple[tuple[str, int, int, int], ...]:
    """Reports, and theirs when the part is small enough to list at two levels."""
    reports = ix.reports_of(role_id)
    deep = len(reports) + sum(len(ix.reports_of(r)) for r in reports) <= MAX_ROWS
    rows: list[tuple[str, int, int, int]] = []
    for report in reports:
        mine = sum(own.get(report, {}).values())
        rows.append((report, 1, 0 if deep else size[report], mine))
        if deep:
            for sub in ix.reports_of(report):
                rows.append((sub, DEPTH, size[sub], sum(own.get(sub, {}).values())))
    return tuple(rows)
