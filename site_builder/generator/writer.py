"""Writing the generated docs tree: only files whose text changed are rewritten, stale ones removed.

Unchanged files keep their modification time, so MkDocs (and the serve path) can skip them,
and two builds of the same plans leave the tree byte-identical.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class WriteStats:
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]


def write_tree(
    root: Path,
    files: Mapping[str, str],
    *,
    changed: Collection[str] | None = None,
    previous: Collection[str] | None = None,
) -> WriteStats:
    """Make `root` hold exactly `files` (path -> text), touching only what differs.

    With `changed` and `previous` (what this process wrote there last time), only the changed paths
    are compared and only paths that disappeared are removed: 10,000 roles need no 20,000 reads.
    """
    root.mkdir(parents=True, exist_ok=True)
    if changed is not None and previous is not None:
        todo = {rel: files[rel] for rel in {*changed, *(files.keys() - set(previous))} if rel in files}
        written, _ = _write(root, todo)
        gone = sorted(set(previous) - files.keys())
        for rel in gone:
            (root / rel).unlink(missing_ok=True)
        return WriteStats(written, len(files) - len(written), tuple(gone))
    written, unchanged = _write(root, files)
    removed: list[str] = []
    for dirpath, _dirs, names in os.walk(root, topdown=False):
        for name in names:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if rel not in files:
                path.unlink()
                removed.append(rel)
        if dirpath != str(root) and not os.listdir(dirpath):
            os.rmdir(dirpath)
    return WriteStats(written, unchanged, tuple(sorted(removed)))


def _write(root: Path, files: Mapping[str, str]) -> tuple[tuple[str, ...], int]:
    """Write each file whose text differs from what is on disk; (written paths, unchanged count)."""
    written: list[str] = []
    unchanged = 0
    for rel, text in sorted(files.items()):
        path = root / rel
        data = text.encode("utf-8")
        try:
            if path.read_bytes() == data:
                unchanged += 1
                continue
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        written.append(rel)
    return tuple(written), unchanged
