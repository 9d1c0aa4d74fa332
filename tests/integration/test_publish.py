"""`vap publish`: versioned cycles in one folder, atomic and audience-safe (real MkDocs builds)."""
# ruff: noqa: E501  (the expected "What changed" page is compared line by line, as generated)

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_builder.checking.check import run_checks
from site_builder.domain.audience import make_view, resolve_audience
from site_builder.domain.index import Index
from site_builder.domain.snapshot import from_json, to_json
from site_builder.errors import BuildError, PlanError, PortalError
from site_builder.generator.changes import change_pages
from site_builder.generator.safe_md import MARK_CLOSE, MARK_OPEN
from site_builder.mkdocs_adapter import api as mkdocs_api
from site_builder.publishing import staging as staging_module
from site_builder.publishing.atomic import ExchangeUnsupported
from site_builder.publishing.publish import publish
from tests.conftest import FIXTURES, ROOT, write_portal_config
from tests.integration import gitrepo

pytestmark = pytest.mark.slow

CYCLES = FIXTURES / "cycles"
CANARIES = ("CANARY-RES-7f3a", "CANARY-DLG-5d21", "CANARY-DLG-4e1b", "CANARY-DRAFT-9c2d", "CANARY-HIST-3a7e")
"""The last one is only in the plans' git history (an outcome's earlier wording): see the leak test."""
H1_AT = dt.datetime(2027, 1, 15, 9, 0, tzinfo=dt.UTC)
H2_AT = dt.datetime(2027, 7, 10, 9, 30, tzinfo=dt.UTC)
NAV = "nav:\n  - Home: index.md\n  - Start here: start-here.md\n"


class Portal:
    """A portal project whose plans/ is replaced by each cycle's plans, as a repository is over time."""

    def __init__(self, folder: Path, *, extra: str = "site_url: https://intranet.example/plans/\n" + NAV):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.config = write_portal_config(folder, extra=extra)
        self.plans = folder / "plans"
        self.out = folder / "published"
        self.root = self.out / "all-staff"
        """The default audience's folder: each audience has its own folder in the publish folder."""

    def use(self, fixture: str) -> Path:
        shutil.rmtree(self.plans, ignore_errors=True)
        shutil.copytree(CYCLES / fixture / "plans", self.plans)
        return self.plans

    def publish(self, fixture: str | None, at: dt.datetime = H2_AT, **kwargs: object):  # type: ignore[no-untyped-def]
        """Publish the plans of a fixture cycle (None: plans/ as it is now)."""
        if fixture:
            self.use(fixture)
        kwargs.setdefault("diagrams", False)
        return publish(
            plans_dir=self.plans, config_file=self.config, out_dir=self.out, clock=lambda: at, **kwargs
        )  # type: ignore[arg-type]


def tree(folder: Path, *, skip_tmp: bool = False) -> dict[str, str]:
    """Every file and folder under `folder`, with a hash of each file's bytes."""
    out: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if skip_tmp and rel.split("/", 1)[0].startswith(".tmp-"):
            continue
        out[rel] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "<dir>"
    return out


def assert_version_selector(root: Path, expected: list[str]) -> None:
    """What Material 9.8's version selector needs: ../versions.json and its hook in every page.

    With `extra.version.provider: mike` Material writes `"version": {"provider": "mike"}` into the
    `<script id="__config">` JSON of each page (its bundle then fetches `../versions.json` relative to
    the page's base and matches the folder name to a `version`) and an `outdated` banner slot
    (`data-md-component="outdated"`). The e2e suite clicks the selector in a real browser.
    """
    versions = json.loads((root / "versions.json").read_text(encoding="utf-8"))
    assert [v["version"] for v in versions] == expected
    assert [v["aliases"] for v in versions] == [["latest"]] + [[]] * (len(expected) - 1)
    for entry in versions:
        assert set(entry) == {"version", "title", "aliases", "properties"}
        assert entry["properties"] == {"hidden": False}
        pages = [p for p in (root / entry["version"]).rglob("*.html") if "cards" not in p.parts]
        assert len(pages) > 5
        for page in pages:
            html = page.read_text(encoding="utf-8")
            config = re.search(r'<script id="__config" type="application/json">(.*?)</script>', html, re.S)
            assert config is not None, page
            assert json.loads(config.group(1))["version"] == {"provider": "mike"}, page
            assert 'data-md-component="outdated"' in html, page


