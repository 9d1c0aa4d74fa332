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
_HEADING_ID = re.compile(r"""<h[1-6]\b[^>]*?\sid=(?:"([^"]*)"|'([^']*)')""", re.I)
_ELEMENT: dict[str, re.Pattern[str]] = {}
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
    kept tags is left out, as the adapter's lean index drops it anyway).

    An excluded element is jumped over in one search for its end tag, not read tag by tag: most of a
    role page (links, team, diagrams) is excluded. Its headings still make (empty) sections, as in
    Material, and the section before it goes on after it.
    """
    out: list[Section] = []
    current: Section | None = None
    stack: list[str] = []
    position = 0

    def add_text(raw: str) -> None:
        nonlocal current
        if not raw:
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

    search = _TOKEN.search
    while (match := search(page, position)) is not None:
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
                end = _end_of(page, position, tag)
                if tag not in _ALWAYS_SKIPPED:
                    for heading in _HEADING_ID.finditer(page, position, end):
                        out.append(Section(heading.group(1) or heading.group(2) or "", float("inf")))
                position = end
                stack.pop()
                continue
            if tag in _KEPT:
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
        if current is not None and current.heading == len(stack):
            current.heading = None
        elif tag in _KEPT and current is not None:
            current.text.append(" ")  # Material keeps these tags; the lean index turns them into spaces
    add_text(page[position:])
    return out


def _end_of(page: str, start: int, tag: str) -> int:
    """Where the element opened just before `start` ends (after its end tag), nesting counted."""
    pattern = _ELEMENT.get(tag)
    if pattern is None:
        if tag in _ALWAYS_SKIPPED:  # raw text: the first end tag closes it
            pattern = re.compile(rf"()</{tag}\s*>", re.I)
        else:
            pattern = re.compile(rf"<!--.*?-->|<(/?){tag}\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.S | re.I)
        _ELEMENT[tag] = pattern
    depth = 1
    for match in pattern.finditer(page, start):
        if match.group(1) is None:
            continue  # a comment
        depth += -1 if match.group(1) or tag in _ALWAYS_SKIPPED else 1
        if depth == 0:
            return match.end()
    return len(page)


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
