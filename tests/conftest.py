"""Shared test options and fixtures."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("VAP_NO_CACHE", "1")  # no .cache/vap/ beside fixtures; test_parsecache turns it on

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="Rewrite the golden files from the current output (review the diff before committing).",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def small_plans(tmp_path: Path) -> Path:
    """A writable copy of the small fixture organisation; returns its plans/ folder."""
    dest = tmp_path / "org" / "plans"
    shutil.copytree(FIXTURES / "small" / "plans", dest)
    return dest


def write_portal_config(folder: Path, *, extra: str = "") -> Path:
    """A minimal mkdocs.yml for a fixture portal (what `vap init` writes, less the comments)."""
    (folder / "docs").mkdir(exist_ok=True)
    (folder / "docs" / "start-here.md").write_text("# Start here\n\nHow to read this portal.\n")
    config = folder / "mkdocs.yml"
    config.write_text(
        "site_name: Fixture portal\n"
        "theme:\n  name: material\n  font: false\n"
        "plugins:\n  - vap\n  - search\n  - tags\n" + extra
    )
    return config
