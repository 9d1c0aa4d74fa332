"""Signatures recomputed only for the pages an edit can change equal signatures computed for all."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from site_builder.authoring.synth import generate as synth
from site_builder.checking.check import run_checks
from site_builder.domain.audience import View, make_view
from site_builder.domain.index import Index
from site_builder.generator import urls
from site_builder.generator.affected import affected
from site_builder.generator.alignment import department_slugs
from site_builder.generator.signatures import page_signatures
from site_builder.loading.loader import forget_parsed
from tests.unit.checking.test_rulecache import _edit
from tests.unit.generator.test_incremental import EDITS

LOCAL = {"value-add", "holder", "status", "outcome title", "outcome due", "level"}
"""Edits that keep the structure: only the pages near the edited role are signed again."""


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    forget_parsed()
    yield
    forget_parsed()


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("affected")
    synth(dest, 150, seed=13)
    return dest / "plans"


def _preview(plans: Path) -> tuple[View, Index]:
    """As `vap serve` sees the plans: the preview view (unchanged files give the same Role objects)."""
    result = run_checks(plans)
    view = make_view(result.plans, None, result.findings, index=result.index)
    return view, Index(view.plans)


def _compare(before: tuple[View, Index, dict[str, Any]], plans: Path) -> tuple[View, Index, dict[str, Any]]:
    """The incremental signatures equal the full ones; returns the new state."""
    old_view, _, old_signatures = before
    view, ix = _preview(plans)
    full = page_signatures(view, ix, {})
    only = affected(old_view, view, ix, old_signatures)
    if only is not None:
        assert page_signatures(view, ix, {}, only=only) == full
    return view, ix, full


def _start(plans: Path) -> tuple[View, Index, dict[str, Any]]:
    view, ix = _preview(plans)
    return view, ix, page_signatures(view, ix, {})


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_signatures_of_affected_pages_equal_all_signatures(org: Path, tmp_path: Path, edit: str) -> None:
    plans = tmp_path / "plans"
    shutil.copytree(org, plans)
    before = _start(plans)
    EDITS[edit](plans)
    view, ix, _ = _compare(before, plans)
    only = affected(before[0], view, ix, before[2])
    if edit in LOCAL:
        assert only is not None and 0 < len(only.roles) < len(ix.roles)  # really fewer pages


def test_random_edits(org: Path, tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    shutil.copytree(org, plans)
    rng = random.Random(4)
    state = _start(plans)
    used = 0
    for n in range(40):
        _edit(plans, rng, n)
        view, ix, full = _compare(state, plans)
        used += affected(state[0], view, ix, state[2]) is not None
        state = (view, ix, full)
    assert used >= 10  # most edits keep the structure and took the incremental path


def test_a_role_whose_history_changed_is_signed_again_though_no_edit_reached_it(org: Path) -> None:
    """A commit changes a plan's history (its role page) without changing any plan the edit touched."""
    view, ix = _preview(org)
    before = page_signatures(view, ix, {})
    nothing = affected(view, view, ix, before)
    assert nothing is not None and not nothing.roles  # no edit: every signature from the last generation
    role = sorted(ix.roles)[3]
    history = {role: ("confirmed on 2026-07-02",)}
    incremental = page_signatures(view, ix, {}, history, only=nothing)
    assert incremental == page_signatures(view, ix, {}, history)
    assert incremental[f"roles/{role}.md"] != before[f"roles/{role}.md"]


def test_a_value_add_edit_signs_no_alignment_page_and_few_sheets_again(org: Path, tmp_path: Path) -> None:
    """No alignment or goal page shows a value add; a sheet changes only near the edit (its report, manager,
    or a chain through the edited plan's outcomes): every other sheet keeps its last signature."""
    plans = tmp_path / "plans"
    shutil.copytree(org, plans)
    before = _start(plans)
    EDITS["value-add"](plans)
    view, ix, _ = _compare(before, plans)
    only = affected(before[0], view, ix, before[2])
    assert only is not None and not only.goals  # goal pages list no value add: none signed again
    incremental = page_signatures(view, ix, {}, only=only)
    changed = {p for p, sig in incremental.items() if before[2].get(p) != sig}
    slugs = department_slugs(ix.departments.values()).values()
    assert changed and not changed & {urls.ALIGNMENT, *(urls.alignment_page(s) for s in slugs)}
    sheets = {
        p.removeprefix("conversation/").removesuffix(".md")
        for p in incremental
        if p.startswith("conversation/")
    }
    kept = {
        r for r in sheets if incremental[urls.conversation_page(r)] is before[2][urls.conversation_page(r)]
    }
    untouched = {r for r in sheets if not {r, ix.roles[r].reports_to} & only.roles and r not in only.chains}
    assert len(sheets) > 100 and kept == untouched and len(kept) > len(sheets) // 2
