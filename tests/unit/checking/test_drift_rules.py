"""The drift rules added to the contract: each fires on one edit of the small organisation and
stays silent on the near miss (see test_rules.py for the organisation and the helpers)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from site_builder.checking.check import CheckOptions, apply_policy, run_checks
from site_builder.checking.drift_rules import OFF_BY_DEFAULT
from site_builder.domain.snapshot import from_json
from tests.unit.checking.test_rules import (
    BOOKING_LEAD,
    CHIEF,
    HEAD_CARE,
    HEAD_OPS,
    add_head_ops_outcome,
    append,
    check,
    edit,
    found,
)
from tests.unit.checking.test_rules import plans as small_plans

plans = small_plans  # the fixture: a writable copy of the small organisation

PORTAL = "portal.yaml"


def _rule(plans: Path, rule: str, options: CheckOptions | None = None) -> list[str]:
    if options is None and rule in ("pass-through-outcome", "manager-does-reports-work"):
        options = CheckOptions(enable=frozenset({rule}))  # off by default
    result = run_checks(plans, options)
    assert not result.errors
    return [f.message for f in result.findings if f.rule == rule]


# --- due-after-parent -----------------------------------------------------------------------


def test_due_after_parent_fires_on_an_outcome_due_after_the_managers(plans: Path) -> None:
    edit(plans, HEAD_OPS, "due: 2027-03-15", "due: 2027-04-01")
    assert found(plans, "due-after-parent") == [
        {
            "severity": "warning",
            "rule": "due-after-parent",
            "file": "plans/roles/ops/head-ops.yaml",
            "line": 14,
            "column": 9,
            "role": "head-ops",
            "outcome": "clinics-live",
            "outcome_title": "Every clinic takes online bookings",
            "message": 'outcome "Every clinic takes online bookings" is due 2027-04-01, after the outcome '
            "\"Online booking live across the network\" of 'chief' (due 2027-03-31) that it supports",
            "hint": "deliver before chief's outcome, or agree a later date with them",
        }
    ]


def test_due_after_parent_spares_an_outcome_due_on_the_managers_date(plans: Path) -> None:
    edit(plans, HEAD_OPS, "due: 2027-03-15", "due: 2027-03-31")
    assert found(plans, "due-after-parent") == []


# --- pass-through-outcome -------------------------------------------------------------------


def test_pass_through_outcome_fires_on_a_restated_manager_outcome(plans: Path) -> None:
    add_head_ops_outcome(plans, "booking-again", "Online booking live across the network")
    edit(
        plans,
        HEAD_OPS,
        "    target: 14 of 14\n    due: 2027-03-15\n    supports:\n      - chief",
        '    target: ">= 60%"\n    due: 2027-03-15\n    supports:\n      - chief',
    )
    assert _rule(plans, "pass-through-outcome") == [
        'outcome "Online booking live across the network" restates the outcome "Online booking live '
        "across the network\" of 'chief' with the same target: no value is added at this level"
    ]


def test_pass_through_outcome_spares_the_same_words_with_a_target_of_its_own(plans: Path) -> None:
    add_head_ops_outcome(plans, "booking-again", "Online booking live across the network")
    assert _rule(plans, "pass-through-outcome") == []


# --- manager-does-reports-work --------------------------------------------------------------


def test_manager_does_reports_work_fires_on_a_shared_focus_item(plans: Path) -> None:
    edit(
        plans,
        CHIEF,
        "  - Choose what the network will not do this year",
        "  - Negotiate adoption with the clinic leads",
    )
    assert _rule(plans, "manager-does-reports-work") == [
        'focus item "Negotiate adoption with the clinic leads" duplicates "Negotiate adoption with clinic '
        "leads\" in the plan of direct report 'head-ops'"
    ]


def test_manager_does_reports_work_spares_focus_on_the_same_topic_at_another_level(plans: Path) -> None:
    edit(
        plans,
        CHIEF,
        "  - Choose what the network will not do this year",
        "  - Decide which clinics adopt first",
    )
    assert _rule(plans, "manager-does-reports-work") == []


# --- conflicting-outcomes -------------------------------------------------------------------


def _occupancy(plans: Path, rel: str, outcome_id: str, title: str, target: str) -> None:
    edit(
        plans,
        rel,
        "outcomes:\n",
        f"outcomes:\n  - id: {outcome_id}\n    title: {title}\n"
        "    measure: Occupied beds as % of available beds\n"
        f'    target: "{target}"\n    due: 2027-05-31\n    supports:\n      - chief#retention\n',
    )


def test_conflicting_outcomes_fires_and_names_the_common_manager(plans: Path) -> None:
    _occupancy(plans, HEAD_OPS, "occupancy-up", "Raise bed occupancy to 92%", "92%")
    _occupancy(plans, HEAD_CARE, "occupancy-down", "Reduce bed occupancy to 85%", "85%")
    assert _rule(plans, "conflicting-outcomes") == [
        'outcome "Raise bed occupancy to 92%" (92%) pulls against the outcome "Reduce bed occupancy to 85%" '
        "of 'head-care' (85%) on the same measure; roles 'head-ops' and 'head-care', nearest common "
        "manager 'chief'"
    ]


def test_conflicting_outcomes_spares_the_same_direction(plans: Path) -> None:
    _occupancy(plans, HEAD_OPS, "occupancy-up", "Raise bed occupancy to 92%", "92%")
    _occupancy(plans, HEAD_CARE, "occupancy-also-up", "Increase bed occupancy to 90%", "90%")
    assert _rule(plans, "conflicting-outcomes") == []


# --- off by default: fragile-coverage, missing-trade-offs, no-recent-dialogue ---------------


def test_off_by_default_rules_stay_silent_until_enabled(plans: Path) -> None:
    edit(plans, CHIEF, "trade_offs:\n  - No new clinics this half\n", "")
    for rule in sorted(OFF_BY_DEFAULT):
        assert _rule(plans, rule) == [], rule
    assert _rule(plans, "missing-trade-offs", CheckOptions(enable=frozenset({"missing-trade-offs"}))) == [
        "plan declares resources but no trade-offs"
    ]


def test_missing_trade_offs_is_turned_on_in_portal_yaml_and_spares_a_plan_with_trade_offs(
    plans: Path,
) -> None:
    append(plans, PORTAL, "enable: [missing-trade-offs]\n")
    assert _rule(plans, "missing-trade-offs") == []  # chief declares resources and trade-offs
    edit(plans, CHIEF, "trade_offs:\n  - No new clinics this half\n", "")
    assert _rule(plans, "missing-trade-offs") == ["plan declares resources but no trade-offs"]


def test_fragile_coverage_fires_on_a_milestone_served_only_through_an_unconfirmed_plan(plans: Path) -> None:
    on = CheckOptions(enable=frozenset({"fragile-coverage"}))
    assert _rule(plans, "fragile-coverage", on) == [
        # G1-M1 reaches head-ops (confirmed) and chief, but only the draft booking-lead delivers it
        "'G1-M1' (Online booking in every clinic) is served only through vacant or unconfirmed plans: "
        "booking-lead",
        "'G2-M1' (No-shows halved) is served only through vacant or unconfirmed plans: head-care",
    ]
    edit(plans, HEAD_CARE, "status: discussed", "status: confirmed\nconfirmed_on: 2027-01-12")
    edit(plans, BOOKING_LEAD, "holder: vacant", "holder: Ana Ruiz")  # the post is filled
    edit(plans, BOOKING_LEAD, "status: draft", "status: confirmed\nconfirmed_on: 2027-01-12")
    assert _rule(plans, "fragile-coverage", on) == []


def test_no_recent_dialogue_fires_after_the_window_and_spares_the_day_inside(plans: Path) -> None:
    on = frozenset({"no-recent-dialogue"})
    inside = CheckOptions(as_of=dt.date(2027, 4, 3), enable=on)  # head-ops talked on 2027-01-03: 90 days
    after = CheckOptions(as_of=dt.date(2027, 4, 4), enable=on)
    assert "head-ops" not in {
        f.role for f in run_checks(plans, inside).findings if f.rule == "no-recent-dialogue"
    }
    late = [
        f
        for f in run_checks(plans, after).findings
        if f.rule == "no-recent-dialogue" and f.role == "head-ops"
    ]
    assert [f.message for f in late] == [
        "no conversation with the manager recorded in the 90 days before 2027-04-04"
    ]
    append(plans, PORTAL, "dialogue_days: 120\n")
    assert not [
        f
        for f in run_checks(plans, after).findings
        if f.rule == "no-recent-dialogue" and f.role == "head-ops"
    ]


# --- suspect-link ---------------------------------------------------------------------------


def _previous(plans: Path, published: str) -> CheckOptions:
    """The plans as published: chief's booking outcome as it was, then reworded and retargeted."""
    result = check(plans)
    booking = result.plans.outcome("chief#booking")
    assert booking is not None
    data = {
        "format_version": 1,
        "cycle": "FY2026-H2",
        "published_at": f"{published}T09:00:00Z",
        "roles": [
            {
                "id": "chief",
                "title": "Chief Executive",
                "outcomes": [
                    {
                        "id": "booking",
                        "title": booking.title,
                        "measure": booking.measure,
                        "target": booking.target,
                        "due": booking.due.isoformat() if booking.due else None,
                    }
                ],
            }
        ],
    }
    snap = from_json(json.loads(json.dumps(data)))
    return CheckOptions(previous=snap.plans, published_on=dt.date.fromisoformat(published))


