"""Finding and reading the files of a planning repository (the only module of loading that touches disk)."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from site_builder.domain.model import Finding, Loc
from site_builder.errors import PortalError

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class SourceFile:
    rel: str
    """Path relative to the folder that holds plans/, with forward slashes (as findings show it)."""
    data: bytes


@dataclass(frozen=True, slots=True)
class Sources:
    portal: SourceFile | None
    strategy: SourceFile | None
    roles: tuple[SourceFile, ...]


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
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # missing or a broken link: the caller reports that
    if stat.S_ISREG(mode):
        return None
    return next((what for test, what in _KINDS if test(mode)), "not a regular file")


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


def read_sources(plans_dir: Path, findings: list[Finding]) -> Sources:
    """Every plan file's bytes, refusing symbolic links that lead outside plans/."""
    if not plans_dir.is_dir():
        raise PortalError(
            f"no planning repository at '{plans_dir}': expected a folder holding portal.yaml, "
            "strategy.yaml and roles/ (create one with 'vap init DIR')"
        )
    root = plans_dir.resolve()
    base = plans_dir.parent
    prefix = os.path.join(str(base), "") if str(base) not in ("", ".") else ""

    def rel(path: Path | str) -> str:
        text = str(path)
        if prefix and text.startswith(prefix):  # plain strings: pathlib costs ~30 us a file
            text = text[len(prefix) :]
        elif prefix:
            return Path(path).relative_to(base).as_posix()
        return text.replace(os.sep, "/") if os.sep != "/" else text

    seen: dict[str, str] = {}  # real path -> the plan file (rel) that was read from it

    def refuse(path: Path | str, rule: str, message: str, hint: str) -> None:
        findings.append(Finding("error", rule, message, Loc(shown_name(rel(path)), 1, 1), hint=hint))

    def read(path: Path | str, *, linked: bool = True) -> SourceFile | None:
        what = not_a_file(path)
        if what is not None:
            refuse(
                path,
                "schema",
                f"{Path(path).name} is {what}, not a file; it is not read",
                "replace it with a YAML file (or remove it)",
            )
            return None
        if not linked:  # a plain file found by the walk
            try:
                with open(path, "rb") as file:
                    return SourceFile(rel(path), file.read())
            except OSError as exc:
                raise PortalError(f"cannot read {rel(path)}: {exc.strerror}") from exc
        path = Path(path)
        real = _target(path)
        if real is None or not _inside(real, root):
            findings.append(
                Finding(
                    "error",
                    "unsafe-path",
                    "symbolic link leads outside plans/; it is not read"
                    if real
                    else "symbolic link leads nowhere (its target is missing, or links loop); it is not read",
                    Loc(rel(path), 1, 1),
                    hint="copy the file into plans/ instead of linking to it",
                )
            )
            return None
        first = seen.get(str(real))
        if first is not None:
            refuse(
                path,
                "duplicate-id",
                f"symbolic link leads to {first}, which is already read as a plan",
                "one plan, one file: remove the link",
            )
            return None
        seen[str(real)] = rel(path)
        try:
            return SourceFile(rel(path), real.read_bytes())
        except OSError as exc:
            raise PortalError(f"cannot read {rel(path)}: {exc.strerror}") from exc

    def top(name: str) -> SourceFile | None:
        path = plans_dir / name
        if not path.exists() and not path.is_symlink():
            findings.append(
                Finding(
                    "error",
                    "schema",
                    f"required file {name} is missing",
                    Loc(rel(plans_dir) + "/" + name),
                    hint="run 'vap init' in an empty folder to see a complete example",
                )
            )
            return None
        return read(path)

    portal = top("portal.yaml")
    strategy = top("strategy.yaml")
    roles_dir = plans_dir / "roles"
    roles: list[SourceFile] = []
    if not roles_dir.is_dir():
        what = not_a_file(roles_dir) or "a file"
        findings.append(
            Finding(
                "error",
                "schema",
                f"roles is {what}, but must be a folder of role files"
                if roles_dir.exists()
                else "required folder roles/ is missing",
                Loc(rel(plans_dir) + "/roles"),
                hint="create plans/roles/ with one YAML file per role",
            )
        )
        return Sources(portal, strategy, ())
    before = len(findings)
    walked = _walk(roles_dir, root, findings, rel)
    for path, linked in walked:
        if not linked:  # a plain file's real path: links to it are duplicates
            seen[os.path.join(str(root), os.path.relpath(path, str(plans_dir)))] = rel(path)
    for path, linked in walked:
        source = read(path, linked=linked)
        if source is not None:
            roles.append(source)
    if not walked and len(findings) == before:
        findings.append(
            Finding(
                "error",
                "schema",
                "roles/ holds no role file (*.yaml)",
                Loc(rel(plans_dir) + "/roles"),
                hint="write one YAML file per role; 'vap new role ID' writes a skeleton",
            )
        )
    return Sources(portal, strategy, tuple(roles))


def _walk(folder: Path, root: Path, findings: list[Finding], rel: object) -> list[tuple[str, bool]]:
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
            if bad_name(entry.name):
                findings.append(
                    Finding(
                        "error",
                        "encoding",
                        "file name is not valid UTF-8; it is not read",
                        Loc(shown_name(rel(path))),  # type: ignore[operator]
                        hint="rename it with letters, digits and - only",
                    )
                )
                continue
            folded = entry.name.casefold().rsplit(".", 1)[0] if entry.name.endswith(YAML_SUFFIXES) else None
            if folded is not None and folded in clash:  # both are read: their ids judge them too
                findings.append(
                    Finding(
                        "error",
                        "duplicate-id",
                        f"{entry.name} and {clash[folded]} differ only in case or extension; "
                        "some file systems cannot hold both, and they name one role",
                        Loc(rel(path)),  # type: ignore[operator]
                        hint="keep one of them",
                    )
                )
            if folded is not None:
                clash[folded] = entry.name
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
                                Loc(rel(path)),  # type: ignore[operator]
                                hint="copy the folder into plans/ instead of linking to it",
                            )
                        )
                    continue  # a link to a folder inside plans/ is read where it really is
                subfolders.append(path)
            elif entry.name.endswith(YAML_SUFFIXES):
                out.append((path, entry.is_symlink()))
        pending.extend(reversed(subfolders))
    return sorted(out, key=lambda item: item[0].split(os.sep))  # the order of Path parts
