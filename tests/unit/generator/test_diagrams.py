"""Cascade diagrams: golden DOT for the small organisation, what the DOT says, and the render cache."""

from __future__ import annotations

import difflib
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from site_builder.checking.check import run_checks
from site_builder.domain.audience import View, make_view, resolve_audience
from site_builder.domain.index import Index
from site_builder.generator.diagrams import MAX_CHAIN, diagram_sources
from site_builder.generator.dot import Renderer
from site_builder.generator.generate import generate
from tests.conftest import FIXTURES, needs_dot

GOLDEN = Path(__file__).resolve().parents[3] / "tests" / "golden" / "diagrams"
SMALL = FIXTURES / "small" / "plans"
SMALL_KEYS = {
    "org/overview",
    "org/full",
    "goal/G1",
    "goal/G2",
    *(f"{kind}/{role}" for kind in ("role", "outcomes") for role in ("chief", "head-ops", "head-care")),
    *("role/booking-lead", "outcomes/booking-lead"),
    *(f"chain/{role}" for role in ("head-ops", "head-care", "booking-lead")),  # the conversation sheets'
}
CONFIRMED = "status: confirmed\nconfirmed_on: 2027-01-12"
HOLDERS = ("Dana Reyes", "Amara Okafor", "José Álvarez")
NODE_STATEMENT = re.compile(r'^"(?:[^"\\]|\\.)*" \[', re.M)
"""A node statement: one line (labels escape their newlines), a quoted id, then attributes."""
SVG_NODE = re.compile(r'<g id="[^"]*node\d+" class="node(?: vap&#45;subject)?">\s*<title>([^<]*)</title>')


def load(plans: Path, audience: str | None = "preview") -> tuple[View, Index]:
    result = run_checks(plans)
    assert result.errors == (), result.errors
    view = make_view(result.plans, resolve_audience(result.plans, audience), result.findings)
    return view, Index(view.plans)


def sources(plans: Path, audience: str | None = "preview") -> dict[str, str]:
    return diagram_sources(*load(plans, audience))


def node_line(dot: str, node_id: str) -> str:
    """The statement declaring `node_id` (exactly one)."""
    lines = [line for line in dot.splitlines() if line.startswith(f'"{node_id}" [')]
    assert len(lines) == 1, f"{node_id!r} declared {len(lines)} times in:\n{dot}"
    return lines[0]


def declared(dot: str) -> set[str]:
    """The ids of the nodes a DOT source declares."""
    return {m.group(0).split('"')[1] for m in NODE_STATEMENT.finditer(dot)}


def role_yaml(folder: Path, role_id: str, text: str) -> None:
    (folder / "roles" / f"{role_id}.yaml").write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- golden DOT


def test_small_organisation_matches_the_golden_dot(update_goldens: bool) -> None:
    found = sources(SMALL)
    assert set(found) == SMALL_KEYS  # every kind of diagram, and nothing unexpected
    files = {key: GOLDEN / f"{key.replace('/', '__')}.dot" for key in found}
    if update_goldens:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for stale in set(GOLDEN.glob("*.dot")) - set(files.values()):
            stale.unlink()
        for key, path in files.items():
            path.write_text(found[key], encoding="utf-8")
    assert sorted(p.name for p in GOLDEN.glob("*.dot")) == sorted(p.name for p in files.values()), (
        "golden files and diagram keys differ: run pytest --update-goldens and review the diff"
    )
    diffs = []
    for key, path in sorted(files.items()):
        expected = path.read_text(encoding="utf-8")
        if expected != found[key]:
            diff = difflib.unified_diff(
                expected.splitlines(keepends=True),
                found[key].splitlines(keepends=True),
                fromfile=str(path.relative_to(GOLDEN.parent.parent.parent)),
                tofile=f"diagram_sources()[{key!r}]",
            )
            diffs.append("".join(diff))
    assert not diffs, (
        "DOT differs from the golden files (pytest --update-goldens rewrites them):\n" + "\n".join(diffs)
    )


def test_sources_are_deterministic() -> None:
    first, second = sources(SMALL), sources(SMALL)  # two loads, two indexes, two calls
    assert list(first) == list(second)
    assert first == second


# --------------------------------------------------------------------------- what the DOT says


