"""The MkDocs plugin: runs the generator into a cache folder and connects its pages to MkDocs.

Generated pages are added as file-backed generated files (unchanged files keep their mtime, so MkDocs
can skip them), Material gets the package's theme overrides (theme.py), `vap:` links of pages and
inline diagrams become real relative URLs (links.py), and every indexed page becomes a record of the
edition's Pagefind index (search_index.py). Commands reach it through api.py; `mkdocs build` and
`mkdocs serve` use it as is.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from site_builder import progress
from site_builder.checking.check import CheckResult
from site_builder.generator import urls
from site_builder.generator.generate import Generated, generate
from site_builder.generator.search_records import Facets, page_record, role_facets
from site_builder.mkdocs_adapter import quick, theme
from site_builder.mkdocs_adapter.dates import site_date
from site_builder.mkdocs_adapter.html_page import HtmlPage
from site_builder.mkdocs_adapter.links import defuse, rewrite_links
from site_builder.mkdocs_adapter.search_index import SearchRecords, drop_material_index
from site_builder.mkdocs_adapter.serve import native_watcher

log = logging.getLogger("mkdocs.plugins.vap")

_DIAGRAM = re.compile(r"<!--vap-diagram (\S+) [0-9a-f]+-->")


class VapConfig(Config):
    plans = c.Type(str, default="plans")
    """The planning repository, relative to mkdocs.yml."""
    audience = c.Optional(c.Type(str))
    """Audience of this edition; default: `default_audience` of portal.yaml ('preview' shows everything)."""
    diagrams = c.Type(bool, default=True)
    """Draw Graphviz diagrams (needs `dot`); `vap build --no-diagrams` turns them off."""
    previous = c.Optional(c.Type(str))
    """plans.json of an earlier cycle: adds the "What changed" page (set by `vap publish`)."""
    cache_dir = c.Type(str, default=".cache/vap")
    """Generated pages and rendered diagrams, relative to mkdocs.yml (outside docs/)."""


class VapPlugin(BasePlugin[VapConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.generated: Generated | None = None
        self.checked: CheckResult | None = None
        """The plans as the calling command already checked them (api.build_site): read only once."""
        self.serving = False
        self.banner = ""
        """HTML shown on every preview page while the plans have errors."""
        self.svgs: dict[str, str] = {}
        """Diagrams of the last good generation, put into the final HTML of each page (on_post_page)."""
        self.rebuild_all = False
        self._reusable = False
        self.page_urls: set[str] = set()
        self.generated_root = Path()
        """The generated docs folder of this edition (set in on_config, read in on_files)."""
        self._file_cache: dict[str, File] = {}
        self._whole = False
        """The last preview build wrote every page it rendered (on_post_build ran): the pages and
        outputs of generated files that did not change since can be reused as they are."""
        self._bytecode = theme.MemoryBytecode()
        self._file_setting: tuple[str, str, bool] | None = None
        self.search = SearchRecords()
        self.history_said: str | None = None
        """Search records of every page, kept across dirty preview rebuilds (they render what changed)."""
        self.facets: Mapping[str, Facets] = {}
        self.indexed: set[str] = set()
        """Markdown pages of this build that search indexes (Material's indexer is told to skip them)."""
        self._last: quick.LastBuild | None = None
        """What the last full preview build laid pages out with (quick.py); None outside a preview."""
        self._nav: Any = None
        self._files: Files | None = None
        self._env: Any = None
        self._shadowed: set[str] = set()
        """Generated pages a hand-written docs/ page of the same name replaces."""
        self.why_full = ""
        """Why the last preview rebuild was MkDocs' dirty build, not a quick one ("" when quick)."""
        self._fell_back: str | None = None
        """The banner before a generation that a quick rebuild made and then handed to MkDocs' build."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defining on_startup keeps this plugin (and its state) alive across `mkdocs serve` rebuilds."""
        self.serving = command == "serve"

    def _root(self, config: MkDocsConfig) -> Path:
        return Path(config.config_file_path or ".").resolve().parent

    def plans_dir(self, config: MkDocsConfig) -> Path:
        return (self._root(config) / self.config.plans).resolve()

    def previous(self, config: MkDocsConfig) -> Path | None:
        return (self._root(config) / self.config.previous).resolve() if self.config.previous else None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        whole, self._whole = self._whole, False
        self._last = None
        theme.configure(config, changes=self.config.previous is not None, preview=self.serving)
        fell_back, self._fell_back = self._fell_back, None
        previous_banner = self.banner if fell_back is None else fell_back
        if fell_back is None:  # else a quick rebuild generated the pages of this build already
            self._generate(config)
        assert self.generated is not None
        theme.name_site(config, self.generated.view.plans.portal.organization)
        self.rebuild_all = self.banner != previous_banner  # the banner must reach every page
        self._reusable = whole and not self.rebuild_all and not self.generated.last_good
        if not self.generated.last_good:
            self.svgs = self.generated.svgs
        _log_generation(self.generated)
        self._say_history(self.generated.history_note)
        return config

    def _generate(self, config: MkDocsConfig) -> None:
        """Generate the edition's pages into the cache folder; in a preview, keep the last good pages
        and set the banner when the plans have errors."""
        audience = self.config.audience
        if self.serving and audience is None:
            audience = "preview"
        cache = self._root(config) / self.config.cache_dir
        self.generated_root = cache / "editions" / (audience or "default") / "docs"
        checked, self.checked = self.checked, None
        try:
            self.generated = generate(
                self.plans_dir(config),
                self.generated_root,
                audience=audience,
                diagrams=self.config.diagrams,
                cache_dir=cache / "diagrams",
                on_errors="keep" if self.serving else "raise",
                previous=self.previous(config),
                directory_urls=config.use_directory_urls,
                reuse=self.generated if self.serving else None,
                keep_texts=self.serving,
                checked=checked,
            )
            errors = self.generated.check.errors if self.serving else ()
            self.banner = theme.error_banner([f"{f.loc}: {f.message}" for f in errors])
        except Exception as exc:
            if not self.serving or self.generated is None:
                raise
            # a preview never dies of a half-typed plan: keep the last good pages, say what failed
            log.error("vap: %s", exc)
            self.banner = theme.error_banner([str(exc)])

    def quick_rebuild(self) -> bool:
        """A preview rebuild of the pages a plan edit rewrote, without MkDocs' walk of every file
        (quick.py); False when the edit could change more than those pages: then MkDocs' dirty build
        runs (with the pages this call generated, if it got that far). `why_full` says why."""
        why = self._quick()
        self.why_full = why
        if why:
            log.debug("vap: MkDocs' dirty build, not a quick rebuild: %s", why)
        return not why

    def _quick(self) -> str:
        last, before = self._last, self.generated
        if last is None or before is None or not self._whole:
            return "no full preview build to start from"
        if quick.inputs(last.config, _theme_dirs(last.config)) != last.inputs:
            return "docs/, mkdocs.yml or the theme changed"
        banner = self.banner
        self._generate(last.config)
        g = self.generated
        assert g is not None
        self._fell_back = banner
        changed = {
            "no new generation": g is before,
            "the plans have errors": g.last_good,
            "the banner changed": self.banner != banner,
            "pages were added or removed": g.pages != before.pages or g.statics != before.statics,
            "files were removed": bool(g.written.removed),
            "the site's date changed": site_date(g.view.plans).isoformat() != last.day,
            "the organisation's name changed": g.view.plans.portal.organization != last.organisation,
        }
        if any(changed.values()):
            return ", ".join(k for k, v in changed.items() if v)
        files = [self._file_cache.get(p) for p in g.written.written if p not in self._shadowed]
        if any(f is None or (f.is_documentation_page() and f.page is None) for f in files):
            return "a rewritten page has no page of the last build"
        pages = [f.page for f in files if f is not None and f.page is not None]
        statics = [f for f in files if f is not None and f.page is None]
        in_nav = {id(p) for p in last.nav.pages}
        titles = {id(p): p.title for p in pages if id(p) in in_nav}
        self.search.start(keep=True)
        self.facets = role_facets(g.view)
        self.indexed = set()
        self.svgs = g.svgs
        quick.populate(pages, last)
        if any(p.title != titles[id(p)] for p in pages if id(p) in titles):
            return "a title in the navigation changed"  # every page shows it
        quick.write(pages, statics, last)
        self._fell_back = None
        site = Path(last.config.site_dir)
        self.search.write(site, self.page_urls, language=_language(last.config), background=True)
        _log_generation(g)
        self._say_history(g.history_note)
        log.info("vap: %d pages laid out again, the other pages as they were", len(pages))
        return ""

    def _say_history(self, note: str | None) -> None:
        """Why role pages show no plan history, said once (a preview says it again only if it changes).
        Info, not a warning: a planning folder outside git is normal, and --strict refuses warnings."""
        if note is not None and note != self.history_said:
            log.info("vap: role pages show no plan history: %s", note)
        self.history_said = note

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.generated is not None
        self.search.start(keep=self.serving)
        self.facets = role_facets(self.generated.view)
        self.indexed = set()
        root = str(self.generated_root)
        known = files.src_uris  # our paths are already posix: no pathlib per lookup
        # a preview rebuild reuses the File objects of the last build (20,000 at 10,000 roles):
        # their URLs and paths depend only on the settings in the key
        setting = (root, config.site_dir, config.use_directory_urls, *_page_settings(config))
        if not self.serving or self._file_setting != setting:
            self._file_cache.clear()
            self._file_setting = setting
            self._reusable = False
        rewritten = set(self.generated.written.written)
        self._shadowed = set()
        for path in self.generated.pages:
            if path in known:
                self._shadowed.add(path)
                continue  # a hand-written docs/ page of the same name wins
            file = self._generated_file(config, path, root, path in rewritten)
            files.append(file)
            if urls.is_html_page(path) and file.page is None:
                HtmlPage(None, file, config)  # MkDocs 1.6 keeps a page a plugin sets on File.page
        for path in self.generated.statics:
            files.append(self._generated_file(config, path, root, path in rewritten))
        if self.serving and self.rebuild_all:
            for file in files.documentation_pages():
                file.is_modified = lambda: True  # type: ignore[method-assign]
        for asset in theme.ASSETS:
            source = theme.THEME_DIR / asset
            if files.get_file_from_path(asset) is None and source.is_file():
                files.append(File.generated(config, asset, abs_src_path=str(source)))
        return files

    def _generated_file(self, config: MkDocsConfig, path: str, root: str, rewritten: bool) -> File:
        """The File of a generated page; in a preview rebuild the last build's, and when the page's
        source was not rewritten and the last build wrote every page, its Page too, marked unmodified
        (MkDocs would stat its source and output three times to learn that, and make a new Page)."""
        file = self._file_cache.get(path) if self.serving else None
        if file is None:
            file = File.generated(config, path, abs_src_path=f"{root}/{path}")
            if self.serving:
                self._file_cache[path] = file
        elif rewritten or not self._reusable:
            file.page = None  # MkDocs (or on_files) gives it this build's page
            file.__dict__.pop("is_modified", None)  # a forced rebuild, or unmodified, of the last build
        else:
            file.is_modified = _unmodified  # type: ignore[method-assign]
            if file.page is not None:
                file.page.active = False
        return file

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        assert self.generated is not None
        day = site_date(self.generated.view.plans).isoformat()  # not the build day (dates.py)
        for file in files.documentation_pages():
            if file.page is not None:
                file.page.update_date = day  # the sitemap's lastmod and its .gz mtime come from these
        if not self.serving:  # every record is known now: Pagefind indexes while pages are laid out
            self.search.write_early(Path(config.site_dir), self.page_urls, language=_language(config))
        self._env = theme.install(env, self._bytecode if self.serving else None)
        return self._env

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.page_urls = {f.url for f in files.documentation_pages()}
        self._nav, self._files = nav, files
        if not self.serving:
            progress.start("MkDocs: laying out the pages in the theme", len(self.page_urls))
        return nav

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        options = page.meta.get("search") or {}
        # ours to index (Material's index is not shipped); HtmlPages decide in their render()
        if not isinstance(page, HtmlPage) and not options.get("exclude"):
            self.indexed.add(page.file.src_uri)
            page.meta = {**page.meta, "search": {**options, "exclude": True}}
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        html = defuse(rewrite_links(html, page.file.src_uri, config, page_url=page.file.url))
        if page.indexed if isinstance(page, HtmlPage) else page.file.src_uri in self.indexed:
            title = str(page.meta.get("title") or page.title or "")
            self.search.add(page_record(page.url, title, html, self.facets.get(page.file.src_uri)))
        return self.banner + html if self.banner else html

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        progress.advance()
        if "<!--vap-diagram " not in output:
            return output

        def svg(match: re.Match[str]) -> str:
            found = self.svgs.get(match.group(1))
            if found is None:
                return ""
            return rewrite_links(found, page.file.src_uri, config, page_url=page.file.url)

        return _DIAGRAM.sub(svg, output)

    @event_priority(-100)  # after Material's search plugin has written its (empty) index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._whole = self.serving
        if not self.serving:
            progress.start("Finishing the search index (written while the pages were laid out)")
        site = Path(config.site_dir)
        drop_material_index(site)
        if self.serving:
            self.search.write(site, self.page_urls, language=_language(config), background=True)
            self._keep_last(config)
            return
        count = self.search.finish_early()
        if count:
            log.info(
                "vap: search index of %d pages written in %.2f s (the build waited %.2f s for it)",
                count,
                self.search.seconds,
                self.search.waited,
            )

    def _keep_last(self, config: MkDocsConfig) -> None:
        """Keep what this preview build laid the pages out with, for quick rebuilds (quick.py)."""
        if not quick.usable(config) or self.generated is None or self._files is None:
            self._last = None
            return
        self._last = quick.LastBuild(
            config=config,
            files=self._files,
            nav=self._nav,
            env=self._env,
            inputs=quick.inputs(config, _theme_dirs(config)),
            day=site_date(self.generated.view.plans).isoformat(),
            organisation=self.generated.view.plans.portal.organization,
        )

    def on_build_error(self, *, error: Exception) -> None:
        self.search.finish_early(check=False)  # no indexer left writing into the folder of a failed build

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        native_watcher(server)
        server.watch(str(self.plans_dir(config)))
        full = server.builder

        def rebuild() -> None:
            try:
                quick_done = self.quick_rebuild()
            except Exception as exc:  # MkDocs' build starts again from the generated pages
                log.warning("vap: the quick rebuild failed (%s); MkDocs rebuilds instead", exc)
                quick_done = False
            if not quick_done:
                full()

        server.builder = rebuild  # MkDocs internal: the server calls `builder()` after each change
        return server


def _language(config: MkDocsConfig) -> str:
    """The site's language, which the search index is built for."""
    return str(config.theme.get("language") or "en")


def _theme_dirs(config: MkDocsConfig) -> list[Path]:
    """The theme folders a user edits: a `custom_dir` and the portal's overrides (not Material's)."""
    dirs = [theme.THEME_DIR]
    custom = config.theme.custom_dir
    if custom:
        dirs.append(Path(custom))
    return dirs


def _unmodified() -> bool:
    """File.is_modified of a generated file whose source and output are the last build's."""
    return False


def _page_settings(config: MkDocsConfig) -> tuple[Any, ...]:
    """What a Page takes from the configuration when it is made (its canonical and edit URLs)."""
    return (config.site_url, config.repo_url, config.edit_uri, config.edit_uri_template)


def _log_generation(g: Generated) -> None:
    log.info(
        "vap: %d pages (%d rewritten, %d removed), diagrams %d rendered / %d cached; %s",
        len(g.pages),
        len(g.written.written),
        len(g.written.removed),
        g.diagrams_rendered,
        g.diagrams_cached,
        ", ".join(f"{k} {v:.2f}" for k, v in g.timings.items()),
    )


__all__ = ["VapConfig", "VapPlugin"]
