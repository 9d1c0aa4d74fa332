"""vap import-org on exports as the HR systems and the UK government really publish them, with no
options: the mapping is printed first, holders that are no people stay nameless, eliminated posts
are left out, and every written repository checks without errors."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from site_builder.authoring.init import init_repository
from site_builder.checking.check import run_checks
from site_builder.cli.authoring import register
from site_builder.loading.loader import load_plans
from tests.conftest import FIXTURES

HR = FIXTURES / "orgcsv" / "hr"
GOV = FIXTURES / "orgcsv" / "organograms"
NOT_PEOPLE = {"n/d", "not disclosed", "eliminated", "'eliminated'", '"eliminated"', "vacant", '"vacant"'}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    init_repository(directory=tmp_path / "org", organization="Org", today=dt.date(2026, 5, 1))
    return tmp_path / "org" / "plans"


def _vap(*args: str | Path) -> Result:
    @click.group()
    def vap() -> None:
        """Test group."""

    register(vap)
    return CliRunner().invoke(vap, [str(a) for a in args])


def _mapping(output: str) -> dict[str, str]:
    """The printed mapping: field -> header text."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Columns of "))
    pairs = (line.split("<-") for line in lines[start + 1 : start + 7])
    return {name.strip(): header.strip() for name, header in pairs}


# the same small organisation exported by six HR systems: (id, title, holder, manager id, department)
SAME_ORG = {
    "chief-executive-officer": ("Chief Executive Officer", "Ingrid Halvorsen", None, "Executive Office"),
    "vp-operations": ("VP, Operations", "Sam Lee", "ceo", "Operations"),
    "director-patient-access": (
        "Director, Patient Access",
        "Amara Okafor",
        "vp-operations",
        "Patient Access",
    ),
    "contact-centre-manager": (
        "Contact Centre Manager",
        "Jo Smith",
        "director-patient-access",
        "Contact Centre",
    ),
    "vp-people": ("VP, People", "Pat O'Brien", "ceo", "People"),
}
HR_CASES = {
    "workday.csv": {
        "id": "'Position ID'",
        "title": "'Business Title'",
        "holder": "'Worker'",
        "manager": "'Manager'",
        "department": "'Supervisory Organization'",
        "level": "'Management Level'",
    },
    "successfactors.csv": {
        "id": "'USERID'",
        "title": "'TITLE'",
        "holder": "'FIRSTNAME' + 'LASTNAME'",
        "manager": "'MANAGER'",
        "department": "'DEPARTMENT'",
        "level": "(none)",
    },
    "bamboohr.csv": {
        "id": "'Employee #'",
        "title": "'Job Title'",
        "holder": "'First Name' + 'Last Name'",
        "manager": "'Reports To'",
        "department": "'Department'",
        "level": "(none)",
    },
    "hibob.csv": {
        "id": "'Employee ID'",
        "title": "'Job title'",
        "holder": "'Display name'",
        "manager": "'Reports to'",
        "department": "'Department'",
        "level": "(none)",
    },
    "personio.csv": {
        "id": "'ID'",
        "title": "'Position'",
        "holder": "'First name' + 'Last name'",
        "manager": "'Supervisor'",
        "department": "'Department'",
        "level": "(none)",
    },
    "adp.csv": {
        "id": "'Associate ID'",
        "title": "'Job Title Description'",
        "holder": "'Payroll Name'",
        "manager": "'Manager ID'",
        "department": "'Home Department Description'",
        "level": "(none)",
    },
}


@pytest.mark.parametrize("name", sorted(HR_CASES))
def test_hr_system_exports_import_with_no_options(repo: Path, name: str) -> None:
    result = _vap("import-org", HR / name, "--plans", repo)
    assert result.exit_code == 0, result.output
    assert _mapping(result.output) == HR_CASES[name]
    roles = load_plans(repo).plans.roles
    ceo = roles["ceo"]  # the top role vap init wrote now holds the real top post
    expected_top = SAME_ORG["chief-executive-officer"]
    assert (ceo.title, ceo.reports_to, ceo.department) == (expected_top[0], None, expected_top[3])
    holder = {"adp.csv": "Halvorsen, Ingrid"}.get(name, "Ingrid Halvorsen")
    assert ceo.holder == holder
    for role_id, (title, who, manager, department) in list(SAME_ORG.items())[1:]:
        role = roles[role_id]
        if name == "adp.csv":
            first, last = who.split(" ", 1)
            who = f"{last}, {first}"
        assert (role.title, role.holder, role.reports_to) == (title, who, manager)
        assert role.department == department  # Workday's "Operations (Sam Lee)" reads as "Operations"
    assert run_checks(repo).errors == ()


def test_workday_management_levels_are_summed_up_in_one_note(repo: Path) -> None:
    result = _vap("import-org", HR / "workday.csv", "--plans", repo)
    notes = [line for line in result.output.splitlines() if "levels of work" in line]
    assert notes == [
        f"{HR / 'workday.csv'}: levels of work read from the labels of 'Management Level': "
        "'1 Individual Contributor' -> 1, '3 Manager' -> 3, '4 Director' -> 4, '5 Vice President' -> 5, "
        "'6 Chief Executive' -> 6"
    ]
    roles = load_plans(repo).plans.roles
    assert [roles[r].level for r in ("ceo", "vp-operations", "director-patient-access")] == [6, 5, 4]
    assert {roles[r].level for r in roles if r.startswith("booking-coordinator")} == {1}


