"""A goal page a leader can read: every outcome that delivers the goal, grouped by milestone, then by
department, in cascade order (top role first); plans not yet confirmed are counted as such."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

from site_builder.domain.model import Goal
from site_builder.domain.titles import short_title
from site_builder.generator.goal_lists import goal_lists
from site_builder.generator.pages import Link, Pages, front_matter, heading_id
from site_builder.generator.safe_md import html_inline, meta_text

LEFT_OUT = "Plans not in this edition"


def goal_page(pages: Pages, goal: Goal) -> str:
    """The goal's page (HTML): milestones, diagram, then the outcomes that deliver it."""
    ix = pages.ix
    items = [goal.id, *(m.id for m in goal.milestones)]
    keys = sorted({k for i in items for k in ix.supporters_of_item.get(i, ())})
    unseen = ix.unseen_of_goal(goal.id)
    groups = goal_groups(pages, goal)
    roles = {k.split("#")[0] for k in keys} | {r for r in unseen if r}
    departments = {ix.departments[r] for r in roles} | ({LEFT_OUT} if "" in unseen else set())
    body = pages.render(
        "goal.html.j2",
        goal=goal,
        h1_id=heading_id(f"{goal.id}: {goal.title}"),
        groups=[g for g in groups if g["count"]],
        count=len(keys) + sum(unseen.values()),
        unconfirmed=sum(unseen.values()),
        roles=len(roles),
        departments=len(departments),
        milestone_counts={m.id: _count(pages, m.id) for m in goal.milestones},
        lists=goal_lists(ix, goal),
        diagram=Markup(pages.diagrams.get(f"goal/{goal.id}", "")),
    )
    return (
        front_matter(
            title=meta_text(f"{goal.id} {goal.title}"),
            description=meta_text(f"Strategy goal {goal.id}: {goal.title}"),
        )
        + body
    )


def goal_groups(pages: Pages, goal: Goal, department: str | None = None) -> list[dict[str, Any]]:
    """The supporters of each milestone, then of the goal alone, by department (only `department`'s
    when one is given: the goal's list for that department, goal_lists.py)."""
    ix = pages.ix
    items = [goal.id, *(m.id for m in goal.milestones)]
    direct = {k for i in items for k in ix.supported_by.get(i, ())}

    def mine(keys: Sequence[str], unseen: Mapping[str, int]) -> tuple[Sequence[str], Mapping[str, int]]:
        if department is None:
            return keys, unseen
        dept = ix.departments
        return (
            [k for k in keys if dept[k.split("#")[0]] == department],
            {r: n for r, n in unseen.items() if r in dept and dept[r] == department},
        )

    groups = [
        _group(
            pages, f"{m.id} {m.title}", *mine(ix.supporters_of_item.get(m.id, ()), ix.unseen(m.id)), direct
        )
        for m in goal.milestones
    ]
    milestone_ids = {m.id for m in goal.milestones}
    only = [
        k for k in ix.supporters_of_item.get(goal.id, ()) if not ix.served.get(k, frozenset()) & milestone_ids
    ]
    title = "The goal itself, through none of its milestones" if goal.milestones else "The goal"
    groups.append(_group(pages, title, *mine(only, ix.unseen_goal_only(goal.id)), direct))
    return groups


def _count(pages: Pages, item_id: str) -> int:
    """Every outcome serving a strategy item, shown or not."""
    return len(pages.ix.supporters_of_item.get(item_id, ())) + sum(pages.ix.unseen(item_id).values())


def _group(
    pages: Pages, title: str, keys: Sequence[str], unseen: Mapping[str, int], direct: set[str]
) -> dict[str, Any]:
    """One milestone's (or the goal's own) supporters by department, departments and rows in cascade
    order: (order, department, row)."""
    ix, order = pages.ix, pages.ix.cascade_order
    rows: list[tuple[tuple[int, int], str, dict[str, Any]]] = []
    for key in keys:
        outcome = ix.outcomes[key]
        role = pages.plans.roles[outcome.role]
        place = (order[role.id], role.outcomes.index(outcome))
        link = pages.outcome_link(key)
        row = {
            "key": key,
            "link": Link(short_title(outcome.title), link.page, link.anchor),
            "who": pages.role_link(role.id, holder=True),
            "direct": key in direct,
            "target": html_inline(outcome.target),
            "due": outcome.due,
            "unconfirmed": None,
            "children": [],
        }
        rows.append((place, ix.departments[role.id], row))
    for role_id, n in unseen.items():
        known = role_id in pages.plans.roles
        place = (order[role_id] if known else len(order), 0)
        dept = ix.departments[role_id] if known else LEFT_OUT
        who = pages.role_link(role_id, holder=True) if known else None
        rows.append((place, dept, {"unconfirmed": n, "who": who}))
    by_dept: dict[str, list[tuple[tuple[int, int], dict[str, Any]]]] = defaultdict(list)
    for place, dept, row in rows:
        by_dept[dept].append((place, row))
    depts = sorted(by_dept.items(), key=lambda kv: (min(p for p, _ in kv[1]), kv[0]))
    return {
        "title": title,
        "count": len(keys) + sum(unseen.values()),
        "departments": [
            (
                dept,
                sum(r["unconfirmed"] or 1 for _, r in entries),
                _nested(pages, [r for _, r in sorted(entries, key=_first)]),
            )
            for dept, entries in depts
        ],
    }


def _nested(pages: Pages, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Key results listed under the objective they refine when that is listed too (cascade order kept;
    a parent always comes first, so loops cannot nest)."""
    by_key = {row["key"]: row for row in rows if "key" in row}
    top: list[dict[str, Any]] = []
    placed: set[str] = set()
    for row in rows:
        key = row.get("key")
        parents = pages.ix.refines.get(key, ()) if key else ()
        parent = next((by_key[p] for p in parents if p in placed), None)
        (parent["children"] if parent is not None else top).append(row)
        if key:
            placed.add(key)
    return top


def _first(entry: tuple[tuple[int, int], dict[str, Any]]) -> tuple[int, int]:
    return entry[0]
