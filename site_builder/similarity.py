"""Near-duplicate outcome titles across departments, for the `duplicate-effort` warning.

Pure standard library and independent of the rest of the package, so the matcher can be
tested and benchmarked on its own. Method (details in docs/alignment.md):

1. Normalise each title into a `_Signature`: lower case, acronyms kept, number words to
   digits, light stemming, a small concept map (synonyms, spelling, acronyms), stop words
   and measure words dropped. Direction (up/down/better) and audience (customer/staff/
   supplier) become *slots*; numbers are *targets* (dropped: the same result with another
   target is still duplicated effort) or *identifiers* (ISO 27001, release 4.2: must agree).
2. Score = weighted Jaccard of content tokens (weight 1) and slots (weight 0.5), with vetoes
   for opposite directions, disjoint audiences and disjoint identifiers. Fixed weights, no
   corpus statistics: a pair's score never changes because someone else edited their plan.
3. Candidates come from prefix filtering (AllPairs) over an inverted index of rare-first
   tokens, which finds every pair that can reach the threshold without comparing all pairs.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from math import ceil


THRESHOLD: float = 0.7
"""Minimum score for a duplicate. 0.7 lets one extra or missing content word through on a
title of three or more (3/4 = 0.75) but not a swapped one (2/4 = 0.5), and lets a missing
direction or audience through; measured in docs/alignment.md."""

MAX_POSTINGS: int = 2000
"""A token in more distinct titles than this is too common to block on (skipped, counted)."""

SLOT_WEIGHT: float = 0.5
"""Weight of direction and audience: they qualify a result, not name it."""

_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Item:
    """One outcome to compare."""

    key: str
    """Stable identifier, e.g. `role#outcome`; reported in `Match`."""
    group: str
    """Department: items in the same group are never matched (a role may repeat its manager)."""
    text: str
    """The outcome title."""


@dataclass(frozen=True, slots=True)
class Match:
    """Two items in different groups whose texts describe the same result."""

    a: str
    """The smaller key."""
    b: str
    """The larger key."""
    score: float
    """Similarity in [THRESHOLD, 1]."""


@dataclass(frozen=True, slots=True)
class Stats:
    """What the search did, so tests can prove blocking without timing anything."""

    items: int
    signatures: int
    """Distinct normalised titles (identical ones are compared once)."""
    candidates: int
    """Signature pairs actually scored; all pairs would be signatures*(signatures-1)/2."""
    skipped_tokens: int
    """Tokens over MAX_POSTINGS, not used for blocking."""


@dataclass(frozen=True, slots=True)
class _Signature:
    """A title reduced to what decides whether two titles name the same result."""

    content: frozenset[str]
    directions: frozenset[str]
    audiences: frozenset[str]
    identifiers: frozenset[str]


def near_duplicates(items: Sequence[Item], *, threshold: float = THRESHOLD) -> list[Match]:
    """Pairs of items in different groups with similar texts, sorted by (a, b)."""
    return search(items, threshold=threshold)[0]


def similarity(text_a: str, text_b: str) -> float:
    """Score of two titles, the same number `near_duplicates` compares to the threshold."""
    return _score(signature(text_a), signature(text_b))


def search(items: Sequence[Item], *, threshold: float = THRESHOLD) -> tuple[list[Match], Stats]:
    """`near_duplicates` plus the counts that show how much work blocking saved."""
    by_sig: dict[_Signature, list[Item]] = defaultdict(list)
    for item in items:
        by_sig[signature(item.text)].append(item)
    sigs = [s for s in by_sig if s.content]
    pairs, candidates, skipped = _candidate_pairs(sigs, threshold)
    matches: list[Match] = []
    for sig in sigs:
        matches.extend(_cross_group(by_sig[sig], by_sig[sig], 1.0))
    for i, j, score in pairs:
        matches.extend(_cross_group(by_sig[sigs[i]], by_sig[sigs[j]], score))
    unique = {(m.a, m.b): m for m in matches}
    result = [unique[k] for k in sorted(unique)]
    return result, Stats(len(items), len(by_sig), candidates, skipped)


def _cross_group(left: list[Item], right: list[Item], score: float) -> Iterable[Match]:
    for x in left:
        for y in right:
            if x.group != y.group and x.key != y.key:
                a, b = sorted((x.key, y.key))
                yield Match(a, b, score)


Key = tuple[str, ...]
Posting = tuple[Key, int, int]
Plan = tuple[int, int]


def _candidate_pairs(
    sigs: list[_Signature], threshold: float
) -> tuple[list[tuple[int, int, float]], int, int]:
    """Size-aware generalised prefix filtering (AllPairs): finds every pair that can match.

    Titles are visited smallest first. A title of n tokens is indexed, for each partner size
    m >= n it could match, under the keys of the prefix that (n, m) requires; a later title
    probes each smaller size with its own (n, m) prefix. Both prefixes come from valid lower
    bounds on the shared tokens, so any matching pair shares a key (the l-prefix lemma).
    """
    rank = _rarity_rank(sigs)
    ordered = [tuple(sorted(sig.content, key=rank.__getitem__)) for sig in sigs]
    slots = [_slot_weight(sig) for sig in sigs]
    largest = max((len(t) for t in ordered), default=0)
    inserts = [
        [(key, len(tokens), m) for m, plan in _insert_plan(len(tokens), w, largest, threshold)
         for key in _keys(tokens, plan)]
        for tokens, w in zip(ordered, slots, strict=True)
    ]
    posting_df: dict[Posting, int] = defaultdict(int)
    for own in inserts:
        for posting in own:
            posting_df[posting] += 1
    common = {k for k, n in posting_df.items() if n > MAX_POSTINGS}
    postings: dict[Posting, list[int]] = defaultdict(list)
    sizes: list[int] = []
    found: list[tuple[int, int, float]] = []
    candidates = 0
    for i in sorted(range(len(sigs)), key=lambda k: len(ordered[k])):
        n, seen = len(ordered[i]), set()
        for m in sizes:
            plan = _probe_plan(n, slots[i], m, threshold)
            for key in _keys(ordered[i], plan) if plan else ():
                seen.update(postings.get((key, m, n), ()))
        for posting in inserts[i]:
            if posting not in common:
                postings[posting].append(i)
        if not sizes or sizes[-1] != n:
            sizes.append(n)
        candidates += len(seen)
        for j in seen:
            score = _score(sigs[j], sigs[i])
            if score >= threshold - _EPS:
                found.append((j, i, score))
    return found, candidates, len(common)


def _rarity_rank(sigs: list[_Signature]) -> dict[str, int]:
    """Global token order, rarest first (ties by text), shared by every prefix."""
    df: dict[str, int] = defaultdict(int)
    for sig in sigs:
        for token in sig.content:
            df[token] += 1
    return {t: r for r, t in enumerate(sorted(df, key=lambda t: (df[t], t)))}


def _keys(tokens: Key, plan: Plan) -> Iterable[Key]:
    """The `size`-token combinations of the first `length` (rarest) tokens."""
    length, size = plan
    return combinations(tokens[:length], size)


@lru_cache(maxsize=4096)
def _insert_plan(n: int, slots: float, largest: int, threshold: float) -> tuple[tuple[int, Plan], ...]:
    """For each partner size m >= n that can still match: (m, (prefix length, key size))."""
    plans = []
    for m in range(n, largest + 1):
        plan = _probe_plan(n, slots, m, threshold)
        if plan is None:
            break
        plans.append((m, plan))
    return tuple(plans)


@lru_cache(maxsize=4096)
def _probe_plan(n: int, slots: float, m: int, threshold: float) -> Plan | None:
    """Prefix length and key size for a title of n tokens facing a partner of m; None if hopeless.

    Every pair of titles that can match shares `need` tokens; prefixes of length n - need + l
    then share l tokens. l = 2 (token pairs, rare even when words are common) unless sizes
    alone allow a one-token match; decided with the most generous slots so both sides agree.
    """
    own = ceil(threshold * (n + slots) - slots - _EPS)
    need = max(1, own, _overlap_bound(n, m, slots, threshold))
    if need > min(n, m):
        return None
    size = 2 if _overlap_bound(n, m, 2 * SLOT_WEIGHT, threshold) >= 2 else 1
    return n - need + size, size


def _overlap_bound(n: int, m: int, slots: float, threshold: float) -> int:
    """Least s with (s + slots) / (n + m - s + slots) >= threshold: shared slots help at most."""
    return ceil((threshold * (n + m + slots) - slots) / (1 + threshold) - _EPS)


def _slot_weight(sig: _Signature) -> float:
    return SLOT_WEIGHT * (bool(sig.directions) + bool(sig.audiences))


def _score(x: _Signature, y: _Signature) -> float:
    """Weighted Jaccard with vetoes; 0 when no content token is shared."""
    shared = len(x.content & y.content)
    if not shared or _conflict(x.identifiers, y.identifiers) or _conflict(x.audiences, y.audiences):
        return 0.0
    if _opposite(x.directions, y.directions):
        return 0.0
    common = float(shared)
    union = float(len(x.content | y.content))
    for a, b, compatible in (
        (x.directions, y.directions, _compatible(x.directions, y.directions)),
        (x.audiences, y.audiences, bool(x.audiences & y.audiences)),
    ):
        if a or b:
            union += SLOT_WEIGHT
            common += SLOT_WEIGHT if compatible else 0.0
    return common / union


def _conflict(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a) and bool(b) and not (a & b)


def _compatible(a: frozenset[str], b: frozenset[str]) -> bool:
    """Same direction, or one says only "improve", which fits either way."""
    return bool(a) and bool(b) and (bool(a & b) or "better" in a | b)


def _opposite(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a) and bool(b) and not _compatible(a, b)


# --- normalisation ---------------------------------------------------------------------

_TOKEN = re.compile(r"[£$€]?\d[\d,]*(?:\.\d+)?[%a-z]*|[a-z][a-z0-9]*|%", re.IGNORECASE)
_NUMBER = re.compile(r"[£$€]?(\d[\d,]*(?:\.\d+)?)([%a-z]*)", re.IGNORECASE)
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]+s?")
_BRITISH_ISE = re.compile(r"(?<=[a-z]{3})is(e|ed|es|ing|ation|ations)$")
_BRITISH_OUR = re.compile(r"(?<=[a-z]{3})our(s?)$")
_CONTENT, _DIRECTION, _AUDIENCE, _INVERTED, _LITERAL, _CODE, _NUM, _STOP, _UNIT = range(9)


@lru_cache(maxsize=65536)
def signature(text: str) -> _Signature:
    """Normalise one title; cached because organisations repeat titles a lot."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    if text.isupper():
        text = text.lower()
    words = [w for raw in _TOKEN.findall(text.replace("-", " ").replace("/", " ")) for w in _token(raw)]
    if not _NUMBER_WORDS.keys().isdisjoint(words):
        words = _number_words(words)
    if not _PHRASE_STARTS.isdisjoint(words):
        words = _apply_phrases(words)
    return _classify(words)


