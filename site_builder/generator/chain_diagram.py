"""The chain of a conversation sheet as a small diagram: each of the report's outcomes, the manager's
outcome it supports, and on up the cascade to the goals and milestones it serves (DOT, drawn and
inlined with the other diagrams)."""

from __future__ import annotations

from site_builder.domain.model import Role
from site_builder.generator.diagrams import Diagrams, _graph

MAX_NODES = 40
"""A chain wider than this is cut (the sheet's outcome list names every step in words)."""


def chain_keys(d: Diagrams, role: Role) -> tuple[list[str], list[tuple[str, str]]]:
    """The outcome keys and strategy items above the role's outcomes (breadth first, in plan order),
    and the arrows between them; each node drawn once, at most MAX_NODES."""
    order = [o.key for o in role.outcomes]
    seen = set(order)
    edges: list[tuple[str, str]] = []
    position = 0
    while position < len(order):
        key = order[position]
        position += 1
        outcome = d.ix.outcomes.get(key)
        if outcome is None:
            continue  # a strategy item: the top of its chain
        for ref in outcome.supports:
            target = ref.target
            if target not in d.ix.outcomes and target not in d.ix.strategy_items:
                continue  # not shown in this edition
            if target not in seen:
                if len(seen) >= MAX_NODES:
                    continue
                seen.add(target)
                order.append(target)
            edges.append((key, target))
    return order, edges


def chain_diagram(d: Diagrams, role: Role) -> str | None:
    """DOT of the chain from the report's outcomes up to the strategy (None without outcomes)."""
    if not role.outcomes:
        return None
    order, edges = chain_keys(d, role)
    own = {o.key for o in role.outcomes}
    body = [
        d._strategy_node(k) if k in d.ix.strategy_items else d._outcome_node(k, focus=k in own) for k in order
    ]
    body += [f'"{a}" -> "{b}";\n' for a, b in edges]
    return _graph(f"From the outcomes of {role.title} to the strategy", body, rankdir="BT")


__all__ = ["MAX_NODES", "chain_diagram", "chain_keys"]
