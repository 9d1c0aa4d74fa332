"""Findings in words for people: one plain sentence each, naming roles by title and holder with links.

`vap check` speaks to publishers in ids and rule names; the site speaks to staff. A rule without a
sentence of its own (a new one) falls back to its check message, which is still true, only terser.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markupsafe import Markup

from site_builder.domain.model import Finding, Milestone, Outcome
from site_builder.domain.titles import short_title
from site_builder.generator import urls
from site_builder.generator.pages import Link, Pages
from site_builder.generator.safe_md import html_inline, html_plain

_QUOTED = re.compile(r"'([^']+)'")
_FIELD_WORDS = {
    "value_add": "a value add",
    "accountabilities": "accountabilities",
    "focus": "focus items",
    "outcomes": "outcomes",
}


class _Say:
    """The pieces a sentence is made of, for one finding on one edition's pages. Of a role's plan
    they read its title, holder, status, confirmed_on, focus, manager and outcomes only: the
    alignment pages' signatures hold those (signatures._linked)."""

    def __init__(self, pages: Pages, finding: Finding) -> None:
        self.pages, self.f = pages, finding
        self.role = pages.plans.roles.get(finding.role or "")
        key = f"{finding.role}#{finding.outcome}"
        self.outcome: Outcome | None = pages.ix.outcomes.get(key) if finding.outcome else None

    def who(self, role_id: str | None) -> Markup:
        return self.pages.role_link(role_id, holder=True).html()

    def oc(self, outcome: Outcome | None = None) -> Markup:
        outcome = outcome or self.outcome
        if outcome is None:
            return Markup("an outcome")
        text = f"“{short_title(outcome.title)}”"  # the full title one click away, on the plan
        return Link(text, urls.role_page(outcome.role), urls.outcome_anchor(outcome.id)).html()

    def manager(self) -> str | None:
        return self.role.reports_to if self.role is not None else None

    def quoted_items(self) -> list[str]:
        """Strategy ids quoted in the message (uncovered-strategy, due-after-milestone)."""
        return [q for q in _QUOTED.findall(self.f.message) if q in self.pages.ix.strategy_items]


def _bypasses(s: _Say) -> str:
    return (
        f"{s.who(s.f.role)}: the outcome {s.oc()} supports no outcome of the manager’s plan "
        f"({s.who(s.manager())}). Link it to one of the manager’s outcomes, or agree a new one with them."
    )


def _unsupported(s: _Say) -> str:
    return (
        f"{s.who(s.f.role)}: no direct report’s outcome supports {s.oc()}, a gap below. Agree who in "
        "the team delivers it, or drop it from the plan."
    )


def _uncovered(s: _Say) -> str:
    items = s.quoted_items()
    if not items:
        return _fallback(s)
    item = s.pages.ref_link(items[0]).html()
    return (
        f"No outcome supports {item}, directly or through the cascade. Link an outcome of the plan that "
        "owns this work to it, or drop it from the strategy."
    )


def _activity(s: _Say) -> str:
    o = s.outcome
    if o is None:
        return _fallback(s)
    missing = [
        name
        for name, value in (("measure", o.measure), ("target", o.target), ("due date", o.due))
        if not value
    ]
    lacks = " or ".join(missing) or "measure"
    return f"{s.who(s.f.role)}: the outcome {s.oc()} has no {lacks}: it reads as an activity, not a result."


def _due_cycle(s: _Say) -> str:
    o, portal = s.outcome, s.pages.plans.portal
    if o is None or o.due is None:
        return _fallback(s)
    start = f"{s.who(s.f.role)}: the outcome {s.oc()} is due {o.due}"
    if o.due > portal.cycle_end:
        return f"{start}, after the cycle ends ({portal.cycle_end})."
    return f"{start}, before the cycle starts ({portal.cycle_start})."


def _due_milestone(s: _Say) -> str:
    o = s.outcome
    milestones = [m for i in s.quoted_items() if isinstance(m := s.pages.ix.strategy_items[i], Milestone)]
    if o is None or not milestones:
        return _fallback(s)
    m = milestones[0]
    return (
        f"{s.who(s.f.role)}: the outcome {s.oc()} is due {o.due}, after milestone "
        f"{s.pages.ref_link(m.id).html()} (due {m.due}) that it serves."
    )


