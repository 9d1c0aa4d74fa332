"""Pages that stay light: a large goal counts its outcomes and lists them per department; a large
organisation's A to Z and organisation pages point to where the roles are instead of listing them."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from site_builder.checking.check import run_checks
from site_builder.domain.audience import make_view, resolve_audience
from site_builder.domain.index import Index
from site_builder.generator import alignment, goal_lists
from site_builder.generator import pages as pages_module
from site_builder.generator.goal_lists import goal_department_pages
from site_builder.generator.pages import Pages
from tests.conftest import FIXTURES

SMALL = FIXTURES / "small" / "plans"


def _pages() -> Pages:
    result = run_checks(SMALL)
    view = make_view(result.plans, resolve_audience(result.plans, "preview"), result.findings)
    return Pages(view, Index(view.plans))


def test_a_large_goal_counts_by_department_and_each_list_holds_its_outcomes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pages = _pages()
    goal = next(g for g in pages.plans.strategy.goals if g.id == "G1")
    full = pages.goal(goal)
    assert goal_department_pages(pages, goal) == {}  # small: the page lists everything itself
    listed = set(re.findall(r'href="vap:(roles/[^"]+#outcome-[^"]+)"', full))
    monkeypatch.setattr(goal_lists, "GOAL_LIST_LIMIT", 1)
    summary = pages.goal(goal)
    lists = goal_department_pages(pages, goal)
    assert lists and all(path.startswith("strategy/g1/") for path in lists)
    assert not re.search(r'href="vap:roles/[^"]+#outcome-', summary)  # counts only, no outcome rows
    assert all(f'href="vap:{path}"' in summary for path in lists)
    found = [set(re.findall(r'href="vap:(roles/[^"]+#outcome-[^"]+)"', text)) for text in lists.values()]
    assert set().union(*found) == listed  # every outcome of the full page, in its department's list
    assert sum(len(f) for f in found) == len(listed)  # each in one list only
    dept = pages.ix.departments
    for path, text in lists.items():
        names = {
            dept[m.split("/")[1].split(".md")[0]]
            for m in re.findall(r'href="vap:(roles/[^"#]+)#outcome', text)
        }
        assert len(names) == 1, (path, names)


def test_a_large_organisation_points_to_the_directory_instead_of_listing_every_role(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pages = _pages()
    assert "Head of Operations" in pages.directory_az()
    monkeypatch.setattr(pages_module, "AZ_LIMIT", 2)
    az = pages.directory_az()
    assert "Head of Operations" not in az and 'href="vap:directory.md"' in az
    before = alignment.organisation_page(pages)
    monkeypatch.setattr(alignment, "ORG_TREE_LIMIT", 2)
    monkeypatch.setattr(alignment, "ORG_TREE_DEPTH", 0)
    after = alignment.organisation_page(pages)
    assert (
        "Booking Team Lead" in before and "Booking Team Lead" not in after
    )  # below the cut in its department
    assert 'href="vap:roles/head-ops.md#team">1 more in the team</a>' in after


def test_many_findings_are_counted_by_department_on_the_alignment_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pages = _pages()
    full = alignment.alignment_page(pages)
    assert '<ul class="vap-findings">' in full
    monkeypatch.setattr(alignment, "FINDINGS_LIMIT", 0)
    counted = alignment.alignment_page(pages)
    assert '<ul class="vap-findings">' not in counted and "too many for one page" in counted
    assert re.search(r'href="vap:alignment-[a-z0-9-]+\.md#rule-[a-z-]+">', counted)
    dept = next(iter(pages.ix.departments.values()))
    assert '<ul class="vap-findings">' in alignment.alignment_page(pages, dept)  # each department lists them


def test_a_page_lists_a_bounded_number_of_each_rule_and_counts_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pages = _pages()
    rules = Counter(f.rule for f in pages.view.findings)
    most = rules.most_common(1)[0][1]
    assert most >= 2
    whole = alignment.alignment_page(pages)
    assert whole.count("<li data-rule=") == len(pages.view.findings) and "more of this rule" not in whole
    monkeypatch.setattr(alignment, "RULE_LISTED", 1)
    cut = alignment.alignment_page(pages)
    assert cut.count("<li data-rule=") == len(rules)  # one of each rule
    assert f"And {most - 1} more of this rule, not listed here" in cut
    assert f"({most})</h3>" in cut  # the heading still counts them all


def test_a_very_long_department_list_stops_and_says_how_many_are_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pages = _pages()
    goal = next(g for g in pages.plans.strategy.goals if g.id == "G1")
    monkeypatch.setattr(goal_lists, "GOAL_LIST_LIMIT", 1)
    whole = goal_department_pages(pages, goal)
    monkeypatch.setattr(goal_lists, "DEPARTMENT_ROWS", 1)
    cut = goal_department_pages(pages, goal)
    path, text = max(whole.items(), key=lambda kv: kv[1].count("#outcome-"))
    rows = text.count("<li>")
    assert rows > 1 and cut[path].count("<li>") < rows
    assert re.search(r"\d+ more outcomes? of", cut[path]) and 'href="vap:directory/' in cut[path]
