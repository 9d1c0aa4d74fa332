"""Typed reading of marked YAML fields: each reader returns a value or records a `schema` finding."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Collection

from .model import Finding, Loc
from .yamlsrc import Map, Node, Scalar, Seq, kind_name

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_INT = re.compile(r"^[+-]?\d+$")


def did_you_mean(word: str, choices: Collection[str], *, n: int = 3) -> str | None:
    """`did you mean 'x'?` for the closest names, or None when nothing is close."""
    close = difflib.get_close_matches(word, sorted(choices), n=n, cutoff=0.6)
    if not close:
        return None
    return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"


class Fields:
    """Reads the fields of one file, collecting findings instead of stopping at the first."""

    def __init__(self, path: str, findings: list[Finding], *, role: str | None = None) -> None:
        self.path = path
        self.findings = findings
        self.role = role

    def error(
        self,
        message: str,
        loc: Loc,
        *,
        rule: str = "schema",
        hint: str | None = None,
        outcome: str | None = None,
    ) -> None:
        self.findings.append(Finding("error", rule, message, loc, role=self.role, outcome=outcome, hint=hint))

    def keys(self, node: Map, allowed: Collection[str], required: Collection[str], where: str) -> None:
        """Unknown keys (with a suggestion) and missing required keys."""
        for name, (key, _value) in node.items.items():
            if name not in allowed:
                self.error(
                    f"unknown field '{name}' in {where}",
                    key.loc,
                    hint=did_you_mean(name, allowed) or "known fields: " + ", ".join(sorted(allowed)),
                )
        for name in required:
            value = node.items[name][1] if name in node.items else None
            if value is None or _is_null(value) or (isinstance(value, Scalar) and not value.text.strip()):
                self.error(f"{where} is missing required field '{name}'", node.loc)
            elif isinstance(value, Seq) and not value.items:  # the contract: "required, at least one"
                self.error(f"'{name}' in {where} needs at least one item", value.loc)

    def mapping(self, node: Node | None, where: str) -> Map | None:
        if node is None or isinstance(node, Map):
            return node
        self.error(f"{where} must be a mapping of fields, not {kind_name(node)}", node.loc)
        return None

    def value(self, node: Map, name: str) -> Node | None:
        entry = node.items.get(name)
        if entry is None or _is_null(entry[1]):
            return None
        return entry[1]

    def text(self, node: Map, name: str, where: str) -> str | None:
        value = self.value(node, name)
        if value is None:
            return None
        if isinstance(value, Scalar):
            return value.text
        self.error(f"'{name}' in {where} must be text, not {kind_name(value)}", value.loc)
        return None

    def date(self, node: Map, name: str, where: str) -> dt.date | None:
        value = self.value(node, name)
        if value is None:
            return None
        if not isinstance(value, Scalar):
            self.error(f"'{name}' in {where} must be a date (YYYY-MM-DD), not {kind_name(value)}", value.loc)
            return None
        return self.parse_date(value, name, where)

    def parse_date(self, value: Scalar, name: str, where: str) -> dt.date | None:
        match = _DATE.match(value.text.strip())
        if not match:
            self.error(
                f"'{name}' in {where} must be a date written YYYY-MM-DD, got '{value.text}'", value.loc
            )
            return None
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            self.error(
                f"'{name}' in {where} is not a calendar date: '{value.text}'",
                value.loc,
                hint="check the day and month (e.g. February has 28 or 29 days)",
            )
            return None

    def integer(self, node: Map, name: str, where: str) -> int | None:
        value = self.value(node, name)
        if value is None:
            return None
        if isinstance(value, Scalar) and value.plain and _INT.match(value.text):
            return int(value.text)
        shown = value.text if isinstance(value, Scalar) else kind_name(value)
        self.error(f"'{name}' in {where} must be a whole number, got '{shown}'", value.loc)
        return None

    def choice(self, node: Map, name: str, choices: Collection[str], where: str) -> str | None:
        text = self.text(node, name, where)
        if text is None or text in choices:
            return text
        loc = node.items[name][1].loc
        hint = did_you_mean(text, choices) or "write one of: " + ", ".join(choices)
        if text.lower() in {"yes", "no", "true", "false", "on", "off", "y", "n"}:
            hint = "write one of: " + ", ".join(choices) + " (yes/no are not statuses)"
        self.error(f"'{name}' in {where} must be one of {', '.join(choices)}; got '{text}'", loc, hint=hint)
        return None

    def seq(self, node: Map, name: str, where: str) -> Seq | None:
        value = self.value(node, name)
        if value is None:
            return None
        if isinstance(value, Seq):
            return value
        self.error(f"'{name}' in {where} must be a list ('- item' lines), not {kind_name(value)}", value.loc)
        return None

    def text_list(self, node: Map, name: str, where: str) -> tuple[str, ...]:
        items = self.seq(node, name, where)
        if items is None:
            return ()
        out: list[str] = []
        for item in items.items:
            if isinstance(item, Scalar) and not item.is_null:
                out.append(item.text)
            elif isinstance(item, Scalar):
                self.error(f"empty item in '{name}' of {where}", item.loc, hint="remove the empty '-' line")
            else:
                self.error(f"each item of '{name}' in {where} must be text, not {kind_name(item)}", item.loc)
        return tuple(out)


def _is_null(node: Node) -> bool:
    return isinstance(node, Scalar) and node.is_null
