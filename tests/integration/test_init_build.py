"""A new repository from `vap init` builds strictly with plain `mkdocs build` (a real site build)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

from site_builder.authoring.init import init_repository
from tests.conftest import ENGINE

TODAY = dt.date(2026, 5, 14)


def test_init_builds_strictly_from_the_source_tree(tmp_path: Path) -> None:
    init_repository(directory=tmp_path / "r", organization="Acme", today=TODAY)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    run = subprocess.run(
        [*ENGINE, "build", "--strict"],
        cwd=tmp_path / "r",
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    for page in ("index.html", "start-here/index.html", "roles/ceo/index.html", "alignment/index.html"):
        assert (tmp_path / "r" / "site" / page).is_file(), page
