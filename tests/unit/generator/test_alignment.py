"""Drift you can see: the alignment page hides nothing an audience may see, line of sight survives
unconfirmed plans, and every manager sees the drift in their part of the organisation."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from site_builder.authoring.synth import generate as synth
from site_builder.checking.check import run_checks
from site_builder.checking.rules import possible_duplicates
from site_builder.cli.main import cli
from site_builder.domain.audience import make_view, resolve_audience
from site_builder.domain.index import Index
from site_builder.generator.alignment import (
    POSSIBLE_SHOWN,
    alignment_page,
    department_pages,
    department_slugs,
)
from site_builder.generator.goal_lists import goal_department_pages
from site_builder.generator.pages import Pages
from tests.conftest import ROOT

EXAMPLE = ROOT / "plans"
STATUS_RULES = {"unconfirmed-plan", "incomplete-plan"}
_ITEM = re.compile(r'<li data-rule="([^"]+)" data-role="([^"]*)">')
_WITHHELD = re.compile(r'(\d+) <span class="vap-rule">([a-z-]+)</span>')


@pytest.fixture(scope="module")
def unconfirmed_org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic organisation where every seventh manager's plan is only discussed, with a third
    audience that leaves unconfirmed plans out and hides levels."""
    root = tmp_path_factory.mktemp("synth")
    synth(root, roles=500, seed=3)
    plans = root / "plans"
    files = {p.stem: p for p in (plans / "roles").rglob("*.yaml")}
    managers = sorted(
        {m for p in files.values() for m in re.findall(r"^reports_to: (\S+)$", p.read_text(), re.M)}
    )
    for manager in managers[::7]:
        path = files[manager]
        text = re.sub(r"^confirmed_on: .*\n", "", path.read_text(), flags=re.M)
        path.write_text(re.sub(r"^status: confirmed$", "status: discussed", text, flags=re.M))
    portal = plans / "portal.yaml"
    portal.write_text(
        portal.read_text().replace(
            "default_audience:", "  drafts-left-out:\n    hide: [level]\n    drafts: omit\ndefault_audience:"
        )
    )
    return plans


_FIELD_OF = {
    "level-gap": "level",
    "level-compression": "level",
    "missing-trade-offs": "resources",
    "no-recent-dialogue": "dialogue",
    "manager-does-reports-work": "focus",
}
"""Findings that speak of one field of a plan: withheld where the audience hides that field."""


def _expected(plans: Path, audience: str) -> tuple[Counter[tuple[str, str]], Counter[str]]:
    """What `vap check` reports, split by the audience rules: (shown by rule and role, withheld by rule)."""
    run = CliRunner().invoke(cli, ["check", "--format", "json", str(plans)])
    findings = [f for f in json.loads(run.stdout) if f["severity"] == "warning"]
    loaded = run_checks(plans).plans
    settings = loaded.portal.audiences[audience]
    unconfirmed = {r.id for r in loaded.roles.values() if r.status != "confirmed"}
    shown: Counter[tuple[str, str]] = Counter()
    withheld: Counter[str] = Counter()
    for f in findings:
        role = f["role"]
        other = re.search(r"looks like '([^'#]+)#", f["message"])
        about = {role, other.group(1) if other else None} & unconfirmed
        hidden = (
            (settings.drafts == "omit" and about)
            or (settings.drafts == "placeholder" and about and (other or f["rule"] not in STATUS_RULES))
            or _FIELD_OF.get(f["rule"], "") in settings.hide
        )
        if hidden:
            withheld[f["rule"]] += 1
        else:
            shown[(f["rule"], role or "")] += 1
    return shown, withheld


def _pages(plans: Path, audience: str) -> Pages:
    result = run_checks(plans)
    view = make_view(
        result.plans, resolve_audience(result.plans, audience), result.findings, index=result.index
    )
    return Pages(view, Index(view.plans))


def _on_page(page: str) -> tuple[Counter[tuple[str, str]], Counter[str]]:
    shown = Counter(_ITEM.findall(page))
    box = page.split('id="withheld"', 1)[1].split("</div>", 1)[0] if 'id="withheld"' in page else ""
    withheld: Counter[str] = Counter()
    for n, rule in _WITHHELD.findall(box):
        withheld[rule] += int(n)
    return shown, withheld


@pytest.mark.parametrize("audience", ["all-staff", "leadership"])
def test_example_alignment_page_shows_what_check_reports_and_the_audience_allows(audience: str) -> None:
    page = alignment_page(_pages(EXAMPLE, audience))
    shown, withheld = _on_page(page)
    assert (shown, withheld) == _expected(EXAMPLE, audience)
    assert sum(shown.values()) + sum(withheld.values()) == 21  # what `vap check` reports, all of it
    assert "every plan is aligned" not in page


