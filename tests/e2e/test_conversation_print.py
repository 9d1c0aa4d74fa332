"""A conversation sheet printed by Chromium fits one or two pages, with room to write on it."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import Server, build_site

# The longest sheets of the example: a plan with resources, trade-offs, findings and conversations.
SHEETS = ("dir-patient-access", "dir-digital-products", "mgr-cyber-security")


@pytest.fixture(scope="module")
def leadership_server(serve: Callable[[Path], Server], tmp_path_factory: pytest.TempPathFactory) -> Server:
    site = tmp_path_factory.mktemp("leadership") / "site"
    return serve(build_site(ROOT / "plans", ROOT / "mkdocs.yml", site, "--audience", "leadership"))


def _pages(pdf: bytes) -> int:
    """Pages of a PDF as Chromium writes it (one /Type /Page object per page)."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("report", SHEETS)
def test_a_printed_sheet_is_one_or_two_pages(
    page: Any, leadership_server: Server, tmp_path: Path, report: str, paper: str
) -> None:
    page.goto(leadership_server.url(f"conversation/{report}/"))
    assert page.locator(".vap-sheet-write").is_visible()
    pdf = page.pdf(format=paper, print_background=True, prefer_css_page_size=True)
    assert 1 <= _pages(pdf) <= 2, f"{report} printed on {_pages(pdf)} {paper} pages"
    page.emulate_media(media="print")
    # nothing clipped: no element of the sheet is wider than the printed text column
    overflow = page.evaluate(
        """() => { const box = document.querySelector('.md-content__inner');
                   const right = box.getBoundingClientRect().right + 1;
                   return [...box.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > right)
                          .map(e => e.tagName + '.' + e.className).slice(0, 5); }"""
    )
    assert overflow == []
    assert page.locator(".md-sidebar--primary").is_hidden()
    if report == SHEETS[0] and paper == "A4" and shutil.which("pdftoppm"):
        (tmp_path / "sheet.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(tmp_path / "sheet.pdf"), str(tmp_path / "p")], check=True
        )
        assert sorted(p.name for p in tmp_path.glob("p-*.png"))  # the images a person looks at