@pytest.fixture(scope="module")
def two_cycles(tmp_path_factory: pytest.TempPathFactory) -> tuple[Portal, dict[str, str], dict[str, str]]:
    """cycle1 then cycle2 published into one folder; the first cycle's tree hashed before and after."""
    portal = Portal(tmp_path_factory.mktemp("two") / "portal")
    first = portal.publish("cycle1", at=H1_AT)
    assert first.versions == ("FY2027-H1",) and first.previous is None
    before = tree(portal.root / "FY2027-H1")
    second = portal.publish("cycle2", at=H2_AT)
    assert second.versions == ("FY2027-H2", "FY2027-H1") and second.previous == "FY2027-H1"
    return portal, before, tree(portal.root / "FY2027-H1")


def test_earlier_cycle_is_left_byte_identical(
    two_cycles: tuple[Portal, dict[str, str], dict[str, str]],
) -> None:
    _, before, after = two_cycles
    assert "plans.json" in before and "index.html" in before
    assert after == before


def test_versions_json_and_redirect_point_at_the_newest_cycle(two_cycles: tuple[Portal, dict, dict]) -> None:
    portal = two_cycles[0]
    assert sorted(p.name for p in portal.out.iterdir()) == ["all-staff"]
    assert not any(p.name.endswith(".vap-staging") for p in portal.folder.iterdir())
    assert sorted(p.name for p in portal.root.iterdir()) == [
        "FY2027-H1",
        "FY2027-H2",
        "index.html",
        "versions.json",
    ]
    assert json.loads((portal.root / "versions.json").read_text()) == [
        {
            "version": "FY2027-H2",
            "title": "FY2027-H2",
            "aliases": ["latest"],
            "properties": {"hidden": False},
        },
        {"version": "FY2027-H1", "title": "FY2027-H1", "aliases": [], "properties": {"hidden": False}},
    ]
    index = (portal.root / "index.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=FY2027-H2/">' in index
    assert '<a href="FY2027-H2/">FY2027-H2</a>' in index
    assert "<script" not in index
    assert_version_selector(portal.root, ["FY2027-H2", "FY2027-H1"])


def test_site_url_follows_the_cycle_folder(two_cycles: tuple[Portal, dict, dict]) -> None:
    sitemap = (two_cycles[0].root / "FY2027-H2" / "sitemap.xml").read_text()
    assert "<loc>https://intranet.example/plans/FY2027-H2/roles/chief/</loc>" in sitemap
    assert not list(two_cycles[0].folder.glob(".vap-publish-*.yml")), "the temporary config is removed"


def test_what_changed_page_is_built_and_in_the_nav(two_cycles: tuple[Portal, dict, dict]) -> None:
    out = two_cycles[0].root
    assert not (out / "FY2027-H1" / "changes").exists()
    page = (out / "FY2027-H2" / "changes" / "index.html").read_text()
    assert "What changed since FY2027-H1" in page
    assert 'href="../roles/data-lead/"' in page
    assert 'href="changes/"' in (out / "FY2027-H2" / "index.html").read_text()  # reachable from the nav
    role = (out / "FY2027-H2" / "roles" / "booking-lead" / "index.html").read_text()
    assert "What changed since the last cycle" in role and "Sam Lee" in role


def _view(plans: Path, audience: str):  # type: ignore[no-untyped-def]
    result = run_checks(plans)
    return make_view(result.plans, resolve_audience(result.plans, audience), result.findings)


def _changes(previous: Path, plans: Path, audience: str) -> tuple[list[str], dict[str, str]]:
    view = _view(plans, audience)
    files, notes, _ = change_pages(previous, view, Index(view.plans))

    def shown(markdown: str) -> str:  # plan text is marked to be kept whole by the Markdown pass
        return markdown.replace(MARK_OPEN, "").replace(MARK_CLOSE, "")

    return shown(files["changes.md"]).splitlines(), {role: shown(note) for role, note in notes.items()}


ALL_STAFF_PAGE = """\
---
title: What changed
---

# What changed since FY2027-H1

These plans (FY2027-H2) compared with the plans published for FY2027-H1 on 2027-01-15.
Outcomes of new and removed roles are not listed separately.
Plans still being agreed, shown as "plan in progress", list only changes of holder and status.

## Roles added

- <a href="vap:roles/data-lead.md">Data Lead</a> — Kwame Mensah

## Roles removed

- Clinic Administrator — Priya Natarajan

## Holders changed

- <a href="vap:roles/head-ops.md">Head of Operations</a>: Amara Okafor → Sam Lee

## Outcomes added

- <a href="vap:roles/chief.md#outcome-front-door">Digital front door for every patient</a> — Chief Executive

## Outcomes removed

- One rota for all clinic desks — <a href="vap:roles/head-ops.md">Head of Operations</a>

## Outcomes changed

- <a href="vap:roles/chief.md#outcome-booking">Online booking live across the network</a> — Chief Executive: target &gt;= 60% → &gt;= 70%
- <a href="vap:roles/chief.md#outcome-retention">Patients return for follow-up care</a> — Chief Executive: due 2027-06-30 → 2027-05-31
- <a href="vap:roles/head-ops.md#outcome-clinics-live">Every clinic takes online bookings and cancellations</a> — Head of Operations: title was “Every clinic takes online bookings”; now supports G1-M1

## Status changed

- <a href="vap:roles/head-care.md">Head of Care</a>: discussed → confirmed
"""


def test_what_changed_lists_exactly_the_differences(
    two_cycles: tuple[Portal, dict, dict], tmp_path: Path
) -> None:
    plans = shutil.copytree(CYCLES / "cycle2" / "plans", tmp_path / "plans")
    lines, notes = _changes(two_cycles[0].root / "FY2027-H1" / "plans.json", plans, "all-staff")
    assert lines == ALL_STAFF_PAGE.splitlines()
    assert sorted(notes) == ["booking-lead", "chief", "data-lead", "head-care", "head-ops"]
    assert notes["booking-lead"].splitlines() == [
        '**<a href="vap:roles/head-ops.md">Head of Operations</a>** (your manager)',
        "",
        "- holder: Amara Okafor → Sam Lee",
        "- outcome removed: One rota for all clinic desks",
        '- outcome changed: <a href="vap:roles/head-ops.md#outcome-clinics-live">Every clinic takes online bookings and cancellations</a>:'
        " title was “Every clinic takes online bookings”; now supports G1-M1",
        "",
        '**<a href="vap:roles/chief.md">Chief Executive</a>** (2 levels up)',
        "",
        '- outcome added: <a href="vap:roles/chief.md#outcome-front-door">Digital front door for every patient</a>',
        '- outcome changed: <a href="vap:roles/chief.md#outcome-booking">Online booking live across the network</a>: '
        "target &gt;= 60% → &gt;= 70%",
        '- outcome changed: <a href="vap:roles/chief.md#outcome-retention">Patients return for follow-up care</a>: '
        "due 2027-06-30 → 2027-05-31",
    ]
    assert notes["head-care"].splitlines()[:3] == ["**This plan**", "", "- status: discussed → confirmed"]
    assert notes["data-lead"].splitlines()[:3] == ["**This plan**", "", "- new role since FY2027-H1"]


def test_leadership_changes_include_draft_plans(tmp_path: Path) -> None:
    portal = Portal(tmp_path / "portal")
    portal.publish("cycle1", at=H1_AT, audience="leadership")
    lines, _ = _changes(
        portal.out / "leadership" / "FY2027-H1" / "plans.json", portal.use("cycle2"), "leadership"
    )
    changed = lines[lines.index("## Outcomes changed") + 2 : lines.index("## Status changed") - 1]
    assert changed[0] == (
        '- <a href="vap:roles/booking-lead.md#outcome-desk-trained">Booking desk trained on the new system CANARY-DRAFT-9c2d</a>'
        " — Booking Team Lead: title was “Booking desk trained CANARY-DRAFT-9c2d”"
    )
    assert len(changed) == 4
    assert "Plans still being agreed" not in "\n".join(lines)


def test_republishing_a_cycle_is_refused_unless_forced(tmp_path: Path) -> None:
    portal = Portal(tmp_path / "portal")
    portal.publish("cycle1", at=H1_AT)
    portal.publish("cycle2", at=H2_AT)
    before = tree(portal.out)
    with pytest.raises(PortalError, match=r"cycle 'FY2027-H2' is already published at .*Use --force") as err:
        portal.publish("cycle2")
    assert err.value.exit_code == 2
    assert tree(portal.out) == before
    later = H2_AT + dt.timedelta(days=1)
    result = portal.publish("cycle2", at=later, force=True)
    assert result.replaced and result.previous == "FY2027-H1"
    after = tree(portal.out)
    assert {k: v for k, v in after.items() if not k.startswith("all-staff/FY2027-H2")} == {
        k: v for k, v in before.items() if not k.startswith("all-staff/FY2027-H2")
    }
    snapshot = json.loads((portal.root / "FY2027-H2" / "plans.json").read_text())
    assert snapshot["published_at"] == "2027-07-11T09:30:00Z"
    assert [p.name for p in portal.out.iterdir() if p.name.startswith(".")] == []
    # replacing the older cycle keeps its place in the list and compares it with the cycle before it
    older = portal.publish("cycle1", at=later, force=True)
    assert older.versions == ("FY2027-H2", "FY2027-H1") and older.previous is None


def _failing_build(config_file: Path, settings: object, *, site_dir: Path | None, checked: object) -> None:
    assert site_dir is not None
    (site_dir / "roles").mkdir(parents=True)
    (site_dir / "index.html").write_text("half a site")
    raise BuildError("the site could not be built: simulated failure")


@pytest.mark.parametrize("force", [False, True])
def test_a_failed_build_leaves_the_folder_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, force: bool
) -> None:
    portal = Portal(tmp_path / "portal")
    portal.publish("cycle1", at=H1_AT)
    if force:
        portal.publish("cycle2", at=H1_AT)
    before = tree(portal.out)
    monkeypatch.setattr(mkdocs_api, "build_site", _failing_build)
    with pytest.raises(BuildError, match="simulated failure"):
        portal.publish("cycle2", force=force)
    assert tree(portal.out) == before
    assert not list(portal.folder.glob(".vap-publish-*.yml"))


