"""The common shape of a plan file read line by line, without libyaml: the same nodes, faster.

Plan files are block mappings and lists of one-line scalars, one-line `[a, b]` lists and `|`/`>`
text. Reading those lines with str methods takes half the time of libyaml's event objects and the
nodes built from them (10,000 role files: 1.4 s against 2.7 s). Anything else (anchors, tags, flow
mappings, text over several lines, escapes other than the simple ones, tabs, CR, control characters,
duplicate keys, a second document, errors of any kind) returns None, and yamlsrc reads the file with
libyaml as before, findings and all. So this path never decides what is an error: it only builds the
nodes of files that libyaml reads without a finding, with the same texts, plain flags, lines and
columns (tests/unit/test_yamlfast.py holds both readers to that on every shape and random edits).
"""

from __future__ import annotations

import re
from typing import Any

from site_builder.loading.nodes import MAX_DEPTH, Map, Node, Position, Scalar, Seq

_SAFE_TEXT = re.compile(
    "[\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*"
)
"""Characters this reader handles: printable text and newlines; no tab, CR, NEL, BOM or control."""
_NOT_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
"""Indicators that make a value something other than plain text (or plain only in corner cases)."""
_DOUBLE = re.compile(r'"((?:[^"\\]|\\.)*)"( *)(?: #.*)?')
_SINGLE = re.compile(r"'((?:[^']|'')*)'( *)(?: #.*)?")
_FLOW_ITEM = re.compile(
    r' *(?:"((?:[^"\\]|\\.)*)"|\'((?:[^\']|\'\')*)\'|([^\s,\[\]{}#:&*!|>%@`?"\'-][^,\[\]{}:]*?)) *([,\]])'
)
"""One item of a one-line flow list `[a, "b", 'c']` and the `,` or `]` after it. A plain item may hold
`#` (`[r12#o1]`: YAML starts a comment only at a `#` after a space; such items are declined below)."""
_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_BLOCK_HEADER = re.compile(r"([|>])(?:([1-9])([+-]?)|([+-]?)([1-9]?))(?: +#.*| *)")
"""`|` or `>`, an indentation indicator and a chomping indicator in either order, a comment."""
_DASH_END = frozenset(("", " "))
_SKIP = frozenset(("", "#"))
_PLAIN_END = frozenset(": ")
_KEY_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_ ./()-]{0,200}[A-Za-z0-9_./()-])?")
_KEYS: dict[str, bool] = {}
"""Key names seen, and whether each is a plain key this reader takes (a few dozen distinct names)."""


class _Unsupported(Exception):
    """Outside the common shape: libyaml reads this file."""


def parse_common(text: str, path: str) -> Node | None:
    """The file's nodes, or None when the file is not of the common shape (then use libyaml)."""
    if "\r" in text:
        if text.count("\r") != text.count("\r\n"):
            return None  # a lone CR: a line break to libyaml, not to editors
        text = text.replace("\r\n", "\n")  # lines and columns stay those libyaml reports
    if not _SAFE_TEXT.fullmatch(text):
        return None
    try:
        return _Reader(text, path).read()
    except _Unsupported:
        return None


