"""The synthetic organisation generator: deterministic, realistic in shape, and valid per PLAN_FORMAT.md."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from site_builder.authoring.synth import DEPARTMENTS, SynthSummary, generate, main
from site_builder.authoring.text import yaml_str
from site_builder.checking.check import run_checks
from site_builder.loading.loader import ROLE_FIELDS as LOADER_ROLE_FIELDS

ROLE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
STRATEGY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,62}$")
ROLE_FIELDS = set(LOADER_ROLE_FIELDS)  # the fields the loader accepts
OUTCOME_FIELDS = {"id", "title", "measure", "target", "due", "supports"}
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def load_all(plans: Path) -> tuple[dict, dict, dict[str, dict], dict[str, str]]:
    """portal, strategy, roles by id and role file by id, parsed as plain dicts."""
    portal = yaml.load((plans / "portal.yaml").read_text("utf-8"), Loader=Loader)
    strategy = yaml.load((plans / "strategy.yaml").read_text("utf-8"), Loader=Loader)
    roles: dict[str, dict] = {}
    files: dict[str, str] = {}
    for path in sorted((plans / "roles").rglob("*.yaml")):
        doc = yaml.load(path.read_text("utf-8"), Loader=Loader)
        assert isinstance(doc, dict), path
        rid = doc.get("id", path.stem)
        assert rid == path.stem, f"{path}: id {rid!r} differs from the file name"
        assert rid not in roles, f"duplicate role id {rid}"
        roles[rid], files[rid] = doc, path.relative_to(plans).as_posix()
    return portal, strategy, roles, files


def assert_no_forbidden_yaml(path: Path) -> None:
    """No tags, anchors, aliases or duplicate keys: a parser accepts them, the format calls them errors."""
    text = path.read_text("utf-8")
    for token in yaml.scan(text, Loader=Loader):
        assert not isinstance(token, yaml.TagToken | yaml.AnchorToken | yaml.AliasToken), path
    stack = [yaml.compose(text, Loader=Loader)]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            keys = [k.value for k, _ in node.value]
            assert len(keys) == len(set(keys)), f"{path}: duplicate key in {keys}"
            stack += [v for _, v in node.value]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value


def validate(plans: Path) -> dict[str, dict]:
    """Every error rule of PLAN_FORMAT.md, plus the warnings synth promises to avoid; returns the roles."""
    portal, strategy, roles, files = load_all(plans)
    cycle_start, cycle_end = portal["cycle_start"], portal["cycle_end"]
    assert isinstance(cycle_start, dt.date) and cycle_start < cycle_end
    assert portal["default_audience"] in portal["audiences"]
    assert set(portal["levels"]) == {1, 2, 3, 4, 5, 6}

    milestone_due: dict[str, dt.date] = {}
    goal_ids = []
    for goal in strategy["goals"]:
        goal_ids.append(goal["id"])
        assert 2 <= len(goal["milestones"]) <= 4
        for m in goal["milestones"]:
            assert isinstance(m["due"], dt.date) and cycle_start <= m["due"] <= cycle_end
            milestone_due[m["id"]] = m["due"]
    assert 4 <= len(goal_ids) <= 6
    strategy_ids = set(goal_ids) | set(milestone_due)
    assert all(STRATEGY_ID.match(s) for s in strategy_ids)
    namespace = [s.lower() for s in strategy_ids] + list(roles)
    assert len(namespace) == len(set(namespace)), "role, goal and milestone ids clash"
    assert strategy["owner"] in roles

    tops = [rid for rid, r in roles.items() if "reports_to" not in r]
    assert tops == ["ceo"]
    outcomes = {f"{rid}#{o['id']}": o for rid, r in roles.items() for o in r.get("outcomes", [])}
    supported: set[str] = set()
    for rid, role in roles.items():
        where = files[rid]
        assert ROLE_ID.match(rid) and set(role) <= ROLE_FIELDS, where
        assert isinstance(role["title"], str) and role["status"] in ("draft", "discussed", "confirmed"), where
        assert role.get("holder") is None or isinstance(role["holder"], str), where
        if role["status"] == "confirmed":
            assert isinstance(role["confirmed_on"], dt.date), where
        else:
            assert "confirmed_on" not in role, where
        manager = roles[role["reports_to"]] if rid != "ceo" else None
        if manager is not None:
            assert role["level"] == manager["level"] - 1, f"{where}: level gap or compression"
            if "confirmed_on" in role and "confirmed_on" in manager:
                assert role["confirmed_on"] >= manager["confirmed_on"], f"{where}: suspect confirmation"
        assert isinstance(role["value_add"], str) and role["value_add"], where
        assert 2 <= len(role["accountabilities"]) <= 4 and 2 <= len(role["focus"]) <= 5, where
        assert all(isinstance(t, str) for t in role["accountabilities"] + role["focus"] + role["trade_offs"])
        assert isinstance(role["resources"], dict) and role["authorities"], where
        ids = [o["id"] for o in role["outcomes"]]
        assert len(ids) == len(set(ids)) and (3 <= len(ids) <= 6 or rid == "ceo"), where
        for o in role["outcomes"]:
            assert ROLE_ID.match(o["id"]) and set(o) <= OUTCOME_FIELDS, where
            assert isinstance(o["measure"], str) and isinstance(o["target"], str), where
            assert isinstance(o["due"], dt.date) and o["due"] <= cycle_end, f"{where}: due-after-cycle"
            assert o["supports"], f"{where}: orphan outcome {o['id']}"
            refs = [s["ref"] if isinstance(s, dict) else s for s in o["supports"]]
            to_manager = [r for r in refs if "#" in r]
            if manager is not None:
                assert 1 <= len(to_manager) <= 2, f"{where}: {o['id']} bypasses its manager"
            for ref in refs:
                if "#" in ref:
                    assert ref.split("#")[0] == role.get("reports_to") and ref in outcomes, f"{where}: {ref}"
                    assert o["due"] <= outcomes[ref]["due"], f"{where}: {o['id']} due after {ref}"
                    supported.add(ref)
                else:
                    assert ref in strategy_ids, f"{where}: unknown reference {ref}"
                    assert o["due"] <= milestone_due.get(ref, cycle_end), f"{where}: due after {ref}"
                    supported.add(ref)
        dialogue = role.get("dialogue", [])
        assert 1 <= len(dialogue) <= 2 or not roles.keys() - {"ceo"}, where
        for entry in dialogue:
            assert entry["with"] in roles and isinstance(entry["date"], dt.date), where
            assert manager is None or entry["with"] == role["reports_to"], where
    managers = {r["reports_to"] for r in roles.values() if "reports_to" in r}
    unsupported = [key for key in outcomes if key.split("#")[0] in managers and key not in supported]
    assert not unsupported, f"outcomes no report supports: {unsupported[:5]}"
    assert strategy_ids <= supported, f"uncovered strategy items: {sorted(strategy_ids - supported)}"
    reports_to = {rid: r.get("reports_to") for rid, r in roles.items()}
    for rid in roles:  # no reporting cycle: every chain ends at the top within len(roles) steps
        steps, cursor = 0, rid
        while cursor is not None:
            cursor, steps = reports_to[cursor], steps + 1
            assert steps <= len(roles), f"reporting cycle through {rid}"
    for path in sorted(plans.rglob("*.yaml")):
        assert_no_forbidden_yaml(path)
    return roles


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SynthSummary]:
    dest = tmp_path_factory.mktemp("big")
    return dest, generate(dest, 10_000, seed=7)


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", 300, seed=3)
    second = generate(tmp_path / "b", 300, seed=3)
    assert first == second
    a, b = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert len(a) == 302 and a == b


def test_another_seed_gives_another_organisation(tmp_path: Path) -> None:
    generate(tmp_path / "a", 300, seed=3)
    generate(tmp_path / "b", 300, seed=4)
    assert tree(tmp_path / "a") != tree(tmp_path / "b")


@pytest.mark.parametrize(("roles", "seed"), [(1, 1), (2, 1), (5, 2), (30, 3), (200, 1), (200, 2), (1500, 5)])
def test_output_is_valid_and_counts_match_the_summary(tmp_path: Path, roles: int, seed: int) -> None:
    summary = generate(tmp_path, roles, seed=seed)
    found = validate(tmp_path / "plans")
    assert len(found) == summary.roles == roles
    assert summary.files == roles + 2 == len(list((tmp_path / "plans").rglob("*.yaml")))
    assert summary.outcomes == sum(len(r["outcomes"]) for r in found.values())
    assert summary.vacant == sum(r.get("holder") in (None, "vacant") for r in found.values())
    assert dict(summary.levels) == dict(Counter(r["level"] for r in found.values()))
    assert summary.departments == sum(1 for r in found.values() if r.get("reports_to") == "ceo")


def test_roles_live_in_department_folders(tmp_path: Path) -> None:
    generate(tmp_path, 400, seed=1)
    _, _, roles, files = load_all(tmp_path / "plans")
    assert files["ceo"] == "roles/ceo.yaml"
    slugs = {rid: files[rid].split("/")[1] for rid, r in roles.items() if r.get("reports_to") == "ceo"}
    for rid, role in roles.items():
        vp = rid
        while vp != "ceo" and roles[vp]["reports_to"] != "ceo":
            vp = roles[vp]["reports_to"]
        if vp != "ceo":
            assert files[rid].startswith(f"roles/{slugs[vp]}/"), files[rid]
            assert ("department" in role) == (vp == rid)


def test_ten_thousand_roles_have_a_realistic_shape(big: tuple[Path, SynthSummary]) -> None:
    dest, summary = big
    assert summary.roles == 10_000 and summary.departments == 12
    assert [level for level, _ in summary.levels] == [6, 5, 4, 3, 2, 1]
    assert 0.035 <= summary.vacant / summary.roles <= 0.065
    assert 3 <= summary.outcomes / summary.roles <= 6
    texts = [p.read_text("utf-8") for p in (dest / "plans" / "roles").rglob("*.yaml")]
    status = Counter(re.search(r"^status: (\w+)$", t, re.M).group(1) for t in texts)  # type: ignore[union-attr]
    assert 0.82 <= status["confirmed"] / 10_000 <= 0.88
    assert 0.08 <= status["discussed"] / 10_000 <= 0.12 and 0.035 <= status["draft"] / 10_000 <= 0.065
    reports = Counter(m.group(1) for t in texts if (m := re.search(r"^reports_to: (\S+)$", t, re.M)))
    spans = sorted(n for rid, n in reports.items() if rid != "ceo")
    assert 3 <= spans[len(spans) // 2] <= 8, "median fan-out"
    assert max(spans) <= 8
    lines = sorted(t.count("\n") for t in texts)
    assert 45 <= lines[len(lines) // 2] <= 70, "a plan is 50-70 lines: every required field, block style"


def test_department_count_can_be_chosen(tmp_path: Path) -> None:
    assert generate(tmp_path / "a", 500, departments=len(DEPARTMENTS)).departments == len(DEPARTMENTS)
    assert generate(tmp_path / "b", 500, departments=1).departments == 1
    with pytest.raises(ValueError, match="departments must be between 1 and 16"):
        generate(tmp_path / "c", 500, departments=17)
    with pytest.raises(ValueError, match="roles must be at least 1"):
        generate(tmp_path / "d", 0)


def test_refuses_to_write_into_a_non_empty_plans_folder(tmp_path: Path) -> None:
    (tmp_path / "plans").mkdir()
    generate(tmp_path, 3)  # an empty plans/ is fine
    before = tree(tmp_path)
    with pytest.raises(
        FileExistsError, match=r"plans is not empty; synth writes only into a new or empty plans/"
    ):
        generate(tmp_path, 3, seed=2)
    assert tree(tmp_path) == before


def test_main_writes_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path), "--roles", "20", "--seed", "2"]) == 0
    assert re.match(r"20 roles \(L6: 1, L5: 4, .*\), 4 departments, \d+ outcomes", capsys.readouterr().out)
    assert main([str(tmp_path), "--roles", "20"]) == 2
    assert "is not empty" in capsys.readouterr().err


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        'say "hi"',
        "back\\slash",
        "tab\there",
        "new\nline",
        "#1: yes",
        "- no",
        "O'Brien",
        "Zoë Nguyễn",
        "\x00\x07\x1b\x7f\x85\u2028\u2029\ufeff",
        "null",
        "2026-07-01",
        "{a: [b]}",
        "  spaced  ",
        "",
        'é\\"\n',
    ],
)
def test_yaml_str_round_trips(text: str) -> None:
    assert yaml.safe_load(f"k: {yaml_str(text)}") == {"k": text}
    assert yaml.load(f"k: {yaml_str(text)}", Loader=Loader) == {"k": text}


def project_findings(plans: Path) -> list[Any]:
    """Findings of the project's checker on a synthetic organisation."""
    return list(run_checks(plans).findings)