def _duplicate(s: _Say) -> str:
    other = s.pages.ix.outcomes.get(s.f.related or "")
    if other is None:
        return _fallback(s)
    return (
        f"{s.who(s.f.role)}: the outcome {s.oc()} looks like {s.oc(other)} of {s.who(other.role)} in "
        "another department. Agree who owns this result; the other can support it."
    )


def _unconfirmed(s: _Say) -> str:
    status = s.role.status if s.role is not None else "not confirmed"
    with_whom = f" with {s.who(s.manager())}" if s.manager() else ""
    return f"{s.who(s.f.role)}: the plan is {status}, not yet confirmed{with_whom}."


def _suspect(s: _Say) -> str:
    manager = s.pages.plans.roles.get(s.manager() or "")
    if s.role is None or manager is None or s.role.confirmed_on is None:
        return _fallback(s)
    return (
        f"{s.who(s.f.role)}: the plan was confirmed on {s.role.confirmed_on}, before the manager’s plan "
        f"({s.who(manager.id)}) was confirmed on {manager.confirmed_on}. Review its links against the "
        "manager’s plan and confirm it again."
    )


def _level_compression(s: _Say) -> str:
    return (
        f"{s.who(s.f.role)} reports to {s.who(s.manager())} at the same level of work: a manager adds "
        "value one level above their reports."
    )


def _level_gap(s: _Say) -> str:
    return (
        f"{s.who(s.manager())} is more than one level of work above their direct report "
        f"{s.who(s.f.role)}: a level in between may be missing."
    )


def _diffused(s: _Say) -> str:
    count = len(s.role.focus) if s.role is not None else 0
    many = f"{count} focus items" if count else "more than 7 focus items"
    return (
        f"{s.who(s.f.role)}: the plan lists {many}; so many spread the work only this role can do too thin."
    )


def _incomplete(s: _Say) -> str:
    named = s.f.message.split("lacks ", 1)[1] if "lacks " in s.f.message else ""
    fields = [_FIELD_WORDS.get(n.strip(), n.strip().replace("_", " ")) for n in named.split(",") if n.strip()]
    lacks = ", ".join(fields) if fields else "parts of the plan"
    return f"{s.who(s.f.role)}: the draft plan still lacks {html_plain(lacks)}."


def _parent(s: _Say) -> Outcome | None:
    """The manager's outcome this finding's outcome supports (due-after-parent, pass-through)."""
    if s.f.related:
        return s.pages.ix.outcomes.get(s.f.related)
    refs = s.outcome.supports if s.outcome is not None else ()
    parents = [p for r in refs if (p := s.pages.ix.outcomes.get(r.target)) and p.role == s.manager()]
    late = [p for p in parents if p.due and s.outcome and s.outcome.due and s.outcome.due > p.due]
    return next(iter(late or parents), None)


def _due_parent(s: _Say) -> str:
    o, parent = s.outcome, _parent(s)
    if o is None or parent is None:
        return _fallback(s)
    return (
        f"{s.who(s.f.role)}: the outcome {s.oc()} is due {o.due}, after {s.oc(parent)} of "
        f"{s.who(parent.role)} (due {parent.due}) that it serves. Deliver it sooner, or agree a later "
        "date with the manager."
    )


def _pass_through(s: _Say) -> str:
    parent = _parent(s)
    if parent is None:
        return _fallback(s)
    return (
        f"{s.who(s.f.role)}: the outcome {s.oc()} restates {s.oc(parent)} of {s.who(parent.role)} "
        "with the same target, so it adds nothing at this level. Say which part of that result this "
        "role delivers, with a target of its own."
    )


def _conflicting(s: _Say) -> str:
    other = s.pages.ix.outcomes.get(s.f.related or "")
    if s.outcome is None or other is None or s.f.role is None:
        return _fallback(s)
    above = {other.role, *s.pages.ix.chain(other.role)}
    common = next((r for r in (s.f.role, *s.pages.ix.chain(s.f.role)) if r in above), None)
    settle = f"before {s.who(common)} has to settle it" if common else "before leadership has to settle it"
    return (
        f"{s.who(s.f.role)}: the outcome {s.oc()} ({html_plain(s.outcome.target or '')}) pulls against "
        f"{s.oc(other)} of {s.who(other.role)} ({html_plain(other.target or '')}) on the same measure. "
        f"Agree one target together {settle}."
    )