def test_a_failed_first_publish_leaves_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    portal = Portal(tmp_path / "portal")
    monkeypatch.setattr(mkdocs_api, "build_site", _failing_build)
    with pytest.raises(BuildError):
        portal.publish("cycle1")
    assert not portal.out.exists()


def test_a_failure_while_switching_versions_puts_the_old_cycle_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Earlier layout: the cycle is swapped, then versions.json replaced; a failure there undoes the swap."""
    portal = Portal(tmp_path / "portal")
    portal.publish("cycle1", at=H1_AT, nested=True)
    portal.publish("cycle2", at=H1_AT, nested=True)
    before = tree(portal.out)
    real_replace = os.replace

    def full_disk(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if str(dst).endswith("versions.json"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError, match="No space left"):
        portal.publish("cycle2", force=True, nested=True)
    assert tree(portal.out) == before
    assert not staging_of(portal).exists()


def test_a_failure_of_the_swap_leaves_the_folder_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    portal = Portal(tmp_path / "portal")
    portal.publish("cycle1", at=H1_AT)
    portal.publish("cycle2", at=H1_AT)
    before = tree(portal.out)

    def failing(a: Path, b: Path) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(staging_module, "exchange", failing)
    with pytest.raises(OSError, match="Input/output error"):
        portal.publish("cycle2", force=True)
    assert tree(portal.out) == before
    assert not staging_of(portal).exists()


def staging_of(portal: Portal) -> Path:
    """The default staging folder: beside the publish folder, never inside it."""
    return portal.out.parent / ".published.vap-staging"


KILLED = """
import sys, time
from pathlib import Path
import site_builder.mkdocs_adapter.api as api
real = api.build_site
def slow(config_file, settings, **options):
    real(config_file, settings, **options) # a complete site in the staging folder...
    Path(sys.argv[4]).write_text("built")
    time.sleep(120)                        # ...and the process is killed before it is moved into place
