"""Set-up problems reach the user as errors with their documented exit code (a real `vap build`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import write_portal_config


def test_graphviz_missing_exits_2_naming_the_fix(small_plans: Path, tmp_path: Path) -> None:
    config = write_portal_config(small_plans.parent)
    empty = tmp_path / "no-dot"
    empty.mkdir()
    run = subprocess.run(
        [sys.executable, "-m", "site_builder.cli.main", "build", str(small_plans), "-f", str(config)],
        env={**os.environ, "PATH": str(empty), "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        cwd=small_plans.parent,
    )
    assert run.returncode == 2, run.stderr
    assert "Error: Graphviz is not installed" in run.stderr and "Install Graphviz" in run.stderr
