"""vap init and vap new role: what they write checks cleanly, nothing is ever overwritten."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from site_builder.authoring.init import (
    half_year,
    init_repository,
    new_role_file,
    slugify,
    update_fields,
)
from site_builder.checking.check import run_checks
from site_builder.cli.authoring import register
from site_builder.errors import PortalError
from site_builder.loading.loader import ROLE_FIELDS, load_plans

TODAY = dt.date(2026, 5, 14)


def _rules(plans_dir: Path) -> list[tuple[str, str, str | None]]:
    return sorted((f.severity, f.rule, f.role) for f in run_checks(plans_dir).findings)


def _group() -> click.Group:
    @click.group()
    def vap() -> None:
        """Test group."""

    register(vap)
    return vap


# -- vap init ---------------------------------------------------------------------------------------


def test_init_ignores_what_builds_and_set_up_make(tmp_path: Path) -> None:
    """site/, .cache/ and the .venv/ its README asks for never end up in the planning repository."""
    target = tmp_path / "acme"
    init_repository(directory=target, organization="Acme", today=TODAY)
    ignored = (target / ".gitignore").read_text().split()
    assert {"/site/", "/.cache/", "/.venv/"} <= set(ignored)
    requirements = (target / "requirements.txt").read_text()
    assert "not on the public package index" in requirements and "make dist" in requirements


def test_init_writes_a_repository_that_checks_without_errors(tmp_path: Path) -> None:
    target = tmp_path / "acme"
    written = init_repository(directory=target, organization="Acme: Ltd", today=TODAY)
    assert sorted(p.relative_to(target).as_posix() for p in written) == [
        ".gitignore",
        ".pre-commit-config.yaml",
        "README.md",
        "docs/start-here.md",
        "mkdocs.yml",
        "plans/portal.yaml",
        "plans/roles/ceo.yaml",
        "plans/strategy.yaml",
        "requirements.txt",
    ]
    plans = load_plans(target / "plans").plans
    assert plans.portal.organization == "Acme: Ltd"
    assert (plans.portal.cycle, plans.portal.cycle_start, plans.portal.cycle_end) == (
        "2026-H1",
        dt.date(2026, 1, 1),
        dt.date(2026, 6, 30),
    )
    assert plans.strategy.owner == "ceo"
    assert _rules(target / "plans") == [
        ("warning", "incomplete-plan", "ceo"),
        ("warning", "unconfirmed-plan", "ceo"),
        ("warning", "uncovered-strategy", "ceo"),
        ("warning", "uncovered-strategy", "ceo"),
    ]


def test_init_mkdocs_config_uses_the_plugin_and_copies_nothing_the_package_ships(tmp_path: Path) -> None:
    init_repository(directory=tmp_path / "r", organization="Acme", today=TODAY)
    config = (tmp_path / "r" / "mkdocs.yml").read_text()
    assert "  name: material\n" in config
    assert re.search(r"^plugins:\n  - vap:\n      plans: plans\n  - search\n  - tags\n", config, re.M)
    assert "custom_dir" not in config and "extra_css" not in config
    files = {p.name for p in (tmp_path / "r").rglob("*") if p.is_file()}
    assert not files & {"vap.css", "main.html", "base.html"}
    assert "Start here" in (tmp_path / "r" / "docs" / "start-here.md").read_text()


def test_init_documents_the_pre_commit_hook(tmp_path: Path) -> None:
    init_repository(directory=tmp_path / "r", organization="Acme", today=TODAY)
    hook = (tmp_path / "r" / ".pre-commit-config.yaml").read_text()
    assert "id: vap-check" in hook and "entry: vap check plans" in hook and "files: ^plans/" in hook
    readme = (tmp_path / "r" / "README.md").read_text()
    assert "pre-commit install" in readme and "- id: vap-check" in readme


def test_our_pre_commit_hook_definition() -> None:
    import yaml

    hooks = yaml.safe_load((Path(__file__).parents[3] / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert (hook["id"], hook["entry"], hook["language"], hook["files"], hook["pass_filenames"]) == (
        "vap-check",
        "vap check",
        "python",
        "^plans/",
        False,
    )


def test_init_accepts_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    init_repository(directory=tmp_path / "empty", organization="Acme", today=dt.date(2026, 9, 1))
    assert 'cycle: "2026-H2"' in (tmp_path / "empty" / "plans" / "portal.yaml").read_text()


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(PortalError) as info:
        init_repository(directory=tmp_path, organization="Acme", today=TODAY)
    assert info.value.message == (
        f"'{tmp_path}' is not empty (it holds notes.txt); vap init writes a new planning repository only "
        "into a new or empty folder, so nothing there is overwritten"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_init_command_exit_code_and_message(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / ".git").mkdir()
    result = CliRunner().invoke(_group(), ["init", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "is not empty (it holds .git)" in result.output


def test_half_year() -> None:
    assert half_year(dt.date(2027, 6, 30)) == ("2027-H1", dt.date(2027, 1, 1), dt.date(2027, 6, 30))
    assert half_year(dt.date(2027, 7, 1)) == ("2027-H2", dt.date(2027, 7, 1), dt.date(2027, 12, 31))


# -- vap new role ------------------------------------------------------------------------------------


def test_new_role_skeleton_has_every_field_and_the_four_questions(small_plans: Path) -> None:
    path = new_role_file(
        plans_dir=small_plans, role_id="clinic-lead", title="Clinic Lead, North", reports_to="head-ops"
    )
    assert path == small_plans / "roles" / "ops" / "clinic-lead.yaml"
    text = path.read_text()
    keys = re.findall(r"^([a-z_]+):", text, re.M)
    assert keys == [
        "id",
        "title",
        "holder",
        "reports_to",
        "department",
        "level",
        "status",
        "confirmed_on",
        "accountabilities",
        "value_add",
        "focus",
        "outcomes",
        "authorities",
        "resources",
        "trade_offs",
        "dialogue",
    ]
    assert set(keys) == set(ROLE_FIELDS)
    for question in ("ACCOUNTABLE FOR", "VALUE ADD", "FOCUS", "OUTCOMES"):
        assert f"# {question}" in text or f". {question}" in text
    assert "Outcomes this plan can support: head-ops#clinics-live" in text
    assert "status: draft\n" in text
    assert _rules(small_plans) == [
        ("warning", "incomplete-plan", "clinic-lead"),
        ("warning", "unconfirmed-plan", "booking-lead"),
        ("warning", "unconfirmed-plan", "clinic-lead"),
        ("warning", "unconfirmed-plan", "head-care"),
    ]
    role = load_plans(small_plans).plans.roles["clinic-lead"]
    assert (role.title, role.holder, role.reports_to, role.status) == (
        "Clinic Lead, North",
        None,
        "head-ops",
        "draft",
    )


def test_new_role_of_another_department_goes_to_that_department(small_plans: Path) -> None:
    path = new_role_file(
        plans_dir=small_plans,
        role_id="nurse",
        title="Nurse",
        reports_to="head-ops",
        department="care",
        holder="Kim Lee",
        level=2,
    )
    assert path == small_plans / "roles" / "care" / "nurse.yaml"
    new = new_role_file(
        plans_dir=small_plans, role_id="cfo", title="CFO", reports_to="chief", department="Finance & Estates"
    )
    assert new == small_plans / "roles" / "finance-estates" / "cfo.yaml"
    roles = load_plans(small_plans).plans.roles
    assert (roles["nurse"].holder, roles["nurse"].level, roles["nurse"].department) == ("Kim Lee", 2, "care")
    assert [f for f in run_checks(small_plans).findings if f.severity == "error"] == []


def test_new_role_refuses_to_overwrite(small_plans: Path) -> None:
    target = small_plans / "roles" / "ops" / "clinic-lead.yaml"
    target.write_text("title: Mine\n")  # role 'clinic-lead' (its file name), written by someone
    with pytest.raises(PortalError) as info:
        new_role_file(plans_dir=small_plans, role_id="clinic-lead", title="X", reports_to="head-ops")
    assert info.value.message == (
        "'clinic-lead' is already the id of a role or strategy item "
        "(plans/roles/ops/clinic-lead.yaml); choose another id (nothing was written)"
    )
    assert target.read_text() == "title: Mine\n"


def test_new_role_refuses_an_existing_file_of_another_role(small_plans: Path) -> None:
    target = small_plans / "roles" / "ops" / "lead.yaml"
    target.write_text("id: other-lead\ntitle: Other\nreports_to: head-ops\nstatus: draft\n")
    result = CliRunner().invoke(
        _group(),
        ["new", "role", "lead", "--title", "Lead", "--reports-to", "head-ops", "--plans", str(small_plans)],
    )
    assert result.exit_code == 2
    assert f"Error: {target} already exists; it was not overwritten" in result.output
    assert target.read_text().startswith("id: other-lead")


def test_new_role_checks_the_manager_and_the_id(small_plans: Path) -> None:
    with pytest.raises(PortalError) as info:
        new_role_file(plans_dir=small_plans, role_id="x", title="X", reports_to="head-opps")
    assert (
        info.value.message
        == f"--reports-to 'head-opps' is not a role in {small_plans}; did you mean 'head-ops'?"
    )
    with pytest.raises(PortalError) as info:
        new_role_file(plans_dir=small_plans, role_id="Clinic Lead", title="X", reports_to="head-ops")
    assert info.value.message.endswith(
        "(at most 63, starting with a letter or digit); for example 'clinic-lead'"
    )
    with pytest.raises(PortalError, match="'chief' is already the id"):
        new_role_file(plans_dir=small_plans, role_id="chief", title="X", reports_to="head-ops")


def test_new_role_command(small_plans: Path) -> None:
    result = CliRunner().invoke(
        _group(),
        ["new", "role", "desk", "--title", "Desk", "--reports-to", "chief", "--plans", str(small_plans)],
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote {small_plans / 'roles' / 'desk.yaml'}: a draft plan for 'desk'")


# -- help, helpers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["init"], ["new"], ["new", "role"], ["import-org"], ["export"]])
def test_every_command_has_help_with_an_example(args: list[str]) -> None:
    result = CliRunner().invoke(_group(), [*args, "--help"])
    assert result.exit_code == 0
    assert re.search(r"^  Example:\n    vap \S", result.output, re.M), result.output


def test_slugify() -> None:
    assert slugify("Directrice Générale Adjointe") == "directrice-generale-adjointe"
    assert slugify("VP, Operations & Ünïcode") == "vp-operations-unicode"
    assert slugify("看護部長") == ""
    assert slugify("x" * 80) == "x" * 63


def test_update_fields_edits_only_the_named_lines() -> None:
    text = (
        "\ufeff# kept comment\r\ntitle: 'Quoted: kept'\r\nholder: Old Name   # trailing comment kept\r\n"
        "status: draft\r\nvalue_add: |\r\n  Para one.\r\n\r\n  Para two.\r\nfocus:\r\n  - a\r\n"
    )
    out = update_fields(
        text, {"holder": '"New Name"', "reports_to": "boss", "department": None}, order=ROLE_FIELDS
    )
    assert out == (
        "\ufeff# kept comment\r\ntitle: 'Quoted: kept'\r\nholder: \"New Name\"   # trailing comment kept\r\n"
        "reports_to: boss\r\n"
        "status: draft\r\nvalue_add: |\r\n  Para one.\r\n\r\n  Para two.\r\nfocus:\r\n  - a\r\n"
    )
    assert update_fields(out, {"holder": '"New Name"'}, order=ROLE_FIELDS) == out
    assert update_fields(
        "title: x\nreports_to: a\nstatus: draft\n", {"reports_to": None}, order=ROLE_FIELDS
    ) == ("title: x\nstatus: draft\n")
