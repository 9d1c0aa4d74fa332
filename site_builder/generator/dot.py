"""DOT -> inline SVG: label escaping, batched and cached `dot -Tsvg` runs, SVG made safe to inline.

Starting `dot` costs ~12 ms and laying out a small graph under 1 ms, so uncached graphs go through a few
`dot` processes on stdin (several graphs in, concatenated SVG documents out) instead of one each.
"""

from __future__ import annotations

import functools
import hashlib
import html
import html.entities
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
_MARK = "\u2060"
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\f\v]+")
_LABEL_ESCAPES = str.maketrans(
    {"\\": "\\\\", '"': '\\"', "{": "\\{", "}": "\\}", "|": "\\|", "<": "\\<", ">": "\\>"}
)
_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\\": "\\\\" + _MARK})
_ID_ESCAPES = str.maketrans({"\\": "\\" + _MARK, '"': '\\"'})
_ENTITY_AHEAD = re.compile(r"&(?=#?\w+;)")
_MARKS = re.compile("(&amp;|\\\\)" + _MARK)


@functools.lru_cache(maxsize=1 << 16)
def escape_label(text: str, *, width: int = 28, max_lines: int = 3) -> str:
    """A DOT double-quoted label: shown literally, wrapped at word boundaries, `max_lines` at most."""
    paras = [_SPACES.sub(" ", _INVALID_XML.sub("", para)) for para in text.splitlines()]
    lines = [line for para in paras for line in textwrap.wrap(para, width)]
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], _ellipsis(lines[max_lines - 1], width)]
    return "\\n".join(_ENTITY_AHEAD.sub("&" + _MARK, line.translate(_LABEL_ESCAPES)) for line in lines)


def escape_attr(text: str, *, limit: int = 300) -> str:
    """Text for a DOT double-quoted tooltip or URL: one line, at most `limit` characters, shown literally."""
    return _one_line(text, limit).translate(_ATTR_ESCAPES)


def escape_id(text: str, *, limit: int = 200) -> str:
    """Text for a DOT double-quoted graph, cluster or node name: one line, shown literally as its <title>.

    Names are not labels: dot reads no escapes in them but `\\"`, so escape_label would show its backslashes.
    A graph named exactly `%<digits>` looks anonymous to the post-processing and is named after its key.
    """
    return _ENTITY_AHEAD.sub("&" + _MARK, _one_line(text, limit).translate(_ID_ESCAPES))


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


def diagram_slug(key: str) -> str:
    """A diagram's id prefix: readable, CSS-safe, unique even for keys that differ only in punctuation."""
    words = re.sub(r"[^a-z0-9]+", "-", key.lower())[:40].strip("-")
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"dg-{words}-{digest}" if words else f"dg-{digest}"


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
        return {key: _finalize(clean[digest], key) for key, digest in digests.items()}

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
                        done[digest] = _clean(doc)
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


# --- SVG post-processing -------------------------------------------------------------------------------
# dot's own output is regular, so a few whole-document checks prove most documents clean (fast path);
# anything unexpected sends the document through a tag-by-tag rebuild that keeps only what is allowed.

