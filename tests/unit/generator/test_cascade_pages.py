"""Key results on pages and diagrams: listed and drawn under their objective; long titles shortened
where space is short (headings, boxes, links) with the full title kept on the page and on hover."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from site_builder.checking.check import run_checks
from site_builder.domain.audience import make_view, resolve_audience
from site_builder.domain.index import Index
from site_builder.domain.titles import short_title
from site_builder.errors import PlanError
from site_builder.generator.alignment import alignment_page
from site_builder.generator.diagrams import Diagrams, render_diagrams
from site_builder.generator.generate import generate
from site_builder.generator.pages import Pages
from tests.conftest import FIXTURES

CASCADE = FIXTURES / "cascade" / "plans"
UX_FIRST = (
    "Put usability first in every release. Each team measures the flows its users use most and "
    "improves them before it adds anything new."
)


def _pages() -> Pages:
    result = run_checks(CASCADE)
    view = make_view(result.plans, resolve_audience(result.plans, None), result.findings)
    return Pages(view, Index(view.plans))


def _headings(page: str) -> list[tuple[str, str, str]]:
    return re.findall(r'<h([3-6]) id="outcome-([^"]+)">(.*?)</h\1>', page)


def test_key_results_are_headed_one_level_below_their_objective() -> None:
    page = _pages().role(_pages().plans.roles["vp-product"])
    assert _headings(page) == [
        ("3", "ux-first", "Put usability first in every release."),
        ("4", "onboarding", html.escape(short_title(_pages().plans.outcome("vp-product#onboarding").title))),  # type: ignore[union-attr]
        ("4", "support-tickets", "Halve the &quot;how do I&quot; support tickets."),
        ("5", "docs-search", "Help search answers four questions in five."),
    ]
    # the table of contents reads the headings; the page keeps the full title right under its heading
    assert (
        '<h3 id="outcome-ux-first">Put usability first in every release.</h3>\n'
        f'<p class="vap-outcome-title">{UX_FIRST}</p>' in page
    )


def test_a_short_title_is_not_repeated_under_its_heading() -> None:
    page = _pages().role(_pages().plans.roles["vp-product"])
    assert (
        '<h5 id="outcome-docs-search">Help search answers four questions in five.</h5>\n'
        "<p data-search-exclude>" in page
    )


def test_the_outcome_diagram_boxes_each_objective_with_its_key_results() -> None:
    pages = _pages()
    dot = Diagrams(pages.view, pages.ix).outcomes(pages.plans.roles["vp-product"])
    assert dot is not None
    outer = dot.index('subgraph "cluster_objective_0"')
    inner = dot.index('subgraph "cluster_objective_2"')
    nodes = [
        dot.index(f'"vp-product#{o}" [') for o in ("ux-first", "onboarding", "support-tickets", "docs-search")
    ]
    assert outer < nodes[0] < nodes[1] < inner < nodes[2] < nodes[3]
    closes = dot.index("}\n}\n}\n", nodes[3])  # docs-search, support-tickets, ux-first boxes, then self
    assert closes > nodes[3]
    for kr, objective in [
        ("onboarding", "ux-first"),
        ("support-tickets", "ux-first"),
        ("docs-search", "support-tickets"),
    ]:
        assert dot.count(f'"vp-product#{kr}" -> "vp-product#{objective}";') == 1
    assert 'label="Put usability first in every\\nrelease.\\nVP Product"' in dot
    assert f'tooltip="{UX_FIRST} (VP Product)"' in dot


def test_the_rendered_diagram_keeps_the_full_title_as_the_nodes_text_equivalent(tmp_path: Path) -> None:
    pages = _pages()
    svgs, _, _ = render_diagrams(pages.view, pages.ix, tmp_path, lambda page: page == "roles/vp-product.md")
    svg = svgs["outcomes/vp-product"]
    assert f'xlink:title="{UX_FIRST} (VP Product)"' in svg
    assert ">Put usability first in every</text>" in svg
    assert "Each team measures" not in re.sub(r'xlink:title="[^"]*"', "", svg)


def test_goal_page_lists_key_results_under_their_objective() -> None:
    pages = _pages()
    page = pages.goal(pages.plans.strategy.goals[0])
    ux = page.index("outcome-ux-first")
    onboarding = page.index("outcome-onboarding")
    docs = page.index("outcome-docs-search")
    between = page[ux:docs]
    assert ux < onboarding < docs
    assert between.count("<ul>") == 2 and "</ul>" not in between  # two levels deeper, none closed
    shortened = '#outcome-ux-first">Put usability first in every release.</a>'  # the full title: one click
    assert f'{shortened} · <a href="vap:roles/vp-product.md">VP' in page
    assert UX_FIRST not in page  # never in a title attribute: see test_safe_md


def test_every_finding_on_the_alignment_page_names_its_outcome_by_title() -> None:
    pages = _pages()
    page = alignment_page(pages)
    about_outcomes = [f for f in pages.view.findings if f.outcome]
    assert len(about_outcomes) == 5
    for f in about_outcomes:
        outcome = pages.ix.outcomes[f"{f.role}#{f.outcome}"]
        short = html.escape(short_title(outcome.title), quote=False)
        role = html.escape(pages.plans.roles[outcome.role].title)
        line = next(line for line in page.splitlines() if f'#outcome-{f.outcome}"' in line)
        assert f"“{short}”</a>" in line  # the finding, in words, names the outcome by its short title
        assert f">{role} (" in line  # and its role by title and holder
        assert " title=" not in line  # the full title is on the plan, one click away, never in a title
        assert f">{f.outcome}<" not in line and f"“{f.outcome}”" not in line


def test_key_results_count_as_linked_to_the_managers_plan_through_their_objective() -> None:
    page = alignment_page(_pages())
    # Product: 7 outcomes, all linked (3 key results of vp-product, 2 of the design lead, through
    # their objectives); Sales: 3 of 5 (usability-demo, and its key result demo-script through it, are not)
    assert ">Product</a></td><td>2</td><td>2 (100%)</td><td>7 of 7 (100%)</td>" in page
    assert ">Sales</a></td><td>1</td><td>1 (100%)</td><td>3 of 5 (60%)</td>" in page


def _looping_cascade(tmp_path: Path) -> Path:
    """The cascade with a key result that its own objective supports back, and one supporting itself."""
    plans = tmp_path / "org" / "plans"
    shutil.copytree(CASCADE, plans)
    path = plans / "roles" / "product" / "vp-product.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "        how: The product half of usability\n",
        "        how: The product half\n      - vp-product#onboarding\n",
    )
    text = text.replace(
        "    supports: [vp-product#support-tickets]",
        "    supports: [vp-product#support-tickets, vp-product#docs-search]",
    )
    path.write_text(text, encoding="utf-8")
    return plans


def test_a_build_refuses_plans_whose_outcomes_loop(tmp_path: Path) -> None:
    plans = _looping_cascade(tmp_path)
    with pytest.raises(PlanError) as raised:
        generate(plans, tmp_path / "docs", diagrams=False)
    said = str(raised.value)
    assert "error[support-cycle]" in said
    assert 'vp-product#ux-first "Put usability first in every release."' in said


def test_pages_and_diagrams_of_looping_outcomes_still_finish(tmp_path: Path) -> None:
    """A first preview writes what loaded even with errors: every walk must end on loops."""
    plans = _looping_cascade(tmp_path)
    result = generate(plans, tmp_path / "docs", cache_dir=tmp_path / "cache", on_errors="write")
    assert [f.rule for f in result.check.errors] == ["support-cycle", "support-cycle"]
    page = (tmp_path / "docs" / "roles" / "vp-product.md").read_text(encoding="utf-8")
    assert [h[1] for h in _headings(page)] == ["ux-first", "onboarding", "support-tickets", "docs-search"]
    assert "ux-first" in (tmp_path / "docs" / "strategy" / "g1.md").read_text(encoding="utf-8")
