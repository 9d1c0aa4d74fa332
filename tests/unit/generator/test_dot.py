"""DOT -> inline SVG with real Graphviz: hostile text stays text, the cache works, errors name the diagram."""

from __future__ import annotations

import re
import stat
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
import yaml

from site_builder.generator.dot import (
    INSTALL_HINT,
    DiagramError,
    Renderer,
    escape_attr,
    escape_id,
    escape_label,
    find_dot,
    graphviz_version,
)
from site_builder.generator.svg_safe import diagram_slug
from tests.conftest import needs_dot

pytestmark = needs_dot

FIXTURES = Path(__file__).parents[2] / "fixtures"
HOSTILE: list[str] = yaml.safe_load((FIXTURES / "hostile_labels.yaml").read_text("utf-8"))
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
ELEMENTS = {
    "svg",
    "g",
    "a",
    "title",
    "polygon",
    "polyline",
    "ellipse",
    "path",
    "text",
    "defs",
    "stop",
    "linearGradient",
    "radialGradient",
}
SCRIPT_URL = ("javascript:", "vbscript:", "data:")
SMALL = 'digraph "small" { a -> b; b -> c; a [URL="../a/" tooltip="A"] }'


def hostile_graph(text: str) -> str:
    """The text as graph name, node label (never shortened), tooltip, URL and edge label; two plain nodes."""
    label, attr = escape_label(text, max_lines=1000), escape_attr(text)
    return (
        f'digraph "{escape_id("G " + text)}" {{\n  h [label="{label}" tooltip="{attr}" URL="{attr}"];\n'
        f'  p1; p2;\n  h -> p1;\n  p1 -> p2 [label="{escape_label(text)}"];\n}}\n'
    )


def visible(text: str) -> str:
    """What a reader should see, ignoring where lines wrap: every character but whitespace and controls."""
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cc")


def one_line(text: str) -> str:
    """A tooltip or URL as it should arrive (before shortening): controls dropped, whitespace collapsed."""
    return " ".join("".join(ch for ch in text if unicodedata.category(ch) != "Cc" or ch.isspace()).split())


def shortened(value: str | None, whole: str, limit: int = 300) -> bool:
    """`value` is `whole`, or the start of it ending in "…" within `limit` characters."""
    if len(whole) <= limit or value is None:
        return value == whole
    return len(value) <= limit and value.endswith("…") and whole.startswith(value[:-1])


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # also proves the markup is well-formed


def group(root: ET.Element, cls: str, title: str) -> ET.Element:
    found = [g for g in root.iter(f"{SVG}g") if g.get("class") == cls and g.findtext(f"{SVG}title") == title]
    assert len(found) == 1, f"{cls} {title!r}: {len(found)} groups"
    return found[0]