api.build_site = slow
from site_builder.publishing.publish import publish
from tests.integration import gitrepo
publish(plans_dir=Path(sys.argv[1]), config_file=Path(sys.argv[2]), out_dir=Path(sys.argv[3]), diagrams=False)
"""


def test_a_killed_publish_changes_nothing_and_the_next_one_cleans_up(tmp_path: Path) -> None:
    portal = Portal(tmp_path / "portal")
    portal.publish("cycle1", at=H1_AT)
    before = tree(portal.out)
    portal.use("cycle2")
    ready = tmp_path / "ready"
    script = tmp_path / "killed.py"
    script.write_text(KILLED)
    proc = subprocess.Popen(
        [sys.executable, str(script), str(portal.plans), str(portal.config), str(portal.out), str(ready)],
        env={**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "the publish never reached its build"
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert tree(portal.out) == before  # nothing half-built inside the publish folder
    assert sorted(p.name for p in staging_of(portal).iterdir()) == [f"{proc.pid}-new-all-staff"]
    assert (portal.folder / f".vap-publish-{proc.pid}.yml").exists()

    result = portal.publish("cycle2")
    assert result.versions == ("FY2027-H2", "FY2027-H1")
    assert result.notes[0] == (
        f"removed staging left in {staging_of(portal).resolve()} by an interrupted publish (process {proc.pid})"
    )
    assert not staging_of(portal).exists()
    assert not [p for p in portal.out.rglob(".*")]
    assert not list(portal.folder.glob(".vap-publish-*.yml"))
    assert {k: v for k, v in tree(portal.out).items() if k.startswith("all-staff/FY2027-H1")} == {
        k: v for k, v in before.items() if k.startswith("all-staff/FY2027-H1")
    }


def test_a_replaced_cycle_left_aside_by_a_killed_run_is_restored(tmp_path: Path) -> None:
    """A folder of the earlier layout, left by an earlier version killed between its two renames."""
    portal = Portal(tmp_path / "portal")
    portal.publish("cycle1", at=H1_AT, nested=True)
    portal.publish("cycle2", at=H1_AT, nested=True)
    before = tree(portal.out / "FY2027-H2")
    os.rename(portal.out / "FY2027-H2", portal.out / ".tmp-999999-old-FY2027-H2")  # killed between renames
    with pytest.raises(PortalError, match="already published"):
        portal.publish("cycle2")
    assert tree(portal.out / "FY2027-H2") == before


def test_without_atomic_exchange_the_two_renames_are_said_and_repaired(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The documented fallback: two renames, a note every time, and a killed run's folder put back."""
    portal = Portal(tmp_path / "portal")
    portal.publish("cycle1", at=H1_AT)

    def unsupported(a: Path, b: Path) -> None:
        raise ExchangeUnsupported(22, "no exchange here")

    monkeypatch.setattr(staging_module, "exchange", unsupported)
    result = portal.publish("cycle2", at=H2_AT)
    assert result.notes[-1].startswith("this file system cannot exchange two folders in one step")
    assert result.versions == ("FY2027-H2", "FY2027-H1")
    before = tree(portal.root)
    stage = staging_of(portal)
    stage.mkdir()
    aside = stage / "999999-aside-all-staff"
    os.rename(portal.root, aside)  # a run killed between the two renames
    (stage / "999999-aside-all-staff.dest").write_text(str(portal.root.resolve()))
    with pytest.raises(PortalError, match="already published"):
        portal.publish("cycle2")
    assert tree(portal.root) == before
    assert not stage.exists()


