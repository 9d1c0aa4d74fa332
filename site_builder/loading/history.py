"""Each plan's history in the current cycle, read from git once per build for the whole repository:
one `git log` for the commits and the plan files each touched, one `git cat-file --batch` for the
files' bytes at those commits, parsed with the loader's own `read_role`. No process per file.

The cycle is bounded by `cycle_start` (portal.yaml requires it): commits on the first-parent line of
HEAD whose committer date is on or after that day. The plan as it stood before the first of them
(the first parent of that commit) is the baseline the first change is compared with. A change made
on a branch counts from the day its merge reached the main line.

The history of a commit never changes: with the persistent cache on (the command line, unless
`--no-cache`), it is kept in `.cache/vap/history-<plans>.bin` with its HEAD, keyed by the cycle start
and the loading code, so a warm build reads git once (`rev-parse`) and nothing else. After new
commits on the first-parent line of the kept HEAD, only those commits are read: each plan file's
last readable version at the kept HEAD (its blob id, kept too) is what the first new version is
compared with, so the events are exactly those of a whole reading (tested against one).
"""

from __future__ import annotations

import datetime as dt
import marshal
import os
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from site_builder.domain.history import Event, History, plan_events
from site_builder.domain.model import Role
from site_builder.loading import parsecache
from site_builder.loading.files import SourceFile
from site_builder.loading.role_plan import read_role

_MARK = "\x01"
_MAGIC = b"VAP-HISTORY-CACHE 2\n"
_MEMO: dict[tuple[str, str, dt.date], History] = {}
"""Histories by (repository folder, HEAD, cycle start): `vap serve` reads git again only after a commit."""


@dataclass(frozen=True, slots=True)
class _Commit:
    oid: str
    parent: str | None
    day: dt.date
    paths: tuple[str, ...]


def read_history(plans_dir: Path, since: dt.date) -> History:
    """The history of every plan since `since`, or a History saying why there is none."""
    where = _repository(plans_dir)
    if isinstance(where, str):
        return History(since=since, reason=where)
    prefix, head = where
    key = (str(plans_dir.resolve()), head, since)
    if key not in _MEMO:
        _MEMO.clear()  # one repository's history at a time
        stamp = f"{since.isoformat()} {prefix}".encode()
        kept = _cached(plans_dir, stamp)
        if kept is not None and kept.head == head:
            reading = kept
        else:
            extends = kept is not None and _on_main_line(plans_dir, kept.head, head)
            reading = _read(plans_dir, prefix, head, since, kept if extends else None)
            _keep(plans_dir, stamp, reading)
        _MEMO[key] = reading.history(since)
    return _MEMO[key]


@dataclass(frozen=True, slots=True)
class _Reading:
    """What a reading of the history knows: per plan file, its events and its last readable version."""

    head: str
    commits: int
    files: dict[str, tuple[str | None, tuple[Event, ...]]]
    """path -> (blob id of its last readable version, None if none was; its events, oldest first)."""

    def history(self, since: dt.date) -> History:
        by_role: dict[str, list[Event]] = {}
        for _, events in self.files.values():
            if events:  # a file's events belong to the role it is now (its last event's)
                by_role.setdefault(events[-1].role, []).extend(events)
        events_by_role = {r: tuple(sorted(e)) for r, e in sorted(by_role.items())}
        return History(events_by_role, since, None, self.commits)


# -- the persistent cache: the history of one HEAD never changes --------------------------------------


def _cache_path(plans_dir: Path) -> Path:
    return parsecache.cache_file(plans_dir).with_name(f"history-{plans_dir.resolve().name}.bin")


