"""SVG from `dot` made safe to inline in a page, with ids that cannot clash between diagrams.

dot's own output is regular, so a few whole-document checks prove most documents clean (fast path);
anything unexpected sends the document through a tag-by-tag rebuild that keeps only what is allowed.
"""

from __future__ import annotations

import hashlib
import html
import html.entities
import re

MARK = "\u2060"
"""Put after `&` or a backslash by the DOT escapes (dot.py) so that dot keeps them as typed; removed here."""
MARKS = re.compile("(&amp;|\\\\)" + MARK)

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
_OTHERMARKUP = re.compile(rf"<(?!/?(?:{'|'.join(sorted(_ELEMENTS, key=len, reverse=True))})[\s/>])")
_PAGE_ID = re.compile(r'id="page\d+,\d+_')
_GRADIENT_ID = re.compile(r'( id="| (?:fill|stroke)="url\(#)([lr])_(\d+)(?=[")])')
_ANON_TITLE = re.compile(r"<title>%\d+</title>")
_BLANK_LINES = re.compile(r"\n\s*(?=\n)")
_LENGTH = re.compile(r"[\d.]+(pt|px)?")


def clean(raw: str) -> str:
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
    if MARK in svg:
        svg = MARKS.sub(r"\1", svg)
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
    return bool(_OTHERMARKUP.search(svg)) or any(map(_unsafe_url, _HREF.findall(svg)))


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


def finalize(svg: str, key: str) -> str:
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


def diagram_slug(key: str) -> str:
    """A diagram's id prefix: readable, CSS-safe, unique even for keys that differ only in punctuation."""
    words = re.sub(r"[^a-z0-9]+", "-", key.lower())[:40].strip("-")
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"dg-{words}-{digest}" if words else f"dg-{digest}"
