"""Plan text made safe for the generated Markdown: no raw HTML, no script links, no remote images.

Plan files are written by many people; the site must never run script that came from
them nor make requests to outside hosts. Plan Markdown keeps emphasis, lists and
ordinary links; anything that could become live HTML is escaped here, and the plugin
re-checks every href/src of generated pages as a second line of defence.
"""

from __future__ import annotations

import functools
import html
import re

import markdown
import nh3
from markupsafe import Markup

SAFE_SCHEMES = ("http", "https", "mailto")
_LINK = re.compile(r"(!?)\[((?:[^\]\\]|\\.)*)\]\(\s*([^)\s]*)(?:\s+\"[^\"]*\")?\s*\)")
_REF_DEF = re.compile(r"^( {0,3}\[[^\]]+\]:\s*)(\S+)(.*)$", re.MULTILINE)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}()#+!|-])")


_META = str.maketrans({"<": "‹", ">": "›", '"': "”", "'": "’", "\n": " ", "\r": " "})


def meta_text(text: str | None) -> str:
    """Plan text for page metadata (front matter title, description, tags).

    MkDocs and Material insert page titles into HTML without escaping them (in <title>, the nav,
    meta tags), so characters that could open a tag or close an attribute become look-alikes there.
    The page itself shows the exact text.
    """
    return " ".join((text or "").translate(_META).split())


def safe_url(url: str) -> bool:
    """True for relative links and http(s)/mailto; False for javascript:, data:, vbscript: and friends."""
    decoded = url
    for _ in range(3):  # `javascript&amp;#58;` is `javascript:` after the browser's own unescaping
        decoded = html.unescape(decoded)
    decoded = _CONTROL.sub("", decoded)
    match = _SCHEME.match(decoded)
    return match is None or match.group(1).lower() in SAFE_SCHEMES


def _link(match: re.Match[str]) -> str:
    bang, text, url = match.group(1), match.group(2), match.group(3)
    if bang:
        return text or "(image)"  # images from plan text would be requests the intranet must not make
    if not safe_url(url):
        return text
    return match.group(0)


def _ref_def(match: re.Match[str]) -> str:
    return match.group(0) if safe_url(match.group(2)) else ""


def md_block(text: str | None) -> str:
    """Plan Markdown for a block position: formatting kept, HTML escaped, unsafe links reduced to text."""
    if not text:
        return ""
    out = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    out = out.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = out.replace("{", "&#123;").replace("}", "&#125;")  # no attr_list injection
    out = _LINK.sub(_link, out)
    return _REF_DEF.sub(_ref_def, out)


def md_inline(text: str | None) -> str:
    """Plan Markdown inside one line (a list item, a table cell): newlines folded, pipes escaped."""
    return " ".join(md_block(text).split("\n")).replace("|", "\\|")


def md_text(text: str | None) -> str:
    """Plain text (titles, names) that must show exactly as written: every Markdown character escaped."""
    if not text:
        return ""
    out = " ".join(text.split())
    out = out.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", out)


def html_text(text: str | None) -> str:
    """Plain text for an HTML context (attributes, HTML blocks)."""
    return html.escape(" ".join((text or "").split()), quote=True)


# -- plan text straight to HTML (pages the generator renders itself, see pages.py) ----------------

_PLAIN = re.compile(r"[\\`*_\[\]<>&!#|{}~\n]|^\s*(?:[-+>=]|\d+[.)])|^ {4}|\s{2}$")
"""Anything Markdown could read as syntax. Text without it is escaped directly, which is most plan
text and ~50 times faster than a Markdown pass."""
_TAGS = nh3.ALLOWED_TAGS - {"img", "area", "map"}
_SCHEMES = set(SAFE_SCHEMES)
_MARKDOWN: markdown.Markdown | None = None


def _converter() -> markdown.Markdown:
    global _MARKDOWN
    if _MARKDOWN is None:
        _MARKDOWN = markdown.Markdown(extensions=["tables", "fenced_code", "admonition"])
    return _MARKDOWN


def markdown_html(source: str) -> Markup:
    """Markdown that is already safe (made by md_block, md_text or the generator) -> sanitised HTML.

    One Markdown instance serves the whole process (reset between texts); nh3 then keeps only
    ordinary tags and http(s)/mailto/relative links, whatever Markdown produced.
    """
    md = _converter()
    md.reset()
    out = md.convert(source)
    return Markup(nh3.clean(out, tags=_TAGS, url_schemes=_SCHEMES, link_rel=None))


@functools.lru_cache(maxsize=65536)
def html_block(text: str | None) -> Markup:
    """Plan Markdown for a block position, as HTML: formatting kept, raw HTML shown as text."""
    if not text or not text.strip():
        return Markup("")
    stripped = text.strip()
    if not _PLAIN.search(stripped):
        return Markup(f"<p>{html.escape(stripped, quote=False)}</p>")
    return markdown_html(md_block(text))


@functools.lru_cache(maxsize=65536)
def html_inline(text: str | None) -> Markup:
    """Plan Markdown inside one line (a list item, a table cell), as HTML without a paragraph."""
    if not text or not text.strip():
        return Markup("")
    flat = " ".join(text.split())
    if not _PLAIN.search(flat):
        return Markup(html.escape(flat, quote=False))
    out = markdown_html(" ".join(md_block(text).split("\n")))
    if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
        return Markup(out[3:-4])
    return out


def html_plain(text: str | None) -> Markup:
    """Plain text (titles, names) for an HTML page: shown exactly, whitespace folded."""
    return Markup(html.escape(" ".join((text or "").split()), quote=True))
