"""Every warning rule: one fixture where it fires (the exact finding) and a near miss where it must not.

Each fixture is the small organisation (tests/fixtures/small/plans) copied into tmp_path and
edited as YAML text, so a test shows the one change that makes a rule fire. The small
organisation itself has exactly two warnings (two unconfirmed plans) and no errors:

    chief (level 4, Executive, confirmed 2027-01-05)   outcomes booking -> G1-M1, retention -> G2-M1
      head-ops (level 3, Operations, confirmed 2027-01-10)   clinics-live -> chief#booking
        booking-lead (level 2, draft, department inherited)  desk-trained -> head-ops#clinics-live
      head-care (level 3, Care, discussed)                   reminders -> chief#retention

    cycle_end 2027-06-30; G1-M1 due 2027-03-31; G2-M1 due 2027-06-30
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_builder.checking.check import CheckResult, format_text, run_checks
from site_builder.checking.rules import RULES, WARNING_RULES

SMALL = Path(__file__).resolve().parents[2] / "fixtures" / "small" / "plans"

CHIEF = "roles/chief.yaml"
HEAD_OPS = "roles/ops/head-ops.yaml"
BOOKING_LEAD = "roles/ops/booking-lead.yaml"
HEAD_CARE = "roles/care/head-care.yaml"
STRATEGY = "strategy.yaml"


# --- helpers -------------------------------------------------------------------------------


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    """A writable copy of the small organisation; returns its plans/ folder."""
    dest = tmp_path / "org" / "plans"
    shutil.copytree(SMALL, dest)
    return dest


def edit(plans: Path, rel: str, old: str, new: str) -> None:
    """Replace `old` (which must occur exactly once, so the edit cannot silently miss) by `new`."""
    path = plans / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(plans: Path, rel: str, text: str) -> None:
    path = plans / rel
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def check(plans: Path) -> CheckResult:
    """Run every check; warnings are only meaningful on plans without errors."""
    result = run_checks(plans)
    assert not result.errors, format_text(result.errors, result.files)
    return result


def found(plans: Path, rule: str) -> list[dict[str, object]]:
    """The findings of one rule, as `check --format json` prints them (with the hint)."""
    return [f.to_json() for f in check(plans).findings if f.rule == rule]


# The small organisation's outcome titles: findings carry the title beside the id.
TITLES = {
    ("chief", "booking"): "Online booking live across the network",
    ("chief", "retention"): "Patients return for follow-up care",
    ("head-ops", "clinics-live"): "Every clinic takes online bookings",
    ("booking-lead", "desk-trained"): "Booking desk trained on the online system",
    ("head-care", "reminders"): "Every patient gets a reminder before follow-up",
}


def warning(
    rule: str,
    where: str,
    role: str | None,
    outcome: str | None,
    message: str,
    hint: str,
    *,
    title: str | None = None,
) -> dict[str, object]:
    """The expected finding; `where` is `REL:LINE:COLUMN` inside plans/; `title` for an added outcome."""
    rel, line, column = where.rsplit(":", 2)
    return {
        "severity": "warning",
        "rule": rule,
        "file": f"plans/{rel}",
        "line": int(line),
        "column": int(column),
        "role": role,
        "outcome": outcome,
        "outcome_title": title or (TITLES[(role, outcome)] if role and outcome else None),
        "message": message,
        "hint": hint,
    }


# An extra outcome for head-ops, inserted before its `dialogue:` (line 22), so `- id:` is on line 22.
def add_head_ops_outcome(plans: Path, outcome_id: str, title: str, supports: str = "chief#booking") -> None:
    edit(
        plans,
        HEAD_OPS,
        "dialogue:\n",
        f"  - id: {outcome_id}\n"
        f"    title: {title}\n"
        "    measure: Clinics ready\n"
        "    target: 14 of 14\n"
        "    due: 2027-03-15\n"
        "    supports:\n"
        f"      - {supports}\n"
        "dialogue:\n",
    )


def test_the_small_organisation_has_only_its_two_unconfirmed_plans(plans: Path) -> None:
    """The baseline every near miss below relies on: no errors, no warning but unconfirmed-plan."""
    result = check(plans)
    assert [(f.rule, f.role) for f in result.findings] == [
        ("unconfirmed-plan", "head-care"),
        ("unconfirmed-plan", "booking-lead"),
    ]


def test_every_warning_rule_of_the_contract_is_registered_and_tested_here() -> None:
    """PLAN_FORMAT.md's Warnings table; a new rule must come with fire and near-miss tests in this file."""
    assert [r.name for r in RULES] == [
        "bypasses-manager",
        "unsupported-outcome",
        "uncovered-strategy",
        "activity-not-result",
        "due-after-cycle",
        "due-before-cycle",
        "due-after-milestone",
        "duplicate-effort",
        "unconfirmed-plan",
        "suspect-confirmation",
        "level-compression",
        "level-gap",
        "diffused-focus",
        "incomplete-plan",
        # additions to the contract, tested in test_drift_rules.py
        "due-after-parent",
        "conflicting-outcomes",
        "pass-through-outcome",
        "manager-does-reports-work",
        "fragile-coverage",
        "no-recent-dialogue",
        "missing-trade-offs",
        "suspect-link",
    ]
    assert {r.name for r in RULES} == WARNING_RULES


