"""Synthetic plans written the way people write them, for benchmarks that measure the real case.

The same fields as the plain writer (synth_text.role_fields), in a varied hand: keys in any order,
plain, single- and double-quoted text, `|` and `>` blocks with indentation indicators, one-line
`[a, b]` lists (references with `#` among them), lists flush with their key, comments at line ends
and on their own lines, blank lines, two- or four-space indentation, a `---` start, CRLF line ends
and a byte-order mark now and then. A second random stream chooses the hand, so the organisation
of a seed is the same in both styles; only an outcome's `how` is sometimes left out.
"""

from __future__ import annotations

import random
import re

from site_builder.authoring.synth_text import Value, Word
from site_builder.authoring.text import yaml_str

HEADERS = (
    "# yaml-language-server: $schema=role.schema.json",
    "# Plan agreed with the team – see the notes at the end",
    "# Entwurf für den Zyklus FY2027-H1 (Rückmeldungen bis Freitag)",
    "# ✎ reviewed in the quarterly planning session",
)
COMMENTS = (
    "agreed with the manager",
    "TODO: check the figures with finance",
    "see last cycle's plan",
    "wording from the strategy day – keep",
    "ändern nach der Abstimmung?",
    "#1 priority this cycle",
)
_PLAIN_BAD_START = frozenset("-?:,[]{}#&*!|>'\"%@` <")
_FLOW_BAD = frozenset(",[]{}:\"'")
_NULL_WORDS = frozenset(("~", "null", "Null", "NULL", ""))
_TYPED = re.compile(r"[-+.]?\d[\d_.:,eE+-]*|(?i:y|n|yes|no|true|false|on|off|\.inf|\.nan)")
"""Text that YAML 1.1 tools would read as a number or a boolean: vap reads it as text, but hand
style quotes it, as careful authors do, so that any YAML tool reads the same text."""


def plain_ok(text: str, *, flow: bool = False) -> bool:
    """Whether `text` reads back unchanged written without quotes (in a `[...]` list when `flow`)."""
    if text in _NULL_WORDS or text[0] in _PLAIN_BAD_START or text[-1] in " :" or _TYPED.fullmatch(text):
        return False
    if ": " in text or " #" in text or "\n" in text or "\t" in text or "  " in text:
        return False
    return not (flow and not _FLOW_BAD.isdisjoint(text))


class HandWriter:
    """One file at a time; the style stream is advanced in a fixed order, so output is reproducible."""

    def __init__(self, style: random.Random) -> None:
        self.style = style
        self.unit = "  "

    def role_text(self, fields: dict[str, Value]) -> str:
        """One plan in a varied hand: str with `\\n`, `\\r\\n` and a leading BOM as chosen."""
        style = self.style
        self.unit = "    " if style.random() < 0.2 else "  "
        lines: list[str] = []
        if style.random() < 0.4:
            lines.append(style.choice(HEADERS))
        if style.random() < 0.05:
            lines.append("---")
        keys = list(fields)
        rest = keys[1:]
        style.shuffle(rest)
        order = [keys[0], *rest] if style.random() < 0.7 else style.sample(keys, len(keys))
        for key in order:
            if lines and style.random() < 0.25:
                lines.append("")
            if style.random() < 0.1:
                lines.append(f"# {style.choice(COMMENTS)}")
            self._entry(key, fields[key], "", lines)
        text = "\n".join(lines) + "\n"
        if style.random() < 0.1:
            text = text.replace("\n", "\r\n")
        if style.random() < 0.05:
            text = "\ufeff" + text
        return text

    def _comment(self) -> str:
        return f"  # {self.style.choice(COMMENTS)}" if self.style.random() < 0.08 else ""

    def _scalar(self, value: str, *, flow: bool = False) -> str:
        """Plain, single- or double-quoted, as the text allows."""
        if isinstance(value, Word) and (plain_ok(value, flow=flow) or value[:1].isdigit()):
            return value  # ids, references, dates and levels: plain, as the plain writer has them
        draw = self.style.random()
        if draw < 0.45 and plain_ok(value, flow=flow):
            return value
        if draw < 0.75 and "\\" not in value:
            return "'" + value.replace("'", "''") + "'"
        return yaml_str(value)

    def _entry(self, key: str, value: Value, indent: str, lines: list[str], lead: str | None = None) -> None:
        """`key: value` of a mapping at `indent`; `lead` replaces the indent (a list item's `- `)."""
        start = indent if lead is None else lead
        if isinstance(value, str):
            if not isinstance(value, Word) and len(value) > 40 and self.style.random() < 0.4:
                lines += self._block(key, value, start, indent)
            else:
                lines.append(f"{start}{key}: {self._scalar(value)}{self._comment()}")
        elif isinstance(value, dict):
            lines.append(f"{start}{key}:")
            for name, item in value.items():
                self._entry(name, item, indent + self.unit, lines)
        else:
            self._list(key, value, start, indent, lines)

    def _block(self, key: str, value: str, start: str, indent: str) -> list[str]:
        """`|` or `>` text below the key; all chomp (`-`) so the text is the same as quoted."""
        style = self.style
        body = indent + self.unit
        header = style.choice(("|-", ">-", f"|{len(self.unit)}-", f">{len(self.unit)}-"))
        if style.random() < 0.1:
            header += "  # wrapped by hand"
        if header[0] == "|":
            return [f"{start}{key}: {header}", body + value]
        out, line = [f"{start}{key}: {header}"], ""
        for word in value.split(" "):
            if line and len(line) + len(word) > 36:
                out.append(body + line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        return [*out, body + line]

    def _list(self, key: str, items: list[Value], start: str, indent: str, lines: list[str]) -> None:
        style = self.style
        if key == "supports":  # `{ref: x}` without `how` reads as the bare reference
            items = [self._reference(item) for item in items]
        scalars = all(isinstance(item, str) for item in items)
        if scalars and items and style.random() < 0.55:
            texts = ", ".join(self._scalar(str(item), flow=True) for item in items)
            if len(texts) < 100:
                lines.append(f"{start}{key}: [{texts}]{self._comment()}")
                return
        lines.append(f"{start}{key}:")
        dash = indent if style.random() < 0.25 else indent + self.unit  # lists flush with the key, or not
        for item in items:
            if isinstance(item, dict):
                names = list(item)
                if style.random() < 0.3:
                    style.shuffle(names)
                inner = dash + "  "
                for number, name in enumerate(names):
                    self._entry(name, item[name], inner, lines, dash + "- " if number == 0 else None)
            else:
                lines.append(f"{dash}- {self._scalar(str(item))}{self._comment()}")

    def _reference(self, item: Value) -> Value:
        if isinstance(item, dict) and ("how" not in item or self.style.random() < 0.5):
            return item["ref"]
        return item