@lru_cache(maxsize=65536)
def _token(raw: str) -> tuple[str, ...]:
    """One raw token as normalised words; an acronym (IT, ED) is never read as a stop word."""
    if raw[0].isdigit() or raw[0] in "£$€" or raw == "%":
        return (raw.lower(),)
    if _ACRONYM.fullmatch(raw):
        acronym = raw.lower()[:-1] if raw.endswith("s") else raw.lower()
        return _ACRONYMS.get(acronym, ("#" + acronym,))
    word = raw.lower()
    if any(c.isdigit() for c in word):
        return _SINGLE.get(word, ("@" + word,))
    stemmed = stem(word)
    return _SINGLE.get(stemmed, (stemmed,))


def _number_words(words: list[str]) -> list[str]:
    """'two hundred thousand' -> '200000' (cardinals only: 'first contact' stays a word)."""
    out: list[str] = []
    total: int | None = None
    current = 0
    for w in [*words, ""]:
        if w in _NUMBER_WORDS or (total is not None and w in _SCALES):
            total = total or 0
            if w in _NUMBER_WORDS:
                current += _NUMBER_WORDS[w]
            elif _SCALES[w] == 100:
                current = max(current, 1) * 100
            else:
                total += max(current, 1) * _SCALES[w]
                current = 0
            continue
        if total is not None:
            out.append(str(total + current))
            total, current = None, 0
        if w:
            out.append(w)
    return out


