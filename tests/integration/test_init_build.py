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
    site = tmp_path / "r" / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    # the organisation's own name, from portal.yaml: header, title and search box
    assert "<title>Acme - Acme plans</title>" in home
    header = home[home.index('<div class="md-header__topic">') :]
    assert header[: header.index("</div>")].split('class="md-ellipsis">')[1].strip().startswith("Acme plans")
    assert 'placeholder="Search Acme plans"' in home
    # the glossary of Start here is a definition list (def_list), not "Value-add : The value..."
    start = (site / "start-here" / "index.html").read_text(encoding="utf-8")
    assert "<dt>Value-add</dt>" in start and "<dd>" in start and ": The value" not in start

    # a site_name set in mkdocs.yml on purpose wins over portal.yaml
    config = tmp_path / "r" / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_name: from portal.yaml", "site_name: Team pages"))
    rebuilt = subprocess.run(
        [*ENGINE, "build", "--strict"],
        cwd=tmp_path / "r",
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rebuilt.returncode == 0, rebuilt.stderr
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "<title>Acme - Team pages</title>" in home and "Acme plans" not in home
