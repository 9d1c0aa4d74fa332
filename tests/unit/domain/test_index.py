"""Index.served and what is derived from it, against the plain walk they replace (cycles included).

`served` visits each outcome once and lets outcomes share their sets; the reference below is the
straightforward walk it replaced (one depth-first search per outcome, a link back into the walk adding
nothing). Both must give the same sets in the same order on any graph of `supports` links, including
links to unknown outcomes, to strategy ids that do not exist, to the outcome itself, and cycles, whose
result depends on the order the walk meets them.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from site_builder.domain.index import Index
from site_builder.domain.model import Goal, Loc, Milestone, Outcome, PlanSet, Portal, Ref, Role, Strategy

HERE = Loc("plans/x.yaml", 1, 1)


def reference_served(ix: Index) -> dict[str, frozenset[str]]:
    memo: dict[str, frozenset[str]] = {}
    for start in ix.outcomes:
        visiting: set[str] = set()
        stack = [(start, 0)]
        while stack:
            current, state = stack.pop()
            if current in memo:
                continue
            outcome = ix.outcomes[current]
            above = [r.target for r in outcome.supports if not r.is_strategy and r.target in ix.outcomes]
            if state == 0:
                visiting.add(current)
                stack.append((current, 1))
                stack.extend((a, 0) for a in above if a not in memo and a not in visiting)
                continue
            items = {r.target for r in outcome.supports if r.is_strategy and r.target in ix.strategy_items}
            for a in above:
                items |= memo.get(a, frozenset())
            memo[current] = frozenset(items)
            visiting.discard(current)
    return memo


def random_plans(rng: random.Random) -> PlanSet:
    """Roles in random order whose outcomes support random outcomes and strategy ids, known or not."""
    goals = tuple(
        Goal(
            f"G{g}",
            "goal",
            None,
            tuple(Milestone(f"G{g}-M{m}", f"G{g}", "ms", None, None, None, HERE) for m in range(2)),
            HERE,
        )
        for g in range(3)
    )
    strategy_ids = [g.id for g in goals] + [m.id for g in goals for m in g.milestones] + ["G9"]
    role_ids = [f"r{r:02d}" for r in range(rng.randint(1, 15))]
    per_role = rng.randint(1, 4)
    keys = [f"{r}#o{o}" for r in role_ids for o in range(per_role)] + ["r00#missing", "nobody#o0"]
    roles = {}
    for role_id in rng.sample(role_ids, len(role_ids)):
        outcomes = []
        for o in range(per_role):
            targets = [
                rng.choice(strategy_ids) if rng.random() < 0.3 else rng.choice(keys)
                for _ in range(rng.randint(0, 3))
            ]
            supports = tuple(Ref(t, None, HERE) for t in targets)
            outcomes.append(Outcome(f"o{o}", role_id, "title", None, None, None, supports, HERE))
        roles[role_id] = _role(role_id, tuple(outcomes))
    portal = Portal("", "", dt.date.min, dt.date.max, {}, {}, "everyone", (), HERE)
    return PlanSet(portal, Strategy("Strategy", "r00", None, goals, HERE), roles)


def _role(role_id: str, outcomes: tuple[Outcome, ...]) -> Role:
    """A draft role with only what the served sets read: its id and outcomes."""
    return Role(
        role_id, "t", None, None, None, None, "draft", None, "", (), (), outcomes, (), None, (), (), HERE
    )


@pytest.mark.parametrize("seed", range(5))
def test_served_is_the_plain_walk_on_random_graphs_with_cycles(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(400):
        plans = random_plans(rng)
        expected = reference_served(Index(plans))
        ix = Index(plans)
        assert dict(ix.served) == expected
        assert list(ix.served) == list(expected)  # the same walk, so the same order too
        assert ix.covered == {item for items in expected.values() for item in items}
        assert ix.covered == {item for item, keys in ix.supporters_of_item.items() if keys}


def test_a_cycle_of_outcomes_serves_what_enters_it_and_ends() -> None:
    def outcome(role: str, *targets: str) -> Outcome:
        return Outcome("o", role, "t", None, None, None, tuple(Ref(t, None, HERE) for t in targets), HERE)

    plans = random_plans(random.Random(0))
    roles = {
        "a": _role("a", (outcome("a", "b#o", "G0"),)),
        "b": _role("b", (outcome("b", "a#o", "G1-M0"),)),
        "c": _role("c", (outcome("c", "a#o"),)),
    }
    ix = Index(PlanSet(plans.portal, plans.strategy, roles))
    # a is walked first: b, met inside the walk, sees a's link back as nothing
    assert ix.served == {
        "b#o": frozenset({"G1-M0"}),
        "a#o": frozenset({"G0", "G1-M0"}),
        "c#o": frozenset({"G0", "G1-M0"}),
    }
    assert ix.covered == {"G0", "G1-M0"}
