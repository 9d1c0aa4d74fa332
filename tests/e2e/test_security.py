"""Hostile plan text in a real browser: nothing runs, nothing leaves 127.0.0.1, the text stays readable.

tests/fixtures/xss is a small organisation whose every free-text field (titles, holder,
value_add, accountabilities, outcomes, dialogue notes, strategy texts) carries script,
event-handler, javascript: link, remote-image and attr_list payloads. All of them would set
`window.__xss`. The site must build, and on every generated page (and in search results)
no payload may execute, become a live element or attribute, or fetch from another host,
while the payload itself stays visible as the literal text the planner typed.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

# Literal text that must be readable (in the page's visible text) on the given page.
READABLE = {
    "roles/chief/": [
        "Chief <script>window.__xss=1</script> Officer",
        'Mallory <img src=x onerror="window.__xss=1">',
        '<iframe src="javascript:window.__xss=1"></iframe>',
        "<svg onload=window.__xss=1>",
        "&lt;b&gt;not bold&lt;/b&gt;",
        '{: onclick="window.__xss=1" }',
    ],
    "roles/worker/": [
        'Worker {: onclick="window.__xss=1" }',
        'Does <b onclick="window.__xss=1">bold</b> work',
        '<a href="javascript:window.__xss=1">raw anchor</a>',
    ],
    "strategy/g1/": ['Goal <img src=x onerror="window.__xss=1"> one'],
    "strategy/g2/": ["javascript&#58;window.__xss=1 stays text"],
    "": ["Evil Corp <script>window.__xss=1</script>"],
    "cards/chief.html": ["Chief <script>window.__xss=1</script> Officer"],
}

# Everything about the DOM that would mean a payload became live, gathered in one evaluate().
PROBE = r"""() => {
    const bad = [];
    if (typeof window.__xss !== 'undefined') bad.push('window.__xss is set: a payload ran');
    for (const s of document.querySelectorAll('script'))
        if (s.textContent.includes('__xss')) bad.push('live <script>: ' + s.outerHTML.slice(0, 120));
    for (const el of document.querySelectorAll('*'))
        for (const a of el.attributes)
            if (/^on/i.test(a.name) && a.value.includes('__xss'))
                bad.push(`live handler <${el.tagName.toLowerCase()} ${a.name}="${a.value}">`);
    const scriptUrl = /^(javascript|vbscript|data):/i;
    for (const el of document.querySelectorAll('a[href], area[href], iframe, frame, embed, object, form, '
                                                + 'img, source, video, audio, link[href], base[href]')) {
        for (const name of ['href', 'src', 'data', 'action', 'srcset', 'xlink:href']) {
            const raw = el.getAttribute(name);
            if (raw === null) continue;
            const cleaned = raw.replace(/[\x00-\x20\x7f]+/g, '');
            if (scriptUrl.test(cleaned) && !(el.tagName === 'IMG' && /^data:image\//i.test(cleaned))
                    && !(el.tagName === 'LINK' && /^data:/i.test(cleaned)))
                bad.push(`script URL <${el.tagName.toLowerCase()} ${name}="${raw}">`);
        }
    }
    for (const a of document.querySelectorAll('a[href]'))
        if (/^(javascript|vbscript|data):$/i.test(a.protocol))
            bad.push('link resolves to ' + a.protocol + ' ' + a.href);
    for (const el of document.querySelectorAll('iframe, frame, embed, object, svg[onload]'))
        if (el.outerHTML.includes('__xss')) bad.push('live element: ' + el.outerHTML.slice(0, 120));
    for (const el of document.querySelectorAll('[src]')) {
        const u = new URL(el.getAttribute('src'), location.href);
        if (/^https?:$/.test(u.protocol) && u.host !== location.host) bad.push('remote src ' + u.href);
    }
    return bad;
}"""


def _pages(site: Path) -> list[str]:
    """Every HTML page of the built site, as a path relative to the server root."""
    out = []
    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        if rel.startswith(("assets/", "search/")):
            continue
        out.append(rel.removesuffix("index.html"))
    return out


@pytest.fixture
def dialogs(page: Any) -> list[str]:
    """Any alert/confirm/prompt is recorded (and dismissed, so the page does not hang)."""
    opened: list[str] = []

    def on_dialog(dialog: Any) -> None:
        opened.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return opened


def test_xss_site_builds_with_every_page(xss_site: Path) -> None:
    pages = _pages(xss_site)
    for expected in (
        "",
        "roles/chief/",
        "roles/worker/",
        "strategy/",
        "strategy/g1/",
        "strategy/g2/",
        "directory/",
        "alignment/",
        "cards/chief.html",
    ):
        assert expected in pages, (expected, pages)


def test_no_payload_runs_on_any_page(
    page: Any, dialogs: list[str], xss_site: Path, xss_server: Any, assert_local_only: Any
) -> None:
    problems: dict[str, list[str]] = {}
    for path in _pages(xss_site):
        page.goto(xss_server.url(path), wait_until="load")
        page.wait_for_timeout(50)  # error/load handlers of broken images fire right after load
        found = page.evaluate(PROBE)
        if dialogs:
            found.append(f"dialog opened: {dialogs}")
            dialogs.clear()
        if found:
            problems[path or "/"] = found
    assert not problems, "\n".join(f"{p}: {b}" for p, b in problems.items())
    assert_local_only(xss_server)


@pytest.mark.parametrize("path", sorted(READABLE), ids=lambda p: p or "home")
def test_payloads_stay_readable_text(page: Any, xss_server: Any, path: str) -> None:
    page.goto(xss_server.url(path))
    text = page.locator("body").inner_text()
    missing = [t for t in READABLE[path] if t not in text]
    assert not missing, f"payload text not shown literally on /{path}: {missing}"
    if path.startswith("roles/chief"):
        # the heading shows the title exactly; page metadata (the browser tab, nav) uses look-alike
        # characters for < > " ' because MkDocs and Material insert it there unescaped
        assert page.locator("h1").inner_text() == "Chief <script>window.__xss=1</script> Officer"
        assert page.title().startswith("Chief ‹script›window.__xss=1‹/script› Officer"), page.title()


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("a", "area"):
            self.hrefs += [v or "" for k, v in attrs if k == "href"]


def test_link_attributes_never_start_with_javascript(xss_site: Path) -> None:
    """The literal a[href^=javascript i] check, on the built files (the attribute as the browser reads it).

    Stricter than "resolves to javascript:": an href like `javascript&#58;...` is inert (a relative
    link) but shows the sanitizer let a hostile link through as a broken one.
    """
    problems = {}
    for path in _pages(xss_site):
        parser = _Hrefs()
        parser.feed(
            (xss_site / (path or ".") / ("" if path.endswith(".html") else "index.html")).read_text(
                encoding="utf-8"
            )
        )
        bad = [h for h in parser.hrefs if re.sub(r"[\x00-\x20\x7f]+", "", h).lower().startswith("javascript")]
        if bad:
            problems[path or "/"] = bad
    assert not problems, problems


def test_search_results_do_not_run_payloads(
    page: Any, dialogs: list[str], xss_server: Any, search: Any, assert_local_only: Any
) -> None:
    page.goto(xss_server.url())
    before = page.evaluate(PROBE)
    assert not before, f"the home page itself already runs payloads (see the test above): {before}"
    # Material renders result snippets from the index's HTML: escaped payload text must stay text there too.
    for query in ("Mallory", "onerror", "iframe"):
        results = search(page, query)
        assert results, f"no search results for {query!r}"
        page.wait_for_timeout(100)
        found = page.evaluate(PROBE)
        assert not found and not dialogs, (query, found, dialogs)
    assert_local_only(xss_server)
