"""Marked YAML: parse one file into nodes that keep line and column, refusing what the format forbids.

Scalars are kept as the text the author wrote; nothing is typed by YAML 1.1 rules
(no `yes` -> True, no `2027-02-30` -> crash). The schema layer types each field.
Built from the C parser's event stream, so it runs at libyaml speed and never
expands aliases (an alias bomb costs nothing: aliases are refused). Files of the common
shape are first read line by line by yamlfast, which gives the same nodes in half the time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

from site_builder.domain.model import Finding, Loc
from site_builder.loading import yamlfast
from site_builder.loading.nodes import MAX_DEPTH, Map, Node, Scalar, Seq

try:  # the C parser is ~8x faster; fall back quietly where libyaml is missing
    _Parser: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Parser = yaml.SafeLoader

MAX_FILE_BYTES = 1024 * 1024
_YAML_TAG = "tag:yaml.org,2002:"
_STANDARD_TAGS = frozenset(
    f"{_YAML_TAG}{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)
_TAB_INDENT = re.compile(r"^ *\t", re.MULTILINE)
_YAML11_BREAKS = re.compile("[\x85\u2028\u2029]")
"""NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR: line breaks to libyaml (YAML 1.1), plain characters to
editors and git, so positions after one would be off and NEL in a scalar would silently become a space."""
_BREAK_NAMES = {
    "\x85": "U+0085 (next line)",
    "\u2028": "U+2028 (line separator)",
    "\u2029": "U+2029 (paragraph separator)",
}


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
    root = yamlfast.parse_common(text, path)  # the common shape without libyaml; None: use libyaml
    if root is not None:
        return root, []
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
    for match in _YAML11_BREAKS.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        findings.append(
            Finding(
                "error",
                "yaml-syntax",
                f"invisible line break {_BREAK_NAMES[match.group()]} in the text",
                Loc(path, line, match.start() - text.rfind("\n", 0, match.start())),
                hint="YAML reads it as a line break that editors do not show: replace it with a newline "
                "or a space",
            )
        )
    if findings:
        return None, findings
    builder = _Builder(path, findings)
    try:
        root = builder.build(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        loc = Loc(path, mark.line + 1, mark.column + 1) if mark else Loc(path, 1, 1)
        findings.append(
            Finding("error", "yaml-syntax", f"YAML syntax error: {problem}", loc, hint=_hint(problem))
        )
        return None, findings
    except yaml.reader.ReaderError as exc:  # a control character: no mark, only an offset
        pos = exc.position  # libyaml counts UTF-8 bytes, the pure-Python reader characters
        if _Parser is not yaml.SafeLoader:
            pos = len(text.encode("utf-8")[:pos].decode("utf-8", "replace"))
        line = text.count("\n", 0, pos) + 1
        column = pos - text.rfind("\n", 0, pos)
        findings.append(
            Finding(
                "error",
                "yaml-syntax",
                f"YAML syntax error: unacceptable character #x{exc.character:04x}: {exc.reason}",
                Loc(path, line, column),
                hint="remove the control character (often pasted from a terminal or a word processor)",
            )
        )
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


class _Builder:
    """Turns the event stream into nodes without recursion (deep nesting cannot blow the stack).

    This loop runs once per YAML event (about 150 per role file), so it is written for speed:
    class identity instead of isinstance chains, no per-value Loc objects.
    """

    def __init__(self, path: str, findings: list[Finding]) -> None:
        self.path = path
        self.findings = findings

    def _loc(self, event: Any) -> Loc:
        return Loc(self.path, event.start_mark.line + 1, event.start_mark.column + 1)

    def _forbid(self, event: yaml.Event, what: str, hint: str) -> None:
        self.findings.append(Finding("error", "forbidden-yaml", what, self._loc(event), hint=hint))

    def _check_node_event(self, event: yaml.NodeEvent) -> None:
        if event.anchor is not None:
            self._forbid(
                event,
                f"YAML anchor '&{event.anchor}' is not allowed",
                "write the value out in full; anchors and aliases hide text from reviewers",
            )
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!" and tag not in _STANDARD_TAGS:
            shown = "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag  # as written
            self._forbid(
                event,
                f"YAML tag '{shown}' is not allowed",
                "remove the tag: plan files hold plain text, lists and mappings only",
            )

    def build(self, text: str) -> Node | None:
        path = self.path
        loader = _Parser(text)
        try:
            return self._build(iter(loader.get_event, None), path)
        finally:
            loader.dispose()

    def _build(self, events: Iterator[Any], path: str) -> Node | None:
        # events are typed Any: the loop dispatches on the exact class, which mypy cannot follow
        stack: list[Map | Seq] = []
        keys: list[Scalar | None] = []  # pending key of each open mapping
        root: Node | None = None
        documents = 0
        for event in events:
            cls = event.__class__
            node: Node
            if cls is _SCALAR:
                if event.anchor is not None or event.tag is not None:
                    self._check_node_event(event)
                mark = event.start_mark
                node = Scalar(
                    event.value,
                    not event.style and event.tag != _STR_TAG,
                    path,
                    mark.line + 1,
                    mark.column + 1,
                )
            elif cls is _MAP_START or cls is _SEQ_START:
                if event.anchor is not None or event.tag is not None:
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
                mark = event.start_mark
                stack.append((Map if cls is _MAP_START else Seq)(path, mark.line + 1, mark.column + 1))
                keys.append(None)
                continue
            elif cls is _MAP_END or cls is _SEQ_END:
                node = stack.pop()
                keys.pop()
            elif cls is yaml.AliasEvent:
                self._forbid(
                    event,
                    f"YAML alias '*{event.anchor}' is not allowed",
                    "write the value out in full; anchors and aliases hide text from reviewers",
                )
                mark = event.start_mark
                node = Scalar("", True, path, mark.line + 1, mark.column + 1)
            elif cls is yaml.DocumentStartEvent:
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
            else:
                continue
            if not stack:
                root = node
                continue
            parent = stack[-1]
            if isinstance(parent, Seq):
                parent.items.append(node)
                continue
            key = keys[-1]
            if key is None:
                if node.__class__ is not Scalar:
                    self.findings.append(
                        Finding(
                            "error",
                            "yaml-syntax",
                            "a mapping key must be plain text",
                            node.loc,
                            hint="write keys as 'name: value'",
                        )
                    )
                    node = Scalar("?", True, path, node.line, node.column)
                keys[-1] = node
                continue
            keys[-1] = None
            items = parent.items
            if key.text in items:
                first_line = items[key.text][0][0]
                self.findings.append(
                    Finding(
                        "error",
                        "duplicate-key",
                        f"key '{key.text}' appears twice in this mapping (first at line {first_line})",
                        key.loc,
                        hint="merge the two entries: YAML would otherwise keep only the last one",
                    )
                )
                continue
            items[key.text] = ((key.line, key.column), node)
        return root


_SCALAR = yaml.ScalarEvent
_MAP_START = yaml.MappingStartEvent
_MAP_END = yaml.MappingEndEvent
_SEQ_START = yaml.SequenceStartEvent
_SEQ_END = yaml.SequenceEndEvent
_STR_TAG = "tag:yaml.org,2002:str"
