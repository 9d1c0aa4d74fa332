"""portal.yaml `intranet_hosts`: the hosts plan links may lead to, read and checked like any setting."""

from __future__ import annotations

import shutil
from pathlib import Path

from site_builder.checking.check import run_checks
from site_builder.generator.generate import generate
from site_builder.generator.safe_md import set_intranet_hosts

ROOT = Path(__file__).resolve().parents[3]
SMALL = ROOT / "tests" / "fixtures" / "small" / "plans"
LINKS = "[wiki](https://wiki.corp.example/a) and [elsewhere](https://evil.example/b)"


def _plans(tmp_path: Path, hosts: str) -> Path:
    plans = tmp_path / "plans"
    shutil.copytree(SMALL, plans)
    portal = plans / "portal.yaml"
    portal.write_text(portal.read_text(encoding="utf-8") + hosts, encoding="utf-8")
    strategy = plans / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    old = "summary: Be the easiest clinic network to get care from."
    strategy.write_text(text.replace(old, f'summary: "{LINKS}"', 1), encoding="utf-8")
    return plans


def test_hosts_are_read_and_drive_the_link_policy(tmp_path: Path) -> None:
    plans = _plans(tmp_path, 'intranet_hosts: ["*.corp.example"]\n')
    result = run_checks(plans)
    assert not result.errors, result.errors
    assert result.plans.portal.intranet_hosts == ("*.corp.example",)
    try:
        generate(plans, tmp_path / "docs", diagrams=False)
    finally:
        set_intranet_hosts([])  # the policy is per generation; leave none behind for other tests
    page = (tmp_path / "docs" / "strategy" / "index.md").read_text(encoding="utf-8")
    assert 'href="https&#58;//wiki.corp.example/a"' in page or 'href="https://wiki.corp.example/a"' in page
    assert "evil.example" not in page and "elsewhere" in page


def test_a_host_that_is_not_a_host_name_is_an_error_naming_the_line(tmp_path: Path) -> None:
    plans = _plans(tmp_path, 'intranet_hosts: ["https://wiki.corp.example/"]\n')
    errors = run_checks(plans).errors
    assert [(e.rule, e.loc.path, e.loc.line) for e in errors] == [("schema", "plans/portal.yaml", 18)], errors
    assert "intranet host 'https://wiki.corp.example/' is not a host name" in errors[0].message
