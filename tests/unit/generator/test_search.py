"""Our search sections of role pages are the ones Material's own indexer would make."""

from __future__ import annotations

import re

import pytest
from material.plugins.search.plugin import Parser

from site_builder.checking.check import run_checks
from site_builder.domain.audience import make_view, resolve_audience
from site_builder.domain.index import Index
from site_builder.generator.pages import Pages
from site_builder.generator.search import entries, sections
from tests.conftest import FIXTURES, ROOT

_MARKUP = re.compile(r"</?[a-zA-Z][^>]*>")


def _material(page: str) -> list[tuple[str | None, str, str]]:
    parser = Parser()
    parser.feed(page)
    parser.close()
    return [
        (s.id, "".join(s.title).strip(), " ".join(_MARKUP.sub(" ", "".join(s.text)).split()))
        for s in parser.data
        if not s.is_excluded()
    ]


def _ours(page: str) -> list[tuple[str | None, str, str]]:
    return [(s.id, s.title_text, " ".join(s.body_text.split())) for s in sections(page)]


def _role_pages(plans: str, audience: str | None) -> dict[str, str]:
    result = run_checks(ROOT / plans if plans == "plans" else FIXTURES / plans / "plans")
    view = make_view(result.plans, resolve_audience(result.plans, audience), result.findings)
    pages = Pages(view, Index(view.plans))
    out = {role.id: pages.role(role).split("---\n\n", 1)[1] for role in view.plans.roles.values()}
    out.update({goal.id: pages.goal(goal).split("---\n\n", 1)[1] for goal in view.plans.strategy.goals})
    return out


@pytest.mark.parametrize(("plans", "audience"), [("plans", "preview"), ("plans", None), ("small", "preview")])
def test_sections_match_materials_parser_on_role_and_goal_pages(plans: str, audience: str | None) -> None:
    pages = _role_pages(plans, audience)
    assert pages
    for role_id, page in pages.items():
        assert _ours(page) == _material(page), role_id


@pytest.mark.parametrize(
    "page",
    [
        '<h1 id="t">T</h1><p>a<b>b</b></p><div data-search-exclude><h2 id="x">X</h2><p>hidden</p></div>'
        "<p>after</p>",
        '<p>preface</p><h2 id="a">A &amp; B</h2><ul><li>one</li><li>two</li></ul>'
        '<script>var x = "<p>";</script>',
        '<h1 id="t">T</h1><div><h2 id="in">In</h2><p>x</p></div><p>back in T</p><!-- <h2 id="c">C</h2> -->',
        "<h1 id=\"t\">T</h1><p data-search-exclude='1'>skip</p><p>Ops &lt;b&gt; 90% &gt;= x</p><br><hr>",
        '<h1 id="t">T</h1><div data-search-exclude><h2 id="a">A</h2><!-- </div> --><p>x</p></div>'
        '<p>after</p><h2 id="b">B</h2><script>"</div><h2 id=z>"</script><p>y</p>',
    ],
)
def test_sections_match_materials_parser_on_tricky_html(page: str) -> None:
    assert _ours(page) == _material(page)


def test_an_excluded_element_stays_excluded_past_a_nested_element_of_the_same_tag() -> None:
    """Material compares elements by tag name only, so a nested <div> closing inside an excluded <div>
    ends the exclusion early (an admonition in plan text would do it); we count nesting properly."""
    page = '<h1 id="t">T</h1><div data-search-exclude><div>a</div><p>hidden</p></div><p>after</p>'
    assert _ours(page) == [(None, "T", "after")]
    assert _material(page) == [(None, "T", "hidden after")]


def test_entries_carry_location_title_and_tags() -> None:
    page = '<h1 id="role">Role</h1><p>Holder: A</p><h2 id="value-added">Value added</h2><p>Text</p>'
    assert entries(page, "roles/r/", "Role", ["Ops"]) == [
        {"location": "roles/r/", "title": "Role", "text": "Holder: A", "tags": ["Ops"]},
        {"location": "roles/r/#value-added", "title": "Value added", "text": "Text", "tags": ["Ops"]},
    ]
