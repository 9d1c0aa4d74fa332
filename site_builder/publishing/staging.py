"""The staging folder: where a publication is built, outside the served folder, and swapped in whole.

Default `.<DIR name>.vap-staging` beside the publish folder DIR (same parent, so normally the same
file system, which the one-step swap needs). Entries are named `<pid>-...`; those of a run that no
longer lives are swept by the next publish, and a folder a killed run had moved aside is put back.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from site_builder.errors import PortalError
from site_builder.publishing.atomic import (
    ExchangeUnsupported,
    alive,
    exchange,
    remove,
    same_file_system,
    write_synced,
)

SUFFIX = ".vap-staging"
LEGACY_PREFIX = ".tmp-"
_ENTRY = re.compile(r"^(\d+)-")
_LEGACY = re.compile(r"^\.tmp-(\d+)-(new|old)-(.+)$")
NO_EXCHANGE = (
    "this file system cannot exchange two folders in one step (renameat2 with RENAME_EXCHANGE, Linux); "
    "{dest} was replaced by two renames, so a reader could have got 'not found' for that moment"
)


def default_staging(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}{SUFFIX}"


def staging_dir(out_dir: Path, explicit: Path | None) -> Path:
    """The staging folder, created: outside the publish folder, on its file system; else a clear error."""
    folder = explicit.resolve() if explicit is not None else default_staging(out_dir)
    if folder.is_relative_to(out_dir) or out_dir.is_relative_to(folder):
        raise PortalError(
            f"the staging folder {folder} and the publish folder {out_dir} are inside one another; readers "
            "could reach half-built files. Pass --staging DIR: a folder beside the publish folder"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PortalError(
            f"cannot create the staging folder {folder} ({exc.strerror}); pass --staging DIR: a folder "
            "outside the publish folder, on the same file system"
        ) from exc
    if not same_file_system(folder, out_dir):
        raise PortalError(
            f"the staging folder {folder} is on another file system than {out_dir}, so the finished "
            "publication could not be moved in in one step; pass --staging DIR on the same file system"
        )
    return folder


def sweep(staging: Path) -> list[str]:
    """Remove what killed runs left in staging; a folder they had moved aside goes back first."""
    stale = [
        e
        for e in sorted(staging.iterdir())
        if (m := _ENTRY.match(e.name)) and (int(m.group(1)) == os.getpid() or not alive(int(m.group(1))))
    ]
    notes = []
    for journal in (e for e in stale if e.name.endswith(".dest")):
        dest = Path(journal.read_text(encoding="utf-8").strip())
        aside = journal.with_name(journal.name.removesuffix(".dest"))
        if aside.exists() and not dest.exists():
            os.rename(aside, dest)
            notes.append(f"put {dest} back: a publish was killed while replacing it")
    for entry in stale:
        remove(entry)
    if stale:
        pids = ", ".join(sorted({e.name.split("-", 1)[0] for e in stale}, key=int))
        notes.append(f"removed staging left in {staging} by an interrupted publish (process {pids})")
    return notes


def sweep_legacy(root: Path) -> None:
    """Earlier versions staged `.tmp-<pid>-...` inside the publish folder; a cycle moved aside goes back."""
    for entry in sorted(root.glob(LEGACY_PREFIX + "*")):
        match = _LEGACY.match(entry.name)
        if match and match.group(2) == "old" and not (root / match.group(3)).exists():
            os.rename(entry, root / match.group(3))
        else:
            remove(entry)


def entry(staging: Path, name: str) -> Path:
    """A path in staging that belongs to this run."""
    return staging / f"{os.getpid()}-{name}"


@dataclass(slots=True)
class Swap:
    """A finished folder moved into place; `old` holds what it replaced until `finish` removes it."""

    new: Path
    dest: Path
    old: Path | None
    journal: Path | None = None
    note: str | None = None

    def undo(self) -> None:
        """Put the replaced folder back (the new one returns to staging)."""
        if self.old is None:
            os.rename(self.dest, self.new)
        elif self.journal is None:
            exchange(self.old, self.dest)
        else:
            os.rename(self.dest, self.new)
            os.rename(self.old, self.dest)
            remove(self.journal)

    def finish(self) -> None:
        for path in (self.old, self.journal):
            if path is not None:
                remove(path)


def swap_in(new: Path, dest: Path, staging: Path) -> Swap:
    """Move the complete folder `new` to `dest` in one step a reader cannot see half of."""
    if not dest.exists():
        os.rename(new, dest)
        return Swap(new, dest, None)
    try:
        exchange(new, dest)
        return Swap(new, dest, new)
    except ExchangeUnsupported:
        pass
    aside = entry(staging, f"aside-{dest.name}")
    journal = aside.with_name(aside.name + ".dest")
    write_synced(journal, str(dest))
    os.rename(dest, aside)
    try:
        os.rename(new, dest)  # a run killed between these two renames is put back by the next sweep
    except BaseException:
        os.rename(aside, dest)
        remove(journal)
        raise
    return Swap(new, dest, aside, journal, NO_EXCHANGE.format(dest=dest))


def remove_if_empty(*folders: Path) -> None:
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()
