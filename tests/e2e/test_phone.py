"""At phone width (390 px) no page scrolls sideways and no date or id breaks across lines."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import PHONE, Server

PAGES = [
    "",
    "strategy/",
    "strategy/g1/",
    "roles/ceo/",
    "roles/dir-clinic-operations/",
    "directory/",
    "directory/operations/",
    "directory-a-z/",
    "organisation/",
    "start-here/",
]

_BROKEN_TOKENS = r"""() => {
    const article = document.querySelector('article');
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    const token = /\b\d{4}-\d{2}-\d{2}\b|\b[A-Z]\d+-M\d+\b/g;
    const broken = [];
    let checked = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const m of node.data.matchAll(token)) {
            const range = document.createRange();
            range.setStart(node, m.index);
            range.setEnd(node, m.index + m[0].length);
            const rects = [...range.getClientRects()].filter(r => r.width > 0);
            if (!rects.length) continue;  // not displayed (a closed list)
            checked++;
            if (new Set(rects.map(r => Math.round(r.top))).size > 1) broken.push(m[0]);
        }
    }
    return {checked, broken};
}"""


@pytest.mark.parametrize("path", PAGES, ids=[p or "home" for p in PAGES])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_sideways_scroll_and_no_broken_dates(
    page: Any, example_server: Server, path: str, scheme: str
) -> None:
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size(PHONE)
    page.goto(example_server.url(path))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"/{path} scrolls sideways: {width} px wide"
    found = page.evaluate(_BROKEN_TOKENS)
    assert found["broken"] == [], f"/{path}: broken across lines: {found['broken']}"


def test_the_check_sees_dates_where_there_are_some(page: Any, example_server: Server) -> None:
    page.set_viewport_size(PHONE)
    page.goto(example_server.url("strategy/g1/"))
    assert page.evaluate(_BROKEN_TOKENS)["checked"] >= 3  # the milestones' due dates at least
