"""Material's search index made lean, and kept whole across the dirty rebuilds of a preview."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from site_builder.mkdocs_adapter.html_page import MARKUP


def merge_search_index(
    path: Path,
    known: dict[str, list[dict[str, Any]]],
    pages: set[str],
    extra: list[dict[str, Any]] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """A dirty rebuild indexes only the pages it rebuilt: merge them into the entries of all pages.
    `extra`: entries the adapter made itself (HtmlPages) in this rebuild."""
    if not path.is_file():
        return known
    index = json.loads(path.read_text(encoding="utf-8"))
    fresh: dict[str, list[dict[str, Any]]] = {}
    for doc in lean_entries([*index.get("docs", []), *(extra or ())]):
        fresh.setdefault(doc["location"].split("#", 1)[0], []).append(doc)
    merged = {url: docs for url, docs in {**known, **fresh}.items() if url in pages}
    index["docs"] = [doc for url in sorted(merged) for doc in merged[url]]
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return merged


def lean_entries(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Section entries without the page's tags (Material repeats them on every section: the page entry
    keeps them, so a tag still finds the page), and without the empty sections that headings inside
    data-search-exclude blocks leave behind."""
    kept = []
    for doc in docs:
        if doc.get("text"):  # markup adds ~15% and nothing to search
            doc["text"] = " ".join(MARKUP.sub(" ", doc["text"]).split())
        location = doc.get("location", "")
        if "#" in location:
            if not doc.get("text") and "#outcome-" not in location:  # an outcome's title is worth finding
                continue
            doc.pop("tags", None)
        elif location.startswith("roles/") and doc.get("tags"):
            # only the department: a goal or level tag is boosted so far above the text that searching
            # "booking" would rank every role serving a booking goal above the one that does the booking
            doc["tags"] = doc["tags"][:1]
        kept.append(doc)
    return kept


def prune_search_index(path: Path, extra: list[dict[str, Any]] | None = None) -> None:
    """Material's index made lean, with the entries the adapter made itself (HtmlPages) added."""
    if not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    index["docs"] = lean_entries([*index.get("docs", []), *(extra or ())])
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
