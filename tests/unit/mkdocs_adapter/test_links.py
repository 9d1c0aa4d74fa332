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
    ('<p onclick=alert(1)>t</p>', "<p>t</p>"),
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
