"""The line reader (yamlfast) against libyaml (yamlsrc's event builder): the same nodes, or no answer.

yamlfast reads the common shape of plan files without libyaml. For every text it must either give
exactly the nodes libyaml gives (texts, plain flags, lines and columns of every key and value) with
libyaml finding nothing wrong, or return None, and then yamlsrc reads the file with libyaml as it
always did. Checked on every YAML file of the repository, on each shape the reader takes, on shapes
it must leave to libyaml, and on a few thousand seeded random edits of them.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from site_builder.authoring.synth import generate
from site_builder.loading import yamlfast
from site_builder.loading.loader import forget_parsed, load_plans
from site_builder.loading.yamlfast import parse_common
from site_builder.loading.yamlsrc import _TAB_INDENT, _YAML11_BREAKS, Map, Node, Scalar, Seq, _Builder, parse

ROOT = Path(__file__).resolve().parents[3]
Dump = tuple[object, ...] | None


def dump(node: Node | None) -> Dump:
    """Everything a node says, positions included, as comparable tuples."""
    if node is None:
        return None
    if isinstance(node, Scalar):
        return ("scalar", node.text, node.plain, node.line, node.column)
    if isinstance(node, Seq):
        return ("list", node.line, node.column, tuple(dump(item) for item in node.items))
    assert isinstance(node, Map)
    return (
        "map",
        node.line,
        node.column,
        tuple((name, key, dump(value)) for name, (key, value) in node.items.items()),
    )


def libyaml(text: str) -> tuple[Dump, bool]:
    """libyaml's nodes and whether it found anything wrong (what yamlsrc.parse did before yamlfast)."""
    if _TAB_INDENT.search(text) or _YAML11_BREAKS.search(text):
        return None, True
    findings: list[object] = []
    try:
        root = _Builder("plans/roles/x.yaml", findings).build(text)  # type: ignore[arg-type]
    except Exception:  # any syntax error is a finding
        return None, True
    return dump(root), bool(findings)


def agree(text: str) -> bool:
    """Assert both readers agree on `text`; True when the line reader took it."""
    fast = parse_common(text, "plans/roles/x.yaml")
    if fast is None:
        return False
    nodes, problems = libyaml(text)
    assert not problems, f"the line reader took a text libyaml finds wrong: {text!r}"
    assert dump(fast) == nodes, f"the readers disagree on {text!r}"
    return True


# --- real files ------------------------------------------------------------------------------


def test_every_yaml_file_of_the_repository() -> None:
    files = sorted(
        p
        for folder in ("plans", "tests/fixtures", "tests/data")
        for p in (ROOT / folder).rglob("*.y*ml")
        if p.is_file() and not p.is_symlink()
    )
    assert len(files) > 200
    taken = [p for p in files if agree(p.read_bytes().decode("utf-8-sig", "replace"))]
    assert len(taken) > 0.9 * len(files)  # block text, flow lists, comments: the usual shapes are taken
    assert all(p in taken for p in (ROOT / "plans").rglob("*.yaml"))  # the example, every file


def test_a_synthetic_organisation_is_read_without_libyaml(tmp_path: Path) -> None:
    generate(tmp_path, roles=60, seed=5)
    files = sorted((tmp_path / "plans").rglob("*.yaml"))
    assert len(files) == 62
    assert all(agree(p.read_text(encoding="utf-8")) for p in files)


def test_parse_uses_the_line_reader_and_reports_nothing() -> None:
    text = (ROOT / "plans" / "roles" / "ceo.yaml").read_text(encoding="utf-8")
    root, findings = parse(text, "plans/roles/ceo.yaml")
    assert findings == []
    assert dump(root) == dump(parse_common(text, "plans/roles/ceo.yaml")) == libyaml(text)[0]


# --- shapes ----------------------------------------------------------------------------------

