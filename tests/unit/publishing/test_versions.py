"""versions.json: typed entries, the order and `latest`, hand-edited keys kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder.errors import PortalError
from site_builder.publishing.versions import dumps, read_versions, redirect_page, updated_versions


def test_a_new_cycle_goes_first_with_latest(tmp_path: Path) -> None:
    (tmp_path / "versions.json").write_text(
        '[{"version": "H1", "title": "First half", "aliases": ["latest", "kept"],'
        ' "properties": {"hidden": true}, "note": "by hand"}]'
    )
    text = dumps(updated_versions(read_versions(tmp_path), "H2"))
    assert json.loads(text) == [
        {"version": "H2", "title": "H2", "aliases": ["latest"], "properties": {"hidden": False}},
        {
            "version": "H1",
            "title": "First half",
            "aliases": ["kept"],
            "properties": {"hidden": True},
            "note": "by hand",
        },
    ]


def test_a_replaced_cycle_keeps_its_place_and_gains_missing_keys(tmp_path: Path) -> None:
    (tmp_path / "versions.json").write_text('[{"version": "H2"}, {"version": "H1", "aliases": ["old"]}]')
    out = json.loads(dumps(updated_versions(read_versions(tmp_path), "H1")))
    assert out == [
        {"version": "H2", "aliases": ["latest"]},
        {"version": "H1", "title": "H1", "aliases": ["old"], "properties": {"hidden": False}},
    ]


def test_a_file_that_is_not_versions_json_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "versions.json").write_text('{"version": "H1"}')
    with pytest.raises(PortalError, match=r"versions\.json is not a versions\.json vap can update"):
        read_versions(tmp_path)


def test_redirect_page_escapes_the_cycle() -> None:
    page = redirect_page("FY<1>")
    assert 'url=FY%3C1%3E/"' in page and "<title>Plans FY&lt;1&gt;</title>" in page