def test_publishing_is_gated_by_errors_and_fail_on(tmp_path: Path) -> None:
    portal = Portal(tmp_path / "portal")
    with pytest.raises(
        PlanError, match=r"(?s)block publishing.*booking-lead\.yaml:5:1: error\[unconfirmed-plan\]"
    ):
        portal.publish("cycle2", fail_on=("unconfirmed-plan",))
    (portal.plans / "portal.yaml").write_text((portal.plans / "portal.yaml").read_text() + "fail_on: [all]\n")
    with pytest.raises(PlanError, match=r"error\[unconfirmed-plan\]"):
        portal.publish(None)
    portal.use("cycle1")
    role = portal.plans / "roles" / "chief.yaml"
    role.write_text(role.read_text().replace("status: confirmed", "status: agreed"))
    with pytest.raises(PlanError, match=r"chief\.yaml:\d+:\d+: error\[schema\]") as err:
        portal.publish(None)
    assert err.value.exit_code == 1
    assert not portal.out.exists()


def test_unsafe_cycle_names_and_preview_are_refused(tmp_path: Path) -> None:
    portal = Portal(tmp_path / "portal")
    with pytest.raises(PortalError, match="cannot be a folder name"):
        portal.publish("cycle1", cycle="../escape")
    with pytest.raises(PortalError, match="only for 'vap serve'"):
        portal.publish("cycle1", audience="preview")
    with pytest.raises(PortalError, match="name of an audience"):  # only the earlier layout shares DIR
        portal.publish("cycle1", cycle="leadership", nested=True)
    assert not portal.out.exists()


