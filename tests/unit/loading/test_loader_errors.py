"""Every error rule of PLAN_FORMAT and a set of hostile inputs: the exact finding, never a traceback.

Each rule has a scenario in tests/fixtures/bad/<case>/plans/: the small organisation
(tests/fixtures/small/plans) with ONE thing broken, runnable as `vap check tests/fixtures/bad/<case>/plans`.
Inputs that are large, binary or depend on the file system (10 MB, Latin-1, BOM, CRLF, symlinks, deep
nesting, an alias bomb) are generated into tmp_path at test time instead, to keep the repository small.

Only errors are compared: the small organisation has two warnings of its own (two unconfirmed plans),
and warning rules are tested in test_rules.py. Findings are compared as `vap check --format json`
prints them, so file, line, column, role, outcome, message and hint are all checked at once.
Columns count characters (code points), not bytes.
"""

from __future__ import annotations

import filecmp
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from site_builder.checking.check import run_checks
from site_builder.checking.rules import ERROR_RULES, WARNING_RULES
from site_builder.cli.main import cli
from site_builder.domain.model import Finding

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
ROOT = FIXTURES.parents[1]
SMALL = FIXTURES / "small" / "plans"
BAD = FIXTURES / "bad"

CHIEF = "roles/chief.yaml"
HEAD_OPS = "roles/ops/head-ops.yaml"
BOOKING_LEAD = "roles/ops/booking-lead.yaml"
HEAD_CARE = "roles/care/head-care.yaml"
STRATEGY = "strategy.yaml"

ROLE_ID_RULE = (
    "may hold only lower-case letters, digits and '-' (at most 63, starting with a letter or digit)"
)
FORBIDDEN_HINT = "write the value out in full; anchors and aliases hide text from reviewers"
TAG_HINT = "remove the tag: plan files hold plain text, lists and mappings only"
NOT_A_MAPPING_HINT = "is this really a plan file? each file holds one mapping of fields"
UTF8_HINT = "save the file as UTF-8 in your editor (Latin-1 and Windows-1252 are not accepted)"
COLON_HINT = "a value containing ': ' must be quoted, e.g. title: \"Goal: faster booking\""
NESTING_HINT = "plan files need at most four levels of nesting"
LINK_HINT = "copy the file into plans/ instead of linking to it"
CYCLE_HINT = (
    "an outcome supports what it serves, never what serves it: remove the link that points back "
    "(a key result supports its objective, not the other way round)"
)


# --- helpers -------------------------------------------------------------------------------


def err(
    where: str,
    rule: str,
    message: str,
    *,
    role: str | None = None,
    outcome: str | None = None,
    hint: str | None = None,
    title: str | None = None,
) -> dict[str, object]:
    """The expected error; `where` is `REL:LINE:COLUMN` inside plans/; `title` is the outcome's title."""
    rel, line, column = where.rsplit(":", 2)
    return {
        "severity": "error",
        "rule": rule,
        "file": f"plans/{rel}",
        "line": int(line),
        "column": int(column),
        "role": role,
        "outcome": outcome,
        "outcome_title": title,
        "message": message,
        "hint": hint,
    }


def errors(plans: Path) -> list[dict[str, object]]:
    """The errors of a full check, as `vap check --format json` prints them."""
    return [f.to_json() for f in run_checks(plans).errors]


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    """A writable copy of the small organisation; returns its plans/ folder."""
    dest = tmp_path / "org" / "plans"
    shutil.copytree(SMALL, dest)
    return dest


def write(plans: Path, rel: str, data: str | bytes) -> None:
    """Write a file's exact bytes (str is written as UTF-8 with '\\n' line ends)."""
    path = plans / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def edit(plans: Path, rel: str, old: str, new: str) -> None:
    """Replace `old` (which must occur exactly once, so the edit cannot silently miss) by `new`."""
    text = (plans / rel).read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
    write(plans, rel, text.replace(old, new))


def small(rel: str) -> str:
    return (SMALL / rel).read_text(encoding="utf-8")


