"""`vap serve` over plain HTTP on whichever engine is installed (MkDocs, or ProperDocs in
`make test-properdocs`): the preview answers, follows an edited plan, and stops on SIGTERM.
The browser-level checks (live reload, error banner) are in tests/e2e/test_serve.py."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, write_portal_config

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return str(response.read().decode("utf-8")) if response.status == 200 else None
    except OSError:
        return None


def _wait_for(url: str, text: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = _get(url)
        if body is not None and text in body:
            return body
        time.sleep(0.3)
    raise AssertionError(f"{url} did not show {text!r} within {timeout} s")


def test_serve_answers_and_follows_an_edited_plan(tmp_path: Path) -> None:
    org = tmp_path / "org"
    shutil.copytree(FIXTURES / "small" / "plans", org / "plans")
    config = write_portal_config(org)
    port = _free_port()
    proc = subprocess.Popen(
        [
            *[sys.executable, "-m", "site_builder.cli.main"],
            "serve",
            "plans",
            "-f",
            str(config),
            "--port",
            str(port),
        ],
        cwd=org,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    page = f"http://127.0.0.1:{port}/roles/head-ops/"
    try:
        _wait_for(page, "Head of Operations")
        role_file = org / "plans" / "roles" / "ops" / "head-ops.yaml"
        original = role_file.read_text()
        edited = original.replace(
            "Turns the booking goal into clinics", "Turns the EDITED booking goal into clinics"
        )
        assert edited != original
        role_file.write_text(edited)
        _wait_for(page, "EDITED booking goal")
        assert proc.poll() is None
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            out, _ = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
    assert proc.returncode == 0, out
