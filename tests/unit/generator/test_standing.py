"""Where conversations stand: a long list stops, the plans longest without a conversation first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_builder.authoring.synth import generate as synth
from site_builder.checking.check import run_checks
from site_builder.domain.audience import make_view, resolve_audience
from site_builder.domain.index import Index
from site_builder.generator import standing
from site_builder.generator.pages import Pages

_ROW = re.compile(r"^\| <a ", re.M)


def _pages(plans: Path) -> Pages:
    result = run_checks(plans)
    view = make_view(
        result.plans, resolve_audience(result.plans, "leadership"), result.findings, index=result.index
    )
    return Pages(view, Index(view.plans))


def test_a_long_list_stops_and_counts_the_more_recent_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synth(tmp_path / "org", 120, seed=5)
    pages = _pages(tmp_path / "org" / "plans")
    whole = standing.standing_page(pages)
    assert len(_ROW.findall(whole)) == 120 and "more plans had a conversation" not in whole
    monkeypatch.setattr(standing, "LISTED", 30)
    cut = standing.standing_page(pages)
    rows = _ROW.findall(cut)
    assert len(rows) == 30
    assert "90 more plans had a conversation more recently than these: the department pages list them" in cut
    assert cut.split("| --- |")[-1].split("\n\n")[0] in whole  # the same first rows, in the same order
    assert "120 plans in cycle" in cut  # the counts still cover every plan
    departments = list(pages.ix.departments.values())
    dept = max(sorted(set(departments)), key=departments.count)
    monkeypatch.setattr(standing, "LISTED", 2)
    one = standing.standing_page(pages, dept)
    assert len(_ROW.findall(one)) == 2
    assert f"{departments.count(dept) - 2} more plans had a conversation" in one
    assert "their role pages show them" in one
