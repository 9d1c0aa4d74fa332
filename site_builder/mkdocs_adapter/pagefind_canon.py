"""Pagefind's index made byte-for-byte reproducible: its filter files list values in hash-map order.

Pagefind writes each filter's values, and the list of filters in its metadata file, in the order of a
Rust hash map seeded at random per process, so two builds of the same plans differed in those files
(and, through their content-hashed names, in the metadata and entry files). This module sorts them
and renames the files by a hash of their new content. The files are gzip streams of a signature
followed by CBOR; a small CBOR reader and writer (the types Pagefind uses) is enough.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

from site_builder.errors import BuildError

SIGNATURE = b"pagefind_dcd"


def _decode(data: bytes, i: int = 0) -> tuple[Any, int]:
    major, info = data[i] >> 5, data[i] & 31
    i += 1
    if major == 7 and info in (20, 21, 22):
        return {20: False, 21: True, 22: None}[info], i
    if info < 24:
        n = info
    elif info <= 27:
        size = 1 << (info - 24)
        n, i = int.from_bytes(data[i : i + size], "big"), i + size
    else:
        raise ValueError(f"CBOR item {major}/{info} is not one Pagefind writes")
    if major == 0:
        return n, i
    if major == 1:
        return -1 - n, i
    if major in (2, 3):
        raw = data[i : i + n]
        return (raw if major == 2 else raw.decode("utf-8")), i + n
    if major in (4, 5):
        items = []
        for _ in range(n * (2 if major == 5 else 1)):
            item, i = _decode(data, i)
            items.append(item)
        return (items if major == 4 else dict(zip(items[::2], items[1::2], strict=True))), i
    raise ValueError(f"CBOR major type {major} is not one Pagefind writes")


def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | info]) + n.to_bytes(size, "big")
    raise ValueError("integer too large for CBOR")


def _encode(value: Any) -> bytes:
    if value is None or isinstance(value, bool):
        return {None: b"\xf6", False: b"\xf4", True: b"\xf5"}[value]
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_encode(v) for v in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(_encode(k) + _encode(v) for k, v in value.items())
    raise ValueError(f"cannot encode {type(value).__name__}")


def _read(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path.name} does not start with Pagefind's signature")
    return _decode(data, len(SIGNATURE))[0]


def _write(folder: Path, prefix: str, digits: int, suffix: tuple[str, str], value: Any) -> str:
    """Writes `value` under a name from its content's hash; returns the hash part of the name."""
    data = SIGNATURE + _encode(value)
    name = f"{prefix}_{hashlib.sha256(data).hexdigest()[:digits]}"
    (folder / f"{suffix[0]}{name}{suffix[1]}").write_bytes(gzip.compress(data, mtime=0))
    return name


def canonicalise(out: Path) -> None:
    """Sort the filter values and the filter list of every language of the index in `out`."""
    entry_path = out / "pagefind-entry.json"
    try:
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
        for language, info in sorted(entry["languages"].items()):
            meta_path = out / f"pagefind.{info['hash']}.pf_meta"
            meta = _read(meta_path)
            filters = []
            for name, old in meta[3]:
                path = out / "filter" / f"{old}.pf_filter"
                values = _read(path)
                values[1] = sorted(values[1], key=lambda item: str(item[0]))
                path.unlink()
                filters.append([name, _write(out / "filter", language, 7, ("", ".pf_filter"), values)])
            meta[3] = sorted(filters)
            meta_path.unlink()
            info["hash"] = _write(out, language, 10, ("pagefind.", ".pf_meta"), meta)
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise BuildError(f"the search index in {out} is not in the form Pagefind 1.5 writes: {exc}") from exc
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