def test_vacant_and_unconfirmed_roles_differ_by_text_and_line_style(small_plans: Path) -> None:
    # a vacant role whose plan is confirmed, and a held role whose plan is a draft: one state each
    lead = small_plans / "roles" / "ops" / "booking-lead.yaml"
    lead.write_text(lead.read_text().replace("status: draft", CONFIRMED))
    care = small_plans / "roles" / "care" / "head-care.yaml"
    care.write_text(care.read_text().replace("status: discussed", "status: draft"))
    org = sources(small_plans)["org/full"]
    vacant, draft, held = (node_line(org, r) for r in ("booking-lead", "head-care", "head-ops"))
    assert 'label="Booking Team Lead\\n[vacant]"' in vacant
    assert 'style="rounded,filled,dashed"' in vacant
    assert 'label="Head of Care\\n[draft plan]"' in draft
    assert 'style="rounded,filled,dotted"' in draft
    assert 'label="Head of Operations\\nAmara Okafor"' in held  # the plain case: no marker, default style
    assert "style=" not in held


def test_a_focused_draft_role_keeps_the_focus_fill_under_its_white_text() -> None:
    dot = sources(SMALL)["role/head-care"]  # head-care's plan is 'discussed', not confirmed
    line = node_line(dot, "head-care")
    assert 'fontcolor="#ffffff"' in line and 'style="rounded,filled,dotted"' in line
    assert re.findall(r'fillcolor="([^"]*)"', line) == ["#3949ab"]  # one fill: the focus colour


