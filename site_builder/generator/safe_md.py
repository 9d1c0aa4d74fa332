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
_ATTRIBUTES = {
    "a": {"href", "title"},
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
        md = _CONVERTERS[raw_html] = markdown.Markdown(extensions=_EXTENSIONS)
        if not raw_html:  # plan text: raw HTML is text, shown as typed
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")
            md.inlinePatterns.deregister("entity")
    return md


def _clean(html_out: str) -> Markup:
    return Markup(
        nh3.clean(html_out, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_SCHEMES, link_rel=None)
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
    return _clean(out.replace(amp, "&amp;") if amp else out)


@functools.lru_cache(maxsize=65536)
def html_block(text: str | None) -> Markup:
    """Plan Markdown for a block position, as HTML: formatting kept, raw HTML shown as text."""
    if not text or not text.strip():
        return Markup("")
    stripped = text.strip()
    if not _PLAIN.search(stripped):
        return Markup(f"<p>{html.escape(stripped, quote=False)}</p>")
    return _plan_html(text)


@functools.lru_cache(maxsize=65536)
def html_inline(text: str | None) -> Markup:
    """Plan Markdown inside one line (a list item, a table cell), as HTML without a paragraph."""
    if not text or not text.strip():
        return Markup("")
    flat = " ".join(text.split())
    if not _PLAIN.search(flat):
        return Markup(html.escape(flat, quote=False))
    out = _plan_html(_BLOCK_START.sub(_escape_start, " ".join(text.split())))
    if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
        return Markup(out[3:-4])
    return out


def html_plain(text: str | None) -> Markup:
    """Plain text (titles, names) for an HTML page: shown exactly, whitespace folded."""
    return Markup(html.escape(" ".join((text or "").split()), quote=True))
