"""Plan text rendered straight to HTML (role pages): formatting kept, nothing live gets through."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest

from site_builder.generator.safe_md import (
    MARK_CLOSE,
    MARK_OPEN,
    html_block,
    html_inline,
    html_plain,
    markdown_html,
    md_block,
    md_inline,
    md_text,
    plan_link,
    safe_url,
    set_intranet_hosts,
    unmark,
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
    # with the adapter's extension (MkDocs' pass) the marked HTML is kept whole; without it (emitted
    # docs, `vap conversation`) unmark() makes every Markdown character a character reference
    for page, extensions in ((once, ["site_builder.generator.safe_md"]), (unmark(once), [])):
        assert "|" not in unmark(once) and "{" not in unmark(once) and "*" not in unmark(once)
        twice = markdown.markdown(page, extensions=["attr_list", "tables", "md_in_html", *extensions])
        assert "onclick" not in twice.replace("onclick=x", "")  # only the literal text, never an attribute
        assert twice.count("<em>") == 2 and twice.count("<a ") == 1 and "<img" not in twice, twice
        assert MARK_OPEN not in twice and MARK_CLOSE not in twice


def test_marked_html_costs_the_markdown_pass_nothing() -> None:
    """A long title full of Markdown characters: one stashed span each, no inline match per character
    (escaping each one made Python-Markdown's inline pass quadratic: ~10 s for this page)."""
    import markdown

    title = "*_[`\\" * 4000  # 20,000 characters, each one Markdown would otherwise read
    page = f"# {md_text(title)}\n\n- {md_text(title)}\n"
    md = markdown.Markdown(extensions=["toc", "attr_list", "site_builder.generator.safe_md"])
    out = md.convert(page)
    assert md.htmlStash.html_counter == 2  # the two spans, whole
    assert out.count(html.escape(title, quote=True)) == 2 and MARK_OPEN not in out
    assert out.count("<em>") == 0 and out.count("<code>") == 0


def test_a_field_made_mostly_of_markup_is_shown_as_typed() -> None:
    """Past MARKUP_LIMIT Markdown characters a field is text, every character kept (Python-Markdown's
    own pass would take minutes on it); below it, Markdown as usual."""
    heavy = "*_[`\\" * 1000 + "\n\nlast *paragraph*"
    for out in (html_block(heavy), html_inline(heavy), md_block(heavy)):
        assert "<em>" not in out and "<code>" not in out
        assert html.escape("*_[`\\" * 1000, quote=False) in out and "last *paragraph*" in out
    assert "<em>" in html_block("*_[`\\" * 300 + "\n\nlast *paragraph*")


def test_a_forged_mark_in_plan_text_opens_nothing() -> None:
    """Plan text cannot open a marked span of its own: the marks in it become U+FFFD."""
    import markdown

    forged = f"{MARK_OPEN}<img src=x onerror=window.__pwned=1>{MARK_CLOSE}"
    for out in (md_text(forged), md_inline(forged), md_block(forged)):
        assert out.count(MARK_OPEN) == 1 and "<img" not in out
    # a span forged in text that reached a page unmarked is cleaned when it is stashed
    page = markdown.markdown(forged, extensions=["site_builder.generator.safe_md"])
    assert "<img" not in page and "onerror" not in page