def test_suspect_link_fires_when_the_managers_outcome_changed_after_the_report_confirmed(plans: Path) -> None:
    options = _previous(plans, "2027-01-20")
    edit(plans, CHIEF, 'target: ">= 60%"', 'target: ">= 75%"')
    findings = [f for f in run_checks(plans, options).findings if f.rule == "suspect-link"]
    assert [(f.role, f.outcome, f.message) for f in findings] == [
        (
            "chief",
            "booking",
            'outcome "Online booking live across the network" changed since the last published cycle; '
            "confirmed plans that support it are now suspect: head-ops",
        ),
        (
            "head-ops",
            "clinics-live",
            'outcome "Every clinic takes online bookings" supports the outcome "Online booking live across '
            "the network\" of 'chief', which changed since the last published cycle: "
            'target was ">= 60%", now ">= 75%"',
        ),
    ]
    policy = apply_policy(findings, ["suspect-link"])
    assert {f.severity for f in policy} == {"error"}


def test_suspect_link_spares_a_plan_confirmed_again_after_the_publication(plans: Path) -> None:
    options = _previous(plans, "2027-01-08")  # head-ops confirmed on 2027-01-10, after publishing
    edit(plans, CHIEF, 'target: ">= 60%"', 'target: ">= 75%"')
    assert _rule(plans, "suspect-link", options) == []
    assert _rule(plans, "suspect-link") == []  # no previous cycle, no rule


def test_no_recent_dialogue_judges_by_portal_as_of_unless_as_of_is_given(plans: Path) -> None:
    """A fixed as_of in portal.yaml keeps findings the same on any day; --as-of still wins."""
    append(plans, PORTAL, "enable: [no-recent-dialogue]\nas_of: 2027-04-04\n")

    def late(options: CheckOptions) -> list[str]:
        findings = run_checks(plans, options).findings
        return [f.message for f in findings if f.rule == "no-recent-dialogue" and f.role == "head-ops"]

    expected = "no conversation with the manager recorded in the 90 days before 2027-04-04"
    assert late(CheckOptions()) == [expected]
    assert late(CheckOptions(as_of=dt.date(2027, 4, 3))) == []  # the command line overrides portal.yaml
