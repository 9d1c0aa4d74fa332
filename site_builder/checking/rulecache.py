"""The rule cache: the findings of every rule kept in `.cache/vap/` beside the planning repository.

After the parse cache, a re-check after one edit spends its time in the rules, which look across the
whole organisation. What the rules read of each role is kept in four parts (its place: ids, title,
holder, reporting line, department, level; its agreement: status, dates, conversations; its
outcomes; its content flags: focus and whether value add, accountabilities, resources and trade-offs
are given), each part hashed over every role, beside the portal and strategy files and the date the
check judges by, positions aside. Each rule's findings are stored under the digest of the parts it
reads (`Rule.reads`; every part unless it names fewer), and beside each role file the positions of
its values in a fixed order. When a rule's digest matches, its findings are reused; when only
positions moved (a line added above), each reused finding is moved to where its value now is, and a
finding that cannot be moved makes its rule run again. Text no rule reads (value add, notes,
authorities) changes nothing here; a status edit re-runs only the rules that read agreements.
Exactness is tested against `--no-cache` runs over random edits (tests/unit/checking/test_rulecache.py).
The file has the same defences as the parse cache: version and code hash in its header, a checksum,
atomic replacement.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
import os
import tempfile
import zlib
from array import array
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from site_builder.domain.model import Finding, Loc, PlanSet, Role
from site_builder.loading import parsecache
from site_builder.loading.lazyroles import LazyRoles

MAGIC = b"VAP-RULE-CACHE 2\n"
_SOURCES = ("loading", "domain", "checking")
"""Packages whose code decides the findings: a change to any of them empties the cache."""
_CHECK = 8
_NONE = -1
"""A missing line or column in a position table (positions are 1-based)."""
POSITIONS_IN_MESSAGE: frozenset[str] = frozenset({"support-cycle"})
"""Rules whose messages quote positions: their findings are never moved, the rules run again."""

PARTS = ("place", "agreement", "outcomes", "content")
"""What the rules read of a role, in four parts (see `_role_content`); each rule names those it reads
(`Rule.reads` in rules.py), and a rule that reads a part it does not name would reuse stale findings:
tests/unit/checking/test_rulecache.py compares cached and uncached checks after every kind of edit."""

_MEMORY: dict[str, dict[str, Any]] = {}
"""The last entries of each cache file, kept by a long-lived process (`vap serve`)."""


def cache_file(plans_dir: Path) -> Path:
    """`.cache/vap/rules-<name>.bin` in the folder that holds the planning repository."""
    plans = plans_dir.resolve()
    return plans.parent / ".cache" / "vap" / f"rules-{plans.name}.bin"


def forget() -> None:
    """Drop the entries kept in memory (the next run reads the cache file again)."""
    _MEMORY.clear()


def open_memo(
    plans_dir: Path, plans: PlanSet, digests: Mapping[str, bytes], settings: tuple[Any, ...]
) -> Memo | None:
    """The rule cache for these plans, or None when caching is off (`--no-cache`, library callers).

    digests: the hash of each role file's bytes (from the parse cache): a role file with the same
    bytes has the same content and positions, which are then taken from the cache, not recomputed.
    settings: whatever besides the plans the rules read (the date they judge by, enabled rules)."""
    if not parsecache.is_enabled():
        return None
    try:
        return Memo(cache_file(plans_dir), plans, digests, settings)
    except ValueError:  # a value marshal cannot write: check without the cache
        return None


_KEY: list[bytes] = []


def code_key() -> bytes:
    """Computed once per process: the checking, loading and domain code does not change under it."""
    if not _KEY:
        _KEY.append(parsecache.code_key(_SOURCES))
    return _KEY[0]


class Memo:
    """The findings of one run's rules: reused from the last run when nothing they read changed."""

    def __init__(
        self, path: Path, plans: PlanSet, digests: Mapping[str, bytes], settings: tuple[Any, ...]
    ) -> None:
        self.path = path
        old = _MEMORY.get(str(path)) or _read(path)
        known = old.get("roles", {})
        self.digests, self.roles = facts(plans, settings, digests, known)
        self._old: dict[str, Any] = old.get("rules", {})
        self._moves = _Moves(known, self.roles)
        self._new: dict[str, tuple[bytes, tuple[Any, ...]]] = {}
        self._changed = not old

    def findings(
        self, name: str, compute: Callable[[], Iterable[Finding]], reads: tuple[str, ...] = PARTS
    ) -> list[Finding]:
        """The findings of rule (or group of rules) `name`, which reads the `reads` parts of the plans:
        from the cache, or computed and kept."""
        key = b"".join(self.digests[part] for part in reads)
        entry = self._old.get(name)
        if entry.__class__ is tuple and len(entry) == 2 and entry[0] == key:
            try:
                found = _decode(entry[1], self._moves)
            except Exception:  # a damaged, foreign or unmovable entry is a miss, never a crash
                found = None
            if found is not None:
                self._new[name] = entry if not self._moves.moved else (key, _encode(found))
                self._changed |= self._moves.moved
                return found
        found = list(compute())
        self._new[name] = (key, _encode(found))
        self._changed = True
        return found

    def save(self) -> None:
        """Write the entries when anything changed: a temporary file, then a rename."""
        for name, stored in self._old.items():
            self._new.setdefault(name, stored)  # rules off in this run keep their entries
        entries = {"roles": self.roles, "rules": self._new}
        _MEMORY[str(self.path)] = entries
        if self._changed:
            _write(self.path, entries)


