"""JSON Schemas (draft 2020-12) of the three kinds of plan file, for validation in editors.

The loader is the authority; these schemas say the same thing in a form that editors understand
(`# yaml-language-server: $schema=role.schema.json`). Field names, statuses, drafts modes and id
patterns come from the loader's own constants, so the two cannot drift apart silently, and
tests/unit/test_schemas.py checks that they agree on real files.

Editors read YAML 1.2, where `level: 4` is a number, `target: 100` is a number and `2027-03-31` is a
string. The loader reads every scalar as the text written, so a text field here accepts any scalar
(string, number or boolean): `title: 2027` is valid text to the loader and must be valid here too.
What the schema cannot say (references between files, duplicate ids, `cycle_end` after
`cycle_start`, YAML anchors and tags) is left to `vap check`.
"""

from __future__ import annotations

import copy
from typing import Any

from site_builder.checking.rules import WARNING_RULES
from site_builder.domain.model import DRAFTS_MODES, HIDEABLE_FIELDS, PLAN_CONTENT, STATUSES
from site_builder.loading.loader import ROLE_ID, STRATEGY_ID

Schema = dict[str, Any]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
SCALAR_TYPES = ["string", "number", "boolean"]

_DEFS: Schema = {
    "text": {
        "description": "Text (Markdown where the field allows it); any scalar is read as the text written.",
        "type": SCALAR_TYPES,
    },
    "required-text": {
        "description": "Text that may not be empty.",
        "type": SCALAR_TYPES,
        "pattern": r"\S",
    },
    "optional-text": {"anyOf": [{"$ref": "#/$defs/text"}, {"type": "null"}]},
    "date": {
        "description": "A calendar date written YYYY-MM-DD, quoted or not.",
        "type": "string",
        "pattern": DATE_PATTERN,
        "format": "date",
    },
    "optional-date": {"anyOf": [{"$ref": "#/$defs/date"}, {"type": "null"}]},
    "role-id": {
        "description": "Lower-case letters, digits and '-', at most 63, starting with a letter or digit.",
        "anyOf": [
            {"type": "string", "pattern": ROLE_ID.pattern},
            {"type": "integer", "minimum": 0},  # YAML 1.2 reads `id: 2027` as a number
        ],
    },
    "strategy-id": {
        "description": "Letters, digits and '-', at most 63, starting with a letter or digit.",
        "anyOf": [
            {"type": "string", "pattern": STRATEGY_ID.pattern},
            {"type": "integer", "minimum": 0},
        ],
    },
    "text-list": {
        "description": "A list of text items ('- item' lines).",
        "type": "array",
        "items": {"$ref": "#/$defs/text"},
    },
    "optional-text-list": {"anyOf": [{"$ref": "#/$defs/text-list"}, {"type": "null"}]},
}


def _doc(kind: str, title: str, body: Schema, defs: tuple[str, ...]) -> Schema:
    """A standalone schema document: one file per kind, carrying only the definitions it uses."""
    return {
        "$schema": DIALECT,
        "$id": f"urn:vap-portal:schema:{kind}",
        "title": title,
        **body,
        "$defs": {name: copy.deepcopy(_DEFS[name]) for name in defs},
    }


