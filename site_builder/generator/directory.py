"""The directory: a page that stays light at any size (a filter, departments with counts), one list per
department, and `directory.json`, the local data the filter reads (no request leaves the site).

At 10,000 roles a page listing every role was ~2.5 MB of HTML; here the directory page carries only
the departments, and the roles of each department are on a page of its own."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from site_builder.domain.model import Role
from site_builder.generator import urls
from site_builder.generator.alignment import department_slugs
from site_builder.generator.safe_md import meta_text

if TYPE_CHECKING:
    from site_builder.generator.pages import Pages

STATUS = {"confirmed": "Confirmed", "discussed": "Discussed", "draft": "Draft"}


def departments(pages: Pages) -> dict[str, list[Role]]:
    """Roles by department, departments sorted by name and roles by title (then id)."""
    by_dept: dict[str, list[Role]] = defaultdict(list)
    for role in pages.plans.roles.values():
        by_dept[pages.ix.departments[role.id]].append(role)
    return {d: sorted(by_dept[d], key=lambda r: (r.title.lower(), r.id)) for d in sorted(by_dept)}


def directory_page(pages: Pages) -> str:
    """The filter and the departments with their counts (HTML; see directory.html.j2)."""
    from site_builder.generator.pages import front_matter

    by_dept = departments(pages)
    slugs = department_slugs(by_dept)
    holders = not pages.view.is_hidden("holder")
    rows = [
        {
            "name": dept,
            "page": urls.department_page(slugs[dept]),
            "roles": len(roles),
            "vacant": sum(1 for r in roles if r.vacant) if holders else None,
            "unconfirmed": sum(1 for r in roles if r.status != "confirmed"),
        }
        for dept, roles in by_dept.items()
    ]
    levels = sorted({r.level for r in pages.plans.roles.values() if r.level is not None})
    statuses = sorted({r.status for r in pages.plans.roles.values()}, key=list(STATUS).index)
    body = pages.render(
        "directory.html.j2",
        departments=rows,
        total=len(pages.plans.roles),
        levels=[(level, _level_name(pages, level)) for level in levels],
        statuses=[(s, STATUS[s]) for s in statuses],
        holders=holders,
    )
    return front_matter(title="Directory", search={"exclude": True}) + body


def department_lists(pages: Pages) -> dict[str, str]:
    """One list of roles per department, by page path."""
    from site_builder.generator.pages import front_matter

    by_dept = departments(pages)
    slugs = department_slugs(by_dept)
    holders = not pages.view.is_hidden("holder")
    out = {}
    for dept, roles in by_dept.items():
        body = pages.render(
            "department.html.j2", department=dept, rows=[_row(pages, r) for r in roles], holders=holders
        )
        out[urls.department_page(slugs[dept])] = (
            front_matter(title=meta_text(dept), search={"exclude": True}) + body
        )
    return out


def _level_name(pages: Pages, level: Any) -> str:
    name = pages.plans.portal.levels.get(level)
    return f"Level {level} ({name})" if name else f"Level {level}"


def _row(pages: Pages, role: Role) -> dict[str, Any]:
    return {
        "link": pages.role_link(role.id),
        "holder": role.holder or "",
        "vacant": role.vacant,
        "level": _level_name(pages, role.level) if role.level is not None else "",
        "status": STATUS.get(role.status, role.status),
    }


def directory_json(pages: Pages) -> str:
    """What the filter searches: one short record per role, only what this audience may see."""
    holders = not pages.view.is_hidden("holder")
    records: list[dict[str, Any]] = []
    for dept, roles in departments(pages).items():
        for role in roles:
            record: dict[str, Any] = {"id": role.id, "title": role.title, "department": dept}
            if holders:
                record["holder"] = role.holder or ""
                record["vacant"] = role.vacant
            record["level"] = role.level
            record["status"] = role.status
            records.append(record)
    role_url = "roles/{id}/" if pages.directory_urls else "roles/{id}.html"  # from the site's root
    data = {"role_url": role_url, "roles": records}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


__all__ = ["department_lists", "directory_json", "directory_page"]