def test_example_all_staff_withholds_only_a_placeholders_content_and_says_why() -> None:
    page = alignment_page(_pages(EXAMPLE, "all-staff"))
    shown, withheld = _on_page(page)
    # a placeholder's content, and findings about the resources and dialogue all-staff does not see
    assert withheld == Counter({"pass-through-outcome": 1, "missing-trade-offs": 1, "no-recent-dialogue": 1})
    assert shown[("unconfirmed-plan", "dir-learning")] == 1  # being unconfirmed is no secret
    assert shown[("incomplete-plan", "mgr-cyber-security")] == 1
    assert "3 more findings not shown in this edition" in page
    assert "what a plan not yet confirmed says" in page
    assert "which this edition hides" in page and "Talk the plan through" not in page
    # words for people: no file paths, no readiness box in the all-staff edition
    assert ".yaml" not in page and "Ready to publish" not in page
    preview = alignment_page(_pages(EXAMPLE, "preview"))
    assert "plans/roles/" in preview and "Ready to publish" in preview


@pytest.mark.parametrize("audience", ["all-staff", "leadership", "drafts-left-out"])
def test_synthetic_alignment_page_matches_check_for_every_audience(
    unconfirmed_org: Path, audience: str
) -> None:
    pages = _pages(unconfirmed_org, audience)
    page = alignment_page(pages)
    expected_shown, expected_withheld = _expected(unconfirmed_org, audience)
    assert _on_page(page) == (expected_shown, expected_withheld)
    unconfirmed = sum(1 for r in run_checks(unconfirmed_org).plans.roles.values() if r.status != "confirmed")
    shown_unconfirmed = sum(n for (rule, _), n in expected_shown.items() if rule == "unconfirmed-plan")
    if audience == "drafts-left-out":  # left out: counted and explained, never silently dropped
        assert expected_withheld["unconfirmed-plan"] == unconfirmed and "drafts: omit" in page
    else:  # shown as placeholders or in full: being unconfirmed is no secret
        assert shown_unconfirmed == unconfirmed > 70
    # narrowed to a department, the pages together hold every finding of a role exactly once
    narrowed: Counter[tuple[str, str]] = Counter()
    for text in department_pages(pages).values():
        narrowed += _on_page(text)[0]
    assert narrowed == Counter({k: n for k, n in expected_shown.items() if k[1]})


def test_line_of_sight_survives_unconfirmed_managers(unconfirmed_org: Path) -> None:
    """Acceptance: every confirmed plan whose outcomes reach the strategy links the goals it serves,
    even when the chain passes through a plan shown as a placeholder."""
    result = run_checks(unconfirmed_org)
    pages = _pages(unconfirmed_org, "all-staff")
    assert pages.view.placeholders
    reaching = [
        r for r in pages.plans.roles.values() if r.status == "confirmed" and result.index.goals_served(r.id)
    ]
    through = 0
    for role in reaching:
        page = pages.role(role)
        for goal in result.index.goals_served(role.id):
            assert f'href="vap:strategy/{goal.lower()}.md"' in page, (role.id, goal)
        through += "whose plan is not yet confirmed" in page
    assert len(reaching) > 300 and through > 20
    # without the whole cascade's sight (as before), many of them would link no goal
    cut = Index(replace(pages.plans, sight=None))
    lost = [r.id for r in reaching if set(cut.goals_served(r.id)) != set(result.index.goals_served(r.id))]
    assert len(lost) > 0.1 * len(reaching)


def test_goal_pages_count_every_supporting_outcome_placeholders_included(unconfirmed_org: Path) -> None:
    result = run_checks(unconfirmed_org)
    pages = _pages(unconfirmed_org, "all-staff")
    for goal in pages.plans.strategy.goals:
        items = [goal.id, *(m.id for m in goal.milestones)]
        every = {k for i in items for k in result.index.supporters_of_item.get(i, ())}
        page = pages.goal(goal)
        assert f"<p>{len(every)} outcome" in page, goal.id
        lists = "".join(goal_department_pages(pages, goal).values())  # a large goal lists them there
        assert "whose plan is not yet confirmed" in page + lists
        assert page.count("<details") >= 2 and "<summary>" in page


