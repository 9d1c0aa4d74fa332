"""Plan text rendered straight to HTML (role pages): formatting kept, nothing live gets through."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from site_builder.generator.safe_md import html_block, html_inline, html_plain, markdown_html, safe_url

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt&#58;alert(1))",
    "![pixel](https://tracker.example/p.png)",
    '<a href="data:text/html,x">x</a>',
    '`code` and <iframe src="https://evil.example"></iframe>',
    '{: onclick="alert(1)" }',
]


class _Tags(HTMLParser):
    """Every live tag and attribute of a fragment, as a browser would parse it."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _live(fragment: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    return parser.tags


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_plan_text_never_becomes_live_html(text: str) -> None:
    for out in (html_block(text), html_inline(text), html_plain(text)):
        for tag, attrs in _live(str(out)):
            assert tag in {"p", "a", "em", "strong", "code", "ul", "ol", "li"}, (tag, out)
            for name, value in attrs:
                assert not name.startswith("on"), out
                if name in ("href", "src"):
                    assert value is not None and safe_url(value) and "//" not in value, out


def test_plain_text_takes_the_fast_path_and_matches_markdown() -> None:
    assert html_block("Keeps the desk open.") == "<p>Keeps the desk open.</p>"
    assert html_inline("Ops & care > 90%") == "Ops &amp; care &gt; 90%"  # goes through Markdown
    assert html_inline("Plain words") == "Plain words"


def test_markdown_formatting_is_kept() -> None:
    assert html_inline("*really* [docs](https://intranet.example/x)") == (
        '<em>really</em> <a href="https://intranet.example/x">docs</a>'
    )
    assert html_block("- one\n- two") == "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"
    assert html_block("line one\nline two") == "<p>line one\nline two</p>"


def test_unicode_is_kept_exactly() -> None:
    text = "Café – 陈静 – مرحبا – 🚀"
    assert html_block(text) == f"<p>{text}</p>"
    assert html_inline(text) == text


def test_raw_html_and_code_show_exactly_as_typed() -> None:
    assert html_inline("use `<b>` and <b>bold</b> & more") == (
        "use <code>&lt;b&gt;</code> and &lt;b&gt;bold&lt;/b&gt; &amp; more"
    )
    assert html_block("```\ncode <x> & y\n```") == "<pre><code>code &lt;x&gt; &amp; y\n</code></pre>"


def test_admonitions_keep_their_classes_and_generated_links_their_target() -> None:
    assert html_block('!!! note "Heads up"\n    Hi') == (
        '<div class="admonition note">\n<p class="admonition-title">Heads up</p>\n<p>Hi</p>\n</div>'
    )
    note = '**<a href="vap:roles/x.md">X</a>** (your manager)'
    assert markdown_html(note) == '<p><strong><a href="vap:roles/x.md">X</a></strong> (your manager)</p>'


@pytest.mark.parametrize(
    ("text", "shown"),
    [(">= 90%", "&gt;= 90%"), ("<= 5 days", "&lt;= 5 days"), ("1. first", "1. first"), ("#tag", "#tag")],
)
def test_one_line_text_never_becomes_a_block(text: str, shown: str) -> None:
    """Targets like `>= 90%` are comparisons: within one line nothing opens a quote, list or heading."""
    assert html_inline(text) == shown


def test_a_comparison_opening_a_paragraph_is_no_quotation() -> None:
    assert html_block(">= 90% of calls\nanswered") == "<p>&gt;= 90% of calls\nanswered</p>"
