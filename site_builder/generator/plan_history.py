"""Each plan's history in words: what one edition may show of it (role pages, HTML) and what changed
in a manager's plan since a report last confirmed (conversation sheets, Markdown). No git here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from markupsafe import Markup

from site_builder.domain.audience import View
from site_builder.domain.history import OUTCOME_KINDS, Event, History
from site_builder.domain.titles import short_title
from site_builder.generator.safe_md import html_plain, md_text

ARROW = "→"
_STATUS = {"draft": "draft", "discussed": "discussed", "confirmed": "confirmed"}


def shown_history(view: View, history: History | None) -> dict[str, tuple[Event, ...]]:
    """Role id -> the events this edition may show: none without dialogue or for placeholders; no
    outcome words where outcomes are hidden or where unconfirmed plans are not shown whole (an
    earlier version was a draft); no confirmation dates where `confirmed_on` is hidden."""
    if history is None or not history.available or view.is_hidden("dialogue"):
        return {}
    outcomes = outcome_words(view)
    dates = not view.is_hidden("confirmed_on")
    out: dict[str, tuple[Event, ...]] = {}
    for role_id, events in history.events.items():
        if role_id not in view.plans.roles or role_id in view.placeholders:
            continue
        kept = tuple(
            e if dates else _undated(e)
            for e in events
            if (outcomes or e.kind not in OUTCOME_KINDS) and (dates or e.kind != "reconfirmed")
        )
        if kept:
            out[role_id] = kept
    return out


def outcome_words(view: View) -> bool:
    """Whether this edition may show outcomes' earlier wording: outcomes shown, and unconfirmed plans
    shown whole (an earlier version of a confirmed plan was a draft)."""
    audience = view.plans.portal.audiences.get(view.audience)
    whole_drafts = view.preview or (audience is not None and audience.drafts == "include")
    return whole_drafts and not view.is_hidden("outcomes")


def _undated(event: Event) -> Event:
    return Event(event.day, event.role, event.kind, event.outcome, event.old, event.new, None, event.title)


def describe(event: Event) -> str:
    """One event as a plain sentence (escaped by the caller for HTML or Markdown)."""
    title = f"“{short_title(event.title)}”"
    on = f" (confirmed on {event.confirmed_on})" if event.confirmed_on else ""
    match event.kind:
        case "created":
            return f"plan written, as {_STATUS.get(event.new or '', event.new)}{on}"
        case "status":
            return f"status {event.old} {ARROW} {event.new}{on}"
        case "reconfirmed":
            return f"confirmed again{on}"
        case "added":
            return f"outcome added: {title}"
        case "removed":
            return f"outcome removed: {title}"
        case "reworded":
            return f"outcome reworded: “{event.old}” {ARROW} “{event.new}”"
    what = {"remeasured": "measure", "retargeted": "target", "redated": "due", "relinked": "supports"}
    return f"outcome {title}: {what.get(event.kind, event.kind)} {_v(event.old)} {ARROW} {_v(event.new)}"


def _v(value: str | None) -> str:
    return value if value else "none"


def history_html(events: tuple[Event, ...], since: dt.date | None) -> Markup:
    """The role page's section: each change with its date, oldest first."""
    if not events:
        return Markup("")
    items = "".join(
        f'<li><span class="vap-nowrap">{e.day.isoformat()}</span>: {html_plain(describe(e))}</li>\n'
        for e in events
    )
    start = f" (since {since.isoformat()})" if since else ""
    return Markup(
        '<div data-search-exclude>\n<h2 id="history-of-this-plan">History of this plan in the cycle</h2>\n'
        f"<p>From the planning repository’s history{start}.</p>\n<ul>\n{items}</ul>\n</div>\n"
    )


def history_markdown(events: tuple[Event, ...]) -> list[str]:
    """The same events as Markdown list items (conversation sheets)."""
    return [f"- {e.day.isoformat()}: {md_text(describe(e))}" for e in events]


def changes_above(
    events: Mapping[str, tuple[Event, ...]], manager: str, supported: set[str], after: dt.date | None
) -> tuple[list[Event], list[Event]]:
    """The manager's outcome events after `after`: (on outcomes the report supports, on the others)."""
    mine = [
        e for e in events.get(manager, ()) if e.kind in OUTCOME_KINDS and (after is None or e.day > after)
    ]
    return [e for e in mine if e.outcome in supported], [e for e in mine if e.outcome not in supported]


__all__ = ["changes_above", "describe", "history_html", "history_markdown", "outcome_words", "shown_history"]