def test_a_long_chain_collapses_beyond_max_chain(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    (plans / "roles").mkdir(parents=True)
    shutil.copy(SMALL / "portal.yaml", plans)
    shutil.copy(SMALL / "strategy.yaml", plans)
    shutil.copy(SMALL / "roles" / "chief.yaml", plans / "roles")
    depth = MAX_CHAIN + 3
    for n in range(1, depth + 1):
        boss = "chief" if n == 1 else f"level-{n - 1}"
        role_yaml(plans, f"level-{n}", f"title: Level {n}\nstatus: draft\nreports_to: {boss}\n")
    found = sources(plans)
    # exactly MAX_CHAIN + 1 managers above: all drawn, no collapse (it would hide a single level)
    edge = MAX_CHAIN + 1
    assert "more levels" not in found[f"role/level-{edge}"]
    everyone_above = {f"level-{n}" for n in range(1, edge)} | {"chief"}
    assert declared(found[f"role/level-{edge}"]) == {f"level-{edge}", f"level-{edge + 1}", *everyone_above}
    # `depth` managers above: the nearest MAX_CHAIN - 1, a marker for the middle, and the top
    dot = found[f"role/level-{depth}"]
    hidden = depth - MAX_CHAIN
    assert f'"more-up" [label="... {hidden} more levels"' in dot
    near = [f"level-{depth - k}" for k in range(1, MAX_CHAIN)]
    assert declared(dot) == {f"level-{depth}", *near, "more-up", "chief"}
    assert f'"{near[-1]}" -> "more-up";' in dot and '"more-up" -> "chief";' in dot
    # the marker is a link: to the highest manager drawn below it, whose diagram goes further up
    assert f'URL="vap:roles/{near[-1]}.md"' in node_line(dot, "more-up")


def test_edge_labels_count_the_linking_outcomes(small_plans: Path) -> None:
    ops = small_plans / "roles" / "ops" / "head-ops.yaml"
    ops.write_text(
        ops.read_text().replace(
            "dialogue:",
            "  - id: no-shows\n    title: Fewer missed appointments\n    supports: [chief#retention]\n"
            "dialogue:",
        )
    )
    dot = sources(small_plans)["role/chief"]
    assert '"head-ops" -> "chief" [label="2 outcomes"];' in dot
    assert '"head-care" -> "chief" [label="1 outcome"];' in dot


def test_an_audience_hiding_holder_shows_no_holder_in_any_diagram(small_plans: Path) -> None:
    portal = small_plans / "portal.yaml"
    audience = "audiences:\n  no-names:\n    hide: [holder]\n    drafts: include\n"
    portal.write_text(portal.read_text().replace("audiences:\n", audience))
    care = small_plans / "roles" / "care" / "head-care.yaml"  # confirmed plans name their holder
    care.write_text(care.read_text().replace("status: discussed", CONFIRMED))
    shown = "".join(sources(small_plans, "leadership").values())
    assert all(name in shown for name in HOLDERS) and "[vacant" in shown  # the control
    hidden = sources(small_plans, "no-names")
    leaks = [(key, name) for key, dot in hidden.items() for name in HOLDERS if name in dot]
    assert leaks == []
    assert not any("[vacant" in dot for dot in hidden.values())  # vacancy is holder information too


HOSTILE_TITLES = [
    'Head "of" {Ops} <script>alert(1)</script>\nsecond line \\ back\\slash\\',
    '"]; evil [label="injected" shape=box]; x -> y; z [label="',
    '}} digraph { injected } \\"; "evil" [',
    "line one\r\nline two\n\n<b>bold</b> & &amp; \\N \\G \\L",
]


@needs_dot
@pytest.mark.parametrize("title", HOSTILE_TITLES, ids=range(len(HOSTILE_TITLES)))
def test_hostile_titles_render_without_injected_nodes(title: str, tmp_path: Path) -> None:
    view, _ = load(SMALL)
    roles = {**view.plans.roles, "head-ops": replace(view.plans.roles["head-ops"], title=title)}
    view = replace(view, plans=replace(view.plans, roles=roles))
    index = Index(view.plans)
    found = diagram_sources(view, index)
    legit = {*roles, *index.outcomes, *index.strategy_items}
    svgs = Renderer(tmp_path / "cache").render_many(found)
    for key, dot in found.items():
        statements = NODE_STATEMENT.findall(dot)
        nodes = [t.replace("&#45;", "-") for t in SVG_NODE.findall(svgs[key])]
        assert len(nodes) == len(statements), f"{key}: {nodes} drawn for {declared(dot)}"
        assert set(nodes) <= legit, f"{key}: nodes nobody declared: {set(nodes) - legit}"
        assert "<script" not in svgs[key]


# --------------------------------------------------------------------------- render cache


@needs_dot
def test_the_cache_renders_only_what_changed(small_plans: Path, tmp_path: Path) -> None:
    cache, out = tmp_path / "diagram-cache", tmp_path / "docs"
    first = generate(small_plans, out, audience="leadership", cache_dir=cache)
    total = first.diagrams_rendered + first.diagrams_cached
    assert first.diagrams_rendered == total == len(SMALL_KEYS)  # every source differs: all drawn

    second = generate(small_plans, out, audience="leadership", cache_dir=cache)
    assert (second.diagrams_rendered, second.diagrams_cached) == (0, total)

    ops = small_plans / "roles" / "ops" / "head-ops.yaml"
    ops.write_text(ops.read_text().replace("title: Head of Operations", "title: Head of Clinic Operations"))
    third = generate(small_plans, out, audience="leadership", cache_dir=cache)
    # Head of Operations is drawn in 9 of the 12 diagrams: its own role and outcome diagrams, the role
    # diagrams of its manager (chief) and its report (booking-lead), the outcome diagrams of both (its
    # outcome clinics-live supports chief#booking and is supported by booking-lead#desk-trained), goal G1
    # (clinics-live serves G1-M1), and both organisation charts. Head of Care's two diagrams and goal G2
    # never show it, so they come from the cache. Of the three conversation sheets' chains, those of
    # head-ops and booking-lead (through clinics-live) draw it, head-care's does not.
    assert (third.diagrams_rendered, third.diagrams_cached) == (9 + 2, 3 + 1)


# --------------------------------------------------------------------------- around the diagram


@needs_dot
def test_no_link_without_a_target_and_the_list_says_what_the_diagram_draws(tmp_path: Path) -> None:
    from site_builder.generator.diagrams import render_diagrams

    view, index = load(SMALL)
    shown, _, _ = render_diagrams(view, index, tmp_path / "cache")
    assert set(shown) == SMALL_KEYS
    for key, block in shown.items():
        svg = block[block.index("<svg") : block.index("</svg>")]
        anchors = re.findall(r"<a\b[^>]*>", svg)
        assert anchors and all(re.search(r' href="vap:[^"]+"', a) for a in anchors), (key, anchors)
        assert '<p class="vap-legend">' in block and '<details class="vap-diagram-text">' in block
    chief = shown["role/chief"]
    listed = chief[chief.index("<details") :]
    # every box of the reporting line, each with its manager and the count the arrow carries
    assert '<a href="vap:roles/head-ops.md">Head of Operations</a><ul><li>reports to ' in listed
    assert '<a href="vap:roles/chief.md">Chief Executive</a> (1 outcome)' in listed
    goal = shown["goal/G1"]
    assert 'supports <a href="vap:strategy/g1.md">Goal G1: Make booking effortless</a>' in goal