# --- bypasses-manager ------------------------------------------------------------------------

BYPASS_HINT = (
    "link it to one of head-ops's outcomes ('head-ops#clinics-live' (Every clinic takes online bookings)) "
    "or agree a new one with them"
)


@pytest.mark.parametrize("ref", ["chief#booking", "G1-M1"], ids=["skip-level-outcome", "strategy-only"])
def test_bypasses_manager_fires_on_an_outcome_that_skips_the_managers_plan(plans: Path, ref: str) -> None:
    edit(plans, BOOKING_LEAD, "      - head-ops#clinics-live\n", f"      - {ref}\n")
    assert found(plans, "bypasses-manager") == [
        warning(
            "bypasses-manager",
            f"{BOOKING_LEAD}:10:9",
            "booking-lead",
            "desk-trained",
            'outcome "Booking desk trained on the online system" supports no outcome of the manager\'s plan '
            "('head-ops')",
            BYPASS_HINT,
        )
    ]


def test_bypasses_manager_spares_the_top_role_and_an_outcome_that_also_serves_its_manager(
    plans: Path,
) -> None:
    # chief (the top role) supports only strategy items; booking-lead supports its manager AND more.
    edit(
        plans,
        BOOKING_LEAD,
        "      - head-ops#clinics-live\n",
        "      - head-ops#clinics-live\n      - chief#booking\n      - G1-M1\n",
    )
    result = check(plans)
    chief = result.plans.roles["chief"]
    assert chief.reports_to is None and all(ref.is_strategy for o in chief.outcomes for ref in o.supports)
    assert [f for f in result.findings if f.rule == "bypasses-manager"] == []


# --- unsupported-outcome ---------------------------------------------------------------------


def test_unsupported_outcome_fires_on_a_manager_outcome_no_direct_report_supports(plans: Path) -> None:
    add_head_ops_outcome(plans, "desks-staffed", "Every clinic has a staffed booking desk")
    assert found(plans, "unsupported-outcome") == [
        warning(
            "unsupported-outcome",
            f"{HEAD_OPS}:22:9",
            "head-ops",
            "desks-staffed",
            "no direct report's outcome supports "
            'outcome "Every clinic has a staffed booking desk" (a gap below)',
            "agree with a direct report who delivers it, or drop it from the plan",
            title="Every clinic has a staffed booking desk",
        )
    ]


