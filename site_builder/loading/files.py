"""Finding and reading the files of a planning repository (the only module of loading that touches disk)."""

from __future__ import annotations

import os
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

    def read(path: Path | str, *, linked: bool = True) -> SourceFile | None:
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
        findings.append(
            Finding(
                "error",
                "schema",
                "required folder roles/ is missing",
                Loc(rel(plans_dir) + "/roles"),
                hint="create plans/roles/ with one YAML file per role",
            )
        )
    else:
        for path, linked in _walk(roles_dir, root, findings, rel):
            source = read(path, linked=linked)
            if source is not None:
                roles.append(source)
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
        for entry in entries:
            if _ignored(entry.name):
                continue
            path = entry.path
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
