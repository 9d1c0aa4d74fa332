"""`vap check` as people and tools use it: exact text and JSON output, and the documented exit codes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from site_builder.checking.check import summary_line
from site_builder.checking.rules import WARNING_RULES
from site_builder.cli.main import cli
from site_builder.domain.model import Finding, Loc

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "fixtures" / "small" / "plans"
VAP = Path(sys.executable).parent / "vap"

SMALL_TEXT = """\
plans/roles/care/head-care.yaml:6:1: warning[unconfirmed-plan] plan is discussed, not confirmed
  agree the plan with chief, then set status: confirmed and confirmed_on
plans/roles/ops/booking-lead.yaml:5:1: warning[unconfirmed-plan] plan is draft, not confirmed
  agree the plan with head-ops, then set status: confirmed and confirmed_on
0 errors, 2 warnings in 4 plans
"""
FINDING_KEYS = {"severity", "rule", "file", "line", "column", "role", "outcome", "outcome_title", "message"}
RULE_LIST = ", ".join(sorted(WARNING_RULES))


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    """A writable copy of the small organisation (two unconfirmed-plan warnings, no errors)."""
    dest = tmp_path / "org" / "plans"
    shutil.copytree(SMALL, dest)
    return dest


def vap(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="vap")


def break_a_reference(plans: Path) -> None:
    path = plans / "roles" / "ops" / "booking-lead.yaml"
    text = path.read_text(encoding="utf-8")
    assert "head-ops#clinics-live" in text
    path.write_text(text.replace("head-ops#clinics-live", "head-ops#clinics-lve"), encoding="utf-8")


def set_fail_on(plans: Path, rules: str) -> None:
    with (plans / "portal.yaml").open("a", encoding="utf-8") as portal:
        portal.write(f"fail_on: [{rules}]\n")


# --- text output ------------------------------------------------------------------------------


def test_text_output_is_one_line_per_finding_a_hint_line_and_a_summary(plans: Path) -> None:
    result = vap("check", plans)
    assert (result.exit_code, result.stdout, result.stderr) == (0, SMALL_TEXT, "")


def test_text_output_reports_errors_and_warnings_together_and_exits_1(plans: Path) -> None:
    break_a_reference(plans)
    result = vap("check", plans)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[4:] == [
        "plans/roles/ops/booking-lead.yaml:16:9: error[unknown-reference] outcome "
        '"Booking desk trained on the online system" supports '
        "unknown outcome 'head-ops#clinics-lve'; did you mean 'head-ops#clinics-live'?",
        "plans/roles/ops/head-ops.yaml:14:9: warning[unsupported-outcome] no direct report's outcome "
        'supports outcome "Every clinic takes online bookings" (a gap below)',
        "  agree with a direct report who delivers it, or drop it from the plan",
        "1 error, 3 warnings in 4 plans",
    ]


def test_every_finding_line_has_the_documented_shape() -> None:
    """`path:line:col: severity[rule] message`, each optionally followed by an indented hint line."""
    result = vap("check", ROOT / "plans")
    *body, summary = result.stdout.splitlines()
    finding = re.compile(r"^plans/[\w/.-]+\.yaml:\d+:\d+: (error|warning)\[[a-z-]+\] \S.*$")
    assert [line for line in body if not (finding.match(line) or line.startswith("  "))] == []
    assert sum(bool(finding.match(line)) for line in body) == 21
    assert summary == "0 errors, 21 warnings in 41 plans"


@pytest.mark.parametrize(
    ("errors", "warnings", "files", "expected"),
    [(0, 0, 1, "0 errors, 0 warnings in 1 plan"), (1, 1, 2, "1 error, 1 warning in 2 plans")],
)
def test_summary_line_counts_in_good_english(errors: int, warnings: int, files: int, expected: str) -> None:
    findings = [Finding("error", "schema", "x", Loc("p"))] * errors
    findings += [Finding("warning", "level-gap", "x", Loc("p"))] * warnings
    assert summary_line(findings, files) == expected


# --- JSON output ------------------------------------------------------------------------------


def test_json_output_is_an_array_of_findings_with_the_documented_keys(plans: Path) -> None:
    break_a_reference(plans)
    result = vap("check", plans, "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    assert isinstance(findings, list)
    assert all(f.keys() >= FINDING_KEYS for f in findings)
    assert [{k: f[k] for k in FINDING_KEYS} for f in findings if f["severity"] == "error"] == [
        {
            "severity": "error",
            "rule": "unknown-reference",
            "file": "plans/roles/ops/booking-lead.yaml",
            "line": 16,
            "column": 9,
            "role": "booking-lead",
            "outcome": "desk-trained",
            "outcome_title": "Booking desk trained on the online system",
            "message": 'outcome "Booking desk trained on the online system" supports unknown outcome '
            "'head-ops#clinics-lve'; did you mean 'head-ops#clinics-live'?",
        }
    ]
    assert [(f["rule"], f["role"], f["outcome"]) for f in findings if f["severity"] == "warning"] == [
        ("unconfirmed-plan", "head-care", None),
        ("unconfirmed-plan", "booking-lead", None),
        ("unsupported-outcome", "head-ops", "clinics-live"),
    ]


def test_json_output_uses_null_where_a_field_does_not_apply(plans: Path) -> None:
    (plans / "strategy.yaml").write_text(
        (plans / "strategy.yaml").read_text(encoding="utf-8") + "  - id: G3\n    title: Pay staff fairly\n",
        encoding="utf-8",
    )
    findings = json.loads(vap("check", plans, "--format", "json").stdout)
    assert [f for f in findings if f["rule"] == "uncovered-strategy"] == [
        {
            "severity": "warning",
            "rule": "uncovered-strategy",
            "file": "plans/strategy.yaml",
            "line": 20,
            "column": 9,
            "role": "chief",
            "outcome": None,
            "outcome_title": None,
            "message": "goal 'G3' (Pay staff fairly) is supported by no outcome, directly or through "
            "the cascade",
            "hint": "link an outcome of the plan that owns this work to it, or drop it from the strategy",
        }
    ]


# --- exit codes and the publishing policy -----------------------------------------------------


@pytest.mark.parametrize(
    ("options", "exit_code"),
    [
        ([], 0),
        (["--strict"], 1),
        (["--fail-on", "unconfirmed-plan"], 1),
        (["--fail-on", "level-gap,unconfirmed-plan"], 1),
        (["--fail-on", "level-gap", "--fail-on", "unconfirmed-plan"], 1),
        (["--fail-on", "all"], 1),
        (["--fail-on", "level-gap"], 0),
    ],
    ids=["warnings-only", "strict", "fail-on", "comma-list", "repeated", "all", "fail-on-absent-rule"],
)
def test_exit_code_follows_the_policy(plans: Path, options: list[str], exit_code: int) -> None:
    assert vap("check", plans, *options).exit_code == exit_code


def test_promoted_warnings_are_printed_and_counted_as_errors(plans: Path) -> None:
    result = vap("check", plans, "--fail-on", "unconfirmed-plan")
    assert result.stdout == SMALL_TEXT.replace("warning[", "error[").replace(
        "0 errors, 2 warnings", "2 errors, 0 warnings"
    )


@pytest.mark.parametrize(("rules", "exit_code"), [("unconfirmed-plan", 1), ("level-gap", 0)])
def test_fail_on_in_portal_yaml_is_honoured(plans: Path, rules: str, exit_code: int) -> None:
    set_fail_on(plans, rules)
    assert vap("check", plans).exit_code == exit_code


def test_an_unknown_rule_name_in_portal_yaml_is_a_finding_with_its_line(plans: Path) -> None:
    set_fail_on(plans, "unconfirmed-plans")
    result = vap("check", plans)
    assert result.exit_code == 1
    assert "plans/portal.yaml:" in result.stdout
    assert "error[schema] fail_on names unknown rule 'unconfirmed-plans'" in result.stdout
    assert "  did you mean 'unconfirmed-plan'" in result.stdout
    assert "warning[unconfirmed-plan]" in result.stdout  # the other findings are still reported


def test_an_unknown_rule_name_exits_2_listing_the_rules(plans: Path) -> None:
    result = vap("check", plans, "--fail-on", "unconfirmed-plan,unconfirmed-plans")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: unknown rule 'unconfirmed-plans' in --fail-on/fail_on; warning rules are: "
        f"{RULE_LIST} (or 'all')\n"
    )


def test_a_missing_plans_folder_exits_2_and_says_what_was_expected(tmp_path: Path) -> None:
    result = vap("check", tmp_path / "nowhere")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith(
        f"Error: no planning repository at '{tmp_path / 'nowhere'}': expected a folder holding "
        "portal.yaml, strategy.yaml and roles/"
    )


def test_the_installed_vap_command_gives_the_same_output_and_exit_code(plans: Path) -> None:
    """The console script itself (not only the click group) is wired up."""
    assert VAP.is_file(), f"vap is not installed next to {sys.executable}"
    run = subprocess.run([VAP, "check", plans, "--strict"], capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert run.stdout.endswith("2 errors, 0 warnings in 4 plans\n")


# --- help and documentation -------------------------------------------------------------------


def test_vap_help_documents_the_exit_codes() -> None:
    result = vap("--help")
    assert result.exit_code == 0
    assert "Exit codes: 0 success (warnings alone do not fail), 1 findings that fail" in result.stdout
    assert "2 usage or I/O problem" in result.stdout


def test_vap_check_help_shows_examples_and_the_policy_options() -> None:
    result = vap("check", "--help")
    assert result.exit_code == 0
    example = "Example:\n    vap check plans\n    vap check plans --format json --fail-on unconfirmed-plan\n"
    assert example in result.stdout
    for option in ("--format [text|json]", "--strict", "--fail-on RULE[,RULE...]"):
        assert option in result.stdout


COMMANDS = sorted(cli.commands)
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def test_the_group_has_the_commands_the_docs_describe() -> None:
    assert {"check", "build", "serve"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_text(name: str) -> None:
    command = cli.commands[name]
    assert isinstance(command, click.Command)
    assert (command.help or "").strip(), f"vap {name} has no help text"
    assert command.get_short_help_str().strip(), f"vap --help lists {name} without a summary"


def test_every_command_is_mentioned_in_the_readme_or_docs() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in DOCS if p.is_file())
    assert [name for name in COMMANDS if f"vap {name}" not in text] == []
