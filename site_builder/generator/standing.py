"""Where this cycle's conversations stand: every plan by days since its last recorded conversation,
with status and confirmation date, counted; one page for the organisation and one per department
(static pages, so the list narrows without a server or a script)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from site_builder.domain.model import Portal, Role
from site_builder.generator import urls
from site_builder.generator.alignment import department_slugs
from site_builder.generator.conversation import as_of, last_talk
from site_builder.generator.pages import STATUS_LABEL, Link, Pages, front_matter
from site_builder.generator.safe_md import md_text, meta_text

LISTED = 1000
"""The most plans one list shows (the longest without a conversation): at 3,000 roles the whole
organisation's list was 609 KB, past the 400 KB every page stays under."""


@dataclass(frozen=True, slots=True)
class Counts:
    """The plans of a part of the organisation, counted by where their conversation stands."""

    confirmed: int
    """Confirmed on or after the cycle's start."""
    confirmed_earlier: int
    discussed: int
    draft: int
    no_conversation: int
    """No conversation recorded on or after the cycle's start (any status)."""

    def sentence(self) -> str:
        earlier = f", {self.confirmed_earlier} confirmed before it" if self.confirmed_earlier else ""
        return (
            f"{self.confirmed} confirmed this cycle{earlier}, {self.discussed} discussed, "
            f"{self.draft} draft; {self.no_conversation} with no conversation recorded yet this cycle."
        )


def planning_start(portal: Portal) -> dt.date:
    """Where this cycle's conversations begin: one cycle's length before it starts, since a cycle's
    plans are discussed and confirmed while the previous one runs."""
    return portal.cycle_start - (portal.cycle_end - portal.cycle_start)


def count(roles: Iterable[Role], cycle_start: dt.date) -> Counts:
    """How far the conversations of these plans have gone since `cycle_start` (see planning_start)."""
    tally = {"confirmed": 0, "earlier": 0, "discussed": 0, "draft": 0, "none": 0}
    for role in roles:
        if role.status == "confirmed":
            this_cycle = role.confirmed_on is not None and role.confirmed_on >= cycle_start
            tally["confirmed" if this_cycle else "earlier"] += 1
        else:
            tally[role.status] += 1
        last = last_talk(role)
        if last is None or last < cycle_start:
            tally["none"] += 1
    return Counts(tally["confirmed"], tally["earlier"], tally["discussed"], tally["draft"], tally["none"])


def _order(role: Role) -> tuple[int, str, str]:
    """Longest without a conversation first: never, then the oldest last conversation."""
    last = last_talk(role)
    return (0 if last is None else 1, last.isoformat() if last else "", role.id)


def standing_page(pages: Pages, dept: str | None = None) -> str:
    """The organisation's (or one department's) plans by days since the last conversation."""
    plans = pages.plans
    roles = [r for r in plans.roles.values() if dept is None or pages.ix.departments[r.id] == dept]
    title = "Where this cycle’s conversations stand" + (f": {dept}" if dept else "")
    until = as_of(plans)
    lines = [
        front_matter(title=meta_text(title), description=meta_text(title)),
        f"# {md_text(title)}\n",
        f"{len(roles)} plan{'s' if len(roles) != 1 else ''} in cycle {md_text(plans.portal.cycle)}: "
        + count(roles, planning_start(plans.portal)).sentence()
        + "\n",
        f"This cycle’s conversations are those from {planning_start(plans.portal).isoformat()}, one cycle’s "
        "length before it starts, when its plans are prepared.",
        (
            f"Days are counted to {until.isoformat()}, the latest date recorded in any plan."
            if until
            else "No plan records a date yet."
        )
        + " Plans that never had a conversation come first.\n",
        _departments(pages, dept),
        "| Plan | Department | Status | Confirmed on | Last conversation | Days since |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    ordered = sorted(roles, key=_order)
    for role in ordered[:LISTED]:
        last = last_talk(role)
        days = str((until - last).days) if last and until else "—"
        confirmed = role.confirmed_on.isoformat() if role.confirmed_on else "—"
        lines.append(
            f"| {pages.role_link(role.id, holder=True).md()} | {md_text(pages.ix.departments[role.id])} "
            f"| {STATUS_LABEL[role.status]} | {confirmed} | {last.isoformat() if last else '—'} | {days} |"
        )
    if len(ordered) > LISTED:
        rest = len(ordered) - LISTED
        where = "the department pages list them" if dept is None else "their role pages show them"
        lines.append(
            f"\n{rest} more plans had a conversation more recently than these: {where} "
            f"(this list stops at {LISTED:,} plans to stay light)."
        )
    return "\n".join(lines) + "\n"


def _departments(pages: Pages, dept: str | None) -> str:
    """Links to the same list narrowed to each department (and back to the whole organisation)."""
    slugs = department_slugs(pages.ix.departments.values())
    links = [
        (md_text(d) if d == dept else Link(d, urls.conversations_page(s)).md()) for d, s in slugs.items()
    ]
    whole = (
        "the whole organisation" if dept is None else Link("the whole organisation", urls.CONVERSATIONS).md()
    )
    return f"Narrow to a department: {' · '.join(links)} · or see {whole}.\n"
