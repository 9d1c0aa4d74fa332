"""The version selector of published cycles, in a real browser."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from site_builder.publishing.publish import publish
from tests.conftest import FIXTURES, write_portal_config

CYCLES = FIXTURES / "cycles"


def _publish(folder: Path, cycle: str, site_url: str, at: dt.datetime) -> None:
    plans = folder / "plans"
    shutil.rmtree(plans, ignore_errors=True)
    shutil.copytree(CYCLES / cycle / "plans", plans)
    config = write_portal_config(folder, extra=f"site_url: {site_url}\n")
    publish(
        plans_dir=plans, config_file=config, out_dir=folder / "published", diagrams=False, clock=lambda: at
    )


def test_version_selector_switches_between_published_cycles(
    tmp_path: Path, serve: Any, page: Any, assert_local_only: Any
) -> None:
    out = tmp_path / "published" / "all-staff"  # each audience's folder is served on its own
    out.mkdir(parents=True)
    server = serve(out)
    _publish(tmp_path, "cycle1", server.base, dt.datetime(2027, 1, 15, tzinfo=dt.UTC))
    _publish(tmp_path, "cycle2", server.base, dt.datetime(2027, 7, 10, tzinfo=dt.UTC))

    page.goto(server.url())  # the root redirects to the newest cycle
    page.wait_for_url("**/FY2027-H2/**")
    current = page.locator(".md-version__current")
    current.wait_for()
    assert "FY2027" in current.inner_text()
    page.locator(".md-version").hover()  # Material opens the list on hover or focus
    links = page.locator(".md-version__link")
    titles = [t.strip() for t in links.all_inner_texts()]
    assert any("H1" in t for t in titles) and any("H2" in t for t in titles), titles
    page.locator(".md-version__link", has_text="H1").first.click()
    page.wait_for_url("**/FY2027-H1/**")
    assert "/FY2027-H1/" in page.url
    assert_local_only(server)
