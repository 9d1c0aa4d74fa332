"""Reproducible builds: the same plans, settings and package versions give a byte-identical site.

Each build runs in a fresh process with its own hash seed, its own (cold) diagram cache and its own
(faked) day, so neither set ordering, nor what happened to be cached, nor the day of the build can
leak into the output."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, needs_dot, write_portal_config

pytestmark = [pytest.mark.slow, needs_dot]
VAP = [sys.executable, "-m", "site_builder.cli.main"]
FAKEDAY = [sys.executable, str(Path(__file__).with_name("fakeday.py"))]


def _build(org: Path, config: Path, seed: int, *, days: int = 0, epoch: str | None = None) -> Path:
    """`vap build` in a fresh process, `days` days after today by its clock, SOURCE_DATE_EPOCH=epoch."""
    env = {**os.environ, "PYTHONHASHSEED": str(seed), "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SOURCE_DATE_EPOCH", None)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    site = org / "site"
    run = subprocess.run(
        [*FAKEDAY, str(days), "build", str(org / "plans"), "-f", str(config), "--site-dir", str(site)],
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


def _sitemap_day(site: Path) -> tuple[set[str], dt.date]:
    """The lastmod dates of sitemap.xml and the day in the mtime of sitemap.xml.gz."""
    days = set(re.findall(r"<lastmod>([^<]*)</lastmod>", (site / "sitemap.xml").read_text()))
    mtime = int.from_bytes((site / "sitemap.xml.gz").read_bytes()[4:8], "little")  # RFC 1952 MTIME
    return days, dt.datetime.fromtimestamp(mtime, dt.UTC).date()


def test_the_example_builds_byte_for_byte_the_same_twice_on_different_days(tmp_path: Path) -> None:
    one = _build(*_example(tmp_path, "one"), seed=1)
    first = _digests(one)
    second = _digests(_build(*_example(tmp_path, "two"), seed=2, days=400))  # a build 400 days later
    assert len(first) > 100  # the whole site, not a stub
    _assert_same(first, second)
    # the date comes from the plans: the latest of cycle_start, confirmed_on and dialogue dates
    texts = "\n".join(p.read_text() for p in sorted((ROOT / "plans").rglob("*.yaml")))
    field = r"(?m)^\s*(?:-\s*)?(?:date|confirmed_on|cycle_start):\s*'?\"?(\d{4}-\d\d-\d\d)"
    written = re.findall(field, texts)
    latest = dt.date.fromisoformat(max(written))
    assert _sitemap_day(one)[1] == latest  # no site_url in the example: its sitemap lists no pages
    assert gzip.decompress((one / "sitemap.xml.gz").read_bytes()) == (one / "sitemap.xml").read_bytes()


def test_source_date_epoch_sets_the_date_of_the_site(tmp_path: Path) -> None:
    org, config = _example(tmp_path, "one")
    config.write_text(config.read_text() + "site_url: https://plans.example.org/\n")  # pages in the sitemap
    site = _build(org, config, seed=3, days=-30, epoch="1893456000")  # 2030-01-01
    assert _sitemap_day(site) == ({"2030-01-01"}, dt.date(2030, 1, 1))
    assert (site / "sitemap.xml").read_text().count("<lastmod>") > 50  # every page, not one


def test_a_1000_role_organisation_builds_the_same_cold_and_warm(tmp_path: Path) -> None:
    for name in ("one", "two"):
        org = tmp_path / name
        made = subprocess.run(
            [*VAP, "synth", str(org), "--roles", "1000"], capture_output=True, text=True, timeout=300
        )
        assert made.returncode == 0, made.stderr
        write_portal_config(org)
    cold_one = _digests(_build(tmp_path / "one", tmp_path / "one" / "mkdocs.yml", seed=11))
    cold_two = _digests(_build(tmp_path / "two", tmp_path / "two" / "mkdocs.yml", seed=12, days=-1))
    assert len(cold_one) > 1000
    _assert_same(cold_one, cold_two)
    shutil.rmtree(tmp_path / "one" / "site")
    # diagrams cached, nine days later
    warm = _digests(_build(tmp_path / "one", tmp_path / "one" / "mkdocs.yml", seed=13, days=9))
    _assert_same(cold_one, warm)
