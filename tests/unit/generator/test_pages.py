"""Generated pages (role pages HTML, others Markdown): goldens, the plain sentence, what an edit rewrites."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from site_builder.checking.check import run_checks
from site_builder.domain.audience import make_view, resolve_audience
from site_builder.domain.index import Index
from site_builder.generator import urls
from site_builder.generator.directory import department_lists, directory_json, directory_page
from site_builder.generator.generate import generate
from site_builder.generator.pages import Pages
from tests.conftest import FIXTURES, ROOT

GOLDEN = ROOT / "tests" / "golden" / "pages"
SMALL = FIXTURES / "small" / "plans"


def _pages(audience: str | None) -> Pages:
    result = run_checks(SMALL)
    view = make_view(result.plans, resolve_audience(result.plans, audience), result.findings)
    return Pages(view, Index(view.plans))


def _compare(name: str, actual: str, update: bool) -> None:
    path = GOLDEN / name
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8") if path.is_file() else ""
    if actual != expected:
        lines = expected.splitlines(True), actual.splitlines(True)
        diff = "".join(difflib.unified_diff(*lines, name, "actual"))
        pytest.fail(f"{name} differs from its golden file (pytest --update-goldens to accept):\n{diff}")


def _all_pages(pages: Pages) -> dict[str, str]:
    """The pages the golden files hold, by path: home, strategy, directories, every goal and role."""
    out: dict[str, str] = {
        urls.HOME: pages.home(),
        urls.STRATEGY: pages.strategy(),
        urls.DIRECTORY: directory_page(pages),
        urls.DIRECTORY_JSON: directory_json(pages),
        **department_lists(pages),
        urls.DIRECTORY_AZ: pages.directory_az(),
    }
    for goal in pages.plans.strategy.goals:
        out[urls.goal_page(goal.id)] = pages.goal(goal)
    for role in pages.plans.roles.values():
        out[urls.role_page(role.id)] = pages.role(role)
    return out


@pytest.mark.parametrize("audience", ["preview", "all-staff"])
def test_generated_markdown_matches_the_golden_files(audience: str, update_goldens: bool) -> None:
    pages = _pages(audience)
    files = _all_pages(pages)
    for path, text in sorted(files.items()):
        _compare(f"{audience}/{path}", text, update_goldens)
    golden = sorted(
        p.relative_to(GOLDEN / audience).as_posix()
        for p in (GOLDEN / audience).rglob("*")
        if p.suffix in (".md", ".json")
    )
    assert golden == sorted(files), "golden files without a page, or pages without a golden file"


@pytest.mark.parametrize(
    ("role", "sentence"),
    [
        (  # the top role
            "chief",
            "The Chief Executive is the top role: it answers for the strategy itself and serves goals "
            '<a href="vap:strategy/g1.md">G1</a> and <a href="vap:strategy/g2.md">G2</a>.',
        ),
        (  # vacant, and a draft plan
            "booking-lead",
            'As drafted, the Booking Team Lead serves goal <a href="vap:strategy/g1.md">G1</a>. '
            "The role is vacant at the moment.",
        ),
        (  # discussed, not yet confirmed
            "head-care",
            'As drafted, the Head of Care serves goal <a href="vap:strategy/g2.md">G2</a>.',
        ),
        (  # confirmed
            "head-ops",
            'The Head of Operations serves goal <a href="vap:strategy/g1.md">G1</a>.',
        ),
    ],
)
def test_plain_language_sentence(role: str, sentence: str) -> None:
    pages = _pages("preview")
    assert pages.plain_sentence(pages.plans.roles[role]) == sentence


@pytest.mark.parametrize("role", ["booking-lead", "head-care", "head-ops"])
def test_the_role_page_says_the_value_add_once_and_links_the_manager_twice(role: str) -> None:
    pages = _pages("preview")
    plan = pages.plans.roles[role]
    page = pages.role(plan)
    manager = f'href="vap:roles/{plan.reports_to}.md"'
    # a conversation "with" the manager, and a finding about the plan's confirmation, name them again
    page = page.split('<h2 id="dialogue">')[0]
    page = re.sub(
        r'<div class="admonition [a-z]+"[^>]*>\s*<p class="admonition-title">Alignment findings.*?</div>',
        "",
        page,
        flags=re.S,
    )
    header = page[: page.index('<p class="vap-summary"')]
    sight = page[page.index('id="your-line-of-sight"') :].split("</ol>", 1)[0]
    assert page.count(manager) == 2 and manager in header and manager in sight
    first = plan.value_add.split(". ")[0].strip().rstrip(".")
    assert first and page.count(first) == 1, f"the value add of {role} is repeated"
    assert "adds value by this" not in page


def test_the_top_role_reads_as_the_top_and_belongs_to_the_executive() -> None:
    pages = _pages("preview")
    chief = pages.plans.roles["chief"]
    page = pages.role(chief)
    assert "Reports to:" not in page and "nobody" not in page
    assert page.count("the top role") == 1


def test_a_top_role_without_a_department_is_the_executive(small_plans: Path) -> None:
    chief = small_plans / "roles" / "chief.yaml"
    chief.write_text(
        chief.read_text(encoding="utf-8").replace("department: Executive\n", ""), encoding="utf-8"
    )
    care = small_plans / "roles" / "care" / "head-care.yaml"
    care.write_text(care.read_text(encoding="utf-8").replace("department: Care\n", ""), encoding="utf-8")
    departments = Index(run_checks(small_plans).plans).departments
    assert departments["chief"] == "Executive"  # the top role leads every department: not "Unassigned"
    assert departments["head-care"] == "Unassigned"  # below the top, a missing department still shows
    assert departments["head-ops"] == "Operations"


def test_draft_plan_shown_as_placeholder_keeps_title_and_place() -> None:
    pages = _pages("all-staff")  # drafts: placeholder
    role = pages.plans.roles["booking-lead"]
    assert role.outcomes == () and role.value_add == ""
    assert pages.plain_sentence(role) == (
        "The plan for the Booking Team Lead is still being agreed. The role is vacant at the moment."
    )
    page = pages.role(role)
    assert '<h1 id="booking-team-lead">Booking Team Lead</h1>' in page and "Plan in progress" in page
    assert "Booking desk trained" not in page


def _edit(plans: Path, rel: str, old: str, new: str) -> None:
    path = plans / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(
    ("rel", "old", "new", "rewritten"),
    [
        # value-add: the role's page and card, and the pages that show it in their Team view: its
        # manager (direct reports) and its peers (same manager); its own reports link their manager
        # in the header and the line of sight, without the value add
        (
            "roles/ops/head-ops.yaml",
            "Turns the booking goal",
            "Turns the NEW booking goal",
            {
                "roles/head-ops.md",
                "cards/head-ops.html",
                "roles/chief.md",
                "roles/head-care.md",
            },
        ),
        # an outcome's title: every page that links to it by name (the outcome it supports, what
        # supports it, the goal pages listing it) plus the role's own page and card
        (
            "roles/care/head-care.yaml",
            "title: Every patient gets a reminder before follow-up",
            "title: Every patient is reminded before follow-up",
            {"roles/head-care.md", "cards/head-care.html", "roles/chief.md", "strategy/g2.md"},
        ),
    ],
)
def test_an_edit_rewrites_only_the_pages_that_show_it(
    small_plans: Path, tmp_path: Path, rel: str, old: str, new: str, rewritten: set[str]
) -> None:
    out = tmp_path / "gen"
    generate(small_plans, out, audience="preview", diagrams=False)
    _edit(small_plans, rel, old, new)
    second = generate(small_plans, out, audience="preview", diagrams=False)
    assert set(second.written.written) == rewritten
    assert second.written.removed == ()


def test_deleting_a_role_removes_its_page_and_links(small_plans: Path, tmp_path: Path) -> None:
    out = tmp_path / "gen"
    generate(small_plans, out, audience="preview", diagrams=False)
    (small_plans / "roles" / "ops" / "booking-lead.yaml").unlink()
    second = generate(small_plans, out, audience="preview", diagrams=False)
    assert set(second.written.removed) == {"roles/booking-lead.md", "cards/booking-lead.html"}
    assert not any("booking-lead.md" in p.read_text() for p in out.rglob("*.md"))


def test_role_findings_box_is_configurable_per_audience(small_plans: Path) -> None:
    _edit(small_plans, "portal.yaml", "    drafts: include", "    drafts: include\n    findings: false")
    result = run_checks(small_plans)
    assert not result.errors
    for audience, shown in (("leadership", False), ("preview", True)):
        view = make_view(result.plans, resolve_audience(result.plans, audience), result.findings)
        page = Pages(view, Index(view.plans)).role(view.plans.roles["head-care"])
        assert ("Alignment findings for this plan" in page) is shown, audience
        assert ("unconfirmed-plan" in page) is shown, audience


def test_a_finding_quoting_a_draft_plan_is_not_shown_to_an_audience_that_hides_drafts() -> None:
    from site_builder.domain.model import Finding, Loc

    result = run_checks(SMALL)
    quoting = Finding(
        "warning",
        "duplicate-effort",
        "outcome 'reminders' looks like 'booking-lead#desk-trained'",
        Loc("plans/roles/care/head-care.yaml", 14, 9),
        role="head-care",
        outcome="reminders",
        related="booking-lead#desk-trained",
    )
    shown = {
        name: quoting in make_view(result.plans, resolve_audience(result.plans, name), [quoting]).findings
        for name in ("all-staff", "leadership")
    }
    # head-ops is confirmed, but the draft it quotes is a placeholder for all-staff
    assert shown == {"all-staff": False, "leadership": True}
