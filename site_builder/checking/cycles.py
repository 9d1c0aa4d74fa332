"""The `support-cycle` error: outcomes that reach themselves through `supports`, each loop reported once."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping, Sequence

from site_builder.domain.model import Finding, Outcome, PlanSet, Ref
from site_builder.domain.titles import outcome_name, short_title

HINT = (
    "an outcome supports what it serves, never what serves it: remove the link that points back "
    "(a key result supports its objective, not the other way round)"
)


def support_cycles(plans: PlanSet) -> Iterator[Finding]:
    """One error per outcome that supports itself, and one per tangle of outcomes supporting each other
    (a loop, or loops sharing outcomes: its shortest loop through its first outcome), each step named
    with the file and line of its link. Listing every loop of a tangle could take exponential time."""
    outcomes = {f"{r.id}#{o.id}": o for r in plans.roles.values() for o in r.outcomes}
    ups: dict[str, list[str]] = {}  # only outcomes that support outcomes: most support strategy items too
    for key, outcome in outcomes.items():
        up = [t for ref in outcome.supports if (t := ref.target) in outcomes]
        if up:
            ups[key] = up
    if not _has_loop(ups):
        return  # the usual case: one cheap walk, no components to build
    links = {key: ups.get(key, []) for key in outcomes}
    loops = [[key] for key in sorted(links) if key in links[key]]  # each outcome supporting itself
    for component in strongly_connected(links):
        if len(component) > 1:
            loops.append(_loop(min(component), links, set(component)))
    for steps in sorted(loops):
        first = steps[0]
        chain = " -> ".join(
            f'{key} "{short_title(outcomes[key].title)}" ({_ref(outcomes[key], nxt).loc})'
            for key, nxt in zip(steps, [*steps[1:], first], strict=True)
        )
        start = outcomes[first]
        what = "supports itself" if len(steps) == 1 else "reaches itself through supports"
        yield Finding(
            "error",
            "support-cycle",
            f"{outcome_name(start)} {what}: {chain} -> {first}",
            _ref(start, steps[1] if len(steps) > 1 else first).loc,
            role=start.role,
            outcome=start.id,
            hint=HINT,
        )


def _has_loop(links: Mapping[str, Sequence[str]]) -> bool:
    """Whether any walk along `links` comes back into itself (iterative depth-first, each node once)."""
    state: dict[str, bool] = {}  # False while on the current path, True once finished
    for root, targets in links.items():
        if root in state or not targets:
            continue
        state[root] = False
        stack = [(root, iter(targets))]
        while stack:
            node, rest = stack[-1]
            for nxt in rest:
                seen = state.get(nxt)
                if seen is None:
                    state[nxt] = False
                    stack.append((nxt, iter(links.get(nxt, ()))))
                    break
                if seen is False:
                    return True
            else:
                state[node] = True
                stack.pop()
    return False


def _ref(outcome: Outcome, target: str) -> Ref:
    return next(ref for ref in outcome.supports if ref.target == target)


def _loop(start: str, links: Mapping[str, Sequence[str]], members: set[str]) -> list[str]:
    """The shortest path from `start` back to itself inside one component (breadth first), as keys."""
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        for nxt in sorted(links[current]):
            if nxt == current:
                continue  # a self-support is reported on its own
            if nxt == start:
                path = [current]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return path[::-1]
            if nxt in members and nxt not in parent:
                parent[nxt] = current
                queue.append(nxt)
    raise AssertionError(f"{start} is in a strongly connected component without a loop")


def strongly_connected(links: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iterative (10,000-deep chains must not recurse)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    for root in sorted(links):
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = links[node]
            while i < len(targets) and targets[i] in index:
                if targets[i] in on_stack:
                    low[node] = min(low[node], index[targets[i]])
                i += 1
            if i < len(targets):
                work.append((node, i + 1))
                work.append((targets[i], 0))
                continue
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                out.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return out
