"""The persistent parse cache: a hit gives exactly what parsing gives; damage is ignored, never trusted."""

from __future__ import annotations

import multiprocessing
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from site_builder.authoring.synth import generate
from site_builder.cli.main import cli
from site_builder.domain.model import Finding, Role
from site_builder.loading import loader, parsecache
from site_builder.loading.loader import Loaded, load_plans
from tests.conftest import FIXTURES, as_new_process


@pytest.fixture(autouse=True)
def cache_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The cache as the command line uses it; every test starts with nothing in memory."""
    parsecache.configure(enabled=True)
    as_new_process()
    yield
    parsecache.configure(enabled=False)
    as_new_process()


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    """A synthetic organisation plus files with errors and odd fields, so findings are cached too."""
    generate(tmp_path, roles=40, seed=3)
    roles = tmp_path / "plans" / "roles"
    for case in ("duplicate-key", "empty-file", "forbidden-anchor-alias", "invalid-id-dotdot"):
        for source in sorted((FIXTURES / "bad" / case / "plans" / "roles").rglob("*.yaml")):
            shutil.copy(source, roles / f"{case}-{source.name}")
    (roles / "hand.yaml").write_text(
        "# a plan as written by hand\nid: hand\ntitle: 'Hand'\nstatus: draft\nresources: 3 people\n"
        "outcomes:\n  - id: o1\n    title: One\n    supports: [nobody#o9, G1]\n    due: 2026-09-30\n",
        encoding="utf-8",
    )
    return tmp_path / "plans"


def _fresh_load(plans_dir: Path) -> Loaded:
    """Load as a new process would: nothing parsed in memory, the cache file read from disk."""
    as_new_process()
    return load_plans(plans_dir)


def _same(a: Loaded, b: Loaded) -> None:
    assert a.plans == b.plans
    assert a.findings == b.findings
    assert a.files == b.files
    for role_id, role in a.plans.roles.items():
        assert dict(role.field_locs) == dict(b.plans.roles[role_id].field_locs)


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = loader._role_with_findings

    def counting(source: loader.SourceFile) -> tuple[Role | None, list[Finding]]:
        parsed.append(source.rel)
        return real(source)

    monkeypatch.setattr(loader, "_role_with_findings", counting)
    return parsed


def test_a_hit_gives_what_parsing_gives(plans: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parsecache.configure(enabled=False)
    uncached = _fresh_load(plans)
    assert not parsecache.cache_file(plans).exists()
    assert any(f.severity == "error" for f in uncached.findings)  # findings are part of what is kept
    parsecache.configure(enabled=True)
    first = _fresh_load(plans)
    assert parsecache.cache_file(plans).read_bytes().startswith(parsecache.MAGIC)
    parsed = _count_parses(monkeypatch)
    second = _fresh_load(plans)
    assert parsed == []  # every role came from the cache file
    _same(uncached, first)
    _same(uncached, second)


def test_an_edited_file_is_parsed_again(plans: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fresh_load(plans)
    edited = sorted((plans / "roles").rglob("*.yaml"))[5]
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("title: ", "title: Edited ", 1), encoding="utf-8")
    parsed = _count_parses(monkeypatch)
    loaded = _fresh_load(plans)
    assert parsed == [edited.relative_to(plans.parent).as_posix()]
    role = next(r for r in loaded.plans.roles.values() if r.file == parsed[0])
    assert role.title.startswith("Edited ")
    parsecache.configure(enabled=False)
    _same(_fresh_load(plans), loaded)


def test_a_deleted_file_leaves_the_cache(plans: Path) -> None:
    _fresh_load(plans)
    gone = plans / "roles" / "hand.yaml"
    gone.unlink()
    loaded = _fresh_load(plans)
    assert "hand" not in loaded.plans.roles
    store = parsecache.Store(parsecache.cache_file(plans))
    assert store._old and not any(rel.endswith("/hand.yaml") for rel in store._old)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-10] + bytes(b ^ 0xFF for b in data[-10:]),  # bytes flipped
        lambda data: b"not a cache file at all",  # foreign
        lambda data: data.replace(b"VAP-PARSE-CACHE 2", b"VAP-PARSE-CACHE 9", 1),  # another format
        lambda data: b"",
    ],
    ids=["truncated", "flipped", "foreign", "other-format", "empty"],
)
def test_a_damaged_cache_file_is_ignored_and_rebuilt(plans: Path, damage: object) -> None:
    expected = _fresh_load(plans)
    path = parsecache.cache_file(plans)
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    _same(expected, _fresh_load(plans))
    assert parsecache.Store(path)._old  # rebuilt whole on the next run


def test_a_damaged_entry_behind_a_valid_checksum_is_a_miss(
    plans: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A well-formed file whose entries hold shapes the encoder never writes: parsed again, no crash."""
    expected = _fresh_load(plans)
    store = parsecache.Store(parsecache.cache_file(plans))
    payloads = [b"\x00garbage", parsecache.marshal.dumps((1, 2, 3)), b"x", b""]  # b"": only with a bad head
    heads = [("hand", ()), (None, ((1, 2),)), (3, ()), "head"]
    bad = {  # odd: a good head (id and findings) over a bad plan; even: a bad head
        rel: (digest, stamp, head if n % 2 else heads[n // 2 % 4], payloads[n % 3 if n % 2 else n % 4])
        for n, (rel, (digest, stamp, head, _payload)) in enumerate(store._old.items())
    }
    store._new, store._dirty = bad, 1
    store.save()
    parsed = _count_parses(monkeypatch)
    _same(expected, _fresh_load(plans))
    assert len(parsed) == expected.files


def _write_many(path: str, tag: int, rounds: int) -> None:
    """One of several processes saving the same cache file over and over."""
    store = parsecache.Store(Path(path))
    for n in range(rounds):
        payload = b"%d-%d" % (tag, n) * 2000
        store._new = {f"plans/roles/r{k}.yaml": (bytes(16), None, (None, ()), payload) for k in range(50)}
        store._dirty = 1
        store.save()


def test_concurrent_writers_never_leave_a_torn_file(tmp_path: Path) -> None:
    path = tmp_path / ".cache" / "vap" / "parsed-plans.bin"
    context = multiprocessing.get_context("spawn" if multiprocessing.get_start_method() != "fork" else "fork")
    writers = [context.Process(target=_write_many, args=(str(path), tag, 40)) for tag in range(3)]
    for writer in writers:
        writer.start()
    reads = 0
    while any(w.is_alive() for w in writers):
        if path.exists():
            entries = parsecache.Store(path)._old
            assert len(entries) == 50  # whole, from one writer; never half of one and half of another
            assert len({payload for _digest, _stamp, _head, payload in entries.values()}) == 1
            reads += 1
    for writer in writers:
        writer.join()
        assert writer.exitcode == 0
    assert len(parsecache.Store(path)._old) == 50
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind


def test_no_cache_on_the_command_line_writes_nothing(plans: Path) -> None:
    runner = CliRunner()
    bypassed = runner.invoke(cli, ["check", str(plans), "--no-cache"])
    assert not (plans.parent / ".cache").exists()
    cached = runner.invoke(cli, ["check", str(plans)])
    assert parsecache.cache_file(plans).is_file()
    as_new_process()
    again = runner.invoke(cli, ["check", str(plans)])
    assert bypassed.exit_code == cached.exit_code == again.exit_code == 1
    assert bypassed.output == cached.output == again.output


def test_an_unwritable_cache_folder_costs_nothing(plans: Path) -> None:
    (plans.parent / ".cache").write_text("a file where the folder would go", encoding="utf-8")
    expected = _fresh_load(plans)
    parsecache.configure(enabled=False)
    _same(expected, _fresh_load(plans))


def test_a_long_lived_process_writes_small_changes_later(
    plans: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`vap serve`: the first run writes the cache; one edit in a later run is not worth 20 MB."""
    load_plans(plans)
    path = parsecache.cache_file(plans)
    written = path.stat().st_mtime_ns
    edited = plans / "roles" / "hand.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Hand", "Hand, edited"), encoding="utf-8")
    again = load_plans(plans)  # the same process: the store is kept in memory
    assert path.stat().st_mtime_ns == written
    assert again.plans.roles["hand"].title == "Hand, edited"
    parsed = _count_parses(monkeypatch)
    assert _fresh_load(plans).plans == again.plans  # a new process re-parses only the edited file
    assert parsed == ["plans/roles/hand.yaml"]
