"""Material, set up for an intranet: theme overrides, no outside requests, fragments rendered once."""

from __future__ import annotations

import html
import logging
import posixpath
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig

from site_builder.generator import urls

PACKAGE = Path(__file__).parent.parent  # site_builder/
THEME_DIR = PACKAGE / "theme" if (PACKAGE / "theme").is_dir() else PACKAGE.parent / "theme"
log = logging.getLogger("mkdocs.plugins.vap")
STYLESHEETS = ("assets/vap.css", "assets/vap-search.css")
SEARCH_SCRIPT = "assets/vap-search.js"
"""The header search answered from the Pagefind index (search_index.py): an external file."""
SCRIPTS = (SEARCH_SCRIPT, "assets/vap-diagrams.js", "assets/vap-directory.js")
ASSETS = (*STYLESHEETS, *SCRIPTS)
"""Files of theme/assets the plugin adds to every site (plugin.on_files)."""
REQUIRED_EXTENSIONS = ("attr_list", "md_in_html", "admonition", "tables", "toc", "def_list")
MARKED_HTML = "site_builder.generator.safe_md"
"""The extension that keeps the generator's marked plan HTML whole through the Markdown pass (safe_md)."""


def configure(config: MkDocsConfig, *, changes: bool, preview: bool = False) -> None:
    """Theme overrides, the package's stylesheet and Markdown extensions, and a nav that stays small."""
    theme = config.theme
    theme["font"] = False  # intranet-safe: no Google Fonts request, whatever mkdocs.yml says
    config.extra.setdefault("generator", False)  # no "Made with Material" link to an outside host
    config.extra["vap_preview"] = preview  # theme/main.html: live reload's inline script
    if "content.tooltips" in theme.get("features", []):  # see docs/manual/security.md
        theme["features"] = [f for f in theme["features"] if f != "content.tooltips"]
        log.info("vap: content.tooltips is switched off: it renders titles copied from plan text as HTML")
    if str(THEME_DIR) not in theme.dirs:
        theme.dirs.insert(1 if theme.custom_dir else 0, str(THEME_DIR))
    for css in STYLESHEETS:
        if css not in config.extra_css:
            config.extra_css.append(css)
    scripts = {str(script) for script in config.extra_javascript}
    for script in SCRIPTS:  # ours, served locally
        if script not in scripts:
            config.extra_javascript.append(script)
    if config.nav is None:
        # MkDocs' automatic nav lists every page in every page: quadratic (see docs/performance.md)
        config.nav = default_nav(Path(config.docs_dir), changes=changes)
    for ext in (*REQUIRED_EXTENSIONS, MARKED_HTML):
        if ext not in config.markdown_extensions:
            config.markdown_extensions.append(ext)


SITE_NAME_FROM_PORTAL = "from portal.yaml"
"""mkdocs.yml's `site_name` placeholder (what `vap init` writes): the name comes from portal.yaml.
Any other `site_name` was set on purpose and wins."""


def name_site(config: MkDocsConfig, organization: str) -> None:
    """The organisation's own name in the header, the title and the search box, from portal.yaml,
    unless mkdocs.yml names the site on purpose (MkDocs requires `site_name`: hence a placeholder)."""
    if config.site_name.strip().lower() in (SITE_NAME_FROM_PORTAL, ""):
        config.site_name = f"{organization} plans"


def install(env: jinja2.Environment, bytecode: jinja2.BytecodeCache | None) -> jinja2.Environment:
    """Theme fragments that are the same for many pages are rendered once (theme/main.html,
    theme/partials/nav.html); Material's own templates stay reachable under `material/`.

    MkDocs/Material internal: Material's templates are found in its installed package folder."""
    import material

    fragments: dict[Any, str] = {}
    material_templates = Path(material.__file__).parent / "templates"
    material_loader = jinja2.PrefixLoader({"material": jinja2.FileSystemLoader(str(material_templates))})
    env.loader = jinja2.ChoiceLoader([env.loader, material_loader] if env.loader else [material_loader])

    def fragment(key: Any, caller: Any) -> str:
        out = fragments.get(key)
        if out is None:
            out = fragments[key] = caller()
        return out

    env.globals["vap_fragment"] = fragment
    env.globals["vap_nav_key"] = nav_fragment_key
    if bytecode is not None:  # MkDocs makes a new environment per rebuild: keep the compiled templates
        env.bytecode_cache = bytecode
    return env


class MemoryBytecode(jinja2.BytecodeCache):
    """Compiled theme templates kept across preview rebuilds (Jinja checks each against its source's
    checksum, so an edited template is compiled again): ~0.3 s of every rebuild."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


def nav_fragment_key(page: Any, nav: Any, base_url: str, features: Any) -> tuple[str, str, str] | None:
    """The cache key of the primary navigation of a page, or None when it must be rendered for this
    page alone: a page in the navigation marks itself active there, and `toc.integrate` puts the
    page's own table of contents into it."""
    if page is None or nav is None or "toc.integrate" in (features or ()):
        return None
    if page in nav.pages or getattr(page, "parent", None) is not None:
        return None
    # links are relative to the page's folder: roles/x/ and directory/x/ share a depth, not their links
    return ("nav", base_url, posixpath.dirname(str(getattr(page, "url", "")).rstrip("/")))


def default_nav(docs_dir: Path, *, changes: bool) -> list[dict[str, str]]:
    """A shallow navigation whose size does not grow with the number of roles."""
    nav = [{"Home": urls.HOME}]
    if (docs_dir / urls.START_HERE).is_file():
        nav.append({"Start here": urls.START_HERE})
    nav += [
        {"Strategy": urls.STRATEGY},
        {"Directory": urls.DIRECTORY},
        {"Organisation": urls.ORGANISATION},
        {"Alignment": urls.ALIGNMENT},
    ]
    if changes:
        nav.append({"What changed": urls.CHANGES})
    return nav


def error_banner(lines: list[str]) -> str:
    """What every preview page shows while the plans have errors (the last good pages stay)."""
    if not lines:
        return ""
    items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in lines[:20])
    more = f"<li>... and {len(lines) - 20} more</li>" if len(lines) > 20 else ""
    return (
        '<div class="vap-error-banner admonition failure" role="alert" data-search-exclude>'
        '<p class="admonition-title">The plans have errors: this preview shows the last good version</p>'
        f"<ul>{items}{more}</ul><p>Fix the file and save: this banner goes away on the next save.</p></div>"
    )
