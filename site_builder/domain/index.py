"""Derived indexes over a PlanSet: reports, supported-by, line of sight, strategy served. Computed once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from functools import cached_property

from site_builder.domain.model import Goal, Milestone, Outcome, PlanSet


class Index:
    """Read-only lookups every page, diagram and rule needs; built lazily, each piece once."""

    def __init__(self, plans: PlanSet) -> None:
        self.plans = plans
        self.roles = plans.roles

    @cached_property
    def reports(self) -> Mapping[str, tuple[str, ...]]:
        """Direct reports of each role, sorted by title then id."""
        out: dict[str, list[str]] = defaultdict(list)
        for role in self.roles.values():
            if role.reports_to in self.roles:
                out[role.reports_to].append(role.id)  # type: ignore[index]
        return {k: tuple(sorted(v, key=lambda r: (self.roles[r].title.lower(), r))) for k, v in out.items()}

    def reports_of(self, role_id: str) -> tuple[str, ...]:
        return self.reports.get(role_id, ())

    @cached_property
    def top(self) -> str | None:
        tops = [r.id for r in self.roles.values() if r.reports_to is None]
        return tops[0] if tops else None

    def chain(self, role_id: str) -> tuple[str, ...]:
        """Managers from the direct manager up to the top role (cycle-safe)."""
        out: list[str] = []
        seen = {role_id}
        current = self.roles[role_id].reports_to if role_id in self.roles else None
        while current is not None and current in self.roles and current not in seen:
            out.append(current)
            seen.add(current)
            current = self.roles[current].reports_to
        return tuple(out)

    def peers(self, role_id: str) -> tuple[str, ...]:
        manager = self.roles[role_id].reports_to
        if manager is None:
            return ()
        return tuple(r for r in self.reports_of(manager) if r != role_id)

    @cached_property
    def departments(self) -> Mapping[str, str]:
        """Each role's department, inherited down the tree; a top role without one is 'Executive' (it
        leads every department), other roles without one get 'Unassigned'."""
        return {role_id: department(self.plans, role_id) for role_id in self.roles}

    @cached_property
    def outcomes(self) -> Mapping[str, Outcome]:
        return {o.key: o for r in self.roles.values() for o in r.outcomes}

    @cached_property
    def supported_by(self) -> Mapping[str, tuple[str, ...]]:
        """Outcome key or strategy id -> keys of outcomes that support it directly, sorted."""
        out: dict[str, list[str]] = defaultdict(list)
        for key, outcome in self.outcomes.items():
            for ref in outcome.supports:
                out[ref.target].append(key)
        return {k: tuple(sorted(v)) for k, v in out.items()}

    @cached_property
    def strategy_items(self) -> Mapping[str, Goal | Milestone]:
        return self.plans.strategy.items()

    @cached_property
    def served(self) -> Mapping[str, frozenset[str]]:
        """Outcome key -> strategy ids it serves directly or through the outcomes it supports.

        A depth-first walk up the `supports` links, each outcome once; a link back into the walk (a
        cycle of outcomes) adds nothing. Outcomes that serve the same items share one set."""
        if self.plans.sight is not None:  # an edition: the whole cascade's answer, kept by the view
            return self.plans.sight.served
        outcomes, items = self.outcomes, self.strategy_items
        memo: dict[str, frozenset[str]] = {}
        links = _Links(outcomes, items)
        for start, outcome in outcomes.items():
            if start in memo:
                continue
            own: list[str] = []
            parts: list[frozenset[str]] = []
            for ref in outcome.supports:  # the usual case: what it supports is done already
                done = memo.get(ref.target)
                if done is not None:
                    parts.append(done)
                elif ref.target in outcomes:  # not done yet: walk up from here
                    _serve(start, links, memo)
                    break
                elif ref.target in items:  # outcome keys hold '#', strategy ids never
                    own.append(ref.target)
            else:
                memo[start] = _union(own, parts)
        return memo

    def goals_served(self, role_id: str) -> tuple[str, ...]:
        """Goal ids a role's outcomes serve (a milestone counts for its goal), in strategy order."""
        ids: set[str] = set()
        for outcome in self.roles[role_id].outcomes:
            ids |= self.served.get(outcome.key, frozenset())
        goals = {self.goal_of(i) for i in ids}
        return tuple(g.id for g in self.plans.strategy.goals if g.id in goals)

    def goal_of(self, item_id: str) -> str:
        item = self.strategy_items[item_id]
        return item.goal if isinstance(item, Milestone) else item.id

    @cached_property
    def covered(self) -> frozenset[str]:
        """Strategy ids that at least one outcome serves, directly or through the cascade."""
        distinct = {id(items): items for items in self.served.values()}
        return frozenset().union(*distinct.values())

    @cached_property
    def supporters_of_item(self) -> Mapping[str, tuple[str, ...]]:
        """Strategy id -> every outcome key serving it directly or through the cascade, sorted."""
        out: dict[str, list[str]] = defaultdict(list)
        for key, items in self.served.items():
            for item in items:
                out[item].append(key)
        return {k: tuple(sorted(v)) for k, v in out.items()}

    def via(self, key: str) -> tuple[str, ...]:
        """Roles whose plan is not shown that an outcome's line of sight passes through ('' = left out)."""
        sight = self.plans.sight
        return sight.via.get(key, ()) if sight is not None else ()

    def unseen(self, item_id: str) -> Mapping[str, int]:
        """Role id ('' = plans left out) -> how many of its unshown outcomes serve a strategy item."""
        sight = self.plans.sight
        return sight.unseen.get(item_id, {}) if sight is not None else {}

    def unseen_of_goal(self, goal_id: str) -> Mapping[str, int]:
        """Like `unseen`, for a goal and all its milestones together (each outcome counted once)."""
        sight = self.plans.sight
        return sight.unseen_goals.get(goal_id, {}) if sight is not None else {}

    def unseen_goal_only(self, goal_id: str) -> Mapping[str, int]:
        """Like `unseen`, for outcomes that serve a goal but none of its milestones."""
        sight = self.plans.sight
        return sight.unseen_goal_only.get(goal_id, {}) if sight is not None else {}

    @cached_property
    def cascade_order(self) -> Mapping[str, int]:
        """Each role's place in a depth-first walk of the reporting tree: top role first, every
        manager before their reports (goal pages list outcomes in this order)."""
        order: dict[str, int] = {}
        roots = sorted((r for r in self.roles.values() if r.reports_to not in self.roles), key=lambda r: r.id)
        stack = [r.id for r in reversed(roots)]
        while stack:
            current = stack.pop()
            if current in order:
                continue
            order[current] = len(order)
            stack.extend(reversed(self.reports_of(current)))
        for role_id in self.roles:  # roles in a reporting cycle (an error) still get a place
            order.setdefault(role_id, len(order))
        return order

    def outcomes_linking(self, lower: str, upper: str) -> int:
        """How many of `lower`'s outcomes support an outcome of `upper` (edge labels in diagrams)."""
        return sum(1 for o in self.roles[lower].outcomes if any(ref.role == upper for ref in o.supports))

    # -- sub-results: outcomes that refine an outcome of their own role (key results of an objective) ----
    @cached_property
    def refines(self) -> Mapping[str, tuple[str, ...]]:
        """Outcome key -> keys of the outcomes of its own role that it refines (empty for most)."""
        out: dict[str, tuple[str, ...]] = {}
        for key, outcome in self.outcomes.items():
            own = outcome.role + "#"
            parents = tuple(
                r.target for r in outcome.supports if r.target.startswith(own) and r.target != key
            )
            if parents:
                out[key] = tuple(t for t in parents if t in self.outcomes)
        return out

    def objectives_of(self, key: str) -> tuple[str, ...]:
        """The outcome itself, or the outcomes it refines up to those that refine nothing (cycle-safe):
        rules about the manager's plan judge a sub-result through these."""
        found: list[str] = []
        seen = {key}
        todo = [key]
        while todo:
            current = todo.pop()
            parents = [p for p in self.refines.get(current, ()) if p not in seen]
            if not self.refines.get(current):
                found.append(current)
            seen.update(parents)
            todo.extend(parents)
        return tuple(sorted(found))

    def links_to_manager(self, key: str) -> bool:
        """The outcome, or one it refines, supports an outcome of the manager (top role: always True)."""
        role = self.roles[self.outcomes[key].role]
        if role.reports_to is None:
            return True
        mine = role.reports_to + "#"
        seen = {key}
        todo = [key]
        while todo:
            outcome = self.outcomes[todo.pop()]
            if any(ref.target.startswith(mine) for ref in outcome.supports):
                return True
            parents = [p for p in self.refines.get(outcome.key, ()) if p not in seen]
            seen.update(parents)
            todo.extend(parents)
        return False

    def outcome_tree(self, role_id: str) -> list[tuple[Outcome, int]]:
        """A role's outcomes in plan order with each sub-result right under the outcome it refines:
        (outcome, depth), depth 0 for an outcome that refines nothing here. Every outcome once, even in
        a loop (a loop is an error; its outcomes are listed at depth 0)."""
        outcomes = self.roles[role_id].outcomes
        children: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in outcomes:
            parents = self.refines.get(outcome.key, ())
            if parents:
                children[parents[0]].append(outcome)
        out: list[tuple[Outcome, int]] = []
        placed: set[str] = set()
        roots = [o for o in outcomes if not self.refines.get(o.key)]
        for root in [*roots, *outcomes]:  # outcomes left over after the roots are in a loop
            if root.key in placed:
                continue
            stack = [(root, 0)]
            while stack:
                outcome, depth = stack.pop()
                if outcome.key in placed:
                    continue
                placed.add(outcome.key)
                out.append((outcome, depth))
                stack.extend((c, depth + 1) for c in reversed(children[outcome.key]) if c.key not in placed)
        return out


