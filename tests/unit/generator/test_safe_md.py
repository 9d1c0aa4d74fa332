"""Plan text rendered straight to HTML (role pages): formatting kept, nothing live gets through."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest

from site_builder.generator.safe_md import (
    html_block,
    html_inline,
    html_plain,
    markdown_html,
    md_block,
    md_inline,
    plan_link,
    safe_url,
    set_intranet_hosts,
)

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


def test_markdown_formatting_is_kept(intranet: None) -> None:
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


@pytest.fixture
def intranet() -> Iterator[None]:
    """intranet.example and every host below corp.example are the intranet (portal.yaml intranet_hosts)."""
    set_intranet_hosts(["intranet.example", "*.corp.example"])
    yield
    set_intranet_hosts([])


@pytest.mark.parametrize(
    "url",
    [
        "https://intranet.example/x",
        "http://wiki.corp.example/page",
        "../strategy/",
        "#goal",
        "mailto:someone@intranet.example",
    ],
)
def test_links_to_the_intranet_are_kept(intranet: None, url: str) -> None:
    assert plan_link(url)
    assert f'href="{url}"' in html_inline(f"[x]({url})")


@pytest.mark.parametrize(
    "url",
    [
        "http://evil.example/x",
        "//evil.example/x",
        "/\\evil.example/x",
        "https://intranet.example.evil.example/",
        "https://corp.example.evil.example/",
        "https://intranet.exаmple/",  # a Cyrillic а
        "javascript:window.__pwned=1",
        "java\u200bscript:window.__pwned=1",
        "javascript&#58;window.__pwned=1",
        "data:text/html,x",
        "ftp://intranet.example/x",
        "vap:roles/x.md",
        "javascript%3Awindow.__pwned=1",  # relative to a browser, but no page: a disguise
        "%6Aavascript:window.__pwned=1",
        "javascript%253Awindow.__pwned=1",
        "java\u200bscript%3Awindow.__pwned=1",
    ],
)
def test_other_links_become_text(intranet: None, url: str) -> None:
    assert not plan_link(url)
    out = html_inline(f"[shown text]({url})") + md_inline(f"[shown text]({url})")
    assert "href" not in out and "shown text" in out, out


def test_link_titles_never_reach_a_title_attribute(intranet: None) -> None:
    for text in (
        '[t](/ok "<img src=x onerror=window.__pwned=1>")',
        "[t](/ok '<img src=x onerror=window.__pwned=1>')",
        "[t](/ok (<img src=x onerror=window.__pwned=1>))",
        '[t](/ok "\\"><img src=x onerror=window.__pwned=1>")',  # an escaped quote in the title
        '[t](</ok> "t")',
        '[t][d]\n\n[d]: /ok "<img src=x onerror=window.__pwned=1>"',
        '<a href=/ok title="<img src=x onerror=window.__pwned=1>">a</a>',
    ):
        for out in (html_block(text), html_inline(text), md_block(text), md_inline(text)):
            assert not re.search(r"<[a-z][^>]*\stitle=", out), (text, out)  # as text it may show


def test_images_from_plan_text_are_never_kept(intranet: None) -> None:
    for text in ("![alt](https://intranet.example/i.png)", "![alt][r]\n\n[r]: /i.png", "<img src=/i.png>"):
        out = html_block(text) + md_block(text)
        assert "<img" not in out, out


def test_markdown_page_html_survives_a_second_markdown_pass() -> None:
    """md_block output placed in a page MkDocs renders: Markdown and attr_list find nothing to act on."""
    import markdown

    text = "*em* `code` [a](#x) | pipe {: onclick=x } _u_ ![i](/i.png) \\ ~ ^"
    once = md_block(text)
    assert "\n" not in once and "|" not in once and "{" not in once and "*" not in once
    twice = markdown.markdown(once, extensions=["attr_list", "tables", "md_in_html"])
    assert "onclick" not in twice.replace("onclick=x", "")  # only the literal text, never an attribute
    assert twice.count("<em>") == 2 and twice.count("<a ") == 1 and "<img" not in twice, twice
