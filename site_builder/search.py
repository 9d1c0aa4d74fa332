"""Search sections of the HTML pages the generator renders itself, without Material's HTML parser.

Material's search plugin reads every page with `html.parser` (a quarter of a build once Markdown was
gone). Role pages are our own, regular HTML, so the adapter excludes them from Material's indexer and
adds the sections this module finds: the same sections, titles and text Material would index (a
test compares the two on every page of the example), from one regular-expression pass. Like Material,
it skips elements marked `data-search-exclude`, scripts and styles, and starts a section at every
heading with an id. No MkDocs here.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

_TOKEN = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
_ID = re.compile(r"""\sid=(?:"([^"]*)"|'([^']*)')""")
_EXCLUDE = re.compile(r"\sdata-search-exclude(?:[\s=/>]|$)")
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_VOID = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr")
)
_ALWAYS_SKIPPED = frozenset(("script", "style", "object"))
_KEPT = frozenset(("p", "code", "pre", "li", "ol", "ul", "sub", "sup"))


@dataclass(slots=True)
class Section:
    id: str | None
    depth: float
    title: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    heading: int | None = None
    """Index in the element stack of the heading this section's title comes from (None: no title)."""

    @property
    def title_text(self) -> str:
        return "".join(self.title).strip()

    @property
    def body_text(self) -> str:
        return "".join(self.text).strip()


def sections(page: str) -> list[Section]:
    """The sections Material's search parser would make of this HTML (titles and text; markup of
    kept tags is left out, as the adapter's lean index drops it anyway)."""
    out: list[Section] = []
    current: Section | None = None
    stack: list[str] = []
    skipping: list[int] = []  # stack indexes of excluded elements that are open
    position = 0

    def add_text(raw: str) -> None:
        nonlocal current
        if not raw or skipping:
            return
        data = html.unescape(raw)
        data = " " if data.isspace() else data.replace("\n", " ")
        if current is None:
            current = Section(None, 0)
            out.append(current)
        if current.heading is not None and current.heading < len(stack):
            current.title.append(html.escape(data, quote=False))
        elif data.isspace():
            if not current.text or not current.text[-1].isspace():
                current.text.append(data)
        else:
            current.text.append(html.escape(data, quote=False))

    for match in _TOKEN.finditer(page):
        add_text(page[position : match.start()])
        position = match.end()
        closing, tag, attrs = match.groups()
        if tag is None:
            continue  # a comment
        tag = tag.lower()
        if tag in _VOID:
            continue
        if not closing:
            stack.append(tag)
            if tag in _HEADINGS:
                found = _ID.search(attrs)
                if found:
                    if tag != "h1" and not out:
                        out.append(Section(None, len(stack)))
                    current = Section(
                        (found.group(1) or found.group(2) or "") if out else None,
                        len(stack),
                        heading=len(stack) - 1,
                    )
                    out.append(current)
            if current is None:
                current = Section(None, 0)
                out.append(current)
            if tag in _ALWAYS_SKIPPED or _EXCLUDE.search(attrs):
                skipping.append(len(stack) - 1)
            elif tag in _KEPT and not skipping:
                (current.title if current.heading is not None else current.text).append(" ")
            continue
        if not stack or stack[-1] != tag:
            continue  # Material ignores an end tag that does not close the innermost element
        if current is not None and current.depth > len(stack):
            for earlier in reversed(out):
                if earlier.depth <= len(stack):
                    current.depth = float("inf")
                    current = earlier
                    break
        stack.pop()
        if skipping and skipping[-1] == len(stack):
            skipping.pop()
        if current is not None and current.heading == len(stack):
            current.heading = None
        elif tag in _KEPT and not skipping and current is not None:
            current.text.append(" ")  # Material keeps these tags; the lean index turns them into spaces
    add_text(page[position:])
    return out


def entries(page: str, url: str, title: str, tags: list[str]) -> list[dict[str, object]]:
    """Material's index entries for one page: location, title, text (and the page's tags)."""
    out: list[dict[str, object]] = []
    for section in sections(page):
        entry: dict[str, object] = {
            "location": f"{url}#{section.id}" if section.id else url,
            "title": section.title_text or title,
            "text": " ".join(section.body_text.split()),
        }
        if tags:
            entry["tags"] = list(tags)
        out.append(entry)
    return out


__all__ = ["Section", "entries", "sections"]
