"""The adapter's door (api.py) and every MkDocs/Material internal it leans on (docs/architecture.md):
each test here fails if an upgrade of MkDocs or Material breaks one of them."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import material
import pytest
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer

from site_builder.checking.check import run_checks
from site_builder.errors import BuildError
from site_builder.mkdocs_adapter import api
from site_builder.mkdocs_adapter.plugin import VapPlugin
from site_builder.mkdocs_adapter.serve import native_watcher
from tests.conftest import write_portal_config

MATERIAL_TEMPLATES = Path(material.__file__).parent / "templates"
SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'


@pytest.fixture
def portal(small_plans: Path) -> Path:
    """A fixture portal: small plans beside a minimal mkdocs.yml."""
    config = write_portal_config(small_plans.parent)
    config.write_text(
        config.read_text().replace(
            "plugins:\n  - vap\n  - search\n  - tags\n", "plugins:\n  - vap:\n      plans: x\n  - search\n"
        )
    )
    return config


def test_overrides_set_the_plugin_options_and_keep_the_other_plugins(portal: Path, small_plans: Path) -> None:
    settings = api.SiteSettings(small_plans, audience="leadership", diagrams=False, previous=Path("p.json"))
    overrides = api.overrides(portal, settings)
    assert overrides == {
        "plugins": {
            "vap": {
                "plans": str(small_plans.resolve()),
                "audience": "leadership",
                "diagrams": False,
                "previous": str(Path("p.json").resolve()),
            },
            "search": {},
        }
    }


def test_serve_can_hand_the_same_overrides_to_every_rebuild(portal: Path, small_plans: Path) -> None:
    """mkdocs serve passes its keyword arguments to load_config at every rebuild: MkDocs must read the
    plugins mapping without consuming it (a list of one-key mappings would be emptied by popitem)."""
    overrides = api.overrides(portal, api.SiteSettings(small_plans, audience="preview", diagrams=False))
    for _ in range(2):
        config = load_config(str(portal), **overrides)
        plugin = config.plugins["vap"]
        assert isinstance(plugin, VapPlugin)
        assert (plugin.config.plans, plugin.config.audience, plugin.config.diagrams) == (
            str(small_plans.resolve()),
            "preview",
            False,
        )
        assert "material/search" in config.plugins


def test_a_config_without_the_plugin_is_refused(tmp_path: Path, small_plans: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\ntheme: material\nplugins:\n  - search\n")
    with pytest.raises(BuildError, match="does not use the 'vap' plugin"):
        api.overrides(config, api.SiteSettings(small_plans))


def test_build_returns_the_view_its_pages_came_from(portal: Path, small_plans: Path, tmp_path: Path) -> None:
    checked = run_checks(small_plans)
    built = api.build_site(
        portal, api.SiteSettings(small_plans, diagrams=False), site_dir=tmp_path / "site", checked=checked
    )
    assert built.site_dir == tmp_path / "site"
    assert built.generated.check is checked  # read once: the plugin used the caller's check
    roles = sorted(built.generated.view.plans.roles)
    assert roles and all((built.site_dir / "roles" / r / "index.html").is_file() for r in roles)
    # HtmlPage: MkDocs kept the page set on File.page and called its render (a TOC from our headings)
    page = (built.site_dir / "roles" / roles[0] / "index.html").read_text(encoding="utf-8")
    toc = page[page.index('data-md-type="toc"') : page.index('class="md-content"')]
    headings = re.findall(r'<h2 id="([^"]+)"', page)
    assert headings and all(f'href="#{anchor}"' in toc for anchor in headings)
    # the search partial: Material's own, with the dialog named
    assert 'role="dialog" aria-label="Search"' in page
    index = built.site_dir / "pagefind"
    fragments = [gzip.decompress(f.read_bytes()).decode("utf-8") for f in index.rglob("*.pf_fragment")]
    assert any(f'"url":"roles/{roles[0]}/"' in f for f in fragments)
    assert 'data-vap-search role="dialog"' in page and '<form class="md-search__form">' in page


def test_material_still_has_what_the_theme_overrides_lean_on() -> None:
    """theme/partials/search.html edits one tag of Material's partial; theme/partials/nav.html and
    theme/main.html include Material's templates through the `material/` prefix and its config block."""
    search = (MATERIAL_TEMPLATES / "partials" / "search.html").read_text(encoding="utf-8")
    assert search.count(SEARCH_DIALOG) == 1
    assert search.count('<form class="md-search__form" name="search">') == 1  # the bundle's index trigger
    assert search.count('<div class="md-search-result" data-md-component="search-result">') == 1
    assert (MATERIAL_TEMPLATES / "partials" / "nav.html").is_file()
    assert "{% block config %}" in (MATERIAL_TEMPLATES / "base.html").read_text(encoding="utf-8")


def test_the_live_reload_server_still_keeps_its_watches_where_the_native_watcher_finds_them(
    tmp_path: Path,
) -> None:
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    try:
        server.watch(str(tmp_path))
        assert server._watched_paths == {str(tmp_path): 1}
        polling = server.observer
        native_watcher(server)
        assert server.observer is not polling
        assert type(server.observer).__name__ == "ChangesOnly"
        assert server._watched_paths == {str(tmp_path): 1}
    finally:
        server.server_close()