TAKEN = {
    "literal": "a: |\n  x\n  y\nb: 1\n",
    "literal at the end without a line break": "a: |\n  x\n  y",
    "literal with trailing empty lines": "a: |\n  x\n\n\n",
    "literal with leading and inner empty lines": "a: |\n\n  x\n\n\n  y\nb: 1\n",
    "literal with a more indented line": "a: |\n  x\n    y\n  z\nb: 1\n",
    "literal, strip": "a: |-\n  x\n  y\n\nb: 1\n",
    "literal indented deeper than needed": "a: |\n      x\n      y\nb: 1\n",
    "literal in a list item": "o:\n  - id: x\n    note: |\n      hello\n      world\n  - id: y\n",
    "literal holding a #": "a: |\n  # not a comment\n  x\n# a comment\nb: 1\n",
    "folded": "a: >\n  x\n  y\n\n  z\n\n\n  w\nb: 1\n",
    "folded, strip": "a: >-\n  x\n  y\n",
    "folded with leading empty lines": "a: >\n\n\n  x\n  y\n",
    "empty value": "a:\nb: 1\n",
    "empty value at the end": "a: 1\nb:",
    "empty value with spaces and a comment": "a:   \nb: # c\nc: 1\n",
    "empty values in list items": "o:\n  - with:\n    note: x\n  - with:\n",
    "empty value before a dedent": "o:\n  a:\nb: 1\n",
    "list at the key's column": "o:\n- a\n- b\nc: 1\n",
    "mappings in a list at the key's column": "o:\n- id: a\n  s:\n  - r: 1\n    h: 2\n  t: 3\n- id: b\n",
    "flow lists": "a: [x, y z, \"q,r\", 'it''s']\nb: []\nc: [ a ,b ]  # c\nd:\n  - [x, y]\n",
    "comments": '# top\na: x # c\nb: "y" # c\n  # indented comment\nc:\n  # c\n  - z\n',
    "document start": "---\na: 1\n",
    "wide characters": 'a: 😀 x\nb: "😀"\nc: [😀, b]\nd: |\n  😀\ne:\n  - k: "😀" \n    j: [😀😀, "😀", x]\n',
    "keys with spaces and digits": "training days: 8\nbudget: 1.4M\n1: Front\n",
    "escapes": "a: \"x\\\"y\\\\z\\n\\t\\/\"\nb: 'x''y'\n",
    "spaces inside and after plain text": "a:    x  y   \n",
    "indented root": "  a: 1\n  b: 2\n",
    "list at the root": "- a\n- b: 1\n  c: 2\n",
    "plain text with brackets": "a: x [y] {z}, w\nb: <= 40\nc: 100%\n",
    "plain text with symbols": 'd: C#\ne: x:y\nf: ~\ng: x"y\n',
    "no-break spaces": "a: x\u00a0\nb: \u00a0y\n",
    "extra spaces after dashes": "a:\n  -   x\n  -   k: 1\n      j: 2\n",
    "CRLF": "a: 1\r\nb: 2\r\n",
    "CRLF around block text": "a: |\r\n  x\r\n\r\n  y\r\nb: >-\r\n  p\r\n  q\r\n",
    "keep chomping": "a: |+\n  x\n\nb: 1\n",
    "keep chomping at the end": "a: |+\n  x\n\n\n",
    "keep chomping without a final break": "a: >+\n  x\n  y",
    "keep chomping before a comment": "a: |+\n  x\n\n# c\nb: 1\n",
    "indentation indicator": "a: |2\n   x\n",
    "indentation indicator and chomping": "a: |2-\n    x\n  y\nb: >-2\n  p\n  q\nc: |+4\n     z\n\n",
    "indentation indicator in a list item": "o:\n  - id: x\n    note: >2-\n      one\n      two\n",
    "comment after a block header": "a: | # c\n  x\n",
    "comment after a chomping header": "a: >-   # c\n  x\n  y\n",
    "spaces-only line in block text within the indentation": "a: |\n  x\n \n  y\nb: >\n  p\n  \n  q\n",
    "references with # in a flow list": "supports: [r12#o1, 'r3#o2', \"G1\", G1-M2]\nb: [a#b]  # c\n",
    "document start after comments": "# yaml-language-server: $schema=role.schema.json\n\n---\na: 1\n",
}

