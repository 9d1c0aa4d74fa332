"""Marked YAML: parse one file into nodes that keep line and column, refusing what the format forbids.

Scalars are kept as the text the author wrote; nothing is typed by YAML 1.1 rules
(no `yes` -> True, no `2027-02-30` -> crash). The schema layer types each field.
Built from the C parser's event stream, so it runs at libyaml speed and never
expands aliases (an alias bomb costs nothing: aliases are refused).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import yaml

from .model import Finding, Loc

try:  # the C parser is ~8x faster; fall back quietly where libyaml is missing
    _Parser: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Parser = yaml.SafeLoader

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 32
NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)
_TAB_INDENT = re.compile(r"^ *\t", re.MULTILINE)


@dataclass(slots=True)
class Scalar:
    text: str
    plain: bool
    """Written without quotes or block style, so `~`/`null`/empty mean 'no value'."""
    loc: Loc

    @property
    def is_null(self) -> bool:
        return self.plain and self.text in NULLS


@dataclass(slots=True)
class Seq:
    items: list[Node]
    loc: Loc


@dataclass(slots=True)
class Map:
    items: dict[str, tuple[Scalar, Node]] = field(default_factory=dict)
    """key text -> (key scalar, value node), in the order written."""
    loc: Loc = field(default_factory=lambda: Loc(""))


Node = Scalar | Seq | Map


def kind_name(node: Node) -> str:
    """How a node reads to a plan author, for messages ('a list', 'text', ...)."""
    if isinstance(node, Map):
        return "a mapping"
    if isinstance(node, Seq):
        return "a list"
    return "empty" if node.is_null else "text"


def decode(data: bytes, path: str) -> tuple[str | None, list[Finding]]:
    """UTF-8 (BOM tolerated) or an `encoding` finding that points at the first bad byte."""
    if len(data) > MAX_FILE_BYTES:
        size = f"{len(data) / 1024 / 1024:.1f} MB"
        return None, [
            Finding(
                "error",
                "file-too-large",
                f"file is {size}; a plan file may be at most 1 MB",
                Loc(path, 1, 1),
                hint="split the plan or remove pasted data; plans hold text, not attachments",
            )
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            Finding(
                "error",
                "encoding",
                f"file is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be decoded)",
                Loc(path, line, column),
                hint="save the file as UTF-8 in your editor (Latin-1 and Windows-1252 are not accepted)",
            )
        ]
    if "\x00" in text:
        pos = text.index("\x00")
        line = text.count("\n", 0, pos) + 1
        return None, [
            Finding(
                "error",
                "encoding",
                "file holds binary data (a NUL byte), not text",
                Loc(path, line, 1),
                hint="a plan file must be YAML text; was a binary file renamed to .yaml?",
            )
        ]
    return text, []


def parse(text: str, path: str) -> tuple[Node | None, list[Finding]]:
    """One YAML document as marked nodes, plus every finding the file's syntax earns."""
    findings: list[Finding] = []
    for match in _TAB_INDENT.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        findings.append(
            Finding(
                "error",
                "yaml-syntax",
                "tab character in indentation",
                Loc(path, line, match.end() - match.start()),
                hint="YAML indents with spaces only: replace the tab with spaces",
            )
        )
    if findings:
        return None, findings
    builder = _Builder(path, findings)
    try:
        root = builder.build(_events(text))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        loc = Loc(path, mark.line + 1, mark.column + 1) if mark else Loc(path, 1, 1)
        findings.append(Finding("error", "yaml-syntax", f"YAML syntax error: {problem}", loc, hint=_hint(problem)))
        return None, findings
    except yaml.YAMLError as exc:
        findings.append(Finding("error", "yaml-syntax", f"YAML syntax error: {exc}", Loc(path, 1, 1)))
        return None, findings
    return root, findings


def _hint(problem: str) -> str | None:
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be quoted, e.g. title: \"Goal: faster booking\""
    if "could not find expected ':'" in problem:
        return "check the indentation and that every field is written as 'name: value'"
    if "found character '%'" in problem or "found character '@'" in problem or "'`'" in problem:
        return "quote values that start with %, @ or `"
    if "did not find expected key" in problem or "expected <block end>" in problem:
        return "check the indentation of this line against the line above"
    return None


