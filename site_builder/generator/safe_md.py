"""The one boundary between plan text and HTML: no raw HTML, no script links, no outside requests.

Plan files are written by many people; the site must never run script that came from
them nor make requests to outside hosts. Every way plan text reaches a page goes through
here: Markdown fields become HTML by one Markdown pass and nh3 (md_block/md_inline hand that
HTML to the page templates with Markdown's own characters entity-encoded, so MkDocs' second
Markdown pass cannot revive anything); titles and names are escaped text. Links keep only
relative URLs, mailto: and the intranet hosts of portal.yaml; images from plan text are
never kept; no plan text is ever put in a `title` attribute (Material's tooltips turn a
title into live HTML on hover). The plugin re-checks every href/src as a second line of defence.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

import markdown
import nh3
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markupsafe import Markup

SAFE_SCHEMES = ("http", "https", "mailto")
_LINK = re.compile(
    r"(!?)\[((?:[^\]\\]|\\.)*)\]\(\s*<?([^)\s>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
_REF_DEF = re.compile(r"^( {0,3}\[[^\]]+\]:\s*)(\S+)(.*)$", re.MULTILINE)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


_META = str.maketrans({"<": "‹", ">": "›", '"': "”", "'": "’", "\n": " ", "\r": " "})


def meta_text(text: str | None) -> str:
    """Plan text for page metadata (front matter title, description, tags).

    MkDocs and Material insert page titles into HTML without escaping them (in <title>, the nav,
    meta tags), so characters that could open a tag or close an attribute become look-alikes there.
    The page itself shows the exact text.
    """
    return " ".join((text or "").translate(_META).split())


def _decoded(url: str) -> str:
    decoded = url
    for _ in range(3):  # `javascript&amp;#58;` is `javascript:` after the browser's own unescaping
        decoded = html.unescape(decoded)
    return _CONTROL.sub("", decoded)


def safe_url(url: str) -> bool:
    """True for relative links and http(s)/mailto; False for javascript:, data:, vbscript: and friends."""
    match = _SCHEME.match(_decoded(url))
    return match is None or match.group(1).lower() in SAFE_SCHEMES


_intranet: frozenset[str] = frozenset()


def set_intranet_hosts(hosts: tuple[str, ...] | list[str]) -> None:
    """The hosts plan text may link to (portal.yaml `intranet_hosts`); set once per generation."""
    global _intranet
    wanted = frozenset(h.strip().lower().rstrip(".") for h in hosts if h.strip())
    if wanted != _intranet:
        _intranet = wanted
        html_block.cache_clear()
        html_inline.cache_clear()


def _host_allowed(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == h or (h.startswith("*.") and host.endswith(h[1:])) for h in _intranet)


def plan_link(url: str) -> bool:
    """True for a link plan text may keep: relative, mailto:, or http(s) to an intranet host of portal.yaml.

    A browser reads `//host`, `/\\host` and `\\\\host` as links to another host: judged by that host.
    """
    decoded = _decoded(url).replace("\\", "/")
    if not decoded.isascii():  # look-alike letters, bidi and zero-width characters: never a real link
        return not (_SCHEME.match(decoded) or decoded.startswith("//") or ":" in unquote(unquote(decoded)))
    if decoded.startswith("//"):
        return _host_allowed(urlsplit("http:" + decoded).hostname or "")
    match = _SCHEME.match(decoded)
    if match is None:
        # a relative link; one that reads as a scheme once percent-decoded (`javascript%3A...`) is no
        # page of the intranet, only a disguise: shown as text
        return _SCHEME.match(_CONTROL.sub("", unquote(unquote(decoded)))) is None
    scheme = match.group(1).lower()
    if scheme == "mailto":
        return True
    if scheme in ("http", "https"):
        try:
            return _host_allowed(urlsplit(decoded).hostname or "")
        except ValueError:
            return False
    return False


def _link(match: re.Match[str]) -> str:
    bang, text, url = match.group(1), match.group(2), match.group(3)
    if bang:
        return text or "(image)"  # images from plan text would be requests the intranet must not make
    if not plan_link(url):
        return text
    return f"[{text}]({url})"  # the title is dropped: Material's tooltip would render it as HTML


def _ref_def(match: re.Match[str]) -> str:
    return f"{match.group(1)}{match.group(2)}" if plan_link(match.group(2)) else ""


_MD_CHARS = {c: f"&#{ord(c)};" for c in "\\`*_[]{}!|~^#\n"}
_MD_ESCAPE = str.maketrans(_MD_CHARS)
_LINE_START = frozenset("+-=>0123456789")
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)|([^<]+)")


def _md_safe(markup: str) -> str:
    """Sanitised HTML that a later Markdown pass (MkDocs renders our .md pages) leaves exactly as it is.

    Every character Markdown or attr_list could read as syntax becomes a character reference, in
    text and in attribute values alike; newlines too, so the HTML is one line wherever it is placed.
    """

    def one(match: re.Match[str]) -> str:
        tag, text = match.group(1), match.group(2)
        if text is not None:
            return text.translate(_MD_ESCAPE)
        name, _, attrs = tag.partition(" ")
        return name + (
            " " + re.sub(r'"[^"]*"', lambda v: v.group(0).translate(_MD_ESCAPE), attrs) if attrs else ""
        )

    out = _TAG_OR_TEXT.sub(one, markup)
    if out[:1] in _LINE_START:  # `- x`, `1. x`, `> x` at the start of a template line would open a block
        out = f"&#{ord(out[0])};{out[1:]}"
    return out


# -- plan HTML on a Markdown page: marked, so that the page's Markdown pass keeps it whole ------------

MARK_OPEN, MARK_CLOSE = "\ue010", "\ue011"
"""Private-use characters around sanitised HTML in a generated Markdown page. The Markdown pass (MkDocs',
or markdown_html's) stashes each marked span whole before reading any Markdown (`MarkedHtml`), so
plan text costs nothing there: escaping it character by character instead made Python-Markdown's
inline pass quadratic (a 100 KB title with 20,000 escapes: 11 s per page, minutes per build)."""
_MARKED = re.compile("\ue010([^\ue010\ue011]*)\ue011")


def _marked(markup: str) -> str:
    return f"{MARK_OPEN}{markup}{MARK_CLOSE}" if markup else ""


def _unmarkable(text: str) -> str:
    """Plan text with the marks themselves replaced (U+FFFD), so that it can never open or close one."""
    if MARK_OPEN in text or MARK_CLOSE in text:
        return text.replace(MARK_OPEN, "\ufffd").replace(MARK_CLOSE, "\ufffd")
    return text


def unmark(markdown_text: str) -> str:
    """A generated Markdown page for a reader without `MarkedHtml` (`vap conversation`, emitted docs):
    each marked span as HTML whose every Markdown character is a character reference."""
    return _MARKED.sub(lambda m: _md_safe(m.group(1)), markdown_text)


def stash_marked(markdown_text: str, store: Callable[[str], str]) -> str:
    """Each marked span handed to `store` (Markdown's HTML stash) and replaced by what it returns.

    The span is cleaned by nh3 again (the generator's own links allowed) unless it holds no tag:
    a span forged in some text that reached the page unmarked yields sanitised HTML only."""
    return _MARKED.sub(
        lambda m: store(m.group(1) if "<" not in m.group(1) else _clean(m.group(1))), markdown_text
    )


class _StashMarked(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if MARK_OPEN not in text:
            return lines
        return stash_marked(text, self.md.htmlStash.store).split("\n")


class MarkedHtml(Extension):
    """Python-Markdown extension: marked plan HTML is stashed before any other reading (after the
    whitespace normaliser, which would drop the stash's own placeholder characters)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.register(_StashMarked(md), "vap_marked_html", 25)


def makeExtension(**kwargs: Any) -> MarkedHtml:
    return MarkedHtml(**kwargs)


def md_block(text: str | None) -> str:
    """Plan Markdown for a block position of a Markdown page: sanitised HTML, marked."""
    return _marked(html_block(_unmarkable(text or "")))


def md_inline(text: str | None) -> str:
    """Plan Markdown inside one line of a Markdown page (a list item, a table cell): HTML, marked."""
    return _marked(html_inline(_unmarkable(text or "")))


def md_text(text: str | None) -> str:
    """Plain text (titles, names) for a Markdown page, shown exactly as written: escaped HTML, marked."""
    return _marked(html_plain(_unmarkable(text or "")))


def md_html(markup: str) -> str:
    """Sanitised HTML of the generator's own (sentences with links) for a Markdown page, marked."""
    return _marked(str(markup))


def html_text(text: str | None) -> str:
    """Plain text for an HTML context (attributes, HTML blocks)."""
    return html.escape(" ".join((text or "").split()), quote=True)


# -- plan text straight to HTML (pages the generator renders itself, see pages.py) ----------------

_PLAIN = re.compile(r"[\\`*_\[\]<>&!#|{}~\n]|^\s*(?:[-+>=]|\d+[.)])|^ {4}|\s{2}$")
"""Anything Markdown could read as syntax. Text without it is escaped directly, which is most plan
text and ~50 times faster than a Markdown pass."""
_TAGS = nh3.ALLOWED_TAGS - {"img", "area", "map"}
_ATTRIBUTES = {
    "*": set(),  # nh3 otherwise allows `title` and `lang` on every tag (ammonia's generic attributes)
    "a": {"href"},  # never `title`: Material's content.tooltips renders a title as HTML on hover
    "div": {"class"},  # admonitions
    "p": {"class"},
    "code": {"class"},
    "pre": {"class"},
    "span": {"class"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
_SCHEMES = {*SAFE_SCHEMES, "vap"}  # vap: links are the generator's, resolved by the adapter
_EXTENSIONS = ["tables", "fenced_code", "admonition"]
_CONVERTERS: dict[bool, markdown.Markdown] = {}


def _converter(raw_html: bool) -> markdown.Markdown:
    md = _CONVERTERS.get(raw_html)
    if md is None:
        md = _CONVERTERS[raw_html] = markdown.Markdown(
            extensions=[*_EXTENSIONS, MarkedHtml()] if raw_html else _EXTENSIONS
        )
        if not raw_html:  # plan text: raw HTML is text, shown as typed
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")
            md.inlinePatterns.deregister("entity")
    return md


def _plan_href(element: str, attribute: str, value: str) -> str | None:
    """nh3's last word on plan text: a link keeps its href only within the link policy (plan_link)."""
    if attribute == "href":
        return value if plan_link(value) else None
    return value


def _clean(html_out: str, *, plan: bool = False) -> Markup:
    return Markup(
        nh3.clean(
            html_out,
            tags=_TAGS,
            attributes=_ATTRIBUTES,
            url_schemes=set(SAFE_SCHEMES) if plan else _SCHEMES,
            link_rel=None,
            attribute_filter=_plan_href if plan else None,
        )
    )


def markdown_html(source: str) -> Markup:
    """Markdown the generator made (change notes: escaped plan text, inline `vap:` links) -> HTML.

    One Markdown instance serves the whole process (reset between texts); nh3 then keeps only
    ordinary tags, classes and http(s)/mailto/vap/relative links, whatever Markdown produced.
    """
    md = _converter(True)
    md.reset()
    return _clean(md.convert(source))


_QUOTE = re.compile(r"^( *)>", re.MULTILINE)
_AMP = "\ue000"
_BLOCK_START = re.compile(r"^(?:[>#]|[*+-](?= )|\d+[.)](?= ))")
"""How a line can open a block: within one line (a target such as `>= 90%`, an item `1. first`)
it is text, so it is escaped."""


def _escape_start(match: re.Match[str]) -> str:
    marker = match.group(0)
    return f"{marker[:-1]}\\{marker[-1]}"  # `1\.`, `\-`, `\>`: Markdown's own escapes


def _plan_html(text: str) -> Markup:
    """Plan Markdown -> HTML by a converter that reads raw HTML as text (so `<b>` shows as typed, in
    code too), after unsafe links and images were reduced to text."""
    source = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    source = _REF_DEF.sub(_ref_def, _LINK.sub(_link, source))
    source = _QUOTE.sub(r"\1\\>", source)  # `>= 90%` is a comparison, never a quotation
    # every `&` is text (`&lt;` typed stays `&lt;` on the page): it passes Markdown as a private
    # character and comes back escaped, in prose and code alike
    amp = _AMP if _AMP not in source else None
    source = source.replace("&", amp) if amp else source.replace("&", "&amp;")
    md = _converter(False)
    md.reset()
    out = md.convert(source)
    return _clean(out.replace(amp, "&amp;") if amp else out, plan=True)


MARKUP_LIMIT = 2000
"""Above this many Markdown characters in one field, the field is shown exactly as typed: Python-Markdown
takes time growing with their square (20,000 of them: ~50 s for one field). Plans never come near it."""
_MARKUP_CHARS = re.compile(r"[\\`*_\[\]<>&!#|{}~]")
_PARAGRAPHS = re.compile(r"\n\s*\n")


def _too_much_markup(text: str) -> bool:
    return len(text) > MARKUP_LIMIT and len(_MARKUP_CHARS.findall(text)) > MARKUP_LIMIT


@functools.lru_cache(maxsize=65536)
def html_block(text: str | None) -> Markup:
    """Plan Markdown for a block position, as HTML: formatting kept, raw HTML shown as text."""
    if not text or not text.strip():
        return Markup("")
    stripped = text.strip()
    if not _PLAIN.search(stripped):
        return Markup(f"<p>{html.escape(stripped, quote=False)}</p>")
    if _too_much_markup(stripped):
        paragraphs = (" ".join(p.split()) for p in _PARAGRAPHS.split(stripped))
        return Markup("".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p))
    return _plan_html(text)


@functools.lru_cache(maxsize=65536)
def html_inline(text: str | None) -> Markup:
    """Plan Markdown inside one line (a list item, a table cell), as HTML without a paragraph."""
    if not text or not text.strip():
        return Markup("")
    flat = " ".join(text.split())
    if not _PLAIN.search(flat) or _too_much_markup(flat):
        return Markup(html.escape(flat, quote=False))
    out = _plan_html(_BLOCK_START.sub(_escape_start, " ".join(text.split())))
    if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
        return Markup(out[3:-4])
    return out


def html_plain(text: str | None) -> Markup:
    """Plain text (titles, names) for an HTML page: shown exactly, whitespace folded."""
    return Markup(html.escape(" ".join((text or "").split()), quote=True))