def _apply_phrases(words: list[str]) -> list[str]:
    """Greedy longest match of multi-word concepts ('roll out' -> launch)."""
    out: list[str] = []
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


def _classify(words: list[str]) -> _Signature:
    """Sort normalised words into content, slots and identifiers; targets are dropped."""
    content: set[str] = set()
    directions: set[str] = set()
    audiences: set[str] = set()
    identifiers: set[str] = set()
    flip = False
    for i, w in enumerate(words):
        kind = _kind(w)
        if kind == _CONTENT:
            content.add(w)
        elif kind == _DIRECTION:
            directions.add(w[4:])
        elif kind == _AUDIENCE:
            audiences.add(w[4:])
        elif kind == _INVERTED:
            content.add(w[4:])
            flip = True
        elif kind in (_LITERAL, _CODE):
            content.add(w[1:])
            if kind == _CODE:
                identifiers.add(w[1:])
        elif kind == _NUM and _is_identifier(w, words[i - 1] if i else "", words[i + 1 : i + 2]):
            content.add(w)
            identifiers.add(w)
        elif kind == _UNIT and not (i and _kind(words[i - 1]) == _NUM):
            content.add(w)
    if flip:
        directions = {_FLIPPED.get(d, d) for d in directions}
    return _Signature(frozenset(content), frozenset(directions), frozenset(audiences), frozenset(identifiers))