def test_unsupported_outcome_is_not_satisfied_by_a_skip_level_report(plans: Path) -> None:
    # chief#booking is then supported only by booking-lead, who reports to head-ops, not to chief.
    edit(plans, HEAD_OPS, "      - ref: chief#booking\n", "      - ref: G1-M1\n")
    edit(
        plans,
        BOOKING_LEAD,
        "      - head-ops#clinics-live\n",
        "      - head-ops#clinics-live\n      - chief#booking\n",
    )
    assert found(plans, "unsupported-outcome") == [
        warning(
            "unsupported-outcome",
            f"{CHIEF}:13:9",
            "chief",
            "booking",
            "no direct report's outcome supports "
            'outcome "Online booking live across the network" (a gap below)',
            "agree with a direct report who delivers it, or drop it from the plan",
        )
    ]


def test_unsupported_outcome_spares_roles_with_no_reports(plans: Path) -> None:
    # Nobody supports head-care#reminders or booking-lead#desk-trained: neither role has reports.
    result = check(plans)
    assert result.index.reports_of("head-care") == () and result.index.reports_of("booking-lead") == ()
    assert "head-care#reminders" not in result.index.supported_by
    assert "booking-lead#desk-trained" not in result.index.supported_by
    assert [f for f in result.findings if f.rule == "unsupported-outcome"] == []


# --- uncovered-strategy ----------------------------------------------------------------------

NEW_STRATEGY_ITEMS = (
    "      - id: G2-M2\n"
    "        title: Reminders sent by text message\n"
    "        due: 2027-05-31\n"
    "  - id: G3\n"
    "    title: Pay staff fairly\n"
)
UNCOVERED_HINT = "link an outcome of the plan that owns this work to it, or drop it from the strategy"


def test_uncovered_strategy_fires_on_a_milestone_and_a_goal_nothing_supports(plans: Path) -> None:
    append(plans, STRATEGY, NEW_STRATEGY_ITEMS)
    assert found(plans, "uncovered-strategy") == [
        warning(
            "uncovered-strategy",
            f"{STRATEGY}:20:13",
            "chief",
            None,
            "milestone 'G2-M2' (Reminders sent by text message) is supported by no outcome, directly or "
            "through the cascade",
            UNCOVERED_HINT,
        ),
        warning(
            "uncovered-strategy",
            f"{STRATEGY}:23:9",
            "chief",
            None,
            "goal 'G3' (Pay staff fairly) is supported by no outcome, directly or through the cascade",
            UNCOVERED_HINT,
        ),
    ]


def test_uncovered_strategy_counts_support_from_deep_in_the_cascade_and_goals_through_milestones(
    plans: Path,
) -> None:
    # G2-M2 and G3 are supported only by the front-line booking-lead; G1 and G2 only via milestones.
    append(plans, STRATEGY, NEW_STRATEGY_ITEMS)
    edit(
        plans,
        BOOKING_LEAD,
        "      - head-ops#clinics-live\n",
        "      - head-ops#clinics-live\n      - G2-M2\n      - G3\n",
    )
    result = check(plans)
    direct = {ref.target for role in result.plans.roles.values() for o in role.outcomes for ref in o.supports}
    assert {"G1", "G2"}.isdisjoint(direct)
    assert [f for f in result.findings if f.rule == "uncovered-strategy"] == []


# --- activity-not-result ---------------------------------------------------------------------

ACTIVITY_HINT = "say how you will know it is done: a measure, a target and a due date"


@pytest.mark.parametrize(
    ("removed", "missing"),
    [
        (["    measure: Share of follow-ups with a reminder sent\n"], "measure"),
        (["    due: 2027-05-31\n"], "due date"),
        (["    target: 95%\n", "    due: 2027-05-31\n"], "target and no due date"),
        (
            [
                "    measure: Share of follow-ups with a reminder sent\n",
                "    target: 95%\n",
                "    due: 2027-05-31\n",
            ],
            "measure, no target and no due date",
        ),
    ],
    ids=["measure", "due", "target-and-due", "all-three"],
)
def test_activity_not_result_fires_and_names_what_is_missing(
    plans: Path, removed: list[str], missing: str
) -> None:
    for line in removed:
        edit(plans, HEAD_CARE, line, "")
    assert found(plans, "activity-not-result") == [
        warning(
            "activity-not-result",
            f"{HEAD_CARE}:13:9",
            "head-care",
            "reminders",
            f'outcome "Every patient gets a reminder before follow-up" has no {missing}'
            f": it reads as an activity, not a result",
            ACTIVITY_HINT,
        )
    ]