def _closed(properties: Schema, required: tuple[str, ...] = ()) -> Schema:
    """A mapping with exactly these fields (unknown fields are errors, as in the loader)."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def portal_schema() -> Schema:
    audience = _closed(
        {
            "hide": {
                "description": "Role fields left out of every page, diagram, search index and export.",
                "type": ["array", "null"],
                "items": {"enum": list(HIDEABLE_FIELDS)},
            },
            "drafts": {"description": "How unconfirmed plans appear.", "enum": [*DRAFTS_MODES, None]},
            "findings": {
                "description": "Show each role's alignment findings on its page.",
                "type": "boolean",
            },
            "show_sources": {
                "description": "Show file paths, lines and the publishing-readiness box (default false).",
                "type": "boolean",
            },
        }
    )
    body = _closed(
        {
            "organization": {**_ref("required-text"), "description": "Shown in the site header."},
            "cycle": {**_ref("required-text"), "description": "The planning cycle, e.g. FY2027-H1."},
            "cycle_start": _ref("date"),
            "cycle_end": {**_ref("date"), "description": "After cycle_start."},
            "levels": {
                "description": "Names of levels of work, 1 = front line.",
                "type": ["object", "null"],
                "propertyNames": {"pattern": r"^\d+$"},
                "additionalProperties": _ref("text"),
            },
            "audiences": {
                "description": "Editions of the portal; default: one audience 'everyone' hiding nothing.",
                "type": ["object", "null"],
                "propertyNames": {"pattern": ROLE_ID.pattern},
                "additionalProperties": audience,
            },
            "default_audience": {
                **_ref("optional-text"),
                "description": "One of the audiences; required when audiences are given.",
            },
            "fail_on": {
                "description": "Warning rules that fail `vap check` and `vap build`.",
                "type": ["array", "null"],
                "items": {"enum": [*sorted(WARNING_RULES), "all"]},
            },
            "overview_depth": {
                "description": "How many levels the home-page overview diagram shows.",
                "type": ["integer", "null"],
            },
            "enable": {
                "description": "Off-by-default warning rules to run (no-recent-dialogue, ...).",
                "type": ["array", "null"],
                "items": {"enum": sorted(WARNING_RULES)},
            },
            "dialogue_days": {
                "description": "Window of no-recent-dialogue, in days before the as-of date (default 90).",
                "type": ["integer", "null"],
            },
            "as_of": {
                **_ref("date"),
                "description": "The day no-recent-dialogue judges by without --as-of (default today).",
            },
            "intranet_hosts": {
                "description": "Hosts that links in plan text may lead to; other hosts' links become text.",
                "type": ["array", "null"],
                "items": {"type": "string"},
            },
        },
        ("organization", "cycle", "cycle_start", "cycle_end"),
    )
    body["if"] = {
        "required": ["audiences"],
        "properties": {"audiences": {"type": "object", "minProperties": 1}},
    }
    body["then"] = {
        "required": ["default_audience"],
        "properties": {"default_audience": _ref("required-text")},
    }
    return _doc(
        "portal",
        "vap-portal plans/portal.yaml",
        body,
        ("text", "required-text", "optional-text", "date"),
    )


def strategy_schema() -> Schema:
    milestone = _closed(
        {
            "id": _ref("strategy-id"),
            "title": _ref("required-text"),
            "due": _ref("date"),
            "measure": _ref("optional-text"),
            "target": _ref("optional-text"),
        },
        ("id", "title", "due"),
    )
    goal = _closed(
        {
            "id": _ref("strategy-id"),
            "title": _ref("required-text"),
            "description": {**_ref("optional-text"), "description": "Markdown."},
            "milestones": {"type": ["array", "null"], "items": milestone},
        },
        ("id", "title"),
    )
    body = _closed(
        {
            "title": _ref("required-text"),
            "owner": {**_ref("role-id"), "description": "The id of the role that owns the strategy."},
            "summary": {**_ref("optional-text"), "description": "Markdown."},
            "goals": {"type": "array", "minItems": 1, "items": goal},
        },
        ("title", "owner", "goals"),
    )
    return _doc(
        "strategy",
        "vap-portal plans/strategy.yaml",
        body,
        ("text", "required-text", "optional-text", "date", "role-id", "strategy-id"),
    )


def role_schema() -> Schema:
    support = {
        "description": "ROLE#OUTCOME: an outcome of the manager's plan, or of this plan (then this outcome "
        "is a sub-result, a key result refining that objective); or a goal or milestone id. No outcome may "
        "reach itself through supports.",
        "anyOf": [
            _ref("required-text"),
            _closed({"ref": _ref("required-text"), "how": _ref("optional-text")}, ("ref",)),
        ],
    }
    outcome = _closed(
        {
            "id": {**_ref("role-id"), "description": "Unique within the role."},
            "title": {**_ref("required-text"), "description": "A result, not an activity."},
            "measure": _ref("optional-text"),
            "target": _ref("optional-text"),
            "due": _ref("optional-date"),
            "supports": {
                "type": ["array", "null"],
                "items": support,
                "description": "What this outcome serves: the manager's outcomes, this plan's objective it "
                "refines, strategy items.",
            },
        },
        ("id", "title"),
    )
    dialogue = _closed(
        {
            "date": _ref("optional-date"),
            "with": {"anyOf": [_ref("role-id"), {"type": "null"}]},
            "note": _ref("required-text"),
        },
        ("note",),
    )
    properties: Schema = {
        "id": {"anyOf": [_ref("role-id"), {"type": "null"}], "description": "Defaults to the file name."},
        "title": _ref("required-text"),
        "holder": {**_ref("optional-text"), "description": "Absent or 'vacant' means the role is vacant."},
        "reports_to": {
            "anyOf": [_ref("role-id"), {"type": "null"}],
            "description": "Required for every role but exactly one top role.",
        },
        "department": {**_ref("optional-text"), "description": "Inherited from the manager when absent."},
        "level": {"type": ["integer", "null"], "description": "Level of work (see levels in portal.yaml)."},
        "status": {"enum": list(STATUSES)},
        "confirmed_on": _ref("optional-date"),
        "value_add": {**_ref("optional-text"), "description": "Markdown: the value this role adds."},
        "accountabilities": _ref("optional-text-list"),
        "focus": {**_ref("optional-text-list"), "description": "Work only this role can do."},
        "outcomes": {"type": ["array", "null"], "items": outcome},
        "authorities": _ref("optional-text-list"),
        "resources": {
            "description": "Markdown text, or a mapping of resource name to amount.",
            "anyOf": [
                _ref("optional-text"),
                {"type": "object", "additionalProperties": _ref("optional-text")},
            ],
        },
        "trade_offs": _ref("optional-text-list"),
        "dialogue": {"type": ["array", "null"], "items": dialogue},
    }
    body = _closed(properties, ("title", "status"))
    content = {
        "value_add": _ref("required-text"),
        "accountabilities": {**_ref("text-list"), "minItems": 1},
        "focus": {**_ref("text-list"), "minItems": 1},
        "outcomes": {"type": "array", "minItems": 1},
    }
    body["allOf"] = [
        {  # a draft may be a skeleton; discussed and confirmed plans need their content
            "if": {"required": ["status"], "properties": {"status": {"const": "draft"}}},
            "else": {"required": list(PLAN_CONTENT), "properties": content},
        },
        {
            "if": {"required": ["status"], "properties": {"status": {"const": "confirmed"}}},
            "then": {"required": ["confirmed_on"], "properties": {"confirmed_on": _ref("date")}},
        },
    ]
    return _doc(
        "role",
        "vap-portal plans/roles/*.yaml: one value-added plan",
        body,
        (
            "text",
            "required-text",
            "optional-text",
            "date",
            "optional-date",
            "role-id",
            "text-list",
            "optional-text-list",
        ),
    )


def json_schemas() -> dict[str, Schema]:
    """The schema of each kind of plan file, by kind ('portal', 'strategy', 'role')."""
    return {"portal": portal_schema(), "strategy": strategy_schema(), "role": role_schema()}
