"""Where each generated page lives, and relative links between them (the generator never imports MkDocs)."""

from __future__ import annotations

import posixpath

HOME = "index.md"
STRATEGY = "strategy/index.md"
DIRECTORY = "directory.md"
DIRECTORY_AZ = "directory-a-z.md"
DIRECTORY_JSON = "directory.json"
"""What the directory's filter reads (theme/assets/vap-directory.js): a local file, no outside request."""
ALIGNMENT = "alignment.md"
ORGANISATION = "organisation.md"
CHANGES = "changes.md"
START_HERE = "start-here.md"

LINK_SCHEME = DIAGRAM_SCHEME = "vap:"
"""Generated links (in inline HTML and SVG) are written `vap:<page.md>#anchor`; the adapter turns
them into real relative URLs for the page they are on, for either URL style."""


def role_page(role_id: str) -> str:
    return f"roles/{role_id}.md"


def department_page(slug: str) -> str:
    """The directory's list of one department's roles."""
    return f"directory/{slug}.md"


HTML_PAGES = frozenset((DIRECTORY, DIRECTORY_AZ, ORGANISATION, ALIGNMENT))


def is_html_page(path: str) -> bool:
    """Generated pages whose body is HTML the generator rendered itself (roles, goals, directories,
    organisation: every page whose size grows with the organisation): MkDocs adds the theme around
    them without a Markdown pass. The others are small and Markdown."""
    return (
        path.startswith(("roles/", "alignment-", "directory/"))
        or (path.startswith("strategy/") and path != STRATEGY)
        or path in HTML_PAGES
    )


def role_card(role_id: str) -> str:
    return f"cards/{role_id}.html"


def goal_page(goal_id: str) -> str:
    return f"strategy/{goal_id.lower()}.md"


def goal_department_page(goal_id: str, slug: str) -> str:
    """One department's outcomes for a goal whose page only counts them (goal_lists.py)."""
    return f"strategy/{goal_id.lower()}/{slug}.md"


def alignment_page(slug: str) -> str:
    """The alignment page narrowed to one department. Beside alignment.md, not below it: the theme
    shares one navigation among pages outside the navigation at one depth, and links from below a
    navigation page to it would be written short ('../'), wrong for the pages sharing them."""
    return f"alignment-{slug}.md"


def outcome_anchor(outcome_id: str) -> str:
    return f"outcome-{outcome_id}"


def milestone_anchor(milestone_id: str) -> str:
    return f"milestone-{milestone_id.lower()}"


def rel(from_page: str, to_page: str) -> str:
    """Relative Markdown link from one generated page to another (MkDocs rewrites .md links)."""
    if from_page == to_page:
        return posixpath.basename(to_page)
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")


SLUG_BYTES = 60
"""A slug becomes part of a file name: file systems allow 255 bytes, and a department name is plan
text of any length, so a slug keeps whole words up to this many bytes (UTF-8)."""


def slug(text: str) -> str:
    out = "".join(c.lower() if c.isalnum() else "-" for c in text)
    words = [p for p in out.split("-") if p]
    kept: list[str] = []
    for word in words:
        if len("-".join([*kept, word]).encode("utf-8")) > SLUG_BYTES:
            if not kept:  # one long word: cut it at a character boundary
                kept.append(word.encode("utf-8")[:SLUG_BYTES].decode("utf-8", "ignore"))
            break
        kept.append(word)
    return "-".join(kept) or "unassigned"
