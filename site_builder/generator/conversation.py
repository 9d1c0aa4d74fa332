"""The conversation sheet of a manager and a report: the plan's four questions, each outcome beside
what it supports, the drift as talking points and the record of conversations, in one Markdown text
that is both the site page and what `vap conversation` prints (one renderer, the same content)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from site_builder.domain.audience import View
from site_builder.domain.history import History
from site_builder.domain.index import Index
from site_builder.domain.model import PlanSet, Role
from site_builder.domain.titles import short_title
from site_builder.errors import PortalError
from site_builder.generator import urls
from site_builder.generator.changes import Changes
from site_builder.generator.finding_text import sentence
from site_builder.generator.pages import STATUS_LABEL, Link, Pages, _and, front_matter
from site_builder.generator.plan_history import changes_above, history_markdown, outcome_words
from site_builder.generator.role_page import serves
from site_builder.generator.safe_md import md_block, md_html, md_inline, md_text, meta_text, unmark

_LINK = re.compile(r'<a href="vap:[^"]*"(?: title="[^"]*")?>|</a>')
WRITE_CLASS = "vap-sheet-write"
SIGN_CLASS = "vap-sheet-sign"


def shows_sheets(view: View) -> bool:
    """Sheets exist only in editions that show the record of conversations (and in the preview)."""
    return not view.is_hidden("dialogue")


def has_sheet(view: View, role_id: str) -> bool:
    """A role has a sheet with its manager when both plans are shown and the edition shows dialogue."""
    role = view.plans.roles.get(role_id)
    if role is None or role.reports_to not in view.plans.roles or not shows_sheets(view):
        return False
    return role_id not in view.placeholders and role.reports_to not in view.placeholders


def sheet_reports(view: View) -> list[str]:
    """The reports that have a sheet with their manager in this edition, sorted by id."""
    return sorted(r for r in view.plans.roles if has_sheet(view, r))


def as_of(plans: PlanSet | Iterable[Role]) -> dt.date | None:
    """The date days are counted to: the latest date recorded in any plan (a conversation or a
    confirmation), so that a build of the same plans says the same thing on any day."""
    roles = plans.roles.values() if isinstance(plans, PlanSet) else plans
    dates = [d.date for r in roles for d in r.dialogue if d.date is not None]
    dates += [r.confirmed_on for r in roles if r.confirmed_on is not None]
    return max(dates) if dates else None


def last_talk(role: Role) -> dt.date | None:
    talks = [d.date for d in role.dialogue if d.date is not None]
    return max(talks) if talks else None


def plain(markdown: str) -> str:
    """The sheet for `vap conversation`: the page's Markdown with its site links left as text."""
    return _LINK.sub("", unmark(markdown))


def sheet_markdown(pages: Pages, report_id: str) -> str:
    """The whole sheet as Markdown (front matter for MkDocs first)."""
    report = pages.plans.roles[report_id]
    manager = pages.plans.roles[report.reports_to or ""]
    title = f"Conversation: {report.title} with the {manager.title}"
    head = front_matter(
        title=meta_text(title),
        description=meta_text(f"Conversation sheet of the {report.title} and the {manager.title}"),
        search={"exclude": True},
    )
    parts = [
        f"# {md_text(title)} {{: .vap-sheet-title }}\n",
        _intro(pages, report, manager),
        _questions(pages, report),
        _outcomes(pages, report),
        _chain(pages, report),
        above_section(pages, report, manager),
        _talking_points(pages, report),
        _resources(pages, report),
        _record(pages, report),
        _agreed(),
    ]
    return head + "\n".join(p for p in parts if p)


def _intro(pages: Pages, report: Role, manager: Role) -> str:
    status = STATUS_LABEL[report.status]
    if report.confirmed_on and not pages.view.is_hidden("confirmed_on"):
        status += f" on {report.confirmed_on.isoformat()}"
    cycle = pages.plans.portal.cycle
    return (
        f"The plan of the {pages.role_link(report.id, holder=True).md()}, talked through with the "
        f"{pages.role_link(manager.id, holder=True).md()}, to whom the role reports. "
        f"Plan status: **{status}**. Cycle {md_text(cycle)}.\n"
    )


def _items(items: Iterable[str], empty: str) -> str:
    lines = [f"- {md_inline(i)}" for i in items]
    return "\n".join(lines) + "\n" if lines else f"*{empty}*\n"


