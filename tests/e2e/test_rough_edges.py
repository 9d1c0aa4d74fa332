"""The rough edges a reader trips on: tags that look like buttons, a bare 404 page, the site's name."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Server


def test_tags_without_a_page_are_not_styled_as_buttons(page: Any, example_server: Server) -> None:
    page.goto(example_server.url("roles/ceo/"))
    tags = page.locator("nav.md-tags .md-tag")
    assert tags.count() >= 1
    for n in range(tags.count()):
        tag = tags.nth(n)
        assert tag.evaluate("t => t.tagName") == "SPAN"  # no page to go to: not a link either
        style = tag.evaluate(
            "t => { const s = getComputedStyle(t); return [s.backgroundColor, s.borderRadius, s.cursor]; }"
        )
        assert style[0] in ("rgba(0, 0, 0, 0)", "transparent") and style[1] == "0px" and style[2] != "pointer"
    assert "Executive" in tags.all_inner_texts()[0]  # the top role's department is its own, not "Unassigned"


def test_the_404_page_offers_search_and_the_way_home(page: Any, example_server: Server) -> None:
    page.goto(example_server.url("404.html"))
    assert page.locator("h1").inner_text() == "Page not found"
    page.get_by_text("Search the plans").click()
    assert page.locator("input.md-search__input").is_visible()
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.get_by_role("link", name="home page of Northwind Health plans").click()
    assert page.url == example_server.url("")


def test_the_site_is_named_after_the_organisation(page: Any, example_server: Server) -> None:
    page.goto(example_server.url("directory/"))
    assert page.title() == "Directory - Northwind Health plans"
    assert page.get_attribute("input.md-search__input", "placeholder") == "Search Northwind Health plans"
