"""Links in the final HTML: `vap:` links resolved to relative URLs, script URLs and event handlers removed."""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.utils import get_relative_url

from site_builder.generator.safe_md import safe_url

PLAN_LINK = re.compile(r'(href|xlink:href)="vap:([^"#]*)(#[^"]*)?"')
_ATTR_URL = re.compile(r'\s(href|src|xlink:href|action|formaction)\s*=\s*("([^"]*)"|\'([^\']*)\')', re.I)
_EVENT_ATTR = re.compile(r"""\son[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.I)
_TAG = re.compile(r"<[a-zA-Z][^>]*>")
_SUSPECT = re.compile(
    r"""\son[a-z]+\s*=|\s(?:href|src|xlink:href|action|formaction)\s*=\s*["']?\s*(?!https?://|mailto:)[^"'>]*?[:&]""",
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
    """Second line of defence: no script URLs and no inline event handlers in any tag of page content."""
    if not _SUSPECT.search(html):
        return html

    def check(match: re.Match[str]) -> str:
        value = match.group(3) if match.group(3) is not None else match.group(4)
        return match.group(0) if safe_url(value) else f' {match.group(1)}="#"'

    def clean(tag: re.Match[str]) -> str:
        return _ATTR_URL.sub(check, _EVENT_ATTR.sub("", tag.group(0)))

    return _TAG.sub(clean, html)
