"""The directory: a page whose size does not grow with the roles, department lists, and the filter's data."""

from __future__ import annotations

import json
from pathlib import Path

from site_builder.checking.check import run_checks
from site_builder.domain.audience import make_view, resolve_audience
from site_builder.domain.index import Index
from site_builder.generator.directory import department_lists, directory_json, directory_page
from site_builder.generator.pages import Pages

HOLDERS = ("Dana Reyes", "Amara Okafor", "José Álvarez")


def _pages(plans: Path, audience: str) -> Pages:
    result = run_checks(plans)
    view = make_view(result.plans, resolve_audience(result.plans, audience), result.findings)
    return Pages(view, Index(view.plans))


def test_the_data_holds_every_role_once_with_its_department(small_plans: Path) -> None:
    pages = _pages(small_plans, "preview")
    records = json.loads(directory_json(pages))["roles"]
    assert sorted(r["id"] for r in records) == sorted(pages.plans.roles)
    assert {r["id"]: r["department"] for r in records} == {
        r: pages.ix.departments[r] for r in pages.plans.roles
    }
    assert {r["holder"] for r in records} >= set(HOLDERS)


def test_an_audience_hiding_holders_gets_no_holder_in_the_data_or_the_lists(small_plans: Path) -> None:
    portal = small_plans / "portal.yaml"
    audience = "audiences:\n  no-names:\n    hide: [holder]\n    drafts: include\n"
    portal.write_text(portal.read_text().replace("audiences:\n", audience))
    pages = _pages(small_plans, "no-names")
    texts = [directory_json(pages), directory_page(pages), *department_lists(pages).values()]
    assert not [name for name in HOLDERS for text in texts if name in text]
    assert all('"holder"' not in r and '"vacant"' not in r for r in texts[:1])
    assert "Vacant" not in texts[1] and "Vacant" not in "".join(texts[2:])


def test_the_directory_page_does_not_grow_with_the_roles(small_plans: Path) -> None:
    before = directory_page(_pages(small_plans, "preview"))
    ops = small_plans / "roles" / "ops"
    for n in range(40):
        (ops / f"extra-{n}.yaml").write_text(f"title: Extra role {n}\nstatus: draft\nreports_to: head-ops\n")
    pages = _pages(small_plans, "preview")
    after = directory_page(pages)
    assert len(pages.plans.roles) >= 44
    assert "Extra role" not in after and len(after) - len(before) < 20  # only the counts changed
    assert "Extra role 39" in "".join(department_lists(pages).values())
