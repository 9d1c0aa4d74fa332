"""The hostile-text suite: payloads of tests/fixtures/hostile in every text field, every page in Chromium.

Each batch of payloads becomes an organisation (tests/e2e/hostile.py), built for every audience and
published as two cycles (so the what-changed page shows them too). On every page, in light and dark
mode: every element hovered and focused by script, elements with a `title` and diagram links hovered
for real, every <details> opened; then payload words typed into search and the first result opened.
Allowed: 0 dialogs, 0 new window globals, 0 live on* attributes or script URLs, 0 inline scripts,
0 requests to any host but the site's, 0 Content-Security-Policy violations.

`make test` runs a subset (the first payload of each class); `make test-hostile` (VAP_HOSTILE=full)
runs every payload in batches (one test each: `-k batch3` runs one), and prints the figures recorded in
docs/manual/security.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e import hostile
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, Server, missing

FULL = os.environ.get("VAP_HOSTILE", "") == "full"
BATCH = 24


def _vap(*args: str, cwd: Path) -> None:
    script = Path(sys.executable).parent / "vap"
    cmd = [str(script) if script.exists() else sys.executable, *args]
    run = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, f"{' '.join(args)} failed:\n{run.stdout}\n{run.stderr}"


def _sites(folder: Path, batch: list[hostile.Payload]) -> list[tuple[str, Path, str]]:
    """Build every audience and publish two cycles of the default one: [(label, served dir, start path)]."""
    hostile.write_config(folder)
    out = []
    hostile.write_org(folder, batch, rotate=1)
    _vap("publish", "plans", "--out", "pub", "--cycle", "C1", "--no-diagrams", cwd=folder)
    _vap("publish", "plans", "--out", "pub", "--cycle", "C1", "--audience", "leadership", cwd=folder)
    hostile.write_org(folder, batch)
    for audience in hostile.AUDIENCES:
        _vap("build", "plans", "--audience", audience, "--site-dir", f"site-{audience}", cwd=folder)
        out.append((f"build {audience}", folder / f"site-{audience}", ""))
    _vap("publish", "plans", "--out", "pub", "--cycle", "C2", cwd=folder)
    _vap("publish", "plans", "--out", "pub", "--cycle", "C2", "--audience", "leadership", cwd=folder)
    # each audience is published into its own folder (DIR/<audience>/), served on its own
    out.append(("published all-staff", folder / "pub" / "all-staff", "C2/"))
    out.append(("published leadership", folder / "pub" / "leadership", "C2/"))
    return out


PUBLISHED_PAGES = ("", "changes/", "404.html", "roles/r000/", "roles/r001/")


def _pages(root: Path, start: str, only: tuple[str, ...] | None = None) -> list[str]:
    """Every HTML page under root/start (or the `only` ones), as a server path."""
    base = root / start
    pages = []
    for html in sorted(base.rglob("*.html")):
        rel = html.relative_to(root).as_posix()
        if "/assets/" in f"/{rel}" or "/search/" in f"/{rel}" or ".tmp-" in rel:
            continue
        pages.append(rel.removesuffix("index.html"))
    if only is not None:
        pages = [p for p in pages if p.removeprefix(start) in only]
        assert len(pages) == len(only), (only, pages)
    return pages


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        except Exception as exc:
            missing(f"Chromium at {CHROMIUM} did not start: {exc}")
        yield browser
        browser.close()


class Visit:
    """One browser context on one site: records requests, dialogs and CSP violations."""

    def __init__(self, browser: Any, server: Server, scheme: str) -> None:
        self.server = server
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.csp: list[str] = []
        self.context = browser.new_context(viewport=DESKTOP, color_scheme=scheme, service_workers="block")
        self.context.add_init_script(hostile.INIT)
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("console", self._console)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, msg: Any) -> None:
        if "Content Security Policy" in msg.text:
            self.csp.append(msg.text[:200])

    def foreign(self) -> list[str]:
        ok = (f"127.0.0.1:{self.server.port}",)
        return sorted(
            {
                u
                for u in self.requests
                if urlsplit(u).scheme not in ("data", "blob", "about") and urlsplit(u).netloc not in ok
            }
        )

    def real_hovers(self) -> int:
        """Hover, for real, what Material's tooltips react to: anything with a title, and diagram links."""
        handles = self.page.query_selector_all(
            ":is(.md-content [title], .md-content svg a, .md-ellipsis):visible"
        )[:8]
        for handle in handles:
            try:
                handle.hover(timeout=300)
            except Exception:  # hidden or detached by the hover before it: nothing to hover
                continue
        return len(handles)


def _probe_page(visit: Visit, url: str, material: list[str]) -> list[str]:
    page = visit.page
    page.goto(url, wait_until="load")
    page.evaluate(hostile.EXERCISE)
    visit.real_hovers()
    page.wait_for_timeout(30)
    found: list[str] = page.evaluate(hostile.PROBE, material)
    return found


