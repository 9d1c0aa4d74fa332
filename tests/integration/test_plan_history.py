"""Each plan's history from the repository: a copy of the example made into a git repository with a
scripted history (a draft, a discussion, a confirmation, a rewording and a retargeting above), built
for real; the role pages and `vap conversation` show exactly that history; without git, or in a
shallow clone, the section is absent and the build says why once."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from site_builder.cli.main import cli
from site_builder.generator.conversation import plain
from site_builder.generator.generate import generate
from site_builder.generator.safe_md import MARK_CLOSE, MARK_OPEN
from site_builder.loading import history as history_module
from tests.conftest import ROOT
from tests.integration import gitrepo
from tests.integration import test_site_build as site_build

VAP = [sys.executable, "-m", "site_builder.cli.main"]
DPA = "roles/operations/patient-access/dir-patient-access.yaml"
VP = "roles/operations/vp-operations.yaml"
OLD_TITLE = "Booking that works first time, online or by phone"
NEW_TITLE = "Booking that works the first time, on any channel"
REPORT_HISTORY = [
    "2026-07-02: status draft → discussed",
    "2026-07-05: status discussed → confirmed (confirmed on 2026-07-05)",
]
MANAGER_HISTORY = [
    f"2026-07-10: outcome reworded: “{OLD_TITLE}” → “{NEW_TITLE}”",
    "2026-07-12: outcome “Clinic sessions keep pace with demand in every clinic”: target 14 of 14 → 13 of 14",
]


def scripted(folder: Path) -> Path:
    """The example's plans in a git repository: the report's plan drafted before the cycle, then
    discussed and confirmed in it; the manager's plan reworded and retargeted after that."""
    plans = folder / "plans"
    shutil.copytree(ROOT / "plans", plans)
    gitrepo.init(folder)
    gitrepo.edit(plans / DPA, "status: confirmed\nconfirmed_on: 2026-06-15\n", "status: draft\n")
    gitrepo.commit(folder, "2026-06-25", "plans as the cycle opens")
    gitrepo.edit(plans / DPA, "status: draft\n", "status: discussed\n")
    gitrepo.commit(folder, "2026-07-02", "patient access plan discussed")
    gitrepo.edit(plans / DPA, "status: discussed\n", "status: confirmed\nconfirmed_on: 2026-07-05\n")
    gitrepo.commit(folder, "2026-07-05", "patient access plan confirmed")
    gitrepo.edit(plans / VP, f"title: {OLD_TITLE}", f"title: {NEW_TITLE}")
    gitrepo.commit(folder, "2026-07-10", "booking outcome reworded")
    gitrepo.edit(
        plans / VP, 'target: "14 of 14"\n    due: 2026-12-31', 'target: "13 of 14"\n    due: 2026-12-31'
    )
    gitrepo.commit(folder, "2026-07-12", "clinic capacity retargeted")
    return plans


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scripted(tmp_path_factory.mktemp("history"))


def _history_items(page: str) -> list[str]:
    match = re.search(r'<h2 id="history-of-this-plan">.*?<ul>\n(.*?)</ul>', page, re.S)
    if match is None:
        return []
    items = re.findall(r"<li>(.*?)</li>", match.group(1))
    return [re.sub(r"<[^>]+>", "", i).replace("&quot;", '"') for i in items]


def _section(markdown: str, heading: str) -> str:
    """One `## heading` section of a sheet, up to the next one."""
    start = markdown.index(f"## {heading}")
    end = markdown.find("\n## ", start + 3)
    return markdown[start : end if end != -1 else None]


def test_each_role_page_shows_exactly_the_scripted_history(repo: Path, tmp_path: Path) -> None:
    history_module._MEMO.clear()
    out = tmp_path / "docs"
    generated = generate(repo, out, audience="leadership", diagrams=False)
    assert generated.history_note is None
    pages = {p.stem: p.read_text() for p in (out / "roles").glob("*.md")}
    assert _history_items(pages["dir-patient-access"]) == REPORT_HISTORY
    assert _history_items(pages["vp-operations"]) == MANAGER_HISTORY
    assert [r for r, text in sorted(pages.items()) if "history-of-this-plan" in text] == [
        "dir-patient-access",
        "vp-operations",
    ]
    # the same repository gives byte-identical pages
    again = tmp_path / "again"
    history_module._MEMO.clear()
    generate(repo, again, audience="leadership", diagrams=False)
    assert {p.name: p.read_bytes() for p in (again / "roles").glob("*.md")} == {
        p.name: p.read_bytes() for p in (out / "roles").glob("*.md")
    }