def _events(text: str) -> Iterator[yaml.Event]:
    loader = _Parser(text)
    try:
        while loader.check_event():
            yield loader.get_event()
    finally:
        loader.dispose()


class _Builder:
    """Turns the event stream into nodes without recursion (deep nesting cannot blow the stack)."""

    def __init__(self, path: str, findings: list[Finding]) -> None:
        self.path = path
        self.findings = findings

    def _loc(self, event: yaml.Event) -> Loc:
        return Loc(self.path, event.start_mark.line + 1, event.start_mark.column + 1)

    def _forbid(self, event: yaml.Event, what: str, hint: str) -> None:
        self.findings.append(Finding("error", "forbidden-yaml", what, self._loc(event), hint=hint))

    def _check_node_event(self, event: yaml.NodeEvent) -> bool:
        """False when the node may not be used (its content is then not read)."""
        ok = True
        if event.anchor is not None:
            self._forbid(
                event,
                f"YAML anchor '&{event.anchor}' is not allowed",
                "write the value out in full; anchors and aliases hide text from reviewers",
            )
            ok = False
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!" and tag not in _STANDARD_TAGS:
            self._forbid(
                event,
                f"YAML tag '{tag}' is not allowed",
                "remove the tag: plan files hold plain text, lists and mappings only",
            )
            ok = False
        return ok

    def build(self, events: Iterator[yaml.Event]) -> Node | None:
        stack: list[tuple[Map | Seq, Scalar | None]] = []  # container, pending key for maps
        root: Node | None = None
        documents = 0
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    self.findings.append(
                        Finding(
                            "error",
                            "yaml-syntax",
                            "more than one YAML document ('---') in one file",
                            self._loc(event),
                            hint="keep one plan per file; remove the extra '---' line",
                        )
                    )
                    return None
                continue
            node: Node | None = None
            if isinstance(event, yaml.AliasEvent):
                self._forbid(
                    event,
                    f"YAML alias '*{event.anchor}' is not allowed",
                    "write the value out in full; anchors and aliases hide text from reviewers",
                )
                node = Scalar("", True, self._loc(event))
            elif isinstance(event, yaml.ScalarEvent):
                self._check_node_event(event)
                explicit_str = event.tag == "tag:yaml.org,2002:str"
                node = Scalar(event.value, not event.style and not explicit_str, self._loc(event))
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                self._check_node_event(event)
                if len(stack) >= MAX_DEPTH:
                    self.findings.append(
                        Finding(
                            "error",
                            "schema",
                            f"nesting deeper than {MAX_DEPTH} levels",
                            self._loc(event),
                            hint="plan files need at most four levels of nesting",
                        )
                    )
                    return None
                container: Map | Seq = (
                    Map({}, self._loc(event))
                    if isinstance(event, yaml.MappingStartEvent)
                    else Seq([], self._loc(event))
                )
                stack.append((container, None))
                continue
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                node = stack.pop()[0]
            else:
                continue
            if not stack:
                root = node
                continue
            self._attach(stack, node)
        return root

    def _attach(self, stack: list[tuple[Map | Seq, Scalar | None]], node: Node) -> None:
        parent, key = stack[-1]
        if isinstance(parent, Seq):
            parent.items.append(node)
            return
        if key is None:
            if not isinstance(node, Scalar):
                self.findings.append(
                    Finding(
                        "error",
                        "yaml-syntax",
                        "a mapping key must be plain text",
                        node.loc,
                        hint="write keys as 'name: value'",
                    )
                )
                node = Scalar("?", True, node.loc)
            stack[-1] = (parent, node)
            return
        stack[-1] = (parent, None)
        if key.text in parent.items:
            first = parent.items[key.text][0].loc
            self.findings.append(
                Finding(
                    "error",
                    "duplicate-key",
                    f"key '{key.text}' appears twice in this mapping (first at line {first.line})",
                    key.loc,
                    hint="merge the two entries: YAML would otherwise keep only the last one",
                )
            )
            return
        parent.items[key.text] = (key, node)
