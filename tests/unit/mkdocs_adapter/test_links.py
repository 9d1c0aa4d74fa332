"""The adapter's second line of defence: script URLs and event handlers are removed from any page."""

from __future__ import annotations

import pytest

from site_builder.mkdocs_adapter.links import defuse as _defuse

HOSTILE = [
    ('<a href="javascript:alert(1)">x</a>', '<a href="#">x</a>'),
    ('<a href=" javascript:alert(1)">x</a>', '<a href="#">x</a>'),
    ('<a href="JaVaScRiPt&#58;alert(1)">x</a>', '<a href="#">x</a>'),
    ('<a href="java\tscript:alert(1)">x</a>', '<a href="#">x</a>'),
    ("<a href='data:text/html,x'>x</a>", '<a href="#">x</a>'),
    ('<img src="x" onerror="alert(1)">', '<img src="x">'),
    ('<svg><a xlink:href="vbscript:x">y</a></svg>', '<svg><a xlink:href="#">y</a></svg>'),
    ("<p onclick=alert(1)>t</p>", "<p>t</p>"),
    ("<p/onclick=alert(1)>t</p>", "<p>t</p>"),  # a browser reads `/` as a space between attributes
    ('<a title="a" onmouseover=\'x()\' href="javascript:y">t</a>', '<a title="a" href="#">t</a>'),
    ('<a title="x"onclick="y()">t</a>', '<a title="x">t</a>'),
    ('<svg><path d="M0 0" onload="x()"/></svg>', '<svg><path d="M0 0"/></svg>'),  # still self-closing
]


@pytest.mark.parametrize(("page", "expected"), HOSTILE)
def test_hostile_markup_is_defused(page: str, expected: str) -> None:
    assert _defuse(f"<div>{page}</div>") == f"<div>{expected}</div>"


@pytest.mark.parametrize(
    "page",
    [
        '<a href="../roles/x/#outcome-a">x</a> <a href="https://intranet.example/a?b=c&amp;d=e">y</a>',
        '<a href="mailto:a@example.org">mail</a><p>Carry on = yes, said the plan: 3:0 &amp; more</p>',
    ],
)
def test_safe_pages_come_back_unchanged(page: str) -> None:
    assert _defuse(page) == page


@pytest.mark.parametrize(
    "page",
    [
        # escaped plan text that mentions a handler, in a quoted value: text, kept byte for byte (an
        # earlier pattern cut ` onerror=...&gt;"` out of it, closing quote included, and broke the page)
        '<option value="&lt;img src=x onerror=window.__pwned=1&gt;&#34;&gt;">&lt;img&gt;</option>'
        '<option value="b">b</option>',
        "<a href=\"../x/\" data-note='say onclick=1 > here'>x</a>",
        '<input value="a <b onclick=1&#34;> c">',
    ],
)
def test_values_that_mention_handlers_are_left_whole(page: str) -> None:
    assert _defuse(page) == page


def test_a_quoted_value_is_read_to_its_closing_quote() -> None:
    out = _defuse('<a title="x onclick=1 y" onclick="z()" href="javascript:1">t</a><b onclick=2>u</b>')
    assert out == '<a title="x onclick=1 y" href="#">t</a><b>u</b>'
