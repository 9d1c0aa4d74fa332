"""Real-browser fixtures: build the sites once, serve them on loopback, drive headless Chromium.

The whole e2e suite is skipped (with the reason) when Chromium or Playwright is missing,
except in CI (CI=true), where a missing browser is a failure: the checks must not silently
vanish there. Chromium runs with flags that keep it off the network (see the team's
measurements notes, "Real-browser tests"); every test can assert that the page
asked nothing of any host but the local server.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import write_portal_config

ROOT = Path(__file__).resolve().parents[2]
E2E = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "tests" / "artifacts"
XSS_FIXTURE = ROOT / "tests" / "fixtures" / "xss" / "plans"
AXE_JS = E2E / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path(os.environ.get("VAP_CHROMIUM", "/usr/bin/chromium"))
IN_CI = os.environ.get("CI", "").strip().lower() == "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Without this Chromium itself still resolves Google hosts, which page.on("request") never shows.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def missing(reason: str) -> None:
    """Skip for a missing test prerequisite; in CI (CI=true) fail instead, so the check cannot vanish."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the e2e suite must run in CI)", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under tests/e2e is an e2e test (`-m "not e2e"` deselects the browser suite)."""
    for item in items:
        if E2E in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


# --------------------------------------------------------------------------- prerequisites


@pytest.fixture(scope="session", autouse=True)
def _browser_prerequisites() -> None:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        missing(f"Chromium not found at {CHROMIUM} (install Debian's 'chromium' or set VAP_CHROMIUM)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing("the 'playwright' Python package is not installed (pip install -e '.[test]')")


# --------------------------------------------------------------------------- building sites


def _vap() -> list[str]:
    script = Path(sys.executable).parent / "vap"
    return [str(script)] if script.exists() else [sys.executable, "-m", "site_builder.cli.main"]


def build_site(plans: Path, config: Path, site: Path, *extra: str) -> Path:
    """`vap build` into `site`: a failed build fails the test (no quiet retry without diagrams)."""
    cmd = [*_vap(), "build", str(plans), "--config-file", str(config), "--site-dir", str(site), *extra]
    run = subprocess.run(cmd, cwd=config.parent, capture_output=True, text=True, timeout=180)
    if run.returncode != 0:
        pytest.fail(f"site build failed ({' '.join(cmd)}):\n{run.stdout}\n{run.stderr}", pytrace=False)
    assert (site / "index.html").is_file(), f"no index.html in {site}"
    return site


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example portal built from plans/ with the project's own mkdocs.yml."""
    site = tmp_path_factory.mktemp("example") / "site"
    return build_site(ROOT / "plans", ROOT / "mkdocs.yml", site)


@pytest.fixture(scope="session")
def xss_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile fixture organisation (tests/fixtures/xss), built like any other portal."""
    org = tmp_path_factory.mktemp("xss")
    shutil.copytree(XSS_FIXTURE, org / "plans")
    config = write_portal_config(org)
    return build_site(org / "plans", config, org / "site", "--no-diagrams")


# --------------------------------------------------------------------------- serving


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`python -m http.server` on loopback for one directory."""

    def __init__(self, directory: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "http.server",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--directory",
                str(directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while True:
            try:
                with urllib.request.urlopen(self.base, timeout=1) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"http.server for {directory} did not answer on {self.base}", pytrace=False)
            time.sleep(0.05)

    def url(self, path: str = "") -> str:
        return self.base + path.lstrip("/")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[[Path], Server]]:
    """serve(site_dir) -> a running Server (one per directory, stopped at the end of the session)."""
    servers: dict[Path, Server] = {}

    def start(directory: Path) -> Server:
        key = directory.resolve()
        if key not in servers:
            servers[key] = Server(key)
        return servers[key]

    yield start
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="session")
def example_server(serve: Callable[[Path], Server], example_site: Path) -> Server:
    return serve(example_site)


@pytest.fixture(scope="session")
def xss_server(serve: Callable[[Path], Server], xss_site: Path) -> Server:
    return serve(xss_site)


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def browser(_browser_prerequisites: None) -> Iterator[Any]:
    """Headless Chromium, one per test module: Playwright's sync API allows one running instance per
    thread, so a module that drives its own `with sync_playwright()` must not find ours still open."""
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:  # a broken browser install is the same situation as a missing one
        pw.stop()
        missing(f"Chromium at {CHROMIUM} did not start: {exc}")
    yield chromium
    chromium.close()
    pw.stop()