LEFT_TO_LIBYAML = {
    "anchor": "a: &x 1\nb: 2\n",
    "alias": "a: 1\nb: *x\n",
    "tag": "a: !!python/object x\n",
    "tab": "a:\n\t- x\n",
    "next line": "a: x\x85y\n",
    "control character": "a: x\x07y\n",
    "byte order mark inside": "a: 1\n\ufeffb: 2\n",
    "plain text on two lines": "a: one\n  two\n",
    "quoted text on two lines": 'a: "one\n  two"\n',
    "list item on two lines": "a:\n  - one\n    two\n",
    "empty block text": "a: |\nb: 1\n",
    "spaces-only line in block text": "a: |\n  x\n   \n  y\n",
    "lone CR": "a: 1\rb: 2\n",
    "CR inside CRLF text": "a: 1\r\nb: x\ry\r\n",
    "comment inside a flow list": "a: [x #c, y]\n",
    "two indentation indicators": "a: |22\n  x\n",
    "block text less indented than its indicator": "a: |4\n  x\n",
    "spaces-only line before block text": "a: |\n   \n  x\n",
    "document start after a key": "a: 1\n---\n",
    "more indented line in folded text": "a: >\n  x\n    y\n",
    "flow mapping": "a: {b: 1}\n",
    "flow list over two lines": "a: [x,\n  y]\n",
    "duplicate key": "a: 1\na: 2\n",
    "second document": "a: 1\n---\nb: 2\n",
    "document end": "a: 1\n...\n",
    "bad indentation": "a:\n  b: 1\n c: 2\n",
    "colon in plain text": "a: Goal: faster\n",
    "colon at the end of plain text": "a: b:\n",
    "quoted key": '"a": 1\n',
    "explicit key": "? a\n: 1\n",
    "nested list on one line": "a:\n  - - x\n",
    "empty list item": "a:\n  -\n  - x\n",
    "unknown escape": 'a: "\\x41"\n',
    "text after quotes": 'a: "x" y\n',
    "comment glued to quotes": 'a: "x"#c\n',
    "scalar document": "just text\n",
    "empty document": "# nothing\n",
    "block text in a list item": "a:\n  - |\n    x\n",
    "directive": "%YAML 1.1\n---\na: 1\n",
    "too deep": "".join(f"{'  ' * i}k{i}:\n" for i in range(40)) + f"{'  ' * 40}x: 1\n",
}


@pytest.mark.parametrize("text", TAKEN.values(), ids=TAKEN.keys())
def test_shapes_the_line_reader_takes(text: str) -> None:
    assert agree(text)


@pytest.mark.parametrize("text", LEFT_TO_LIBYAML.values(), ids=LEFT_TO_LIBYAML.keys())
def test_shapes_left_to_libyaml(text: str) -> None:
    assert parse_common(text, "plans/roles/x.yaml") is None


# --- random edits ----------------------------------------------------------------------------

PIECES = [*" -:#\"'|>[],\na&*!{}?\\%@`é😀\u00a0.~0", ": ", " #", "- ", "  ", "\n  ", "\n- ", "|-", ">-"]
PIECES += ['"x"', "'y'", "[a, b]", "\n\n", "---\n", "\\n", "\\x41"]


def edit(text: str, rng: random.Random) -> str:
    """One to three random edits: characters in or out, lines copied, moved, re-indented or dropped."""
    for _ in range(rng.randint(1, 3)):
        lines = text.split("\n")
        i = rng.randrange(len(lines))
        op = rng.random()
        if op < 0.35:
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(PIECES) + text[at:]
            continue
        if op < 0.5 and text:
            at = rng.randrange(len(text))
            text = text[:at] + text[at + 1 :]
            continue
        if op < 0.6:
            lines.insert(i, lines[i])
        elif op < 0.75:
            shift = rng.choice([-2, -1, 1, 2, 4])
            if shift > 0:
                lines[i] = " " * shift + lines[i]
            elif lines[i].startswith(" " * -shift):
                lines[i] = lines[i][-shift:]
        elif op < 0.8:
            del lines[i]
        elif op < 0.85:
            lines[i] += rng.choice(["  ", " # c", ":", " :", "#x"])
        elif op < 0.9:
            lines.insert(i, rng.choice(["", "   ", "# c", "  # c", "---", "..."]))
        else:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        text = "\n".join(lines)
    return text


def test_random_edits_never_make_the_readers_disagree() -> None:
    seeds = [
        *TAKEN.values(),
        (ROOT / "plans" / "roles" / "ceo.yaml").read_text(encoding="utf-8"),
        (ROOT / "plans" / "portal.yaml").read_text(encoding="utf-8"),
        (ROOT / "tests" / "fixtures" / "small" / "plans" / "roles" / "chief.yaml").read_text(
            encoding="utf-8"
        ),
    ]
    rng = random.Random(2027)
    taken = sum(agree(edit(rng.choice(seeds), rng)) for _ in range(4000))
    assert taken > 800  # the edits exercise the line reader, not only the way back to libyaml


