"""Real goal cascades: key results nested under their objective, loops in `supports`, long titles.

tests/fixtures/cascade/plans is a quarter of objectives and key results in the shape real OKR sets
take; its `vap check` output is kept as golden files (pytest --update-goldens rewrites them)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from site_builder.checking.check import run_checks
from site_builder.checking.cycles import strongly_connected
from site_builder.cli.main import cli
from site_builder.domain.titles import short_title

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CASCADE = FIXTURES / "cascade" / "plans"
GOLDEN = FIXTURES.parent / "golden" / "check"


@pytest.fixture
def cascade(tmp_path: Path) -> Path:
    dest = tmp_path / "org" / "plans"
    shutil.copytree(CASCADE, dest)
    return dest


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(("fmt", "suffix"), [("text", "txt"), ("json", "json")])
def test_cascade_check_output_matches_the_golden_file(fmt: str, suffix: str, update_goldens: bool) -> None:
    result = CliRunner().invoke(cli, ["check", str(CASCADE), "--format", fmt])
    assert result.exit_code == 0, result.output
    golden = GOLDEN / f"cascade.{suffix}"
    if update_goldens:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(result.output, encoding="utf-8")
    assert result.output == golden.read_text(encoding="utf-8"), (
        f"vap check --format {fmt} differs from {golden.name} (pytest --update-goldens to accept)"
    )


def test_nested_key_results_give_no_bypasses_manager() -> None:
    """Eleven key results refine objectives of their own plan; only the objective that skips the CEO is
    reported, and its key result (vp-sales#demo-script) is not reported again."""
    result = run_checks(CASCADE)
    assert [(f.role, f.outcome) for f in result.findings if f.rule == "bypasses-manager"] == [
        ("vp-sales", "usability-demo")
    ]
    ix = result.index
    assert len(ix.refines) == 11
    assert ix.refines["vp-product#docs-search"] == ("vp-product#support-tickets",)
    assert ix.objectives_of("vp-product#docs-search") == ("vp-product#ux-first",)
    assert ix.links_to_manager("vp-product#docs-search")
    assert not ix.links_to_manager("vp-sales#demo-script")


def test_a_key_result_refining_an_objective_carries_its_line_of_sight() -> None:
    ix = run_checks(CASCADE).index
    assert ix.served["design-lead#tokens-agreed"] == frozenset({"G1"})
    assert ix.served["ceo#nps-40"] == frozenset({"G1", "G1-M1"})


def test_unsupported_outcome_judges_an_objective_through_its_key_results(cascade: Path) -> None:
    """vp-product#ux-first is supported only through a key result once the design lead links there."""
    edit(
        cascade / "roles/product/design-lead.yaml",
        "supports: [vp-product#ux-first]",
        "supports: [vp-product#onboarding]",
    )
    findings = run_checks(cascade).findings
    assert [(f.role, f.outcome) for f in findings if f.rule == "unsupported-outcome"] == [("ceo", "hiring")]


def test_every_finding_about_an_outcome_names_it_by_title() -> None:
    result = run_checks(CASCADE)
    about_outcomes = [f for f in result.findings if f.outcome]
    assert len(about_outcomes) == 5
    for f in about_outcomes:
        title = result.plans.outcome(f"{f.role}#{f.outcome}").title  # type: ignore[union-attr]
        assert f.outcome_title == title
        assert f'outcome "{short_title(title)}"' in f.message
        assert f"'{f.outcome}'" not in f.message


def test_a_three_outcome_loop_is_one_error_naming_the_whole_chain(cascade: Path) -> None:
    edit(
        cascade / "roles/ceo.yaml",
        "    supports: [G2]\n  - id: churn-low",
        "    supports: [G2, vp-sales#churn]\n  - id: churn-low",
    )
    edit(
        cascade / "roles/sales/vp-sales.yaml",
        "    supports: [vp-sales#expansion]\n  - id: usability",
        "    supports: [vp-sales#upsell-200]\n  - id: usability",
    )
    # ceo#revenue -> vp-sales#churn -> vp-sales#upsell-200 -> vp-sales#expansion -> ceo#revenue
    errors = [f for f in run_checks(cascade).findings if f.rule == "support-cycle"]
    assert len(errors) == 1
    message = errors[0].message
    assert message.startswith(
        'outcome "Grow annual recurring revenue by a third." reaches itself through supports: '
    )
    assert message.endswith("-> ceo#revenue")
    steps = ["ceo#revenue", "vp-sales#churn", "vp-sales#upsell-200", "vp-sales#expansion"]
    positions = [message.index(f'{step} "') for step in steps]
    assert positions == sorted(positions)
    assert "(plans/roles/ceo.yaml:" in message and "(plans/roles/sales/vp-sales.yaml:" in message


def test_loops_stop_nothing_downstream_from_terminating(cascade: Path) -> None:
    """The index walks (line of sight, sub-result trees) finish on looping data; the check reports it."""
    edit(
        cascade / "roles/product/vp-product.yaml",
        "    supports: [vp-product#support-tickets]",
        "    supports: [vp-product#support-tickets, vp-product#docs-search]",
    )
    edit(
        cascade / "roles/product/vp-product.yaml",
        "    supports: [vp-product#ux-first]\n  - id: docs",
        "    supports: [vp-product#docs-search]\n  - id: docs",
    )
    result = run_checks(cascade)
    assert [(f.rule, f.message.split(":")[0]) for f in result.errors] == [
        (
            "support-cycle",
            'outcome "Help search answers four questions in five." reaches itself through supports',
        ),
        ("support-cycle", 'outcome "Help search answers four questions in five." supports itself'),
    ]
    ix = result.index
    tree = ix.outcome_tree("vp-product")
    assert sorted(o.id for o, _ in tree) == sorted(o.id for o in result.plans.roles["vp-product"].outcomes)
    assert ix.objectives_of("vp-product#docs-search") == ()
    assert not ix.links_to_manager("vp-product#docs-search")
    assert ix.served["vp-product#docs-search"] == frozenset()


def test_cycle_search_is_linear_and_iterative_at_ten_thousand_outcomes() -> None:
    """A 10,000-long chain closed into one loop: no recursion limit, one component, well under a second."""
    n = 10_000
    links = {f"r{i}#o": [f"r{(i + 1) % n}#o"] for i in range(n)}
    links.update({f"s{i}#o": [f"s{i + 1}#o"] for i in range(n)})
    links[f"s{n}#o"] = []
    start = time.perf_counter()
    components = strongly_connected(links)
    elapsed = time.perf_counter() - start
    assert sorted(len(c) for c in components if len(c) > 1) == [n]
    assert len(components) == 1 + n + 1
    assert elapsed < 1.0, elapsed