class _Reader:
    """One pass over the lines with a stack of open mappings and lists and their columns."""

    __slots__ = ("lines", "path")

    def __init__(self, text: str, path: str) -> None:
        self.lines = text.split("\n")
        self.path = path

    def read(self) -> Node | None:  # one flat loop: it runs once per line of 10,000 files
        lines, path = self.lines, self.path
        stack: list[tuple[Any, int]] = []  # the collections around `current`, with their columns
        current: Any = None  # the innermost open collection: a Map when is_map, else a Seq
        at = -1  # its column (0-based)
        is_map = False
        pending: str | None = None  # a key of `current` whose value is on the lines below
        pending_at: Position = (0, 0)  # and where it was written
        root: Map | Seq | None = None
        name: str | None  # of the key on this line
        skip = _document_start(lines)  # lines before this were read
        for index, line in enumerate(lines, 1):
            if index <= skip:
                continue
            stripped = line.lstrip(" ")
            if stripped[:1] in _SKIP:  # empty or a comment
                continue
            indent = len(line) - len(stripped)
            dash = stripped[0] == "-" and stripped[1:2] in _DASH_END
            if pending is not None:
                if indent > at or (dash and indent == at):  # the value is a block below the key
                    node: Map | Seq = Seq(path, index, indent + 1) if dash else Map(path, index, indent + 1)
                    current.items[pending] = (pending_at, node)
                    if len(stack) >= MAX_DEPTH - 2:
                        raise _Unsupported
                    stack.append((current, at))
                    current, at, is_map = node, indent, not dash
                else:  # `key:` and nothing below: empty, marked just after the ':' as libyaml marks it
                    current.items[pending] = (pending_at, _empty(path, pending, pending_at))
                pending = None
            if indent != at or dash is is_map:  # a new collection, or the end of some
                while current is not None and (at > indent or (at == indent and not dash and not is_map)):
                    current, at = stack.pop() if stack else (None, -1)
                    is_map = current.__class__ is Map
                if current is None:
                    if root is not None:
                        raise _Unsupported
                    root = current = Seq(path, index, indent + 1) if dash else Map(path, index, indent + 1)
                    at, is_map = indent, not dash
                elif at != indent or dash is is_map:
                    raise _Unsupported
            if dash:
                text = stripped[1:].lstrip(" ")
                if not text or text[0] == "#" or (text[0] == "-" and text[1:2] in _DASH_END):
                    raise _Unsupported
                column = indent + len(stripped) - len(text)
                if text[0] == '"' and text[-1] == '"' and "\\" not in text and text.count('"') == 2:
                    current.items.append(Scalar(text[1:-1], False, path, index, column + 1))
                    continue
                name, colon, value = text.partition(": ")  # _split_key, inlined for `- name: value`
                if not (colon and value[:1] != " " and _KEYS.get(name)):
                    name, value = _split_key(text)
                if name is None:
                    if text[0] in "|>":
                        raise _Unsupported
                    current.items.append(self._scalar(text, index, column))
                    continue
                if len(stack) >= MAX_DEPTH - 2:
                    raise _Unsupported
                item = Map(path, index, column + 1)
                current.items.append(item)
                stack.append((current, at))
                current, at, is_map = item, column, True
            else:  # _split_key, inlined: most lines are `name: value`
                name, colon, value = stripped.partition(": ")
                if not colon:
                    if stripped[-1] != ":":
                        raise _Unsupported
                    name = stripped[:-1]
                elif value[:1] == " ":
                    value = value.lstrip(" ")
                if not _KEYS.get(name):
                    name, value = _split_key(stripped)
                    if name is None:
                        raise _Unsupported
                column = indent
            items = current.items  # a key line only ever lands in a mapping
            if name in items:
                raise _Unsupported
            key = (index, column + 1)
            if not value or value[0] == "#":
                pending, pending_at = name, key
                continue
            start = len(line) - len(value) + 1  # 1-based: the value ends the line
            first = value[0]
            if first == '"':
                if value[-1] == '"' and "\\" not in value and value.count('"') == 2:  # "text", no escapes
                    items[name] = (key, Scalar(value[1:-1], False, path, index, start))
                else:
                    items[name] = (key, self._scalar(value, index, start - 1))
            elif first in _NOT_PLAIN_START or " #" in value or ": " in value or value[-1] in _PLAIN_END:
                if first == "|" or first == ">":
                    block, skip = self._block(value, index, start - 1, column)
                    items[name] = (key, block)
                else:
                    items[name] = (key, self._scalar(value, index, start - 1))
            else:
                items[name] = (key, Scalar(value, True, path, index, start))
        if pending is not None:
            current.items[pending] = (pending_at, _empty(path, pending, pending_at))
        return root

    def _scalar(self, value: str, line: int, column: int) -> Scalar | Seq:
        """A one-line value starting at `column` (0-based)."""
        first = value[0]
        if first == "[":
            return self._flow(value, line, column)
        if first == '"':
            end = value.find('"', 1)
            text = value[1:end]
            if end < 0 or "\\" in text or (value[end + 1 :].strip(" ") and not _is_comment(value, end + 1)):
                match = _DOUBLE.fullmatch(value)
                if match is None:
                    raise _Unsupported
                text = _ESCAPE.sub(_unescape, match[1])
            return Scalar(text, False, self.path, line, column + 1)
        if first == "'":
            match = _SINGLE.fullmatch(value)
            if match is None:
                raise _Unsupported
            return Scalar(match[1].replace("''", "'"), False, self.path, line, column + 1)
        if first in _NOT_PLAIN_START:
            raise _Unsupported
        cut = value.find(" #")
        if cut >= 0:
            value = value[:cut]
        value = value.rstrip(" ")
        if ": " in value or value[-1] == ":":
            raise _Unsupported
        return Scalar(value, True, self.path, line, column + 1)

    def _flow(self, value: str, line: int, column: int) -> Seq:
        """`[a, "b", 'c']` on one line: a list of scalars."""
        seq = Seq(self.path, line, column + 1)
        items = seq.items
        at = 1
        if value[1:].lstrip(" ").startswith("]"):
            at = value.index("]") + 1
        else:
            while True:
                match = _FLOW_ITEM.match(value, at)
                if match is None:
                    raise _Unsupported
                double, single, plain, end = match.groups()
                start = match.start() + len(match[0]) - len(match[0].lstrip(" "))
                if plain is not None:
                    if " #" in plain:
                        raise _Unsupported  # a comment inside the brackets
                    items.append(Scalar(plain, True, self.path, line, column + start + 1))
                elif single is not None:
                    items.append(
                        Scalar(single.replace("''", "'"), False, self.path, line, column + start + 1)
                    )
                else:
                    text = _ESCAPE.sub(_unescape, double) if "\\" in double else double
                    items.append(Scalar(text, False, self.path, line, column + start + 1))
                at = match.end()
                if end == "]":
                    break
        rest = value[at:]
        if rest.strip(" ") and not _is_comment(value, at):
            raise _Unsupported
        return seq

    def _block(self, header: str, line: int, column: int, owner_indent: int) -> tuple[Scalar, int]:
        """`|` or `>` text (with indicators) on the lines below a key of the mapping at `owner_indent`."""
        match = _BLOCK_HEADER.fullmatch(header)
        if match is None:
            raise _Unsupported
        literal = match[1] == "|"
        chomp = match[3] or match[4]
        given = match[2] or match[5]
        lines = self.lines
        count = len(lines)
        index = line  # the line after the header (0-based)
        body: list[str | None] = []  # None: an empty line
        indent = owner_indent + int(given) if given else -1
        last = -1  # index of the last line with text
        while index < count:
            text = lines[index]
            stripped = text.lstrip(" ")
            if not stripped:
                if text and (indent < 0 or len(text) > indent):
                    raise _Unsupported  # spaces beyond the indentation are text to libyaml
                body.append(None)
                index += 1
                continue
            here = len(text) - len(stripped)
            if last < 0 and (here <= owner_indent or here < indent):
                raise _Unsupported  # an empty block scalar
            if indent < 0:
                indent = here
            elif here < indent:
                break
            body.append(text[indent:])
            last = index
            index += 1
        if last < 0:
            raise _Unsupported
        trailing = len(body) - (last + 1 - line)  # empty lines after the text
        del body[last + 1 - line :]
        content = "\n".join(t or "" for t in body) if literal else _fold(body)
        if chomp != "-" and last + 1 < count:  # clip and keep: the text keeps its final line break
            content += "\n"
            if chomp == "+":  # keep: and the empty lines after it (not the end of the file)
                content += "\n" * (trailing - (index == count))
        return Scalar(content, False, self.path, line, column + 1), last + 1


