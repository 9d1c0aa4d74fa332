"""Drift rules the method warns about: late or restated links, conflicts, fragile coverage, stale
dialogue and suspect links. One small function per rule; rules.py registers them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from site_builder.checking.similarity import similarity
from site_builder.checking.textnorm import outcome_signature, signature
from site_builder.domain.index import Index
from site_builder.domain.model import Finding, Outcome, PlanSet, Role
from site_builder.domain.titles import outcome_name

DIALOGUE_DAYS = 90
"""Default window of `no-recent-dialogue`, in days before the as-of date."""
OFF_BY_DEFAULT: frozenset[str] = frozenset(
    (
        "no-recent-dialogue",
        "missing-trade-offs",
        "fragile-coverage",
        "pass-through-outcome",
        "manager-does-reports-work",
    )
)
"""Rules that run only when portal.yaml's `enable` (or `vap check --enable`) names them: they would
flood an organisation that does not record dialogue, or whose plans copy the level above (as
`vap synth` organisations do)."""
RESTATED = 0.9
"""Similarity at which a report's outcome restates the manager's (pass-through-outcome)."""


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """What a check needs beyond the plans: the date it judges by and the last published cycle."""

    as_of: dt.date | None = None
    """Default: portal.yaml's `as_of`, else the day the check runs."""
    previous: PlanSet | None = None
    """The plans as the previous cycle published them (plans.json), for suspect-link."""
    published_on: dt.date | None = None
    enable: frozenset[str] = field(default_factory=frozenset)
    """Off-by-default rules turned on for this run, besides portal.yaml's `enable`."""


def _warn(rule: str, message: str, role: Role, outcome: Outcome | None = None, **kw: str | None) -> Finding:
    return Finding(
        "warning",
        rule,
        message,
        outcome.loc if outcome else role.loc,
        role=role.id,
        outcome=outcome.id if outcome else None,
        hint=kw.get("hint"),
        related=kw.get("related"),
    )


def _parents(ix: Index, outcome: Outcome) -> Iterator[Outcome]:
    """The outcomes of the role's manager that `outcome` supports."""
    manager = ix.roles.get(ix.roles[outcome.role].reports_to or "") if outcome.role in ix.roles else None
    for ref in outcome.supports:
        parent = ix.outcomes.get(ref.target)
        if parent is not None and manager is not None and parent.role == manager.id:
            yield parent


def due_after_parent(ix: Index) -> Iterator[Finding]:
    for role in ix.roles.values():
        for outcome in role.outcomes:
            for parent in _parents(ix, outcome):
                if outcome.due and parent.due and outcome.due > parent.due:
                    yield _warn(
                        "due-after-parent",
                        f"{outcome_name(outcome)} is due {outcome.due.isoformat()}, after the "
                        f"{outcome_name(parent)} of '{parent.role}' (due {parent.due.isoformat()}) "
                        "that it supports",
                        role,
                        outcome,
                        hint=f"deliver before {parent.role}'s outcome, or agree a later date with them",
                    )


def pass_through_outcome(ix: Index) -> Iterator[Finding]:
    for role in ix.roles.values():
        for outcome in role.outcomes:
            for parent in _parents(ix, outcome):
                if _restates(outcome, parent):
                    yield _warn(
                        "pass-through-outcome",
                        f"{outcome_name(outcome)} restates the {outcome_name(parent)} of '{parent.role}' "
                        "with the same target: no value is added at this level",
                        role,
                        outcome,
                        hint="say which part of the manager's result this role delivers, and its own target",
                        related=parent.key,
                    )


def _restates(outcome: Outcome, parent: Outcome) -> bool:
    if not outcome.target or not parent.target:
        return False
    same_target = outcome.target.strip().lower() == parent.target.strip().lower() or (
        bool(q := outcome_signature(outcome.target).quantities)
        and q == outcome_signature(parent.target).quantities
    )
    if not same_target:
        return False
    a, b = (
        outcome_signature(outcome.title, outcome.measure or ""),
        outcome_signature(parent.title, parent.measure or ""),
    )
    return a.content == b.content or similarity(outcome.title, parent.title) >= RESTATED


def manager_does_reports_work(ix: Index) -> Iterator[Finding]:
    """A manager's focus item that says what a direct report's says, once normalised."""
    for role in ix.roles.values():
        if not role.focus:
            continue
        for report_id in ix.reports_of(role.id):
            theirs = {signature(f).content: f for f in ix.roles[report_id].focus}
            for item in role.focus:
                same = theirs.get(signature(item).content)
                if same is not None and signature(item).content:
                    yield _warn(
                        "manager-does-reports-work",
                        f'focus item "{item}" duplicates "{same}" in the plan of direct report '
                        f"'{report_id}'",
                        role,
                        hint="leave that work to the report; keep the work only this role can do",
                    )


