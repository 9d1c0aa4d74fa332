"""The example portal in a real browser: find a role by search, follow the cascade up and down.

Builds plans/ with the project's mkdocs.yml, serves it on 127.0.0.1 and drives headless
Chromium. Every test also asserts that the browser asked nothing of any other host: the
portal must work on an intranet with no internet access.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ROLE_PATH = "roles/lead-booking-team/"
# The outcome of lead-booking-team that supports an outcome of its manager and is supported
# by outcomes of its two direct reports.
OUTCOME = "outcome-no-long-waits"


def _role_file(role_id: str) -> dict[str, Any]:
    path = next((ROOT / "plans" / "roles").rglob(f"{role_id}.yaml"))
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _path(url: str) -> str:
    return urlsplit(url).path


def _links_after(page: Any, outcome_anchor: str, label: str) -> Any:
    """The links listed under "Supports"/"Supported by" of one outcome heading on a role page."""
    return page.locator(
        f"xpath=//h3[@id='{outcome_anchor}']/following-sibling::div[contains(@class,'vap-links')][1]"
        f"/p[normalize-space(.)='{label}']/following-sibling::ul[1]//a"
    )


def test_home_page_loads_locally(page: Any, example_server: Any, assert_local_only: Any) -> None:
    page.goto(example_server.url())
    assert page.title().startswith("Northwind Health")
    page.get_by_role("link", name="Start here").first.click()
    page.wait_for_url("**/start-here/")
    assert page.locator("h1").first.is_visible()
    assert_local_only(example_server)


def test_search_by_holder_name_reaches_the_role(
    page: Any, example_server: Any, search: Any, assert_local_only: Any
) -> None:
    role_id = "booking-coordinator"
    holder = _role_file(role_id)["holder"]
    assert holder == "Fatima Zahra Benali", "the example plans changed: pick another holder"
    page.goto(example_server.url())
    results = search(page, holder)
    hrefs = [_path(r["href"]) for r in results[:5]]
    assert any(h.endswith(f"/roles/{role_id}/") for h in hrefs), (holder, results[:5])
    page.locator(f".md-search-result__item a[href*='roles/{role_id}/']").first.click()
    page.wait_for_url(f"**/roles/{role_id}/**")
    assert page.locator("h1").first.inner_text().strip() == _role_file(role_id)["title"]
    assert holder in page.locator(".vap-role-meta").inner_text()
    assert_local_only(example_server)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Contact Centre Manager", "/roles/mgr-contact-centre/"),  # a role title
        ("callers booked first call", "/roles/booking-coordinator/"),  # words of an outcome title
    ],
    ids=["role-title", "outcome-words"],
)
def test_search_by_title_and_outcome_words(
    page: Any, example_server: Any, search: Any, assert_local_only: Any, query: str, expected: str
) -> None:
    page.goto(example_server.url())
    results = search(page, query)
    hrefs = [_path(r["href"]) for r in results[:5]]
    assert any(h.endswith(expected) for h in hrefs), (query, [(r["href"], r["title"]) for r in results[:5]])
    assert_local_only(example_server)


def test_search_at_phone_width(page: Any, example_server: Any, search: Any, assert_local_only: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(example_server.url())
    results = search(page, "Fatima")
    assert any(_path(r["href"]).endswith("/roles/booking-coordinator/") for r in results[:5]), results[:5]
    assert_local_only(example_server)


def test_supports_up_and_supported_by_down(page: Any, example_server: Any, assert_local_only: Any) -> None:
    page.goto(example_server.url(ROLE_PATH))
    up = _links_after(page, OUTCOME, "Supports")
    assert up.count() >= 1, "no Supports link under the outcome"
    up.first.click()
    page.wait_for_url("**/roles/mgr-contact-centre/#outcome-*")
    anchor = urlsplit(page.url).fragment
    target = page.locator(f"[id='{anchor}']")
    assert target.count() == 1, f"the Supports link points at a missing anchor #{anchor}"
    assert target.evaluate("el => el.tagName") == "H3"
    assert target.is_visible()
    in_view = target.evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight; }"
    )
    assert in_view, "anchor not scrolled into view"

    # ... and back down: the manager's outcome lists ours under "Supported by".
    down = _links_after(page, anchor, "Supported by")
    back = down.and_(page.locator(f"a[href$='{ROLE_PATH.removeprefix('roles/')}#{OUTCOME}']"))
    assert back.count() == 1, [down.nth(i).get_attribute("href") for i in range(down.count())]
    back.click()
    page.wait_for_url(f"**/{ROLE_PATH}#{OUTCOME}")
    assert page.locator(f"#{OUTCOME}").is_visible()
    assert_local_only(example_server)


def test_every_supports_link_resolves(page: Any, example_server: Any, assert_local_only: Any) -> None:
    """Each Supports/Supported by link on the role page lands on an existing page and anchor."""
    page.goto(example_server.url(ROLE_PATH))
    hrefs = page.eval_on_selector_all(".vap-links a", "els => els.map(a => a.href)")
    assert hrefs
    for href in hrefs:
        response = page.goto(href, wait_until="domcontentloaded")
        assert response is not None and response.ok, href
        fragment = urlsplit(href).fragment
        if fragment:
            assert page.locator(f"[id='{fragment}']").count() == 1, f"missing anchor in {href}"
    assert_local_only(example_server)


@pytest.mark.parametrize(
    ("name", "path"),
    [("home", ""), ("role", ROLE_PATH), ("goal", "strategy/g1/")],
)
def test_screenshots(
    page: Any, example_server: Any, screenshot: Any, assert_local_only: Any, name: str, path: str
) -> None:
    page.goto(example_server.url(path))
    page.wait_for_load_state("networkidle")
    shots = screenshot(page, name)
    assert all(p.stat().st_size > 10_000 for p in shots), shots
    # Nothing wider than the phone viewport: no horizontal scrolling on a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} page scrolls sideways by {overflow}px at phone width"
    assert_local_only(example_server)