def test_the_sheet_and_vap_conversation_say_what_changed_above(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    generate(repo, out, audience="leadership", diagrams=False)
    page = plain((out / "conversation" / "dir-patient-access.md").read_text())
    section = _section(page, "What changed above since the report last confirmed")
    assert section == (
        "## What changed above since the report last confirmed\n\n"
        "Outcomes this plan supports, from the planning repository’s history:\n\n"
        f"- {MANAGER_HISTORY[0]}\n\n"
        "The manager’s other outcomes, from the planning repository’s history:\n\n"
        f"- {MANAGER_HISTORY[1]}\n"
    )
    result = CliRunner().invoke(
        cli, ["conversation", "vp-operations", "dir-patient-access", str(repo), "-a", "leadership"]
    )
    assert result.exit_code == 0, result.output
    assert _section(result.stdout, "What changed above since the report last confirmed") == section
    # a report confirmed after every change above: nothing changed since, said in plain words
    quiet = plain((out / "conversation" / "vp-operations.md").read_text())
    assert "Nothing changed in the manager’s plan since 2026-06-09." in quiet


def test_a_shallow_clone_has_no_history_and_says_why_once(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    gitrepo.git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo.parent}", str(clone))
    site = tmp_path / "site"
    config = tmp_path / "mkdocs.yml"
    shutil.copy(ROOT / "mkdocs.yml", config)
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    run = subprocess.run(
        [
            *VAP,
            "build",
            str(clone / "plans"),
            "-f",
            str(config),
            "-a",
            "leadership",
            "--no-diagrams",
            "--site-dir",
            str(site),
        ],
        cwd=tmp_path,
        env=site_build.ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    said = [line for line in run.stderr.splitlines() if "show no plan history" in line]
    assert len(said) == 1 and "shallow clone" in said[0], run.stderr
    pages = [p for p in site.rglob("*.html") if "History of this plan" in p.read_text()]
    assert pages == []
    sheet = (site / "conversation" / "dir-patient-access" / "index.html").read_text()
    assert "No earlier version of the manager’s plan to compare with" in sheet
    assert "shallow clone" in sheet


def test_without_a_repository_or_without_git_the_section_is_absent(tmp_path: Path) -> None:
    plans = tmp_path / "plain" / "plans"
    shutil.copytree(ROOT / "plans", plans)
    out = tmp_path / "docs"
    generated = generate(plans, out, audience="leadership", diagrams=False)
    assert generated.history_note == "the planning repository is not a git repository"
    assert not any("history-of-this-plan" in p.read_text() for p in (out / "roles").glob("*.md"))
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty)}
    run = subprocess.run(
        [
            *VAP[:1],
            "-c",
            "import sys\n"
            "from pathlib import Path\n"
            "from site_builder.loading.history import read_history\n"
            "import datetime as dt\n"
            "print(read_history(Path(sys.argv[1]), dt.date(2026, 7, 1)).reason)",
            str(plans),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert run.stdout.strip() == "git is not installed", run.stderr


def test_incremental_generation_follows_a_new_commit(repo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "repo"
    shutil.copytree(repo.parent, folder)
    plans = folder / "plans"
    first = generate(plans, tmp_path / "inc", audience="leadership", diagrams=False, keep_texts=True)
    gitrepo.edit(plans / VP, f"title: {NEW_TITLE}", "title: Booking settled in one contact, on any channel")
    gitrepo.commit(folder, "2026-07-20", "booking outcome reworded again")
    second = generate(
        plans, tmp_path / "inc", audience="leadership", diagrams=False, reuse=first, keep_texts=True
    )
    whole = generate(plans, tmp_path / "full", audience="leadership", diagrams=False, keep_texts=True)
    assert second.texts == whole.texts
    assert "2026-07-20</span>: outcome reworded" in second.texts["roles/vp-operations.md"]
    sheet = second.texts["conversation/dir-patient-access.md"]
    assert "2026-07-20: outcome reworded" in sheet.replace(MARK_OPEN, "").replace(MARK_CLOSE, "")


def test_a_warm_build_reads_the_history_from_the_cache_of_its_commit(repo: Path, tmp_path: Path) -> None:
    from site_builder.loading import parsecache

    folder = tmp_path / "repo"
    shutil.copytree(repo.parent, folder)
    plans = folder / "plans"
    parsecache.configure(enabled=True)
    try:
        history_module._MEMO.clear()
        cold = history_module.read_history(plans, history_module.dt.date(2026, 7, 1))
        kept = history_module._cache_path(plans)
        assert kept.is_file()
        history_module._MEMO.clear()
        shutil.rmtree(folder / ".git" / "objects")  # only the cache can answer now (HEAD is still read)
        gitrepo.git(folder, "init", "-q")  # an object store again, empty: rev-parse still names HEAD
        history_module._MEMO.clear()
        warm = history_module.read_history(plans, history_module.dt.date(2026, 7, 1))
        assert warm == cold and warm.events["vp-operations"][0].new == NEW_TITLE
        kept.write_bytes(kept.read_bytes()[:-5])  # a torn cache file is never trusted
        history_module._MEMO.clear()
        assert history_module.read_history(plans, history_module.dt.date(2026, 7, 1)).events == {}
    finally:
        parsecache.configure(enabled=False)
        history_module._MEMO.clear()


def test_an_edition_showing_drafts_as_placeholders_shows_no_earlier_wording(
    repo: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "repo"
    shutil.copytree(repo.parent, folder)
    plans = folder / "plans"
    gitrepo.edit(
        plans / "portal.yaml",
        "audiences:\n",
        "audiences:\n  managers:\n    hide: []\n    drafts: placeholder\n",
    )
    history_module._MEMO.clear()
    out = tmp_path / "docs"
    generate(plans, out, audience="managers", diagrams=False)
    assert _history_items((out / "roles" / "dir-patient-access.md").read_text()) == REPORT_HISTORY
    manager = (out / "roles" / "vp-operations.md").read_text()
    assert "history-of-this-plan" not in manager and OLD_TITLE not in manager
    sheet = (out / "conversation" / "dir-patient-access.md").read_text()
    assert "This edition does not show earlier wordings of plans." in sheet and OLD_TITLE not in sheet
