"""A plan's history as events: consecutive versions of one plan compared, oldest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from site_builder.checking.check import run_checks
from site_builder.domain.history import Event, plan_events
from tests.conftest import ROOT

D1, D2, D3 = dt.date(2026, 7, 2), dt.date(2026, 7, 9), dt.date(2026, 7, 16)


def test_versions_become_dated_events_and_a_deleted_version_is_skipped() -> None:
    vp = run_checks(ROOT / "plans").plans.roles["vp-operations"]
    first, second, *rest = vp.outcomes
    moved = replace(second, due=dt.date(2027, 1, 31), supports=second.supports[:1])
    draft = replace(vp, status="draft", confirmed_on=None, outcomes=(first, second))
    confirmed = replace(vp, confirmed_on=D2, outcomes=(first, moved, *rest))
    again = replace(
        confirmed, confirmed_on=D3, outcomes=(replace(first, title="Booking first time"), moved, *rest)
    )
    events = plan_events([(D1, draft), (D1, None), (D2, confirmed), (D3, again)], baseline=False)
    refs = ", ".join(r.target for r in second.supports)
    assert events == [
        Event(D1, "vp-operations", "created", new="draft"),
        Event(D2, "vp-operations", "status", old="draft", new="confirmed", confirmed_on="2026-07-09"),
        Event(D2, "vp-operations", "redated", second.id, "2026-12-31", "2027-01-31", title=second.title),
        Event(
            D2, "vp-operations", "relinked", second.id, refs, second.supports[0].target, title=second.title
        ),
        *(Event(D2, "vp-operations", "added", o.id, new=o.title, title=o.title) for o in rest),
        Event(
            D3, "vp-operations", "reconfirmed", old="2026-07-09", new="2026-07-16", confirmed_on="2026-07-16"
        ),
        Event(
            D3,
            "vp-operations",
            "reworded",
            first.id,
            first.title,
            "Booking first time",
            title="Booking first time",
        ),
    ]
    # the first version as the cycle began is the baseline, not an event; removing an outcome is one
    assert plan_events([(D1, confirmed), (D2, replace(confirmed, outcomes=(first,)))], baseline=True) == [
        *(Event(D2, "vp-operations", "removed", o.id, old=o.title, title=o.title) for o in (moved, *rest)),
    ]
