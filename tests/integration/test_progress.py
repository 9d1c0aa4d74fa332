"""Progress of long work: phases with counts on a terminal or with --verbose; quiet in CI, when the
output is not a terminal, and with --quiet."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, write_portal_config

pytestmark = pytest.mark.slow
VAP = [sys.executable, "-m", "site_builder.cli.main"]


@pytest.fixture
def org(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "small" / "plans", tmp_path / "plans")
    write_portal_config(tmp_path)
    return tmp_path


def _build(org: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("CI", None)
    run = subprocess.run(
        [*VAP, "build", "plans", "--no-diagrams", "--site-dir", "site", *flags],
        cwd=org,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return run


def test_verbose_prints_each_phase_with_counts_and_times(org: Path) -> None:
    err = _build(org, "--verbose").stderr
    phases = [line for line in err.splitlines() if line.endswith("...")]
    assert phases[0] == "Checking the plans..."
    assert any(line.startswith("Rendering ") and "generated pages" in line for line in phases)
    assert any(line.startswith("MkDocs: laying out the pages") for line in phases)
    assert err.count("  done in ") == len(phases)
    assert "built the site into" in err


def test_not_a_terminal_shows_no_progress_but_the_summary(org: Path) -> None:
    err = _build(org).stderr
    assert "..." not in err and "done in" not in err
    assert "0 errors" in err and "built the site into" in err


def test_quiet_prints_nothing_on_success(org: Path) -> None:
    run = _build(org, "--quiet")
    assert (run.stdout, run.stderr) == ("", "")
    assert (org / "site" / "index.html").is_file()


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_terminal_shows_the_phases_by_default(org: Path) -> None:
    import pty

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("CI", None)
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [*VAP, "build", "plans", "--no-diagrams", "--site-dir", "site"],
        cwd=org,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:  # the other end closed: the command ended
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=300) == 0
    os.close(leader)
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert "Checking the plans..." in shown and "Writing " in shown
    assert "built the site into" in shown
