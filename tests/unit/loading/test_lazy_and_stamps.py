"""The parse cache's two shortcuts: plans built only when read (lazy), files not read when their stamp
vouches for them. Either must give exactly what reading and parsing every file gives."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from site_builder.authoring.synth import generate
from site_builder.cli.main import cli
from site_builder.errors import PortalError
from site_builder.loading import loader, parsecache
from site_builder.loading.files import SourceFile, Sources, UnreadFile
from site_builder.loading.lazyroles import LazyRoles
from site_builder.loading.loader import Loaded, load_plans
from tests.conftest import as_new_process


@pytest.fixture(autouse=True)
def cache_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The cache as the command line uses it, stamps trusted 20 ms after a change (tests run fast)."""
    monkeypatch.setattr(parsecache, "SETTLE_NS", 20_000_000)
    parsecache.configure(enabled=True)
    as_new_process()
    yield
    parsecache.configure(enabled=False)
    as_new_process()


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    generate(tmp_path, roles=30, seed=4)
    time.sleep(0.05)  # older than SETTLE_NS: stamps are recorded
    return tmp_path / "plans"


def _load(plans_dir: Path, *, lazy: bool = False) -> Loaded:
    as_new_process()
    return load_plans(plans_dir, lazy=lazy)


def _unread(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record which role files the next loads leave unread."""
    seen: list[str] = []
    real = loader.read_sources

    def recording(*args: object) -> Sources:
        sources = real(*args)  # type: ignore[arg-type]
        seen.extend(s.rel for s in sources.roles if isinstance(s, UnreadFile))
        return sources

    monkeypatch.setattr(loader, "read_sources", recording)
    return seen


def test_unchanged_files_are_not_read_and_give_the_same_plans(
    plans: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsecache.configure(enabled=False)
    expected = _load(plans)
    parsecache.configure(enabled=True)
    first = _load(plans)  # fills the cache with stamps
    assert first.plans == expected.plans and first.findings == expected.findings
    unread = _unread(monkeypatch)
    again = _load(plans)
    assert again.plans == expected.plans and again.findings == expected.findings
    assert again.digests == first.digests and len(unread) == expected.files


def test_an_edit_of_the_same_size_is_read(plans: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same size, even the mtime put back: the ctime the kernel sets on every write still differs."""
    _load(plans)
    role = sorted((plans / "roles").rglob("*.yaml"))[3]
    before = role.stat()
    text = role.read_text(encoding="utf-8")
    edited = text.replace("title: ", "title: X", 1).replace("\n\n", "\n", 1)
    if len(edited) != len(text):
        edited = text.replace("title: ", "title: X", 1)[:-1]
    assert len(edited.encode()) == len(text.encode())
    role.write_text(edited, encoding="utf-8")
    os.utime(role, ns=(before.st_atime_ns, before.st_mtime_ns))
    unread = _unread(monkeypatch)
    again = _load(plans)
    rel = role.relative_to(plans.parent).as_posix()
    assert rel not in unread and len(unread) == again.files - 1
    parsecache.configure(enabled=False)
    assert again.plans == _load(plans).plans


def test_a_file_changed_just_before_a_run_is_hashed_until_it_settles(
    plans: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within the settling time an edit could share its timestamp with the run: no stamp is kept."""
    monkeypatch.setattr(parsecache, "SETTLE_NS", 3600 * 10**9)
    _load(plans)
    unread = _unread(monkeypatch)
    _load(plans)
    assert unread == []
    monkeypatch.setattr(parsecache, "SETTLE_NS", 0)
    _load(plans)  # records the stamps now that the files are old enough
    _load(plans)
    assert len(unread) == len(list((plans / "roles").rglob("*.yaml")))


def test_lazy_plans_equal_built_ones_and_are_built_only_when_read(plans: Path) -> None:
    eager = _load(plans)
    lazy = _load(plans, lazy=True)
    roles = lazy.plans.roles
    assert isinstance(roles, LazyRoles) and "not built yet" in repr(roles)
    first = next(iter(roles))
    assert roles.path(first) == eager.plans.roles[first].file
    assert roles[first] == eager.plans.roles[first] and roles.get("nobody") is None
    assert list(roles) == list(eager.plans.roles) and len(roles) == len(eager.plans.roles)
    assert lazy.plans == eager.plans and lazy.findings == eager.findings
    assert dict(roles.items()) == dict(eager.plans.roles) and "0 not built" in repr(roles)


def test_a_damaged_plan_found_when_built_lazily_removes_the_cache(plans: Path) -> None:
    expected = _load(plans)
    store = parsecache.Store(parsecache.cache_file(plans))
    store._new = {rel: (*entry[:3], b"\x00garbage" if entry[3] else b"") for rel, entry in store._old.items()}
    store._dirty = 1
    store.save()
    lazy = _load(plans, lazy=True)
    with pytest.raises(PortalError, match=r"damaged entry for plans/roles/.*run the command again"):
        list(lazy.plans.roles.values())
    assert not parsecache.cache_file(plans).exists()
    assert _load(plans, lazy=True).plans == expected.plans


def test_a_cached_check_after_a_value_add_builds_few_plans(
    plans: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    expected = runner.invoke(cli, ["check", str(plans), "--no-cache", "--format", "json"]).output
    assert runner.invoke(cli, ["check", str(plans)]).exit_code in (0, 1)
    role = sorted((plans / "roles").rglob("*.yaml"))[7]
    role.write_text(role.read_text(encoding="utf-8").replace('value_add: "', 'value_add: "New. ', 1), "utf-8")
    built: list[str] = []
    real = parsecache.Restored.role

    def counting(self: parsecache.Restored) -> object:
        built.append(self.rel)
        return real(self)

    monkeypatch.setattr(parsecache.Restored, "role", counting)
    as_new_process()
    cached = runner.invoke(cli, ["check", str(plans), "--format", "json"]).output
    monkeypatch.undo()
    assert cached == runner.invoke(cli, ["check", str(plans), "--no-cache", "--format", "json"]).output
    assert cached == expected and built == []  # the edited file is parsed; no cached plan is built


def test_sources_of_a_file_read_and_left_unread(plans: Path) -> None:
    _load(plans)
    store = parsecache.open_store(plans)
    assert store is not None
    rel = next(iter(store._old))
    path = plans.parent / rel
    read = SourceFile(rel, path.read_bytes())
    unread = UnreadFile(rel, store._old[rel][1], str(path))
    assert store.unchanged(rel, unread.stamp) and store.digest(read) == store.digest(unread)
