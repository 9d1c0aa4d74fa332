"""The persistent parse cache: typed role plans kept in `.cache/vap/` beside the planning repository.

`vap check` before every commit re-reads 10,000 files of which one changed. Each file's typed plan
and loading findings are stored as plain tuples (marshal: restoring them is ~3x faster than
pickling the dataclasses and ~5x faster than parsing; see docs/performance.md), keyed by a hash of
the file's bytes, its path, the package version and the loading code itself. A cache file that is
truncated, foreign or from another version fails its checks and is ignored and rebuilt, never
trusted; writers write a temporary file and rename it, so concurrent runs never leave a torn file.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

from site_builder import __version__
from site_builder.domain.model import Finding, Role
from site_builder.loading.files import SourceFile, Stamp, UnreadFile
from site_builder.loading.plancodec import Restored, Uncacheable, encode, restore

__all__ = ["Restored", "Store", "cache_file", "code_key", "configure", "is_enabled", "open_store"]

MAGIC = b"VAP-PARSE-CACHE 3\n"
_CHECK = 8
"""Bytes of the body's check value: length and CRC-32, which catch a torn or damaged file (the
entries themselves are keyed by BLAKE2 hashes of the plan files, which must never collide)."""
SMALL_CHANGE = 50
"""Files re-parsed in a later run of one process below which the cache file is not rewritten."""
_SOURCES = ("loading", "domain")
"""Packages whose code decides what a file parses to: a change to any of them empties the cache."""

_enabled = False
"""Off for library callers and tests; the command line turns it on unless `--no-cache` is given."""
_STORES: dict[str, Store] = {}
"""Open stores by cache file: `vap serve` reads the cache file once and then keeps it in memory."""


def configure(*, enabled: bool) -> None:
    """Use (or bypass) the persistent cache for the rest of this process."""
    global _enabled
    _enabled = enabled


def is_enabled() -> bool:
    """Whether this process uses the persistent caches (the rule cache follows the same switch)."""
    return _enabled


def cache_file(plans_dir: Path) -> Path:
    """`.cache/vap/parsed-<name>.bin` in the folder that holds the planning repository."""
    plans = plans_dir.resolve()
    return plans.parent / ".cache" / "vap" / f"parsed-{plans.name}.bin"


def open_store(plans_dir: Path) -> Store | None:
    """The cache of this planning repository, or None when the cache is off (`--no-cache`)."""
    if not _enabled:
        return None
    path = str(cache_file(plans_dir))
    store = _STORES.get(path)
    if store is None:
        store = _STORES[path] = Store(Path(path))
    store.begin()
    return store


def forget_stores() -> None:
    """Drop the stores kept in memory (the next run reads the cache file again)."""
    _STORES.clear()


def code_key(packages: tuple[str, ...] = _SOURCES) -> bytes:
    """Package version, Python's marshal format and a hash of the code of `packages` (of site_builder):
    a cache written by other code is never read (the parse cache: loading and domain)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{__version__} {sys.implementation.cache_tag} {marshal.version}".encode())
    root = Path(__file__).resolve().parents[1]
    for package in packages:
        for source in sorted((root / package).glob("*.py")):
            digest.update(source.name.encode())
            digest.update(source.read_bytes())
    return digest.hexdigest().encode() + b"\n"


SETTLE_NS = 2_000_000_000
"""How long before a run began a file must have last changed for its stamp to vouch for its bytes:
more than the coarsest timestamp granularity of a file system (FAT: 2 s), so an edit within the same
tick as the run that read the file is never mistaken for no edit (that file is hashed every run)."""


