"""`vap init` from an installed wheel, in a fresh virtual environment, far from the source tree:
the templates ship inside the package and the new repository builds at once."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def _run(
    args: list[str], cwd: Path, env: dict[str, str], timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_init_then_build_from_an_installed_wheel(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env |= {"NO_MKDOCS_2_WARNING": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    dist = tmp_path / "dist"
    wheel_run = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)], tmp_path, env
    )
    assert wheel_run.returncode == 0, wheel_run.stderr
    (wheel,) = dist.glob("vap_portal-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in (
        "role.yaml.j2",
        "portal.yaml.j2",
        "strategy.yaml.j2",
        "mkdocs.yml.j2",
        "start-here.md.j2",
        "pre-commit-config.yaml.j2",
    ):
        assert f"site_builder/authoring/templates/{template}" in names, template

    venv = tmp_path / "venv"
    assert _run([sys.executable, "-m", "venv", str(venv)], tmp_path, env).returncode == 0
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / "python"
    install = _run([str(python), "-m", "pip", "install", "-q", str(wheel)], tmp_path, env, timeout=600)
    assert install.returncode == 0, install.stderr
    where = _run([str(python), "-c", "import site_builder; print(site_builder.__file__)"], tmp_path, env)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout  # the wheel, not the source tree

    vap = [str(bindir / "vap")]
    work = tmp_path / "work"
    work.mkdir()
    init = _run([*vap, "init", "acme", "--organization", "Acme Ltd"], work, env)
    assert init.returncode == 0, init.stderr
    repo = work / "acme"
    assert (repo / "plans" / "roles" / "ceo.yaml").is_file()
    assert not list(repo.rglob("*.css")) and not list(repo.rglob("*.html"))  # the package's theme is used

    check = _run([*vap, "check", "acme/plans"], work, env)
    assert check.returncode == 0, check.stdout
    assert check.stdout.splitlines()[-1] == "0 errors, 4 warnings in 1 plan"
    build = _run(
        [*vap, "build", "acme/plans", "--config-file", "acme/mkdocs.yml", "--no-diagrams"], work, env
    )
    assert build.returncode == 0, build.stderr
    site = repo / "site"
    for page in ("index.html", "start-here/index.html", "roles/ceo/index.html", "assets/vap.css"):
        assert (site / page).is_file(), page
    assert "Acme Ltd" in (site / "index.html").read_text(encoding="utf-8")

    again = _run([*vap, "init", "acme"], work, env)
    assert again.returncode == 2 and "is not empty" in again.stderr