def test_an_id_like_column_is_never_a_name_and_no_id_stops_with_candidates(
    repo: Path, tmp_path: Path
) -> None:
    names_only = tmp_path / "names.csv"
    names_only.write_text(
        "Staff Number Code,Name,Job Title,Reports To\nA1,Ada,Chief,\nB2,Bo,Clerk,Ada\n"
    )  # "Staff Number Code" is no known id header, and an id-like header is never the holder
    result = _vap("import-org", names_only, "--plans", repo)
    assert result.exit_code == 2  # a usage problem: the columns need naming
    assert result.output.strip().endswith(
        f"{names_only}: no column for the position id (looked for 'Post Unique Reference', 'Position ID', "
        "'Employee ID', 'ID', ...); columns whose values are all different: 'Staff Number Code'. Name it "
        "with --id-col COLUMN or a --map file"
    )
    assert sorted(p.name for p in (repo / "roles").iterdir()) == ["ceo.yaml"]


def test_update_names_only_the_fields_that_changed(repo: Path, tmp_path: Path) -> None:
    _vap("import-org", HR / "bamboohr.csv", "--plans", repo)
    moved = tmp_path / "bamboohr-v2.csv"
    moved.write_text(
        (HR / "bamboohr.csv")
        .read_text()
        .replace("Contact Centre,Clinics,Bergen,Jo Smith", "Bookings,Clinics,Bergen,Jo Smith")
    )
    result = _vap("import-org", moved, "--plans", repo, "--update")
    assert result.exit_code == 0, result.output
    changed = [line for line in result.output.splitlines() if "brought up to date" in line]
    role = load_plans(repo).plans.roles["booking-coordinator"]
    assert changed == [f"{moved}:6: {role.file}: department brought up to date"]
    assert role.department == "Bookings"


