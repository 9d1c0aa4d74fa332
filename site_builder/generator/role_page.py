"""A role page: the plan, the line of sight of each outcome through the whole cascade, its findings
in words, and for a manager the status and drift of their part of the organisation (HTML)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from site_builder.checking.rules import RULES
from site_builder.domain.model import Outcome, Role
from site_builder.domain.titles import is_shortened, short_title
from site_builder.generator import urls
from site_builder.generator.finding_text import sentence
from site_builder.generator.pages import (
    STATUS_LABEL,
    Link,
    Pages,
    _and,
    _first_sentence,
    front_matter,
    heading_id,
)
from site_builder.generator.plan_history import history_html
from site_builder.generator.safe_md import html_inline, html_plain, markdown_html, meta_text
from site_builder.generator.team import CAP

_RULE_SUMMARY = {rule.name: rule.summary for rule in RULES}


def role_page(pages: Pages, role: Role) -> str:
    """A role page: front matter for MkDocs, then HTML the generator renders itself (no Markdown
    pass in MkDocs: it was half the build time; see docs/performance.md)."""
    tags = [meta_text(pages.ix.departments[role.id])]
    if (level := pages.level_name(role)) is not None:
        tags.append(meta_text(level))
    tags += [meta_text(pages.goal_title(g)) for g in pages.ix.goals_served(role.id)]
    note = pages.change_notes.get(role.id)
    body = pages.render(
        "role.html.j2",
        role=role,
        h1_id=heading_id(role.title),
        outcomes=[_outcome_context(pages, o, depth) for o, depth in pages.ix.outcome_tree(role.id)],
        department=pages.ix.departments[role.id],
        level=level,
        manager=pages.role_link(role.reports_to) if role.reports_to else None,
        line_of_sight=_line_of_sight(pages, role),
        reports=[_team_member(pages, r) for r in pages.ix.reports_of(role.id)],
        peers=[_team_member(pages, r) for r in pages.ix.peers(role.id)],
        findings=_findings(pages, role.id),
        part=_part(pages, role.id),
        placeholder=role.id in pages.view.placeholders,
        sentence=pages.plain_sentence(role),
        diagram=Markup(pages.diagrams.get(f"role/{role.id}", "")),
        card=f"{urls.LINK_SCHEME}{urls.role_card(role.id)}",
        change_note=markdown_html(note) if note else "",
        outcome_diagram=Markup(pages.diagrams.get(f"outcomes/{role.id}", "")),
        sheet=_sheet(pages, role.id),
        history=_history(pages, role.id),
    )
    return (
        front_matter(
            title=meta_text(role.title),
            description=meta_text("Value-added plan of the " + role.title),
            tags=tags,
        )
        + body
    )


def _history(pages: Pages, role_id: str) -> Markup:
    """The plan's history in the cycle, where the edition shows it and git recorded some."""
    source = pages.history_source
    return history_html(pages.history.get(role_id, ()), source.since if source is not None else None)


def _part(pages: Pages, role_id: str) -> dict[str, Any] | None:
    """The manager's part of the organisation: plans below with status and dates, drift by rule."""
    part = pages.team_parts.get(role_id)
    if part is None:
        return None
    rows = []
    for member, depth, more, own in part.rows:
        role = pages.plans.roles[member]
        talks = [d.date for d in role.dialogue if d.date is not None]
        rows.append(
            {
                "link": pages.role_link(member, holder=True),
                "depth": depth,
                "more": more,
                "status": STATUS_LABEL[role.status],
                "status_key": role.status,
                "confirmed_on": role.confirmed_on,
                "talked": max(talks) if talks else None,
                "findings": own,
                "sheet": _sheet(pages, member),
            }
        )
    drift = [
        {
            "rule": rule,
            "count": n,
            "roles": [pages.role_link(r, holder=True) for r in names],
            "summary": _RULE_SUMMARY.get(rule, rule.replace("-", " ")),
            "more": len(names) >= CAP,
            "anchor": f"{urls.LINK_SCHEME}{urls.ALIGNMENT}#rule-{rule}",
        }
        for rule, n, names in part.drift
    ]
    return {
        "rows": rows,
        "drift": drift,
        "withheld": part.withheld,
        "size": part.size,
        **_standing(pages, [m for m, *_ in part.rows]),
    }


