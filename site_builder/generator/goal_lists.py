"""Goal pages that stay light: above GOAL_LIST_LIMIT outcomes a goal page counts them by milestone and
department and links to one list per department (at 10,000 roles a goal page listing every outcome
was 1-1.6 MB of HTML)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from site_builder.domain.index import Index
from site_builder.domain.model import Goal
from site_builder.generator import urls
from site_builder.generator.alignment import department_slugs

if TYPE_CHECKING:
    from site_builder.generator.pages import Pages

GOAL_LIST_LIMIT = 200
"""Outcomes a goal page lists itself; above this it links to its per-department lists."""
DEPARTMENT_ROWS = 1000
"""Outcomes (with their key results) one department's list shows; the rest are counted, and reached
through the department's roles (a list of 3,030 outcomes was 863 KB of HTML at 10,000 roles)."""


_LAST: list[tuple[Index, int, dict[str, dict[str, str]]]] = []
"""The last index's lists per goal (and the limit they were made with): a generation asks for each
goal's lists four times."""


def goal_lists(ix: Index, goal: Goal) -> dict[str, str]:
    """Department -> the page listing that department's outcomes for the goal; empty for a goal whose
    page lists everything itself."""
    if not _LAST or _LAST[0][0] is not ix or _LAST[0][1] != GOAL_LIST_LIMIT:
        _LAST[:] = [(ix, GOAL_LIST_LIMIT, {})]
    known = _LAST[0][2]
    if goal.id not in known:
        known[goal.id] = _goal_lists(ix, goal)
    return dict(known[goal.id])


def _goal_lists(ix: Index, goal: Goal) -> dict[str, str]:
    items = [goal.id, *(m.id for m in goal.milestones)]
    keys = {k for i in items for k in ix.supporters_of_item.get(i, ())}
    unseen = ix.unseen_of_goal(goal.id)
    if len(keys) + sum(unseen.values()) <= GOAL_LIST_LIMIT:
        return {}
    depts = {ix.departments[k.split("#")[0]] for k in keys}
    depts |= {ix.departments[r] for r in unseen if r in ix.departments}
    slugs = department_slugs(ix.departments.values())
    return {dept: urls.goal_department_page(goal.id, slugs[dept]) for dept in sorted(depts)}


def goal_department_pages(pages: Pages, goal: Goal) -> dict[str, str]:
    """Each department's outcomes for the goal, grouped by milestone, by page path."""
    from site_builder.generator.goal_page import goal_groups
    from site_builder.generator.pages import front_matter, heading_id
    from site_builder.generator.safe_md import meta_text

    out = {}
    for dept, path in goal_lists(pages.ix, goal).items():
        groups = [g for g in goal_groups(pages, goal, dept) if g["count"]]
        shown, left = _first_rows(groups, DEPARTMENT_ROWS)
        slug = department_slugs(pages.ix.departments.values())[dept]
        body = pages.render(
            "goal_department.html.j2",
            goal=goal,
            department=dept,
            h1_id=heading_id(f"{goal.id} {dept}"),
            groups=shown,
            count=sum(g["count"] for g in groups),
            left=left,
            department_list=urls.department_page(slug),
        )
        title = meta_text(f"{goal.id} {goal.title}: {dept}")
        out[path] = front_matter(title=title, search={"exclude": True}) + body
    return out


def _first_rows(groups: list[dict[str, Any]], limit: int) -> tuple[list[dict[str, Any]], int]:
    """The groups cut after `limit` rows (a row with its key results counts once); how many were left."""
    shown: list[dict[str, Any]] = []
    room, left = limit, 0
    for group in groups:
        departments = []
        for dept, n, rows in group["departments"]:
            departments.append((dept, n, rows[:room]))
            left += max(0, len(rows) - room)
            room = max(0, room - len(rows))
        if any(rows for _, _, rows in departments):
            shown.append({**group, "departments": departments})
    return shown, left


__all__ = ["GOAL_LIST_LIMIT", "goal_department_pages", "goal_lists"]