RoleFacts = tuple[bytes, bytes, bytes]
"""Of one role file: hash of its bytes, hashes of the four parts of its content as the rules read
them (16 bytes each, in PARTS order), position table."""
_PART = 16


def facts(
    plans: PlanSet, settings: tuple[Any, ...], digests: Mapping[str, bytes], known: Mapping[str, Any]
) -> tuple[dict[str, bytes], dict[str, RoleFacts]]:
    """The digest of each part of what the rules read (positions aside), and the facts of each role
    file; `known` facts are reused for files whose bytes are unchanged."""
    common = code_key() + repr((plans.portal, plans.strategy, sorted(plans.unreadable), settings)).encode()
    parts = [hashlib.blake2b(common, digest_size=20) for _ in PARTS]
    roles: dict[str, RoleFacts] = {}
    lazy = plans.roles if isinstance(plans.roles, LazyRoles) else None
    for role_id in plans.roles:  # ids only: a plan restored lazily is built only if its file changed
        path = lazy.path(role_id) if lazy is not None else plans.roles[role_id].loc.path
        data = digests.get(path, b"")
        entry = known.get(path)
        if not (data and entry.__class__ is tuple and len(entry) == 3 and entry[0] == data):
            table = array("i")
            content = _role_content(plans.roles[role_id], table)
            hashes = b"".join(hashlib.blake2b(marshal.dumps(p), digest_size=_PART).digest() for p in content)
            entry = (data, hashes, table.tobytes())
        roles[path] = entry
        name = path.encode() + b"\0"
        for n, part in enumerate(parts):
            part.update(name + entry[1][n * _PART : (n + 1) * _PART])
    return {name: part.digest() for name, part in zip(PARTS, parts, strict=True)}, roles


def _at(loc: Loc, table: array[int]) -> str:
    """Append the position to the table; the path goes into the content (it is no position)."""
    table.append(_NONE if loc.line is None else loc.line)
    table.append(_NONE if loc.column is None else loc.column)
    return loc.path


def _day(value: dt.date | None) -> int | None:
    return None if value is None else value.toordinal()


def _role_content(role: Role, table: array[int]) -> tuple[Any, ...]:
    """Every value of a role a rule reads, as marshal-able data in the four PARTS, its positions in
    `table`.

    Read by rules: ids, titles, links, dates, status, level, department, focus items, whether the
    holder, value add, accountabilities, resources and trade-offs are given. Not read: their text."""
    locs = role.field_locs
    names = tuple(locs)
    paths = [_at(role.loc, table), *(_at(locs[name], table) for name in names)]
    outcomes = tuple(
        (
            o.id,
            o.role,
            o.title,
            o.measure,
            o.target,
            _day(o.due),
            _at(o.loc, table),
            tuple((r.target, r.how, _at(r.loc, table)) for r in o.supports),
        )
        for o in role.outcomes
    )
    dialogue = tuple((_day(d.date), d.with_, _at(d.loc, table)) for d in role.dialogue)
    place = (role.id, role.title, role.holder is None, role.reports_to, role.department, role.level)
    agreement = (role.status, _day(role.confirmed_on), dialogue)
    content = (
        bool(role.value_add),
        bool(role.accountabilities),
        role.focus,
        bool(role.resources),
        bool(role.trade_offs),
    )
    return ((*place, names, tuple(paths)), agreement, outcomes, content)