_NOTHING: frozenset[str] = frozenset()


class _Links(dict[str, tuple[list[str], list[str]]]):
    """Outcome key -> (outcomes it supports, strategy ids it supports), read when first asked."""

    def __init__(self, outcomes: Mapping[str, Outcome], strategy: Mapping[str, object]) -> None:
        super().__init__()
        self._outcomes, self._strategy = outcomes, strategy

    def __missing__(self, key: str) -> tuple[list[str], list[str]]:
        targets = [ref.target for ref in self._outcomes[key].supports]
        links = [t for t in targets if t in self._outcomes], [t for t in targets if t in self._strategy]
        self[key] = links
        return links


def department(plans: PlanSet, role_id: str) -> str:
    """A role's department, inherited down the tree; a top role without one is 'Executive' (it leads
    every department), other roles without one get 'Unassigned'."""
    role = plans.roles[role_id]
    fallback = "Executive" if role.reports_to not in plans.roles else "Unassigned"
    return plans.department_of(role_id) or fallback


def _serve(start: str, links: _Links, memo: dict[str, frozenset[str]]) -> None:
    """Iterative post-order walk from `start` (deep organisations must not hit the recursion limit)."""
    visiting: set[str] = set()
    stack: list[tuple[str, bool]] = [(start, False)]
    while stack:
        current, done = stack.pop()
        if current in memo:
            continue
        above, own = links[current]
        if not done:
            visiting.add(current)
            stack.append((current, True))
            stack.extend((a, False) for a in above if a not in memo and a not in visiting)
            continue
        memo[current] = _union(own, [memo.get(a, _NOTHING) for a in above])
        visiting.discard(current)


def _union(own: list[str], parts: list[frozenset[str]]) -> frozenset[str]:
    """own | parts[0] | parts[1] ..., reusing a part when it already holds everything."""
    if own:
        return frozenset(own).union(*parts)
    if not parts:
        return _NOTHING
    served = parts[0]
    for part in parts[1:]:
        if part is not served and not part <= served:
            served = served | part
    return served