def check_cli(plans: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", str(plans), *args])
    return result.exit_code, result.output


# --- one scenario per error rule (tests/fixtures/bad) ----------------------------------------

EXPECTED: dict[str, list[dict[str, object]]] = {
    "yaml-syntax-colon": [
        err(
            f"{HEAD_OPS}:1:18",
            "yaml-syntax",
            "YAML syntax error: mapping values are not allowed in this context",
            hint=COLON_HINT,
        ),
    ],
    "yaml-syntax-tab": [
        err(
            f"{HEAD_OPS}:15:3",
            "yaml-syntax",
            "tab character in indentation",
            hint="YAML indents with spaces only: replace the tab with spaces",
        ),
    ],
    "duplicate-key": [
        err(
            f"{HEAD_CARE}:6:1",
            "duplicate-key",
            "key 'level' appears twice in this mapping (first at line 5)",
            hint="merge the two entries: YAML would otherwise keep only the last one",
        ),
    ],
    "forbidden-tag": [
        err(f"{HEAD_CARE}:1:8", "forbidden-yaml", "YAML tag '!secret' is not allowed", hint=TAG_HINT),
    ],
    "forbidden-anchor-alias": [
        err(f"{CHIEF}:27:14", "forbidden-yaml", "YAML anchor '&cuts' is not allowed", hint=FORBIDDEN_HINT),
        err(f"{CHIEF}:32:13", "forbidden-yaml", "YAML alias '*cuts' is not allowed", hint=FORBIDDEN_HINT),
    ],
    "forbidden-python-tag": [
        err(
            f"{BOOKING_LEAD}:1:1",
            "forbidden-yaml",
            "YAML tag '!!python/object/apply:os.system' is not allowed",
            hint=TAG_HINT,
        ),
        err(
            f"{BOOKING_LEAD}:1:1",
            "schema",
            "file holds a list; a role's plan is expected (fields such as 'title: ...')",
            hint=NOT_A_MAPPING_HINT,
        ),
    ],
    "schema-missing-field": [
        err(
            f"{HEAD_OPS}:1:1", "schema", "role 'head-ops' is missing required field 'title'", role="head-ops"
        ),
    ],
    "schema-wrong-type": [
        err(
            f"{HEAD_OPS}:9:19",
            "schema",
            "'accountabilities' in role 'head-ops' must be a list ('- item' lines), not text",
            role="head-ops",
        ),
    ],
    "schema-level-not-integer": [
        err(
            f"{HEAD_CARE}:5:8",
            "schema",
            "'level' in role 'head-care' must be a whole number, got 'three'",
            role="head-care",
        ),
    ],
    "schema-invalid-date": [
        err(
            f"{BOOKING_LEAD}:14:10",
            "schema",
            "'due' in outcome 'desk-trained' is not a calendar date: '2027-02-30'",
            role="booking-lead",
            hint="check the day and month (e.g. February has 28 or 29 days)",
        ),
    ],
    "schema-status": [
        err(
            f"{HEAD_CARE}:6:9",
            "schema",
            "'status' in role 'head-care' must be one of draft, discussed, confirmed; got 'finished'",
            role="head-care",
            hint="write one of: draft, discussed, confirmed",
        ),
    ],
    "schema-status-yes": [
        err(
            f"{HEAD_CARE}:6:9",
            "schema",
            "'status' in role 'head-care' must be one of draft, discussed, confirmed; got 'yes'",
            role="head-care",
            hint="write one of: draft, discussed, confirmed (yes/no are not statuses)",
        ),
    ],
    "schema-status-no": [
        err(
            f"{HEAD_CARE}:6:9",
            "schema",
            "'status' in role 'head-care' must be one of draft, discussed, confirmed; got 'NO'",
            role="head-care",
            hint="write one of: draft, discussed, confirmed (yes/no are not statuses)",
        ),
    ],
    "schema-confirmed-without-date": [
        err(
            f"{HEAD_OPS}:6:9",
            "schema",
            "role 'head-ops' is confirmed but has no 'confirmed_on' date",
            role="head-ops",
            hint="add 'confirmed_on: YYYY-MM-DD', the day the plan was agreed",
        ),
    ],
    "schema-unknown-field": [
        err(
            f"{CHIEF}:32:1",
            "schema",
            "unknown field 'trade_off' in role 'chief'",
            role="chief",
            hint="did you mean 'trade_offs'?",
        ),
    ],
    "invalid-id-upper": [
        err(
            f"{HEAD_OPS}:1:5",
            "invalid-id",
            f"role id 'Head-Ops' {ROLE_ID_RULE}",
            hint="for example 'head-ops'",
        ),
    ],
    "invalid-id-dotdot": [
        err(
            f"{HEAD_OPS}:1:5",
            "invalid-id",
            f"role id '../head-ops' {ROLE_ID_RULE}",
            hint="for example 'head-ops'",
        ),
    ],
    "invalid-id-space": [
        err(
            f"{HEAD_OPS}:1:5",
            "invalid-id",
            f"role id 'head ops' {ROLE_ID_RULE}",
            hint="for example 'head-ops'",
        ),
    ],
    "invalid-id-non-ascii": [
        err(
            f"{HEAD_OPS}:1:5",
            "invalid-id",
            f"role id 'héad-ops' {ROLE_ID_RULE}",
            hint="for example 'head-ops'",
        ),
    ],
    "invalid-id-outcome": [
        err(
            f"{HEAD_CARE}:13:9",
            "invalid-id",
            "outcome id 'Reminders' may hold only lower-case letters, digits and '-'",
            role="head-care",
            hint="for example 'reminders'",
        ),
    ],
    "invalid-id-goal": [
        # the goal is dropped with its milestones, so the link to its milestone G2-M1 breaks too
        err(
            f"{CHIEF}:26:16",
            "unknown-reference",
            "outcome \"Patients return for follow-up care\" supports unknown goal or milestone 'G2-M1'; "
            "did you mean 'G1-M1'?",
            role="chief",
            outcome="retention",
            title="Patients return for follow-up care",
        ),
        err(
            f"{STRATEGY}:14:9",
            "invalid-id",
            "id 'G 2' of a goal may hold only letters, digits and '-' (at most 63)",
        ),
    ],
    "duplicate-id-files": [
        err(
            f"{HEAD_OPS}:1:1",
            "duplicate-id",
            "role id 'head-ops' is already defined in plans/roles/care/head-ops.yaml",
            role="head-ops",
            hint="give each role its own id (the file name, or an 'id:' field)",
        ),
    ],
    "duplicate-id-outcomes": [
        err(
            f"{CHIEF}:27:9",
            "duplicate-id",
            "outcome id 'booking' is used twice in this plan (first at line 13)",
            role="chief",
            outcome="booking",
        ),
    ],
    "duplicate-id-role-goal": [
        err(
            "roles/care/g2.yaml:1:1",
            "duplicate-id",
            "role id 'g2' clashes with strategy item 'G2' (ids share one namespace)",
            role="g2",
            hint="rename the role file or give it an 'id:' that differs",
        ),
    ],
    "unknown-reference-reports-to": [
        err(
            f"{BOOKING_LEAD}:3:1",
            "unknown-reference",
            "reports_to names unknown role 'head-op'",
            role="booking-lead",
            hint="did you mean 'head-ops' or 'head-care'?",
        ),
    ],
    "unknown-reference-owner": [
        err(
            f"{STRATEGY}:2:8",
            "unknown-reference",
            "strategy owner 'chef' is not a role",
            hint="did you mean 'chief'?",
        ),
    ],
    "unknown-reference-supports": [
        err(
            f"{HEAD_OPS}:20:14",
            "unknown-reference",
            "outcome \"Every clinic takes online bookings\" supports unknown outcome 'chief#bookings'; "
            "did you mean 'chief#booking'?",
            role="head-ops",
            outcome="clinics-live",
            title="Every clinic takes online bookings",
        ),
    ],
    "unknown-reference-supports-strategy": [
        err(
            f"{CHIEF}:26:16",
            "unknown-reference",
            "outcome \"Patients return for follow-up care\" supports unknown goal or milestone 'G2-M2'; "
            "did you mean 'G2-M1' or 'G1-M1'?",
            role="chief",
            outcome="retention",
            title="Patients return for follow-up care",
        ),
    ],
    "unknown-reference-dialogue": [
        err(
            f"{HEAD_OPS}:24:11",
            "unknown-reference",
            "dialogue entry is 'with' unknown role 'cheif'",
            role="head-ops",
            hint="did you mean 'chief'?",
        ),
    ],
    "reporting-cycle": [
        err(
            f"{BOOKING_LEAD}:3:1",
            "reporting-cycle",
            "reporting cycle: booking-lead -> head-ops -> booking-lead",
            role="booking-lead",
            hint="one of these roles must report to someone outside the cycle",
        ),
    ],
    "support-cycle-self": [
        err(
            f"{HEAD_OPS}:22:9",
            "support-cycle",
            'outcome "Every clinic takes online bookings" supports itself: head-ops#clinics-live '
            f'"Every clinic takes online bookings" (plans/{HEAD_OPS}:22:9) -> head-ops#clinics-live',
            role="head-ops",
            outcome="clinics-live",
            hint=CYCLE_HINT,
            title="Every clinic takes online bookings",
        ),
    ],
    "support-cycle-two-outcomes": [
        err(
            f"{CHIEF}:21:14",
            "support-cycle",
            'outcome "Online booking live across the network" reaches itself through supports: '
            f'chief#booking "Online booking live across the network" (plans/{CHIEF}:21:14) -> '
            f'head-ops#clinics-live "Every clinic takes online bookings" (plans/{HEAD_OPS}:20:14) '
            "-> chief#booking",
            role="chief",
            outcome="booking",
            hint=CYCLE_HINT,
            title="Online booking live across the network",
        ),
    ],
    "top-role-none": [
        err(f"{CHIEF}:2:1", "unknown-reference", "reports_to names unknown role 'board'", role="chief"),
        err(
            f"{STRATEGY}:2:8",
            "top-role",
            "no top role: every role has reports_to",
            hint="remove reports_to from the one role at the top of the organisation",
        ),
    ],
    "top-role-two": [
        err(
            f"{CHIEF}:1:1",
            "top-role",
            "more than one top role: 'chief' and 'booking-lead' have no reports_to",
            role="chief",
            hint="add reports_to to every role but the one at the top",
        ),
    ],
    "orphan-outcome": [
        err(
            f"{HEAD_CARE}:13:9",
            "orphan-outcome",
            'outcome "Every patient gets a reminder before follow-up" supports nothing',
            role="head-care",
            outcome="reminders",
            hint="add 'supports:' with your manager's outcome (ROLE#OUTCOME), an outcome of this plan "
            "that it refines, or a goal id",
            title="Every patient gets a reminder before follow-up",
        ),
    ],
    "empty-file": [
        err(
            f"{BOOKING_LEAD}:1:1",
            "schema",
            "file is empty; a role's plan is expected",
            hint="run 'vap schema' for the fields of each kind of plan file",
        ),
    ],
    "yaml-list": [
        err(
            f"{BOOKING_LEAD}:1:1",
            "schema",
            "file holds a list; a role's plan is expected (fields such as 'title: ...')",
            hint=NOT_A_MAPPING_HINT,
        ),
    ],
    "yaml-scalar": [
        err(
            f"{BOOKING_LEAD}:1:1",
            "schema",
            "file holds text; a role's plan is expected (fields such as 'title: ...')",
            hint=NOT_A_MAPPING_HINT,
        ),
    ],
    "markdown-renamed": [
        err(
            f"{BOOKING_LEAD}:5:10",
            "yaml-syntax",
            "YAML syntax error: mapping values are not allowed in this context",
            hint=COLON_HINT,
        ),
    ],
}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_error_rule_scenario_reports_exactly_its_finding(case: str) -> None:
    assert errors(BAD / case / "plans") == EXPECTED[case]


def test_every_scenario_folder_has_an_expectation_and_every_error_rule_a_scenario() -> None:
    assert sorted(p.name for p in BAD.iterdir() if p.is_dir()) == sorted(EXPECTED)
    covered = {f["rule"] for findings in EXPECTED.values() for f in findings}
    generated_here = {"encoding", "unsafe-path", "file-too-large"}  # binary or file-system inputs, below
    assert covered | generated_here == set(ERROR_RULES)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_each_scenario_breaks_one_file_of_the_small_organisation(case: str) -> None:
    plans = BAD / case / "plans"
    ours = {p.relative_to(plans).as_posix() for p in plans.rglob("*") if p.is_file()}
    theirs = {p.relative_to(SMALL).as_posix() for p in SMALL.rglob("*") if p.is_file()}
    changed = sorted(ours ^ theirs) + sorted(
        rel for rel in ours & theirs if not filecmp.cmp(plans / rel, SMALL / rel, shallow=False)
    )
    assert len(changed) == 1, changed


# --- the command line: exit code 1 and `path:line:col: error[rule] message` -----------------


@pytest.mark.parametrize(
    ("case", "lines"),
    [
        (
            "unknown-reference-supports",
            [
                "plans/roles/ops/head-ops.yaml:20:14: error[unknown-reference] outcome "
                "\"Every clinic takes online bookings\" supports unknown outcome 'chief#bookings'; "
                "did you mean 'chief#booking'?",
            ],
        ),
        (
            "schema-unknown-field",
            [
                "plans/roles/chief.yaml:32:1: error[schema] unknown field 'trade_off' in role 'chief'",
                "  did you mean 'trade_offs'?",
            ],
        ),
        (
            "yaml-syntax-tab",
            [
                "plans/roles/ops/head-ops.yaml:15:3: error[yaml-syntax] tab character in indentation",
                "  YAML indents with spaces only: replace the tab with spaces",
            ],
        ),
        (
            "duplicate-key",
            [
                "plans/roles/care/head-care.yaml:6:1: error[duplicate-key] key 'level' appears twice "
                "in this mapping (first at line 5)",
                "  merge the two entries: YAML would otherwise keep only the last one",
            ],
        ),
        (
            "unknown-reference-reports-to",
            [
                "plans/roles/ops/booking-lead.yaml:3:1: error[unknown-reference] "
                "reports_to names unknown role 'head-op'",
                "  did you mean 'head-ops' or 'head-care'?",
            ],
        ),
    ],
)
def test_check_prints_the_finding_and_exits_1(case: str, lines: list[str]) -> None:
    code, output = check_cli(BAD / case / "plans")
    assert code == 1
    first = output.splitlines().index(lines[0])
    assert output.splitlines()[first : first + len(lines)] == lines
    assert sum(": error[" in line for line in output.splitlines()) == 1
    assert re.fullmatch(r"1 error, \d+ warnings? in 4 plans", output.splitlines()[-1])


def test_the_installed_entry_point_exits_1_on_a_cycle() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "site_builder.cli.main", "check", "tests/fixtures/bad/reporting-cycle/plans"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    assert (
        "plans/roles/ops/booking-lead.yaml:3:1: error[reporting-cycle] "
        "reporting cycle: booking-lead -> head-ops -> booking-lead"
    ) in proc.stdout.splitlines()


def test_json_output_has_the_contract_keys() -> None:
    code, output = check_cli(BAD / "schema-unknown-field" / "plans", "--format", "json")
    assert code == 1
    findings = json.loads(output)
    assert all(
        {"severity", "rule", "file", "line", "column", "role", "outcome", "message"} <= f.keys()
        for f in findings
    )
    assert [f for f in findings if f["severity"] == "error"] == EXPECTED["schema-unknown-field"]
    assert findings[0]["outcome"] is None  # null where it does not apply


# --- hostile inputs generated at test time ---------------------------------------------------


def test_latin1_file_is_an_encoding_error_at_the_first_bad_byte(plans: Path) -> None:
    write(plans, HEAD_CARE, small(HEAD_CARE).encode("latin-1"))  # holder: José Álvarez
    assert errors(plans) == [
        err(
            f"{HEAD_CARE}:2:12",
            "encoding",
            "file is not UTF-8 text (byte 0xe9 cannot be decoded)",
            hint=UTF8_HINT,
        )
    ]


def test_binary_file_is_an_encoding_error(plans: Path) -> None:
    write(plans, BOOKING_LEAD, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert errors(plans) == [
        err(
            f"{BOOKING_LEAD}:1:1",
            "encoding",
            "file is not UTF-8 text (byte 0x89 cannot be decoded)",
            hint=UTF8_HINT,
        )
    ]


def test_nul_byte_in_valid_utf8_is_binary_data(plans: Path) -> None:
    edit(plans, BOOKING_LEAD, "reports_to: head-ops", "reports_to: head-ops\x00")
    assert errors(plans) == [
        err(
            f"{BOOKING_LEAD}:3:1",
            "encoding",
            "file holds binary data (a NUL byte), not text",
            hint="a plan file must be YAML text; was a binary file renamed to .yaml?",
        )
    ]


def test_ten_megabyte_file_is_refused_unread(plans: Path) -> None:
    write(plans, BOOKING_LEAD, small(BOOKING_LEAD) + "# " + "x" * (10 * 1024 * 1024) + "\n")
    assert errors(plans) == [
        err(
            f"{BOOKING_LEAD}:1:1",
            "file-too-large",
            "file is 10.0 MB; a plan file may be at most 1 MB",
            hint="split the plan or remove pasted data; plans hold text, not attachments",
        )
    ]


def test_a_file_of_exactly_one_megabyte_is_read_one_byte_more_is_not(plans: Path) -> None:
    text = small(BOOKING_LEAD)
    padded = text + "#" + "x" * (1024 * 1024 - len(text) - 2) + "\n"
    assert len(padded.encode()) == 1024 * 1024
    write(plans, BOOKING_LEAD, padded)
    assert errors(plans) == []
    write(plans, BOOKING_LEAD, padded + "\n")
    assert [f["rule"] for f in errors(plans)] == ["file-too-large"]


def test_utf8_bom_is_tolerated_and_changes_nothing(plans: Path) -> None:
    before = run_checks(plans).plans.roles
    write(plans, HEAD_CARE, b"\xef\xbb\xbf" + small(HEAD_CARE).encode())
    result = run_checks(plans)
    assert result.errors == ()
    assert result.plans.roles == before  # same text, same positions (the BOM is not a column)


def test_utf8_bom_does_not_shift_positions(plans: Path) -> None:
    write(plans, HEAD_CARE, b"\xef\xbb\xbf" + small(HEAD_CARE).replace("level: 3", "level: three").encode())
    assert errors(plans) == EXPECTED["schema-level-not-integer"]


def test_crlf_line_ends_are_accepted_and_read_as_lf(plans: Path) -> None:
    before = run_checks(plans).plans
    for rel in (CHIEF, HEAD_OPS, STRATEGY, "portal.yaml"):
        write(plans, rel, small(rel).replace("\n", "\r\n"))
    write(
        plans,
        BOOKING_LEAD,
        small(BOOKING_LEAD)
        .replace(
            "value_add: Keeps the booking desk running while clinics switch over.",
            "value_add: |\n  Keeps the booking desk running\n  while clinics switch over.",
        )
        .replace("\n", "\r\n"),
    )
    after = run_checks(plans)
    assert after.errors == ()
    assert (
        after.plans.roles["booking-lead"].value_add
        == "Keeps the booking desk running\nwhile clinics switch over.\n"
    )
    assert after.plans.roles["chief"] == before.roles["chief"]
    assert after.plans.strategy == before.strategy


def test_crlf_line_ends_do_not_shift_positions(plans: Path) -> None:
    write(plans, HEAD_CARE, small(HEAD_CARE).replace("level: 3", "level: three").replace("\n", "\r\n"))
    assert errors(plans) == EXPECTED["schema-level-not-integer"]


DEEP_NESTING = [
    # (what, file text, where the 33rd level opens)
    ("flow-10000", "title: " + "{a: " * 10_000 + "x" + "}" * 10_000 + "\n", "1:132"),
    ("block-sequences-10000", "- " * 10_000 + "x\n", "1:65"),
    ("block-mappings-1000", "".join(" " * i + "a:\n" for i in range(1000)) + " " * 1000 + "b: x\n", "33:33"),
]


@pytest.mark.parametrize(("text", "where"), [d[1:] for d in DEEP_NESTING], ids=[d[0] for d in DEEP_NESTING])
def test_deep_nesting_stops_at_32_levels(plans: Path, text: str, where: str) -> None:
    write(plans, BOOKING_LEAD, text)
    assert len(text.encode()) < 1024 * 1024  # reaches the parser, not the size limit
    assert errors(plans) == [
        err(f"{BOOKING_LEAD}:{where}", "schema", "nesting deeper than 32 levels", hint=NESTING_HINT)
    ]


def alias_bomb() -> str:
    """ "Billion laughs": nine lines, 9**9 strings if the aliases were expanded."""
    lines = ["a: &a [" + ", ".join(['"lol"'] * 9) + "]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_without_expanding_it(plans: Path) -> None:
    write(plans, BOOKING_LEAD, alias_bomb())
    forbidden = [f for f in errors(plans) if f["rule"] == "forbidden-yaml"]
    assert len(forbidden) == 9 + 8 * 9  # one per anchor and per alias as written, none per expansion
    assert forbidden[:3] == [
        err(f"{BOOKING_LEAD}:1:4", "forbidden-yaml", "YAML anchor '&a' is not allowed", hint=FORBIDDEN_HINT),
        err(f"{BOOKING_LEAD}:2:4", "forbidden-yaml", "YAML anchor '&b' is not allowed", hint=FORBIDDEN_HINT),
        err(f"{BOOKING_LEAD}:2:8", "forbidden-yaml", "YAML alias '*a' is not allowed", hint=FORBIDDEN_HINT),
    ]


def test_python_tag_is_refused_and_never_run(plans: Path, tmp_path: Path) -> None:
    canary = tmp_path / "pwned"
    write(
        plans,
        BOOKING_LEAD,
        f"title: !!python/object/apply:os.system ['touch {canary}']\nreports_to: head-ops\nstatus: draft\n",
    )
    assert errors(plans) == [
        err(
            f"{BOOKING_LEAD}:1:8",
            "forbidden-yaml",
            "YAML tag '!!python/object/apply:os.system' is not allowed",
            hint=TAG_HINT,
        ),
        err(
            f"{BOOKING_LEAD}:1:8",
            "schema",
            "'title' in role 'booking-lead' must be text, not a list",
            role="booking-lead",
        ),
    ]
    assert not canary.exists()


@pytest.mark.parametrize(
    ("name", "shown", "hint"),
    [("Booking-Lead", "Booking-Lead", "booking-lead"), ("booking lead", "booking lead", "booking-lead")],
    ids=["upper-case", "space"],
)
def test_role_file_name_that_is_not_an_id(plans: Path, name: str, shown: str, hint: str) -> None:
    (plans / BOOKING_LEAD).rename(plans / f"roles/ops/{name}.yaml")
    assert errors(plans) == [
        err(
            f"roles/ops/{name}.yaml:1:1",
            "invalid-id",
            f"role file name (the role's id) '{shown}' {ROLE_ID_RULE}",
            hint=f"for example '{hint}'",
        )
    ]


def test_id_with_a_trailing_newline_is_not_an_id(plans: Path) -> None:
    # `$` in Python also matches before a final newline; ids are file names and URLs
    write(plans, HEAD_OPS, 'id: "head-ops\\n"\n' + small(HEAD_OPS))
    assert errors(plans) == [
        err(
            f"{HEAD_OPS}:1:5",
            "invalid-id",
            f"role id 'head-ops\n' {ROLE_ID_RULE}",
            hint="for example 'head-ops'",
        )
    ]


def test_control_character_is_reported_where_it_is(plans: Path) -> None:
    edit(plans, HEAD_CARE, "value_add: Makes sure", "value_add: Makes \x1b[1msure")
    assert errors(plans) == [
        err(
            f"{HEAD_CARE}:7:18",
            "yaml-syntax",
            "YAML syntax error: unacceptable character #x001b: control characters are not allowed",
            hint="remove the control character (often pasted from a terminal or a word processor)",
        )
    ]


def test_control_character_after_wide_characters_is_reported_in_characters(plans: Path) -> None:
    edit(plans, HEAD_CARE, "value_add: Makes sure", "value_add: 确保 😀\x07 sure")
    assert [(f["line"], f["column"]) for f in errors(plans)] == [(7, 16)]


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\u2028", "U+2028 (line separator)"),
        ("\u2029", "U+2029 (paragraph separator)"),
        ("\x85", "U+0085 (next line)"),
    ],
)
def test_invisible_yaml_line_breaks_are_errors_not_lost_text(plans: Path, char: str, name: str) -> None:
    # libyaml reads them as line breaks (YAML 1.1): NEL in a value would silently become a space
    edit(plans, HEAD_CARE, "title: Head of Care", f"title: Head of{char} Care")
    assert errors(plans) == [
        err(
            f"{HEAD_CARE}:1:15",
            "yaml-syntax",
            f"invisible line break {name} in the text",
            hint="YAML reads it as a line break that editors do not show: "
            "replace it with a newline or a space",
        )
    ]


def test_discussed_plan_with_an_empty_required_list(plans: Path) -> None:
    text = small(HEAD_CARE)
    write(plans, HEAD_CARE, text[: text.index("outcomes:")] + "outcomes: []\n")
    assert errors(plans) == [
        err(
            f"{HEAD_CARE}:12:11",
            "schema",
            "'outcomes' in role 'head-care' needs at least one item",
            role="head-care",
        )
    ]


def test_blank_required_text_is_missing(plans: Path) -> None:
    edit(plans, HEAD_OPS, "title: Head of Operations", 'title: "  "')
    assert errors(plans) == EXPECTED["schema-missing-field"]


# --- symbolic links -----------------------------------------------------------------------

needs_symlinks = pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")


@needs_symlinks
def test_symlink_to_a_file_outside_plans_is_not_read(plans: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "secret.yaml"
    outside.parent.mkdir()
    outside.write_text(small(BOOKING_LEAD).replace("id: desk-trained", "id: leaked"), encoding="utf-8")
    (plans / "roles/ops/linked.yaml").symlink_to(outside)
    result = run_checks(plans)
    assert [f.to_json() for f in result.errors] == [
        err(
            "roles/ops/linked.yaml:1:1",
            "unsafe-path",
            "symbolic link leads outside plans/; it is not read",
            hint=LINK_HINT,
        )
    ]
    assert "linked" not in result.plans.roles


@needs_symlinks
def test_symlink_to_a_file_inside_plans_is_read(plans: Path) -> None:
    (plans / "_shared").mkdir()
    (plans / HEAD_CARE).rename(plans / "_shared/head-care.yaml")  # `_` folders are not read themselves
    (plans / HEAD_CARE).symlink_to(plans / "_shared/head-care.yaml")
    result = run_checks(plans)
    assert result.errors == ()
    assert result.plans.roles["head-care"].holder == "José Álvarez"


@needs_symlinks
def test_symlink_to_a_folder_outside_plans_is_not_entered(plans: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/role.yaml").write_text(small(BOOKING_LEAD), encoding="utf-8")
    (plans / "roles/linked").symlink_to(tmp_path / "elsewhere")
    assert [(f.rule, str(f.loc)) for f in run_checks(plans).errors] == [("unsafe-path", "plans/roles/linked")]


@needs_symlinks
def test_dangling_symlink_and_symlink_loop_are_findings_not_crashes(plans: Path) -> None:
    (plans / "roles/gone.yaml").symlink_to(plans / "roles/never-written.yaml")
    (plans / "roles/loop-a.yaml").symlink_to(plans / "roles/loop-b.yaml")
    (plans / "roles/loop-b.yaml").symlink_to(plans / "roles/loop-a.yaml")
    nowhere = "symbolic link leads nowhere (its target is missing, or links loop); it is not read"
    assert errors(plans) == [
        err(f"roles/{name}.yaml:1:1", "unsafe-path", nowhere, hint=LINK_HINT)
        for name in ("gone", "loop-a", "loop-b")
    ]


# --- every hostile input ends in findings and exit code 1, never a traceback -------------------


def _symlink_outside(plans: Path) -> None:
    outside = plans.parent.parent / "outside.yaml"
    outside.write_text(small(BOOKING_LEAD), encoding="utf-8")
    (plans / "roles/ops/linked.yaml").symlink_to(outside)


def _symlink_loop(plans: Path) -> None:
    (plans / "roles/loop-a.yaml").symlink_to(plans / "roles/loop-b.yaml")
    (plans / "roles/loop-b.yaml").symlink_to(plans / "roles/loop-a.yaml")


def _replace(rel: str, data: str | bytes) -> Callable[[Path], None]:
    return lambda plans: write(plans, rel, data)


def _edit(rel: str, old: str, new: str) -> Callable[[Path], None]:
    return lambda plans: edit(plans, rel, old, new)


GENERATED: dict[str, Callable[[Path], None]] = {
    "ten-megabytes": _replace(BOOKING_LEAD, "title: x\n# " + "x" * (10 * 1024 * 1024)),
    "binary": _replace(BOOKING_LEAD, bytes(range(256)) * 64),
    "latin-1": _replace(HEAD_CARE, small(HEAD_CARE).encode("latin-1")),
    "bom-with-error": _replace(
        HEAD_CARE, b"\xef\xbb\xbf" + small(HEAD_CARE).replace("level: 3", "level: x").encode()
    ),
    "crlf-with-error": _replace(
        HEAD_CARE, small(HEAD_CARE).replace("level: 3", "level: x").replace("\n", "\r\n")
    ),
    **{f"deep-{what}": _replace(BOOKING_LEAD, text) for what, text, _ in DEEP_NESTING},
    "alias-bomb": _replace(BOOKING_LEAD, alias_bomb()),
    "control-character": _edit(HEAD_CARE, "Makes sure", "Makes\x1b sure"),
    "line-separator": _edit(HEAD_CARE, "Head of Care", "Head of\u2028Care"),
    "id-with-newline": _edit(HEAD_OPS, "title: Head", 'id: "head-ops\\n"\ntitle: Head'),
    "non-ascii-outcome-id": _edit(HEAD_CARE, "id: reminders", "id: rappels-été"),
    "cjk-role-id": _edit(HEAD_OPS, "title: Head", "id: 运营\ntitle: Head"),
    "symlink-outside": _symlink_outside,
    "symlink-loop": _symlink_loop,
}
HOSTILE = sorted([*(f"bad/{case}" for case in EXPECTED), *(f"generated/{name}" for name in GENERATED)])


def hostile_plans(name: str, tmp_path: Path) -> Path:
    kind, _, case = name.partition("/")
    if kind == "bad":
        return BAD / case / "plans"
    if case.startswith("symlink") and sys.platform == "win32":
        pytest.skip("symlinks need privileges on Windows")
    dest = tmp_path / "org" / "plans"
    shutil.copytree(SMALL, dest)
    GENERATED[case](dest)
    return dest


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_input_ends_in_findings_and_exit_code_1(name: str, tmp_path: Path) -> None:
    code, output = check_cli(hostile_plans(name, tmp_path))
    assert "internal error" not in output and "Traceback" not in output, output
    assert code == 1, output
    assert re.fullmatch(r"[1-9]\d* errors?, \d+ warnings? in \d+ plans?", output.splitlines()[-1])


@pytest.mark.parametrize("name", HOSTILE)
def test_every_finding_names_a_file_line_and_column(name: str, tmp_path: Path) -> None:
    findings: tuple[Finding, ...] = run_checks(hostile_plans(name, tmp_path)).findings
    assert findings
    for f in findings:
        assert f.loc.path.startswith("plans/"), f
        assert isinstance(f.loc.line, int) and f.loc.line >= 1, f
        assert isinstance(f.loc.column, int) and f.loc.column >= 1, f


# --- Unicode is text like any other --------------------------------------------------------

UNICODE = {
    "title": "预约团队负责人 · Booking Team Lead",
    "holder": "Zoë Ångström-Nguyễn",
    "value_add": "يحافظ على عمل مكتب الحجز — keeps the desk running.\nשומר על דלפק ההזמנות פתוח 🚀 👩🏽‍⚕️\n",
    "accountability": "デスクは平日毎日開いています",
    "focus": "Coach the desk 🧑‍🏫 on the new system",
    "decomposed": "Cafe\u0301 de\u0301cor stays decomposed",  # no Unicode normalisation
    "outcome": "Booking desk trained — 100 % ✅",
    "measure": "مُدرَّبون / מאומנים",
    "trade_off": "RTL mark \u200f and zero-width joiner \u200d kept",
}


def test_unicode_text_is_accepted_and_kept_exactly(plans: Path) -> None:
    u = UNICODE
    value_add = "".join(f"  {line}\n" for line in u["value_add"].splitlines())
    write(
        plans,
        BOOKING_LEAD,
        (
            f"title: {u['title']}\nholder: {u['holder']}\nreports_to: head-ops\nlevel: 2\nstatus: draft\n"
            f"value_add: |\n{value_add}"
            f"accountabilities: [{u['accountability']}]\n"
            f"focus:\n  - {u['focus']}\n  - '{u['decomposed']}'\n"
            f"outcomes:\n  - id: desk-trained\n    title: {u['outcome']}\n    measure: {u['measure']}\n"
            "    target: 100%\n    due: 2027-02-28\n    supports: [head-ops#clinics-live]\n"
            f'trade_offs:\n  - "{u["trade_off"]}"\n'
        ),
    )
    result = run_checks(plans)
    assert result.errors == ()
    role = result.plans.roles["booking-lead"]
    assert (role.title, role.holder, role.value_add) == (u["title"], u["holder"], u["value_add"])
    assert role.accountabilities == (u["accountability"],)
    assert role.focus == (u["focus"], u["decomposed"])
    assert (role.outcomes[0].title, role.outcomes[0].measure) == (u["outcome"], u["measure"])
    assert role.trade_offs == (u["trade_off"],)


def test_unicode_in_a_message_survives_json_output(plans: Path) -> None:
    edit(plans, HEAD_CARE, "status: discussed", "status: 已确认")
    code, output = check_cli(plans, "--format", "json")
    assert code == 1
    [error] = [f for f in json.loads(output) if f["severity"] == "error"]
    assert error["message"] == (
        "'status' in role 'head-care' must be one of draft, discussed, confirmed; got '已确认'"
    )
    assert "已确认" in output  # not \u escapes


def test_columns_count_characters_not_bytes(plans: Path) -> None:
    edit(plans, HEAD_OPS, "focus:\n  - Negotiate adoption with clinic leads", "focus: [预约, 🚀, {a: 1}]")
    assert errors(plans) == [
        err(
            f"{HEAD_OPS}:11:16",
            "schema",
            "each item of 'focus' in role 'head-ops' must be text, not a mapping",
            role="head-ops",
        )
    ]


# --- the manual documents every rule ---------------------------------------------------------


def test_plan_format_manual_documents_every_rule_with_an_example() -> None:
    manual = (ROOT / "docs" / "manual" / "plan-format.md").read_text(encoding="utf-8")
    assert [rule for rule in sorted({*ERROR_RULES, *WARNING_RULES}) if f"`{rule}`" not in manual] == []
    assert [rule for rule in ERROR_RULES if f"error[{rule}]" not in manual] == []
    assert "# yaml-language-server: $schema=" in manual
    assert "vap schema role > role.schema.json" in manual


def test_the_committed_scenarios_stay_small_and_hold_no_links() -> None:
    """Large, binary and symlink inputs are generated into tmp_path, never committed."""
    committed = [p for p in BAD.rglob("*") if ".cache" not in p.relative_to(BAD).parts]  # caches: gitignored
    assert [p for p in committed if p.is_symlink()] == []
    assert sum(p.stat().st_size for p in committed if p.is_file()) < 200_000


def test_show_sources_is_an_audience_setting_off_by_default(plans: Path) -> None:
    edit(plans, "portal.yaml", "    drafts: include\n", "    drafts: include\n    show_sources: true\n")
    audiences = run_checks(plans).plans.portal.audiences
    assert (audiences["leadership"].show_sources, audiences["all-staff"].show_sources) == (True, False)
    edit(plans, "portal.yaml", "show_sources: true", "show_sources: sometimes")
    (found,) = errors(plans)
    assert (found["rule"], found["file"], found["message"]) == (
        "schema",
        "plans/portal.yaml",
        "'show_sources' in audience 'leadership' must be one of true, false; got 'sometimes'",
    )
    assert isinstance(found["line"], int) and found["line"] > 1
