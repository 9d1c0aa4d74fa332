"""A plan's history as events: the versions of one plan, oldest first, compared one after the other
(status changes, outcomes added, removed, reworded, retargeted, re-dated). Knows nothing of git."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from site_builder.domain.model import Outcome, Role

OUTCOME_KINDS = frozenset({"added", "removed", "reworded", "remeasured", "retargeted", "redated", "relinked"})
"""Events about outcomes: absent from editions that hide outcomes."""


@dataclass(frozen=True, slots=True, order=True)
class Event:
    """One change to a plan, dated by the commit that made it. Values are plain text, not escaped."""

    day: dt.date
    role: str
    kind: str
    """created | status | reconfirmed | added | removed | reworded | remeasured | retargeted | redated |
    relinked"""
    outcome: str = ""
    """The outcome's id for outcome events, else ''."""
    old: str | None = None
    new: str | None = None
    confirmed_on: str | None = None
    """For `status` and `reconfirmed` events: the plan's `confirmed_on` after the change."""
    title: str = ""
    """For outcome events: the outcome's title after the change (before it, when removed)."""


@dataclass(frozen=True, slots=True)
class History:
    """The history of every plan in the cycle, or why there is none."""

    events: Mapping[str, tuple[Event, ...]] = field(default_factory=dict)
    """Role id -> its events, oldest first (only roles with at least one event)."""
    since: dt.date | None = None
    """The first day the history covers (the cycle's start)."""
    reason: str | None = None
    """Why there is no history (not a git repository, a shallow clone, git missing), else None."""
    commits: int = 0
    """How many commits in the cycle touched a plan (for logs and benchmarks)."""

    @property
    def available(self) -> bool:
        return self.reason is None


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def plan_events(versions: Sequence[tuple[dt.date, Role | None]], *, baseline: bool) -> list[Event]:
    """Events between consecutive readable versions of one plan file, oldest first. `baseline`: the
    first version is the plan as it stood when the cycle began (not itself an event)."""
    out: list[Event] = []
    previous: Role | None = None
    for index, (day, role) in enumerate(versions):
        if role is None:
            continue  # deleted, or unreadable at that commit: the next readable version compares to the last
        if previous is None:
            if index > 0 or not baseline:
                out.append(
                    Event(day, role.id, "created", new=role.status, confirmed_on=_iso(role.confirmed_on))
                )
        else:
            out.extend(_compare(day, previous, role))
        previous = role
    return out


def _compare(day: dt.date, old: Role, new: Role) -> Iterable[Event]:
    confirmed = _iso(new.confirmed_on)
    if old.status != new.status:
        yield Event(day, new.id, "status", old=old.status, new=new.status, confirmed_on=confirmed)
    elif new.status == "confirmed" and old.confirmed_on != new.confirmed_on:
        yield Event(
            day, new.id, "reconfirmed", old=_iso(old.confirmed_on), new=confirmed, confirmed_on=confirmed
        )
    before = {o.id: o for o in old.outcomes}
    after = {o.id: o for o in new.outcomes}
    for o in new.outcomes:
        if o.id not in before:
            yield Event(day, new.id, "added", o.id, new=o.title, title=o.title)
        else:
            yield from _outcome_changes(day, new.id, before[o.id], o)
    for o in old.outcomes:
        if o.id not in after:
            yield Event(day, new.id, "removed", o.id, old=o.title, title=o.title)


def _outcome_changes(day: dt.date, role: str, old: Outcome, new: Outcome) -> Iterable[Event]:
    pairs = (
        ("reworded", old.title, new.title),
        ("remeasured", old.measure, new.measure),
        ("retargeted", old.target, new.target),
        ("redated", _iso(old.due), _iso(new.due)),
        ("relinked", _refs(old), _refs(new)),
    )
    for kind, before, after in pairs:
        if before != after:
            yield Event(day, role, kind, new.id, old=before, new=after, title=new.title)


def _refs(outcome: Outcome) -> str:
    return ", ".join(r.target for r in outcome.supports)


__all__ = ["OUTCOME_KINDS", "Event", "History", "plan_events"]