def conflicting_outcomes(ix: Index) -> Iterator[Finding]:
    """Same result and measure, opposite directions, different departments."""
    groups: dict[tuple[frozenset[str], frozenset[str]], list[Outcome]] = defaultdict(list)
    for outcome in ix.outcomes.values():
        if outcome.measure and outcome.role in ix.roles:
            title, measure = outcome_signature(outcome.title), outcome_signature(outcome.measure)
            if title.directions & 3 in (1, 2) and measure.content:
                groups[(title.content, measure.content)].append(outcome)
    departments = ix.departments
    for group in groups.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                opposite = outcome_signature(a.title).directions ^ outcome_signature(b.title).directions
                if departments[a.role] != departments[b.role] and opposite & 3 == 3:
                    first, second = sorted((a, b), key=lambda o: o.key)
                    common = _common_manager(ix, first.role, second.role)
                    yield _warn(
                        "conflicting-outcomes",
                        f"{outcome_name(second)} ({second.target}) pulls against the {outcome_name(first)} "
                        f"of '{first.role}' ({first.target}) on the same measure; roles '{second.role}' and "
                        f"'{first.role}', nearest common manager '{common or 'none'}'",
                        ix.roles[second.role],
                        second,
                        hint=f"agree one target between {first.role} and {second.role} before "
                        f"{common or 'leadership'} has to settle it",
                        related=first.key,
                    )


def _common_manager(ix: Index, a: str, b: str) -> str | None:
    above_a = {a, *ix.chain(a)}
    return next((r for r in (b, *ix.chain(b)) if r in above_a), None)


def fragile_coverage(ix: Index) -> Iterator[Finding]:
    """Strategy items whose delivering outcomes (those no other outcome serving the item supports) all
    sit in vacant or unconfirmed plans: confirmed managers above them do not make the work firm."""
    owner = ix.plans.strategy.owner
    for item_id, keys in sorted(ix.supporters_of_item.items()):
        serving = set(keys)
        delivering = [k for k in keys if not serving.intersection(ix.supported_by.get(k, ()))]
        roles = {key.partition("#")[0] for key in delivering} - {owner}
        if not roles or item_id not in ix.strategy_items:
            continue
        if all(ix.roles[r].vacant or ix.roles[r].status != "confirmed" for r in roles if r in ix.roles):
            item = ix.strategy_items[item_id]
            yield Finding(
                "warning",
                "fragile-coverage",
                f"'{item_id}' ({item.title}) is served only through vacant or unconfirmed plans: "
                + ", ".join(sorted(roles)),
                item.loc,
                role=owner if owner in ix.roles else None,
                hint="confirm a plan that serves it, or fill the vacant role",
            )


def no_recent_dialogue(ix: Index, options: CheckOptions) -> Iterator[Finding]:
    as_of = options.as_of or ix.plans.portal.as_of or dt.date.today()
    days = ix.plans.portal.dialogue_days
    since = as_of - dt.timedelta(days=days)
    for role in ix.roles.values():
        if role.vacant or role.reports_to is None:
            continue
        if not any(d.date and since <= d.date <= as_of for d in role.dialogue):
            yield _warn(
                "no-recent-dialogue",
                f"no conversation with the manager recorded in the {days} days before {as_of.isoformat()}",
                role,
                hint=f"talk the plan through with {role.reports_to} and record it under dialogue",
            )


def missing_trade_offs(ix: Index) -> Iterator[Finding]:
    for role in ix.roles.values():
        if role.resources and not role.trade_offs:
            yield _warn(
                "missing-trade-offs",
                "plan declares resources but no trade-offs",
                role,
                hint="say what this role will not do with those resources (trade_offs)",
            )


_COMPARED = (("title", "title"), ("measure", "measure"), ("target", "target"), ("due", "due date"))


def suspect_link(ix: Index, options: CheckOptions) -> Iterator[Finding]:
    """Confirmed plans supporting a manager's outcome that changed since the last publication."""
    if options.previous is None:
        return
    published = options.published_on or dt.date.min
    suspect: dict[str, list[str]] = defaultdict(list)
    for role in ix.roles.values():
        if role.status != "confirmed" or (role.confirmed_on and role.confirmed_on > published):
            continue
        for outcome in role.outcomes:
            for parent in _parents(ix, outcome):
                old = options.previous.outcome(parent.key)
                changes = _changes(old, parent) if old else []
                if changes:
                    suspect[parent.key].append(role.id)
                    yield _warn(
                        "suspect-link",
                        f"{outcome_name(outcome)} supports the {outcome_name(parent)} of '{parent.role}', "
                        f"which changed since the last published cycle: {'; '.join(changes)}",
                        role,
                        outcome,
                        hint=f"this plan needs another conversation with {parent.role}; then confirm again",
                        related=parent.key,
                    )
    for key, reports in sorted(suspect.items()):
        parent = ix.outcomes[key]
        yield _warn(
            "suspect-link",
            f"{outcome_name(parent)} changed since the last published cycle; confirmed plans that support "
            f"it are now suspect: {', '.join(sorted(set(reports)))}",
            ix.roles[parent.role],
            parent,
            hint="talk the change through with these reports so they can confirm their plans again",
        )


def _changes(old: Outcome, new: Outcome) -> list[str]:
    out = []
    for name, label in _COMPARED:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            out.append(f'{label} was "{before}", now "{after}"')
    return out
