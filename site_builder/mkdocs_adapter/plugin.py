"""The MkDocs adapter, kept thin: every MkDocs import of the package lives here.

The plugin runs the generator into a cache folder, adds the generated pages as
file-backed generated files (unchanged files keep their mtime, so MkDocs can skip
them), points Material at the package's theme overrides, and rewrites the `vap:`
links of inline diagrams into real relative URLs.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from site_builder.generator import search, urls
from site_builder.generator.generate import Generated, generate
from site_builder.generator.safe_md import safe_url

log = logging.getLogger("mkdocs.plugins.vap")

PACKAGE = Path(__file__).parent.parent  # site_builder/
THEME_DIR = PACKAGE / "theme" if (PACKAGE / "theme").is_dir() else PACKAGE.parent / "theme"
_VAP_LINK = re.compile(r'(href|xlink:href)="vap:([^"#]*)(#[^"]*)?"')
_ATTR_URL = re.compile(r'\s(href|src|xlink:href|action|formaction)\s*=\s*("([^"]*)"|\'([^\']*)\')', re.I)
_EVENT_ATTR = re.compile(r"""\son[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.I)
_TAG = re.compile(r"<[a-zA-Z][^>]*>")
_MARKUP = re.compile(r"</?[a-zA-Z][^>]*>")
_DIAGRAM = re.compile(r"<!--vap-diagram (\S+) [0-9a-f]+-->")
_HEADING = re.compile(r'<h([1-6]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_ID = re.compile(r'\sid="([^"]+)"')
REQUIRED_EXTENSIONS = ("attr_list", "md_in_html", "admonition", "tables", "toc")


class VapConfig(Config):
    plans = c.Type(str, default="plans")
    """The planning repository, relative to mkdocs.yml."""
    audience = c.Optional(c.Type(str))
    """Audience of this edition; default: `default_audience` of portal.yaml ('preview' shows everything)."""
    diagrams = c.Type(bool, default=True)
    """Draw Graphviz diagrams (needs `dot`); `vap build --no-diagrams` turns them off."""
    cache_dir = c.Type(str, default=".cache/vap")
    """Generated pages and rendered diagrams, relative to mkdocs.yml (outside docs/)."""


