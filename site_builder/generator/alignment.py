"""The alignment and organisation pages: the drift picture across all plans."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup

from site_builder.checking.check import apply_policy
from site_builder.checking.rules import RULES, possible_duplicates
from site_builder.domain.audience import Withheld, withheld_reason
from site_builder.domain.model import Finding, Goal, Milestone, Role
from site_builder.generator import urls
from site_builder.generator.finding_text import sentence
from site_builder.generator.pages import Link, Pages, front_matter, heading_id, unique_ids
from site_builder.generator.safe_md import meta_text


def _pct(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 100


def department_slugs(departments: Iterable[str]) -> dict[str, str]:
    """Department -> the file name of its narrowed alignment page (unique, in sorted order)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for dept in sorted(set(departments)):
        base = candidate = urls.slug(dept)  # at most SLUG_BYTES: a file name has limits
        n = 1
        while candidate in used:
            n += 1
            suffix = f"-{n}"
            room = urls.SLUG_BYTES - len(suffix)
            candidate = base.encode("utf-8")[:room].decode("utf-8", "ignore") + suffix
        used.add(candidate)
        out[dept] = candidate
    return out


def department_pages(pages: Pages) -> dict[str, str]:
    """The alignment page narrowed to each department, by path."""
    slugs = department_slugs(pages.ix.departments.values())
    return {urls.alignment_page(slug): alignment_page(pages, dept) for dept, slug in slugs.items()}


def alignment_page(pages: Pages, department: str | None = None) -> str:
    """Every finding this edition may show, grouped by rule, and a count of those it may not, with
    why; narrowed to one department when one is given (HTML)."""
    ix, view = pages.ix, pages.view
    in_scope = (lambda role: ix.departments.get(role or "") == department) if department else None
    findings = [f for f in view.findings if in_scope is None or in_scope(f.role)]
    withheld = [w for w in view.withheld if in_scope is None or (w.role is not None and in_scope(w.role))]
    slugs = department_slugs(ix.departments.values())
    roles = [r for r in pages.plans.roles.values() if in_scope is None or in_scope(r.id)]
    context: dict[str, Any] = {
        "department": department,
        "findings": findings,
        "plans_count": len(roles),
        "rules": _by_rule(pages, findings, listed=department is not None or len(findings) <= FINDINGS_LIMIT),
        "withheld": _withheld_groups(pages, withheld),
        "withheld_count": len(withheld),
        "departments": [(d, Link(d, urls.alignment_page(slugs[d]))) for d in sorted(slugs)],
        "summary": _summary(pages, roles, slugs),
        "coverage": [] if department else _coverage(pages),
        "counts_only": department is None and len(findings) > FINDINGS_LIMIT,
        "rule_listed": RULE_LISTED,
        "department_pages": {d: urls.alignment_page(s) for d, s in slugs.items()},
    }
    full = department is None and not view.hidden and not view.placeholders  # leadership, the preview
    context["possible"], context["possible_more"] = _possible(pages) if full else ([], 0)
    if department is None and view.show_sources:
        policy = tuple(pages.plans.portal.fail_on)
        blocking = [f for f in apply_policy(view.findings, policy) if f.severity == "error"]
        context["readiness"] = {
            "policy": policy,
            "blocking": blocking,
            "rules": sorted(Counter(f.rule for f in blocking).items()),
        }
    title = f"Alignment: {department}" if department else "Alignment"
    body = pages.render("alignment.html.j2", h1_id=heading_id(title), **context)
    return front_matter(title=meta_text(title), search={"exclude": True}) + body


POSSIBLE_SHOWN = 50
"""The most alike possible duplicates listed; a large organisation gets a count of the rest."""


def _possible(pages: Pages) -> tuple[list[dict[str, Any]], int]:
    """Possible duplicates, and how many more: for editions showing every plan in full."""
    pairs, total = possible_duplicates(pages.ix, limit=POSSIBLE_SHOWN)
    out = []
    for a, b in pairs:
        first, second = pages.ix.outcomes[a], pages.ix.outcomes[b]
        out.append(
            {
                "a": pages.ref_link(a),
                "a_role": pages.role_link(first.role, holder=True),
                "a_dept": pages.ix.departments[first.role],
                "b": pages.ref_link(b),
                "b_role": pages.role_link(second.role, holder=True),
                "b_dept": pages.ix.departments[second.role],
            }
        )
    return out, total - len(out)


def _summary(pages: Pages, roles: list[Role], slugs: Mapping[str, str]) -> list[dict[str, Any]]:
    """Plans, confirmations, links to the manager's plan and findings, per department."""
    ix = pages.ix
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for f in pages.view.findings:
        if f.role in ix.departments:
            counts[ix.departments[f.role]]["findings"] += 1  # type: ignore[index]
    for role in roles:
        row = counts[ix.departments[role.id]]
        row["plans"] += 1
        row["confirmed"] += role.status == "confirmed"
        for outcome in role.outcomes:
            row["outcomes"] += 1
            row["linked"] += ix.links_to_manager(outcome.key)  # a key result through its objective
    return [
        {
            "department": Link(dept, urls.alignment_page(slugs[dept])),
            "plans": c["plans"],
            "confirmed": c["confirmed"],
            "outcomes": c["outcomes"],
            "linked": c["linked"],
            "findings": c["findings"],
            "confirmed_pct": _pct(c["confirmed"], c["plans"]),
            "linked_pct": _pct(c["linked"], c["outcomes"]),
        }
        for dept, c in sorted(counts.items())
        if c["plans"]
    ]


