"""The file-system steps publishing relies on, on this machine's real file system."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from site_builder.errors import PortalError
from site_builder.publishing import atomic
from site_builder.publishing.staging import default_staging, staging_dir, swap_in, sweep


def _folder(path: Path, text: str) -> Path:
    path.mkdir()
    (path / "page.html").write_text(text)
    return path


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_exchange_swaps_two_folders_in_one_step(tmp_path: Path) -> None:
    a, b = _folder(tmp_path / "a", "new"), _folder(tmp_path / "b", "old")
    atomic.exchange(a, b)
    assert (b / "page.html").read_text() == "new" and (a / "page.html").read_text() == "old"
    with pytest.raises(FileNotFoundError):
        atomic.exchange(tmp_path / "missing", b)


def test_swap_in_keeps_the_replaced_folder_until_finished_and_can_undo(tmp_path: Path) -> None:
    stage = tmp_path / "stage"
    stage.mkdir()
    live = _folder(tmp_path / "live", "old")
    swap = swap_in(_folder(stage / "1-new", "new"), live, stage)
    assert (live / "page.html").read_text() == "new" and swap.note is None
    swap.undo()
    assert (live / "page.html").read_text() == "old"
    assert (stage / "1-new" / "page.html").read_text() == "new"


def test_without_exchange_two_renames_are_used_and_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unsupported(a: Path, b: Path) -> None:
        raise atomic.ExchangeUnsupported(22, "no exchange")

    monkeypatch.setattr("site_builder.publishing.staging.exchange", unsupported)
    stage = tmp_path / "stage"
    stage.mkdir()
    live = _folder(tmp_path / "live", "old")
    swap = swap_in(_folder(stage / "1-new", "new"), live, stage)
    assert (live / "page.html").read_text() == "new"
    assert swap.note is not None and "two renames" in swap.note
    assert swap.journal is not None and swap.journal.read_text() == str(live)
    swap.finish()
    assert list(stage.iterdir()) == []  # the replaced folder and its record are gone


def test_link_tree_shares_the_bytes(tmp_path: Path) -> None:
    src = _folder(tmp_path / "src", "kept")
    atomic.link_tree(src, tmp_path / "dst")
    assert os.stat(src / "page.html").st_ino == os.stat(tmp_path / "dst" / "page.html").st_ino


def test_staging_is_beside_the_publish_folder_never_inside(tmp_path: Path) -> None:
    out = tmp_path / "published"
    out.mkdir()
    assert staging_dir(out, None) == tmp_path / ".published.vap-staging" == default_staging(out)
    with pytest.raises(PortalError, match="inside one another"):
        staging_dir(out, out / "staging")
    with pytest.raises(PortalError, match="inside one another"):
        staging_dir(out, tmp_path)


def test_staging_on_another_file_system_is_refused(tmp_path: Path) -> None:
    other = Path("/dev/shm")
    out = tmp_path / "published"
    out.mkdir()
    if not other.is_dir() or os.stat(other).st_dev == os.stat(out).st_dev:
        pytest.skip("no second file system to stage on")
    with pytest.raises(PortalError, match="on another file system"):
        staging_dir(out, other / f"vap-staging-{os.getpid()}")
    os.rmdir(other / f"vap-staging-{os.getpid()}")


def test_sweep_removes_dead_runs_only_and_puts_an_aside_folder_back(tmp_path: Path) -> None:
    stage = tmp_path / "stage"
    stage.mkdir()
    live = tmp_path / "live"
    _folder(stage / "999999-aside-live", "old")
    (stage / "999999-aside-live.dest").write_text(str(live))
    _folder(stage / "999999-new-live", "half")
    _folder(stage / f"{os.getppid()}-new-other", "a running publish")
    notes = sweep(stage)
    assert (live / "page.html").read_text() == "old"
    assert sorted(p.name for p in stage.iterdir()) == [f"{os.getppid()}-new-other"]
    assert notes == [
        f"put {live} back: a publish was killed while replacing it",
        f"removed staging left in {stage} by an interrupted publish (process 999999)",
    ]
