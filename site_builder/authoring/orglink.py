"""Linking the positions of an org-chart export into one tree: managers resolved to position ids,
the top found, cycles named; and, on request, the bad rows (with everything under them) set aside
so the rest can be written."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Literal


@dataclass(frozen=True, slots=True)
class Position:
    line: int
    """Line of the CSV file where the row starts."""
    key: str
    """The position id (the post reference of an organogram)."""
    title: str
    holder: str | None
    """None when vacant or not disclosed."""
    has_holder: bool
    """The file has a holder column at all (else holders are left as they are)."""
    manager: str | None
    """The manager's key; None for the top position."""
    department: str | None
    level: int | None
    undisclosed: bool = False
    """The post is held, but the file does not name the holder (`N/D`)."""


@dataclass(frozen=True, slots=True)
class Problem:
    severity: Literal["error", "note"]
    line: int | None
    message: str


def link(
    positions: list[Position], keys: set[str], outside: frozenset[str]
) -> tuple[list[Position], list[Problem]]:
    """Managers resolved (by position id, else by a unique holder name); tops and cycles checked.
    `keys` holds every position id of the file, also of rows with problems (reported already)."""
    names: dict[str, list[Position]] = {}
    for p in positions:
        if p.holder:
            names.setdefault(p.holder.casefold(), []).append(p)
    problems: list[Problem] = []
    linked: list[Position] = []
    for p in positions:
        manager = p.manager
        if manager is not None and manager not in keys and manager not in outside:
            same = names.get(manager.casefold(), [])
            if len(same) == 1:
                manager = same[0].key
            elif same:
                lines = ", ".join(str(s.line) for s in same)
                problems.append(
                    Problem(
                        "error",
                        p.line,
                        f"manager '{manager}' of '{p.key}' names "
                        f"{len(same)} positions (lines {lines}); use position ids",
                    )
                )
                continue
            else:
                problems.append(
                    Problem("error", p.line, f"manager '{manager}' of '{p.key}' is not in the file")
                )
                continue
        linked.append(replace(p, manager=manager))
    linked, more = _self_reports(linked)
    problems += more
    tops = [p for p in linked if p.manager is None]
    for extra in tops[1:]:
        problems.append(
            Problem(
                "error",
                extra.line,
                f"'{extra.key}' has no manager, but '{tops[0].key}' (line "
                f"{tops[0].line}) has none either: only the top position may leave it empty",
            )
        )
    if not tops and linked and not any(p.manager in outside and p.manager not in keys for p in linked):
        problems.append(
            Problem(
                "error",
                None,
                "no position has an empty manager: the top position's manager must be left empty",
            )
        )
    problems += _cycles(linked)
    return linked, problems


def _self_reports(positions: list[Position]) -> tuple[list[Position], list[Problem]]:
    """Some organograms mark the top post as reporting to itself: when no post has an empty
    manager, the self-reporting post with the most posts under it is the top; others are errors."""
    selfish = [p for p in positions if p.manager == p.key]
    if not selfish:
        return positions, []
    top = None
    if not any(p.manager is None for p in positions):
        top = max(selfish, key=lambda p: (_under(p.key, positions), -p.line))
    problems = (
        [Problem("note", top.line, f"'{top.key}' reports to itself: taken as the top position")]
        if top
        else []
    )
    problems += [Problem("error", p.line, f"'{p.key}' reports to itself") for p in selfish if p is not top]
    kept = [replace(p, manager=None) if p is top else p for p in positions if p is top or p not in selfish]
    return kept, problems


def _under(key: str, positions: list[Position]) -> int:
    """How many positions report to `key`, directly or not."""
    children: dict[str, list[str]] = {}
    for p in positions:
        if p.manager is not None and p.manager != p.key:
            children.setdefault(p.manager, []).append(p.key)
    seen: set[str] = set()
    todo = list(children.get(key, []))
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(children.get(current, []))
    return len(seen)


def _cycles(positions: list[Position]) -> list[Problem]:
    manager = {p.key: p.manager for p in positions}
    line = {p.key: p.line for p in positions}
    problems: list[Problem] = []
    done: set[str] = set()
    for start in (p.key for p in positions):
        path: list[str] = []
        current: str | None = start
        while current is not None and current not in done and current not in path:
            path.append(current)
            current = manager.get(current)
        if current is not None and current in path:
            loop = path[path.index(current) :]
            first = min(loop, key=lambda k: line[k])
            turn = loop.index(first)
            ordered = [*loop[turn:], *loop[:turn], first]
            problems.append(
                Problem("error", line[first], f"'{first}' is in a reporting cycle: " + " -> ".join(ordered))
            )
        done.update(path)
    return problems


def skip_bad(
    positions: list[Position], problems: list[Problem], outside: Collection[str]
) -> tuple[list[Position], list[Problem]]:
    """--skip-bad-rows: the rows with errors and the posts under them left out, each error kept as
    a note, with one summary line. What stays forms one tree."""
    bad_lines = {p.line for p in problems if p.severity == "error" and p.line is not None}
    notes = [
        replace(p, severity="note", message="skipped: " + p.message) if p.severity == "error" else p
        for p in problems
    ]
    kept = [p for p in positions if p.line not in bad_lines]
    tops = [p for p in kept if p.manager is None]
    kept = [p for p in kept if p.manager is not None or p is tops[0]] if tops else kept
    below: list[int] = []
    while True:
        keys = {p.key for p in kept}
        orphans = [
            p for p in kept if p.manager is not None and p.manager not in keys and p.manager not in outside
        ]
        if not orphans:
            break
        below += [p.line for p in orphans]
        kept = [p for p in kept if p not in orphans]
    skipped = sorted(bad_lines | {p.line for p in positions if p.manager is None and p not in kept})
    if skipped or below:
        shown = ", ".join(str(n) for n in skipped)
        under = ", ".join(str(n) for n in sorted(below))
        message = f"--skip-bad-rows: {len(skipped)} bad row(s) left out (lines {shown})"
        if below:
            message += f", and {len(below)} post(s) under them (lines {under})"
        notes.append(Problem("note", None, message))
    return kept, notes


__all__ = ["Position", "Problem", "link", "skip_bad"]
