"""Line of sight on the whole cascade, kept for an edition that shows some plans only as placeholders
or leaves them out: one unconfirmed plan must not cut the line of sight of everyone below it."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping

from site_builder.domain.index import Index
from site_builder.domain.model import Role, Sight

_NONE: tuple[str, ...] = ()


def whole_sight(full: Index, shown: Mapping[str, Role]) -> Sight:
    """What the edition showing the roles `shown` keeps of `full`'s line of sight.

    Shown outcomes keep the strategy items they serve through unshown plans; unshown outcomes are
    only counted per role (per strategy item), so their ids and titles never reach the edition."""
    visible = {o.key for role in shown.values() for o in role.outcomes}
    nothing: frozenset[str] = frozenset()
    served = {key: full.served.get(key, nothing) for key in sorted(visible)}
    unseen: dict[str, Counter[str]] = defaultdict(Counter)
    goals: dict[str, Counter[str]] = defaultdict(Counter)
    only: dict[str, Counter[str]] = defaultdict(Counter)
    goal_ids = {goal.id for goal in full.plans.strategy.goals}
    by_goal: dict[int, tuple[frozenset[str], frozenset[str]]] = {}  # served sets are shared objects
    for key, items in full.served.items():
        if key in visible or not items:
            continue
        role_id = key.split("#", 1)[0]
        who = role_id if role_id in shown else ""
        for item in items:
            unseen[item][who] += 1
        if id(items) not in by_goal:
            via_milestone = frozenset(full.goal_of(i) for i in items if i not in goal_ids)
            by_goal[id(items)] = (frozenset(full.goal_of(i) for i in items), via_milestone)
        served_goals, via_milestone = by_goal[id(items)]
        for goal in served_goals:
            goals[goal][who] += 1
            if goal not in via_milestone:
                only[goal][who] += 1
    memo: dict[str, tuple[str, ...]] = {}
    order = full.cascade_order  # managers first: what an outcome supports is usually done already
    for role_id in sorted(shown, key=lambda r: order.get(r, 0)):
        for outcome in shown[role_id].outcomes:
            _via(outcome.key, full, visible, shown, memo)
    via = {k: v for k, v in memo.items() if v}
    return Sight(served, via, _sorted(unseen), _sorted(goals), _sorted(only))


def _sorted(counts: Mapping[str, Counter[str]]) -> dict[str, dict[str, int]]:
    return {item: dict(sorted(c.items())) for item, c in sorted(counts.items())}


def _via(
    start: str,
    full: Index,
    visible: set[str],
    shown: Mapping[str, Role],
    memo: dict[str, tuple[str, ...]],
) -> tuple[str, ...]:
    """The first unshown roles on each way from `start` up to the strategy (iterative post-order;
    with managers done first, nearly every call finds what its outcome supports done already)."""
    visiting: set[str] = set()
    stack: list[tuple[str, list[str] | None]] = [(start, None)]
    while stack:
        key, targets = stack.pop()
        if key in memo:
            continue
        if targets is None:
            targets = [ref.target for ref in full.outcomes[key].supports]
            todo = [t for t in targets if t in visible and t not in memo and t not in visiting]
            if todo:
                visiting.add(key)
                stack.append((key, targets))
                stack.extend((t, None) for t in todo)
                continue
        found: set[str] = set()
        for target in targets:
            if target in visible:
                found.update(memo.get(target, _NONE))
            elif target in full.outcomes and full.served.get(target):
                role_id = target.split("#", 1)[0]
                found.add(role_id if role_id in shown else "")
        memo[key] = tuple(sorted(found)) if found else _NONE
        visiting.discard(key)
    return memo[start]