def test_activity_not_result_accepts_a_target_of_zero(plans: Path) -> None:
    """A falsy target is still a target: zero incidents is a result."""
    edit(plans, HEAD_CARE, "    target: 95%\n", "    target: 0\n")
    assert found(plans, "activity-not-result") == []


# --- due-after-cycle -------------------------------------------------------------------------


def test_due_after_cycle_fires_the_day_after_cycle_end(plans: Path) -> None:
    edit(plans, CHIEF, "    due: 2027-06-30\n", "    due: 2027-07-01\n")
    assert found(plans, "due-after-cycle") == [
        warning(
            "due-after-cycle",
            f"{CHIEF}:21:9",
            "chief",
            "retention",
            'outcome "Patients return for follow-up care" is due 2027-07-01'
            ", after the cycle ends (2027-06-30)",
            "bring the date into the cycle, or split off what lands this cycle",
        )
    ]


def test_due_after_cycle_spares_an_outcome_due_exactly_on_cycle_end_and_one_without_a_date(
    plans: Path,
) -> None:
    edit(plans, HEAD_CARE, "    due: 2027-05-31\n", "")
    result = run_checks(plans)
    assert result.plans.roles["chief"].outcomes[1].due == result.plans.portal.cycle_end
    assert [f for f in result.findings if f.rule == "due-after-cycle"] == []


# --- due-before-cycle ------------------------------------------------------------------------


def test_due_before_cycle_fires_the_day_before_cycle_start(plans: Path) -> None:
    edit(plans, CHIEF, "    due: 2027-06-30\n", "    due: 2026-12-31\n")
    assert found(plans, "due-before-cycle") == [
        warning(
            "due-before-cycle",
            f"{CHIEF}:21:9",
            "chief",
            "retention",
            'outcome "Patients return for follow-up care" is due 2026-12-31, before the cycle starts '
            "(2027-01-01)",
            "a result of an earlier cycle: set this cycle's date, or drop it if it is done",
        )
    ]


def test_due_before_cycle_spares_an_outcome_due_exactly_on_cycle_start(plans: Path) -> None:
    edit(plans, CHIEF, "    due: 2027-06-30\n", "    due: 2027-01-01\n")
    result = check(plans)
    assert result.plans.roles["chief"].outcomes[1].due == result.plans.portal.cycle_start
    assert [f for f in result.findings if f.rule == "due-before-cycle"] == []


# --- due-after-milestone ---------------------------------------------------------------------

MILESTONE_HINT = "deliver before the milestone, or agree a later milestone with its owner"


def test_due_after_milestone_fires_on_a_direct_link(plans: Path) -> None:
    edit(plans, CHIEF, "    due: 2027-03-31\n", "    due: 2027-04-01\n")
    assert found(plans, "due-after-milestone") == [
        warning(
            "due-after-milestone",
            f"{CHIEF}:13:9",
            "chief",
            "booking",
            'outcome "Online booking live across the network" is due 2027-04-01, after milestone '
            "'G1-M1' (due 2027-03-31) that it supports",
            MILESTONE_HINT,
        )
    ]


