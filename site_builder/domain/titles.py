"""Outcome titles as people read them: real titles join an objective and its detail in one text."""

from __future__ import annotations

import re

from site_builder.domain.model import Outcome

SHORT_TITLE = 80
"""Characters of a title shown where space is short (tables of contents, findings, diagram boxes)."""
_MIN_SENTENCE = 12
"""A first "sentence" shorter than this is an abbreviation ("Dr. Smith..."), not the objective."""
_SENTENCE_END = re.compile(r"[.!?:;](?=\s)")


def short_title(title: str, limit: int = SHORT_TITLE) -> str:
    """The first sentence of a title, or its first `limit` characters cut at a word and ended in "…".

    "Make the product the most usable platform. Detail, detail." -> "Make the product the most usable
    platform." Whoever shows the short form keeps the full title one hover or click away."""
    flat = " ".join(title.split())
    for end in _SENTENCE_END.finditer(flat):
        if end.start() >= _MIN_SENTENCE:
            flat = flat[: end.end()].rstrip(":;")
            break
    if len(flat) <= limit:
        return flat
    head = flat[: limit - 1]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head).rstrip(" ,;:-") + "…"


def is_shortened(title: str) -> bool:
    """True when `short_title` leaves part of the title out (the full text must then be offered)."""
    return short_title(title) != " ".join(title.split())


def outcome_name(outcome: Outcome) -> str:
    """How a finding names an outcome: its title, shortened, in double quotes."""
    return f'outcome "{short_title(outcome.title)}"'
