"""The directory's filter in a real browser: it finds a role by department and by name from the local
directory.json, and asks nothing of any other host."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from site_builder.checking.check import run_checks
from site_builder.domain.index import Index
from tests.e2e.conftest import PHONE, ROOT, Server


def _rows(page: Any) -> list[str]:
    rows: list[str] = page.locator(".vap-filter__results tbody tr td:first-child").all_inner_texts()
    return rows


def test_the_filter_finds_a_role_by_department_and_by_name(
    page: Any, example_server: Server, assert_local_only: Callable[[Server], None], page_requests: list[str]
) -> None:
    plans = run_checks(ROOT / "plans").plans
    departments = Index(plans).departments
    page.goto(example_server.url("directory/"))
    form = page.locator("form[data-vap-directory]")
    assert form.is_visible(), "the script did not switch the filter on"
    assert not any(u.endswith("directory.json") for u in page_requests), "the data loads on first use only"

    dept = "Clinical"
    expected = sorted(r.title for r in plans.roles.values() if departments[r.id] == dept)
    form.get_by_label("Department").select_option(dept)
    page.wait_for_function("() => document.querySelectorAll('.vap-filter__results tbody tr').length > 0")
    assert sorted(_rows(page)) == expected
    assert page.locator(".vap-filter__count").inner_text() == f"{len(expected)} roles match."

    form.get_by_label("Department").select_option("")
    target = plans.roles["dir-clinic-operations"]
    form.get_by_label("Name or title").fill(target.title.lower())
    page.wait_for_function(
        "t => [...document.querySelectorAll('.vap-filter__results tbody td:first-child')]"
        ".some(td => td.innerText === t)",
        arg=target.title,
    )
    assert _rows(page) == [target.title]
    assert target.holder and target.holder.split()[0] in page.locator(".vap-filter__results").inner_text()
    with page.expect_navigation():
        page.locator(".vap-filter__results a").first.click()
    assert page.url == example_server.url("roles/dir-clinic-operations/")

    page.goto(example_server.url("directory/"))
    page.get_by_label("Name or title").fill("no such role anywhere")
    page.wait_for_function("() => document.querySelector('.vap-filter__count').innerText !== ''")
    assert page.locator(".vap-filter__count").inner_text() == "No role matches."
    assert_local_only(example_server)


def test_the_departments_link_to_their_lists(page: Any, example_server: Server) -> None:
    page.set_viewport_size(PHONE)
    page.goto(example_server.url("directory/"))
    page.locator(".vap-departments a", has_text="Clinical").click()
    assert page.locator("h1").inner_text() == "Clinical"
    assert page.locator("table.vap-roles tbody tr").count() > 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
