"""Real MkDocs builds: the example portal builds strictly, generation is deterministic and incremental."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from site_builder.generator.generate import generate
from tests.conftest import ENGINE, ROOT, write_portal_config

VAP = [sys.executable, "-m", "site_builder.cli.main"]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("example") / "site"
    run = subprocess.run(
        [*ENGINE, "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "WARNING" not in run.stderr, run.stderr
    return site


def test_example_builds_strictly_with_every_role_page(example_site: Path) -> None:
    roles = sorted(p.stem for p in (ROOT / "plans" / "roles").rglob("*.yaml"))
    for role in roles:
        page = example_site / "roles" / role / "index.html"
        assert page.is_file(), role
    assert (example_site / "strategy" / "g1" / "index.html").is_file()
    for page in ("directory", "alignment", "organisation", "start-here"):
        assert (example_site / page / "index.html").is_file(), page


def test_site_has_no_external_assets(example_site: Path) -> None:
    # anything the browser fetches by itself: src= of any element, href= of <link>
    external = re.compile(r'(?:\ssrc=|<link[^>]*\shref=)"(?:https?:)?//(?!127\.0\.0\.1|localhost)[^"]+"')
    offenders = []
    for page in example_site.rglob("*.html"):
        for match in external.finditer(page.read_text(encoding="utf-8")):
            offenders.append(f"{page.relative_to(example_site)}: {match.group(0)}")
    assert offenders == []
    assert "fonts.googleapis" not in (example_site / "index.html").read_text()


def _index_texts(site: Path) -> dict[str, str]:
    """Every file of the site's Pagefind index, decompressed (its index files are gzip streams)."""
    out = {}
    for path in sorted((site / "pagefind").rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            data = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
            out[path.relative_to(site).as_posix()] = data.decode("utf-8", errors="replace")
    return out


def test_search_index_is_chunked_and_lean(example_site: Path) -> None:
    """Pagefind's index instead of Material's: one small fragment per indexed page, no whole-site file."""
    assert not (example_site / "search" / "search_index.json").exists()
    texts = _index_texts(example_site)
    fragments = {k: v for k, v in texts.items() if k.endswith(".pf_fragment")}
    records = [json.loads(v[v.index("{") :]) for v in fragments.values()]
    urls = {r["url"] for r in records}
    roles = len(list((ROOT / "plans" / "roles").rglob("*.yaml")))
    assert {f"roles/{p.stem}/" for p in (ROOT / "plans" / "roles").rglob("*.yaml")} <= urls
    assert not any(url.startswith("directory") for url in urls), "directory pages duplicate the index"
    assert "start-here/" in urls  # hand-written pages are searchable too
    amara = [r for r in records if r["meta"].get("holder") == "Amara Okafor"]
    assert len(amara) == 1 and "Amara Okafor" in amara[0]["content"]
    assert set(amara[0]["filters"]) == {"department", "level", "status"}
    size = sum((example_site / k).stat().st_size for k in fragments)
    assert size / roles < 1536, f"{size / roles:.0f} bytes per role"


def test_role_page_answers_the_four_questions(example_site: Path) -> None:
    html = (example_site / "roles" / "dir-patient-access" / "index.html").read_text()
    for heading in (
        "Value added",
        "Accountable for",
        "Focus: work only this role can do",
        "Outcomes",
        "Your line of sight",
        "Team",
    ):
        assert f">{heading}<" in html, heading
    assert 'href="../vp-operations/#outcome-' in html  # a Supports link into the manager's plan
    assert "Amara Okafor" in html


def test_html_role_pages_get_a_table_of_contents_and_no_markdown_leftovers(example_site: Path) -> None:
    """Role pages skip MkDocs' Markdown pass (HtmlPage): the sidebar contents come from our headings."""
    html = (example_site / "roles" / "dir-nursing" / "index.html").read_text()
    toc = html[html.index('data-md-type="toc"') :]
    toc = toc[: toc.index('class="md-content"')]
    for anchor in ("#value-added", "#accountable-for", "#outcomes", "#outcome-diabetes-reviews", "#team"):
        assert f'href="{anchor}"' in toc, anchor
    article = html[html.index("<article") : html.index("</article>")]
    assert "**" not in article and "vap:" not in article and "{ #" not in article
    assert 'id="outcome-nurse-staffing"' in article


def _primary_nav(page: Path) -> str:
    html = page.read_text(encoding="utf-8")
    start = html.index('data-md-type="navigation"')
    return html[start : html.index('data-md-type="toc"')]


def test_cached_navigation_is_right_for_every_kind_of_page(example_site: Path) -> None:
    """The theme renders the navigation once per depth for pages outside it (theme/partials/nav.html):
    pages in the navigation still mark themselves active, role pages share one navigation."""
    directory = _primary_nav(example_site / "directory" / "index.html")
    assert '<a href="./" class="md-nav__link md-nav__link--active">' in directory
    roles = [_primary_nav(p) for p in sorted((example_site / "roles").glob("*/index.html"))]
    assert len(roles) > 10 and all(nav == roles[0] for nav in roles)
    assert "md-nav__link--active" not in roles[0]
    assert 'href="../../directory/"' in roles[0] and 'href="../../strategy/"' in roles[0]


def test_generation_is_deterministic_and_incremental(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    first = generate(ROOT / "plans", out, diagrams=False)
    snapshot = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    mtimes = {p: p.stat().st_mtime_ns for p in snapshot}
    second = generate(ROOT / "plans", out, diagrams=False)
    assert len(first.written.written) == len(snapshot)
    assert second.written.written == () and second.written.removed == ()
    assert {p: p.read_bytes() for p in snapshot} == snapshot
    assert {p: p.stat().st_mtime_ns for p in snapshot} == mtimes


def test_vap_build_refuses_plans_with_errors(small_plans: Path) -> None:
    config = write_portal_config(small_plans.parent)
    (small_plans / "roles" / "chief.yaml").write_text("title: [unclosed\n")
    run = subprocess.run(
        [*VAP, "build", str(small_plans), "--config-file", str(config), "--no-diagrams"],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert run.returncode == 1
    assert "plans/roles/chief.yaml:2:1: error[yaml-syntax]" in run.stderr
    assert "unknown role 'chief'" not in run.stderr  # no cascade of errors from one unreadable file
    assert not (small_plans.parent / "site").exists()


def test_vap_build_fixture_portal(small_plans: Path) -> None:
    config = write_portal_config(small_plans.parent)
    site = small_plans.parent / "out"
    run = subprocess.run(
        [
            *VAP,
            "build",
            str(small_plans),
            "--config-file",
            str(config),
            "--site-dir",
            str(site),
            "--no-diagrams",
        ],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    assert (site / "roles" / "head-ops" / "index.html").is_file()
    card = (site / "cards" / "head-ops.html").read_text()
    assert "Head of Operations" in card and 'href="../roles/head-ops/"' in card


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("href"):
            self.hrefs.append(str(values["href"]))


def test_every_link_of_every_page_resolves(example_site: Path) -> None:
    """Generated cross-links skip MkDocs' link validation (they are inline HTML), so check them all."""
    parsed: dict[Path, _Anchors] = {}

    def page(path: Path) -> _Anchors:
        if path not in parsed:
            parser = _Anchors()
            parser.feed(path.read_text(encoding="utf-8"))
            parsed[path] = parser
        return parsed[path]

    broken = []
    for html_file in sorted(example_site.rglob("*.html")):
        if html_file.name == "404.html":
            continue  # served at any path, so MkDocs writes its links from the site root
        for href in page(html_file).hrefs:
            if href.startswith(("http:", "https:", "mailto:")) or href == "#":
                continue
            assert not href.startswith("vap:"), f"{html_file}: unresolved {href}"
            target, _, anchor = href.partition("#")
            path = (html_file.parent / target).resolve() if target else html_file
            if path.is_dir():
                path = path / "index.html"
            if not path.is_file():
                broken.append(f"{html_file.relative_to(example_site)}: {href}")
            elif anchor and path.suffix == ".html" and anchor not in page(path).ids:
                broken.append(f"{html_file.relative_to(example_site)}: {href} (no such anchor)")
    assert broken == []