class VapPlugin(BasePlugin[VapConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.generated: Generated | None = None
        self.serving = False
        self.banner = ""
        """HTML shown on every preview page while the plans have errors."""
        self.svgs: dict[str, str] = {}
        """Diagrams of the last good generation, put into the final HTML of each page (on_post_page)."""
        self.rebuild_all = False
        self.page_urls: set[str] = set()
        self.generated_root = Path()
        """The generated docs folder of this edition (set in on_config, read in on_files)."""
        self._file_cache: dict[str, File] = {}
        self._bytecode = _MemoryBytecode()
        self._file_setting: tuple[str, str, bool] | None = None
        self.search_docs: dict[str, list[dict[str, Any]]] = {}
        """Search entries of every page, kept across dirty preview rebuilds (they index only what changed)."""
        self.html_entries: list[dict[str, Any]] = []
        """Search entries of the HtmlPages of this build (Material's indexer skips them; see search.py)."""

    @property
    def overrides(self) -> dict[str, Any]:
        """What `vap build/serve/publish` asked for (set through VAP_* variables, see docs/manual/cli.md)."""
        out: dict[str, Any] = {}
        if os.environ.get("VAP_PLANS"):
            out["plans"] = os.environ["VAP_PLANS"]
        if os.environ.get("VAP_AUDIENCE"):
            out["audience"] = os.environ["VAP_AUDIENCE"]
        if os.environ.get("VAP_NO_DIAGRAMS") == "1":
            out["diagrams"] = False
        if os.environ.get("VAP_PREVIOUS"):
            out["previous"] = Path(os.environ["VAP_PREVIOUS"])
        return out

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defining on_startup keeps this plugin (and its state) alive across `mkdocs serve` rebuilds."""
        self.serving = command == "serve"

    def _root(self, config: MkDocsConfig) -> Path:
        return Path(config.config_file_path or ".").resolve().parent

    def plans_dir(self, config: MkDocsConfig) -> Path:
        plans = str(self.overrides.get("plans", self.config.plans))
        return (self._root(config) / plans).resolve()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        theme = config.theme
        theme["font"] = False  # intranet-safe: no Google Fonts request, whatever mkdocs.yml says
        config.extra.setdefault("generator", False)  # no "Made with Material" link to an outside host
        config.extra["vap_preview"] = self.serving  # theme/main.html: live reload's inline script
        if "content.tooltips" in theme.get("features", []):  # see docs/manual/security.md
            theme["features"] = [f for f in theme["features"] if f != "content.tooltips"]
            log.info("vap: content.tooltips is switched off: it renders titles copied from plan text as HTML")
        if str(THEME_DIR) not in theme.dirs:
            theme.dirs.insert(1 if theme.custom_dir else 0, str(THEME_DIR))
        if "assets/vap.css" not in config.extra_css:
            config.extra_css.append("assets/vap.css")
        if config.nav is None:
            # MkDocs' automatic nav lists every page in every page: quadratic (see docs/performance.md)
            config.nav = default_nav(Path(config.docs_dir), changes=bool(self.overrides.get("previous")))
        for ext in REQUIRED_EXTENSIONS:
            if ext not in config.markdown_extensions:
                config.markdown_extensions.append(ext)
        audience = self.overrides.get("audience", self.config.audience)
        if self.serving and audience is None:
            audience = "preview"
        cache = self._root(config) / self.config.cache_dir
        self.generated_root = cache / "editions" / (audience or "default") / "docs"
        previous_banner = self.banner
        try:
            self.generated = generate(
                self.plans_dir(config),
                self.generated_root,
                audience=audience,
                diagrams=self.overrides.get("diagrams", self.config.diagrams),
                cache_dir=cache / "diagrams",
                on_errors="keep" if self.serving else "raise",
                previous=self.overrides.get("previous"),
                directory_urls=config.use_directory_urls,
                reuse=self.generated if self.serving else None,
                keep_texts=self.serving,
            )
            self.banner = _banner(self.generated.check.errors) if self.serving else ""
        except Exception as exc:
            if not self.serving or self.generated is None:
                raise
            # a preview never dies of a half-typed plan: keep the last good pages, say what failed
            log.error("vap: %s", exc)
            self.banner = _banner_text([str(exc)])
        self.rebuild_all = self.banner != previous_banner  # the banner must reach every page
        if self.generated is not None and not self.generated.last_good:
            self.svgs = self.generated.svgs
        g = self.generated
        log.info(
            "vap: %d pages (%d rewritten, %d removed), diagrams %d rendered / %d cached; %s",
            len(g.pages),
            len(g.written.written),
            len(g.written.removed),
            g.diagrams_rendered,
            g.diagrams_cached,
            ", ".join(f"{k} {v:.2f}" for k, v in g.timings.items()),
        )
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.generated is not None
        self.html_entries = []
        root = str(self.generated_root)
        known = files.src_uris  # our paths are already posix: no pathlib per lookup
        # a preview rebuild reuses the File objects of the last build (20,000 at 10,000 roles):
        # their URLs and paths depend only on the settings in the key
        setting = (root, config.site_dir, config.use_directory_urls)
        if not self.serving or self._file_setting != setting:
            self._file_cache.clear()
            self._file_setting = setting
        for path in self.generated.pages:
            if path in known:
                continue  # a hand-written docs/ page of the same name wins
            file = self._generated_file(config, path, root)
            files.append(file)
            if urls.is_html_page(path):
                HtmlPage(None, file, config)  # MkDocs 1.6 keeps a page a plugin sets on File.page
        for path in self.generated.statics:
            files.append(self._generated_file(config, path, root))
        if self.serving and self.rebuild_all:
            for file in files.documentation_pages():
                file.is_modified = lambda: True  # type: ignore[method-assign]
        css = THEME_DIR / "assets" / "vap.css"
        if files.get_file_from_path("assets/vap.css") is None and css.is_file():
            files.append(File.generated(config, "assets/vap.css", abs_src_path=str(css)))
        return files

    def _generated_file(self, config: MkDocsConfig, path: str, root: str) -> File:
        file = self._file_cache.get(path) if self.serving else None
        if file is None:
            file = File.generated(config, path, abs_src_path=f"{root}/{path}")
            if self.serving:
                self._file_cache[path] = file
        else:
            file.page = None  # MkDocs (or on_files) gives it this build's page
            file.__dict__.pop("is_modified", None)  # a forced rebuild of the last build
        return file

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Theme fragments that are the same for many pages are rendered once (theme/main.html,
        theme/partials/nav.html); Material's own partials stay reachable under `material/`."""
        import material

        fragments: dict[Any, str] = {}
        material_templates = Path(material.__file__).parent / "templates"
        env.loader = jinja2.ChoiceLoader(
            [env.loader, jinja2.PrefixLoader({"material": jinja2.FileSystemLoader(str(material_templates))})]
        )

        def fragment(key: Any, caller: Any) -> str:
            out = fragments.get(key)
            if out is None:
                out = fragments[key] = caller()
            return out

        env.globals["vap_fragment"] = fragment
        env.globals["vap_nav_key"] = nav_fragment_key
        if self.serving:  # MkDocs makes a new environment per rebuild: keep the compiled templates
            env.bytecode_cache = self._bytecode
        return env

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.page_urls = {f.url for f in files.documentation_pages()}
        return nav

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        html = _defuse(_rewrite_links(html, page.file.src_uri, config, page_url=page.file.url))
        if isinstance(page, HtmlPage) and page.indexed:
            tags = page.meta.get("tags")
            self.html_entries += search.entries(
                html,
                page.url,
                str(page.meta.get("title", page.title)),
                [str(t) for t in tags if t] if isinstance(tags, list) else [],
            )
        return self.banner + html if self.banner else html

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if "<!--vap-diagram " not in output:
            return output

        def svg(match: re.Match[str]) -> str:
            found = self.svgs.get(match.group(1))
            if found is None:
                return ""
            return _rewrite_links(found, page.file.src_uri, config, page_url=page.file.url)

        return _DIAGRAM.sub(svg, output)

    @event_priority(-100)  # after Material's search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        index = Path(config.site_dir) / "search" / "search_index.json"
        if self.serving:
            self.search_docs = merge_search_index(index, self.search_docs, self.page_urls, self.html_entries)
        else:
            prune_search_index(index, self.html_entries)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        _native_watcher(server)
        server.watch(str(self.plans_dir(config)))
        return server


class _MemoryBytecode(jinja2.BytecodeCache):
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


class HtmlPage(Page):
    """A generated page whose body is already HTML (see pages.Pages.role): no Markdown pass.

    The generator escaped and sanitised every plan value itself; the adapter's on_page_content still
    resolves `vap:` links and re-checks every URL, as for any page. The table of contents and the
    anchor ids come from the headings and ids the generator wrote.
    """

    indexed = False
    """True when the adapter indexes this page for search itself (Material's indexer is told to skip it)."""

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        options = self.meta.get("search") or {}
        if not options.get("exclude"):
            # Material would parse the whole page with html.parser; search.py reads our HTML faster
            self.indexed = True
            self.meta = {**self.meta, "search": {**options, "exclude": True}}
        html = self.markdown
        tokens = [
            {"level": int(level), "id": anchor, "name": _MARKUP.sub("", inner).strip(), "children": []}
            for level, anchor, inner in _HEADING.findall(html)
        ]
        self.content = html
        self.markdown = ""  # the HTML lives on as content: no second copy per page until the end
        self.toc = get_toc(_nest(tokens))
        self.present_anchor_ids = set(_ID.findall(html))


def _nest(tokens: list[dict[str, Any]]) -> list[Any]:
    """Flat headings -> the nested tokens MkDocs' get_toc reads (each under the last higher one)."""
    roots: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for token in tokens:
        while stack and stack[-1]["level"] >= token["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else roots).append(token)
        stack.append(token)
    return roots


def _native_watcher(server: Any) -> None:
    """MkDocs' server polls the watched folders every 0.5 s (0.25 s of every save-to-reload on
    average, and a stat of every plan file twice a second). Swap in watchdog's native observer
    (inotify, FSEvents, ...) and move the watches already made onto it. MkDocs 1.x is frozen, so its
    private `_watched_paths` is stable; if it is missing, the polling observer stays.

    A native observer also reports files being opened and read; MkDocs would rebuild for those, and
    every rebuild reads the plans and the theme, so the observer passes on changes only."""
    import inspect

    from watchdog import events
    from watchdog.observers import Observer as _Observer

    Observer: Any = _Observer  # the platform's native observer class

    watched = getattr(server, "_watched_paths", None)
    if not isinstance(watched, dict) or getattr(server.observer, "is_alive", lambda: True)():
        return
    if "event_filter" not in inspect.signature(Observer.schedule).parameters:
        return  # an old watchdog cannot ignore reads: keep polling
    changes = [
        events.FileCreatedEvent,
        events.FileDeletedEvent,
        events.FileModifiedEvent,
        events.FileMovedEvent,
        events.FileClosedEvent,
        events.DirCreatedEvent,
        events.DirDeletedEvent,
        events.DirMovedEvent,
    ]

    class ChangesOnly(Observer):  # type: ignore[misc]
        def schedule(self, handler: Any, path: Any, **kwargs: Any) -> Any:
            kwargs.setdefault("event_filter", changes)
            return super().schedule(handler, path, **kwargs)

    counts = dict(watched)
    for path, count in counts.items():
        for _ in range(count):
            server.unwatch(path)
    server.observer = ChangesOnly()
    for path, count in counts.items():
        for _ in range(count):
            server.watch(path)


def nav_fragment_key(page: Any, nav: Any, base_url: str, features: Any) -> tuple[str, str] | None:
    """The cache key of the primary navigation of a page, or None when it must be rendered for this
    page alone: a page in the navigation marks itself active there, and `toc.integrate` puts the
    page's own table of contents into it."""
    if page is None or nav is None or "toc.integrate" in (features or ()):
        return None
    if page in nav.pages or getattr(page, "parent", None) is not None:
        return None
    return ("nav", base_url)


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


def _banner(errors: Any) -> str:
    return _banner_text([f"{f.loc}: {f.message}" for f in errors]) if errors else ""


def _banner_text(lines: list[str]) -> str:
    import html as _html

    items = "".join(f"<li><code>{_html.escape(line)}</code></li>" for line in lines[:20])
    more = f"<li>... and {len(lines) - 20} more</li>" if len(lines) > 20 else ""
    return (
        '<div class="vap-error-banner admonition failure" role="alert" data-search-exclude>'
        '<p class="admonition-title">The plans have errors: this preview shows the last good version</p>'
        f"<ul>{items}{more}</ul><p>Fix the file and save: this banner goes away on the next save.</p></div>"
    )


def merge_search_index(
    path: Path,
    known: dict[str, list[dict[str, Any]]],
    pages: set[str],
    extra: list[dict[str, Any]] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """A dirty rebuild indexes only the pages it rebuilt: merge them into the entries of all pages.
    `extra`: entries the adapter made itself (HtmlPages) in this rebuild."""
    if not path.is_file():
        return known
    index = json.loads(path.read_text(encoding="utf-8"))
    fresh: dict[str, list[dict[str, Any]]] = {}
    for doc in lean_entries([*index.get("docs", []), *(extra or ())]):
        fresh.setdefault(doc["location"].split("#", 1)[0], []).append(doc)
    merged = {url: docs for url, docs in {**known, **fresh}.items() if url in pages}
    index["docs"] = [doc for url in sorted(merged) for doc in merged[url]]
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return merged


def lean_entries(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Section entries without the page's tags (Material repeats them on every section: the page entry
    keeps them, so a tag still finds the page), and without the empty sections that headings inside
    data-search-exclude blocks leave behind."""
    kept = []
    for doc in docs:
        if doc.get("text"):  # markup adds ~15% and nothing to search
            doc["text"] = " ".join(_MARKUP.sub(" ", doc["text"]).split())
        location = doc.get("location", "")
        if "#" in location:
            if not doc.get("text") and "#outcome-" not in location:  # an outcome's title is worth finding
                continue
            doc.pop("tags", None)
        elif location.startswith("roles/") and doc.get("tags"):
            # only the department: a goal or level tag is boosted so far above the text that searching
            # "booking" would rank every role serving a booking goal above the one that does the booking
            doc["tags"] = doc["tags"][:1]
        kept.append(doc)
    return kept


def prune_search_index(path: Path, extra: list[dict[str, Any]] | None = None) -> None:
    """Material's index made lean, with the entries the adapter made itself (HtmlPages) added."""
    if not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    index["docs"] = lean_entries([*index.get("docs", []), *(extra or ())])
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _rewrite_links(html: str, src_uri: str, config: MkDocsConfig, page_url: str | None = None) -> str:
    """`vap:roles/x.md#a` -> the URL of that page relative to this one, for either URL style."""
    if "vap:" not in html:
        return html
    here = page_url if page_url is not None else src_uri

    def target(match: re.Match[str]) -> str:
        attr, path, anchor = match.group(1), match.group(2), match.group(3) or ""
        if path.endswith(".md"):
            stem = path[:-3]
            if config.use_directory_urls:
                url = (
                    ""
                    if stem == "index"
                    else (stem[: -len("index")] if stem.endswith("/index") else stem + "/")
                )
            else:
                url = stem + ".html"
        else:
            url = path
        return (
            f'{attr}="{get_relative_url(url or ".", here) if url else get_relative_url(".", here)}{anchor}"'
        )

    return _VAP_LINK.sub(target, html)


_SUSPECT = re.compile(
    r"""\son[a-z]+\s*=|\s(?:href|src|xlink:href|action|formaction)\s*=\s*["']?\s*(?!https?://|mailto:)[^"'>]*?[:&]""",
    re.I,
)
"""What _defuse could change: an on...= anywhere, or a URL attribute whose value has a scheme or an
entity that is not plainly http(s)/mailto. Pages without any (nearly all) are returned untouched."""


def _defuse(html: str) -> str:
    """Second line of defence: no script URLs and no inline event handlers in any tag of page content."""
    if not _SUSPECT.search(html):
        return html

    def check(match: re.Match[str]) -> str:
        value = match.group(3) if match.group(3) is not None else match.group(4)
        return match.group(0) if safe_url(value) else f' {match.group(1)}="#"'

    def clean(tag: re.Match[str]) -> str:
        return _ATTR_URL.sub(check, _EVENT_ATTR.sub("", tag.group(0)))

    return _TAG.sub(clean, html)


def build_site(config_file: Path, site_dir: Path | None) -> Path:
    """`mkdocs build` as a function (the caller has set the VAP_* variables); returns the site folder."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from site_builder.errors import BuildError

    overrides = {"site_dir": str(site_dir)} if site_dir else {}
    try:
        config = load_config(config_file=str(config_file), **overrides)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except MkDocsException as exc:
        raise BuildError(f"the site could not be built: {exc}") from exc
    return Path(config.site_dir)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def serve_site(config_file: Path, *, host: str, port: int, open_browser: bool, start_url: str) -> None:
    """`mkdocs serve` with live reload, watching plans/ as well as docs/, theme/ and mkdocs.yml."""
    from mkdocs.commands.serve import serve

    if open_browser:
        import threading
        import webbrowser

        threading.Timer(2.0, webbrowser.open, args=(start_url,)).start()
    # SIGTERM (a service manager, `kill`) stops the preview as Ctrl+C does, so MkDocs removes its
    # temporary site folder (hundreds of MB for a large organisation) instead of leaving it behind
    signal.signal(signal.SIGTERM, _interrupt)
    # dirty: MkDocs re-renders only pages whose generated source changed (the plugin keeps the
    # search index whole across such rebuilds)
    serve(
        config_file=str(config_file),
        livereload=True,
        build_type="dirty",
        watch_theme=True,
        dev_addr=f"{host}:{port}",
    )


__all__ = ["VapPlugin", "build_site", "serve_site"]