def test_due_after_milestone_fires_through_the_cascade(plans: Path) -> None:
    # booking-lead -> head-ops#clinics-live -> chief#booking -> G1-M1 (due 2027-03-31); the two
    # outcomes in between are on time, so only the front-line outcome is late.
    edit(plans, BOOKING_LEAD, "    due: 2027-02-28\n", "    due: 2027-04-15\n")
    assert found(plans, "due-after-milestone") == [
        warning(
            "due-after-milestone",
            f"{BOOKING_LEAD}:10:9",
            "booking-lead",
            "desk-trained",
            'outcome "Booking desk trained on the online system" is due 2027-04-15'
            ", after milestone 'G1-M1' (due 2027-03-31) "
            "that it supports",
            MILESTONE_HINT,
        )
    ]


def test_due_after_milestone_reports_once_naming_the_earliest_late_milestone(plans: Path) -> None:
    edit(plans, BOOKING_LEAD, "    due: 2027-02-28\n", "    due: 2027-06-30\n")
    edit(
        plans,
        BOOKING_LEAD,
        "      - head-ops#clinics-live\n",
        "      - G2-M1\n      - head-ops#clinics-live\n",
    )
    messages = [f["message"] for f in found(plans, "due-after-milestone")]
    # late for G1-M1 (2027-03-31, via the cascade), on time for G2-M1 (2027-06-30, direct)
    assert messages == [
        'outcome "Booking desk trained on the online system" is due 2027-06-30'
        ", after milestone 'G1-M1' (due 2027-03-31) that it supports"
    ]


def test_due_after_milestone_spares_outcomes_due_on_the_milestone_date_directly_or_through_the_cascade(
    plans: Path,
) -> None:
    # chief#booking is due on G1-M1's date already; booking-lead, two steps down, is moved to it too.
    edit(plans, BOOKING_LEAD, "    due: 2027-02-28\n", "    due: 2027-03-31\n")
    result = check(plans)
    assert result.plans.roles["chief"].outcomes[0].due == result.plans.strategy.items()["G1-M1"].due  # type: ignore[union-attr]
    assert [f for f in result.findings if f.rule == "due-after-milestone"] == []


def test_due_after_milestone_ignores_goals_which_have_no_due_date(plans: Path) -> None:
    edit(plans, HEAD_CARE, "      - ref: chief#retention\n", "      - G2\n      - ref: chief#retention\n")
    edit(plans, HEAD_CARE, "    due: 2027-05-31\n", "    due: 2027-06-30\n")
    assert found(plans, "due-after-milestone") == []


# --- duplicate-effort ------------------------------------------------------------------------


def test_duplicate_effort_fires_on_near_duplicates_in_different_departments(plans: Path) -> None:
    # head-care (Care): "Every patient gets a reminder before follow-up"
    add_head_ops_outcome(plans, "reminder-calls", "Patients get a reminder before every follow-up")
    assert found(plans, "duplicate-effort") == [
        warning(
            "duplicate-effort",
            f"{HEAD_OPS}:22:9",
            "head-ops",
            "reminder-calls",
            'outcome "Patients get a reminder before every follow-up" (Operations) looks like '
            "'head-care#reminders' (Care): "
            '"Patients get a reminder before every follow-up" vs '
            '"Every patient gets a reminder before follow-up"',
            "agree with head-care who owns this result; the other can support it instead",
            title="Patients get a reminder before every follow-up",
        )
    ]


def test_duplicate_effort_spares_the_same_result_within_one_department(plans: Path) -> None:
    # booking-lead has no department of its own: it inherits Operations from head-ops.
    add_head_ops_outcome(plans, "desks-trained", "Booking desk trained on the online system")
    result = check(plans)
    assert result.index.departments["booking-lead"] == result.index.departments["head-ops"] == "Operations"
    assert [f for f in result.findings if f.rule == "duplicate-effort"] == []


# --- unconfirmed-plan ------------------------------------------------------------------------