class Store:
    """The entries of one cache file: repository path -> (hash of the bytes, stamp or None, head, plan).

    head: (role id or None, loading findings as tuples); plan: the marshalled typed plan (b"": none)."""

    __slots__ = ("_dirty", "_key", "_new", "_old", "_runs", "_started", "path")

    def __init__(self, path: Path) -> None:
        self.path = path
        self._key = code_key()
        self._old: dict[str, tuple[Any, ...]] = self._read()
        self._new: dict[str, tuple[Any, ...]] = {}
        self._dirty = 0
        self._runs = 0
        self._started = time.time_ns()

    def begin(self) -> None:
        """Start a run: entries of files not seen in this run are dropped when it is saved."""
        if self._new:
            self._old = self._new
        self._new = {}
        self._dirty = 0
        self._runs += 1
        self._started = time.time_ns()

    def _read(self) -> dict[str, tuple[Any, ...]]:
        try:
            data = self.path.read_bytes()
        except OSError:
            return {}
        head = MAGIC + self._key
        body = data[len(head) + _CHECK :]
        if not data.startswith(head) or data[len(head) : len(head) + _CHECK] != _check(body):
            return {}  # another version's, another Python's, truncated or damaged: rebuilt on save
        try:
            entries = marshal.loads(body)
        except (EOFError, ValueError, TypeError):
            return {}
        return entries if isinstance(entries, dict) else {}

    def _settled(self, stamp: Stamp | None) -> Stamp | None:
        """The stamp, when the file last changed well before this run began (else None: hash it)."""
        if stamp is None or max(stamp[1], stamp[2]) >= self._started - SETTLE_NS:
            return None
        return stamp

    def unchanged(self, rel: str, stamp: Stamp) -> bool:
        """Whether the file's stamp is the one recorded when its bytes were last hashed, so its bytes
        need not be read. The ctime is set by the kernel on every write and cannot be set back (unlike
        the mtime), and stamps are recorded only for files that had not changed for `SETTLE_NS`."""
        entry = self._old.get(rel)
        return _valid(entry) and entry[1] is not None and entry[1] == stamp  # type: ignore[index]

    def digest(self, source: SourceFile | UnreadFile) -> bytes:
        """The hash of a file's bytes: of those read, or the recorded one of a file left unread."""
        if isinstance(source, SourceFile):
            return hashlib.blake2b(source.data, digest_size=16).digest()
        return self._old[source.rel][0]  # type: ignore[no-any-return]  # unchanged() vouched for it

    def get(self, rel: str, digest: bytes, stamp: Stamp | None) -> Restored | None:
        """The cached plan of the bytes with this hash at this path, or None when it is not (validly)
        cached. stamp: the file's, kept to vouch for these bytes in later runs once it is settled."""
        entry = self._old.get(rel)
        if not _valid(entry) or entry[0] != digest:  # type: ignore[index]
            return None
        try:
            restored = restore(rel, entry[2], entry[3])  # type: ignore[index]
        except Exception:  # a damaged entry of any shape is a miss, never a crash
            return None
        self._keep(rel, entry, stamp)  # type: ignore[arg-type]
        return restored

    def put(
        self, rel: str, data: bytes, stamp: Stamp | None, role: Role | None, findings: list[Finding]
    ) -> bytes:
        """Remember what these bytes at `rel` parse to; gives the hash of the bytes."""
        digest = hashlib.blake2b(data, digest_size=16).digest()
        self._remember(rel, digest, stamp, role, findings)
        return digest

    def keep(
        self, rel: str, digest: bytes, stamp: Stamp | None, role: Role | None, findings: list[Finding]
    ) -> None:
        """This process parsed the file's bytes (with this hash) before: keep its entry, or make one."""
        entry = self._old.get(rel)
        if _valid(entry) and entry[0] == digest:  # type: ignore[index]
            self._keep(rel, entry, stamp)  # type: ignore[arg-type]
        else:
            self._remember(rel, digest, stamp, role, findings)

    def _keep(self, rel: str, entry: tuple[Any, ...], stamp: Stamp | None) -> None:
        """Keep an entry with this run's stamp: a file that has settled since is worth a save."""
        settled = self._settled(stamp)
        if entry[1] != settled:
            entry = (entry[0], settled, *entry[2:])
            self._dirty += settled is not None
        self._new[rel] = entry

    def _remember(
        self, rel: str, digest: bytes, stamp: Stamp | None, role: Role | None, findings: list[Finding]
    ) -> None:
        try:
            head, payload = encode(role, findings, rel)
            body = b"" if payload is None else marshal.dumps(payload)
            marshal.dumps(head)
        except (Uncacheable, ValueError):  # ValueError: a value marshal cannot write
            self._new.pop(rel, None)
            return
        self._new[rel] = (digest, self._settled(stamp), head, body)
        self._dirty += 1

    def discard(self) -> None:
        """Forget every entry and remove the cache file (found damaged after it passed its checks)."""
        self._old, self._new = {}, {}
        _STORES.pop(str(self.path), None)
        with contextlib.suppress(OSError):
            self.path.unlink()

    def digests(self) -> dict[str, bytes]:
        """The hash of each role file's bytes in this run, by path (files the cache cannot hold aside)."""
        return {rel: entry[0] for rel, entry in self._new.items()}

    def save(self) -> None:
        """Write the entries of this run when anything changed: a temporary file, then a rename.

        Later runs of a long-lived process (`vap serve` rebuilding on each save) write only after
        larger changes: a few edited files cost the next process little, and writing 20 MB on every
        save would slow the preview down. The entries of a stale file never match: they are hashed."""
        if not self._dirty and self._new.keys() == self._old.keys():
            return
        if self._runs > 1 and self._dirty < SMALL_CHANGE:
            return
        body = marshal.dumps(self._new)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=self.path.name, suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(MAGIC + self._key + _check(body) + body)
                os.replace(temporary, self.path)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            return  # a read-only checkout: the cache only saves time, never a reason to fail
        self._dirty = 0


def _valid(entry: object) -> bool:
    """An entry of the shape `put` writes (its parts are checked when it is restored)."""
    return entry.__class__ is tuple and len(entry) == 4 and entry[0].__class__ is bytes


def _check(body: bytes) -> bytes:
    """Length and CRC-32 of the body: 20 MB in ~10 ms, where a cryptographic hash takes ~50 ms."""
    return len(body).to_bytes(4, "little") + zlib.crc32(body).to_bytes(4, "little")
