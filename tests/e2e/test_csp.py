"""The example portal's Content-Security-Policy: in every page, and Material's own features work under it.

The policy (theme/main.html; role cards carry a stricter one of their own) forbids inline script
and every request to another origin. Material's inline scripts are served as files
(theme/partials/javascripts/), so search, tooltips, the palette toggle and the rest must run
with no CSP violation in the console.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"')
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)


def test_every_page_carries_the_policy_and_no_inline_script(example_site: Path) -> None:
    pages = sorted(example_site.rglob("*.html"))
    assert len(pages) > 20, pages
    problems = []
    for html in pages:
        text = html.read_text(encoding="utf-8")
        policy = CSP.search(text[:2000])  # in <head>, before anything it must govern
        if policy is None:
            problems.append(f"{html.relative_to(example_site)}: no CSP meta in the head")
            continue
        rules = dict(part.strip().split(" ", 1) for part in policy.group(1).split(";"))
        if "'unsafe-inline'" in rules.get("script-src", "") or rules.get("default-src") not in (
            "'self'",
            "'none'",
        ):
            problems.append(f"{html.relative_to(example_site)}: weak policy {policy.group(1)}")
        if INLINE_SCRIPT.search(text):
            problems.append(f"{html.relative_to(example_site)}: inline script {INLINE_SCRIPT.search(text)}")
    assert not problems, "\n".join(problems)


def test_material_features_work_without_a_violation(
    page: Any, example_server: Any, search: Any, assert_local_only: Any
) -> None:
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(example_server.url("roles/ceo/"), wait_until="load")
    # the palette toggle: the inline palette script became a file, and the toggle still switches
    before = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
    page.click("form[data-md-component=palette] label:visible")
    page.wait_for_timeout(200)
    after = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
    assert before != after, (before, after)
    # the stored palette is read back by the palette script on the next page
    page.goto(example_server.url(""), wait_until="load")
    assert page.evaluate("() => document.body.getAttribute('data-md-color-scheme')") == after
    # tooltips: the portal keeps content.tooltips off even when asked (the hostile suite asks): it
    # renders titles copied from plan text as HTML; a real hover shows no Material tooltip
    features = page.evaluate("() => JSON.parse(document.getElementById('__config').textContent).features")
    assert "content.tooltips" not in features and "search.suggest" in features, features
    page.hover("form[data-md-component=palette] label:visible")
    page.wait_for_timeout(300)
    assert page.locator(".md-tooltip2, .md-tooltip--active").count() == 0
    # search: the worker loads the index and answers
    results = search(page, "booking")
    assert results, "no search results under the policy"
    page.goto(example_server.url("strategy/"), wait_until="load")
    page.wait_for_timeout(200)
    assert not violations, violations
    assert_local_only(example_server)
