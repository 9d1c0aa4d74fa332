"""The marked nodes both YAML readers build: scalars, lists and mappings that remember where they
were written (no YAML 1.1 typing: every scalar stays text until a field reads it)."""

from __future__ import annotations

from site_builder.domain.model import Loc

MAX_DEPTH = 32
NULLS = frozenset({"", "~", "null", "Null", "NULL"})


class _Marked:
    """Line and column are kept as ints; a Loc is made only when someone asks (most values never are)."""

    __slots__ = ("column", "line", "path")
    path: str
    line: int
    column: int

    @property
    def loc(self) -> Loc:
        return Loc(self.path, self.line, self.column)


class Scalar(_Marked):
    __slots__ = ("plain", "text")

    def __init__(self, text: str, plain: bool, path: str, line: int, column: int) -> None:
        self.text = text
        self.plain = plain
        """Written without quotes or block style, so `~`/`null`/empty mean 'no value'."""
        self.path, self.line, self.column = path, line, column

    @property
    def is_null(self) -> bool:
        return self.plain and self.text in NULLS


class Seq(_Marked):
    __slots__ = ("items",)

    def __init__(self, path: str, line: int, column: int) -> None:
        self.items: list[Node] = []
        self.path, self.line, self.column = path, line, column


class Map(_Marked):
    __slots__ = ("items",)

    def __init__(self, path: str, line: int, column: int) -> None:
        self.items: dict[str, tuple[Position, Node]] = {}
        """key text -> ((line, column) of the key, value node), in the order written. Keys are kept
        as positions, not nodes: half the scalars of a plan are keys, and only their place is used."""
        self.path, self.line, self.column = path, line, column

    def key_loc(self, name: str) -> Loc:
        """Where the key `name` was written."""
        line, column = self.items[name][0]
        return Loc(self.path, line, column)


Node = Scalar | Seq | Map
Position = tuple[int, int]
"""1-based line and column."""


def kind_name(node: Node) -> str:
    """How a node reads to a plan author, for messages ('a list', 'text', ...)."""
    if isinstance(node, Map):
        return "a mapping"
    if isinstance(node, Seq):
        return "a list"
    return "empty" if node.is_null else "text"
