"""The kept history is extended by the new commits only, and the result is exactly a whole reading.

A small organisation in a real git repository goes through the edits that make incremental reading
hard: a plan unreadable for one commit (the next version compares with the last readable one), a
plan deleted and added again, a branch merged, and history rewritten by a reset
(which must fall back to a whole reading). After each commit, a build with the cache on (extending
what the previous build kept) and a reading with the cache off must give the same history.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder.loading import history as history_module
from site_builder.loading import parsecache
from tests.conftest import ROOT
from tests.integration import gitrepo

SINCE = dt.date(2027, 1, 1)
OPS = "roles/ops/head-ops.yaml"
BOOKING = "roles/ops/booking-lead.yaml"
CARE = "roles/care/head-care.yaml"


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[tuple[Path, Path, list[str | None]]]:
    """(repository folder, plans folder, the `after` argument of each commit listing that was made)."""
    folder = tmp_path / "repo"
    plans = folder / "plans"
    shutil.copytree(ROOT / "tests" / "fixtures" / "small" / "plans", plans)
    gitrepo.init(folder)
    (folder / ".gitignore").write_text(".cache/\n", encoding="utf-8")  # as `vap init` writes it
    gitrepo.commit(folder, "2026-12-20", "plans as the cycle opens")
    calls: list[str | None] = []
    listing = history_module._commits

    def recorded(plans_dir: Path, head: str, since: dt.date, *, after: str | None = None) -> list:  # type: ignore[type-arg]
        calls.append(after)
        return listing(plans_dir, head, since, after=after)

    history_module._commits = recorded  # type: ignore[assignment]
    try:
        yield folder, plans, calls
    finally:
        history_module._commits = listing  # type: ignore[assignment]
        parsecache.configure(enabled=False)
        history_module._MEMO.clear()


def _both(plans: Path) -> tuple[history_module.History, history_module.History]:
    """(the history with the cache on, extending the kept one; the history read whole, cache off)."""
    parsecache.configure(enabled=True)
    history_module._MEMO.clear()
    kept = history_module.read_history(plans, SINCE)
    parsecache.configure(enabled=False)
    history_module._MEMO.clear()
    whole = history_module.read_history(plans, SINCE)
    return kept, whole


def _edit(plans: Path, path: str, old: str, new: str) -> None:
    gitrepo.edit(plans / path, old, new)


def _draft(plans: Path, path: str) -> None:
    """The plan back to draft: its status line changed, its confirmation date removed."""
    lines = (plans / path).read_text(encoding="utf-8").split("\n")
    kept = [("status: draft" if line.startswith("status:") else line) for line in lines]
    (plans / path).write_text(
        "\n".join(x for x in kept if not x.startswith("confirmed_on:")), encoding="utf-8"
    )


def test_an_extended_history_equals_a_whole_reading(repo: tuple[Path, Path, list[str | None]]) -> None:
    folder, plans, calls = repo
    steps = [
        ("2027-01-05", lambda: _edit(plans, OPS, "status: confirmed", "status: discussed")),
        ("2027-01-06", lambda: _edit(plans, BOOKING, "outcomes:", "outcomes: [unclosed")),  # unreadable
        (
            "2027-01-07",
            lambda: (
                _edit(plans, BOOKING, "outcomes: [unclosed", "outcomes:"),
                _edit(
                    plans,
                    OPS,
                    "title: Every clinic takes online bookings",
                    "title: Every clinic books online",
                ),
            ),
        ),
        ("2027-01-08", lambda: (plans / CARE).rename(folder / "care.yaml")),  # deleted
        ("2027-01-09", lambda: (folder / "care.yaml").rename(plans / CARE)),  # and added again
        ("2027-01-10", lambda: _edit(plans, OPS, "target: 14 of 14", "target: 13 of 14")),
    ]
    for day, change in steps:
        change()
        gitrepo.commit(folder, day, f"edit of {day}")
        kept, whole = _both(plans)
        assert kept == whole, day
    assert whole.commits == 6 and whole.events
    ops = [e.kind for e in whole.events["head-ops"]]
    assert ops == ["status", "reworded", "retargeted"], ops
    # every reading after the first extended the kept one: only the newest commit was listed
    extended = [after for after in calls[0::2]]
    assert extended[0] is None and all(after is not None for after in extended[1:]), extended

    # a branch merged into the main line: its change counts from the merge, read incrementally too
    gitrepo.git(folder, "checkout", "-q", "-b", "side")
    _draft(plans, BOOKING)
    gitrepo.commit(folder, "2027-01-11", "booking plan back to draft, on a branch")
    gitrepo.git(folder, "checkout", "-q", "main")
    gitrepo.git(folder, "merge", "-q", "--no-ff", "-m", "merge side", "side", day="2027-01-12")
    kept, whole = _both(plans)
    assert kept == whole
    assert calls[-2] is not None  # extended

    # history rewritten (a reset to an earlier commit, then a new one): a whole reading again
    gitrepo.git(folder, "reset", "-q", "--hard", "HEAD~2")
    _draft(plans, CARE)
    gitrepo.commit(folder, "2027-01-13", "care plan back to draft")
    kept, whole = _both(plans)
    assert kept == whole
    assert calls[-2] is None, calls  # the kept HEAD is no longer on the main line: read whole
