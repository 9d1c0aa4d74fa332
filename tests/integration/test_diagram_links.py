"""Every link inside every inline diagram of the example portal leads to a page (and anchor) that exists,
for either MkDocs URL style: the `vap:` links of the cached SVG are all rewritten by the plugin."""

from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from tests.conftest import ROOT, needs_dot

pytestmark = needs_dot

BASE = "http://site.invalid/"


class Links(HTMLParser):
    """The hrefs inside any <svg> element, and every id of the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.svg_depth = 0
        self.diagrams = 0
        """Inline SVGs drawn by Graphviz (the theme's icons are SVG too)."""
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "svg":
            self.svg_depth += 1
            self.diagrams += (values.get("aria-labelledby") or "").startswith("dg-")
        if self.svg_depth:
            self.hrefs += [v or "" for k, v in attrs if k in ("href", "xlink:href")]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "svg":
            self.svg_depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg" and self.svg_depth:
            self.svg_depth -= 1


def parse(page: Path) -> Links:
    links = Links()
    links.feed(page.read_text(encoding="utf-8"))
    links.close()
    return links


def build(config: Path, site: Path) -> Path:
    vap = Path(sys.executable).parent / "vap"
    cmd = [
        str(vap) if vap.exists() else sys.executable,
        *([] if vap.exists() else ["-m", "site_builder.cli.main"]),
    ]
    run = subprocess.run(
        [*cmd, "build", "plans", "--config-file", str(config), "--site-dir", str(site)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return site


@pytest.fixture(scope="module", params=["directory-urls", "file-urls"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "directory-urls":
        return request.param, build(ROOT / "mkdocs.yml", folder / "site")
    # a config of its own, so its generated pages and cache live in the temp folder, not in .cache/
    config = folder / "mkdocs.yml"
    config.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {ROOT / 'docs'}\nuse_directory_urls: false\n",
        encoding="utf-8",
    )
    return request.param, build(config, folder / "site")


def target_file(site: Path, url: str) -> Path:
    path = unquote(urlsplit(url).path).removeprefix(urlsplit(BASE).path)
    return site / (path + "index.html" if path == "" or path.endswith("/") else path)


def test_every_diagram_link_leads_to_an_existing_page_and_anchor(built: tuple[str, Path]) -> None:
    _, site = built
    parsed: dict[Path, Links] = {}
    checked = diagrams = 0
    broken: list[str] = []
    for page in sorted(site.rglob("*.html")):
        links = parsed.setdefault(page, parse(page))
        diagrams += links.diagrams
        here = urljoin(BASE, page.relative_to(site).as_posix())
        for href in links.hrefs:
            checked += 1
            where = f"{page.relative_to(site)}: {href!r}"
            if href.startswith("vap:") or urlsplit(href).scheme or href.startswith("//"):
                broken.append(f"{where} is not a relative link")
                continue
            url = urljoin(here, href)
            target = target_file(site, url)
            if not target.is_file():
                broken.append(f"{where} -> {target.relative_to(site)} does not exist")
                continue
            anchor = unquote(urlsplit(url).fragment)
            if anchor and anchor not in parsed.setdefault(target, parse(target)).ids:
                broken.append(f"{where} -> no id {anchor!r} in {target.relative_to(site)}")
    assert broken == []
    roles = len(list((ROOT / "plans" / "roles").rglob("*.yaml")))
    # not vacuous: each role page has at least its reporting-line diagram, each node a link
    assert diagrams >= roles and checked >= 2 * roles, (diagrams, checked)


def test_diagram_links_follow_the_url_style_of_the_build(built: tuple[str, Path]) -> None:
    """Proves the INHERIT override took effect, so the file-URL run really tests file URLs."""
    style, site = built
    pages = {"directory-urls": "roles/ceo/index.html", "file-urls": "roles/ceo.html"}
    assert (site / pages[style]).is_file()
    paths = [h.split("#")[0] for h in parse(site / pages[style]).hrefs]
    assert paths and "" not in paths  # the role diagram links to pages, not only to anchors
    assert all(p.endswith(".html") == (style == "file-urls") for p in paths), paths
