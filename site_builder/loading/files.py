"""Finding and reading the files of a planning repository (the only module of loading that touches disk)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from site_builder.domain.model import Finding, Loc
from site_builder.errors import PortalError

YAML_SUFFIXES = (".yaml", ".yml")


Stamp = tuple[int, int, int, int, int]
"""Of a file: size, mtime and ctime in nanoseconds, inode, device (see parsecache.Store.unchanged)."""


def stamp_of(stat: os.stat_result) -> Stamp:
    """What the file system says about a file without reading it."""
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev)


@dataclass(frozen=True, slots=True)
class SourceFile:
    rel: str
    """Path relative to the folder that holds plans/, with forward slashes (as findings show it)."""
    data: bytes
    stamp: Stamp | None = None
    """The file's stamp when it was read (plain files found by the walk; None for links)."""


@dataclass(frozen=True, slots=True)
class UnreadFile:
    """A role file not read because the parse cache vouches for its bytes (its stamp is unchanged)."""

    rel: str
    stamp: Stamp
    path: str
    """Where to read it after all (a damaged cache entry)."""


@dataclass(frozen=True, slots=True)
class Sources:
    portal: SourceFile | None
    strategy: SourceFile | None
    roles: tuple[SourceFile | UnreadFile, ...]


Unchanged = Callable[[str, Stamp], bool]
"""Whether a role file (path as findings show it, stamp) is known unchanged: its bytes need no reading."""


def _ignored(name: str) -> bool:
    return name.startswith((".", "_"))


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _target(path: Path) -> Path | None:
    """Where a (possibly linked) file really is; None for a dangling link or a loop of links."""
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop, before Python 3.13
        return None


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def not_a_file(path: Path | str) -> str | None:
    """What a path is when it is not a regular file ("a named pipe (FIFO)"...), found without opening it.

    Opening a FIFO for reading waits for a writer forever; a device may never end: neither is read.
    """
    return _kind(path)[0]


def _kind(path: Path | str) -> tuple[str | None, os.stat_result | None]:
    """not_a_file's answer and the stat it read (None when the path is missing or a broken link)."""
    try:
        found = os.stat(path)
    except OSError:
        return None, None  # missing or a broken link: the caller reports that
    if stat.S_ISREG(found.st_mode):
        return None, found
    return next((what for test, what in _KINDS if test(found.st_mode)), "not a regular file"), found