def _coverage(pages: Pages) -> list[dict[str, Any]]:
    """Each goal and milestone with the outcomes serving it, shown or in unconfirmed plans."""
    ix = pages.ix
    coverage: list[dict[str, Any]] = []
    for goal in pages.plans.strategy.goals:
        items: list[Goal | Milestone] = [goal, *goal.milestones]
        for item in items:
            keys = ix.supporters_of_item.get(item.id, ())
            unseen = ix.unseen(item.id)
            roles = {k.split("#", 1)[0] for k in keys} | {r for r in unseen if r}
            coverage.append(
                {
                    "link": pages.ref_link(item.id),
                    "outcomes": len(keys) + sum(unseen.values()),
                    "unconfirmed": sum(unseen.values()),
                    "roles": len(roles),
                    "departments": len({ix.departments[r] for r in roles}),
                }
            )
    coverage.sort(key=lambda r: r["outcomes"] > 0)  # stable: uncovered first, strategy order kept
    return coverage


def _by_rule(pages: Pages, findings: list[Finding], *, listed: bool) -> list[dict[str, Any]]:
    """Findings grouped by rule (registry order, unknown rules after), then by department: as sentences
    when `listed` (the first RULE_LISTED of each rule, by file), else only counted."""
    order = {rule.name: n for n, rule in enumerate(RULES)}
    summaries = {rule.name: rule.summary for rule in RULES}
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_rule[f.rule].append(f)
    out = []
    for name in sorted(by_rule, key=lambda n: (order.get(n, len(order)), n)):
        counts: Counter[str] = Counter()
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for n, f in enumerate(by_rule[name]):
            dept = pages.ix.departments.get(f.role or "", "Strategy")
            counts[dept] += 1
            if listed and n < RULE_LISTED:
                groups[dept].append(
                    {
                        "text": sentence(pages, f),
                        "rule": f.rule,
                        "role": f.role or "",
                        "hint": f.hint,
                        "loc": str(f.loc),
                    }
                )
        summary = summaries.get(name, name.replace("-", " "))
        count = len(by_rule[name])
        out.append(
            {
                "name": name,
                "heading": summary[:1].upper() + summary[1:],
                "anchor": f"rule-{name}",
                "count": count,
                "counts": sorted(counts.items()),
                "groups": sorted(groups.items()),
                "more": count - min(count, RULE_LISTED) if listed else 0,
            }
        )
    return out


RULE_LISTED = 200
"""Findings of one rule a page lists as sentences; the rest are counted, and each is on its plan's page
(a department of a large organisation could otherwise list thousands: 15.5 MB on one page)."""


def _withheld_groups(pages: Pages, withheld: list[Withheld]) -> list[dict[str, Any]]:
    """Withheld findings by reason: how many, of which rules, about which shown plans."""
    by_reason: dict[str, list[Withheld]] = defaultdict(list)
    for w in withheld:
        by_reason[w.reason].append(w)
    out = []
    for reason, items in sorted(by_reason.items()):
        roles = sorted({w.role for w in items if w.role}, key=lambda r: pages.ix.cascade_order.get(r, 0))
        out.append(
            {
                "why": withheld_reason(reason),
                "count": len(items),
                "rules": sorted(Counter(w.rule for w in items).items()),
                "roles": [pages.role_link(r, holder=True) for r in roles],
            }
        )
    return out


FINDINGS_LIMIT = 300
"""Findings the whole-organisation alignment page lists itself; above, it counts them by department
(each department's page lists them: at 10,000 roles the full list was ~480 KB of HTML)."""
ORG_TREE_LIMIT = 1500
"""Above this many roles the organisation page draws each department's tree ORG_TREE_DEPTH levels deep
(at 10,000 roles the whole tree was 1.1 MB of HTML); deeper teams are a link to their manager's team."""
ORG_TREE_DEPTH = 2


def organisation_page(pages: Pages) -> str:
    """Each department as a nested reporting tree (top role first, under its own department), HTML."""
    ix = pages.ix
    departments: dict[str, list[tuple[int, str]]] = defaultdict(list)
    # depth-first, iterative: every role appears under its department, indented below its manager
    roots = [r for r in pages.plans.roles.values() if r.reports_to not in pages.plans.roles]
    cut = len(pages.plans.roles) > ORG_TREE_LIMIT
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
        children = [
            c
            for c in ix.reports_of(role_id)
            if not (cut and depth >= ORG_TREE_DEPTH and ix.departments[c] == dept)
        ]
        hidden = len(ix.reports_of(role_id)) - len(children)
        if hidden:  # a large organisation: the team is on the role's page and in the department's list
            note += (
                f' — <a href="{urls.LINK_SCHEME}{urls.role_page(role_id)}#team">{hidden} more in the team</a>'
            )
        departments[dept].append((depth, f"{pages.role_link(role_id, holder=True).html()}{note}"))
        for child in reversed(children):
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