def test_unconfirmed_plan_fires_on_discussed_and_draft_plans(plans: Path) -> None:
    assert found(plans, "unconfirmed-plan") == [
        warning(
            "unconfirmed-plan",
            f"{HEAD_CARE}:6:1",
            "head-care",
            None,
            "plan is discussed, not confirmed",
            "agree the plan with chief, then set status: confirmed and confirmed_on",
        ),
        warning(
            "unconfirmed-plan",
            f"{BOOKING_LEAD}:5:1",
            "booking-lead",
            None,
            "plan is draft, not confirmed",
            "agree the plan with head-ops, then set status: confirmed and confirmed_on",
        ),
    ]


def test_unconfirmed_plan_spares_a_confirmed_plan(plans: Path) -> None:
    edit(plans, HEAD_CARE, "status: discussed\n", "status: confirmed\nconfirmed_on: 2027-01-06\n")
    assert [f["role"] for f in found(plans, "unconfirmed-plan")] == ["booking-lead"]


# --- suspect-confirmation --------------------------------------------------------------------


def test_suspect_confirmation_fires_on_a_plan_confirmed_the_day_before_its_manager(plans: Path) -> None:
    edit(plans, HEAD_OPS, "confirmed_on: 2027-01-10\n", "confirmed_on: 2027-01-04\n")
    assert found(plans, "suspect-confirmation") == [
        warning(
            "suspect-confirmation",
            f"{HEAD_OPS}:7:1",
            "head-ops",
            None,
            "plan confirmed 2027-01-04, before the manager's plan ('chief') was confirmed on 2027-01-05",
            "review the links against the manager's confirmed plan and confirm again",
        )
    ]


def test_suspect_confirmation_spares_a_plan_confirmed_the_same_day_as_its_manager(plans: Path) -> None:
    edit(plans, HEAD_OPS, "confirmed_on: 2027-01-10\n", "confirmed_on: 2027-01-05\n")
    assert found(plans, "suspect-confirmation") == []


def test_suspect_confirmation_spares_a_discussed_plan_with_an_older_confirmed_on(plans: Path) -> None:
    """Back in discussion, the plan is not confirmed at all: unconfirmed-plan says so, not this rule."""
    edit(plans, HEAD_CARE, "status: discussed\n", "status: discussed\nconfirmed_on: 2027-01-01\n")
    result = check(plans)
    assert [f.rule for f in result.findings if f.role == "head-care"] == ["unconfirmed-plan"]


# --- level-compression and level-gap ---------------------------------------------------------

LEVEL_HINT = "a manager adds value one level of work above their reports; review both roles"


@pytest.mark.parametrize(
    ("level", "message"),
    [
        (3, "reports to 'head-ops' at level 3, but is at level 3 too"),
        (4, "reports to 'head-ops' at level 3, but is at level 4, above its manager"),
    ],
    ids=["same-level", "above-manager"],
)
def test_level_compression_fires_when_a_report_is_not_below_its_manager(
    plans: Path, level: int, message: str
) -> None:
    edit(plans, BOOKING_LEAD, "level: 2\n", f"level: {level}\n")
    assert found(plans, "level-compression") == [
        warning("level-compression", f"{BOOKING_LEAD}:4:1", "booking-lead", None, message, LEVEL_HINT)
    ]


def test_level_rules_spare_one_level_below_and_a_role_without_a_level(plans: Path) -> None:
    edit(plans, HEAD_CARE, "level: 3\n", "")
    result = check(plans)
    assert result.plans.roles["head-ops"].level == result.plans.roles["booking-lead"].level + 1  # type: ignore[operator]
    assert [f for f in result.findings if f.rule in ("level-compression", "level-gap")] == []


def test_level_gap_fires_when_the_manager_is_two_levels_above(plans: Path) -> None:
    edit(plans, HEAD_CARE, "level: 3\n", "level: 2\n")
    assert found(plans, "level-gap") == [
        warning(
            "level-gap",
            f"{HEAD_CARE}:5:1",
            "head-care",
            None,
            "manager 'chief' is at level 4, 2 levels above this role (level 2)",
            "a missing level in between often means work falls through; review the structure",
        )
    ]


# --- diffused-focus --------------------------------------------------------------------------


