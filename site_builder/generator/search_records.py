"""Search records of one edition: what each page says, and for role pages who holds the role, where it
sits and how far its plan is, as result fields and filters. No MkDocs here.

Everything comes from the audience's view (the pages it rendered and the plans it kept): a field the
audience must not see is not in the pages, so it cannot reach the index either. The holder is left out
of the record when the audience hides holders.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from site_builder.domain.audience import View
from site_builder.domain.index import department
from site_builder.domain.model import Role
from site_builder.generator import search, urls

STATUS_LABELS = {"confirmed": "Confirmed", "discussed": "Discussed", "draft": "Draft"}
FILTERS = ("department", "level", "status")
"""The filters a reader narrows results by, in the order the search box shows them."""


@dataclass(frozen=True, slots=True)
class Record:
    """One page as search shows it: what it says, what a result shows, how it filters."""

    url: str
    """Relative to the site root, no leading slash (`roles/x/`): the site may be served from any folder."""
    content: str
    meta: dict[str, str]
    filters: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Facets:
    """What a role's result shows besides its title, and the filter values it is found under."""

    department: str
    status: str
    level: str | None = None
    holder: str | None = None
    """None when the audience does not see holders."""


class RoleFacets(Mapping[str, Facets]):
    """Facets of every role page of this edition, by the role page's generated path (`roles/x.md`),
    each made when first asked for: a preview rebuild indexes a few pages, not 10,000."""

    def __init__(self, view: View) -> None:
        self._view = view
        self._roles = {urls.role_page(role_id): role_id for role_id in view.plans.roles}
        self._holders = not view.is_hidden("holder")
        self._made: dict[str, Facets] = {}

    def __getitem__(self, path: str) -> Facets:
        made = self._made.get(path)
        if made is None:
            made = self._made[path] = self._facets(self._view.plans.roles[self._roles[path]])
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self._roles)

    def __len__(self) -> int:
        return len(self._roles)

    def _facets(self, role: Role) -> Facets:
        plans = self._view.plans
        level = None
        if role.level is not None:
            name = plans.portal.levels.get(role.level)
            level = f"Level {role.level} ({name})" if name else f"Level {role.level}"
        return Facets(
            department=department(plans, role.id),
            status=STATUS_LABELS.get(role.status, role.status),
            level=level,
            holder=(role.holder or "Vacant") if self._holders else None,
        )


def role_facets(view: View) -> RoleFacets:
    """Facets of every role page of this edition, by the role page's generated path."""
    return RoleFacets(view)


def page_record(url: str, title: str, page_html: str, facets: Facets | None = None) -> Record:
    """The record of one page from its HTML (the sections Material's indexer would read: what is marked
    `data-search-exclude` stays out) and, for a role page, its facets."""
    parts: list[str] = []
    for section in search.sections(page_html):
        parts += (section.title_text, section.body_text)
    if html.unescape(parts[0] if parts else "").strip() != title:
        parts.insert(0, title)  # a page without its title as first heading is still found by it
    content = html.unescape(" ".join(" ".join(parts).split()))
    meta = {"title": title}
    filters: dict[str, list[str]] = {}
    if facets is not None:
        values: Mapping[str, str | None] = {
            "department": facets.department,
            "level": facets.level,
            "status": facets.status,
        }
        meta.update({k: v for k, v in values.items() if v})
        filters = {k: [v] for k, v in values.items() if v}
        if facets.holder is not None:
            meta["holder"] = facets.holder
    return Record(url, content, meta, filters)


__all__ = ["FILTERS", "STATUS_LABELS", "Facets", "Record", "RoleFacets", "page_record", "role_facets"]
