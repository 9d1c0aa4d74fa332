"""The Pagefind index written from records with the real pagefind binary, and kept whole in a preview."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from site_builder.cli.main import cli
from site_builder.generator.search_records import Facets, Record, page_record
from site_builder.mkdocs_adapter import pagefind_index
from site_builder.mkdocs_adapter.pagefind_index import OUTPUT, PARTS, write_index
from site_builder.mkdocs_adapter.search_index import SearchRecords
from tests.conftest import write_portal_config

PAGE = (
    '<h1 id="nurse">Ward Nurse</h1><div class="vap-role-meta"><p><strong>Holder:</strong> Ada Byron</p></div>'
    '<div data-search-exclude><h2 id="resources">Resources</h2><p>secret budget CANARY-1</p></div>'
    '<h2 id="value-added">Value added</h2><p>Keeps &amp; checks the <em>ward</em> rota.</p>'
)


def _fragments(site: Path) -> dict[str, dict[str, object]]:
    out = {}
    for path in (site / OUTPUT).rglob("fragment/*.pf_fragment"):  # every part of the index
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
        record = json.loads(text[text.index("{") :])
        out[record["url"]] = record
    return out


def test_a_page_record_holds_what_search_reads_and_nothing_excluded() -> None:
    facets = Facets(department="Care", status="Confirmed", level="Level 2", holder="Ada Byron")
    record = page_record("roles/nurse/", "Ward Nurse", PAGE, facets)
    assert record.content.startswith("Ward Nurse Holder: Ada Byron Value added Keeps & checks the ward rota")
    assert "CANARY-1" not in record.content and "Resources" not in record.content
    assert record.meta == {
        "title": "Ward Nurse",
        "department": "Care",
        "level": "Level 2",
        "status": "Confirmed",
        "holder": "Ada Byron",
    }
    assert record.filters == {"department": ["Care"], "level": ["Level 2"], "status": ["Confirmed"]}
    hidden = page_record("roles/nurse/", "Ward Nurse", PAGE, Facets(department="Care", status="Draft"))
    assert "holder" not in hidden.meta and "level" not in hidden.filters  # an audience without holders
    plain = page_record("start-here/", "Start here", "<p>How to read a plan.</p>")
    assert plain.content == "Start here How to read a plan." and plain.filters == {}


def test_write_index_streams_every_record_and_is_deterministic(tmp_path: Path) -> None:
    records = [
        Record(
            f"roles/r{i}/",
            f"Role {i} <script>alert(1)</script> rota",
            {"title": f"Role {i}"},
            {"department": [f"D{i % 7}"], "level": [f"L{i % 3}"], "status": ["Draft" if i % 2 else "Done"]},
        )
        for i in range(300)
    ]
    assert write_index(reversed(records), tmp_path / "a") == 300
    assert write_index(records, tmp_path / "b") == 300
    fragments = _fragments(tmp_path / "a")
    assert sorted(fragments) == sorted(r.url for r in records)
    assert fragments["roles/r7/"]["meta"] == {"title": "Role 7"}

    # byte for byte (Pagefind lists filter values in a per-process random order: pagefind_canon sorts them)
    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert len([k for k in files(tmp_path / "a") if k.endswith(".pf_filter")]) == 3
    assert not (tmp_path / "a" / OUTPUT / "pagefind-ui.js").exists()  # Pagefind's own widgets: unused
    assert [p.name for p in (tmp_path / "a").iterdir()] == [OUTPUT]  # no staging folder left behind


def test_a_large_edition_is_indexed_in_parts_merged_by_the_search_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each part is one Pagefind run of its own (its memory freed before the next); the parts after the
    first are listed for the search script and carry only their own metadata, chunks and fragments."""
    monkeypatch.setattr(pagefind_index, "PART_SIZE", 4)
    records = [
        Record(f"roles/r{i:02}/", f"Role {i} rota", {"title": f"Role {i}"}, {"level": [f"L{i % 2}"]})
        for i in range(10)
    ]
    assert write_index(records, tmp_path / "a") == 10
    index = tmp_path / "a" / OUTPUT
    assert json.loads((index / PARTS).read_text(encoding="utf-8")) == ["part-2/", "part-3/"]
    in_part = {}
    for folder in (index, index / "part-2", index / "part-3"):
        assert (folder / "pagefind-entry.json").is_file() and list(folder.glob("pagefind.*.pf_meta"))
        for path in folder.glob("fragment/*.pf_fragment"):
            text = gzip.decompress(path.read_bytes()).decode("utf-8")
            in_part[json.loads(text[text.index("{") :])["url"]] = folder.name
    assert sorted(in_part) == [r.url for r in records]  # every record in exactly one part, in URL order
    assert [in_part[r.url] for r in records] == [OUTPUT] * 3 + ["part-2"] * 3 + ["part-3"] * 4
    for merged in (index / "part-2", index / "part-3"):  # the first part's script, worker and wasm serve all
        assert not [p.name for p in merged.iterdir() if p.suffix in (".js", ".pagefind")]
        assert not (merged / PARTS).exists()
    assert (index / "pagefind.js").is_file() and list(index.glob("wasm.*.pagefind"))
    write_index(reversed(records), tmp_path / "b")

    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    assert files(tmp_path / "a") == files(tmp_path / "b")  # byte for byte, parts included
    monkeypatch.setattr(pagefind_index, "PART_SIZE", 4000)
    write_index(records, tmp_path / "a")  # a smaller edition again: one part, no folder of the last left
    assert json.loads((index / PARTS).read_text(encoding="utf-8")) == []
    assert not (index / "part-2").exists() and len(_fragments(tmp_path / "a")) == 10


def test_a_preview_keeps_unchanged_records_and_rewrites_in_the_background(tmp_path: Path) -> None:
    search = SearchRecords()
    search.start(keep=False)
    for name in ("a", "b", "c"):
        search.add(Record(f"{name}/", f"page {name}", {"title": name}))
    assert search.write(tmp_path, {"a/", "b/", "c/"}, language="en", background=True) == 3
    assert sorted(_fragments(tmp_path)) == ["a/", "b/", "c/"]  # the first index is written at once
    # a dirty rebuild renders only page b (edited) and page c is gone
    search.start(keep=True)
    search.add(Record("b/", "page b edited", {"title": "b"}))
    assert search.write(tmp_path, {"a/", "b/"}, language="en", background=True) == 2
    search.wait(timeout=120)
    fragments = _fragments(tmp_path)
    assert sorted(fragments) == ["a/", "b/"]
    assert fragments["b/"]["content"] == "page b edited" and fragments["a/"]["content"] == "page a"
    search.start(keep=True)  # a rebuild that changed nothing keeps the index as it is
    assert search.write(tmp_path, {"a/", "b/"}, language="en", background=True) == 0


def test_a_failing_indexer_fails_the_build_with_its_reason(
    small_plans: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index is written beside the page layout: its failure still ends the build, said plainly."""
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'no index today' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(broken))
    config = write_portal_config(tmp_path)
    site = tmp_path / "site"
    args = ["build", "-f", str(config), "--site-dir", str(site), "--no-diagrams", str(small_plans)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code not in (0, 70), result.output
    assert "search index" in result.output and "pagefind" in result.output, result.output
    assert "no index today" in result.output, result.output  # what pagefind itself said
    assert not (site / OUTPUT / "pagefind.js").exists()