def _sheet(pages: Pages, role_id: str) -> str | None:
    """The conversation sheet of a role with its manager, in editions that have one."""
    from site_builder.generator.conversation import has_sheet  # it builds on this module

    return f"{urls.LINK_SCHEME}{urls.conversation_page(role_id)}" if has_sheet(pages.view, role_id) else None


def _standing(pages: Pages, members: list[str]) -> dict[str, str]:
    """Where the conversations of the listed plans stand, counted (editions that show dialogue)."""
    from site_builder.generator.conversation import shows_sheets
    from site_builder.generator.standing import count, planning_start

    if not shows_sheets(pages.view):
        return {"standing": "", "standing_page": ""}
    counts = count((pages.plans.roles[m] for m in members), planning_start(pages.plans.portal))
    return {"standing": counts.sentence(), "standing_page": f"{urls.LINK_SCHEME}{urls.CONVERSATIONS}"}


def _findings(pages: Pages, role_id: str) -> list[dict[str, Any]]:
    """A plan's own findings as sentences, the rule name and (for publishers) where to fix."""
    return [
        {
            "text": sentence(pages, f),
            "rule": f.rule,
            "hint": f.hint,
            "loc": str(f.loc),
            "severity": f.severity,
        }
        for f in pages.findings_by_role.get(role_id, ())
    ]


def _team_member(pages: Pages, role_id: str | None) -> dict[str, Any]:
    role = pages.plans.roles[role_id or ""]
    return {
        "link": pages.role_link(role.id, holder=True),
        "value": html_inline(_first_sentence(role.value_add)) if role.value_add else "",
        "vacant": role.vacant and not pages.view.is_hidden("holder"),
        "status": role.status,
    }


def _outcome_context(pages: Pages, outcome: Outcome, depth: int = 0) -> dict[str, Any]:
    """One outcome of a role page; a sub-result is a heading one level below the outcome it refines,
    and a long title heads its section (and the table of contents) by its first sentence."""
    return {
        "o": outcome,
        "level": min(3 + depth, 6),
        "short": short_title(outcome.title),
        "full": outcome.title if is_shortened(outcome.title) else "",
        "anchor": urls.outcome_anchor(outcome.id),
        "supports": [
            {"link": pages.ref_link(ref.target), "how": html_inline(ref.how) if ref.how else ""}
            for ref in outcome.supports
        ],
        "supported_by": [
            pages.outcome_link(k)
            for k in pages.ix.supported_by.get(outcome.key, ())
            if k in pages.ix.outcomes
        ],
        "serves": serves(pages, outcome.key),
        "through": through(pages, outcome.key),
    }


def serves(pages: Pages, key: str) -> list[Markup]:
    """The goals (linked) and milestones (named) an outcome serves through the whole cascade, and
    the plans not shown on the way, said in words without their content."""
    served = pages.ix.served.get(key, frozenset())
    lines: list[Markup] = []
    for goal in pages.plans.strategy.goals:
        milestones = [m for m in goal.milestones if m.id in served]
        if goal.id not in served and not milestones:
            continue
        named = _and([f"{html_plain(m.id)} {html_inline(m.title)}" for m in milestones])
        text = Link(pages.goal_title(goal.id), urls.goal_page(goal.id)).html()
        plural = "s" if len(milestones) > 1 else ""
        lines.append(Markup(f"{text}: milestone{plural} {named}" if milestones else text))
    return lines


def through(pages: Pages, key: str) -> Markup:
    """The plans not shown that an outcome's line of sight passes through, in words."""
    parts: list[str] = []
    for role_id in pages.ix.via(key):
        if role_id:
            who = pages.role_link(role_id, holder=True).html()
            parts.append(f"through an outcome of the {who}, whose plan is not yet confirmed")
        else:
            parts.append("through plans not yet confirmed, which this edition leaves out")
    return Markup(_and(parts))


def _line_of_sight(pages: Pages, role: Role) -> list[Markup]:
    """From this role up each manager to the goals it serves, one line each (HTML)."""
    lines = [Markup(f"<strong>{html_plain(role.title)}</strong> (this role)")]
    for manager in pages.ix.chain(role.id):
        lines.append(pages.role_link(manager, holder=True).html())
    goals = pages.ix.goals_served(role.id)
    if goals:
        listed = ", ".join(Link(pages.goal_title(g), urls.goal_page(g)).html() for g in goals)
        lines.append(Markup(f"Strategy: {listed}"))
    return lines