def test_the_project_checker_finds_no_errors_and_few_warnings(tmp_path: Path) -> None:
    generate(tmp_path, 200, seed=1)
    findings = project_findings(tmp_path / "plans")
    assert [f for f in findings if f.severity == "error"] == []
    rules = Counter(f.rule for f in findings if f.severity == "warning")
    assert 0.08 * 200 <= rules.pop("unconfirmed-plan", 0) <= 0.25 * 200  # the 15% discussed or draft plans
    assert all(count <= 0.05 * 200 for count in rules.values()), rules


def test_no_word_is_shared_between_departments() -> None:
    """Area names are the distinctive words of outcome titles: sharing one across departments
    makes every outcome pair of the two areas look like duplicated effort."""
    owners: dict[str, set[str]] = {}
    for department, units in DEPARTMENTS:
        for name in (department, *units):
            for word in re.findall(r"[a-z]+", name.lower()):
                owners.setdefault(word[:5], set()).add(department)
    assert {word: sorted(d) for word, d in owners.items() if len(d) > 1} == {}


def test_the_hand_style_is_reproducible_valid_and_varied(tmp_path: Path) -> None:
    """`--style hand`: byte-identical for a seed, valid, the same findings as the plain style."""
    first = generate(tmp_path / "a", 300, seed=3, style="hand")
    assert first == generate(tmp_path / "b", 300, seed=3, style="hand")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    assert first == generate(tmp_path / "plain", 300, seed=3)  # the same organisation
    assert len(validate(tmp_path / "a" / "plans")) == 300
    texts = [data.decode("utf-8-sig") for data in tree(tmp_path / "a" / "plans").values()]
    for shape in ("\r\n", ": |", ": >", "- ", ": [", "#", "'", '"', "\n\n", "\n# "):
        assert sum(shape in text for text in texts) >= 5, shape
    assert any(data.startswith(b"\xef\xbb\xbf") for data in tree(tmp_path / "a" / "plans").values())
    assert sum(not t.lstrip("\ufeff#").startswith("id:") for t in texts) > 50  # keys in another order
    hand = [(f.rule, f.loc.path, f.role) for f in project_findings(tmp_path / "a" / "plans")]
    plain = [(f.rule, f.loc.path, f.role) for f in project_findings(tmp_path / "plain" / "plans")]
    assert [h[0] for h in hand] == [p[0] for p in plain] and len(hand) > 0


def test_main_and_the_command_line_accept_a_style(tmp_path: Path) -> None:
    assert main([str(tmp_path / "a"), "--roles", "20", "--style", "hand"]) == 0
    with pytest.raises(ValueError, match="style must be one of plain, hand"):
        generate(tmp_path / "b", 20, style="fancy")