@pytest.fixture
def page_requests() -> list[str]:
    """Every request URL the page's browser context made (filled by the `page` fixture)."""
    return []


@pytest.fixture
def page(browser: Any, page_requests: list[str]) -> Iterator[Any]:
    """A fresh desktop-sized page (light colour scheme) whose every request URL is recorded."""
    context = browser.new_context(viewport=DESKTOP, color_scheme="light", service_workers="block")
    context.on("request", lambda request: page_requests.append(request.url))
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    context.close()


def _local(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True  # in-page resources, never a network request
    return f"{parts.scheme}://{parts.netloc}/" == origin


@pytest.fixture
def assert_local_only(page_requests: list[str]) -> Callable[[Server], None]:
    """assert_local_only(server): every recorded request went to 127.0.0.1:PORT of that server."""

    def check(server: Server) -> None:
        assert page_requests, "no requests were recorded at all"
        foreign = sorted({u for u in page_requests if not _local(u, server.base)})
        assert not foreign, f"requests left {server.base}: {foreign}"

    return check


@pytest.fixture(scope="session")
def screenshot() -> Callable[[Any, str], list[Path]]:
    """screenshot(page, name): full-page PNGs at desktop and phone width in tests/artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def shoot(pg: Any, name: str) -> list[Path]:
        paths = []
        before = pg.viewport_size
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            pg.set_viewport_size(size)
            settle(pg)  # Material re-lays out (sidebar/drawer) after the resize
            path = ARTIFACTS / f"{name}-{label}.png"
            pg.screenshot(path=str(path), full_page=True, animations="disabled")
            paths.append(path)
        if before:
            pg.set_viewport_size(before)
        return paths

    return shoot


_RESULTS_SETTLED = """async () => {
    let last = -1;
    for (let i = 0; i < 100; i++) {
        const now = document.querySelectorAll('.md-search-result__item').length;
        if (now === last) return now;
        last = now;
        await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    }
    return last;
}"""


def settle(pg: Any) -> None:
    """Wait until no CSS transition or animation is running (instead of a fixed sleep)."""
    pg.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
    pg.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def _wait_for_search_ready(pg: Any) -> None:
    """The search script has loaded Pagefind ("Initializing search" -> "Type to start searching")."""
    pg.wait_for_function(
        "() => document.querySelector('.md-search-result__meta')?.textContent.trim()"
        " === 'Type to start searching'",
        timeout=10_000,
    )


def _search(pg: Any, query: str) -> list[dict[str, str]]:
    """Type `query` into the header search; returns the result items (Material's markup, filled from the
    Pagefind index by assets/vap-search.js) as {href, title, text}."""
    if pg.viewport_size and pg.viewport_size["width"] < 960:
        pg.click('label.md-header__button[for="__search"]')
    else:
        pg.click("input.md-search__input")
    pg.fill("input.md-search__input", "")
    pg.keyboard.press("Backspace")  # an input event: the meta line returns to its idle text
    _wait_for_search_ready(pg)  # the index is loaded and the previous query is cleared
    pg.keyboard.type(query)  # key by key, as a person types (each keystroke is an input event)
    pg.wait_for_selector(".md-search-result__item", timeout=5_000)
    pg.evaluate(_RESULTS_SETTLED)  # results may land in batches: wait until the count stops changing
    items: list[dict[str, str]] = pg.eval_on_selector_all(
        ".md-search-result__item",
        """els => els.map(el => {
            const a = el.querySelector('a.md-search-result__link') || el.querySelector('a');
            return {href: a ? a.href : '', title: (el.querySelector('h1,h2')?.textContent || '').trim(),
                    text: el.textContent.replace(/\\s+/g, ' ').trim()};
        })""",
    )
    return items


@pytest.fixture(scope="session")
def search() -> Callable[[Any, str], list[dict[str, str]]]:
    """search(page, query) -> result items {href, title, text}, after the index is ready."""
    return _search


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The axe-core bundle from tests/e2e/node_modules (npm ci in tests/e2e)."""
    if not AXE_JS.is_file():
        missing(f"axe-core not installed: run 'npm ci' in {E2E} (expected {AXE_JS})")
    return AXE_JS.read_text(encoding="utf-8")
