"""emit_docs.finish_page: a generated page finished as the plugin finishes it, without MkDocs running."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from site_builder.cli.main import cli
from site_builder.mkdocs_adapter.emit_docs import finish_page

PAGE = (
    '<h1 id="x">X</h1>\n<p><a href="vap:roles/y.md#outcome-a">Y</a> <a href="vap:roles/x.md#outcome-b">B</a>'
    ' <a href="vap:cards/x.html">card</a> <a href="javascript:alert(1)" onclick="go()">bad</a></p>\n'
    '<div class="vap-diagram">\n<!--vap-diagram role/x 0123456789ab-->\n</div>\n'
    "<!--vap-diagram gone/z 0123456789ab-->\n"
)
SVGS = {"role/x": '<svg><a href="vap:strategy/g1.md"><text>G1</text></a></svg>'}


def test_urls_as_a_build_resolves_them_for_each_url_style() -> None:
    out = finish_page("roles/x.md", PAGE, SVGS, directory_urls=True)
    assert '<a href="../y/#outcome-a">Y</a>' in out
    assert '<a href="./#outcome-b">B</a>' in out
    assert '<a href="../../cards/x.html">card</a>' in out
    assert '<svg><a href="../../strategy/g1/">' in out  # the diagram inlined, its links resolved
    assert "vap:" not in out and "<!--vap-diagram" not in out  # an unknown diagram leaves nothing
    assert "javascript:" not in out and "onclick" not in out  # defused as in a build
    flat = finish_page("roles/x.md", PAGE, SVGS, directory_urls=False)
    assert '<a href="y.html#outcome-a">Y</a>' in flat and '<a href="../strategy/g1.html">' in flat


def test_md_links_are_relative_paths_to_the_target_files() -> None:
    out = finish_page("roles/x.md", PAGE, SVGS, directory_urls=True, links="md")
    assert '<a href="y.md#outcome-a">Y</a>' in out
    assert '<a href="x.md#outcome-b">B</a>' in out
    assert '<a href="../cards/x.html">card</a>' in out
    assert '<svg><a href="../strategy/g1.md">' in out
    assert "vap:" not in out and "javascript:" not in out
    home = finish_page("index.md", '<a href="vap:strategy/g1.md">G1</a>', {}, True, links="md")
    assert home == '<a href="strategy/g1.md">G1</a>'


def test_emit_links_without_emit_docs_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "--emit-links", "md"])
    assert result.exit_code == 2
    assert "--emit-links applies to --emit-docs DIR only" in result.output
