"""The preview with its caches on (as `vap serve` runs): after each kind of edit, the findings and the
pages of an incremental generation equal those of a full generation without any cache."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder.generator.generate import generate
from site_builder.loading import parsecache
from site_builder.loading.loader import forget_parsed
from tests.conftest import as_new_process
from tests.unit.generator.test_incremental import EDITS, _tree


@pytest.fixture(autouse=True)
def caches() -> Iterator[None]:
    """Each test starts as a new `vap serve` does: nothing in memory."""
    as_new_process()
    yield
    parsecache.configure(enabled=False)
    as_new_process()


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from site_builder.authoring.synth import generate as synth

    dest = tmp_path_factory.mktemp("incremental-rules")
    synth(dest, 120, seed=11)
    return dest / "plans"


@pytest.mark.parametrize("edit", sorted({*EDITS, "comment on top"}))
def test_incremental_findings_equal_full_findings(org: Path, tmp_path: Path, edit: str) -> None:
    plans = tmp_path / "org" / "plans"
    shutil.copytree(org, plans)
    cache = tmp_path / "diagrams"
    parsecache.configure(enabled=True)
    first = generate(plans, tmp_path / "incremental", cache_dir=cache, on_errors="write", keep_texts=True)
    if edit == "comment on top":
        role = sorted((plans / "roles").rglob("*.yaml"))[len(first.check.plans.roles) // 2]
        role.write_text("# moved down a line\n" + role.read_text(encoding="utf-8"), encoding="utf-8")
    else:
        EDITS[edit](plans)
    again = generate(plans, tmp_path / "incremental", cache_dir=cache, on_errors="write", reuse=first)
    parsecache.configure(enabled=False)
    forget_parsed()
    full = generate(plans, tmp_path / "full", cache_dir=cache, on_errors="write")
    assert again.check.findings == full.check.findings
    assert [f.to_json() for f in again.check.findings] == [f.to_json() for f in full.check.findings]
    assert _tree(tmp_path / "incremental") == _tree(tmp_path / "full")