@lru_cache(maxsize=65536)
def _kind(word: str) -> int:
    prefix = {"dir:": _DIRECTION, "aud:": _AUDIENCE, "inv:": _INVERTED}.get(word[:4])
    if prefix is not None:
        return prefix
    if word[0] in "#@":
        return _LITERAL if word[0] == "#" else _CODE
    if _NUMBER.fullmatch(word):
        return _NUM
    if word in _UNITS:
        return _UNIT
    return _STOP if word in _STOP_WORDS else _CONTENT


def _is_identifier(number: str, prev: str, nxt: list[str]) -> bool:
    """ISO 27001, release 4.2, ward 7: a bare number named by the word before it is no target."""
    match = _NUMBER.fullmatch(number)
    assert match is not None
    digits, suffix = match.groups()
    if number[0] in "£$€" or "," in digits or suffix or (nxt and nxt[0] in _UNITS):
        return False
    return bool(prev) and _kind(prev) in (_CONTENT, _LITERAL, _CODE) and prev not in _KNOWN_VERBS


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Light, predictable stemming: British spelling, plural, -ing, -ed, final e, double consonant."""
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
        if w.endswith("e") and len(w) > 3:
            w = w[:-1]
        if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiouls":
            w = w[:-1]
    return _SPELLING.get(w, w)


# --- lexicon: modest on purpose; every entry is a planning word seen across functions ---

_SPELLING_RAW: dict[str, str] = {
    "centre": "center", "theatre": "theater", "metre": "meter", "litre": "liter", "fibre": "fiber",
    "licence": "license", "catalogue": "catalog", "paediatric": "pediatric",
    "orthopaedic": "orthopedic", "anaesthetic": "anesthetic", "enrolment": "enrollment",
}
_SPELLING: dict[str, str] = {}
_SPELLING.update({stem(k): stem(v) for k, v in _SPELLING_RAW.items()})

_CONCEPTS_RAW: dict[str, tuple[str, ...]] = {
    # Direction slots: "better" (improve) is compatible with up and down; up vs down vetoes.
    "dir:down": ("reduce", "cut", "lower", "decrease", "minimise", "minimize", "lessen", "halve",
                 "trim", "fewer", "less", "shorten", "shorter", "slash", "curb", "eliminate",
                 "bring down"),
    "dir:up": ("increase", "raise", "grow", "growth", "boost", "expand", "lift", "maximise",
               "maximize", "double", "triple", "more", "higher", "greater", "scale up"),
    "dir:better": ("improve", "enhance", "optimise", "optimize", "strengthen", "better"),
    # Audience slots: who benefits; two different audiences veto.
    "aud:customer": ("customer", "patient", "client", "consumer", "shopper", "citizen", "resident",
                     "user", "guest", "service user"),
    "aud:staff": ("staff", "employee", "workforce", "personnel", "colleague", "worker",
                  "team member"),
    "aud:supplier": ("supplier", "vendor", "contractor"),
    # Nouns whose "reduce" means the other noun's "increase": the direction is flipped.
    "inv:retention": ("turnover", "attrition", "churn"),
    # Content concepts.
    "retention": ("retention", "retain"),
    "launch": ("launch", "introduce", "deploy", "implement", "rollout", "roll out", "go live", "ship"),
    "retire": ("retire", "decommission", "sunset", "phase out", "shut down", "switch off"),
    "hire": ("hire", "recruit", "recruitment"),
    "migrate": ("migrate", "migration", "move", "transfer"),
    "train": ("train", "training", "upskill"),
    "automate": ("automate", "automation"),
    "noshow": ("no show", "missed appointment", "did not attend", "missed visit"),
    "booking": ("booking", "book", "appointment", "reservation"),
    "cost": ("cost", "spend", "spending", "expense", "expenditure"),
    "sales": ("sales", "revenue"),
    "online sales": ("e commerce", "ecommerce"),
    "online": ("online", "digital", "web"),
    "complaint": ("complaint", "grievance"),
    "error": ("error", "defect", "bug", "fault", "mistake"),
    "outage": ("outage", "downtime"),
    "uptime": ("uptime", "availability"),
    "satisfaction": ("satisfaction", "csat"),
    "nps": ("net promoter score", "nps"),
    "consumption": ("consumption", "usage", "use"),
    "energy": ("energy", "electricity"),
    "emission": ("emission", "carbon", "co2", "greenhouse gas"),
    "inventory": ("inventory", "stock"),
    "payment": ("payment", "pay"),
    "ehr": ("electronic health record", "electronic patient record", "electronic medical record",
            "ehr", "emr", "epr"),
    "ed": ("emergency department", "emergency room", "accident and emergency"),
    "%": ("per cent",),
}
_ACRONYMS_RAW: dict[str, str] = {
    "ed": "emergency department", "er": "emergency department", "ehr": "ehr", "emr": "ehr",
    "epr": "ehr", "nps": "nps", "co2": "carbon", "csat": "csat",
}
_STOP_WORDS_RAW = (
    # function words
    "a an the and or of for to in on at by with from into onto across all every each our its "
    "their this that these those be is are was were been being as so than then under below over "
    "above within least most up down out off via per through new fully further only also no not "
    "it we us who which whole "
    # measure words: "no-show rate" and "no-shows" name the same result
    "rate rates level number share proportion percentage ratio count volume amount total overall "
    "average mean median score index figure "
    # verbs that say a result is reached, not which one
    "achieve deliver ensure reach hit meet attain drive enable make get keep maintain sustain "
    "complete establish become have provide"
)
_KNOWN_VERBS_RAW = (
    "hire recruit train open close publish process serve build onboard sign win resolve answer "
    "handle treat see vaccinate screen install replace upgrade plant visit inspect approve "
    "respond save generate create run host launch deploy implement migrate move retire"
)
_UNITS_RAW: dict[str, str] = {
    "%": "%", "percent": "%", "pct": "%", "minute": "min", "min": "min", "mins": "min", "hour": "h", "hr": "h", "hrs": "h",
    "day": "day", "week": "week", "month": "month", "year": "year", "point": "pt", "pp": "pt",
    "k": "k", "m": "m", "bn": "bn", "million": "m", "thousand": "k",
}
_NUMBER_WORDS_RAW = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS_RAW = "twenty thirty forty fifty sixty seventy eighty ninety".split()

_NUMBER_WORDS: dict[str, int] = {stem(w): n for n, w in enumerate(_NUMBER_WORDS_RAW)}
_NUMBER_WORDS.update({stem(w): 20 + 10 * n for n, w in enumerate(_TENS_RAW)})
_SCALES: dict[str, int] = {stem("hundred"): 100, stem("thousand"): 1000, stem("million"): 1_000_000}
_STOP_WORDS: frozenset[str] = frozenset(stem(w) for w in _STOP_WORDS_RAW.split())
_KNOWN_VERBS: frozenset[str] = frozenset(stem(w) for w in _KNOWN_VERBS_RAW.split()) | frozenset(
    ("launch", "retire", "hire", "migrate", "train", "automate")
)
_UNITS: dict[str, str] = {stem(k) if k != "%" else k: v for k, v in _UNITS_RAW.items()}
_SINGLE: dict[str, tuple[str, ...]] = {
    stem(phrase): tuple(concept.split())
    for concept, phrases in _CONCEPTS_RAW.items()
    for phrase in phrases
    if " " not in phrase
}
_PHRASES: dict[tuple[str, ...], tuple[str, ...]] = {
    tuple(m for w in phrase.split() for m in _SINGLE.get(stem(w), (stem(w),))): tuple(concept.split())
    for concept, phrases in _CONCEPTS_RAW.items()
    for phrase in phrases
    if " " in phrase
}
_PHRASE_STARTS: frozenset[str] = frozenset(p[0] for p in _PHRASES)
_LONGEST_PHRASE: int = max(len(p) for p in _PHRASES)
_ACRONYMS: dict[str, tuple[str, ...]] = {
    k: tuple(m for w in v.split() for m in _SINGLE.get(stem(w), (stem(w),)))
    for k, v in _ACRONYMS_RAW.items()
}
_FLIPPED: dict[str, str] = {"up": "down", "down": "up"}