def _search_and_open(visit: Visit, url: str, material: list[str]) -> tuple[int, list[str]]:
    """Type each payload word into search; open the first result; probe both."""
    page = visit.page
    problems = []
    opened = 0
    for word in hostile.EVIL_WORDS:
        page.goto(url, wait_until="load")
        page.click("input.md-search__input")
        page.wait_for_function(
            "() => document.querySelector('.md-search-result__meta')?.textContent.trim()"
            " === 'Type to start searching'"
        )
        page.keyboard.type(word)
        try:
            page.wait_for_selector(".md-search-result__item a", timeout=3_000)
        except Exception:
            continue  # the audience's index has no such word
        first = page.eval_on_selector(".md-search-result__item a", "a => a.href")
        problems += [f"search results {word!r}: {b}" for b in page.evaluate(hostile.PROBE, material)]
        page.evaluate(hostile.EXERCISE)
        problems += [f"search {word!r}: {b}" for b in page.evaluate(hostile.PROBE, material)]
        page.goto(first, wait_until="load")  # by its link: the hovering above may have closed the list
        opened += 1
        page.evaluate(hostile.EXERCISE)
        problems += [f"first result of {word!r}: {b}" for b in page.evaluate(hostile.PROBE, material)]
    return opened, problems


def _material_globals(browser: Any, server: Server, start: str) -> list[str]:
    """What a page of the same theme adds to window when nothing hostile runs: the site's 404 page."""
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(hostile.INIT)
    page = context.new_page()
    page.goto(server.url(start + "404.html"), wait_until="load")
    page.click("input.md-search__input")
    page.keyboard.type("zz")
    page.wait_for_timeout(300)
    names = hostile.material_globals(page)
    context.close()
    return names


def _run(browser: Any, folder: Path, batch: list[hostile.Payload]) -> dict[str, int]:
    figures = {"payloads": len(batch), "sites": 0, "pages": 0, "searches": 0}
    problems: list[str] = []
    sites = _sites(folder, batch)
    if not FULL:  # everything reaches leadership; the published default edition adds what-changed
        sites = [s for s in sites if s[0] in ("build leadership", "published all-staff")]
    for n, (label, root, start) in enumerate(sites):
        # the published cycles repeat the built pages; what they add is the what-changed page and
        # the version selector, so there only those pages and the home page are visited
        only = PUBLISHED_PAGES if label.startswith("published") else None
        server = Server(root)
        try:
            material = _material_globals(browser, server, start)
            for scheme in ("light", "dark") if FULL and n == 0 else ("dark" if n % 2 else "light",):
                visit = Visit(browser, server, scheme)
                for path in _pages(root, start, only):
                    found = _probe_page(visit, server.url(path), material)
                    problems += [f"{label} {scheme} /{path}: {b}" for b in found]
                    figures["pages"] += 1
                if label.startswith("published"):  # Material's version selector, read from versions.json
                    visit.page.goto(server.url(start), wait_until="load")
                    visit.page.wait_for_selector(".md-version__current", timeout=10_000)
                opened, found = _search_and_open(visit, server.url(start), material)
                figures["searches"] += opened
                problems += [f"{label} {scheme}: {b}" for b in found]
                problems += [f"{label} {scheme}: dialog {d}" for d in visit.dialogs]
                problems += [f"{label} {scheme}: request to {u}" for u in visit.foreign()]
                problems += [f"{label} {scheme}: CSP violation {c}" for c in visit.csp]
                visit.context.close()
            figures["sites"] += 1
        finally:
            server.stop()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(sorted(set(problems))[:80])
    return figures


def _chosen() -> list[hostile.Payload]:
    every = hostile.payloads()
    return every if FULL else hostile.fast_subset(every, 1)


BATCHES = list(hostile.batches(_chosen(), BATCH))


def test_the_corpus_is_large_enough() -> None:
    assert len(hostile.payloads()) >= 150, "the corpus must hold at least 150 payloads of our own"


@pytest.mark.parametrize("number", range(1, len(BATCHES) + 1), ids=lambda n: f"batch{n}")
def test_every_payload_stays_inert(chromium: Any, tmp_path: Path, number: int) -> None:
    """One batch of payloads (the full corpus is several: run them apart with -k batchN, or with -n)."""
    batch = BATCHES[number - 1]
    started = time.monotonic()
    figures = _run(chromium, tmp_path, batch)
    figures["seconds"] = round(time.monotonic() - started)
    print(f"\nhostile suite, batch {number} of {len(BATCHES)}: {figures}", flush=True)
    assert figures["pages"] > 4 * len(batch), figures  # every role and goal page of every site was visited
