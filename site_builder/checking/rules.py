"""Warning rules: publishable plans that drift. One small function per rule, registered in RULES."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial

from site_builder.checking import drift_rules as drift
from site_builder.checking.integrity import name_outcomes
from site_builder.checking.rulecache import PARTS, Memo
from site_builder.checking.similar_pairs import closest, most_alike
from site_builder.checking.similarity import THRESHOLD, Item
from site_builder.domain.index import Index
from site_builder.domain.model import ERROR_RULE_NAMES, Finding, Goal, Milestone, Outcome, PlanSet, Role
from site_builder.domain.titles import outcome_name, short_title


def _warn(
    rule: str,
    message: str,
    role: Role,
    outcome: Outcome | None = None,
    *,
    hint: str | None = None,
    loc: object = None,
    related: str | None = None,
) -> Finding:
    return Finding(
        "warning",
        rule,
        message,
        loc or (outcome.loc if outcome else role.loc),  # type: ignore[arg-type]
        role=role.id,
        outcome=outcome.id if outcome else None,
        hint=hint,
        related=related,
    )


def bypasses_manager(ix: Index) -> Iterator[Finding]:
    """A sub-result is judged through the outcome it refines: only that outcome is reported."""
    for role in ix.roles.values():
        manager = role.reports_to
        if manager is None or manager not in ix.roles:
            continue
        mine = manager + "#"  # ref.role == manager: role ids hold no '#'
        for outcome in role.outcomes:
            if not outcome.supports or any(ref.target.startswith(mine) for ref in outcome.supports):
                continue  # the usual case, decided without the sub-result walk
            if ix.refines.get(outcome.key) or ix.links_to_manager(outcome.key):
                continue
            yield _warn(
                "bypasses-manager",
                f"{outcome_name(outcome)} supports no outcome of the manager's plan ('{manager}')",
                role,
                outcome,
                hint=_bypass_hint(ix, role, outcome),
            )


def _bypass_hint(ix: Index, role: Role, outcome: Outcome) -> str:
    """Name the manager's outcomes to link to; where this plan has objectives linked to the manager,
    the outcome may be one of their key results instead."""
    manager = role.reports_to or ""
    theirs = ", ".join(f"'{o.key}' ({short_title(o.title, 40)})" for o in ix.roles[manager].outcomes[:3])
    hint = (
        f"link it to one of {manager}'s outcomes ({theirs}) or agree a new one with them"
        if theirs
        else f"agree with {manager} which of their outcomes this serves"
    )
    linked = [o for o in role.outcomes if o is not outcome and not ix.refines.get(o.key)]
    linked = [o for o in linked if ix.links_to_manager(o.key)][:2]
    if linked:
        mine = " or ".join(f"'{o.key}'" for o in linked)
        hint += f"; if it is a key result of this plan's {mine}, support that outcome instead"
    return hint


def unsupported_outcome(ix: Index) -> Iterator[Finding]:
    """An outcome counts as supported when a direct report supports it or one of its sub-results;
    sub-results themselves are judged through the outcome they refine."""
    below: dict[str, list[str]] = defaultdict(list)  # outcome -> its sub-results
    for key, parents in ix.refines.items():
        for parent in parents:
            below[parent].append(key)
    for role in ix.roles.values():
        reports = set(ix.reports_of(role.id))
        if not reports:
            continue
        for outcome in role.outcomes:
            if ix.refines.get(outcome.key) or _supported_below(ix, outcome.key, reports, below):
                continue
            yield _warn(
                "unsupported-outcome",
                f"no direct report's outcome supports {outcome_name(outcome)} (a gap below)",
                role,
                outcome,
                hint="agree with a direct report who delivers it (or one of its key results), or drop it "
                "from the plan"
                if below.get(outcome.key)
                else "agree with a direct report who delivers it, or drop it from the plan",
            )


def _supported_below(ix: Index, key: str, reports: set[str], below: Mapping[str, list[str]]) -> bool:
    seen = {key}
    todo = [key]
    while todo:
        current = todo.pop()
        if any(k.partition("#")[0] in reports for k in ix.supported_by.get(current, ())):
            return True
        more = [k for k in below.get(current, ()) if k not in seen]
        seen.update(more)
        todo.extend(more)
    return False


def uncovered_strategy(ix: Index) -> Iterator[Finding]:
    covered = ix.covered
    owner = ix.roles.get(ix.plans.strategy.owner)
    for goal in ix.plans.strategy.goals:
        items: list[Goal | Milestone] = [goal, *goal.milestones]
        covered_goal = any(i.id in covered for i in items)
        for item in items:
            is_goal = item is goal
            if item.id in covered or (is_goal and covered_goal):
                continue
            kind = "goal" if is_goal else "milestone"
            yield Finding(
                "warning",
                "uncovered-strategy",
                f"{kind} '{item.id}' ({item.title}) is supported by no outcome, directly or "
                "through the cascade",
                item.loc,
                role=owner.id if owner else None,
                hint="link an outcome of the plan that owns this work to it, or drop it from the strategy",
            )


_RESULT_PARTS = (("measure", "measure"), ("target", "target"), ("due", "due date"))


def activity_not_result(ix: Index) -> Iterator[Finding]:
    for role in ix.roles.values():
        for outcome in role.outcomes:
            if outcome.measure and outcome.target and outcome.due:  # nothing missing (dates are true)
                continue
            missing = [label for n, label in _RESULT_PARTS if getattr(outcome, n) in (None, "")]
            if missing:
                listed = f"{', no '.join(missing[:-1])} and no {missing[-1]}" if missing[1:] else missing[0]
                yield _warn(
                    "activity-not-result",
                    f"{outcome_name(outcome)} has no {listed}: it reads as an activity, not a result",
                    role,
                    outcome,
                    hint="say how you will know it is done: a measure, a target and a due date",
                )


def due_after_cycle(ix: Index) -> Iterator[Finding]:
    end = ix.plans.portal.cycle_end
    for role in ix.roles.values():
        for outcome in role.outcomes:
            if outcome.due and outcome.due > end:
                yield _warn(
                    "due-after-cycle",
                    f"{outcome_name(outcome)} is due {outcome.due.isoformat()}, after the cycle ends "
                    f"({end.isoformat()})",
                    role,
                    outcome,
                    hint="bring the date into the cycle, or split off what lands this cycle",
                )


def due_before_cycle(ix: Index) -> Iterator[Finding]:
    start = ix.plans.portal.cycle_start
    for role in ix.roles.values():
        for outcome in role.outcomes:
            if outcome.due and outcome.due < start:
                yield _warn(
                    "due-before-cycle",
                    f"{outcome_name(outcome)} is due {outcome.due.isoformat()}, before the cycle starts "
                    f"({start.isoformat()})",
                    role,
                    outcome,
                    hint="a result of an earlier cycle: set this cycle's date, or drop it if it is done",
                )


def due_after_milestone(ix: Index) -> Iterator[Finding]:
    items = ix.strategy_items
    earliest: dict[frozenset[str], Milestone | None] = {}  # outcomes share a few served sets
    for role in ix.roles.values():
        for outcome in role.outcomes:
            if outcome.due is None:
                continue
            served = ix.served.get(outcome.key, frozenset())
            if served not in earliest:
                dated = [m for i in served if isinstance(m := items[i], Milestone) and m.due is not None]
                earliest[served] = min(dated, key=lambda m: (m.due, m.id)) if dated else None
            first = earliest[served]  # the earliest milestone served; if any is due before, this one is
            if first is not None and outcome.due > first.due:  # type: ignore[operator]
                yield _warn(
                    "due-after-milestone",
                    f"{outcome_name(outcome)} is due {outcome.due.isoformat()}, after milestone "
                    f"'{first.id}' (due {first.due.isoformat()}) that it supports",  # type: ignore[union-attr]
                    role,
                    outcome,
                    hint="deliver before the milestone, or agree a later milestone with its owner",
                )


POSSIBLE = 0.4
"""Similarity from which a pair of outcomes in different departments is a possible duplicate, listed
on the alignment page of editions that hide nothing (not a warning): on the labelled set of
tests/data, 11 of the 26 pairs between this and the warning threshold are duplicates."""


def _outcome_items(ix: Index) -> list[Item]:
    departments = ix.departments
    return [
        Item(key, departments[o.role], o.title, o.measure or "", o.target or "")
        for key, o in ix.outcomes.items()
        if o.title
    ]


_LAST_POSSIBLE: list[tuple[tuple[object, ...], tuple[list[tuple[str, str]], int]]] = []
"""The outcomes last compared and their possible duplicates: `vap serve` renders the alignment page
after every save; an edit that changes no outcome text nor department gives the same list."""


def possible_duplicates(ix: Index, *, limit: int) -> tuple[list[tuple[str, str]], int]:
    """The `limit` pairs of outcome keys most alike below the duplicate-effort threshold yet worth a
    conversation (the most alike first, ties by keys), and how many such pairs there are in all."""
    items = _outcome_items(ix)
    compared = (limit, *((i.key, i.group, i.text, i.measure, i.target) for i in items))
    if _LAST_POSSIBLE and _LAST_POSSIBLE[0][0] == compared:
        pairs, total = _LAST_POSSIBLE[0][1]
        return list(pairs), total
    matches, total = most_alike(items, low=POSSIBLE, high=THRESHOLD, limit=limit)
    pairs = [(m.a, m.b) for m in matches]
    _LAST_POSSIBLE[:] = [(compared, (pairs, total))]
    return list(pairs), total


LOOK_ALIKES = 3
"""Look-alikes named per outcome: its closest ones in other departments, each named once (on the
later key). A title repeated by n outcomes across departments is one result to agree on, not n²/2
warnings (at 3,000 roles of repeated titles, all pairs made 25,794 findings on one department)."""


def duplicate_effort(ix: Index) -> Iterator[Finding]:
    for match in closest(_outcome_items(ix), threshold=THRESHOLD, per_item=LOOK_ALIKES):
        first, second = ix.outcomes[match.a], ix.outcomes[match.b]
        role = ix.roles[second.role]
        yield _warn(
            "duplicate-effort",
            f"{outcome_name(second)} ({ix.departments[second.role]}) looks like '{first.key}' "
            f'({ix.departments[first.role]}): "{short_title(second.title)}" vs "{short_title(first.title)}"',
            role,
            second,
            hint=f"agree with {first.role} who owns this result; the other can support it instead",
            related=first.key,
        )


def unconfirmed_plan(ix: Index) -> Iterator[Finding]:
    for role in ix.roles.values():
        if role.status != "confirmed":
            yield _warn(
                "unconfirmed-plan",
                f"plan is {role.status}, not confirmed",
                role,
                loc=role.loc_of("status"),
                hint=f"agree the plan with {role.reports_to or 'the board'}, then set status: confirmed "
                "and confirmed_on",
            )


def suspect_confirmation(ix: Index) -> Iterator[Finding]:
    for role in ix.roles.values():
        manager = ix.roles.get(role.reports_to or "")
        if manager is None or role.confirmed_on is None or manager.confirmed_on is None:
            continue
        if role.status == "confirmed" and role.confirmed_on < manager.confirmed_on:
            yield _warn(
                "suspect-confirmation",
                f"plan confirmed {role.confirmed_on}, before the manager's plan ('{manager.id}') was "
                f"confirmed on {manager.confirmed_on}",
                role,
                loc=role.loc_of("confirmed_on"),
                hint="review the links against the manager's confirmed plan and confirm again",
            )


def _levels(ix: Index) -> Iterator[tuple[Role, Role, int]]:
    for role in ix.roles.values():
        manager = ix.roles.get(role.reports_to or "")
        if manager is not None and role.level is not None and manager.level is not None:
            yield role, manager, manager.level - role.level


def level_compression(ix: Index) -> Iterator[Finding]:
    for role, manager, gap in _levels(ix):
        if gap <= 0:
            yield _warn(
                "level-compression",
                f"reports to '{manager.id}' at level {manager.level}, but is at level {role.level}"
                + (" too" if gap == 0 else ", above its manager"),
                role,
                loc=role.loc_of("level"),
                hint="a manager adds value one level of work above their reports; review both roles",
            )


def level_gap(ix: Index) -> Iterator[Finding]:
    for role, manager, gap in _levels(ix):
        if gap > 1:
            yield _warn(
                "level-gap",
                f"manager '{manager.id}' is at level {manager.level}, {gap} levels above this role "
                f"(level {role.level})",
                role,
                loc=role.loc_of("level"),
                hint="a missing level in between often means work falls through; review the structure",
            )


def diffused_focus(ix: Index) -> Iterator[Finding]:
    for role in ix.roles.values():
        if len(role.focus) > 7:
            yield _warn(
                "diffused-focus",
                f"{len(role.focus)} focus items; more than 7 is not a focus",
                role,
                loc=role.loc_of("focus"),
                hint="keep the work only this role can do; delegate or drop the rest",
            )


def incomplete_plan(ix: Index) -> Iterator[Finding]:
    for role in ix.roles.values():
        if role.status != "draft":
            continue
        missing = [
            name for name in ("value_add", "accountabilities", "focus", "outcomes") if not getattr(role, name)
        ]
        if missing:
            yield _warn(
                "incomplete-plan",
                f"draft plan still lacks {', '.join(missing)}",
                role,
                loc=role.loc_of("status"),
                hint="fill these in with your manager before the plan is discussed",
            )


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    check: Callable[..., Iterator[Finding]]
    """check(index), or check(index, options) when `options` is set."""
    summary: str
    options: bool = False
    reads: tuple[str, ...] = PARTS
    """The parts of every role it reads (rulecache.PARTS): its findings are reused while they are
    unchanged. Name fewer only when the rule reads no more: tests/unit/checking/test_rulecache.py."""


_OUTCOMES = ("place", "outcomes")
_AGREEMENT = ("place", "agreement")
_CONTENT = ("place", "content")

RULES: tuple[Rule, ...] = (
    Rule(
        "bypasses-manager",
        bypasses_manager,
        "outcome supports no outcome of the manager's plan",
        reads=_OUTCOMES,
    ),
    Rule(
        "unsupported-outcome",
        unsupported_outcome,
        "manager outcome no direct report supports",
        reads=_OUTCOMES,
    ),
    Rule("uncovered-strategy", uncovered_strategy, "goal or milestone no outcome supports", reads=_OUTCOMES),
    Rule(
        "activity-not-result",
        activity_not_result,
        "outcome without measure, target or due date",
        reads=_OUTCOMES,
    ),
    Rule("due-after-cycle", due_after_cycle, "outcome due after the cycle ends", reads=_OUTCOMES),
    Rule("due-before-cycle", due_before_cycle, "outcome due before the cycle starts", reads=_OUTCOMES),
    Rule(
        "due-after-milestone",
        due_after_milestone,
        "outcome due after a milestone it supports",
        reads=_OUTCOMES,
    ),
    Rule("duplicate-effort", duplicate_effort, "near-duplicate outcomes across departments", reads=_OUTCOMES),
    Rule("unconfirmed-plan", unconfirmed_plan, "plan not yet confirmed", reads=_AGREEMENT),
    Rule(
        "suspect-confirmation", suspect_confirmation, "plan confirmed before its manager's", reads=_AGREEMENT
    ),
    Rule("level-compression", level_compression, "manager and report at the same level", reads=("place",)),
    Rule("level-gap", level_gap, "manager more than one level above a report", reads=("place",)),
    Rule("diffused-focus", diffused_focus, "more than 7 focus items", reads=_CONTENT),
    Rule("incomplete-plan", incomplete_plan, "draft plan missing parts"),
    Rule(
        "due-after-parent",
        drift.due_after_parent,
        "outcome due after the manager's outcome it supports",
        reads=_OUTCOMES,
    ),
    Rule(
        "conflicting-outcomes",
        drift.conflicting_outcomes,
        "outcomes pulling one measure opposite ways",
        reads=_OUTCOMES,
    ),
    Rule(
        "pass-through-outcome",
        drift.pass_through_outcome,
        "outcome restating the manager's, same target",
        reads=_OUTCOMES,
    ),
    Rule(
        "manager-does-reports-work",
        drift.manager_does_reports_work,
        "manager's focus repeats a report's",
        reads=_CONTENT,
    ),
    Rule(
        "fragile-coverage",
        drift.fragile_coverage,
        "goal or milestone resting on unconfirmed plans",
        reads=("place", "agreement", "outcomes"),
    ),
    Rule(
        "no-recent-dialogue",
        drift.no_recent_dialogue,
        "no recent conversation recorded",
        options=True,
        reads=_AGREEMENT,
    ),
    Rule(
        "missing-trade-offs",
        drift.missing_trade_offs,
        "plan with resources but no trade-offs",
        reads=_CONTENT,
    ),
    Rule("suspect-link", drift.suspect_link, "supports a manager's outcome changed since publishing", True),
)
WARNING_RULES: frozenset[str] = frozenset(r.name for r in RULES)
ERROR_RULES: tuple[str, ...] = ERROR_RULE_NAMES


def check_warnings(
    ix: Index, options: drift.CheckOptions | None = None, memo: Memo | None = None
) -> list[Finding]:
    """Every finding of every rule that is on: all but the off-by-default ones unless enabled.
    memo: the rule cache (rulecache.py), which gives back a rule's findings when its inputs are unchanged;
    suspect-link reads the previous cycle, which the cache does not key on, so it always runs."""
    options = options or drift.CheckOptions()
    enabled = options.enable | set(ix.plans.portal.enable)
    out: list[Finding] = []
    for rule in RULES:
        if rule.name in drift.OFF_BY_DEFAULT and rule.name not in enabled:
            continue
        run = partial(rule.check, ix, options) if rule.options else partial(rule.check, ix)
        named = partial(_named, run, ix.plans)  # kept named: reusing them reads no plan
        if memo is None or rule.name == "suspect-link":
            out += named()
        else:
            out += memo.findings(rule.name, named, rule.reads)
    return out


def _named(run: Callable[[], Iterable[Finding]], plans: PlanSet) -> list[Finding]:
    """A rule's findings with the titles of the outcomes they are about (see name_outcomes)."""
    return name_outcomes(list(run()), plans)