def _document_start(lines: list[str]) -> int:
    """How many lines up to and including a `---` that only comments and blank lines precede."""
    for number, line in enumerate(lines, 1):
        if line.rstrip(" ") == "---":  # at the start of the line: indented, it is no document start
            return number
        if line.lstrip(" ")[:1] not in _SKIP:
            return 0
    return 0


def _empty(path: str, name: str, at: Position) -> Scalar:
    """The empty value of `name:` written at `at`, marked at the column after the ':'."""
    return Scalar("", True, path, at[0], at[1] + len(name) + 1)


def _split_key(text: str) -> tuple[str | None, str]:
    """`name: value` -> (name, value without leading spaces); (None, text) when it is no key line."""
    colon = text.find(": ")
    if colon < 0:
        if text[-1] != ":":
            return None, text
        name, value = text[:-1], ""
    else:
        name, value = text[:colon], text[colon + 2 :]
        if value[:1] == " ":
            value = value.lstrip(" ")
    known = _KEYS.get(name)
    if known is None:
        if len(_KEYS) >= 4096:  # names come from files: keep the memo small whatever they hold
            _KEYS.clear()
        known = _KEYS[name] = _KEY_NAME.fullmatch(name) is not None
    return (name, value) if known else (None, text)


def _fold(body: list[str | None]) -> str:
    """Folded text: lines joined by spaces, each empty line a line break (no more-indented lines)."""
    out: list[str] = []
    breaks = 0
    for part in body:
        if part is None:
            breaks += 1
            continue
        if part[0] == " ":
            raise _Unsupported  # more-indented lines keep their breaks: libyaml reads those
        if out:
            out.append("\n" * breaks if breaks else " ")
        elif breaks:
            out.append("\n" * breaks)
        out.append(part)
        breaks = 0
    return "".join(out)


def _is_comment(value: str, start: int) -> bool:
    rest = value[start:]
    stripped = rest.lstrip(" ")
    return stripped[0] == "#" and len(stripped) < len(rest)


def _unescape(match: re.Match[str]) -> str:
    char = _ESCAPES.get(match[1])
    if char is None:
        raise _Unsupported
    return char
