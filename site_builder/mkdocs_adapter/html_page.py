"""A generated page whose body is already HTML: MkDocs' Markdown pass is skipped for it."""

from __future__ import annotations

import re
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

MARKUP = re.compile(r"</?[a-zA-Z][^>]*>")
_HEADING = re.compile(r'<h([1-6]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_ID = re.compile(r'\sid="([^"]+)"')


class HtmlPage(Page):
    """A generated page whose body is already HTML (see pages.Pages.role): no Markdown pass.

    The generator escaped and sanitised every plan value itself; the adapter's on_page_content still
    resolves `vap:` links and re-checks every URL, as for any page. The table of contents and the
    anchor ids come from the headings and ids the generator wrote.

    MkDocs internal: `Page.render` is overridden (MkDocs 1.6 calls it from `_build_page`), and the
    page is attached through `File.page` before MkDocs makes its own (1.6 keeps a page set there).
    """

    indexed = False
    """True when the adapter indexes this page for search itself (Material's indexer is told to skip it)."""

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        options = self.meta.get("search") or {}
        if not options.get("exclude"):
            # Material would parse the whole page with html.parser; search.py reads our HTML faster
            self.indexed = True
            self.meta = {**self.meta, "search": {**options, "exclude": True}}
        html = self.markdown
        tokens = [
            {"level": int(level), "id": anchor, "name": MARKUP.sub("", inner).strip(), "children": []}
            for level, anchor, inner in _HEADING.findall(html)
        ]
        self.content = html
        self.markdown = ""  # the HTML lives on as content: no second copy per page until the end
        self.toc = get_toc(nest(tokens))
        self.present_anchor_ids = set(_ID.findall(html))


def nest(tokens: list[dict[str, Any]]) -> list[Any]:
    """Flat headings -> the nested tokens MkDocs' get_toc reads (each under the last higher one)."""
    roots: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for token in tokens:
        while stack and stack[-1]["level"] >= token["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else roots).append(token)
        stack.append(token)
    return roots