def _cached(plans_dir: Path, stamp: bytes) -> _Reading | None:
    """The reading kept by an earlier build (of this commit or an earlier one), when on and intact."""
    if not parsecache._enabled:
        return None
    try:
        data = _cache_path(plans_dir).read_bytes()
    except OSError:
        return None
    head = _MAGIC + parsecache.code_key() + stamp + b"\n"
    body = data[len(head) + 8 :]
    if not data.startswith(head) or data[len(head) : len(head) + 8] != parsecache._check(body):
        return None
    try:
        kept_head, commits, table = marshal.loads(body)
        files = {path: (last, tuple(_event(row) for row in rows)) for path, (last, rows) in table.items()}
    except (ValueError, EOFError, TypeError):
        return None
    return _Reading(kept_head, commits, files)


def _event(row: tuple[int, str, str, str, str | None, str | None, str | None, str]) -> Event:
    day, role, kind, outcome, old, new, confirmed_on, title = row
    return Event(dt.date.fromordinal(day), role, kind, outcome, old, new, confirmed_on, title)


def _keep(plans_dir: Path, stamp: bytes, reading: _Reading) -> None:
    """Write the reading for the next build (a temporary file, then a rename); never a reason to fail."""
    if not parsecache._enabled:
        return
    table = {
        path: (
            last,
            [
                (e.day.toordinal(), e.role, e.kind, e.outcome, e.old, e.new, e.confirmed_on, e.title)
                for e in events
            ],
        )
        for path, (last, events) in reading.files.items()
    }
    body = marshal.dumps((reading.head, reading.commits, table))
    path = _cache_path(plans_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "wb") as file:
            file.write(_MAGIC + parsecache.code_key() + stamp + b"\n" + parsecache._check(body) + body)
        os.replace(temporary, path)
    except OSError:
        return