_DOCUMENT = re.compile(r"(?=<\?xml )")
_PROLOG = re.compile(r"<\?xml.*?\?>|<!DOCTYPE[^>]*>|<!--.*?-->", re.S)
_UNSAFE_ELEMENT = re.compile(
    r"<(script|style|foreignObject|iframe|object|embed)\b[^>]*/>|<(script|style|foreignObject|iframe|object|embed)"
    r"\b.*?</\2\s*>",
    re.S | re.I,
)
_TAG = re.compile(r"<(/?)([A-Za-z][\w:.-]*)((?:[^<>\"']|\"[^\"<]*\"|'[^'<]*')*?)\s*(/?)>")
_ATTR = re.compile(r"([^\s=/\"'<>]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_ATTR_NAME = re.compile(r"[A-Za-z_][\w.:-]*")
_HANDLER = re.compile(r"on[a-z]*\s*=")
_ODD_HREF = re.compile(r'href(?:\s*=\s*(?!")|="[^"]*"(?![\s/>]))')
_HREF = re.compile(r'href\s*=\s*"([^"]*)"')
_ODD_AMP = re.compile(r"&(?!(?:#\d+|#[xX][0-9a-fA-F]+|amp|lt|gt|quot|apos);)")
_AMP = re.compile(r"&(?:(#\d+|#[xX][0-9a-fA-F]+)|([A-Za-z][A-Za-z0-9]*));|&")
_NOT_URL = re.compile(r"[\x00-\x20\x7f]+")
_ELEMENTS = frozenset(
    {"svg", "g", "a", "title", "desc", "defs", "linearGradient", "radialGradient", "stop", "polygon"}
    | {"polyline", "ellipse", "circle", "path", "text", "tspan", "image", "rect", "line"}
)
_OTHER_MARKUP = re.compile(rf"<(?!/?(?:{'|'.join(sorted(_ELEMENTS, key=len, reverse=True))})[\s/>])")
_PAGE_ID = re.compile(r'id="page\d+,\d+_')
_GRADIENT_ID = re.compile(r'( id="| (?:fill|stroke)="url\(#)([lr])_(\d+)(?=[")])')
_ANON_TITLE = re.compile(r"<title>%\d+</title>")
_BLANK_LINES = re.compile(r"\n\s*(?=\n)")
_LENGTH = re.compile(r"[\d.]+(pt|px)?")


def _clean(raw: str) -> str:
    """Key-independent, cacheable form: no prolog, nothing executable, ids independent of batch position."""
    svg = _PROLOG.sub("", raw)
    if _suspicious(svg):
        svg = _rebuild(_UNSAFE_ELEMENT.sub("", svg))
    else:
        svg = svg.replace(' xlink:href="', ' href="')
        root = _TAG.search(svg)
        if root is not None:
            svg = svg[: root.start()] + _tag(root) + svg[root.end() :]
    if _ODD_AMP.search(svg):
        svg = _entities(svg)
    if _MARK in svg:
        svg = _MARKS.sub(r"\1", svg)
    svg = _ANON_TITLE.sub("<title></title>", _PAGE_ID.sub('id="', svg), count=1)
    if '"url(#' in svg:
        gradients: dict[tuple[str, str], int] = {}
        for _, kind, number in _GRADIENT_ID.findall(svg):
            gradients.setdefault((kind, number), len(gradients))
        svg = _GRADIENT_ID.sub(lambda m: f"{m[1]}{m[2]}_{gradients[m[2], m[3]]}", svg)
    return _BLANK_LINES.sub("", svg).strip()


def _suspicious(svg: str) -> bool:
    """Anything dot does not write for escaped input: other elements, handlers, script URLs, odd quoting."""
    lower = svg.lower()
    if lower.count("href") != svg.count("href") or _ODD_HREF.search(lower):
        return True
    if any(lower[m.start() - 1] in " \t\r\n\"'/" for m in _HANDLER.finditer(lower)):
        return True
    return bool(_OTHER_MARKUP.search(svg)) or any(map(_unsafe_url, _HREF.findall(svg)))


def _unsafe_url(url: str) -> bool:
    return _NOT_URL.sub("", html.unescape(url)).lower().startswith(("javascript:", "vbscript:", "data:"))


def _rebuild(svg: str) -> str:
    """Allowed elements only, each tag rebuilt, anything else escaped as text, every element closed."""
    parts: list[str] = []
    opened: list[str] = []
    pos = 0
    for tag in _TAG.finditer(svg):
        parts.append(_text(svg[pos : tag.start()]))
        pos = tag.end()
        closing, name, _, selfclosing = tag.groups()
        if name not in _ELEMENTS:
            continue
        if not closing:
            parts.append(_tag(tag))
            opened += [] if selfclosing else [name]
        elif name in opened:
            while (inner := opened.pop()) != name:
                parts.append(f"</{inner}>")
            parts.append(f"</{name}>")
    parts.append(_text(svg[pos:]))
    return "".join(parts + [f"</{name}>" for name in reversed(opened)])


def _text(text: str) -> str:
    return _entities(text).replace("<", "&lt;").replace(">", "&gt;")


def _entities(text: str) -> str:
    """`&` escaped unless it starts an entity; named entities XML does not know become numeric."""

    def one(m: re.Match[str]) -> str:
        if m[1] or m[2] in ("amp", "lt", "gt", "quot", "apos"):
            return m[0]
        if m[2] in html.entities.name2codepoint:
            return f"&#{html.entities.name2codepoint[m[2]]};"
        return "&amp;" + m[0][1:]

    return _AMP.sub(one, text)


def _tag(tag: re.Match[str]) -> str:
    """An opening tag with its attributes re-quoted; event handlers and script URLs dropped."""
    _, name, attributes, selfclosing = tag.groups()
    kept: dict[str, str] = {}
    for attr, double, single in _ATTR.findall(attributes):
        value = double if double or not single else single
        lower = attr.lower()
        if lower.startswith("on") or not _ATTR_NAME.fullmatch(attr):
            continue
        if lower in ("href", "xlink:href", "src"):
            attr = "href" if lower == "xlink:href" else attr
            if _unsafe_url(value) or attr in kept:
                continue
        kept[attr] = value
    if name == "svg":
        width = kept.pop("width", None)
        kept.pop("height", None)
        if width and _LENGTH.fullmatch(width):
            kept["style"] = f"max-width:{width}"
    quoted = "".join(f' {attr}="{_attr_value(value)}"' for attr, value in kept.items())
    return f"<{name}{quoted}{selfclosing}>"


def _attr_value(value: str) -> str:
    return _entities(value).replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def _finalize(svg: str, key: str) -> str:
    """Ids prefixed with the key's slug, so several diagrams can share a page, and an accessible name."""
    slug = diagram_slug(key)
    svg = svg.replace(' id="', f' id="{slug}-')
    if '"url(#' in svg:  # gradients
        for paint in (" fill", " stroke"):
            svg = svg.replace(f'{paint}="url(#', f'{paint}="url(#{slug}-')
    # role="img" makes children presentational, which would hide the diagram's links from screen readers.
    role = "group" if "<a " in svg else "img"
    svg = svg.replace("<svg ", f'<svg role="{role}" aria-labelledby="{slug}-title" ', 1)
    if svg.find("<title>") == svg.find("<title></title>"):
        return svg.replace("<title></title>", f'<title id="{slug}-title">{html.escape(key)}</title>', 1)
    return svg.replace("<title>", f'<title id="{slug}-title">', 1)
