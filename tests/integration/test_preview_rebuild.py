"""A preview rebuild after an edit leaves the site exactly as a fresh preview build of the edited
plans: pages reused from the last build (their Page objects and outputs) are the pages it would make."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from site_builder.authoring.synth import generate as synth
from site_builder.loading import loader
from site_builder.mkdocs_adapter import quick
from site_builder.mkdocs_adapter.api import SiteSettings, overrides
from site_builder.mkdocs_adapter.plugin import VapPlugin
from tests.conftest import write_portal_config

URL = "http://127.0.0.1:8000/"


def _config(config_file: Path, site: Path) -> MkDocsConfig:
    """As `vap serve` loads it before each build."""
    settings = SiteSettings(config_file.parent / "plans", audience="preview", diagrams=True)
    config = load_config(config_file=str(config_file), site_dir=str(site), **overrides(config_file, settings))
    config.site_url = URL
    return config


def _preview(config_file: Path, site: Path) -> MkDocsConfig:
    """A first preview build (the plugin then lives on across rebuilds, as in `vap serve`).

    MkDocs keeps a plugin that has on_startup alive for the life of the process, in its `plugins`
    option: forgotten here, so that each test starts a preview of its own organisation."""
    MkDocsConfig.__dict__["plugins"].plugin_cache.clear()
    config = _config(config_file, site)
    config.plugins.on_startup(command="serve", dirty=True)
    build(config, serve_url=URL, dirty=True)
    return config


def _pages(site: Path) -> dict[str, bytes]:
    """Every page, the sitemap and the directory's data. Not the search index (written in the
    background: tests/integration/test_search_index.py) nor Material's tags.json, which its tags plugin
    writes from the pages rendered in the build: after a preview rebuild, those of the edit only."""
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.suffix in (".html", ".xml", ".json") and "pagefind" not in p.parts and p.name != "tags.json"
    }


def _rebuild(config_file: Path, site: Path, plugin: VapPlugin, *, quick: bool) -> bool:
    """One rebuild as `vap serve` makes it: the quick one when it can (quick.py), else MkDocs' dirty
    build; whether the quick one made it."""
    if quick and plugin.quick_rebuild():
        plugin.search.wait()
        return True
    build(_config(config_file, site), serve_url=URL, dirty=True)
    plugin.search.wait()
    return False


@pytest.mark.parametrize("quick", [True, False], ids=["quick", "mkdocs"])
@pytest.mark.parametrize("edit", ["value add", "status", "outcome title", "half-typed"])
def test_a_rebuild_equals_a_fresh_build(tmp_path: Path, edit: str, quick: bool) -> None:
    org = tmp_path / "org"
    synth(org, 60, seed=8)
    config_file = write_portal_config(org)
    role = sorted((org / "plans" / "roles").rglob("*.yaml"))[20]
    text = role.read_text(encoding="utf-8")
    first = _preview(config_file, tmp_path / "site")
    edited = {
        "value add": text.replace('value_add: "', 'value_add: "Edited. ', 1),
        "status": text.replace("status: confirmed", "status: draft", 1).replace(
            "status: draft\n", "status: discussed\n", 1
        ),
        "outcome title": text.replace('    title: "', '    title: "Edited ', 1),
        "half-typed": text.replace('value_add: "', "value_add: [", 1),
    }[edit]
    assert edited != text
    role.write_text(edited, encoding="utf-8")
    loader.forget_parsed()
    plugin = first.plugins["vap"]
    assert isinstance(plugin, VapPlugin)
    took = _rebuild(config_file, tmp_path / "site", plugin, quick=quick)
    assert took == (quick and edit != "half-typed"), plugin.why_full  # a banner reaches every page
    if edit == "half-typed":  # the last good pages with a banner; then the plans are fixed again
        role.write_text(text.replace('value_add: "', 'value_add: "Fixed. ', 1), encoding="utf-8")
        assert not _rebuild(config_file, tmp_path / "site", plugin, quick=quick)  # the banner goes
        role.write_text(text.replace('value_add: "', 'value_add: "Fixed again. ', 1), encoding="utf-8")
        assert _rebuild(config_file, tmp_path / "site", plugin, quick=quick) == quick, plugin.why_full
    rebuilt = _pages(tmp_path / "site")
    first.plugins.on_shutdown()
    fresh_org = tmp_path / "fresh"
    shutil.copytree(org / "plans", fresh_org / "plans")
    write_portal_config(fresh_org)
    _preview(fresh_org / "mkdocs.yml", tmp_path / "fresh-site").plugins.on_shutdown()
    fresh = _pages(tmp_path / "fresh-site")
    assert rebuilt.keys() == fresh.keys()
    assert [p for p in fresh if rebuilt[p] != fresh[p]] == []


class _Server:
    """What on_serve touches of MkDocs' live-reload server: its builder and watch()."""

    def __init__(self, builder: Callable[[], None]) -> None:
        self.builder = builder
        self.watched: list[str] = []

    def watch(self, path: str) -> None:
        self.watched.append(path)


def test_a_quick_rebuild_that_fails_hands_over_to_mkdocs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = tmp_path / "org"
    synth(org, 40, seed=9)
    config_file = write_portal_config(org)
    first = _preview(config_file, tmp_path / "site")
    plugin = first.plugins["vap"]
    assert isinstance(plugin, VapPlugin)
    builds: list[str] = []

    def full() -> None:
        builds.append("mkdocs")
        build(_config(config_file, tmp_path / "site"), serve_url=URL, dirty=True)

    server = _Server(full)
    plugin.on_serve(server, config=first, builder=full)
    assert server.builder is not full and str(plugin.plans_dir(first)) in server.watched

    def broken(*args: object) -> None:
        builds.append("quick")
        raise RuntimeError("a theme template failed")

    monkeypatch.setattr(quick, "write", broken)
    role = sorted((org / "plans" / "roles").rglob("*.yaml"))[10]
    role.write_text(role.read_text(encoding="utf-8").replace('value_add: "', 'value_add: "Edited. ', 1))
    server.builder()
    assert builds == ["quick", "mkdocs"]  # the quick rebuild got as far as writing, then failed
    plugin.search.wait()
    rebuilt = _pages(tmp_path / "site")
    first.plugins.on_shutdown()
    shutil.copytree(org / "plans", tmp_path / "fresh" / "plans")
    write_portal_config(tmp_path / "fresh")
    _preview(tmp_path / "fresh" / "mkdocs.yml", tmp_path / "fresh-site").plugins.on_shutdown()
    fresh = _pages(tmp_path / "fresh-site")
    assert any("Edited. " in page.decode() for page in rebuilt.values())
    assert [p for p in fresh if rebuilt.get(p) != fresh[p]] == []
