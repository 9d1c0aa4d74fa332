"""`vap serve`: a manager edits a plan and the open page follows; typing mistakes never kill the server."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, write_portal_config

pytestmark = pytest.mark.e2e
CHROMIUM = os.environ.get("VAP_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout} s")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[str]]]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    org = tmp_path / "org"
    shutil.copytree(FIXTURES / "small" / "plans", org / "plans")
    config = write_portal_config(org)
    port = _free_port()
    scratch = tmp_path / "scratch"  # MkDocs builds the preview in a temporary folder here
    scratch.mkdir()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            LOGGED,  # as `vap`, with MkDocs' log (and the plugin's) at INFO level
            "serve",
            str(org / "plans"),
            "--config-file",
            str(config),
            "--port",
            str(port),
        ],
        cwd=org,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(scratch)},
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        _wait_http(base)
        yield base, org, proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    output = proc.stdout.read() if proc.stdout else ""
    assert "'dirty' build" not in output  # MkDocs' warning does not apply to our incremental preview...
    assert "rebuilds incrementally" in output  # ...which explains itself once instead
    assert "pages laid out again, the other pages as they were" in output  # a plan edit: quick.py
    # stopped with SIGTERM (as a service manager would), the preview leaves no temporary site behind
    assert not list(scratch.glob("mkdocs_*")), "vap serve left its temporary site folder behind"


LOGGED = (
    "import logging, sys; from site_builder.cli.main import main; "
    "logging.basicConfig(level=logging.INFO, format='%(name)s %(message)s'); sys.argv[0] = 'vap'; main()"
)


def test_edit_reloads_page_and_errors_show_in_the_page(
    served: tuple[str, Path, subprocess.Popen[str]],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, org, proc = served
    role_file = org / "plans" / "roles" / "ops" / "head-ops.yaml"
    original = role_file.read_text()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page()
        page.goto(base + "roles/head-ops/")
        expect(page.locator("h1")).to_have_text("Head of Operations")
        page.evaluate("window.__sameTab = true")  # survives only if nobody reloads
        for plan in (org / "plans").rglob("*.yaml"):
            plan.read_bytes()  # reading is not editing: a native watcher sees the opens; no rebuild
        page.wait_for_timeout(1500)
        assert page.evaluate("window.__sameTab") is True

        role_file.write_text(
            original.replace(
                "Turns the booking goal into clinics", "Turns the FRESHLY EDITED booking goal into clinics"
            )
        )
        expect(page.locator("article")).to_contain_text("FRESHLY EDITED", timeout=30_000)
        assert page.evaluate("window.__sameTab") is None  # live reload, not a manual one

        role_file.write_text(original.replace("value_add: Turns", "value_add: [Turns"))  # half-typed YAML
        banner = page.locator(".vap-error-banner")
        expect(banner).to_contain_text("plans/roles/ops/head-ops.yaml:", timeout=30_000)
        expect(banner).to_contain_text("YAML syntax error")
        assert proc.poll() is None
        with urllib.request.urlopen(base + "roles/chief/", timeout=5) as response:
            assert response.status == 200
        page.goto(base + "roles/chief/")
        expect(page.locator(".vap-error-banner")).to_be_visible()  # on every page
        expect(page.locator("h1")).to_have_text("Chief Executive")  # the last good site stays up

        role_file.write_text(original)
        page.goto(base + "roles/head-ops/")
        expect(page.locator(".vap-error-banner")).to_have_count(0, timeout=30_000)
        expect(page.locator("article")).not_to_contain_text("FRESHLY EDITED")
        browser.close()
    assert proc.poll() is None
