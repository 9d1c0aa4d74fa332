"""The alignment and organisation pages: the drift picture across all plans."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from markupsafe import Markup

from site_builder.checking.check import apply_policy
from site_builder.checking.rules import RULES
from site_builder.domain.model import Goal, Milestone
from site_builder.domain.titles import is_shortened, short_title
from site_builder.generator import urls
from site_builder.generator.pages import Link, Pages, front_matter, unique_ids


def _pct(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 100


def alignment_page(pages: Pages) -> str:
    here = urls.ALIGNMENT
    ix, plans, findings = pages.ix, pages.plans, pages.view.findings
    summary: dict[str, Counter[str]] = defaultdict(Counter)
    for role in plans.roles.values():
        row = summary[ix.departments[role.id]]
        row["plans"] += 1
        row["confirmed"] += role.status == "confirmed"
        for outcome in role.outcomes:
            row["outcomes"] += 1
            row["linked"] += ix.links_to_manager(outcome.key)  # a key result through its objective
    summary_rows = [
        {
            "department": dept,
            "plans": c["plans"],
            "confirmed": c["confirmed"],
            "outcomes": c["outcomes"],
            "linked": c["linked"],
            "confirmed_pct": _pct(c["confirmed"], c["plans"]),
            "linked_pct": _pct(c["linked"], c["outcomes"]),
        }
        for dept, c in sorted(summary.items())
    ]
    coverage: list[dict[str, Any]] = []
    for goal in plans.strategy.goals:
        items: list[Goal | Milestone] = [goal, *goal.milestones]
        for item in items:
            keys = ix.supporters_of_item.get(item.id, ())
            roles = {k.split("#", 1)[0] for k in keys}
            link = pages.ref_link(item.id).md()
            coverage.append(
                {
                    "link": link,
                    "outcomes": len(keys),
                    "roles": len(roles),
                    "departments": len({ix.departments[r] for r in roles}),
                }
            )
    coverage.sort(key=lambda r: (r["outcomes"] > 0,))  # stable: uncovered first, strategy order kept
    policy = tuple(plans.portal.fail_on)
    blocking = [f for f in apply_policy(findings, policy) if f.severity == "error"]
    rules = []
    for rule in RULES:
        mine = [f for f in findings if f.rule == rule.name]
        if not mine:
            continue
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for f in mine:
            dept = ix.departments.get(f.role or "", "Strategy")
            groups[dept].append(
                {
                    "link": _finding_link(pages, f.role, f.outcome),
                    "message": f.message,
                    "hint": f.hint,
                    "loc": str(f.loc),
                }
            )
        rules.append(
            {"name": rule.name, "summary": rule.summary, "count": len(mine), "groups": sorted(groups.items())}
        )
    return pages.render(
        "alignment.md.j2",
        here=here,
        findings=findings,
        summary=summary_rows,
        covered=sum(1 for r in coverage if r["outcomes"]),
        items=len(coverage),
        coverage=coverage,
        policy=policy,
        blocking=blocking,
        blocking_rules=sorted(Counter(f.rule for f in blocking).items()),
        rules=rules,
    )


def _finding_link(pages: Pages, role_id: str | None, outcome_id: str | None) -> str:
    """Role › outcome title (shortened; the full title on hover), linking to the outcome."""
    if role_id is None or role_id not in pages.plans.roles:
        return "Strategy"
    link = pages.role_link(role_id)
    if outcome_id and link.page:
        outcome = pages.ix.outcomes.get(f"{role_id}#{outcome_id}")
        name = short_title(outcome.title) if outcome else outcome_id
        full = outcome.title if outcome and is_shortened(outcome.title) else ""
        return Link(f"{link.text} › {name}", link.page, urls.outcome_anchor(outcome_id), full).md()
    return link.md()


def organisation_page(pages: Pages) -> str:
    """Each department as a nested reporting tree (top role first, under its own department), HTML."""
    ix = pages.ix
    departments: dict[str, list[tuple[int, str]]] = defaultdict(list)
    # depth-first, iterative: every role appears under its department, indented below its manager
    roots = [r for r in pages.plans.roles.values() if r.reports_to not in pages.plans.roles]
    stack: list[tuple[str, int, str | None]] = [(r.id, 0, None) for r in reversed(roots)]
    while stack:
        role_id, depth, parent_dept = stack.pop()
        dept = ix.departments[role_id]
        depth = depth if dept == parent_dept else 0
        role = pages.plans.roles[role_id]
        note = ""
        if role.vacant and not pages.view.is_hidden("holder"):
            note = " — <em>vacant</em>"
        elif role.status != "confirmed":
            note = f" — <em>{role.status}</em>"
        departments[dept].append((depth, f"{pages.role_link(role_id, holder=True).html()}{note}"))
        for child in reversed(ix.reports_of(role_id)):
            stack.append((child, depth + 1, dept))
    anchors = unique_ids(sorted(departments), taken={"the-organisation"})
    body = pages.render(
        "organisation.html.j2",
        departments=[(d, anchors[d], _tree(lines)) for d, lines in sorted(departments.items())],
        diagram=Markup(pages.diagrams.get("org/full", "")),
    )
    return front_matter(title="Organisation", search={"exclude": True}) + body


def _tree(lines: list[tuple[int, str]]) -> Markup:
    """(depth, item HTML) in depth-first order -> nested lists; a depth never jumps by more than one."""
    out: list[str] = []
    depth = -1
    for level, item in lines:
        if level > depth:
            out.append("<ul>\n" * (level - depth))
        else:
            out.append("</li>\n" + "</ul>\n</li>\n" * (depth - level))
        out.append(f"<li>{item}")
        depth = level
    if depth >= 0:
        out.append("</li>\n" + "</ul>\n</li>\n" * depth + "</ul>\n")
    return Markup("".join(out))
