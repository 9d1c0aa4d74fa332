"""The field and rule catalogues of domain/model.py are the one list every stage follows."""

from __future__ import annotations

from site_builder.checking.integrity import INTEGRITY_RULES
from site_builder.checking.rules import ERROR_RULES, RULES, WARNING_RULES
from site_builder.domain import audience
from site_builder.domain.model import (
    ERROR_RULE_NAMES,
    HIDEABLE_FIELDS,
    PLACEHOLDER_CLEARS,
    PLAN_CONTENT,
    ROLE_FIELDS,
    WARNING_RULE_NAMES,
)


def test_the_warning_rule_registry_has_one_function_per_catalogued_name() -> None:
    assert [r.name for r in RULES] == list(WARNING_RULE_NAMES)
    assert frozenset(WARNING_RULE_NAMES) == WARNING_RULES
    assert ERROR_RULES == ERROR_RULE_NAMES and not set(ERROR_RULE_NAMES) & WARNING_RULES
    assert len(INTEGRITY_RULES) <= len(ERROR_RULE_NAMES)


def test_role_field_groups_are_fields_of_the_catalogue() -> None:
    assert set(HIDEABLE_FIELDS) <= set(ROLE_FIELDS)
    assert set(PLAN_CONTENT) <= set(PLACEHOLDER_CLEARS) <= set(HIDEABLE_FIELDS)
    assert list(PLACEHOLDER_CLEARS) == [f for f in ROLE_FIELDS if f in PLACEHOLDER_CLEARS]


def test_the_audience_view_can_empty_every_hideable_field() -> None:
    assert set(audience._EMPTY) == set(HIDEABLE_FIELDS)
