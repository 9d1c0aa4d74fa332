"""Page sizes of a built site: the heaviest HTML page of each kind (a reader downloads and lays out
every byte; no page may pass PAGE_LIMIT_KB at any organisation size).

    python bench/pagesize.py SITE_DIR      # prints the heaviest page of each kind
"""

from __future__ import annotations

import sys
from pathlib import Path

PAGE_LIMIT_KB = 400
KINDS = (
    ("roles/", "role"),
    ("strategy/", "goal"),
    ("directory/", "department list"),
    ("alignment-", "alignment by department"),
    ("cards/", "role card"),
)


def kind(rel: str) -> str:
    """The kind of page a site path is, by where the generator puts it."""
    for prefix, name in KINDS:
        if rel.startswith(prefix) and rel not in ("strategy/index.html", "directory/index.html"):
            return name
    return rel.removesuffix("/index.html").removesuffix(".html") or "home"


def heaviest(site: Path) -> dict[str, tuple[str, int]]:
    """Kind of page -> (its heaviest page, bytes), over every HTML file of the site."""
    out: dict[str, tuple[str, int]] = {}
    for path in site.rglob("*.html"):
        rel = path.relative_to(site).as_posix()
        size = path.stat().st_size
        name = kind(rel)
        if name not in out or size > out[name][1]:
            out[name] = (rel, size)
    return dict(sorted(out.items(), key=lambda item: -item[1][1]))


def report(site: Path) -> tuple[str, int]:
    """The heaviest pages as text (one line per kind, heaviest first) and the largest size in bytes."""
    found = heaviest(site)
    lines = [f"    {name}: {rel} {size / 1024:.0f} KB" for name, (rel, size) in found.items()]
    largest = max((size for _, size in found.values()), default=0)
    return "\n".join(lines), largest


if __name__ == "__main__":
    text, largest = report(Path(sys.argv[1]))
    print(text)
    print(f"largest page: {largest / 1024:.0f} KB (limit {PAGE_LIMIT_KB} KB)")
    sys.exit(0 if largest <= PAGE_LIMIT_KB * 1024 else 1)
