"""Each plan's history in the current cycle, read from git once per build for the whole repository:
one `git log` for the commits and the plan files each touched, one `git cat-file --batch` for the
files' bytes at those commits, parsed with the loader's own `read_role`. No process per file.

The cycle is bounded by `cycle_start` (portal.yaml requires it): commits on the first-parent line of
HEAD whose committer date is on or after that day. The plan as it stood before the first of them
(the first parent of that commit) is the baseline the first change is compared with. A change made
on a branch counts from the day its merge reached the main line.

The history of a commit never changes: with the persistent cache on (the command line, unless
`--no-cache`), it is kept in `.cache/vap/history-<plans>.bin` keyed by HEAD, the cycle start and the
loading code, so a warm build reads git once (`rev-parse`) and nothing else.
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
_MAGIC = b"VAP-HISTORY-CACHE 1\n"
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
        stamp = f"{head} {since.isoformat()} {prefix}".encode()
        history = _cached(plans_dir, stamp, since)
        if history is None:
            history = _read(plans_dir, prefix, head, since)
            _keep(plans_dir, stamp, history)
        _MEMO[key] = history
    return _MEMO[key]


# -- the persistent cache: the history of one HEAD never changes --------------------------------------


def _cache_path(plans_dir: Path) -> Path:
    return parsecache.cache_file(plans_dir).with_name(f"history-{plans_dir.resolve().name}.bin")


def _cached(plans_dir: Path, stamp: bytes, since: dt.date) -> History | None:
    """The history kept by an earlier build of the same commit, when the cache is on and intact."""
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
        commits, table = marshal.loads(body)
        events = {role: tuple(_event(role, row) for row in rows) for role, rows in table.items()}
    except (ValueError, EOFError, TypeError):
        return None
    return History(events, since, None, commits)


def _event(role: str, row: tuple[int, str, str, str | None, str | None, str | None, str]) -> Event:
    day, kind, outcome, old, new, confirmed_on, title = row
    return Event(dt.date.fromordinal(day), role, kind, outcome, old, new, confirmed_on, title)


def _keep(plans_dir: Path, stamp: bytes, history: History) -> None:
    """Write the history for the next build (a temporary file, then a rename); never a reason to fail."""
    if not parsecache._enabled:
        return
    table = {
        role: [(e.day.toordinal(), e.kind, e.outcome, e.old, e.new, e.confirmed_on, e.title) for e in events]
        for role, events in history.events.items()
    }
    body = marshal.dumps((history.commits, table))
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


def _read(plans_dir: Path, prefix: str, head: str, since: dt.date) -> History:
    commits = _commits(plans_dir, head, since)
    wanted: dict[str, list[tuple[dt.date, str]]] = {}  # path -> (day, revision) oldest first
    for c in reversed(commits):
        for path in c.paths:
            versions = wanted.setdefault(path, [])
            if not versions and c.parent:  # the baseline: the plan as the cycle began
                versions.append((dt.date.min, c.parent))
            versions.append((c.day, c.oid))
    blobs = _blobs(plans_dir, [f"{rev}:{prefix}{path}" for path, vs in wanted.items() for _, rev in vs])
    parsed: dict[bytes, Role | None] = {}
    by_role: dict[str, list[Event]] = {}
    name = plans_dir.name
    for path, versions in sorted(wanted.items()):
        roles = []
        for day, rev in versions:
            data = blobs.get(f"{rev}:{prefix}{path}")
            if data is not None and data not in parsed:
                parsed[data] = read_role(SourceFile(f"{name}/{path}", data), [])
            roles.append((day, parsed[data] if data is not None else None))
        baseline = versions[0][0] == dt.date.min
        events = plan_events(roles, baseline=baseline)
        if events:
            by_role.setdefault(events[-1].role, []).extend(events)
    events_by_role = {r: tuple(sorted(e)) for r, e in sorted(by_role.items())}
    return History(events_by_role, since, None, len(commits))


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


def _commits(plans_dir: Path, head: str, since: dt.date) -> list[_Commit]:
    """Commits of the cycle that touched a plan file, newest first (one `git log`)."""
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


def _blobs(plans_dir: Path, names: list[str]) -> dict[str, bytes]:
    """`rev:path` -> the file's bytes, for those that exist (one `git cat-file --batch`)."""
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
    out = dict(_answers(proc.stdout, names))
    writer.join()
    proc.wait()
    return out


def _answers(reader: IO[bytes], names: list[str]) -> Iterator[tuple[str, bytes]]:
    """cat-file's answers, in the order asked: `<oid> <type> <size>` and the bytes, or `<name> missing`."""
    for name in names:
        fields = reader.readline().split()
        if len(fields) != 3 or fields[-1] in (b"missing", b"ambiguous"):
            continue  # the file did not exist at that revision
        data = reader.read(int(fields[2]))
        reader.read(1)
        if fields[1] == b"blob":
            yield name, data


__all__ = ["History", "read_history"]