def fake_dot(tmp_path: Path, body: str) -> str:
    """A stand-in for `dot` that answers `-V` like Graphviz and otherwise runs `body`."""
    script = tmp_path / "fake-dot"
    script.write_text(
        '#!/bin/sh\nif [ "$1" = -V ]; then echo "dot - graphviz version 0.0.1 (0)" >&2; exit 0; fi\n'
        + body
        + "\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


@pytest.fixture(scope="module")
def hostile_svgs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """All hostile graphs in one render_many, so they share `dot` processes as in a real build."""
    renderer = Renderer(tmp_path_factory.mktemp("cache"), jobs=2)
    return renderer.render_many({f"hostile-{i}": hostile_graph(text) for i, text in enumerate(HOSTILE)})


def test_fixture_covers_the_nasty_cases() -> None:
    for needle in [
        '"]; node [shape=box',
        "<script>alert(1)</script>",
        "<svg onload=alert(1)>",
        "\\N",
        "\\G",
        "\\L",
        "&amp; &lt;",
        "\n",
        "\u202e",
        "🚀",
        "患者",
        "שלום",
    ]:
        assert any(needle in text for text in HOSTILE), needle
    assert {"", '"'} <= set(HOSTILE)
    assert any(text.endswith("\\") for text in HOSTILE)
    assert any(len(text) == 500 for text in HOSTILE)


@pytest.mark.parametrize("index", range(len(HOSTILE)), ids=[f"{i}:{t[:20]!r}" for i, t in enumerate(HOSTILE)])
def test_hostile_text_stays_text(hostile_svgs: dict[str, str], index: int) -> None:
    text, svg = HOSTILE[index], hostile_svgs[f"hostile-{index}"]
    root = parse(svg)

    # Nothing was injected: the graph has exactly its three nodes, two edges and default ellipses.
    classes = Counter(g.get("class") for g in root.iter(f"{SVG}g"))
    assert (classes["node"], classes["edge"], classes["cluster"]) == (3, 2, 0)
    for name in ("h", "p1", "p2"):
        assert len(group(root, "node", name).findall(f".//{SVG}ellipse")) == 1
    assert [t.text for t in group(root, "node", "p1").iter(f"{SVG}text")] == ["p1"]
    assert {el.tag.removeprefix(SVG) for el in root.iter()} <= ELEMENTS
    for el in root.iter():
        assert not [a for a in el.attrib if a.lower().startswith("on")], el.attrib
        assert not (el.get("href") or "").lower().lstrip().startswith(SCRIPT_URL)
    assert "<script" not in svg

    # The label shows every character, in order; the name, tooltip and URL arrive whole.
    assert shortened(root.findtext(f"{SVG}g/{SVG}title"), one_line("G " + text), limit=200)
    node = group(root, "node", "h")
    assert visible("".join(t.text or "" for t in node.iter(f"{SVG}text"))) == visible(text)
    expected = one_line(text)
    links = node.findall(f".//{SVG}a")
    if not expected:
        assert links == []
        return
    (link,) = links
    assert shortened(link.get(f"{XLINK}title"), expected)
    if expected.lower().startswith(SCRIPT_URL):
        assert set(link.attrib) == {f"{XLINK}title"}
    else:
        assert set(link.attrib) == {"href", f"{XLINK}title"}
        assert shortened(link.get("href"), expected)


def test_edge_labels_are_shortened(hostile_svgs: dict[str, str]) -> None:
    index = next(i for i, text in enumerate(HOSTILE) if len(text) == 500 and " " in text)
    edge = group(parse(hostile_svgs[f"hostile-{index}"]), "edge", "p1->p2")
    lines = [t.text or "" for t in edge.iter(f"{SVG}text")]
    assert len(lines) == 3
    assert all(len(line) <= 28 for line in lines)
    assert lines[-1].endswith("…")


def test_a_graph_renders_the_same_alone_and_in_a_batch(tmp_path: Path, hostile_svgs: dict[str, str]) -> None:
    renderer = Renderer(tmp_path, jobs=1)
    for index in (0, 17, len(HOSTILE) - 1):
        key = f"hostile-{index}"
        assert renderer.render_many({key: hostile_graph(HOSTILE[index])})[key] == hostile_svgs[key]


def test_escape_label_wraps_and_shortens() -> None:
    assert escape_label("") == ""
    assert escape_label('"') == '\\"'
    assert escape_label("a\\") == "a\\\\"
    assert escape_label("one two three four five six seven", width=10) == "one two\\nthree four\\nfive six…"
    assert escape_label("x" * 30, width=10, max_lines=2) == "xxxxxxxxxx\\nxxxxxxxxx…"
    assert escape_label("aaaa bbbb cccc dddd eeee ffff", width=14, max_lines=1) == "aaaa bbbb…"
    assert escape_label("{a|b} <c>") == "\\{a\\|b\\} \\<c\\>"


def test_escape_attr_is_one_short_line() -> None:
    assert escape_attr("a\n b\t\tc") == "a b c"
    assert escape_attr("x" * 400) == "x" * 299 + "…"
    assert escape_attr("word " * 10, limit=12) == "word word…"
    assert escape_attr('"<&>') == "&quot;&lt;&amp;&gt;"


def test_escape_id_is_one_literal_line() -> None:
    assert escape_id('say "hi"\n  now') == 'say \\"hi\\" now'
    assert escape_id("x" * 250) == "x" * 199 + "…"


def test_svg_is_ready_to_inline(tmp_path: Path) -> None:
    source = 'digraph "Org chart" { a [URL="../a/?x=1&y=2" target="_top" fillcolor="red:blue" style=filled] }'
    svg = Renderer(tmp_path).render_many({"roles/cto": source})["roles/cto"]
    assert svg.startswith("<svg ")
    assert svg.endswith("</svg>")
    for absent in ("<?xml", "<!DOCTYPE", "<!--", "xlink:href", "\n\n"):
        assert absent not in svg
    root = parse(svg)
    assert "width" not in root.attrib and "height" not in root.attrib
    assert root.get("viewBox", "").startswith("0.00 0.00 ")
    slug = diagram_slug("roles/cto")
    assert root.get("aria-labelledby") == f"{slug}-title"
    assert root.find(f".//{SVG}title[@id='{slug}-title']").text == "Org chart"  # type: ignore[union-attr]
    (link,) = root.iter(f"{SVG}a")
    assert (link.get("href"), link.get("target")) == ("../a/?x=1&y=2", "_top")
    assert root.get("role") == "group"  # role="img" would hide the link from screen readers


def test_anonymous_graph_is_named_after_its_key(tmp_path: Path) -> None:
    svg = Renderer(tmp_path).render_many({'<b>"key"': "digraph { a }"})['<b>"key"']
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.find(f".//{SVG}title[@id='{root.get('aria-labelledby')}']").text == '<b>"key"'  # type: ignore[union-attr]


def test_ids_are_unique_when_diagrams_share_a_page(tmp_path: Path) -> None:
    source = 'digraph { a [fillcolor="red:blue" style=filled]; a -> b [URL="x"]; subgraph cluster_1 { c } }'
    svgs = Renderer(tmp_path).render_many({"team/a": source, "team.a": source})
    page = "<div>" + "".join(svgs.values()) + "</div>"
    ids = [el.get("id") for el in parse(page).iter() if el.get("id")]
    assert len(ids) == len(set(ids)) > 10
    for svg in svgs.values():
        own = {el.get("id") for el in parse(svg).iter()}
        refs = re.findall(r'url\(#([^)]+)\)|aria-labelledby="([^"]+)"', svg)
        assert refs and all((a or b) in own for a, b in refs)


def test_cache_serves_unchanged_diagrams_without_dot(tmp_path: Path) -> None:
    sources = {f"d{i}": f'digraph {{ n{i} -> m{i}; m{i} [label="{i}"] }}' for i in range(20)}
    first = Renderer(tmp_path, jobs=2)
    svgs = first.render_many(sources)
    assert (first.stats.rendered, first.stats.cached) == (20, 0)
    assert first.render_many(sources) == svgs
    assert (first.stats.rendered, first.stats.cached) == (20, 20)

    later = Renderer(tmp_path, jobs=2)  # another build, same cache
    assert later.render_many(sources) == svgs
    assert (later.stats.rendered, later.stats.cached) == (0, 20)

    changed = {**sources, "d7": "digraph { changed }"}
    again = later.render_many(changed)
    assert (later.stats.rendered, later.stats.cached) == (1, 39)
    assert {k for k in sources if again[k] != svgs[k]} == {"d7"}
    assert not list(tmp_path.rglob("*.tmp"))


def test_keys_sharing_a_source_render_once(tmp_path: Path) -> None:
    renderer = Renderer(tmp_path)
    svgs = renderer.render_many({"x": SMALL, "y": SMALL})
    assert (renderer.stats.rendered, renderer.stats.cached) == (1, 1)
    assert svgs["x"].replace(diagram_slug("x"), "") == svgs["y"].replace(diagram_slug("y"), "")


def test_syntax_error_names_the_diagram_and_keeps_the_rest(tmp_path: Path) -> None:
    sources = {"good-1": SMALL, "roles/bad": "digraph { a -> }", "good-2": "digraph { z }"}
    renderer = Renderer(tmp_path, jobs=1)
    with pytest.raises(DiagramError) as caught:
        renderer.render_many(sources)
    assert caught.value.message == "diagram 'roles/bad': dot failed: syntax error in line 1 near '}'"
    del sources["roles/bad"]
    renderer.render_many(sources)
    assert renderer.stats.rendered == 2  # the good ones were rendered and cached in the failed run


def test_every_failing_diagram_is_listed(tmp_path: Path) -> None:
    sources = {"ok": SMALL, "b": "digraph {", "a": "graph { a -> b }", "two": "digraph { a } digraph { b }"}
    with pytest.raises(DiagramError) as caught:
        Renderer(tmp_path, jobs=1).render_many(sources)
    assert caught.value.message.splitlines() == [
        "3 diagrams could not be drawn:",
        "  diagram 'a': dot failed: syntax error in line 1 near '->'",
        "  diagram 'b': dot failed: syntax error in line 1",
        "  diagram 'two': expected one graph per diagram, dot drew 2 for 1",
    ]


def test_timeout_names_the_diagram(tmp_path: Path) -> None:
    renderer = Renderer(tmp_path / "cache", dot=fake_dot(tmp_path, "exec sleep 30"), jobs=1, timeout=0.3)
    with pytest.raises(DiagramError) as caught:
        renderer.render_many({"slow-1": SMALL, "slow-2": "digraph { b }"})
    assert caught.value.message.splitlines() == [
        "2 diagrams could not be drawn:",
        "  diagram 'slow-1': dot did not finish within 0.3 s",
        "  diagram 'slow-2': dot did not finish within 0.3 s",
    ]


def test_timeout_with_real_dot(tmp_path: Path) -> None:
    huge = "digraph { " + " ".join(f"n{i} -> n{(i * 7 + 3) % 3000};" for i in range(3000)) + " }"
    with pytest.raises(DiagramError, match=r"diagram 'huge': dot did not finish within 0.05 s"):
        Renderer(tmp_path, timeout=0.05).render_many({"huge": huge})


def test_missing_dot_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for hint in ("apt-get install graphviz", "brew install graphviz", "https://graphviz.org/download/"):
        assert hint in INSTALL_HINT
    with pytest.raises(DiagramError) as caught:
        Renderer(tmp_path, dot=str(tmp_path / "no-such-dot"))
    assert (
        caught.value.message
        == f"Graphviz `dot` was not found at {str(tmp_path / 'no-such-dot')!r}. {INSTALL_HINT}"
    )
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(DiagramError) as caught:
        find_dot()
    assert (
        caught.value.message
        == f"Graphviz is not installed: no `dot` program was found on PATH. {INSTALL_HINT}"
    )
    with pytest.raises(DiagramError, match="apt-get install graphviz"):
        Renderer(tmp_path)


def test_graphviz_version() -> None:
    assert re.fullmatch(r"\d+\.\d+(\.\d+)?\S*", graphviz_version(find_dot()))
    with pytest.raises(DiagramError, match="could not be run"):
        graphviz_version("/nonexistent/dot")


EVIL_SVG = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg width="62pt" height="44pt" onload="alert(1)" viewBox="0 0 62 44" xmlns="http://www.w3.org/2000/svg" \
xmlns:xlink="http://www.w3.org/1999/xlink">
<script>alert(2)</script><script href="x.js"/>
<g id="graph0" class="graph" ONCLICK='alert(3)'><title>G</title>
<a xlink:href="java&#x09;script:alert(4)"><text>one</text></a>
<a xlink:href=" JAVASCRIPT:alert(5)" target="_blank"><text>two</text></a>
<a xlink:href="../ok/?a=1&b=2" target="_top"><text>three &nbsp; &bogus;</text></a>
<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">four</div></foreignObject>
<animate attributeName="href" to="javascript:alert(6)"/><set attributeName="onclick" to="alert(7)"/>
<image href="data:image/svg+xml;base64,PHN2Zz4=" x="0" y="0"/>
</g>
</svg>
"""


def test_nothing_executable_survives_even_from_a_misbehaving_dot(tmp_path: Path) -> None:
    (tmp_path / "evil.svg").write_text(EVIL_SVG)
    renderer = Renderer(tmp_path / "cache", dot=fake_dot(tmp_path, f"cat '{tmp_path / 'evil.svg'}'"))
    svg = renderer.render_many({"evil": "digraph { a }"})["evil"]
    lowered = svg.lower()
    for bad in (
        "<script",
        "onload",
        "onclick",
        "javascript",
        "foreignobject",
        "<animate",
        "<set",
        "data:",
        "alert",
    ):
        assert bad not in lowered, bad
    root = parse(svg)
    links = [(a.get("href"), a.get("target")) for a in root.iter(f"{SVG}a")]
    assert links == [(None, None), (None, "_blank"), ("../ok/?a=1&b=2", "_top")]
    assert [t.text for t in root.iter(f"{SVG}text")] == ["one", "two", "three \xa0 &bogus;"]


@pytest.mark.parametrize(
    "markup",
    [
        '<g id="node1" class="node" onmouseover="alert(1)"><title>a</title></g>',
        '<a xlink:href="javascript:alert(1)"><text>a</text></a>',
        "<a href='javascript:alert(1)'><text>a</text></a>",
        '<a HREF="javascript:alert(1)"><text>a</text></a>',
        "<a href=javascript:alert(1)><text>a</text></a>",
        "<script>alert(1)</script>",
        "<text>a</text><",
        '<a href="x" onclick="alert(1)"><text>a</text>',
    ],
    ids=[
        "handler",
        "xlink-href",
        "single-quoted",
        "upper-case",
        "unquoted",
        "script",
        "stray-lt",
        "unclosed",
    ],
)
def test_each_kind_of_unsafe_markup_is_caught_on_its_own(tmp_path: Path, markup: str) -> None:
    evil = '<svg viewBox="0 0 9 9" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    node = markup if markup.startswith("<g") else f'<g id="node1" class="node"><title>a</title>{markup}</g>'
    (tmp_path / "evil.svg").write_text(
        f'<?xml version="1.0"?>\n{evil}\n<g id="graph0"><title>G</title>{node}</g>\n</svg>\n'
    )
    renderer = Renderer(tmp_path / "cache", dot=fake_dot(tmp_path, f"cat '{tmp_path / 'evil.svg'}'"))
    svg = renderer.render_many({"evil": "digraph { a }"})["evil"]
    assert "alert" not in svg
    assert len(list(parse(svg).iter(f"{SVG}g"))) == 2


def test_unescaped_urls_still_give_safe_well_formed_svg(tmp_path: Path) -> None:
    """dot 2.43 writes URL values raw; a caller who forgets escape_attr must not open a hole."""
    urls = {"handler": r"x\" onmouseover=\"alert(1)", "quote": r"p\"q", "lt": "<x>", "amp": "?a=1&b=2"}
    svgs = Renderer(tmp_path).render_many({k: f'digraph {{ a [URL="{url}"] }}' for k, url in urls.items()})
    assert "onmouseover" not in svgs["handler"]
    links = {key: [a.get("href") for a in parse(svg).iter(f"{SVG}a")] for key, svg in svgs.items()}
    assert links == {"handler": ["x"], "quote": [], "lt": [], "amp": ["?a=1&b=2"]}
    assert all([t.text for t in parse(svg).iter(f"{SVG}text")] == ["a"] for svg in svgs.values())


def test_a_truncated_document_is_closed(tmp_path: Path) -> None:
    (tmp_path / "cut.svg").write_text(
        '<?xml version="1.0"?>\n<svg viewBox="0 0 9 9" xmlns="http://www.w3.org/2000/svg" onload="x()">\n'
        '<g id="graph0" class="graph"><title>G</title><g id="node1" class="node"><title>a</title><text>a'
    )
    renderer = Renderer(tmp_path / "cache", dot=fake_dot(tmp_path, f"cat '{tmp_path / 'cut.svg'}'"))
    svg = renderer.render_many({"cut": "digraph { a }"})["cut"]
    assert svg.endswith("<text>a</text></g></g></svg>")
    assert [t.text for t in parse(svg).iter(f"{SVG}text")] == ["a"]


def test_an_unwritable_cache_is_reported(tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file, not a folder")
    with pytest.raises(
        DiagramError, match=r"^cannot write the diagram cache .*/cache/[0-9a-f]{2}: Not a directory$"
    ):
        Renderer(tmp_path / "cache").render_many({"a": SMALL})