def test_a_foreign_index_html_is_never_overwritten(tmp_path: Path) -> None:
    portal = Portal(tmp_path / "portal")
    portal.root.mkdir(parents=True)
    (portal.root / "index.html").write_text("<p>the old intranet page</p>")
    with pytest.raises(PortalError, match="was not written by vap publish"):
        portal.publish("cycle1")
    assert sorted(p.name for p in portal.root.iterdir()) == ["index.html"]


def _all_text(folder: Path) -> dict[str, str]:
    out = {}
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz" or data[:2] == b"\x1f\x8b":  # sitemaps, every Pagefind index file
                data = gzip.decompress(data)
            out[path.relative_to(folder).as_posix()] = data.decode("utf-8", errors="replace")
    return out


def test_nothing_hidden_leaks_into_the_all_staff_edition(tmp_path: Path) -> None:
    portal = Portal(tmp_path / "portal")
    diagrams = (
        shutil.which("dot") is not None
    )  # inline SVG diagrams are checked too where Graphviz is installed
    # the portal's folder is a git repository: each plan's history reaches leadership's role pages,
    # and an outcome's earlier wording (CANARY-HIST) must reach nothing of all-staff's
    gitrepo.init(portal.folder)
    for cycle, at in (("cycle1", H1_AT), ("cycle2", H2_AT)):
        portal.use(cycle)
        if cycle == "cycle2":
            chief = portal.plans / "roles" / "chief.yaml"
            gitrepo.edit(chief, "live across the network", "live across the network CANARY-HIST-3a7e")
            gitrepo.commit(portal.folder, "2027-07-02", "chief's booking outcome drafted")
            portal.use(cycle)
        gitrepo.commit(portal.folder, at.date().isoformat(), f"plans of {cycle}")
        portal.publish(None, at=at, diagrams=diagrams)
        portal.publish(None, at=at, audience="leadership", diagrams=diagrams)
    files = _all_text(portal.out)
    assert "History of this plan" in files["leadership/FY2027-H2/roles/chief/index.html"]
    assert not any("History of this plan" in text for name, text in files.items() if name.startswith("all-"))
    assert sorted(p.name for p in portal.out.iterdir()) == ["all-staff", "leadership"]  # side by side
    staff = {k.removeprefix("all-staff/"): v for k, v in files.items() if k.startswith("all-staff/")}
    assert len(staff) + len([k for k in files if k.startswith("leadership/")]) == len(files)
    if diagrams:
        assert "<svg" in staff["FY2027-H2/roles/head-ops/index.html"]
        sheet = files["leadership/FY2027-H2/conversation/head-ops/index.html"]
        assert 'data-vap-diagram="chain/head-ops"' in sheet and "<svg" in sheet  # the sheet's chain
        assert not any('data-vap-diagram="chain/' in text for text in staff.values())
    kinds = {Path(k).suffix for k in staff}
    assert {".html", ".json", ".js", ".xml", ".gz", ".css"} <= kinds
    assert "FY2027-H2/changes/index.html" in staff
    # the search index: every file of it, its fragments decompressed, is searched for the canaries
    index_files = [k for k in staff if k.startswith("FY2027-H2/pagefind/")]
    assert {Path(k).suffix for k in index_files} >= {".pf_fragment", ".pf_index", ".pf_filter", ".pf_meta"}
    assert not any(k.endswith("search_index.json") for k in files)  # Material's whole index is not shipped
    assert any("Dana Reyes" in staff[k] for k in index_files if k.endswith(".pf_fragment"))  # decompressed
    leaks = [(name, c) for name, text in staff.items() for c in CANARIES if c in text]
    assert leaks == []
    # conversation sheets and where conversations stand exist only where dialogue is shown: absent here
    sheets = [k for k in staff if "/conversation" in k]
    assert sheets == []
    assert not any("conversation/" in text or "conversations/" in text for text in staff.values())
    assert "leadership/FY2027-H2/conversations/index.html" in files
    assert any(k.startswith("leadership/FY2027-H2/conversation/") for k in files)
    leadership = "\n".join(v for k, v in files.items() if k.startswith("leadership/"))
    for canary in CANARIES:
        assert canary in leadership, canary
    fragments = "\n".join(v for k, v in files.items() if k.startswith("leadership/") and ".pf_" in k)
    assert "CANARY-DRAFT-9c2d" in fragments  # leadership sees draft plans: its index holds them
    assert "CANARY-DRAFT-9c2d" in files["leadership/FY2027-H2/changes/index.html"]
    # the audience edition has its own versions.json and redirect next to its cycles
    assert_version_selector(portal.out / "leadership", ["FY2027-H2", "FY2027-H1"])
    assert "url=FY2027-H2/" in files["leadership/index.html"]