def _questions(pages: Pages, report: Role) -> str:
    """The method's four questions, each with the report's answer from the plan."""
    value = md_block(report.value_add) if report.value_add else "*Not yet written down.*"
    return (
        "## The four questions\n\n"
        "### 1. What is this role accountable for?\n\n"
        + _items(report.accountabilities, "Not yet written down.")
        + "\n### 2. What value does this role add?\n\n"
        + value
        + "\n\n### 3. What work can only this role do?\n\n"
        + _items(report.focus, "Not yet written down.")
        + "\n### 4. How does the plan connect to the strategy and to the manager’s plan?\n\n"
        + _connection(pages, report)
    )


def _connection(pages: Pages, report: Role) -> str:
    manager = report.reports_to or ""
    linked = sum(1 for o in report.outcomes if any(r.target.startswith(f"{manager}#") for r in o.supports))
    total = len(report.outcomes)
    chain = [pages.role_link(r, holder=True).md() for r in (report.id, *pages.ix.chain(report.id))]
    goals = pages.ix.goals_served(report.id)
    served = _and([Link(pages.goal_title(g), urls.goal_page(g)).md() for g in goals])
    lines = [
        f"- {linked} of {total} outcome{'s' if total != 1 else ''} support an outcome of the manager’s plan.",
        f"- Line of sight: {' → '.join(chain)}.",
        f"- Goals served: {served}." if goals else "- Goals served: *none yet*.",
    ]
    return "\n".join(lines) + "\n"


def _outcomes(pages: Pages, report: Role) -> str:
    """Each outcome beside the manager's outcome it supports and what it serves through the chain."""
    if not report.outcomes:
        return "## Outcomes and what they serve\n\n*No outcomes written down yet.*\n"
    lines = ["## Outcomes and what they serve\n"]
    for o in report.outcomes:
        facts = [f"{label}: {md_text(v)}" for label, v in (("measure", o.measure), ("target", o.target)) if v]
        if o.due:
            facts.append(f"due {o.due.isoformat()}")
        extra = f" ({'; '.join(facts)})" if facts else ""
        lines.append(f"- **{md_text(short_title(o.title))}**{extra}")
        supports = [pages.ref_link(r.target).md() for r in o.supports]
        lines.append(f"    - Supports: {_and(supports) if supports else '*nothing yet*'}")
        served = [md_html(s) for s in serves(pages, o.key)]
        lines.append(f"    - Serves: {'; '.join(served) if served else '*no goal or milestone yet*'}")
    return "\n".join(lines) + "\n"


def _chain(pages: Pages, report: Role) -> str:
    """The chain diagram (a placeholder the adapter swaps for the SVG), where diagrams are drawn."""
    diagram = pages.diagrams.get(f"chain/{report.id}")
    if not diagram:
        return ""
    return f'<div class="vap-diagram vap-sheet-chain" data-search-exclude markdown="0">\n{diagram}\n</div>\n'


def above_section(pages: Pages, report: Role, manager: Role) -> str:
    """What changed in the manager's outcomes since the report last confirmed: from the repository's
    history and from the last published cycle; the outcomes the report supports first."""
    prefix = f"{manager.id}#"
    supported = {
        r.target[len(prefix) :] for o in report.outcomes for r in o.supports if r.target.startswith(prefix)
    }
    after = report.confirmed_on  # None where unconfirmed or hidden: the whole cycle
    since = after.isoformat() if after else f"the cycle began ({pages.plans.portal.cycle_start.isoformat()})"
    lines = ["## What changed above since the report last confirmed\n"]
    source = pages.history_source
    if source is not None and source.available and not outcome_words(pages.view):
        lines.append("*This edition does not show earlier wordings of plans.*\n")
    elif source is not None and source.available:
        mine, others = changes_above(pages.history, manager.id, supported, after)
        groups = (("Outcomes this plan supports", mine), ("The manager’s other outcomes", others))
        for heading, events in groups:
            if events:
                head = f"{heading}, from the planning repository’s history:\n"
                lines += [head, *history_markdown(tuple(events)), ""]
    previous = _previous_items(pages, manager.id, supported)
    if previous:
        lines += previous
    if len(lines) == 1:
        if (source is None or not source.available) and pages.previous is None:
            why = source.reason if source is not None and source.reason else "no history was read"
            none = f"*No earlier version of the manager’s plan to compare with: {md_text(why)}.*"
            return lines[0] + "\n" + none + "\n"
        lines.append(f"Nothing changed in the manager’s plan since {since}.")  # dates: nothing to escape
    return "\n".join(lines).rstrip("\n") + "\n"


