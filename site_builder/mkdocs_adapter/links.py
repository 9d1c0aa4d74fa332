"""Links in the final HTML: `vap:` links resolved to relative URLs, script URLs and event handlers removed."""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.utils import get_relative_url

from site_builder.generator.safe_md import safe_url

PLAN_LINK = re.compile(r'(href|xlink:href)="vap:([^"#]*)(#[^"]*)?"')
_URL_ATTRS = frozenset({"href", "src", "xlink:href", "action", "formaction"})
_TAG_START = re.compile(r"<[a-zA-Z][^\s/>]*")
_GAP = re.compile(r"[\s/]*")
_NAME = re.compile(r"[^\s/>][^\s/>=]*")
_EQUALS = re.compile(r"\s*=\s*")
_UNQUOTED = re.compile(r"[^\s>]*")
_SUSPECT = re.compile(
    r"""[\s/"']on[a-z]+\s*=|\s(?:href|src|xlink:href|action|formaction)\s*=\s*["']?\s*(?!https?://|mailto:)[^"'>]*?[:&]""",
    re.I,
)
"""What defuse could change: an on...= anywhere, or a URL attribute whose value has a scheme or an
entity that is not plainly http(s)/mailto. Pages without any (nearly all) are returned untouched."""


def rewrite_links(html: str, src_uri: str, config: MkDocsConfig, page_url: str | None = None) -> str:
    """`vap:roles/x.md#a` -> the URL of that page relative to this one, for either URL style."""
    here = page_url if page_url is not None else src_uri
    return resolve_links(html, here, directory_urls=config.use_directory_urls)


def resolve_links(html: str, here: str, *, directory_urls: bool) -> str:
    """`vap:` links -> URLs relative to the site URL `here` (emit_docs.py calls it without a config)."""
    if "vap:" not in html:
        return html

    def target(match: re.Match[str]) -> str:
        attr, path, anchor = match.group(1), match.group(2), match.group(3) or ""
        url = page_url_of(path, directory_urls=directory_urls) if path.endswith(".md") else path
        return f'{attr}="{get_relative_url(url or ".", here)}{anchor}"'

    return PLAN_LINK.sub(target, html)


def page_url_of(path: str, *, directory_urls: bool) -> str:
    """The site URL of a docs page, as MkDocs gives it ('' for the home page)."""
    stem = path[:-3]
    if not directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    return stem[: -len("index")] if stem.endswith("/index") else stem + "/"


def defuse(html: str) -> str:
    """Second line of defence: no script URLs and no inline event handlers in any tag of page content.

    Tags are read as a browser's tokenizer reads them (a quoted value runs to its closing quote, `/`
    separates attributes), so a value that merely contains `onerror=` is text, left exactly as it is.
    """
    if not _SUSPECT.search(html):
        return html
    out: list[str] = []
    done = read = 0
    for start in _TAG_START.finditer(html):
        if start.start() < read:
            continue  # inside a tag already read (a quoted value holding `<a`): text
        read, attributes, closing = _read_tag(html, start.end())
        kept = [_kept(name, raw, value) for name, raw, value in attributes]
        if all(k == raw for k, (_, raw, _) in zip(kept, attributes, strict=True)):
            continue  # nothing to change: the tag stays byte for byte
        out.append(html[done : start.start()])
        out.append(start.group(0) + "".join(f" {k}" for k in kept if k) + closing)
        done = read
    return "".join(out) + html[done:] if out else html


def _read_tag(html: str, pos: int) -> tuple[int, list[tuple[str, str, str]], str]:
    """The attributes of the start tag from `pos` as (name, source text, value), its end and its closer."""
    attributes: list[tuple[str, str, str]] = []
    size = len(html)
    while True:
        gap = _GAP.match(html, pos)
        assert gap is not None  # the pattern matches the empty string
        pos = gap.end()
        if pos >= size:
            return size, attributes, ""  # unterminated: a browser drops it, and so nothing is kept live
        if html[pos] == ">":
            return pos + 1, attributes, "/>" if gap.group(0).endswith("/") else ">"
        name = _NAME.match(html, pos)
        assert name is not None  # any character but whitespace, / and > starts a name
        begin, pos, value = pos, name.end(), ""
        equals = _EQUALS.match(html, pos)
        if equals is not None:
            pos = equals.end()
            quote = html[pos : pos + 1]
            if quote in ('"', "'"):
                close = html.find(quote, pos + 1)
                close = size - 1 if close < 0 else close
                value, pos = html[pos + 1 : close], close + 1
            else:
                unquoted = _UNQUOTED.match(html, pos)
                assert unquoted is not None
                value, pos = unquoted.group(0), unquoted.end()
        attributes.append((name.group(0), html[begin:pos], value))


def _kept(name: str, raw: str, value: str) -> str:
    """An attribute as it may stay: event handlers dropped, script URLs made harmless."""
    lowered = name.lower()
    if lowered.startswith("on"):
        return ""
    if lowered in _URL_ATTRS and not safe_url(value):
        return f'{name}="#"'
    return raw
