"""Normalising outcome text for the duplicate-effort matcher: words, numbers, units, concepts."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from site_builder.checking.similarity_words import (
    ACRONYM_TABLE,
    CARDINAL_TEXT,
    CONCEPT_TABLE,
    KNOWN_VERB_TEXT,
    SPELLING_TABLE,
    STOP_TEXT,
    TENS_TEXT,
    TURNOVER_CONTEXT,
    UNIT_ALIAS_TABLE,
    UNIT_TEXT,
)

_EMPTY_SET: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Signature:
    """An outcome reduced to what decides whether two outcomes name the same result."""

    content: frozenset[str]
    directions: int
    """Bits of _DIRECTIONS."""
    audiences: int
    """Bits of _AUDIENCES."""
    identifiers: frozenset[str]
    """Numbers and codes that name something (311, ISO 27001, line 3): must agree."""
    quantities: frozenset[str] = frozenset()
    """Targets as normalised quantities (20 min, four hours = 240min, 95%): agreeing ones add to a match."""


Word = tuple[int, str]
"""A normalised word: (kind, value)."""

_CONTENT, _LITERAL, _CODE, _INVERTED, _DIRECTION, _AUDIENCE, _NUM, _TARGET, _NUMWORD, _UNIT, _STOP = range(11)
"""Word kinds; the first four carry content (an inverted noun flips the title's direction). A _NUM
may name something (ward 7); a _TARGET (5%, 200,000, £1.4m) never does."""

_TOKEN = re.compile(r"[£$€]?\d[\d,]*(?:\.\d+)?[%a-z]*|[^\W\d_][^\W_]*|%", re.IGNORECASE)
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]+s?")
_BRITISH_ISE = re.compile(r"(?<=[a-z]{3})is(e|ed|es|ing|ation|ations)$")
_BRITISH_OUR = re.compile(r"(?<=[a-z]{3})our(s?)$")
_NUMBER = re.compile(r"[£$€]?(\d[\d,]*(?:\.\d+)?)([%a-z]*)")
_TURNOVER = re.compile(r"turnover", re.IGNORECASE)
_OTHER_TURNOVER = re.compile(TURNOVER_CONTEXT, re.IGNORECASE)
_DIRECTIONS = {"up": 1, "down": 2, "better": 4}
BETTER = _DIRECTIONS["better"]
_AUDIENCES = {"customer": 1, "staff": 2, "supplier": 4}


@lru_cache(maxsize=65536)
def outcome_signature(title: str, measure: str = "", target: str = "") -> Signature:
    """Title, measure and target as one signature: the measure names the result as much as the title
    does; direction comes from the title alone (a measure says "more than 30 days" without meaning up)."""
    sig = signature(title)
    if not measure and not target:
        return sig
    m = signature(measure) if measure else _EMPTY
    q = signature(target).quantities if target else frozenset()
    return _with_default_audience(
        Signature(
            sig.content | m.content,
            sig.directions,
            sig.audiences | m.audiences,
            sig.identifiers | m.identifiers,
            sig.quantities | m.quantities | q,
        )
    )


def _with_default_audience(sig: Signature) -> Signature:
    """NPS and satisfaction are the customer's unless a word says otherwise (employee NPS is not NPS)."""
    if sig.audiences:
        return sig
    implied = 0
    for concept, audience in _DEFAULT_AUDIENCE.items():
        if concept in sig.content:
            implied |= _AUDIENCES[audience]
    if not implied:
        return sig
    return Signature(sig.content, sig.directions, implied, sig.identifiers, sig.quantities)


@lru_cache(maxsize=65536)
def signature(text: str) -> Signature:
    """Normalise one text; cached because organisations repeat titles a lot."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    if text.isupper():
        text = text.lower()
    if "urnover" in text and _OTHER_TURNOVER.search(text):
        text = _TURNOVER.sub("turnround", text)  # room turnover time, stock turnover: not staff leaving
    words = [w for raw in _TOKEN.findall(text) for w in _token(raw)]
    if not _NUMBER_WORD_ENTRIES.isdisjoint(words):
        words = _number_words(words)
    if not _PHRASE_STARTS.isdisjoint(words):
        words = _phrases(words)
    return _with_default_audience(_classify(words))


@lru_cache(maxsize=65536)
def _token(raw: str) -> tuple[Word, ...]:
    """One raw token as normalised words; an acronym (IT, ED) is never read as a stop word."""
    if raw[0].isdigit() or raw[0] in "£$€":
        plain = raw[0].isdigit() and "," not in raw and raw[-1].isdigit()
        return ((_NUM if plain else _TARGET, raw.lower()),)
    if _ACRONYM.fullmatch(raw):
        acronym = raw.lower()[:-1] if raw.endswith("s") else raw.lower()
        named = _CODE if any(c.isdigit() for c in acronym) else _LITERAL  # Q3, H1: names, like ward 7
        return _ACRONYMS.get(acronym, ((named, acronym),))
    word = raw.lower()
    if any(c.isdigit() for c in word):
        return _SINGLE.get(word, ((_CODE, word),))
    stemmed = stem(word)
    return _SINGLE.get(stemmed, ((_plain_kind(stemmed), stemmed),))


def _plain_kind(word: str) -> int:
    if word in _NUMBER_WORDS:
        return _NUMWORD
    if word in _UNITS:
        return _UNIT
    return _STOP if word == "%" or word in _STOP_WORDS else _CONTENT


def _number_words(words: list[Word]) -> list[Word]:
    """'two hundred thousand' -> 200000; cardinals only, so 'first contact' stays words."""
    out: list[Word] = []
    total: int | None = None
    current = 0
    for kind, value in [*words, (_STOP, "")]:
        if kind == _NUMWORD or (total is not None and value in _SCALES):
            total = total or 0
            if kind == _NUMWORD:
                current += _NUMBER_WORDS[value]
            elif _SCALES[value] == 100:
                current = max(current, 1) * 100
            else:
                total, current = total + max(current, 1) * _SCALES[value], 0
            continue
        if total is not None:
            out.append((_NUM, str(total + current)))
            total, current = None, 0
        if value:
            out.append((kind, value))
    return out


def _phrases(words: list[Word]) -> list[Word]:
    """Greedy longest match of multi-word concepts ('roll out' -> launch)."""
    out: list[Word] = []
    i = 0
    while i < len(words):
        for size in range(min(_LONGEST_PHRASE, len(words) - i), 1, -1):
            phrase = tuple(words[i : i + size])
            if phrase in _PHRASES:
                out.extend(_PHRASES[phrase])
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out


def _classify(words: list[Word]) -> Signature:
    """Gather content, slots, identifiers and quantities; stop words fall away."""
    content: set[str] = set()
    identifiers: set[str] = set()
    quantities: set[str] = set()
    directions = audiences = 0
    flip = False
    for i, (kind, value) in enumerate(words):
        if kind in (_NUM, _TARGET, _UNIT) and (q := _quantity(words, i)):
            quantities.add(q)
        if kind <= _INVERTED:
            content.add(value)
            flip = flip or kind == _INVERTED
            if kind == _CODE:
                identifiers.add(value)
        elif kind == _DIRECTION:
            directions |= _DIRECTIONS[value]
        elif kind == _AUDIENCE:
            audiences |= _AUDIENCES[value]
        elif kind == _NUM and _is_identifier(words, i):
            content.add(value)
            identifiers.add(value)
        elif kind == _UNIT and value not in _BARE_UNITS and not (i and words[i - 1][0] in (_NUM, _TARGET)):
            content.add(value)
    if flip and directions & 3 in (1, 2):
        directions ^= 3  # "reduce turnover" is "increase retention"
    return Signature(frozenset(content), directions, audiences, frozenset(identifiers), frozenset(quantities))


def _quantity(words: list[Word], i: int) -> str | None:
    """20 min, twenty minutes, 1/3 h, 95%, £2m, 30,000 as one normalised text; None if no quantity here."""
    kind, value = words[i]
    nxt_kind, nxt = words[i + 1] if i + 1 < len(words) else (_STOP, "")
    if kind == _UNIT:  # "within an hour", "a day"
        prev = words[i - 1][1] if i else ""
        return _scaled(1.0, value) if prev in ("a", "an") and value in _DURATIONS else None
    match = _NUMBER.fullmatch(value)
    if match is None:
        return None
    number = float(match.group(1).replace(",", ""))
    suffix = match.group(2)
    if suffix:
        return _scaled(number, suffix)
    if nxt_kind == _UNIT or nxt == "%":
        return _scaled(number, nxt)
    return None if _is_identifier(words, i) else f"{number:.15g}"


def _scaled(number: float, unit: str) -> str | None:
    """A number in its unit's base: durations in minutes, amounts without their scale."""
    unit = _UNIT_ALIASES.get(unit, unit)
    if unit in _DURATIONS:
        return f"{number * _DURATIONS[unit]:.15g}min"
    if unit in _SCALE_UNITS:
        return f"{number * _SCALE_UNITS[unit]:.15g}"
    return f"{number:.15g}{unit}" if unit in ("%", "ppm", "month", "year", "point") else None


def _is_identifier(words: list[Word], i: int) -> bool:
    """ISO 27001, release 4.2, ward 7, 311 calls: a bare number that names something is no target."""
    nxt_kind, nxt = words[i + 1] if i + 1 < len(words) else (_STOP, "")
    if nxt_kind == _UNIT or nxt == "%":
        return False
    prev_kind, prev = words[i - 1] if i else (_STOP, "")
    if prev_kind in (_CONTENT, _LITERAL, _CODE) and prev not in _KNOWN_VERBS:
        return True
    value = words[i][1]  # "answer 311 calls": an unround number of 3+ digits is a name, not a count
    return value.isdigit() and len(value) >= 3 and int(value) % 10 != 0 and nxt_kind <= _CODE


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Light, predictable stemming: British spelling, plural, -ing, -ed, final e, doubled consonant."""
    w = _BRITISH_OUR.sub(r"or\1", _BRITISH_ISE.sub(r"iz\1", word))
    if len(w) > 3:
        if w.endswith("ies") and len(w) > 4:
            w = w[:-3] + "y"
        elif w.endswith("sses"):
            w = w[:-2]
        elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
        if w.endswith("ing") and len(w) > 5:
            w = w[:-3]
        elif w.endswith("ed") and len(w) > 4:
            w = w[:-2]
        w = _derived(w)
        if w.endswith("e") and len(w) > 3:
            w = w[:-1]
        if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiouls":
            w = w[:-1]
    return _SPELLING.get(w, w)


def _derived(w: str) -> str:
    """inspection/inspect, deployment/deploy, remediate/remediation, shrinkage/shrink: one stem."""
    for suffix, keep in (("ation", 4), ("tion", 4), ("sion", 4), ("ment", 4), ("age", 5), ("ate", 5)):
        if w.endswith(suffix) and len(w) - len(suffix) >= keep:
            return w[: -len(suffix)] + ("t" if suffix == "tion" else "s" if suffix == "sion" else "")
    return w


def _table(text: str) -> dict[str, tuple[str, ...]]:
    """Parse `id  word, phrase, ...` lines; an indented line continues the previous id."""
    table: dict[str, tuple[str, ...]] = {}
    key = ""
    for line in text.splitlines():
        if not line.strip():
            continue
        if not line[0].isspace():
            key, _, line = line.partition(" ")
        table[key] = table.get(key, ()) + tuple(w.strip() for w in line.split(",") if w.strip())
    return table


_SPELLING: dict[str, str] = {}  # filled below with stems, which need an (empty) map to exist
_SPELLING.update({stem(uk): stem(us) for us, uks in _table(SPELLING_TABLE).items() for uk in uks})
_NUMBER_WORDS: dict[str, int] = {stem(w): n for n, w in enumerate(CARDINAL_TEXT.split())}
_NUMBER_WORDS.update({stem(w): 20 + 10 * n for n, w in enumerate(TENS_TEXT.split())})
_NUMBER_WORD_ENTRIES: frozenset[Word] = frozenset((_NUMWORD, w) for w in _NUMBER_WORDS)
_SCALES: dict[str, int] = {stem("hundred"): 100, stem("thousand"): 1000, stem("million"): 1_000_000}
_STOP_WORDS: frozenset[str] = frozenset(map(stem, STOP_TEXT.split()))
_UNITS: frozenset[str] = frozenset(map(stem, UNIT_TEXT.split()))
_CONCEPTS: dict[str, tuple[str, ...]] = _table(CONCEPT_TABLE)
_KNOWN_VERB_STEMS: frozenset[str] = frozenset(map(stem, KNOWN_VERB_TEXT.split()))
_KNOWN_VERBS: frozenset[str] = _KNOWN_VERB_STEMS | {c for c in _CONCEPTS if stem(c) in _KNOWN_VERB_STEMS}


def _concept_words(concept: str) -> tuple[Word, ...]:
    kinds = {"dir": _DIRECTION, "aud": _AUDIENCE, "inv": _INVERTED}
    out: list[Word] = []
    for part in concept.split("_"):
        prefix, _, value = part.rpartition(":")
        out.append((kinds[prefix], value) if prefix else (_STOP if part == "%" else _CONTENT, part))
    return tuple(out)


def _words_of(text: str) -> tuple[Word, ...]:
    """A phrase normalised exactly as a title would be, word by word."""
    return tuple(w for raw in _TOKEN.findall(text) for w in _token(raw))


_SINGLE: dict[str, tuple[Word, ...]] = {
    stem(phrase): _concept_words(concept)
    for concept, phrases in _CONCEPTS.items()
    for phrase in phrases
    if " " not in phrase
}
_PHRASES: dict[tuple[Word, ...], tuple[Word, ...]] = {
    _words_of(phrase): _concept_words(concept)
    for concept, phrases in _CONCEPTS.items()
    for phrase in phrases
    if " " in phrase
}
_PHRASE_STARTS: frozenset[Word] = frozenset(p[0] for p in _PHRASES)
_LONGEST_PHRASE: int = max(map(len, _PHRASES))
_ACRONYMS: dict[str, tuple[Word, ...]] = {
    acronym: _words_of(expansion.replace("_", " "))
    for expansion, acronyms in _table(ACRONYM_TABLE).items()
    for acronym in acronyms
}

_EMPTY = Signature(_EMPTY_SET, 0, 0, _EMPTY_SET)
_DEFAULT_AUDIENCE: dict[str, str] = {"nps": "customer", "satisfaction": "customer", "complaint": "customer"}
_BARE_UNITS: frozenset[str] = frozenset(("h", "s", "m", "k", "min", "hr", "pp"))
"""Unit abbreviations that mean nothing without a number before them."""
_DURATIONS: dict[str, float] = {"second": 1 / 60, "minute": 1.0, "hour": 60.0, "day": 1440.0, "week": 10080.0}
_SCALE_UNITS: dict[str, float] = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9}
_UNIT_ALIASES: dict[str, str] = {
    stem(alias): unit for unit, aliases in _table(UNIT_ALIAS_TABLE).items() for alias in aliases
}
