"""Reproducible builds: the same plans, settings and package versions give a byte-identical site.

Each build runs in a fresh process with its own hash seed and its own (cold) diagram cache, so
neither set ordering nor what happened to be cached can leak into the output."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, needs_dot, write_portal_config

pytestmark = [pytest.mark.slow, needs_dot]
VAP = [sys.executable, "-m", "site_builder.cli.main"]


def _build(org: Path, config: Path, seed: int) -> Path:
    env = {**os.environ, "PYTHONHASHSEED": str(seed), "NO_MKDOCS_2_WARNING": "1"}
    site = org / "site"
    run = subprocess.run(
        [*VAP, "build", str(org / "plans"), "--config-file", str(config), "--site-dir", str(site)],
        cwd=org,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return site


def _digests(site: Path) -> dict[str, str]:
    return {
        path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def _assert_same(first: dict[str, str], second: dict[str, str]) -> None:
    assert first.keys() == second.keys()
    differing = sorted(name for name in first if first[name] != second[name])
    assert differing == [], f"{len(differing)} files differ between two builds: {differing[:10]}"


def _example(tmp_path: Path, name: str) -> tuple[Path, Path]:
    org = tmp_path / name
    org.mkdir()
    shutil.copytree(ROOT / "plans", org / "plans")
    shutil.copytree(ROOT / "docs", org / "docs", ignore=shutil.ignore_patterns("manual", "architecture.md"))
    shutil.copy(ROOT / "mkdocs.yml", org / "mkdocs.yml")
    return org, org / "mkdocs.yml"


def test_the_example_builds_byte_for_byte_the_same_twice(tmp_path: Path) -> None:
    first = _digests(_build(*_example(tmp_path, "one"), seed=1))
    second = _digests(_build(*_example(tmp_path, "two"), seed=2))
    assert len(first) > 100  # the whole site, not a stub
    _assert_same(first, second)


def test_a_1000_role_organisation_builds_the_same_cold_and_warm(tmp_path: Path) -> None:
    for name in ("one", "two"):
        org = tmp_path / name
        made = subprocess.run(
            [*VAP, "synth", str(org), "--roles", "1000"], capture_output=True, text=True, timeout=300
        )
        assert made.returncode == 0, made.stderr
        write_portal_config(org)
    cold_one = _digests(_build(tmp_path / "one", tmp_path / "one" / "mkdocs.yml", seed=11))
    cold_two = _digests(_build(tmp_path / "two", tmp_path / "two" / "mkdocs.yml", seed=12))
    assert len(cold_one) > 1000
    _assert_same(cold_one, cold_two)
    shutil.rmtree(tmp_path / "one" / "site")
    warm = _digests(_build(tmp_path / "one", tmp_path / "one" / "mkdocs.yml", seed=13))  # diagrams cached
    _assert_same(cold_one, warm)
