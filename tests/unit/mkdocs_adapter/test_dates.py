"""The site's one date: SOURCE_DATE_EPOCH when set, else the latest date of the plans (dates.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from site_builder.domain.model import Dialogue, PlanSet
from site_builder.errors import BuildError
from site_builder.loading.loader import load_plans
from site_builder.mkdocs_adapter.dates import plans_date, site_date


def _plans(small_plans: Path) -> PlanSet:
    return load_plans(small_plans).plans


def test_the_plans_date_is_the_latest_confirmation_dialogue_or_cycle_start(small_plans: Path) -> None:
    plans = _plans(small_plans)
    written = [plans.portal.cycle_start]
    for role in plans.roles.values():
        written += [d for d in (role.confirmed_on, *(e.date for e in role.dialogue)) if d is not None]
    assert plans_date(plans) == max(written)
    # a later dialogue entry moves it; the cycle start is the floor
    role_id, role = next(iter(plans.roles.items()))
    later = Dialogue(dt.date(2099, 5, 6), None, "check-in", role.loc)
    roles = {**plans.roles, role_id: dataclasses.replace(role, dialogue=(*role.dialogue, later))}
    assert plans_date(dataclasses.replace(plans, roles=roles)) == dt.date(2099, 5, 6)
    assert plans_date(dataclasses.replace(plans, roles={})) == plans.portal.cycle_start


def test_source_date_epoch_wins_and_is_read_not_written(small_plans: Path) -> None:
    plans = _plans(small_plans)
    env = {"SOURCE_DATE_EPOCH": "1893456000"}
    assert site_date(plans, env) == dt.date(2030, 1, 1)
    assert env == {"SOURCE_DATE_EPOCH": "1893456000"}
    assert site_date(plans, {"SOURCE_DATE_EPOCH": " "}) == plans_date(plans)


def test_a_malformed_source_date_epoch_is_a_clear_error(small_plans: Path) -> None:
    with pytest.raises(BuildError, match=r"SOURCE_DATE_EPOCH='yesterday' is not a number"):
        site_date(_plans(small_plans), {"SOURCE_DATE_EPOCH": "yesterday"})