_FOCUS = re.compile(r'^focus item "(.*)" duplicates "(.*)" in the plan of direct report \'([^\']+)\'$')


def _manager_does(s: _Say) -> str:
    match = _FOCUS.match(s.f.message)
    if match is None:
        return _fallback(s)
    return (
        f"{s.who(s.f.role)}: the focus item “{html_plain(match.group(1))}” is also in the plan of direct "
        f"report {s.who(match.group(3))}. Leave that work to the report and keep the work only this "
        "role can do."
    )


def _fragile(s: _Say) -> str:
    items = s.quoted_items()
    if not items or ": " not in s.f.message:
        return _fallback(s)
    roles = [r for r in s.f.message.rsplit(": ", 1)[1].split(", ") if r in s.pages.plans.roles]
    through = ", ".join(str(s.who(r)) for r in roles) or "plans not shown in this edition"
    return (
        f"{s.pages.ref_link(items[0]).html()} is delivered only through plans that are vacant or not yet "
        f"confirmed: {through}. Confirm a plan that delivers it, or fill the post."
    )


_BEFORE = re.compile(r"in the (\d+) days before (\d{4}-\d{2}-\d{2})$")


def _no_dialogue(s: _Say) -> str:
    match = _BEFORE.search(s.f.message)
    if match is None:
        return _fallback(s)
    return (
        f"{s.who(s.f.role)}: no conversation with the manager ({s.who(s.manager())}) is recorded in the "
        f"{match.group(1)} days before {match.group(2)}. Talk the plan through and record it."
    )


def _missing_trade_offs(s: _Say) -> str:
    return (
        f"{s.who(s.f.role)}: the plan asks for resources but names no trade-offs. Say what this role "
        "will not do, or will do later, with what it has."
    )


def _suspect_link(s: _Say) -> str:
    changed = s.f.message.split("changed since the last published cycle", 1)[-1].lstrip(": ;")
    if s.outcome is None or s.f.related is None:  # the manager's own finding: which reports are suspect
        reports = [r for r in changed.split(": ", 1)[-1].split(", ") if r in s.pages.plans.roles]
        if s.outcome is None or not reports:
            return _fallback(s)
        return (
            f"{s.who(s.f.role)}: the outcome {s.oc()} changed since the last published cycle; the confirmed "
            f"plans of {', '.join(str(s.who(r)) for r in reports)} support it and need another conversation."
        )
    parent = _parent(s)
    if parent is None:
        return _fallback(s)
    return (
        f"{s.who(s.f.role)}: the outcome {s.oc()} supports {s.oc(parent)} of {s.who(parent.role)}, which "
        f"changed since the last published cycle ({html_plain(changed)}). This plan needs another "
        "conversation with the manager, then confirming again."
    )


def _fallback(s: _Say) -> str:
    text = html_inline(s.f.message)
    return f"{s.who(s.f.role)}: {text}" if s.f.role else str(text)


SENTENCES: dict[str, Callable[[_Say], str]] = {
    "bypasses-manager": _bypasses,
    "unsupported-outcome": _unsupported,
    "uncovered-strategy": _uncovered,
    "activity-not-result": _activity,
    "due-after-cycle": _due_cycle,
    "due-before-cycle": _due_cycle,
    "due-after-milestone": _due_milestone,
    "duplicate-effort": _duplicate,
    "unconfirmed-plan": _unconfirmed,
    "suspect-confirmation": _suspect,
    "level-compression": _level_compression,
    "level-gap": _level_gap,
    "diffused-focus": _diffused,
    "incomplete-plan": _incomplete,
    "due-after-parent": _due_parent,
    "pass-through-outcome": _pass_through,
    "conflicting-outcomes": _conflicting,
    "manager-does-reports-work": _manager_does,
    "fragile-coverage": _fragile,
    "no-recent-dialogue": _no_dialogue,
    "missing-trade-offs": _missing_trade_offs,
    "suspect-link": _suspect_link,
}


def sentence(pages: Pages, finding: Finding) -> Markup:
    """One finding as a plain sentence (HTML with links; every piece of plan text escaped)."""
    say = SENTENCES.get(finding.rule, _fallback)
    return Markup(say(_Say(pages, finding)))
