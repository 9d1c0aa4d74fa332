"""DOT -> inline SVG: label escaping, batched and cached `dot -Tsvg` runs, SVG made safe to inline.

Starting `dot` costs ~12 ms and laying out a small graph under 1 ms, so uncached graphs go through a few
`dot` processes on stdin (several graphs in, concatenated SVG documents out) instead of one each.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import textwrap
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from site_builder.errors import DiagramError
from site_builder.generator.svg_safe import MARK, clean, finalize

FORMAT_VERSION = "1"
"""Part of every cache key: bump it when the SVG post-processing changes, so old entries are not reused."""
MAX_BATCH = 250
"""Graphs per `dot` run: start-up becomes noise, and re-running a failed batch one by one stays cheap."""
MAX_REPORTED = 20
"""Failed diagrams listed in one error message."""
INSTALL_HINT = (
    "Install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS), "
    "or see https://graphviz.org/download/."
)

# Graphviz 2.43 rewrites text twice: it decodes entities in labels and tooltips, then writes every
# entity-like `&name;` back unescaped, and it expands `\N`, `\G`... in tooltips and URLs. A word joiner
# after `&` (labels) or `\` (attributes) breaks those patterns; post-processing removes it again.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\f\v]+")
_LABEL_ESCAPES = str.maketrans(
    {"\\": "\\\\", '"': '\\"', "{": "\\{", "}": "\\}", "|": "\\|", "<": "\\<", ">": "\\>"}
)
_DOCUMENT = re.compile(r"(?=<\?xml )")
_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\\": "\\\\" + MARK})
_ID_ESCAPES = str.maketrans({"\\": "\\" + MARK, '"': '\\"'})
_ENTITY_AHEAD = re.compile(r"&(?=#?\w+;)")


@functools.lru_cache(maxsize=1 << 16)
def escape_label(text: str, *, width: int = 28, max_lines: int = 3) -> str:
    """A DOT double-quoted label: shown literally, wrapped at word boundaries, `max_lines` at most."""
    paras = [_SPACES.sub(" ", _INVALID_XML.sub("", para)) for para in text.splitlines()]
    lines = [line for para in paras for line in textwrap.wrap(para, width)]
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], _ellipsis(lines[max_lines - 1], width)]
    return "\\n".join(_ENTITY_AHEAD.sub("&" + MARK, line.translate(_LABEL_ESCAPES)) for line in lines)


def escape_attr(text: str, *, limit: int = 300) -> str:
    """Text for a DOT double-quoted tooltip or URL: one line, at most `limit` characters, shown literally."""
    return _one_line(text, limit).translate(_ATTR_ESCAPES)


def escape_id(text: str, *, limit: int = 200) -> str:
    """Text for a DOT double-quoted graph, cluster or node name: one line, shown literally as its <title>.

    Names are not labels: dot reads no escapes in them but `\\"`, so escape_label would show its backslashes.
    A graph named exactly `%<digits>` looks anonymous to the post-processing and is named after its key.
    """
    return _ENTITY_AHEAD.sub("&" + MARK, _one_line(text, limit).translate(_ID_ESCAPES))


def _one_line(text: str, limit: int) -> str:
    text = " ".join(_INVALID_XML.sub("", text).split())
    return text if len(text) <= limit else _ellipsis(text, limit)


def _ellipsis(text: str, limit: int) -> str:
    """`text` shortened to end in "…" within `limit` characters, at a space if one is near the end."""
    if len(text) < limit:
        return text + "…"
    head = text[: limit - 1]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head).rstrip() + "…"


@functools.cache
def graphviz_version(dot: str = "dot") -> str:
    """The version `dot -V` reports, e.g. "2.43.0": part of the cache key, since layouts change with it."""
    try:
        proc = subprocess.run([dot, "-V"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DiagramError(f"Graphviz `dot` could not be run from {dot!r} ({exc}). {INSTALL_HINT}") from exc
    said = (proc.stderr + proc.stdout).decode("utf-8", "replace").strip()
    found = re.search(r"graphviz version (\S+)", said)
    if proc.returncode != 0 or found is None:
        raise DiagramError(f"{dot!r} is not Graphviz `dot` (`-V` said {said[:200]!r}). {INSTALL_HINT}")
    return found.group(1)


def find_dot() -> str:
    """The path of Graphviz `dot` on PATH."""
    path = shutil.which("dot")
    if path is None:
        raise DiagramError(f"Graphviz is not installed: no `dot` program was found on PATH. {INSTALL_HINT}")
    return path


@dataclass
class RenderStats:
    """Cumulative counts over a Renderer's life; `rendered + cached` is the number of diagrams asked for."""

    rendered: int = 0
    """Distinct sources laid out by `dot`."""
    cached: int = 0
    """Diagrams served without running `dot`: from the cache, or sharing another key's source."""


