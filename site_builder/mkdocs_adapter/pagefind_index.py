"""The edition's Pagefind index: records the build already holds, written as a chunked static index.

Pagefind's Python API awaits each record's answer through a loop that sleeps 0.1 s per message (10,000
roles: 17 minutes), so this module speaks the same `pagefind --service` protocol itself: base64 JSON
messages ended by a comma, all records of a part streamed in one go, then one WriteFiles. A large
edition is written in parts, one service after another (`PART_SIZE`: Pagefind's memory grows with the
records it holds). The binary comes from the `pagefind-bin` wheel (found by the `pagefind` package's
`get_executable`); nothing is downloaded.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import gzip
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from site_builder.errors import BuildError
from site_builder.generator.search_records import Record
from site_builder.mkdocs_adapter.pagefind_canon import canonicalise

OUTPUT = "pagefind"
"""The index folder inside the built site (the search script finds it beside `assets/`)."""
UNUSED = (
    "pagefind-component-ui.css",
    "pagefind-component-ui.js",
    "pagefind-highlight.js",
    "pagefind-modular-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-ui.css",
    "pagefind-ui.js",
    "wasm.unknown.pagefind",  # the fallback for pages of no known language: ours all have one
)


PART_SIZE = 6000
"""Records per Pagefind run. Pagefind's memory grows with the records one run holds (10,000 roles in
one run: about 700 MB, beside vap's 600-660 MB), so a larger edition is indexed in parts, one run after
another, and the search script merges them (Pagefind's `mergeIndex`: the first part's script and wasm,
each part's metadata and the chunks a query needs). docs/performance.md has the figures."""
PARTS = "vap-parts.json"
"""The folders of the parts after the first, relative to the index folder (the search script reads it)."""
MERGED_UNUSED = ("pagefind.js", "pagefind-worker.js")


def _executable() -> Path:
    from pagefind.service import get_executable  # the wheel's binary, or PAGEFIND_BINARY_PATH

    found = get_executable()
    if found is None:
        raise BuildError("the search index needs the pagefind binary: pip install 'pagefind-bin>=1.5,<1.6'")
    return found


def _message(message_id: int, payload: dict[str, Any]) -> bytes:
    body = json.dumps({"message_id": message_id, "payload": payload}, ensure_ascii=False)
    return base64.b64encode(body.encode("utf-8")) + b","


def _answers(stream: Any) -> Iterator[dict[str, Any]]:
    """The service's answers in the order they come (each base64 JSON, ended by a comma)."""
    buffer = b""
    while chunk := stream.read1(1 << 16):
        buffer += chunk
        *done, buffer = buffer.split(b",")
        for item in done:
            if item.strip():
                yield json.loads(base64.b64decode(item))


def write_index(records: Iterable[Record], site_dir: Path, *, language: str = "en") -> int:
    """Replace `site_dir/pagefind/` with the index of `records` in one step (written beside it, then
    swapped in: a preview keeps answering while its index is rewritten); returns how many were indexed.
    A large edition is indexed in parts, one Pagefind run after another (`PART_SIZE`)."""
    site_dir.mkdir(parents=True, exist_ok=True)
    final = site_dir / OUTPUT
    out = site_dir / f".{OUTPUT}-new"
    shutil.rmtree(out, ignore_errors=True)
    ordered = sorted(records, key=lambda r: r.url)  # deterministic output
    count = max(1, math.ceil(len(ordered) / PART_SIZE))
    parts = [ordered[i * len(ordered) // count : (i + 1) * len(ordered) // count] for i in range(count)]
    names = [f"part-{number}/" for number in range(2, count + 1)]
    for folder, part in zip([out, *(out / name for name in names)], parts, strict=True):
        _write_part(part, folder, language, cwd=site_dir)
        if folder != out:
            for name in MERGED_UNUSED:  # a merged part uses the first part's script, worker and wasm
                (folder / name).unlink(missing_ok=True)
            for wasm in folder.glob("wasm.*.pagefind"):
                wasm.unlink()
    (out / PARTS).write_text(json.dumps(names), encoding="utf-8")
    old = site_dir / f".{OUTPUT}-old"
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    out.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    return len(ordered)


def _write_part(records: list[Record], out: Path, language: str, *, cwd: Path) -> None:
    """One fresh `pagefind --service` writes the index of `records` into `out` (its memory is freed
    when it ends, before the next part starts)."""
    _run_service(_messages(records, out, language), len(records) + 2, out, cwd=cwd)
    if not (out / "pagefind.js").is_file():
        raise BuildError(f"pagefind wrote no index into {out}")
    for name in UNUSED:  # Pagefind's own result widgets: the site uses Material's box (vap-search.js)
        (out / name).unlink(missing_ok=True)
    canonicalise(out)  # the same plans, the same bytes


def _messages(records: list[Record], out: Path, language: str) -> Iterator[bytes]:
    """The requests for one index, made as they are sent (not held all at once)."""
    yield _message(0, {"type": "NewIndex", "config": {"force_language": language}})
    for number, record in enumerate(records, start=1):
        payload = {
            "type": "AddRecord",
            "index_id": 0,  # the first index of a fresh service
            "url": record.url,
            "content": record.content,
            "language": language,
            "meta": record.meta,
            "filters": record.filters,
            "sort": None,
        }
        yield _message(number, payload)
    yield _message(len(records) + 1, {"type": "WriteFiles", "index_id": 0, "output_path": str(out)})


_PR_SET_PDEATHSIG = 1
_PRCTL = getattr(ctypes.CDLL(None), "prctl", None) if sys.platform == "linux" else None


def _die_with_parent(parent: int) -> None:
    """In the service's process before it starts (Linux): it is killed when vap is. A publish killed
    while Pagefind wrote its index must not leave Pagefind writing into the staging folder that the
    next publish sweeps and builds again (seen once in 30 kill trials: a Pagefind file of the killed
    run in the next publication). Elsewhere the service ends when its input closes."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # vap died before the line above: the signal was never armed
            os._exit(1)


def _run_service(messages: Iterable[bytes], expected: int, out: Path, *, cwd: Path) -> None:
    """One `pagefind --service` fed every message; returns once it has written `out` and ended. Its
    failure is a BuildError that says what pagefind said."""
    with tempfile.TemporaryFile() as errors:
        parent = os.getpid()
        process = subprocess.Popen(
            [str(_executable()), "--service"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            cwd=cwd,
            preexec_fn=(lambda: _die_with_parent(parent)) if _PRCTL is not None else None,
        )
        assert process.stdin is not None and process.stdout is not None
        writer = threading.Thread(target=_feed, args=(process.stdin, messages), daemon=True)
        writer.start()
        finished = False
        try:
            _await_all(process.stdout, expected)
            _until_written(out)
            finished = True
        except BuildError as exc:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
            errors.seek(0)
            said = errors.read()[-2000:].decode("utf-8", "replace").strip()
            raise BuildError(f"{exc}; pagefind said: {said}" if said else str(exc)) from exc
        finally:
            with contextlib.suppress(OSError):
                process.stdin.close()
            try:  # its answer to WriteFiles can come before the files are on disk: let it end by itself
                process.wait(timeout=300 if finished else 0.1)
            except subprocess.TimeoutExpired:
                process.terminate()
                process.wait(timeout=30)
            writer.join(timeout=5)


def _until_written(out: Path, seconds: float = 120) -> None:
    """Pagefind answers WriteFiles while it may still be writing (seen under load): wait until its entry
    file and the metadata file it names are complete before reading them or letting the service end."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            entry = json.loads((out / "pagefind-entry.json").read_text(encoding="utf-8"))
            for info in entry["languages"].values():
                gzip.decompress((out / f"pagefind.{info['hash']}.pf_meta").read_bytes())
            return
        except (OSError, ValueError, KeyError, EOFError):
            time.sleep(0.05)
    raise BuildError(f"pagefind did not finish writing the search index into {out}")


def _feed(stdin: Any, messages: Iterable[bytes]) -> None:
    """Stream every request (a thread: the service answers while it reads, so its pipe must be drained)."""
    try:
        for message in messages:
            stdin.write(message)
        stdin.flush()
    except BrokenPipeError:  # the service died: the reader reports why
        pass


def _await_all(stdout: Any, expected: int) -> None:
    seen = 0
    for answer in _answers(stdout):
        payload = answer.get("payload", {})
        if payload.get("type") == "Error":
            raise BuildError(f"pagefind refused the search index: {payload.get('message')}")
        seen += 1
        if seen == expected:
            return
    raise BuildError(f"pagefind stopped after {seen} of {expected} answers while writing the search index")