def test_dry_run_shows_the_files_and_writes_nothing(repo: Path) -> None:
    before = sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*"))
    ceo = (repo / "roles" / "ceo.yaml").read_bytes()
    result = _vap("import-org", HR / "hibob.csv", "--plans", repo, "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "would update plans/roles/ceo.yaml (Chief Executive Officer)" in lines
    assert "would write plans/roles/operations/vp-operations.yaml (VP, Operations)" in lines
    assert lines[-1].endswith(
        "5 plans would be written, 1 would be updated, 0 left unchanged "
        f"(under {repo / 'roles'}) (--dry-run: nothing was written)"
    )
    assert sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*")) == before
    assert (repo / "roles" / "ceo.yaml").read_bytes() == ceo


def _live_posts(path: Path) -> dict[str, list[str]]:
    """Post reference -> row of every live (not eliminated) senior post, read independently."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["Post Unique Reference"]: row
        for row in rows
        if row["Name"].strip("'\" ").casefold() != "eliminated"
    }


ORGANOGRAMS = [
    "uksa-senior-2013-09.csv",
    "hmic-senior-2013-09.csv",
    "dh-senior-2013-09-sample.csv",
    "home-office-senior-2013-09-sample.csv",
    "hmpo-senior-2013-09.csv",
]
GRADE = {"SCS1": 4, "SCS2": 5, "SCS3": 6, "SCS4": 6}


@pytest.mark.parametrize("name", ORGANOGRAMS)
def test_real_organogram_imports_with_no_options(repo: Path, name: str) -> None:
    source = GOV / name
    result = _vap("import-org", source, "--plans", repo)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Columns of {source} (UK organogram (senior staff)), header on line 1:")
    assert _mapping(result.output) == {
        "id": "'Post Unique Reference'",
        "title": "'Job Title'",
        "holder": "'Name'",
        "manager": "'Reports to Senior Post'",
        "department": "'Unit'",
        "level": "'Grade'",
    }
    plans = load_plans(repo).plans
    by_post = {}
    for role in plans.roles.values():
        text = (repo.parent / role.file).read_text(encoding="utf-8")
        marker = next((line for line in text.splitlines() if line.startswith("# position-id: ")), None)
        by_post[marker.removeprefix("# position-id: ") if marker else "TOP"] = role
        assert len(role.file) < 150, role.file
        assert role.holder is None or role.holder.casefold().strip("'\" ") not in NOT_PEOPLE, role.file
    live = _live_posts(source)
    top = next(ref for ref, row in live.items() if row["Reports to Senior Post"].strip().upper() == "XX")
    by_post[top] = by_post.pop("TOP")
    assert sorted(by_post) == sorted(live)
    for ref, row in live.items():
        role = by_post[ref]
        assert role.title == " ".join(row["Job Title"].split()) or role.title == row["Job Title"].strip()
        manager = row["Reports to Senior Post"].strip()
        assert role.reports_to == (None if ref == top else by_post[manager].id)
        assert plans.department_of(role.id) == row["Unit"].strip()
        assert role.level == GRADE.get(row["Grade"].strip())
        named = row["Name"].strip("'\" ")
        assert role.holder == (None if named.casefold() in {"n/d", "nd", "vacant"} else named)
    assert run_checks(repo).errors == ()


def test_eliminated_posts_are_left_out_with_one_line_and_a_reused_reference_keeps_the_live_post(
    repo: Path,
) -> None:
    source = GOV / "home-office-senior-2013-09-sample.csv"
    result = _vap("import-org", source, "--plans", repo)
    eliminated = [line for line in result.output.splitlines() if "eliminated post(s)" in line]
    assert eliminated == [f"{source}: 8 eliminated post(s) left out (lines 11, 19, 21, 26, 29, 32, 39, 40)"]
    # 1SIIG11 is listed twice: the live post (N/D, line 33) and the eliminated one it replaced (line 39)
    role = load_plans(repo).plans.roles["head-of-safeguarding-and-public"]
    assert (role.title, role.holder, role.reports_to) == (
        "Head of Safeguarding and Public Protection Unit",
        None,
        "director-of-public-safety-directorate",
    )
    text = (repo.parent / role.file).read_text(encoding="utf-8")
    assert "# position-id: 1SIIG11\n# The file does not name the holder (not disclosed)" in text


def test_grades_are_mapped_with_one_summary_line(repo: Path) -> None:
    source = GOV / "dh-senior-2013-09-sample.csv"
    result = _vap("import-org", source, "--plans", repo)
    assert [line for line in result.output.splitlines() if "read from the grades" in line] == [
        f"{source}: levels of work read from the grades of 'Grade': 'SCS1' -> 4, 'SCS2' -> 5, "
        "'SCS3' -> 6, 'SCS4' -> 6"
    ]


def test_self_reporting_top_and_skip_bad_rows_on_a_real_file(repo: Path) -> None:
    """DCMS, March 2015 ('Grade (or equivalent)'): the Permanent Secretary reports to itself (the top),
    and so, by mistake, does a Director: an error with its line, then --skip-bad-rows."""
    source = GOV / "dcms-senior-2015-03.csv"
    stopped = _vap("import-org", source, "--plans", repo)
    assert stopped.exit_code == 1
    assert f"{source}:33: 'DCMS2004' reports to itself" in stopped.output.splitlines()
    assert f"{source}:37: 'DCMS4001' reports to itself: taken as the top position" in stopped.output
    assert _mapping(stopped.output)["level"] == "'Grade (or equivalent)'"
    assert sorted(p.name for p in (repo / "roles").iterdir()) == ["ceo.yaml"]
    done = _vap("import-org", source, "--plans", repo, "--skip-bad-rows")
    assert done.exit_code == 0, done.output
    skipped = f"{source}: --skip-bad-rows: 1 bad row(s) left out (lines 33), and 2 post(s) under them"
    assert f"{skipped} (lines 24, 28)" in done.output.splitlines()
    plans = load_plans(repo).plans
    assert len(plans.roles) == 36 - 3
    ceo = plans.roles["ceo"]
    assert (ceo.title, ceo.holder, ceo.level) == ("Permanent Secretary", "Susan Owen", 6)
    assert sum(1 for r in plans.roles.values() if r.holder is None) == 26  # the 28 N/D, less 2 skipped
    assert run_checks(repo).errors == ()


def test_junior_organogram_hangs_under_the_senior_posts(repo: Path) -> None:
    assert _vap("import-org", GOV / "uksa-senior-2013-09.csv", "--plans", repo).exit_code == 0
    source = GOV / "uksa-junior-2013-09.csv"
    result = _vap("import-org", source, "--plans", repo)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Columns of {source} (UK organogram (junior staff)), header on line 1:")
    assert _mapping(result.output)["id"] == "(none)"
    assert f"{source}:8: '6 Programme Manager HEO' repeats line 6; read once" in result.output.splitlines()
    roles = load_plans(repo).plans.roles
    junior = roles["programme-manager-3-grade-7"]
    assert (junior.title, junior.holder, junior.reports_to, junior.level) == (
        "Programme Manager",
        None,
        "acting-director-technology-science-and",
        3,
    )
    assert len(roles) == 20 + 19
    assert run_checks(repo).errors == ()


def test_ids_are_cut_between_words_and_keep_the_post_reference_whole() -> None:
    from site_builder.authoring.orglayout import _with_suffix, _words

    assert _words("head-of-safeguarding-and-public-protection-unit", 40) == "head-of-safeguarding-and-public"
    assert _with_suffix("a", "ABC-1", 1) == "a-abc-1"  # the title's slug is taken out only as whole words
    assert (
        _with_suffix("programme-manager", "3 Programme Manager Grade 7", 1) == "programme-manager-3-grade-7"
    )
    long_title = "director-general-for-strategy-international-and-devolution-x"
    assert (
        _with_suffix(long_title, "SF-DG-52", 1) == "director-general-for-strategy-international-and-sf-dg-52"
    )
