"""The JSON Schemas agree with the loader: what the loader accepts validates, what the schema rejects the
loader rejects too.

How the YAML is read for the schema: plan files are validated in editors by yaml-language-server, which
reads YAML 1.2 (core schema): `level: 4` is an integer, `target: 100` a number, `yes` and `NO` are text
and `2027-03-31` is a string (no timestamps). PyYAML's `safe_load` reads YAML 1.1 instead (`yes` ->
True, `2027-02-30` -> a crash), so these tests read files with `Core12Loader` below, which resolves
scalars by the YAML 1.2 core rules and keeps mapping keys as written (`1: Front line` -> key "1", as
a YAML-to-JSON conversion does). The loader itself reads every scalar as its text, so the schema's
text fields accept any scalar; integer fields (`level`, `overview_depth`) are where the two readings
must meet, and they do: the loader accepts only an unquoted whole number, YAML 1.2 reads exactly that
as an integer.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from site_builder.authoring import synth
from site_builder.authoring.schemas import json_schemas
from site_builder.checking.check import run_checks
from site_builder.loading import loader

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
ROOT = FIXTURES.parents[1]
SMALL = FIXTURES / "small" / "plans"

CHIEF = "roles/chief.yaml"
HEAD_OPS = "roles/ops/head-ops.yaml"
BOOKING_LEAD = "roles/ops/booking-lead.yaml"
HEAD_CARE = "roles/care/head-care.yaml"
STRATEGY = "strategy.yaml"
PORTAL = "portal.yaml"


# --- reading YAML as an editor does ----------------------------------------------------------


class Core12Loader(yaml.SafeLoader):
    """YAML 1.2 core schema: null, true/false, integers and floats; everything else is a string."""


Core12Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+.0123456789"),
    ),
):
    Core12Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), _first)


def _int12(constructor: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = constructor.construct_scalar(node)
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)  # YAML 1.1 would read 010 as 8


def _bool12(constructor: yaml.SafeLoader, node: yaml.ScalarNode) -> bool:
    return constructor.construct_scalar(node).lower() == "true"


def _map12(constructor: yaml.SafeLoader, node: yaml.MappingNode) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node)
        out[key] = constructor.construct_object(value_node, deep=True)
    return out


Core12Loader.add_constructor("tag:yaml.org,2002:int", _int12)
Core12Loader.add_constructor("tag:yaml.org,2002:bool", _bool12)
Core12Loader.add_constructor("tag:yaml.org,2002:map", _map12)


def read12(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8-sig"), Loader=Core12Loader)


def test_core12_loader_reads_as_yaml_1_2_does() -> None:
    text = "a: yes\nb: NO\nc: 2027-02-30\nd: 4\ne: 010\nf: true\ng: ~\nh: 0.5M\n1: x\n"
    assert yaml.load(text, Loader=Core12Loader) == {
        "a": "yes",
        "b": "NO",
        "c": "2027-02-30",
        "d": 4,
        "e": 10,
        "f": True,
        "g": None,
        "h": "0.5M",
        "1": "x",
    }


# --- the schemas ---------------------------------------------------------------------------


SCHEMAS = json_schemas()


def validator(kind: str) -> Any:
    cls = jsonschema.Draft202012Validator
    return cls(SCHEMAS[kind], format_checker=cls.FORMAT_CHECKER)


def kind_of(rel: str) -> str:
    """portal.yaml, strategy.yaml or a role file, from the path inside plans/."""
    return {"portal.yaml": "portal", "strategy.yaml": "strategy"}.get(rel, "role")


def schema_errors(plans: Path, rel: str) -> list[str]:
    return [e.message for e in validator(kind_of(rel)).iter_errors(read12(plans / rel))]


def test_schemas_are_valid_draft_2020_12_documents() -> None:
    assert sorted(SCHEMAS) == ["portal", "role", "strategy"]
    for schema in SCHEMAS.values():
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["additionalProperties"] is False


def test_schemas_name_exactly_the_loaders_fields() -> None:
    portal, strategy, role = SCHEMAS["portal"], SCHEMAS["strategy"], SCHEMAS["role"]
    goal = strategy["properties"]["goals"]["items"]
    outcome = role["properties"]["outcomes"]["items"]
    assert list(portal["properties"]) == list(loader.PORTAL_FIELDS)
    assert list(strategy["properties"]) == list(loader.STRATEGY_FIELDS)
    assert list(goal["properties"]) == list(loader.GOAL_FIELDS)
    assert list(goal["properties"]["milestones"]["items"]["properties"]) == list(loader.MILESTONE_FIELDS)
    assert list(role["properties"]) == list(loader.ROLE_FIELDS)
    assert list(outcome["properties"]) == list(loader.OUTCOME_FIELDS)
    assert list(role["properties"]["dialogue"]["items"]["properties"]) == list(loader.DIALOGUE_FIELDS)
    assert role["properties"]["status"]["enum"] == ["draft", "discussed", "confirmed"]
    assert role["$defs"]["role-id"]["anyOf"][0]["pattern"] == loader.ROLE_ID.pattern
    assert strategy["$defs"]["strategy-id"]["anyOf"][0]["pattern"] == loader.STRATEGY_ID.pattern
    assert role["$defs"]["date"]["pattern"] == r"^\d{4}-\d{2}-\d{2}$"


# --- what the loader accepts validates -------------------------------------------------------


def plan_files(plans: Path) -> Iterator[str]:
    """Every file the loader reads, as a path inside plans/ (ignored `.`/`_` names left out)."""
    for path in sorted(plans.rglob("*")):
        rel = path.relative_to(plans)
        if (
            path.suffix in (".yaml", ".yml")
            and path.is_file()
            and not any(part.startswith((".", "_")) for part in rel.parts)
        ):
            yield rel.as_posix()


def valid_orgs(tmp: Path) -> list[Path]:
    """The example plans, every fixture organisation (the broken ones too) and a synthetic one."""
    synth.generate(tmp / "synth", 120, seed=7)
    orgs = [ROOT / "plans", tmp / "synth" / "plans"]
    orgs += sorted(p.parent for p in FIXTURES.glob("**/plans/portal.yaml"))
    return orgs


def test_every_file_the_loader_accepts_validates_against_its_schema(tmp_path: Path) -> None:
    checked: dict[str, int] = {"portal": 0, "strategy": 0, "role": 0}
    failures: list[str] = []
    for plans in valid_orgs(tmp_path):
        result = run_checks(plans)
        files_with_errors = {f.loc.path for f in result.errors}
        for rel in plan_files(plans):
            shown = f"{plans.parent.name}/plans/{rel}"
            if f"plans/{rel}" in files_with_errors:
                continue
            checked[kind_of(rel)] += 1
            failures += [f"{shown}: {message}" for message in schema_errors(plans, rel)]
    assert failures == []
    # not vacuous: the example plans hold 41 roles, the synthetic org 120; every fixture org has a portal
    assert checked["role"] > 250
    assert checked["portal"] >= 40
    assert checked["strategy"] >= 40


def test_a_draft_skeleton_validates_and_the_same_plan_discussed_does_not(tmp_path: Path) -> None:
    plans = org(tmp_path)
    (plans / BOOKING_LEAD).write_text("title: Booking Team Lead\nreports_to: head-ops\nstatus: draft\n")
    assert schema_errors(plans, BOOKING_LEAD) == []
    assert run_checks(plans).errors == ()
    (plans / BOOKING_LEAD).write_text("title: Booking Team Lead\nreports_to: head-ops\nstatus: discussed\n")
    assert schema_errors(plans, BOOKING_LEAD) == [
        f"'{name}' is a required property" for name in ("value_add", "accountabilities", "focus", "outcomes")
    ]
    assert sorted(f.message for f in run_checks(plans).errors) == [
        f"role 'booking-lead' is missing required field '{name}'"
        for name in ("accountabilities", "focus", "outcomes", "value_add")
    ]


# --- what the schema rejects the loader rejects ----------------------------------------------


def org(tmp_path: Path) -> Path:
    dest = tmp_path / "org" / "plans"
    shutil.copytree(SMALL, dest)
    return dest


def edit(plans: Path, rel: str, old: str, new: str) -> None:
    """Replace `old` (which must occur exactly once, so the edit cannot silently miss) by `new`."""
    path = plans / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


HEAD_CARE_OUTCOMES = (SMALL / HEAD_CARE).read_text(encoding="utf-8").split("outcomes:\n", 1)[1]
GOALS = (SMALL / STRATEGY).read_text(encoding="utf-8").split("goals:\n", 1)[1]

INVALID = [
    # (id, file, old, new, the loader's rule, what the schema says)
    (
        "role-missing-title",
        HEAD_OPS,
        "title: Head of Operations\n",
        "",
        "schema",
        "'title' is a required property",
    ),
    (
        "role-blank-title",
        HEAD_OPS,
        "title: Head of Operations",
        'title: "  "',
        "schema",
        "'  ' does not match",
    ),
    ("role-status-yes", HEAD_CARE, "status: discussed", "status: yes", "schema", "'yes' is not one of"),
    ("role-status-NO", HEAD_CARE, "status: discussed", "status: NO", "schema", "'NO' is not one of"),
    (
        "role-status-missing",
        HEAD_CARE,
        "status: discussed\n",
        "",
        "schema",
        "'status' is a required property",
    ),
    (
        "role-confirmed-without-date",
        HEAD_OPS,
        "confirmed_on: 2027-01-10\n",
        "",
        "schema",
        "'confirmed_on' is a required property",
    ),
    (
        "role-confirmed-on-text",
        HEAD_OPS,
        "confirmed_on: 2027-01-10",
        "confirmed_on: last week",
        "schema",
        "'last week'",
    ),
    (
        "role-due-not-on-calendar",
        BOOKING_LEAD,
        "due: 2027-02-28",
        "due: 2027-02-30",
        "schema",
        "'2027-02-30'",
    ),
    ("role-due-month-13", BOOKING_LEAD, "due: 2027-02-28", "due: '2027-13-01'", "schema", "'2027-13-01'"),
    (
        "role-level-quoted",
        HEAD_CARE,
        "level: 3",
        'level: "3"',
        "schema",
        "'3' is not of type 'integer', 'null'",
    ),
    ("role-level-text", HEAD_CARE, "level: 3", "level: three", "schema", "'three' is not of type"),
    ("role-level-fraction", HEAD_CARE, "level: 3", "level: 3.5", "schema", "3.5 is not of type"),
    ("role-unknown-field", CHIEF, "trade_offs:", "trade_off:", "schema", "('trade_off' was unexpected)"),
    (
        "role-accountabilities-text",
        HEAD_OPS,
        "accountabilities:\n  - Booking standards met in all clinics",
        "accountabilities: Booking standards met in all clinics",
        "schema",
        "'Booking standards met in all clinics' is not",
    ),
    (
        "role-focus-item-mapping",
        HEAD_OPS,
        "  - Negotiate adoption with clinic leads",
        "  - Negotiate: adoption with clinic leads",
        "schema",
        "{'Negotiate': 'adoption with clinic leads'}",
    ),
    (
        "role-discussed-empty-outcomes",
        HEAD_CARE,
        "outcomes:\n" + HEAD_CARE_OUTCOMES,
        "outcomes: []\n",
        "schema",
        "[] should be non-empty",
    ),
    (
        "role-discussed-without-focus",
        HEAD_CARE,
        "focus:\n  - Redesign the reminder pathway with clinicians\n",
        "",
        "schema",
        "'focus' is a required property",
    ),
    (
        "role-id-upper-case",
        HEAD_OPS,
        "title: Head of Operations",
        "id: Head-Ops\ntitle: Head of Operations",
        "invalid-id",
        "'Head-Ops'",
    ),
    (
        "role-reports-to-not-an-id",
        BOOKING_LEAD,
        "reports_to: head-ops",
        "reports_to: Head of Ops",
        "unknown-reference",
        "'Head of Ops'",
    ),
    (
        "outcome-without-id",
        HEAD_CARE,
        "  - id: reminders\n    title:",
        "  - title:",
        "schema",
        "'id' is a required property",
    ),
    ("outcome-id-upper-case", HEAD_CARE, "id: reminders", "id: Reminders", "invalid-id", "'Reminders'"),
    ("outcome-due-text", HEAD_CARE, "due: 2027-05-31", "due: end of May", "schema", "'end of May'"),
    (
        "supports-unknown-key",
        HEAD_CARE,
        "- ref: chief#retention",
        "- refs: chief#retention",
        "schema",
        "{'refs': 'chief#retention'",
    ),
    (
        "supports-empty-item",
        BOOKING_LEAD,
        "      - head-ops#clinics-live",
        "      - ~",
        "schema",
        "None is not valid",
    ),
    (
        "dialogue-without-note",
        HEAD_OPS,
        "    note: Agreed the clinic roll-out order.\n",
        "",
        "schema",
        "'note' is a required property",
    ),
    (
        "dialogue-with-date-text",
        HEAD_OPS,
        "date: 2027-01-03",
        "date: early January",
        "schema",
        "'early January'",
    ),
    (
        "resources-list",
        CHIEF,
        "resources:\n  headcount: 3\n  budget: 0.5M",
        "resources:\n  - 3 people\n  - 0.5M",
        "schema",
        "['3 people', '0.5M']",
    ),
    ("resources-nested", CHIEF, "headcount: 3", "headcount: {now: 3}", "schema", "{'now': 3}"),
    ("role-file-empty", BOOKING_LEAD, "", "", "schema", "None is not of type 'object'"),
    (
        "role-file-a-list",
        BOOKING_LEAD,
        "",
        "- title: Booking Team Lead\n",
        "schema",
        "is not of type 'object'",
    ),
    ("strategy-no-goals", STRATEGY, "goals:\n" + GOALS, "goals: []\n", "schema", "[] should be non-empty"),
    ("strategy-unknown-field", STRATEGY, "summary:", "sumary:", "schema", "('sumary' was unexpected)"),
    (
        "strategy-owner-not-an-id",
        STRATEGY,
        "owner: chief",
        "owner: The CEO",
        "unknown-reference",
        "'The CEO'",
    ),
    (
        "goal-without-title",
        STRATEGY,
        "    title: Make booking effortless\n",
        "",
        "schema",
        "'title' is a required property",
    ),
    ("goal-id-with-space", STRATEGY, "id: G2\n", "id: G 2\n", "invalid-id", "'G 2'"),
    (
        "milestone-without-due",
        STRATEGY,
        "        due: 2027-06-30\n",
        "",
        "schema",
        "'due' is a required property",
    ),
    (
        "milestone-due-not-on-calendar",
        STRATEGY,
        "due: 2027-06-30",
        "due: 2027-06-31",
        "schema",
        "'2027-06-31' is not a 'date'",
    ),
    (
        "portal-missing-cycle-start",
        PORTAL,
        "cycle_start: 2027-01-01\n",
        "",
        "schema",
        "'cycle_start' is a required property",
    ),
    (
        "portal-cycle-end-text",
        PORTAL,
        "cycle_end: 2027-06-30",
        "cycle_end: end of June",
        "schema",
        "'end of June' does not match",
    ),
    (
        "portal-unknown-field",
        PORTAL,
        "organization:",
        "organisation:",
        "schema",
        "('organisation' was unexpected)",
    ),
    (
        "portal-level-not-a-number",
        PORTAL,
        "  1: Front line",
        "  one: Front line",
        "schema",
        "'one' does not match '^\\\\d+$'",
    ),
    (
        "portal-audiences-without-default",
        PORTAL,
        "default_audience: all-staff\n",
        "",
        "schema",
        "'default_audience' is a required property",
    ),
    (
        "portal-drafts-unknown",
        PORTAL,
        "drafts: placeholder",
        "drafts: sometimes",
        "schema",
        "'sometimes' is not one of",
    ),
    (
        "portal-hide-unknown-field",
        PORTAL,
        "hide: [resources, dialogue]",
        "hide: [salary]",
        "schema",
        "'salary' is not one of",
    ),
    (
        "portal-audience-name-upper-case",
        PORTAL,
        "  leadership:",
        "  Leadership:",
        "invalid-id",
        "'Leadership' does not match",
    ),
    (
        "portal-fail-on-unknown-rule",
        PORTAL,
        "default_audience:",
        "fail_on: [unconfirmed-plans]\ndefault_audience:",
        "schema",
        "'unconfirmed-plans' is not one of",
    ),
    (
        "portal-overview-depth-quoted",
        PORTAL,
        "default_audience:",
        'overview_depth: "3"\ndefault_audience:',
        "schema",
        "'3' is not of type 'integer', 'null'",
    ),
]


@pytest.mark.parametrize(
    ("rel", "old", "new", "rule", "schema_says"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID]
)
def test_a_document_the_schema_rejects_the_loader_rejects(
    tmp_path: Path, rel: str, old: str, new: str, rule: str, schema_says: str
) -> None:
    plans = org(tmp_path)
    assert schema_errors(plans, rel) == []  # the near miss: the file before the edit is valid
    if old:
        edit(plans, rel, old, new)
    else:
        (plans / rel).write_text(new, encoding="utf-8")
    said = schema_errors(plans, rel)
    assert [m for m in said if schema_says in m], said
    errors = [(f.rule, f.loc.path) for f in run_checks(plans).errors]
    assert (rule, f"plans/{rel}") in errors, errors