def test_plans_json_holds_the_audience_view(two_cycles: tuple[Portal, dict, dict]) -> None:
    data = json.loads((two_cycles[0].root / "FY2027-H2" / "plans.json").read_text())
    assert data["format_version"] == 1 and data["cycle"] == "FY2027-H2"
    assert data["published_at"] == "2027-07-10T09:30:00Z"
    assert data["organization"] == "Example Clinics"
    assert data["audience"] == {
        "name": "all-staff",
        "hide": ["dialogue", "resources"],
        "drafts": "placeholder",
    }
    roles = {r["id"]: r for r in data["roles"]}
    assert sorted(roles) == ["booking-lead", "chief", "data-lead", "head-care", "head-ops"]
    assert not any("resources" in r or "dialogue" in r for r in roles.values())
    assert roles["booking-lead"]["placeholder"] is True and "outcomes" not in roles["booking-lead"]
    assert roles["chief"]["outcomes"][0] == {
        "id": "booking",
        "title": "Online booking live across the network",
        "measure": "Share of appointments booked online",
        "target": ">= 70%",
        "due": "2027-03-31",
        "supports": [{"ref": "G1-M1", "how": "Owns the milestone"}],
    }
    assert [g["id"] for g in data["strategy"]["goals"]] == ["G1", "G2"]


def test_snapshot_reads_back_what_it_wrote() -> None:
    view = _view(CYCLES / "cycle2" / "plans", "leadership")
    data = to_json(view, clock=lambda: H2_AT)
    back = from_json(json.loads(json.dumps(data)))
    assert back.cycle == "FY2027-H2" and back.audience.name == "leadership"
    assert back.plans.roles["chief"].resources == {"headcount": "3", "budget": "0.5M CANARY-RES-7f3a"}
    again = make_view(back.plans, back.audience, ())
    assert to_json(again, clock=lambda: H2_AT) == data


def test_a_folder_in_the_earlier_layout_keeps_it_and_says_how_to_move(tmp_path: Path) -> None:
    portal = Portal(tmp_path / "portal")
    portal.publish("cycle1", at=H1_AT, nested=True)
    first = portal.publish("cycle1", at=H1_AT, audience="leadership", nested=True)
    assert first.path == portal.out / "leadership" / "FY2027-H1"
    rule = first.notes[0]
    assert rule.startswith(
        f"'leadership' is published inside {portal.out.resolve()}, which serves 'all-staff'"
    )
    assert "nginx:  location ^~ <path of the publish folder>/leadership/ {" in rule
    assert f'Apache: <Directory "{portal.out.resolve() / "leadership"}"> Require group leadership' in rule
    # without --nested: the same layout, one note on how to move, and the access rule again
    second = portal.publish("cycle2", at=H2_AT)
    assert second.path == portal.out.resolve() / "FY2027-H2"
    assert [n for n in second.notes if "earlier layout" in n] == [
        f"{portal.out.resolve()} is in the earlier layout ('all-staff' at the top, other audiences inside it) "
        "and keeps working that way; to give each audience its own folder see 'Moving from the earlier layout' "
        "in docs/manual/publishing.md"
    ]
    third = portal.publish("cycle2", at=H2_AT, audience="leadership")
    assert third.path == portal.out.resolve() / "leadership" / "FY2027-H2"
    assert any(n.startswith("'leadership' is published inside") for n in third.notes)
    assert_version_selector(portal.out, ["FY2027-H2", "FY2027-H1"])
    assert not (portal.out / "all-staff").exists()