def focus_items(n: int) -> str:
    return "focus:\n" + "".join(f"  - Focus item {i}\n" for i in range(1, n + 1))


def test_diffused_focus_fires_on_eight_items(plans: Path) -> None:
    edit(plans, HEAD_CARE, "focus:\n  - Redesign the reminder pathway with clinicians\n", focus_items(8))
    assert found(plans, "diffused-focus") == [
        warning(
            "diffused-focus",
            f"{HEAD_CARE}:10:1",
            "head-care",
            None,
            "8 focus items; more than 7 is not a focus",
            "keep the work only this role can do; delegate or drop the rest",
        )
    ]


def test_diffused_focus_spares_exactly_seven_items(plans: Path) -> None:
    edit(plans, HEAD_CARE, "focus:\n  - Redesign the reminder pathway with clinicians\n", focus_items(7))
    result = check(plans)
    assert len(result.plans.roles["head-care"].focus) == 7
    assert [f for f in result.findings if f.rule == "diffused-focus"] == []


# --- incomplete-plan -------------------------------------------------------------------------

BOOKING_LEAD_BODY = """value_add: Keeps the booking desk running while clinics switch over.
accountabilities: [Desk open every weekday]
focus: [Coach the desk on the new system]
outcomes:
  - id: desk-trained
    title: Booking desk trained on the online system
    measure: Staff trained
    target: 100%
    due: 2027-02-28
    supports:
      - head-ops#clinics-live
"""
INCOMPLETE_HINT = "fill these in with your manager before the plan is discussed"


@pytest.mark.parametrize(
    "body",
    ["", 'value_add: ""\naccountabilities: []\nfocus: []\noutcomes: []\n'],
    ids=["absent", "empty"],
)
def test_incomplete_plan_fires_on_a_draft_skeleton_without_schema_errors(plans: Path, body: str) -> None:
    edit(plans, BOOKING_LEAD, BOOKING_LEAD_BODY, body)
    result = run_checks(plans)
    assert result.errors == ()  # a skeleton from an org-chart import is publishable
    assert [f.to_json() for f in result.findings if f.rule == "incomplete-plan"] == [
        warning(
            "incomplete-plan",
            f"{BOOKING_LEAD}:5:1",
            "booking-lead",
            None,
            "draft plan still lacks value_add, accountabilities, focus, outcomes",
            INCOMPLETE_HINT,
        )
    ]


def test_incomplete_plan_names_only_what_is_missing(plans: Path) -> None:
    edit(plans, BOOKING_LEAD, "focus: [Coach the desk on the new system]\n", "")
    assert [f["message"] for f in found(plans, "incomplete-plan")] == ["draft plan still lacks focus"]


@pytest.mark.parametrize(
    ("tail", "where", "message"),
    [
        ("", "1:1", "role 'head-care' is missing required field 'outcomes'"),
        ("outcomes: []\n", "12:11", "'outcomes' in role 'head-care' needs at least one item"),
    ],
    ids=["absent", "empty"],
)
def test_incomplete_plan_is_only_for_drafts_a_discussed_plan_without_outcomes_is_a_schema_error(
    plans: Path, tail: str, where: str, message: str
) -> None:
    text = (plans / HEAD_CARE).read_text(encoding="utf-8")
    (plans / HEAD_CARE).write_text(text[: text.index("outcomes:\n")] + tail, encoding="utf-8")
    result = run_checks(plans)
    assert [(str(f.loc), f.rule, f.role, f.message) for f in result.errors] == [
        (f"plans/{HEAD_CARE}:{where}", "schema", "head-care", message)
    ]
    assert [f for f in result.findings if f.rule == "incomplete-plan"] == []


def test_incomplete_plan_spares_a_complete_draft(plans: Path) -> None:
    result = check(plans)
    assert result.plans.roles["booking-lead"].status == "draft"
    assert [f for f in result.findings if f.rule == "incomplete-plan"] == []