def _previous_items(pages: Pages, manager_id: str, supported: set[str]) -> list[str]:
    """The manager's outcomes changed since the last published cycle (old and new wording)."""
    changes = pages.previous
    plan = changes.plans.get(manager_id) if changes is not None else None
    if changes is None or plan is None:
        return []
    items = [(o.id, f"outcome added: “{md_text(o.title)}”") for o in plan.added]
    items += [(o.id, f"outcome removed: “{md_text(o.title)}”") for o in plan.removed]
    items += [(c.new.id, f"“{md_text(c.new.title)}”: {'; '.join(c.details)}") for c in plan.changed]
    if not items:
        return []
    ordered = sorted(items, key=lambda i: (i[0] not in supported, i[0]))
    head = f"Since the published cycle {md_text(changes.previous.cycle)}:\n"
    other = " (not one this plan supports)"
    return [head, *(f"- {text}{'' if oid in supported else other}" for oid, text in ordered), ""]


def _talking_points(pages: Pages, report: Role) -> str:
    """The drift findings on this plan, each said as something to talk about; the rule name last."""
    findings = pages.findings_by_role.get(report.id, ())
    if not findings:
        return "## Talking points\n\n*No drift found on this plan.*\n"
    lines = ["## Talking points\n"]
    for f in findings:
        lines.append(f"- {md_html(sentence(pages, f))} *({md_text(f.rule)})*")
    return "\n".join(lines) + "\n"


def _resources(pages: Pages, report: Role) -> str:
    """Resources and trade-offs, where this edition shows them."""
    out = []
    if not pages.view.is_hidden("resources") and report.resources:
        res = report.resources
        body = (
            "\n".join(f"- {md_text(k)}: {md_text(v)}" for k, v in res.items()) + "\n"
            if not isinstance(res, str)
            else md_block(res) + "\n"
        )
        out.append("### Resources\n\n" + body)
    if not pages.view.is_hidden("trade_offs") and report.trade_offs:
        out.append("### Trade-offs\n\n" + _items(report.trade_offs, ""))
    return "## Resources and trade-offs\n\n" + "\n".join(out) if out else ""


def _record(pages: Pages, report: Role) -> str:
    """The record of conversations and the days since the last one, counted to a stated date."""
    lines = ["## Conversations so far\n"]
    for d in sorted(report.dialogue, key=lambda d: d.date or dt.date.min):
        when = d.date.isoformat() if d.date else "undated"
        with_ = f" with the {pages.role_link(d.with_).md()}" if d.with_ else ""
        lines.append(f"- {when}{with_}: {md_inline(d.note)}")
    last, until = last_talk(report), pages.as_of
    if last is None:
        lines.append("\n*No conversation recorded yet.*")
    elif until is not None:
        days = (until - last).days
        lines.append(
            f"\nLast conversation {last.isoformat()}: {days} day{'s' if days != 1 else ''} before "
            f"{until.isoformat()}, the latest date recorded in any plan."
        )
    return "\n".join(lines) + "\n"


def _agreed() -> str:
    """Room to write on when printed, and the confirmation line."""
    return (
        "## Agreed in this conversation\n\n"
        "Changes agreed to the plan (record them in the plan file afterwards):\n"
        f"{{: .{WRITE_CLASS} }}\n\n"
        "Plan confirmed on (date), by the manager and the report:\n"
        f"{{: .{SIGN_CLASS} }}\n"
    )


def sheet_text(
    view: View,
    index: Index,
    manager_id: str,
    report_id: str,
    *,
    history: History | None = None,
    previous: Changes | None = None,
) -> str:
    """What `vap conversation` prints: the page's sheet without front matter, links left as text."""
    roles = view.plans.roles
    for role_id in (manager_id, report_id):
        if role_id not in roles:
            raise PortalError(f"no role '{role_id}' in the {view.audience} edition of the plans")
    if roles[report_id].reports_to != manager_id:
        raise PortalError(
            f"'{report_id}' reports to '{roles[report_id].reports_to}', not to '{manager_id}': "
            "a sheet is for a manager and one of their reports"
        )
    if not has_sheet(view, report_id):
        why = (
            "hides the record of conversations"
            if not shows_sheets(view)
            else "shows these plans as placeholders"
        )
        raise PortalError(f"the {view.audience} edition {why}: it has no conversation sheets")
    text = sheet_markdown(Pages(view, index, history=history, previous=previous), report_id)
    return plain(text.split("---\n\n", 1)[1])
