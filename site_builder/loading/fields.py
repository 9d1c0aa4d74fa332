"""Typed reading of marked YAML fields: each reader returns a value or records a `schema` finding."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Collection, Iterator, Mapping

from site_builder.domain.model import Finding, Loc
from site_builder.loading.nodes import NULLS, Map, Node, Scalar, Seq, kind_name

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_INT = re.compile(r"^[+-]?\d+$")
_DATES: dict[str, dt.date] = {}
"""Dates already read, by the text as written: a plan repository repeats a few dozen dates."""


def calendar_date(text: str) -> dt.date | None:
    """The date written `YYYY-MM-DD` (spaces around allowed), None when it is not a calendar date."""
    date = _DATES.get(text)
    if date is not None:
        return date
    match = _DATE.match(text.strip())
    if not match:
        return None
    try:
        date = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    if len(_DATES) >= 4096:  # texts come from files: keep the memo small whatever they hold
        _DATES.clear()
    _DATES[text] = date
    return date


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
        items = node.items
        if allowed.__class__ is not frozenset:
            allowed = frozenset(allowed)
        if not items.keys() <= allowed:
            for name in items:
                if name not in allowed:
                    self.error(
                        f"unknown field '{name}' in {where}",
                        node.key_loc(name),
                        hint=did_you_mean(name, allowed) or "known fields: " + ", ".join(sorted(allowed)),
                    )
        for name in required:
            entry = items.get(name)
            if entry is None:
                self.error(f"{where} is missing required field '{name}'", node.loc)
                continue
            value = entry[1]
            if value.__class__ is Scalar:
                if (value.plain and value.text in NULLS) or not value.text.strip():
                    self.error(f"{where} is missing required field '{name}'", node.loc)
            elif value.__class__ is Seq and not value.items:  # the contract: "required, at least one"
                self.error(f"'{name}' in {where} needs at least one item", value.loc)

    def mapping(self, node: Node | None, where: str) -> Map | None:
        if node is None or node.__class__ is Map:
            return node
        self.error(f"{where} must be a mapping of fields, not {kind_name(node)}", node.loc)
        return None

    def value(self, node: Map, name: str) -> Node | None:
        entry = node.items.get(name)
        if entry is None:
            return None
        value = entry[1]
        if value.__class__ is Scalar and value.plain and value.text in NULLS:
            return None
        return value

    def text(self, node: Map, name: str, where: str) -> str | None:
        entry = node.items.get(name)
        if entry is None:
            return None
        value = entry[1]
        if value.__class__ is Scalar:
            return None if value.plain and value.text in NULLS else value.text
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
        date = calendar_date(value.text)
        if date is not None:
            return date
        if not _DATE.match(value.text.strip()):
            self.error(
                f"'{name}' in {where} must be a date written YYYY-MM-DD, got '{value.text}'", value.loc
            )
        else:
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
            if item.__class__ is Scalar and not (item.plain and item.text in NULLS):
                out.append(item.text)
            elif isinstance(item, Scalar):
                self.error(f"empty item in '{name}' of {where}", item.loc, hint="remove the empty '-' line")
            else:
                self.error(f"each item of '{name}' in {where} must be text, not {kind_name(item)}", item.loc)
        return tuple(out)


class FieldLocs(Mapping[str, Loc]):
    """Where each top-level field of a role was written, as a Loc only when asked: findings point at
    the fields of few roles, and 16 Locs for every role cost 0.1 s at 10,000 roles."""

    __slots__ = ("_keys", "_path")

    def __init__(self, path: str, keys: dict[str, tuple[int, int]]) -> None:
        self._path = path
        self._keys = keys

    def __getitem__(self, name: str) -> Loc:
        line, column = self._keys[name]
        return Loc(self._path, line, column)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return repr(dict(self))