# --- the corpus of hand-written shapes -------------------------------------------------------

SHAPES = ROOT / "tests" / "fixtures" / "shapes"
DECLINED = {"block-in-list-item.yaml", "flow-mapping.yaml", "multiline-text.yaml"}
"""Corpus files the line reader leaves to libyaml (flow mappings, text over lines without a header)."""


SHAPES_LOADED = {
    "flow-lists",
    "literal-blocks",
    "folded-blocks",
    "crlf",
    "bom",
    "bom-crlf",
    "unicode",
    "mixed",
}
"""Roles of corpus files that must load (each an id of its own)."""


def corpus() -> dict[str, str]:
    """Each corpus file as yamlsrc.decode gives it to the readers (a BOM dropped, CRLF kept)."""
    return {p.name: p.read_bytes().decode("utf-8-sig") for p in sorted(SHAPES.glob("*.yaml"))}


def test_the_corpus_holds_every_shape_people_write() -> None:
    texts = corpus()
    raw = {p.name: p.read_bytes() for p in SHAPES.glob("*.yaml")}
    joined = "\n".join(texts.values())
    assert any(data.startswith(b"\xef\xbb\xbf") for data in raw.values())  # a BOM
    assert any(b"\r\n" in data for data in raw.values())  # CRLF
    for shape in ("#o1]", "'", '"', ": |\n", ": |-", ": |2", ": |+", ": >\n", ": >-", ": >2-", ": >+"):
        assert shape in joined.replace("\r\n", "\n"), shape
    assert "  # " in joined and "\n# " in joined and "\n\n" in joined  # comments at line ends and alone
    assert "😀" in joined and "Qualität" in joined
    assert texts["key-order.yaml"].startswith("outcomes:")


@pytest.mark.parametrize("name", sorted(corpus()))
def test_each_corpus_file_is_taken_or_declined(name: str) -> None:
    text = corpus()[name]
    assert libyaml(text)[1] is False  # libyaml reads every corpus file without a finding
    assert agree(text) is (name not in DECLINED)


def test_the_corpus_loads_the_same_with_either_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every finding, position and value of the typed plans, not only the nodes."""
    plans = tmp_path / "plans"
    shutil.copytree(ROOT / "tests" / "fixtures" / "small" / "plans", plans)
    for path in SHAPES.glob("*.yaml"):
        shutil.copy(path, plans / "roles" / path.name)
    fast = load_plans(plans)
    forget_parsed()
    monkeypatch.setattr(yamlfast, "parse_common", lambda text, path: None)
    slow = load_plans(plans)
    forget_parsed()
    assert fast.plans.roles.keys() >= SHAPES_LOADED
    assert fast.plans == slow.plans
    assert fast.findings == slow.findings
    for role_id, role in fast.plans.roles.items():
        assert dict(role.field_locs) == dict(slow.plans.roles[role_id].field_locs)


def test_random_edits_of_the_corpus_never_make_the_readers_disagree() -> None:
    seeds = list(corpus().values())
    rng = random.Random(2028)
    taken = sum(agree(edit(rng.choice(seeds), rng)) for _ in range(3000))
    assert taken > 600


def test_a_hand_written_organisation_is_read_without_libyaml(tmp_path: Path) -> None:
    """`vap synth --style hand`: every file taken, and the same organisation as the plain style."""
    generate(tmp_path / "hand", roles=120, seed=4, style="hand")
    generate(tmp_path / "plain", roles=120, seed=4)
    files = sorted((tmp_path / "hand" / "plans").rglob("*.yaml"))
    texts = [p.read_bytes().decode("utf-8-sig") for p in files]
    assert all(agree(text) for text in texts)
    assert any("\r\n" in t for t in texts) and any(": [" in t and "#" in t for t in texts)
    hand = load_plans(tmp_path / "hand" / "plans")
    plain = load_plans(tmp_path / "plain" / "plans")
    forget_parsed()
    assert hand.findings == () == plain.findings
    for role_id, role in plain.plans.roles.items():
        other = hand.plans.roles[role_id]
        assert (other.title, other.holder, other.value_add, other.focus) == (
            role.title,
            role.holder,
            role.value_add,
            role.focus,
        )
        assert [(o.id, o.title, o.due, [r.target for r in o.supports]) for o in other.outcomes] == [
            (o.id, o.title, o.due, [r.target for r in o.supports]) for o in role.outcomes
        ]
