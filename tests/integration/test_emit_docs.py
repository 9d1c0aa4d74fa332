"""`vap build --emit-docs`: a plain docs folder that bare MkDocs (or ProperDocs) and Material build
without the vap plugin, to the same page text and links as a normal `vap build`."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ENGINE, ROOT, needs_dot

pytestmark = [pytest.mark.slow, needs_dot]
VAP = [sys.executable, "-m", "site_builder.cli.main"]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    return run


def _content(page: Path) -> tuple[str, list[str]]:
    """The text and the links of a page's article (what a reader reads and follows)."""
    found = _ARTICLE.search(page.read_text(encoding="utf-8"))
    assert found, page
    body = found.group(1)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
    return text, re.findall(r'(?:href|xlink:href)="([^"]*)"', body)


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    org = tmp_path_factory.mktemp("emit")
    shutil.copytree(ROOT / "plans", org / "plans")
    shutil.copytree(ROOT / "docs", org / "docs", ignore=shutil.ignore_patterns("manual", "*.md"))
    shutil.copy(ROOT / "docs" / "start-here.md", org / "docs" / "start-here.md")
    shutil.copy(ROOT / "mkdocs.yml", org / "mkdocs.yml")
    return org


def test_the_emitted_docs_build_without_the_plugin_to_the_same_pages(portal: Path) -> None:
    _run([*VAP, "build", "plans", "--audience", "all-staff", "--site-dir", "site"], portal)
    _run([*VAP, "build", "plans", "--audience", "all-staff", "--emit-docs", "plain"], portal)
    plain = portal / "plain"
    config = (plain / "mkdocs.yml").read_text()
    assert "vap" not in re.findall(r"(?m)^- (\w+)", config.split("plugins:")[1].split("\n\n")[0])
    sources = {
        p.relative_to(plain / "docs").as_posix(): p.read_text() for p in (plain / "docs").rglob("*.md")
    }
    assert len(sources) > 50
    assert not [p for p, text in sources.items() if "vap:" in text or "<!--vap-diagram" in text]
    assert sum("<svg" in text for text in sources.values()) > 20  # diagrams inlined
    _run([*ENGINE, "build", "--strict"], plain)  # bare engine, no vap plugin installed in the config

    normal = sorted(p.relative_to(portal / "site") for p in (portal / "site").rglob("*.html"))
    # every page of the docs; 404.html is a theme template (the package's override), not a page
    pages = [
        p
        for p in normal
        if p.as_posix() != "404.html" and _ARTICLE.search((portal / "site" / p).read_text(encoding="utf-8"))
    ]
    assert len(pages) > 50
    differing = [p for p in pages if _content(portal / "site" / p) != _content(plain / "site" / p)]
    assert differing == [], differing[:5]
    # the audience's hidden fields stay hidden in the emitted folder too
    assert not any('id="dialogue"' in text for text in sources.values())
    assert not any("Agreed a 6% denial target" in text for text in sources.values())


def test_emit_docs_refuses_a_folder_it_did_not_write(portal: Path) -> None:
    (portal / "busy").mkdir()
    (portal / "busy" / "notes.txt").write_text("mine\n")
    run = subprocess.run(
        [*VAP, "build", "plans", "--emit-docs", "busy"], cwd=portal, env=ENV, capture_output=True, text=True
    )
    assert run.returncode == 2, run.stderr
    assert "busy: the folder is not empty and was not written by --emit-docs" in run.stderr
    assert (portal / "busy" / "notes.txt").read_text() == "mine\n"


def test_the_portals_own_theme_overrides_travel_with_the_folder(tmp_path: Path) -> None:
    org = tmp_path / "org"
    shutil.copytree(ROOT / "tests" / "fixtures" / "small" / "plans", org / "plans")
    (org / "docs").mkdir()
    (org / "mine" / "partials").mkdir(parents=True)
    (org / "mine" / "partials" / "copyright.html").write_text("<div>Internal use: Fixture Ltd</div>\n")
    (org / "mkdocs.yml").write_text(
        "site_name: Fixture\ntheme:\n  name: material\n  custom_dir: mine\nplugins:\n  - vap\n  - search\n"
    )
    _run([*VAP, "build", "plans", "--emit-docs", "plain", "--no-diagrams"], org)
    config = (org / "plain" / "mkdocs.yml").read_text()
    assert "custom_dir: overrides" in config and "- vap" not in config
    _run([*ENGINE, "build"], org / "plain")
    assert "Internal use: Fixture Ltd" in (org / "plain" / "site" / "index.html").read_text()
    assert (org / "plain" / "site" / "roles" / "chief" / "index.html").is_file()