def test_placeholder_content_stays_out_of_role_and_goal_pages(unconfirmed_org: Path) -> None:
    full = run_checks(unconfirmed_org).plans
    pages = _pages(unconfirmed_org, "all-staff")
    shown = {o.title for r in pages.plans.roles.values() for o in r.outcomes}
    secret = {o.title for r in pages.view.placeholders for o in full.roles[r].outcomes} - shown
    assert len(secret) > 10  # synthetic titles repeat across roles: only those no shown plan has
    text = "".join(pages.role(r) for r in pages.plans.roles.values())
    text += "".join(pages.goal(g) for g in pages.plans.strategy.goals) + alignment_page(pages)
    text += "".join(t for g in pages.plans.strategy.goals for t in goal_department_pages(pages, g).values())
    leaked = [t for t in sorted(secret) if f">{t}<" in text or f"“{t}”" in text]
    leaked += [
        o.key
        for r in pages.view.placeholders
        for o in full.roles[r].outcomes
        if f"{r}.md#outcome-{o.id}" in text
    ]
    assert leaked == []


def test_every_manager_sees_their_part_of_the_organisation() -> None:
    pages = _pages(EXAMPLE, "leadership")
    page = pages.role(pages.plans.roles["ceo"])
    part = page.split('id="part-of-the-organisation"', 1)[1]
    assert "<th>Last conversation</th>" in part and "<th>Confirmed on</th>" in part
    assert part.count('class="vap-depth-1"') == len(pages.ix.reports_of("ceo"))
    assert "1 × plan not yet confirmed" not in part  # three unconfirmed plans below the top role
    assert "3 × plan not yet confirmed" in part
    staff = _pages(EXAMPLE, "all-staff").role(pages.plans.roles["ceo"])
    assert "<th>Last conversation</th>" not in staff  # all-staff hides dialogue
    lead = pages.role(pages.plans.roles["mobile-developer"])  # no reports: no part
    assert 'id="part-of-the-organisation"' not in lead


def test_department_pages_have_file_names_of_bounded_length_and_stay_unique() -> None:
    """A department name is plan text of any length: its page's file name must stay short (a
    20,000-character name once made the build fail with 'File name too long')."""
    long_a, long_b = "a" * 20_000, "Operations " + "é" * 300
    slugs = department_slugs([long_a, long_a + "b", long_b, "Sales & Marketing"])
    assert all(len(s.encode("utf-8")) <= 60 for s in slugs.values())
    assert len(set(slugs.values())) == 4  # still one page each
    assert slugs["Sales & Marketing"] == "sales-marketing"
    assert slugs[long_b] == "operations"  # whole words only


def test_possible_duplicates_below_the_warning_are_listed_for_leadership_only(tmp_path: Path) -> None:
    """A pair worth a conversation but under the duplicate-effort threshold: listed, not warned."""
    plans = tmp_path / "plans"
    shutil.copytree(ROOT / "tests" / "fixtures" / "small" / "plans", plans)
    ops, care = plans / "roles" / "ops" / "head-ops.yaml", plans / "roles" / "care" / "head-care.yaml"
    ops.write_text(
        ops.read_text(encoding="utf-8").replace(
            "dialogue:\n",
            "  - id: ct-reports\n    title: Report CT scans within 24 hours\n"
            "    measure: CT reports issued within 24 h of scan\n    target: 90%\n    due: 2027-03-15\n"
            "    supports:\n      - chief#booking\ndialogue:\n",
            1,
        ),
        encoding="utf-8",
    )
    care.write_text(
        care.read_text(encoding="utf-8")
        + "  - id: ct-turnaround\n    title: Cut CT reporting turnaround to one day\n"
        "    measure: Hours from CT scan to report\n    target: 24 hours\n    due: 2027-05-31\n"
        "    supports:\n      - chief#retention\n",
        encoding="utf-8",
    )
    assert "duplicate-effort" not in {f.rule for f in run_checks(plans).findings}  # below the warning
    page = alignment_page(_pages(plans, "leadership"))
    listed = page.split('id="possible-duplicates"', 1)[1]
    assert listed.count("<li>") == 1
    assert "Report CT scans within 24 hours" in listed and "Cut CT reporting turnaround to one day" in listed
    assert "(Operations)" in listed and "(Care)" in listed
    assert 'id="possible-duplicates"' not in alignment_page(_pages(plans, "all-staff"))  # hides fields
    assert "more are less alike" not in listed  # one pair: all listed


def test_possible_duplicates_list_the_most_alike_first_and_count_the_rest(tmp_path: Path) -> None:
    org = tmp_path / "org"
    synth(org, 300, seed=3)
    pages = _pages(org / "plans", "leadership")
    pairs, total = possible_duplicates(pages.ix, limit=POSSIBLE_SHOWN)
    assert len(pairs) == POSSIBLE_SHOWN and total > POSSIBLE_SHOWN  # a synthetic organisation repeats itself
    listed = alignment_page(pages).split('id="possible-duplicates"', 1)[1]
    assert listed.count("<li>") == POSSIBLE_SHOWN
    assert f"{total - POSSIBLE_SHOWN} more are less alike" in listed
