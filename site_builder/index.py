"""Derived indexes over a PlanSet: reports, supported-by, line of sight, strategy served. Computed once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from functools import cached_property

from .model import Goal, Milestone, Outcome, PlanSet


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
        """Each role's department, inherited down the tree; roles without one get 'Unassigned'."""
        out: dict[str, str] = {}
        for role_id in self.roles:
            out[role_id] = self.plans.department_of(role_id) or "Unassigned"
        return out

    @cached_property
    def outcomes(self) -> Mapping[str, Outcome]:
        return {o.key: o for r in self.roles.values() for o in r.outcomes}

    @cached_property
    def supported_by(self) -> Mapping[str, tuple[str, ...]]:
        """Outcome key or strategy id -> keys of outcomes that support it directly, sorted."""
        out: dict[str, list[str]] = defaultdict(list)
        for outcome in self.outcomes.values():
            for ref in outcome.supports:
                out[ref.target].append(outcome.key)
        return {k: tuple(sorted(v)) for k, v in out.items()}

    @cached_property
    def strategy_items(self) -> Mapping[str, Goal | Milestone]:
        return self.plans.strategy.items()

    @cached_property
    def served(self) -> Mapping[str, frozenset[str]]:
        """Outcome key -> strategy ids it serves directly or through the outcomes it supports."""
        memo: dict[str, frozenset[str]] = {}
        for key in self.outcomes:
            self._serve(key, memo, set())
        return memo

    def _serve(self, key: str, memo: dict[str, frozenset[str]], visiting: set[str]) -> frozenset[str]:
        if key in memo:
            return memo[key]
        stack: list[tuple[str, int]] = [(key, 0)]
        # iterative DFS: deep organisations must not hit the recursion limit
        while stack:
            current, state = stack.pop()
            if current in memo:
                continue
            outcome = self.outcomes[current]
            above = [r.target for r in outcome.supports if not r.is_strategy and r.target in self.outcomes]
            if state == 0:
                visiting.add(current)
                stack.append((current, 1))
                stack.extend((a, 0) for a in above if a not in memo and a not in visiting)
                continue
            items = {r.target for r in outcome.supports if r.is_strategy and r.target in self.strategy_items}
            for a in above:
                items |= memo.get(a, frozenset())
            memo[current] = frozenset(items)
            visiting.discard(current)
        return memo[key]

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
    def supporters_of_item(self) -> Mapping[str, tuple[str, ...]]:
        """Strategy id -> every outcome key serving it directly or through the cascade, sorted."""
        out: dict[str, list[str]] = defaultdict(list)
        for key, items in self.served.items():
            for item in items:
                out[item].append(key)
        return {k: tuple(sorted(v)) for k, v in out.items()}

    def outcomes_linking(self, lower: str, upper: str) -> int:
        """How many of `lower`'s outcomes support an outcome of `upper` (edge labels in diagrams)."""
        return sum(1 for o in self.roles[lower].outcomes if any(ref.role == upper for ref in o.supports))
