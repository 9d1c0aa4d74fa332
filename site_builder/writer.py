"""Writing the generated docs tree: only files whose text changed are rewritten, stale ones removed.

Unchanged files keep their modification time, so MkDocs (and the serve path) can skip them,
and two builds of the same plans leave the tree byte-identical.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class WriteStats:
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]


def write_tree(root: Path, files: Mapping[str, str]) -> WriteStats:
    """Make `root` hold exactly `files` (path -> text), touching only what differs."""
    root.mkdir(parents=True, exist_ok=True)
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
    return WriteStats(tuple(written), unchanged, tuple(sorted(removed)))