def bad_name(name: str) -> bool:
    """A file name that is not valid UTF-8 (os.scandir hands it over with surrogate escapes)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def shown_name(path: str) -> str:
    """A path for a finding, readable even when its bytes are not UTF-8."""
    return os.fsencode(path).decode("utf-8", "replace")


def read_sources(plans_dir: Path, findings: list[Finding], unchanged: Unchanged | None = None) -> Sources:
    """Every plan file's bytes, refusing links that lead outside plans/ and anything that is not a file.

    unchanged: role files (not links) it vouches for are not read (UnreadFile): the parse cache."""
    if not plans_dir.is_dir():
        raise PortalError(
            f"no planning repository at '{plans_dir}': expected a folder holding portal.yaml, "
            "strategy.yaml and roles/ (create one with 'vap init DIR')"
        )
    reader = _Reader(plans_dir, findings, unchanged)
    portal = reader.top("portal.yaml")
    strategy = reader.top("strategy.yaml")
    return Sources(portal, strategy, reader.roles())


def read_again(unread: UnreadFile) -> SourceFile:
    """The bytes of a file read_sources did not read (the cache could not give its plan after all)."""
    try:
        with open(unread.path, "rb") as file:
            return SourceFile(unread.rel, file.read())
    except OSError as exc:
        raise PortalError(f"cannot read {unread.rel}: {exc.strerror}") from exc


class _Reader:
    """Reads one planning repository; every refusal becomes a finding naming the file."""

    def __init__(self, plans_dir: Path, findings: list[Finding], unchanged: Unchanged | None = None) -> None:
        self.plans_dir = plans_dir
        self.findings = findings
        self.unchanged = unchanged
        self.root = plans_dir.resolve()
        self.base = plans_dir.parent
        self.prefix = os.path.join(str(self.base), "") if str(self.base) not in ("", ".") else ""
        self.seen: dict[str, str] = {}
        """Real path -> the plan file (rel) read from it: a second way to the same file is a duplicate."""

    def rel(self, path: Path | str) -> str:
        text = str(path)
        if self.prefix and text.startswith(self.prefix):  # plain strings: pathlib costs ~30 us a file
            text = text[len(self.prefix) :]
        elif self.prefix:
            return Path(path).relative_to(self.base).as_posix()
        return text.replace(os.sep, "/") if os.sep != "/" else text

    def refuse(self, path: Path | str, rule: str, message: str, hint: str, *, line: int | None = 1) -> None:
        loc = Loc(shown_name(self.rel(path)), line, 1 if line else None)
        self.findings.append(Finding("error", rule, message, loc, hint=hint))

    def read(self, path: Path | str, *, linked: bool = True) -> SourceFile | UnreadFile | None:
        what, found = _kind(path)  # a stat, never an open: a FIFO would block, a device never end
        if what is not None:
            hint = "replace it with a YAML file (or remove it)"
            self.refuse(path, "schema", f"{Path(path).name} is {what}, not a file; it is not read", hint)
            return None
        if not linked:  # a plain file found by the walk
            rel = self.rel(path)
            stamp = None if found is None else stamp_of(found)
            if stamp is not None and self.unchanged is not None and self.unchanged(rel, stamp):
                return UnreadFile(rel, stamp, str(path))
            try:
                with open(path, "rb") as file:
                    return SourceFile(rel, file.read(), stamp)
            except OSError as exc:
                raise PortalError(f"cannot read {rel}: {exc.strerror}") from exc
        real = _target(Path(path))
        if real is None or not _inside(real, self.root):
            message = (
                "symbolic link leads outside plans/; it is not read"
                if real
                else "symbolic link leads nowhere (its target is missing, or links loop); it is not read"
            )
            self.refuse(path, "unsafe-path", message, "copy the file into plans/ instead of linking to it")
            return None
        first = self.seen.get(str(real))
        if first is not None:
            message = f"symbolic link leads to {first}, which is already read as a plan"
            self.refuse(path, "duplicate-id", message, "one plan, one file: remove the link")
            return None
        self.seen[str(real)] = self.rel(path)
        try:
            return SourceFile(self.rel(path), real.read_bytes())
        except OSError as exc:
            raise PortalError(f"cannot read {self.rel(path)}: {exc.strerror}") from exc

    def top(self, name: str) -> SourceFile | None:
        path = self.plans_dir / name
        if not path.exists() and not path.is_symlink():
            hint = "run 'vap init' in an empty folder to see a complete example"
            self.refuse(path, "schema", f"required file {name} is missing", hint, line=None)
            return None
        source = self.read(path)  # linked: always read
        return source if isinstance(source, SourceFile) else None

    def roles(self) -> tuple[SourceFile | UnreadFile, ...]:
        folder = self.plans_dir / "roles"
        hint = "create plans/roles/ with one YAML file per role"
        if not folder.is_dir():
            what = not_a_file(folder) or "a file"
            exists = folder.exists()
            message = f"roles is {what}, but must be a folder of role files" if exists else ""
            self.refuse(folder, "schema", message or "required folder roles/ is missing", hint, line=None)
            return ()
        before = len(self.findings)
        walked = _walk(folder, self.root, self.findings, self.rel)
        inside = os.path.join(str(self.plans_dir), "")
        root = os.path.join(str(self.root), "")
        for path, linked in walked:
            if not linked:  # a plain file's real path: links to it are duplicates
                text = str(path)
                # the walk joins names to the folder: a prefix cut is relpath without its ~30 us a file
                rel = text[len(inside) :] if text.startswith(inside) else os.path.relpath(text, inside)
                self.seen[root + rel] = self.rel(path)
        if not walked and len(self.findings) == before:
            hint = "write one YAML file per role; 'vap new role ID' writes a skeleton"
            self.refuse(folder, "schema", "roles/ holds no role file (*.yaml)", hint, line=None)
        read = (self.read(path, linked=linked) for path, linked in walked)
        return tuple(source for source in read if source is not None)


def _name_problem(name: str, clash: dict[str, str]) -> tuple[str, str, str] | None:
    """(rule, message, hint) for a file name that cannot be a plan's, or that clashes with another's."""
    if bad_name(name):
        return "encoding", "file name is not valid UTF-8; it is not read", "rename it: letters, digits and -"
    if not name.endswith(YAML_SUFFIXES):
        return None
    folded = name.casefold().rsplit(".", 1)[0]
    first = clash.setdefault(folded, name)
    if first != name:  # both are read: their ids judge them too
        message = (
            f"{name} and {first} differ only in case or extension; "
            "some file systems cannot hold both, and they name one role"
        )
        return "duplicate-id", message, "keep one of them"
    return None


def _walk(
    folder: Path, root: Path, findings: list[Finding], rel: Callable[[str], str]
) -> list[tuple[str, bool]]:
    """Role files below folder (path, is a symlink), sorted; links to folders outside plans/ are refused.

    Folders reached through links are never entered, so only files that are links themselves need
    resolving (realpath on 10,000 plain files would cost a second).
    """
    out: list[tuple[str, bool]] = []
    pending = [str(folder)]
    while pending:
        current = pending.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as exc:
            raise PortalError(f"cannot list {current}: {exc.strerror}") from exc
        subfolders: list[str] = []
        clash: dict[str, str] = {}
        for entry in entries:
            if _ignored(entry.name):
                continue
            path = entry.path
            problem = _name_problem(entry.name, clash)
            if problem is not None:
                rule, message, hint = problem
                findings.append(Finding("error", rule, message, Loc(shown_name(rel(path))), hint=hint))
                if rule == "encoding":
                    continue
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
            except OSError:  # a loop of links; read() reports it if it is named like a plan file
                is_dir = False
            if is_dir:
                if entry.is_symlink():
                    if not _inside(Path(path).resolve(), root):
                        findings.append(
                            Finding(
                                "error",
                                "unsafe-path",
                                "symbolic link leads outside plans/; it is not read",
                                Loc(rel(path)),
                                hint="copy the folder into plans/ instead of linking to it",
                            )
                        )
                    continue  # a link to a folder inside plans/ is read where it really is
                subfolders.append(path)
            elif entry.name.endswith(YAML_SUFFIXES):
                out.append((path, entry.is_symlink()))
        pending.extend(reversed(subfolders))
    return sorted(out, key=lambda item: item[0].split(os.sep))  # the order of Path parts