def _git(plans_dir: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    return subprocess.run(
        ["git", "-c", "core.quotepath=off", *args],
        cwd=plans_dir,
        input=stdin,
        capture_output=True,
        check=False,
        env=env,
    )


def _repository(plans_dir: Path) -> tuple[str, str] | str:
    """(path of plans/ inside the repository, HEAD), or why the history cannot be read."""
    try:
        run = _git(plans_dir, "rev-parse", "--is-shallow-repository", "--show-prefix", "--verify", "HEAD")
    except FileNotFoundError:
        return "git is not installed"
    except OSError as exc:
        return f"git could not be run ({exc.strerror or exc})"
    if run.returncode != 0:
        text = run.stderr.decode(errors="replace")
        if "not a git repository" in text:
            return "the planning repository is not a git repository"
        return "the git repository has no commits yet" if "HEAD" in text else f"git failed: {text.strip()}"
    shallow, prefix, head = [*run.stdout.decode().split("\n"), "", ""][:3]
    if shallow.strip() == "true":
        return "the git repository is a shallow clone (fetch its whole history: git fetch --unshallow)"
    return prefix.strip(), head.strip()


def _on_main_line(plans_dir: Path, kept: str, head: str) -> bool:
    """Whether `kept` lies on the first-parent line of `head` (its history can then be extended)."""
    run = _git(plans_dir, "rev-list", "--first-parent", "--parents", head, f"^{kept}")
    lines = run.stdout.decode().split("\n") if run.returncode == 0 else []
    oldest = [line for line in lines if line][-1:]
    # not so after a rewritten history, a reset, or when the kept HEAD is reached only through a merge
    return bool(oldest) and oldest[0].split(" ")[1:2] == [kept]


def _read(plans_dir: Path, prefix: str, head: str, since: dt.date, kept: _Reading | None) -> _Reading:
    """The history up to `head`: all of it, or only the commits after the kept reading's HEAD."""
    commits = _commits(plans_dir, head, since, after=kept.head if kept else None)
    earlier = dict(kept.files) if kept else {}
    wanted: dict[str, list[tuple[dt.date, str]]] = {}  # path -> (day, blob name) oldest first
    for c in reversed(commits):
        for path in c.paths:
            versions = wanted.setdefault(path, [])
            if not versions and path in earlier:  # compared with its last readable version so far
                last = earlier[path][0]
                versions.append((dt.date.min, last or ""))
            elif not versions and c.parent:  # the baseline: the plan as the cycle began
                versions.append((dt.date.min, f"{c.parent}:{prefix}{path}"))
            versions.append((c.day, f"{c.oid}:{prefix}{path}"))
    blobs = _blobs(plans_dir, sorted({name for vs in wanted.values() for _, name in vs if name}))
    parsed: dict[str, Role | None] = {}
    name = plans_dir.name
    files = dict(earlier)
    for path, versions in sorted(wanted.items()):
        roles: list[tuple[dt.date, Role | None]] = []
        last = earlier[path][0] if path in earlier else None
        for day, blob_name in versions:
            oid, data = blobs.get(blob_name, (None, None))
            if oid is not None and data is not None and oid not in parsed:
                parsed[oid] = read_role(SourceFile(f"{name}/{path}", data), [])
            role = parsed.get(oid) if oid is not None else None
            roles.append((day, role))
            if role is not None:
                last = oid
        baseline = versions[0][0] == dt.date.min
        events = plan_events(roles, baseline=baseline)
        files[path] = (last, (*(earlier[path][1] if path in earlier else ()), *events))
    return _Reading(head, (kept.commits if kept else 0) + len(commits), files)


def _plan_file(path: str) -> bool:
    """Role plans only, as the loader reads them: roles/**.yaml|yml, nothing hidden (. or _)."""
    parts = path.split("/")
    return (
        len(parts) >= 2
        and parts[0] == "roles"
        and path.endswith((".yaml", ".yml"))
        and not any(p.startswith((".", "_")) for p in parts)
        and not path.startswith('"')
    )


def _commits(plans_dir: Path, head: str, since: dt.date, *, after: str | None = None) -> list[_Commit]:
    """Commits of the cycle that touched a plan file, newest first (one `git log`); only those after
    `after` when given."""
    # git's --since reads a bare date at the current time of day: go two days early, filter exactly
    early = (since - dt.timedelta(days=2)).isoformat()
    run = _git(
        plans_dir,
        "log",
        "--first-parent",
        "--no-renames",
        "--relative",
        "--name-only",
        f"--format={_MARK}%H %cs %P",
        f"--since={early}",
        head,
        *([f"^{after}"] if after else []),
        "--",
        ".",
    )
    if run.returncode != 0:
        return []
    out: list[_Commit] = []
    for block in run.stdout.decode("utf-8", errors="replace").split(_MARK)[1:]:
        head_line, _, names = block.partition("\n")
        oid, day, *parents = head_line.split(" ")
        when = dt.date.fromisoformat(day)
        if when < since:
            continue
        paths = tuple(sorted(p for p in names.split("\n") if p and _plan_file(p)))
        if paths:
            out.append(_Commit(oid, parents[0] if parents else None, when, paths))
    return out


def _blobs(plans_dir: Path, names: list[str]) -> dict[str, tuple[str, bytes]]:
    """`rev:path` or a blob id -> (blob id, the file's bytes), for those that exist (one `git cat-file
    --batch`)."""
    proc = subprocess.Popen(
        ["git", "cat-file", "--batch"],
        cwd=plans_dir,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdin is not None and proc.stdout is not None
    request = "".join(f"{n}\n" for n in names).encode()

    def feed() -> None:
        assert proc.stdin is not None
        try:
            proc.stdin.write(request)
        finally:
            proc.stdin.close()

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    out = {name: (oid, data) for name, oid, data in _answers(proc.stdout, names)}
    writer.join()
    proc.wait()
    return out


def _answers(reader: IO[bytes], names: list[str]) -> Iterator[tuple[str, str, bytes]]:
    """cat-file's answers, in the order asked: `<oid> <type> <size>` and the bytes, or `<name> missing`."""
    for name in names:
        fields = reader.readline().split()
        if len(fields) != 3 or fields[-1] in (b"missing", b"ambiguous"):
            continue  # the file did not exist at that revision
        data = reader.read(int(fields[2]))
        reader.read(1)
        if fields[1] == b"blob":
            yield name, fields[0].decode(), data


__all__ = ["History", "read_history"]
