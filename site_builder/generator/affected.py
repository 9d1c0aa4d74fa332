"""Which role and goal pages an edit can change, so `vap serve` recomputes only their signatures.

A role page's signature reads the role, its managers up the chain, its reports and peers, the
outcomes its outcomes support and those supporting them, what they serve, its findings (and the
outcomes they name), the roles its dialogue names and the part of the organisation below it. After
an edit that keeps the organisation's structure (the same roles, reporting lines, departments, role
titles, outcome ids and links, strategy and portal), only the pages of roles near an edited role, or
whose findings changed, can differ, and the goals their outcomes serve when what goal pages list of
them changed; every other signature is the previous generation's. Any other
edit returns None: every signature is computed again. tests/unit/generator/test_affected.py holds
the result equal to a full computation for every kind of edit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from site_builder.domain.audience import View
from site_builder.domain.index import Index
from site_builder.domain.model import Finding, Role


@dataclass(frozen=True, slots=True)
class Affected:
    """The pages whose signatures must be computed again; the others are `signatures`."""

    roles: frozenset[str]
    goals: frozenset[str]
    signatures: Mapping[str, Any]
    chains: frozenset[str] = frozenset()
    """Roles whose outcomes lead, link by link, to an edited role's outcome: their conversation
    sheets draw that chain."""


def affected(previous: View, view: View, ix: Index, signatures: Mapping[str, Any]) -> Affected | None:
    """The roles and goals whose pages an edit from `previous` to `view` can change, or None when
    the edit changes the structure (or the views hide or hold back anything): then all of them."""
    old, new = previous.plans, view.plans
    if not _plain(previous) or not _plain(view) or old.roles.keys() != new.roles.keys():
        return None
    if old.portal != new.portal or old.strategy != new.strategy or old.unreadable != new.unreadable:
        return None
    changed = [(old.roles[i], role) for i, role in new.roles.items() if old.roles[i] is not role]
    changed = [(a, b) for a, b in changed if a != b]
    if any(_structure(a) != _structure(b) for a, b in changed):
        return None
    edited = {b.id for _, b in changed}
    found = _findings_changed(previous.findings, view.findings)
    roles = set(edited) | found
    for role_id in edited:
        roles.update(_near(ix, role_id))
    for role_id in found:
        roles.update(ix.chain(role_id))  # the parts above count its findings
    keys = {o.key for i in edited for o in new.roles[i].outcomes}
    roles.update(_naming(ix, view.findings, keys, edited))
    listed = {o.key for a, b in changed if _listed(a) != _listed(b) for o in b.outcomes}
    goals = {ix.goal_of(item) for key in listed for item in ix.served.get(key, ())}
    chains = _supporting(ix, keys) | edited
    return Affected(frozenset(roles & new.roles.keys()), frozenset(goals), signatures, frozenset(chains))


def _supporting(ix: Index, keys: Iterable[str]) -> set[str]:
    """Roles whose outcomes support these outcomes, directly or through others."""
    seen = set(keys)
    todo = list(seen)
    while todo:
        for key in ix.supported_by.get(todo.pop(), ()):
            if key not in seen:
                seen.add(key)
                todo.append(key)
    return {key.partition("#")[0] for key in seen}


def _plain(view: View) -> bool:
    """An edition that shows every plan whole: nothing placeholdered, left out or held back."""
    return view.plans.sight is None and not view.placeholders and not view.withheld


def _structure(role: Role) -> tuple[Any, ...]:
    """What places a role in the organisation: a change here may reach any page."""
    outcomes = tuple((o.id, tuple((r.target, r.how) for r in o.supports)) for o in role.outcomes)
    return (role.id, role.title, role.reports_to, role.department, outcomes)


def _listed(role: Role) -> tuple[Any, ...]:
    """What goal pages show of a role whose outcomes serve the goal (not its value add, say)."""
    return (role.title, role.holder, role.department, role.status, role.level, role.outcomes)


def _findings_changed(before: Iterable[Finding], after: Iterable[Finding]) -> set[str]:
    """Roles whose findings (or their order) differ; '' for findings about no role."""
    old: dict[str, list[Finding]] = defaultdict(list)
    new: dict[str, list[Finding]] = defaultdict(list)
    for finding in before:
        old[finding.role or ""].append(finding)
    for finding in after:
        new[finding.role or ""].append(finding)
    return {r for r in old.keys() | new.keys() if old.get(r) != new.get(r)}


def _near(ix: Index, role_id: str) -> set[str]:
    """Roles whose pages show this role's plan: its chain, everyone below, its peers, and the roles
    whose outcomes its outcomes support or are supported by."""
    out = {role_id, *ix.chain(role_id), *ix.peers(role_id)}
    todo = [role_id]
    while todo:  # everyone below: their chain shows this role
        below = ix.reports_of(todo.pop())
        out.update(below)
        todo.extend(below)
    for outcome in ix.roles[role_id].outcomes:
        out.update(ref.role for ref in outcome.supports if ref.role)
        out.update(k.partition("#")[0] for k in ix.supported_by.get(outcome.key, ()))
    return out


def _naming(ix: Index, findings: Iterable[Finding], keys: set[str], edited: set[str]) -> set[str]:
    """Roles whose findings name an edited outcome, or whose dialogue names an edited role."""
    out = {f.role for f in findings if f.role and f.related in keys}
    for role in ix.roles.values():
        if any(d.with_ in edited for d in role.dialogue):
            out.add(role.id)
    return out
