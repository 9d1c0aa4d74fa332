"""The rule cache: a cached `vap check` prints exactly what `--no-cache` prints, after any edit."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from site_builder.authoring.synth import generate
from site_builder.checking import check, rulecache
from site_builder.cli.main import cli
from site_builder.loading import loader, parsecache
from site_builder.loading.files import Sources, UnreadFile
from tests.conftest import as_new_process


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    """Every test starts (and ends) with nothing cached in memory and the caches off."""
    as_new_process()
    yield
    as_new_process()
    parsecache.configure(enabled=False)


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    generate(tmp_path, roles=60, seed=5)
    return tmp_path / "plans"


def _check(plans: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", str(plans), *options])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def _same_as_uncached(plans: Path, *, new_process: bool) -> None:
    """Text and JSON output and exit code of a cached check equal those of `--no-cache`."""
    for output in (("--format", "text"), ("--format", "json")):
        if new_process:
            as_new_process()
        cached = _check(plans, *output)
        plain = _check(plans, *output, "--no-cache")
        assert cached == plain


def _swap(text: str, pattern: str, make: str, rng: random.Random) -> str:
    """Replace one match of `pattern` (chosen at random) by `make` (a re replacement)."""
    matches = list(re.finditer(pattern, text, flags=re.MULTILINE))
    if not matches:
        return text
    m = rng.choice(matches)
    return text[: m.start()] + m.expand(make) + text[m.end() :]


ROLE_EDITS = (
    ("value add", r'^value_add: "', r'value_add: "Edited {n}. '),
    ("outcome title", r'^    title: "', r'    title: "Edited {n} '),
    ("due date", r"^    due: \S+", r"    due: {date}"),
    ("rename outcome", r"^  - id: (\S+)", r"  - id: \1-renamed{n}"),
    ("break reference", r"^      - ref: \S+", r"      - ref: ghost-role#o{n}"),
    ("strategy link", r"^      - ref: \S+", r"      - ref: {goal}"),
    ("status", r"^status: \w+", r"status: {status}"),
    ("level", r"^level: \d+", r"level: {level}"),
    ("reports to", r"^reports_to: \S+", r"reports_to: {role}"),
    ("confirmed on", r"^status: \w+", r"status: confirmed\nconfirmed_on: {date}"),
    ("focus", r"^focus:\n", r'focus:\n  - "Edited focus {n}"\n'),
    ("comment on top", r"\A", r"# note {n}\n"),
    ("blank line", r"^outcomes:", r"\n# later\noutcomes:"),
    ("department", r"^title: ", r"department: Dept {n}\ntitle: "),
    ("dialogue date", r"^  - date: \S+", r"  - date: {date}"),
    ("no trade-offs", r"^trade_offs:\n(  - .*\n)+", r""),
    ("empty trade-offs", r"^trade_offs:\n(  - .*\n)+", r"trade_offs: []\n"),
    ("no resources", r"^resources:\n(  \w.*\n)+", r""),
    ("vacant", r"^holder: .*\n", r""),
    ("long focus", r"^focus:\n", r'focus:\n  - "a {n}"\n  - "b"\n  - "c"\n  - "d"\n  - "e"\n  - "f"\n'),
)


def _edit_role(path: Path, rng: random.Random, n: int, role_ids: list[str]) -> str:
    kind, pattern, make = rng.choice(ROLE_EDITS)
    values = {
        "n": str(n),
        "date": rng.choice(("2026-06-30", "2026-08-15", "2026-11-30", "2027-02-01")),
        "goal": rng.choice(("G1", "G2-M1", "G9")),
        "status": rng.choice(("draft", "discussed", "confirmed")),
        "level": str(rng.randint(1, 6)),
        "role": rng.choice(role_ids),
    }
    for name, value in values.items():
        make = make.replace("{" + name + "}", value)
    text = path.read_text(encoding="utf-8")
    path.write_text(_swap(text, pattern, make, rng), encoding="utf-8")
    return kind


def _edit_portal(plans: Path, rng: random.Random) -> str:
    portal = plans / "portal.yaml"
    text = re.sub(
        r"^(enable|fail_on|as_of|dialogue_days):.*\n", "", portal.read_text(encoding="utf-8"), flags=re.M
    )
    extra = rng.choice(
        (
            "enable: [fragile-coverage, no-recent-dialogue, missing-trade-offs]\n",
            "enable: [pass-through-outcome, manager-does-reports-work]\n",
            "fail_on: [activity-not-result]\n",
            "as_of: 2026-10-01\nenable: [no-recent-dialogue]\ndialogue_days: 30\n",
            "",
        )
    )
    text = re.sub(
        r"^cycle_end: \S+", rng.choice(("cycle_end: 2026-12-31", "cycle_end: 2026-09-30")), text, flags=re.M
    )
    portal.write_text(text + extra, encoding="utf-8")
    return "portal"


def _edit(plans: Path, rng: random.Random, n: int) -> str:
    """One random edit of the kinds people make."""
    files = sorted((plans / "roles").rglob("*.yaml"))
    ids = [f.stem for f in files]
    choice = rng.random()
    if choice < 0.1:
        return _edit_portal(plans, rng)
    if choice < 0.15:
        strategy = plans / "strategy.yaml"
        strategy.write_text(
            _swap(strategy.read_text(encoding="utf-8"), r"due: \S+", "due: 2026-08-01", rng), encoding="utf-8"
        )
        return "strategy"
    path = rng.choice(files)
    if choice < 0.2:
        text = path.read_text(encoding="utf-8").replace(f"id: {path.stem}\n", f"id: {path.stem}-copy{n}\n", 1)
        path.with_name(f"{path.stem}-copy{n}.yaml").write_text(text, encoding="utf-8")
        return "add role"
    if choice < 0.24:
        path.unlink()
        return "remove role"
    return _edit_role(path, rng, n, ids)


@pytest.mark.parametrize(("seed", "settle_ns"), [(1, None), (2, 20_000_000), (3, None), (4, 20_000_000)])
def test_cached_check_equals_uncached_after_random_edits(
    plans: Path, seed: int, settle_ns: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """settle_ns: files unchanged for 20 ms are vouched for by their stamps and not read (by default
    every file of a test is younger than the 2 s a stamp needs, so all are read)."""
    unread: list[str] = []
    if settle_ns is not None:
        monkeypatch.setattr(parsecache, "SETTLE_NS", settle_ns)
        real = loader.read_sources

        def recording(*args: Any) -> Sources:
            sources = real(*args)
            unread.extend(s.rel for s in sources.roles if isinstance(s, UnreadFile))
            return sources

        monkeypatch.setattr(loader, "read_sources", recording)
    rng = random.Random(seed)
    _same_as_uncached(plans, new_process=True)
    kinds = set()
    for n in range(48):
        kinds.add(_edit(plans, rng, n))
        _same_as_uncached(plans, new_process=n % 2 == 0)  # a new process, or a long-lived one (serve)
    assert len(kinds) >= 10  # the edits covered many kinds
    assert (len(unread) > 1000) == (settle_ns is not None)  # of 48 x 4 runs of 60 files


def test_every_kind_of_edit_with_every_rule_on(plans: Path) -> None:
    """Each rule reuses its findings only while the parts it reads are unchanged (`Rule.reads`):
    every kind of edit, with the rules that are off by default on too, cached equals uncached."""
    from site_builder.checking.drift_rules import OFF_BY_DEFAULT

    portal = plans / "portal.yaml"
    text = re.sub(r"^(enable|as_of|dialogue_days):.*\n", "", portal.read_text(encoding="utf-8"), flags=re.M)
    text += f"enable: [{', '.join(sorted(OFF_BY_DEFAULT))}]\nas_of: 2026-09-01\ndialogue_days: 60\n"
    portal.write_text(text, encoding="utf-8")  # dialogue on 2026-08-15 is recent, in May it is not
    files = sorted((plans / "roles").rglob("*.yaml"))
    ids = [f.stem for f in files]
    rng = random.Random(7)
    _same_as_uncached(plans, new_process=True)
    for n, (_kind, pattern, make) in enumerate(ROLE_EDITS * 2):
        for path in rng.sample(files, 3):
            values = {
                "n": str(n),
                "date": "2026-08-15",
                "goal": "G1",
                "status": rng.choice(("draft", "confirmed")),
            }
            values |= {"level": str(rng.randint(1, 6)), "role": rng.choice(ids)}
            edit = make
            for name, value in values.items():
                edit = edit.replace("{" + name + "}", value)
            path.write_text(_swap(path.read_text(encoding="utf-8"), pattern, edit, rng), encoding="utf-8")
        _same_as_uncached(plans, new_process=n % 2 == 0)
    focus = re.compile(r"^focus:\n(  - .*\n)+", flags=re.M)
    by_id = {p.stem: p for p in files if p.exists()}
    for path in list(by_id.values())[:20]:  # a manager's focus said again by a report
        manager = re.search(r"^reports_to: (\S+)", path.read_text(encoding="utf-8"), flags=re.M)
        if manager and manager.group(1) in by_id:
            theirs = focus.search(by_id[manager.group(1)].read_text(encoding="utf-8"))
            mine = path.read_text(encoding="utf-8")
            if theirs and focus.search(mine):
                start, end = focus.search(mine).span()  # type: ignore[union-attr]
                path.write_text(mine[:start] + theirs.group(0) + mine[end:], encoding="utf-8")
    _same_as_uncached(plans, new_process=True)
    for status in ("draft", "confirmed"):  # every plan at once: goals resting on unconfirmed plans
        for path in files:
            if path.exists():
                text = path.read_text(encoding="utf-8")
                path.write_text(
                    re.sub(r"^status: \w+", f"status: {status}", text, flags=re.M), encoding="utf-8"
                )
        _same_as_uncached(plans, new_process=status == "draft")


def test_rules_are_not_run_again_after_text_no_rule_reads(
    plans: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new value add and a comment on top: no rule reads either; the findings move a line down."""
    before = json.loads(_check(plans, "--format", "json")[1])
    drafts = sorted({f["file"] for f in before if f["rule"] == "unconfirmed-plan"})
    role = plans.parent / drafts[0]
    text = role.read_text(encoding="utf-8")
    role.write_text(
        "# edited on top\n" + text.replace('value_add: "', 'value_add: "New. ', 1), encoding="utf-8"
    )

    def fail(*_: object) -> list[object]:
        raise AssertionError("the integrity rules ran again")

    monkeypatch.setattr(check, "check_integrity", fail)
    as_new_process()
    cached = _check(plans, "--format", "json")
    monkeypatch.undo()
    assert cached == _check(plans, "--format", "json", "--no-cache")
    after = json.loads(cached[1])
    lines = [(f["rule"], f["line"]) for f in before if f["file"] == drafts[0]]
    assert lines and [(f["rule"], f["line"]) for f in after if f["file"] == drafts[0]] == [
        (rule, line + 1) for rule, line in lines
    ]