class Renderer:
    """Turns DOT sources into SVG for inlining, through a cache shared by every build using `cache_dir`."""

    def __init__(
        self, cache_dir: Path, *, dot: str | None = None, jobs: int | None = None, timeout: float = 60.0
    ) -> None:
        if dot is None:
            dot = find_dot()
        elif shutil.which(dot) is None:
            raise DiagramError(f"Graphviz `dot` was not found at {dot!r}. {INSTALL_HINT}")
        self.cache_dir = Path(cache_dir)
        self.dot = dot
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.timeout = timeout
        self.stats = RenderStats()

    def render_many(self, sources: Mapping[str, str]) -> dict[str, str]:
        """key -> DOT source  =>  key -> SVG markup ready to inline; one error names every failing key."""
        version = graphviz_version(self.dot)
        digests = {key: _digest(version, source) for key, source in sources.items()}
        clean: dict[str, str] = {}
        todo: dict[str, str] = {}
        for key, digest in digests.items():
            if digest not in clean and digest not in todo:
                cached = self._load(digest)
                if cached is None:
                    todo[digest] = sources[key]
                else:
                    clean[digest] = cached
        rendered, failures = self._render(todo)
        clean.update(rendered)
        self.stats.rendered += len(rendered)
        self.stats.cached += len(sources) - len(todo)
        if failures:
            raise DiagramError(_failure_message(digests, failures))
        return {key: finalize(clean[digest], key) for key, digest in digests.items()}

    def _render(self, todo: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
        """Batches in parallel, then the members of failed batches one by one to name the culprits.

        Worker threads only wait for `dot`; this thread cleans and stores. A thread doing file I/O while
        another computes waits for the GIL at every system call (~5 ms each), which tripled build times.
        """
        done: dict[str, str] = {}
        failures: dict[str, str] = {}
        retry: list[list[tuple[str, str]]] = []
        if not todo:
            return done, failures
        with ThreadPoolExecutor(max_workers=self.jobs) as pool:
            for round_ in (_batches(todo, self.jobs), retry):
                running = {pool.submit(self._run, batch): batch for batch in round_}
                for future in as_completed(running):
                    batch, (docs, error) = running[future], future.result()
                    if error is not None and len(batch) > 1:
                        retry += [[item] for item in batch]
                    elif error is not None:
                        failures[batch[0][0]] = error
                    for (digest, _), doc in zip(batch, docs, strict=False):
                        done[digest] = clean(doc)
                        self._store(digest, done[digest])
        return done, failures

    def _run(self, batch: Sequence[tuple[str, str]]) -> tuple[list[str], str | None]:
        """One `dot -Tsvg` over the batch: an SVG document per graph, or what went wrong.

        Files, not pipes, carry the data: reading a pipe takes the GIL for every 32 KB chunk.
        """
        with tempfile.TemporaryFile() as source, tempfile.TemporaryFile() as output:
            source.write("\n".join(text for _, text in batch).encode("utf-8", "replace"))
            source.seek(0)
            try:
                proc = subprocess.run(
                    [self.dot, "-Tsvg"],
                    stdin=source,
                    stdout=output,
                    stderr=subprocess.PIPE,
                    timeout=self.timeout,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                return [], f"dot did not finish within {self.timeout:g} s"
            except OSError as exc:
                return [], f"dot could not be run ({exc})"
            output.seek(0)
            text = output.read().decode("utf-8", "replace")
        if proc.returncode != 0:
            return [], _dot_error(proc.stderr, proc.returncode)
        docs = [doc for doc in _DOCUMENT.split(text) if doc.strip()]
        if len(docs) != len(batch):
            return [], f"expected one graph per diagram, dot drew {len(docs)} for {len(batch)}"
        return docs, None

    def _folder(self, digest: str) -> str:
        return os.path.join(self.cache_dir, digest[:2])  # plain strings: pathlib costs ~20 us a diagram

    def _load(self, digest: str) -> str | None:
        try:
            with open(os.path.join(self._folder(digest), f"{digest}.svg"), "rb") as file:
                return file.read().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def _store(self, digest: str, svg: str) -> None:
        """Atomic, so a build killed halfway or a parallel build never leaves a truncated entry."""
        folder = self._folder(digest)
        tmp = os.path.join(folder, f".{digest}.{os.getpid()}.{threading.get_ident()}.tmp")
        data = svg.encode("utf-8")
        try:
            try:
                _write(tmp, data)
            except FileNotFoundError:  # the first entry in this folder
                os.makedirs(folder, exist_ok=True)
                _write(tmp, data)
            os.replace(tmp, os.path.join(folder, f"{digest}.svg"))
        except OSError as exc:
            raise DiagramError(f"cannot write the diagram cache {folder}: {exc.strerror or exc}") from exc


def _write(path: str, data: bytes) -> None:
    with open(path, "wb") as file:
        file.write(data)


def _digest(version: str, source: str) -> str:
    text = f"graphviz {version}\0format {FORMAT_VERSION}\0{source}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _batches(todo: Mapping[str, str], jobs: int) -> list[list[tuple[str, str]]]:
    """Graphs with two clusters or more each get a `dot` process of their own; the rest share.

    Graphviz 2.x orders subgraphs by the address of their interned names: in the first graph of a
    process that is the order written, in later ones it follows whatever memory the earlier graphs
    freed, so their clusters (and the layout) came out differently from build to build. A graph
    with one cluster or none is laid out the same in any position of a batch."""
    alone = [[item] for item in sorted(todo.items()) if item[1].count(_CLUSTER) >= 2]
    shared = [item for item in sorted(todo.items()) if item[1].count(_CLUSTER) < 2]
    return alone + _split(shared, jobs)


_CLUSTER = 'subgraph "cluster'


def _split(items: list[tuple[str, str]], jobs: int) -> list[list[tuple[str, str]]]:
    """At least one batch per job, none larger than MAX_BATCH, sizes balanced."""
    if not items:
        return []
    count = min(len(items), max(jobs, -(-len(items) // MAX_BATCH)))
    size = -(-len(items) // count)
    return [items[i : i + size] for i in range(0, len(items), size)]


def _dot_error(stderr: bytes, returncode: int) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    first = next((i for i, line in enumerate(lines) if line.startswith("Error")), None)
    if first is None:
        status = f"killed by signal {-returncode}" if returncode < 0 else f"exit status {returncode}"
        return f"dot failed ({status})" + (f": {lines[-1][:300]}" if lines else "")
    message = " ".join(lines[first : first + 3]).removeprefix("Error: ").removeprefix("<stdin>: ")
    return f"dot failed: {message[:500]}"


def _failure_message(digests: Mapping[str, str], failures: Mapping[str, str]) -> str:
    lines = sorted(f"diagram {key!r}: {failures[d]}" for key, d in digests.items() if d in failures)
    if len(lines) == 1:
        return lines[0]
    more = [f"  ... and {len(lines) - MAX_REPORTED} more"] if len(lines) > MAX_REPORTED else []
    listed = [f"  {line}" for line in lines[:MAX_REPORTED]]
    return "\n".join([f"{len(lines)} diagrams could not be drawn:", *listed, *more])
