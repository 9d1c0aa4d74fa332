"""Text helpers for writing plan files: YAML scalars that read back unchanged, and id slugs."""

from __future__ import annotations

import re

_NEEDS_ESCAPE = re.compile('["\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]')
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0"}
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


def yaml_str(text: str) -> str:
    """Emit `text` as a double-quoted YAML scalar that any YAML 1.1/1.2 parser reads back unchanged."""
    if _NEEDS_ESCAPE.search(text) is None:
        return f'"{text}"'
    return '"' + _NEEDS_ESCAPE.sub(_escape_char, text) + '"'


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _ESCAPES.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def slug(text: str) -> str:
    """A lower-case id fragment: `Risk & Compliance` -> `risk-compliance`."""
    return _SLUG_JUNK.sub("-", text.lower()).strip("-")
