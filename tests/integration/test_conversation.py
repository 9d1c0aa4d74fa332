"""Conversation sheets in a real leadership build: reachable, every link resolves, the same content
as `vap conversation`; none in the all-staff edition."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from site_builder.cli.main import cli
from site_builder.generator.conversation import plain
from site_builder.generator.generate import generate
from tests.conftest import ROOT
from tests.integration import test_site_build as site_build

VAP = [sys.executable, "-m", "site_builder.cli.main"]
PLANS = ROOT / "plans"


@pytest.fixture(scope="module")
def leadership_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("leadership") / "site"
    run = subprocess.run(
        [*VAP, "build", str(PLANS), "--audience", "leadership", "--no-diagrams", "--site-dir", str(site)],
        cwd=ROOT,
        env=site_build.ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return site


def test_every_link_of_the_leadership_edition_resolves(leadership_site: Path) -> None:
    site_build.test_every_link_of_every_page_resolves(leadership_site)


def test_a_sheet_for_every_report_reachable_from_both_roles_and_the_team_view(leadership_site: Path) -> None:
    sheets = sorted(p.name for p in (leadership_site / "conversation").iterdir())
    roles = sorted(p.stem for p in (PLANS / "roles").rglob("*.yaml"))
    assert sheets == [r for r in roles if r != "ceo"]  # every role but the top one has a manager
    report = (leadership_site / "roles" / "dir-patient-access" / "index.html").read_text()
    manager = (leadership_site / "roles" / "vp-operations" / "index.html").read_text()
    link = 'href="../../conversation/dir-patient-access/"'
    assert link in report and link in manager
    assert "Conversations of the plans listed:" in manager and 'href="../../conversations/"' in manager
    sheet = (leadership_site / "conversation" / "dir-patient-access" / "index.html").read_text()
    for heading in (
        "The four questions",
        "Outcomes and what they serve",
        "Talking points",
        "Conversations so far",
    ):
        assert heading in sheet
    assert 'class="vap-sheet-write"' in sheet and 'class="vap-sheet-sign"' in sheet


def test_where_conversations_stand_is_counted_and_narrowed_by_department(leadership_site: Path) -> None:
    page = (leadership_site / "conversations" / "index.html").read_text()
    total = len(list((PLANS / "roles").rglob("*.yaml")))
    counts = re.search(
        rf"{total} plans in cycle FY2027-H1: (\d+) confirmed this cycle, (\d+) discussed, (\d+) draft; "
        r"(\d+) with no conversation",
        page,
    )
    assert counts is not None, page[:2000]
    confirmed, discussed, draft, _ = map(int, counts.groups())
    assert confirmed + discussed + draft == total
    assert page.count("<tr>") == total + 1
    ops = (leadership_site / "conversations-operations" / "index.html").read_text()
    assert "Director, Patient Access" in ops and "Chief Medical Officer" not in ops


def test_vap_conversation_prints_the_content_of_the_page(tmp_path: Path) -> None:
    generate(PLANS, tmp_path / "docs", audience="leadership", diagrams=False)
    page = (tmp_path / "docs" / "conversation" / "dir-patient-access.md").read_text()
    out = CliRunner().invoke(
        cli, ["conversation", "vp-operations", "dir-patient-access", str(PLANS), "-a", "leadership"]
    )
    assert out.exit_code == 0, out.output
    body = page.split("---\n\n", 1)[1]
    assert out.stdout == plain(body)
    assert "<a " not in out.stdout and "Amara Okafor" in out.stdout
    written = tmp_path / "sheet.md"
    CliRunner().invoke(
        cli,
        [
            "conversation",
            "vp-operations",
            "dir-patient-access",
            str(PLANS),
            "-a",
            "leadership",
            "-o",
            str(written),
        ],
    )
    assert written.read_text() == out.stdout


def test_no_sheets_where_dialogue_is_hidden(tmp_path: Path) -> None:
    generated = generate(PLANS, tmp_path / "docs", audience="all-staff", diagrams=False)
    assert not [p for p in generated.pages if p.startswith("conversation")]
    assert "conversation/" not in (tmp_path / "docs" / "roles" / "vp-operations.md").read_text()
    out = CliRunner().invoke(
        cli, ["conversation", "vp-operations", "dir-patient-access", str(PLANS), "-a", "all-staff"]
    )
    assert out.exit_code == 2 and "hides the record of conversations" in out.output
    wrong = CliRunner().invoke(cli, ["conversation", "ceo", "dir-patient-access", str(PLANS)])
    assert wrong.exit_code == 2 and "reports to 'vp-operations'" in wrong.output
