"""The one date a built site carries (each page's update date, the sitemap), fixed by the plans.

MkDocs stamps pages and the sitemap with the day of the build, so two builds of the same plans on
different days differ. The site's date is instead `SOURCE_DATE_EPOCH` when the caller sets it (the
reproducible-builds convention), otherwise the latest date the edition shows: the cycle start, a
plan's `confirmed_on` or a dialogue date, whichever is latest. Only the audience's view is read, so
a hidden dialogue date never surfaces in the sitemap. The environment is read, never written.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping

from site_builder.domain.model import PlanSet
from site_builder.errors import BuildError

SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"


def plans_date(plans: PlanSet) -> dt.date:
    """The latest of cycle_start, every confirmed_on and every dialogue date in these plans."""
    latest = plans.portal.cycle_start
    for role in plans.roles.values():
        if role.confirmed_on is not None and role.confirmed_on > latest:
            latest = role.confirmed_on
        for entry in role.dialogue:
            if entry.date is not None and entry.date > latest:
                latest = entry.date
    return latest


def site_date(plans: PlanSet, environ: Mapping[str, str] | None = None) -> dt.date:
    """`SOURCE_DATE_EPOCH` (UTC day) when set, else `plans_date`; a malformed value is an error."""
    env = os.environ if environ is None else environ
    raw = env.get(SOURCE_DATE_EPOCH, "").strip()
    if not raw:
        return plans_date(plans)
    try:
        return dt.datetime.fromtimestamp(int(raw), dt.UTC).date()
    except (ValueError, OverflowError, OSError) as exc:
        raise BuildError(
            f"{SOURCE_DATE_EPOCH}={raw!r} is not a number of seconds since 1970-01-01: "
            "set it to an integer (e.g. `git log -1 --format=%ct`) or unset it"
        ) from exc


__all__ = ["SOURCE_DATE_EPOCH", "plans_date", "site_date"]
