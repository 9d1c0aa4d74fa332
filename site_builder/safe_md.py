"""Plan text made safe for the generated Markdown: no raw HTML, no script links, no remote images.

Plan files are written by many people; the site must never run script that came from
them nor make requests to outside hosts. Plan Markdown keeps emphasis, lists and
ordinary links; anything that could become live HTML is escaped here, and the plugin
re-checks every href/src of generated pages as a second line of defence.
"""

from __future__ import annotations

import html
import re

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