_PositionMap = dict[tuple[int, int], tuple[int, int]]


class _Moves:
    """Old position -> new position in each role file whose values moved (same content, new lines)."""

    def __init__(self, old: Mapping[str, Any], new: Mapping[str, RoleFacts]) -> None:
        self._old = {path: entry[2] for path, entry in old.items() if entry[2] != new.get(path, entry)[2]}
        self._new = {path: new[path][2] for path in self._old if path in new}
        self._maps: dict[str, _PositionMap | None] = {}
        self.moved = bool(self._new)

    def loc(self, path: str, line: int | None, column: int | None) -> Loc:
        """Where the value found at (line, column) of `path` in the last run is now."""
        if not self.moved or line is None:
            return Loc(path, line, column)
        old, new = self._old.get(path), self._new.get(path)
        if old is None:
            return Loc(path, line, column)
        moves = self._map(path, old, new)
        key = (line, _NONE if column is None else column)
        if moves is None or key not in moves:
            raise _Unmovable(path)
        line, col = moves[key]
        return Loc(path, None if line == _NONE else line, None if col == _NONE else col)

    def _map(self, path: str, old: bytes | None, new: bytes | None) -> _PositionMap | None:
        if path not in self._maps:
            self._maps[path] = _pairs(old, new)
        return self._maps[path]


def _pairs(old: bytes | None, new: bytes | None) -> _PositionMap | None:
    """The old -> new positions of one file's values, None when a position would go two ways."""
    if old is None or new is None or len(old) != len(new):
        return None
    before, after = array("i"), array("i")
    before.frombytes(old)
    after.frombytes(new)
    out: _PositionMap = {}
    for i in range(0, len(before), 2):
        key, value = (before[i], before[i + 1]), (after[i], after[i + 1])
        if out.setdefault(key, value) != value:
            return None
    return out


class _Unmovable(Exception):
    """A reused finding points where no value of the last run was: the rule runs again."""


def _encode(findings: list[Finding]) -> tuple[Any, ...]:
    return tuple(
        (
            f.severity,
            f.rule,
            f.message,
            f.loc.path,
            f.loc.line,
            f.loc.column,
            f.role,
            f.outcome,
            f.hint,
            f.related,
            f.outcome_title,
        )
        for f in findings
    )


def _decode(stored: tuple[Any, ...], moves: _Moves) -> list[Finding] | None:
    """The stored findings at today's positions; None when one of them cannot be moved."""
    out = []
    for severity, rule, message, path, line, column, role, outcome, hint, related, title in stored:
        if not (isinstance(message, str) and isinstance(path, str)):
            raise TypeError("finding text")
        if moves.moved and rule in POSITIONS_IN_MESSAGE:
            return None
        try:
            loc = moves.loc(path, line, column)
        except _Unmovable:
            return None
        out.append(Finding(severity, rule, message, loc, role, outcome, hint, related, title))
    return out


def _check(body: bytes) -> bytes:
    return len(body).to_bytes(4, "little") + zlib.crc32(body).to_bytes(4, "little")


def _read(path: Path) -> dict[str, Any]:
    """The entries of the cache file, or none when it is missing, foreign, torn or damaged."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    head = MAGIC + code_key()
    body = data[len(head) + _CHECK :]
    if not data.startswith(head) or data[len(head) : len(head) + _CHECK] != _check(body):
        return {}
    try:
        entries = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return {}
    return entries if _well_formed(entries) else {}


def _well_formed(entries: object) -> bool:
    """The shapes `save` writes (a checksum proves a file whole, not that this code wrote it)."""
    if not isinstance(entries, dict):
        return False
    roles, rules = entries.get("roles"), entries.get("rules")
    if not isinstance(roles, dict) or not isinstance(rules, dict):
        return False
    if not all(
        isinstance(name, str)
        and found.__class__ is tuple
        and len(found) == 2
        and isinstance(found[0], bytes)
        and isinstance(found[1], tuple)
        for name, found in rules.items()
    ):
        return False
    return all(
        entry.__class__ is tuple
        and len(entry) == 3
        and all(isinstance(part, bytes) for part in entry)
        and len(entry[1]) == _PART * len(PARTS)
        for entry in roles.values()
    )


def _write(path: Path, entries: dict[str, Any]) -> None:
    body = marshal.dumps(entries)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(MAGIC + code_key() + _check(body) + body)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        return  # a read-only checkout: the cache only saves time, never a reason to fail
