"""The example plans/ drift exactly as tests/data/example_drift.yaml says: no more, no fewer warnings."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from site_builder.checking.check import CheckResult, format_text, run_checks
from site_builder.checking.rules import WARNING_RULES
from site_builder.domain.model import Finding

ROOT = Path(__file__).resolve().parents[2]
DRIFT = yaml.safe_load((ROOT / "tests" / "data" / "example_drift.yaml").read_text(encoding="utf-8"))

Key = tuple[str, str | None, str | None, str | None]
"""(rule, role, outcome, detail): detail is the goal or milestone for uncovered-strategy and
fragile-coverage, the other outcome of the pair for duplicate-effort and conflicting-outcomes, None
otherwise."""

_ITEM = re.compile(r"^(?:goal|milestone) '([^']+)'")
_OTHER = re.compile(r" looks like '([^']+)' ")
_FRAGILE = re.compile(r"^'([^']+)' \(")


def expected_key(entry: dict[str, str | None]) -> Key:
    detail = entry.get("goal_or_milestone") or entry.get("other")
    return (str(entry["rule"]), entry["role"], entry["outcome"], detail)


def found_key(finding: Finding) -> Key:
    detail = None
    patterns = {"uncovered-strategy": _ITEM, "duplicate-effort": _OTHER, "fragile-coverage": _FRAGILE}
    if finding.rule in patterns:
        match = patterns[finding.rule].search(finding.message)
        assert match, f"cannot read the item of {finding.rule} from {finding.message!r}"
        detail = match.group(1)
    elif finding.rule == "conflicting-outcomes":
        detail = finding.related
    return (finding.rule, finding.role, finding.outcome, detail)


@pytest.fixture(scope="module")
def result() -> CheckResult:
    return run_checks(ROOT / "plans")


def test_the_drift_list_is_well_formed() -> None:
    assert len(DRIFT) == 21
    assert {e["rule"] for e in DRIFT} <= WARNING_RULES
    assert all(e.get("why") for e in DRIFT), "every deliberate drift says why"
    deliberate = [e["rule"] for e in DRIFT if e["rule"] != "unconfirmed-plan" and not e.get("follows_from")]
    assert len(deliberate) == len(set(deliberate)) == 17, "seventeen deliberate cases, one rule each"
    assert {e["follows_from"] for e in DRIFT if e.get("follows_from")} <= set(deliberate)


def test_the_example_plans_have_no_errors(result: CheckResult) -> None:
    assert result.errors == (), format_text(result.errors, result.files)
    assert result.files == 41


def test_the_example_warnings_are_exactly_the_documented_drift(result: CheckResult) -> None:
    found = Counter(found_key(f) for f in result.warnings)
    expected = Counter(expected_key(e) for e in DRIFT)
    assert sorted(found - expected) == [], "warnings not in example_drift.yaml"
    assert sorted(expected - found) == [], "documented drift that check no longer reports"
    assert found == expected


def test_every_example_warning_points_at_a_line_of_an_existing_file(result: CheckResult) -> None:
    for finding in result.warnings:
        assert finding.loc.path.startswith("plans/"), finding
        assert (ROOT / finding.loc.path).is_file(), finding
        assert finding.loc.line and finding.loc.column, finding