def test_nested_is_refused_in_a_folder_with_one_folder_per_audience(tmp_path: Path) -> None:
    portal = Portal(tmp_path / "portal")
    portal.publish("cycle1", at=H1_AT)
    before = tree(portal.out)
    with pytest.raises(PortalError, match=r"holds one folder per audience; --nested would put 'leadership'"):
        portal.publish("cycle1", audience="leadership", nested=True)
    assert tree(portal.out) == before


def test_the_staging_folder_can_be_chosen_and_must_not_be_served(tmp_path: Path) -> None:
    portal = Portal(tmp_path / "portal")
    with pytest.raises(PortalError, match="inside one another"):
        portal.publish("cycle1", staging=portal.out / "staging")
    assert not portal.out.exists()
    chosen = tmp_path / "work" / "staging"
    result = portal.publish("cycle1", staging=chosen)
    assert result.path == portal.root.resolve() / "FY2027-H1"
    assert list(chosen.iterdir()) == []  # a chosen staging folder stays, empty
    assert not staging_of(portal).exists()


def test_publishing_over_an_earlier_cycle_finds_suspect_links(tmp_path: Path) -> None:
    """A manager rewords an outcome after cycle 1 was published: the report whose confirmed plan
    supports it (confirmed before that publication) is told its agreement is suspect, in the pages."""
    portal = Portal(tmp_path / "portal")
    first = portal.publish("cycle1", at=H1_AT)
    assert not [f for f in first.findings if f.rule == "suspect-link"]  # no earlier cycle: nothing to compare
    head_ops = portal.plans / "roles" / "ops" / "head-ops.yaml"
    head_ops.write_text(
        head_ops.read_text(encoding="utf-8").replace(
            "title: One rota for all clinic desks", "title: One rota for every clinic desk and the phone line"
        ),
        encoding="utf-8",
    )
    second = portal.publish(None, cycle="FY2027-H2", at=H2_AT)
    suspect = sorted((f.role, f.outcome) for f in second.findings if f.rule == "suspect-link")
    assert suspect == [("clinic-admin", "desks-staffed"), ("head-ops", "rota")]
    report = next(f for f in second.findings if f.rule == "suspect-link" and f.role == "clinic-admin")
    assert (
        'title was "One rota for all clinic desks", now "One rota for every clinic desk and the phone line"'
        in report.message
    )
    said = "which changed since the last published cycle (title was &quot;One rota for all clinic desks&quot;"
    site = portal.root / "FY2027-H2"
    assert said in (site / "roles" / "clinic-admin" / "index.html").read_text(encoding="utf-8")  # the report
    assert said in (site / "alignment" / "index.html").read_text(encoding="utf-8")
    manager = (site / "roles" / "head-ops" / "index.html").read_text(encoding="utf-8")
    assert "changed since the last published cycle; the confirmed plans of" in manager
    assert "Clinic Administrator" in manager.split("the confirmed plans of", 1)[1][:400]
    # the same plans published again over cycle 2: nothing changed since, nothing suspect
    third = portal.publish(None, cycle="FY2027-H3", at=H2_AT + dt.timedelta(days=1))
    assert not [f for f in third.findings if f.rule == "suspect-link"]


def test_a_publish_outside_git_says_once_why_role_pages_show_no_history(tmp_path: Path) -> None:
    """The history of the edition that shows dialogue needs git; without it the publish says why."""
    folder = tmp_path / "portal"
    folder.mkdir()
    config = write_portal_config(folder)
    plans = shutil.copytree(FIXTURES / "small" / "plans", folder / "plans")
    out = folder / "published"
    said = publish(
        plans_dir=plans, config_file=config, out_dir=out, cycle="C1", audience="leadership", diagrams=False
    )
    history = [n for n in said.notes if n.startswith("role pages show no plan history")]
    assert len(history) == 1 and "git" in history[0], said.notes
    gitrepo.init(folder)
    gitrepo.commit(folder, "2026-07-02", "plans of C2")
    again = publish(
        plans_dir=plans, config_file=config, out_dir=out, cycle="C2", audience="leadership", diagrams=False
    )
    assert not [n for n in again.notes if "plan history" in n], again.notes