def test_a_status_edit_runs_again_only_the_rules_that_read_agreements(
    plans: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from site_builder.checking import rules

    _check(plans)
    role = sorted((plans / "roles").rglob("*.yaml"))[7]
    text = role.read_text(encoding="utf-8")
    edited = re.sub(r"^status: \w+", "status: draft", text, count=1, flags=re.M)
    edited = edited if edited != text else re.sub(r"^status: \w+", "status: discussed", text, flags=re.M)
    role.write_text(edited, encoding="utf-8")
    ran: list[str] = []
    real = rules.unconfirmed_plan

    def counted(*args: Any) -> Any:
        ran.append("unconfirmed-plan")
        return real(*args)

    def fail(*_: object, **__: object) -> object:
        raise AssertionError("duplicate-effort ran again: it reads no status")

    monkeypatch.setattr(rules, "closest", fail)
    swapped = tuple(replace(r, check=counted) if r.name == "unconfirmed-plan" else r for r in rules.RULES)
    monkeypatch.setattr(rules, "RULES", swapped)
    as_new_process()
    cached = _check(plans, "--format", "json")
    monkeypatch.undo()
    assert ran == ["unconfirmed-plan"]
    assert cached == _check(plans, "--format", "json", "--no-cache")


def test_damaged_or_foreign_cache_file_is_rebuilt(plans: Path) -> None:
    expected = _check(plans, "--no-cache")
    assert not rulecache.cache_file(plans).exists()  # --no-cache writes nothing
    _check(plans)
    path = rulecache.cache_file(plans)
    data = path.read_bytes()
    assert data.startswith(rulecache.MAGIC)
    for damaged in (data[: len(data) // 2], data[:-7] + b"garbage", b"VAP-RULE-CACHE 0\n" + data[17:], b""):
        path.write_bytes(damaged)
        as_new_process()
        assert _check(plans) == expected
        assert path.read_bytes().startswith(rulecache.MAGIC + rulecache.code_key())
    for forged in ({"digest": b"x", "roles": {"a": 1}, "rules": 5}, {"digest": 3}, [1, 2]):
        rulecache._write(path, forged)  # type: ignore[arg-type]
        as_new_process()
        assert _check(plans) == expected


def test_possible_duplicates_are_compared_again_only_when_outcomes_change(
    plans: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The alignment page's list, kept for the next save of `vap serve`: the same list a new run gives."""
    from site_builder.checking import rules
    from site_builder.checking.check import run_checks
    from site_builder.domain.index import Index

    def pairs(index: Index | None = None) -> tuple[list[tuple[str, str]], int]:
        return rules.possible_duplicates(index or Index(run_checks(plans).plans), limit=50)

    first = pairs()
    role = sorted((plans / "roles").rglob("*.yaml"))[4]
    text = role.read_text(encoding="utf-8")
    role.write_text(text.replace('value_add: "', 'value_add: "Reworded. ', 1), encoding="utf-8")
    index = Index(run_checks(plans).plans)
    with monkeypatch.context() as patch:
        patch.setattr(rules, "most_alike", lambda *_, **__: pytest.fail("compared again"))
        assert pairs(index) == first
    role.write_text(text.replace('    title: "', '    title: "Customer ', 1), encoding="utf-8")
    again = pairs()
    rules._LAST_POSSIBLE.clear()
    assert again == pairs()
