"""The serve path renders only pages whose signature changed: the result must equal a full generation."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from site_builder.authoring.synth import generate as synth
from site_builder.generator.generate import Generated, generate


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _role_files(plans: Path) -> list[Path]:
    return sorted((plans / "roles").rglob("*.yaml"))


def _sub(path: Path, pattern: str, repl: str) -> None:
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(pattern, repl, text, count=1, flags=re.M)
    assert count == 1, f"{pattern!r} not found in {path}"
    path.write_text(new, encoding="utf-8")


def _manager_file(plans: Path) -> Path:
    """A middle manager: it has direct reports and a manager, so its edits reach pages around it
    (a change to the top role legitimately reaches every page: every line of sight shows it)."""
    files = _role_files(plans)
    texts = {p.stem: p.read_text() for p in files}
    for path in reversed(files):  # deepest folders last in sorted order
        if "reports_to:" in texts[path.stem] and any(
            f"reports_to: {path.stem}\n" in t or f'reports_to: "{path.stem}"' in t for t in texts.values()
        ):
            return path
    raise AssertionError("no middle manager found")


Edit = Callable[[Path], None]
EDITS: dict[str, Edit] = {
    "value-add": lambda plans: _sub(_manager_file(plans), r'^value_add: "', 'value_add: "Newly worded. '),
    "title": lambda plans: _sub(_manager_file(plans), r'^title: "', 'title: "Renamed '),
    "holder": lambda plans: _sub(_manager_file(plans), r"^holder: .*$", 'holder: "Ana Novak"'),
    "status": lambda plans: _sub(_manager_file(plans), r"^status: confirmed$", "status: discussed"),
    "outcome title": lambda plans: _sub(_manager_file(plans), r'^    title: "', '    title: "Faster '),
    "outcome due": lambda plans: _sub(_manager_file(plans), r"^    due: \S+", "    due: 2027-01-31"),
    "supports": lambda plans: _sub(
        _role_files(plans)[-1], r'^      - ref: "?([a-z0-9-]+)#[a-z0-9-]+"?', r"      - ref: G1"
    ),
    "level": lambda plans: _sub(_manager_file(plans), r"^level: (\d)", r"level: 9"),
    "delete a leaf": lambda plans: _role_files(plans)[-1].unlink(),
    "department": lambda plans: _sub(
        next(p for p in _role_files(plans) if "\ndepartment:" in p.read_text()),
        r"^department: .*$",
        'department: "Logistics"',
    ),
}


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("incremental")
    synth(dest, 120, seed=7)
    return dest / "plans"


@pytest.mark.parametrize("audience", ["preview", None])
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_incremental_generation_equals_a_full_one(
    org: Path, tmp_path: Path, edit: str, audience: str | None
) -> None:
    plans = tmp_path / "org" / "plans"
    shutil.copytree(org, plans)
    cache = tmp_path / "diagrams"
    first = generate(
        plans,
        tmp_path / "incremental",
        audience=audience,
        cache_dir=cache,
        on_errors="write",
        keep_texts=True,
    )
    EDITS[edit](plans)
    again: Generated = generate(
        plans, tmp_path / "incremental", audience=audience, cache_dir=cache, on_errors="write", reuse=first
    )
    full = generate(plans, tmp_path / "full", audience=audience, cache_dir=cache, on_errors="write")
    assert _tree(tmp_path / "incremental") == _tree(tmp_path / "full")
    assert again.svgs == full.svgs
    assert 0 < again.timings["rendered_pages"] < len(full.signatures)  # really incremental


def test_a_generation_without_its_texts_is_not_reused(org: Path, tmp_path: Path) -> None:
    first = generate(org, tmp_path / "gen", audience="preview", cache_dir=tmp_path / "d", on_errors="write")
    assert first.texts == {}  # a one-off build drops them
    again = generate(org, tmp_path / "gen", audience="preview", cache_dir=tmp_path / "d", reuse=first)
    assert again.timings["rendered_pages"] == len(again.signatures)


def test_nothing_changed_renders_nothing(org: Path, tmp_path: Path) -> None:
    first = generate(
        org,
        tmp_path / "gen",
        audience="preview",
        cache_dir=tmp_path / "d",
        on_errors="write",
        keep_texts=True,
    )
    again = generate(org, tmp_path / "gen", audience="preview", cache_dir=tmp_path / "d", reuse=first)
    assert again.timings["rendered_pages"] == 0 and again.written.written == ()
