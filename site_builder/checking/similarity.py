"""Near-duplicate outcome titles across departments, for the `duplicate-effort` warning.

Standard library only and independent of the rest of the package, so the matcher can be
tested and benchmarked alone. Method (measured in docs/alignment.md):

1. Normalise each title into a `_Signature`: acronyms kept (IT is not "it"), number words to
   digits, light stemming, a small concept map (synonyms, phrases, spelling), stop words and
   measure words dropped. Direction (up/down/better) and audience (customer/staff/supplier)
   become *slots*. Numbers are *targets*, dropped because the same result with another target
   is still duplicated effort, or *identifiers* (ISO 27001, release 4.2), which must agree.
2. Score: weighted Jaccard of content tokens (weight 1) and slots (weight 0.5), vetoed by
   opposite directions, different audiences or different identifiers. Fixed weights, no
   corpus statistics, so a pair's score never changes because someone edited another plan.
3. Candidates: size-aware prefix filtering (AllPairs with token-pair keys), which finds every
   pair able to reach the threshold while scoring a tiny fraction of all pairs.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from math import ceil

THRESHOLD: float = 0.7
"""Least score reported. A title of 3+ content words may gain or lose one word (3/4 = 0.75)
or a direction/audience, but not swap one (2/4 = 0.5); see docs/alignment.md."""

SLOT_WEIGHT: float = 0.5
"""Weight of the direction and audience slots: they qualify a result, not name it."""

MAX_POSTINGS: int = 2000
"""A blocking key shared by more distinct titles than this is dropped (and counted)."""

_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Item:
    """One outcome to compare."""

    key: str
    """Stable identifier reported in `Match`, e.g. `role#outcome`."""
    group: str
    """Department: items of one group are never matched with each other."""
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
    """Similarity, between the threshold and 1."""


@dataclass(frozen=True, slots=True)
class Stats:
    """What one search did, so tests can prove blocking by counting rather than timing."""

    items: int
    signatures: int
    """Distinct normalised titles; identical ones are compared once."""
    candidates: int
    """Signature pairs examined; all pairs would be signatures * (signatures - 1) / 2."""
    skipped_keys: int
    """Blocking keys over MAX_POSTINGS, the only way a matching pair can be missed."""


@dataclass(frozen=True, slots=True)
class _Signature:
    """A title reduced to what decides whether two titles name the same result."""

    content: frozenset[str]
    directions: int
    """Bits of _DIRECTIONS."""
    audiences: int
    """Bits of _AUDIENCES."""
    identifiers: frozenset[str]


def near_duplicates(items: Sequence[Item], *, threshold: float = THRESHOLD) -> list[Match]:
    """Pairs of items in different groups with near-identical results, sorted by (a, b)."""
    return search(items, threshold=threshold)[0]


def similarity(text_a: str, text_b: str) -> float:
    """The score `near_duplicates` compares with the threshold, for explaining a finding."""
    return _score(signature(text_a), signature(text_b))


def search(items: Sequence[Item], *, threshold: float = THRESHOLD) -> tuple[list[Match], Stats]:
    """`near_duplicates` plus the counts that show how much work blocking saved."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    index: dict[_Signature, int] = {}
    by_text: dict[str, int] = {}  # organisations repeat titles: each text is normalised and hashed once
    owner: list[int] = []
    for item in items:
        k = by_text.get(item.text)
        if k is None:
            k = by_text[item.text] = index.setdefault(signature(item.text), len(index))
        owner.append(k)
    sigs = list(index)
    pairs, candidates, skipped = _candidate_pairs(sigs, threshold)
    repeated = {k for k, n in Counter(owner).items() if n > 1 and sigs[k].content}
    wanted = repeated | {i for i, _, _ in pairs} | {j for _, j, _ in pairs}
    members: dict[int, list[Item]] = defaultdict(list)
    for item, k in zip(items, owner, strict=True):
        if k in wanted:
            members[k].append(item)
    found: dict[tuple[str, str], float] = {}
    for k in repeated:
        found.update(_cross_group(_across(members[k]), 1.0))
    for i, j, score in pairs:
        found.update(_cross_group(((x, y) for x in members[i] for y in members[j]), score))
    matches = [Match(a, b, found[a, b]) for a, b in sorted(found)]
    return matches, Stats(len(items), len(sigs), candidates, skipped)


def _across(items: list[Item]) -> Iterable[tuple[Item, Item]]:
    """The pairs of `combinations(items, 2)` whose items lie in different groups, without visiting the
    others: a title repeated by every role of one department would otherwise cost n² pairs for none."""
    groups = {item.group for item in items}
    if len(groups) < 2:
        return ()
    if len(groups) == len(items):
        return combinations(items, 2)
    return ((x, y) for i, x in enumerate(items) for y in items[i + 1 :] if x.group != y.group)


def _cross_group(pairs: Iterable[tuple[Item, Item]], score: float) -> Iterable[tuple[tuple[str, str], float]]:
    for x, y in pairs:
        if x.group != y.group and x.key != y.key:
            yield (min(x.key, y.key), max(x.key, y.key)), score


# --- scoring --------------------------------------------------------------------------


def _score(x: _Signature, y: _Signature) -> float:
    """Weighted Jaccard of content and slots; 0 without a shared content token or on a veto."""
    shared = len(x.content & y.content)
    if not shared or _disjoint(x.audiences, y.audiences):
        return 0.0
    if x.identifiers and y.identifiers and x.identifiers.isdisjoint(y.identifiers):
        return 0.0
    common = float(shared)
    union = float(len(x.content) + len(y.content) - shared)
    if x.directions or y.directions:
        union += SLOT_WEIGHT
        if x.directions and y.directions:
            if not (x.directions & y.directions or (x.directions | y.directions) & _BETTER):
                return 0.0  # "increase X" and "reduce X" are opposite results
            common += SLOT_WEIGHT
    if x.audiences or y.audiences:
        union += SLOT_WEIGHT
        common += SLOT_WEIGHT if x.audiences & y.audiences else 0.0
    return common / union


def _disjoint(a: int, b: int) -> bool:
    return bool(a and b and not a & b)


def _slot_weight(sig: _Signature) -> float:
    return SLOT_WEIGHT * (bool(sig.directions) + bool(sig.audiences))


# --- blocking -------------------------------------------------------------------------

Key = tuple[str, ...]
Posting = tuple[Key, int, int]
Plan = tuple[int, int]


def _candidate_pairs(
    sigs: list[_Signature], threshold: float
) -> tuple[list[tuple[int, int, float]], int, int]:
    """Size-aware prefix filtering: every pair of signatures that can reach `threshold`.

    Titles are visited smallest first. A title of n tokens is indexed, for each partner size
    m >= n it could still match, under the keys of the prefix (rarest tokens first) that
    (n, m) requires; a later title probes each smaller size with its own prefix. Both
    prefixes follow from valid lower bounds on the shared tokens, so a matching pair always
    shares a key (the l-prefix lemma); keys are token pairs, rare even when words are not.
    """
    rank = _rarity_rank(sigs)
    ordered = [tuple(sorted(sig.content, key=rank.__getitem__)) for sig in sigs]
    slots = [_slot_weight(sig) for sig in sigs]
    largest = max(map(len, ordered), default=0)
    inserts = [
        [
            (key, len(toks), m)
            for m, plan in _insert_plan(len(toks), w, largest, threshold)
            for key in _keys(toks, plan)
        ]
        for toks, w in zip(ordered, slots, strict=True)
    ]
    common = {p for p, n in Counter(p for own in inserts for p in own).items() if n > MAX_POSTINGS}
    postings: dict[Posting, list[int]] = defaultdict(list)
    present = tuple(sorted({len(toks) for toks in ordered if toks}))
    found: list[tuple[int, int, float]] = []
    candidates = 0
    for i in sorted(range(len(sigs)), key=lambda k: len(ordered[k])):
        toks, n, content = ordered[i], len(ordered[i]), sigs[i].content
        seen: set[int] = set()
        for m, length, size in _probe_plans(n, slots[i], present, threshold):
            for key in combinations(toks[:length], size):
                seen.update(postings.get((key, m, n), ()))
        for posting in inserts[i]:
            if posting not in common:
                postings[posting].append(i)
        candidates += len(seen)
        for j in seen:
            # Upper bound first (vetoes ignored, slots assumed to agree): one set AND rejects most.
            shared = len(content & sigs[j].content)
            if (
                shared + min(slots[i], slots[j])
                >= threshold * (n + len(ordered[j]) - shared + max(slots[i], slots[j])) - _EPS
                and (score := _score(sigs[j], sigs[i])) >= threshold - _EPS
            ):
                found.append((min(i, j), max(i, j), score))
    return found, candidates, len(common)


def _rarity_rank(sigs: list[_Signature]) -> dict[str, int]:
    """One global token order, rarest first (ties by text), shared by every prefix."""
    df = Counter(token for sig in sigs for token in sig.content)
    return {t: r for r, t in enumerate(sorted(df, key=lambda t: (df[t], t)))}


def _keys(tokens: Key, plan: Plan) -> Iterable[Key]:
    """The `size`-token combinations of the first `length` (rarest) tokens."""
    length, size = plan
    return combinations(tokens[:length], size)


@lru_cache(maxsize=4096)
def _probe_plans(
    n: int, slots: float, sizes: tuple[int, ...], threshold: float
) -> tuple[tuple[int, int, int], ...]:
    """(m, prefix length, key size) for every partner size m <= n present in the data."""
    plans = ((m, _probe_plan(n, slots, m, threshold)) for m in sizes if m <= n)
    return tuple((m, *plan) for m, plan in plans if plan)


@lru_cache(maxsize=4096)
def _insert_plan(n: int, slots: float, largest: int, threshold: float) -> tuple[tuple[int, Plan], ...]:
    """For each partner size m >= n that a title of n tokens can still match: (m, plan)."""
    plans = []
    for m in range(n, largest + 1):
        plan = _probe_plan(n, slots, m, threshold)
        if plan is None:
            break
        plans.append((m, plan))
    return tuple(plans)


@lru_cache(maxsize=4096)
def _probe_plan(n: int, slots: float, m: int, threshold: float) -> Plan | None:
    """(prefix length, key size) for n tokens facing a partner of m tokens; None if hopeless.

    A match shares at least `need` tokens, so prefixes of length n - need + l share l tokens.
    l = 2 unless the sizes alone (with the most generous slots) allow a one-token match, so
    both sides of a pair always agree on l.
    """
    own = ceil(threshold * (n + slots) - slots - _EPS)
    need = max(1, own, _overlap_bound(n, m, slots, threshold))
    if n == 0 or need > min(n, m):
        return None
    size = 2 if _overlap_bound(n, m, 2 * SLOT_WEIGHT, threshold) >= 2 else 1
    return n - need + size, size


def _overlap_bound(n: int, m: int, slots: float, threshold: float) -> int:
    """Least s with (s + slots) / (n + m - s + slots) >= threshold: shared slots help at most."""
    return ceil((threshold * (n + m + slots) - slots) / (1 + threshold) - _EPS)


# --- normalisation --------------------------------------------------------------------

Word = tuple[int, str]
"""A normalised word: (kind, value)."""

_CONTENT, _LITERAL, _CODE, _INVERTED, _DIRECTION, _AUDIENCE, _NUM, _TARGET, _NUMWORD, _UNIT, _STOP = range(11)
"""Word kinds; the first four carry content (an inverted noun flips the title's direction). A _NUM
may name something (ward 7); a _TARGET (5%, 200,000, £1.4m) never does."""

_TOKEN = re.compile(r"[£$€]?\d[\d,]*(?:\.\d+)?[%a-z]*|[^\W\d_][^\W_]*|%", re.IGNORECASE)
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]+s?")
_BRITISH_ISE = re.compile(r"(?<=[a-z]{3})is(e|ed|es|ing|ation|ations)$")
_BRITISH_OUR = re.compile(r"(?<=[a-z]{3})our(s?)$")
_DIRECTIONS = {"up": 1, "down": 2, "better": 4}
_BETTER = _DIRECTIONS["better"]
_AUDIENCES = {"customer": 1, "staff": 2, "supplier": 4}


@lru_cache(maxsize=65536)
def signature(text: str) -> _Signature:
    """Normalise one title; cached because organisations repeat titles a lot."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    if text.isupper():
        text = text.lower()
    words = [w for raw in _TOKEN.findall(text) for w in _token(raw)]
    if not _NUMBER_WORD_ENTRIES.isdisjoint(words):
        words = _number_words(words)
    if not _PHRASE_STARTS.isdisjoint(words):
        words = _phrases(words)
    return _classify(words)


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
    if word == "%" or word in _STOP_WORDS:
        return _STOP
    return _UNIT if word in _UNITS else _CONTENT


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


def _classify(words: list[Word]) -> _Signature:
    """Gather content, slots and identifiers; targets and stop words fall away."""
    content: set[str] = set()
    identifiers: set[str] = set()
    directions = audiences = 0
    flip = False
    for i, (kind, value) in enumerate(words):
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
        elif kind == _UNIT and not (i and words[i - 1][0] in (_NUM, _TARGET)):
            content.add(value)
    if flip and directions & 3 in (1, 2):
        directions ^= 3  # "reduce turnover" is "increase retention"
    return _Signature(frozenset(content), directions, audiences, frozenset(identifiers))


def _is_identifier(words: list[Word], i: int) -> bool:
    """ISO 27001, release 4.2, ward 7: a bare number named by the word before it is no target."""
    nxt_kind, nxt = words[i + 1] if i + 1 < len(words) else (_STOP, "")
    if nxt_kind == _UNIT or nxt == "%":
        return False
    prev_kind, prev = words[i - 1] if i else (_STOP, "")
    return prev_kind in (_CONTENT, _LITERAL, _CODE) and prev not in _KNOWN_VERBS


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
        if w.endswith("e") and len(w) > 3:
            w = w[:-1]
        if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiouls":
            w = w[:-1]
    return _SPELLING.get(w, w)


# --- lexicon: modest on purpose; each entry is planning language seen across functions ---

_CONCEPT_TABLE = """
dir:down       reduce, cut, lower, decrease, minimise, minimize, lessen, halve, trim, fewer, less, shorten,
               shorter, slash, curb, eliminate, bring down
dir:up         increase, raise, grow, growth, boost, expand, lift, maximise, maximize, double, triple, more,
               higher, greater, scale up
dir:better     improve, enhance, optimise, optimize, strengthen, better
aud:customer   customer, patient, client, consumer, shopper, citizen, resident, user, guest, service user
aud:staff      staff, employee, workforce, personnel, colleague, worker, team member
aud:supplier   supplier, vendor, contractor
inv:retention  turnover, attrition, churn
retention      retention, retain
launch         launch, introduce, deploy, implement, rollout, roll out, go live, ship
retire         retire, decommission, sunset, phase out, shut down, switch off
hire           hire, recruit, recruitment
migrate        migrate, migration, move, transfer
train          train, training, upskill
automate       automate, automation
noshow         no show, missed appointment, did not attend, missed visit
booking        booking, book, appointment, reservation
cost           cost, spend, spending, expense, expenditure
sales          sales, revenue
online_sales   e commerce, ecommerce
online         online, digital, web
complaint      complaint, grievance
error          error, defect, bug, fault, mistake
outage         outage, downtime
uptime         uptime, availability
satisfaction   satisfaction, csat
nps            net promoter score, nps
consumption    consumption, usage, use
energy         energy, electricity
emission       emission, carbon, co2, greenhouse gas
inventory      inventory, stock
payment        payment, pay
ehr            electronic health record, electronic patient record, electronic medical record, ehr, emr, epr
ed             emergency department, emergency room, accident and emergency
%              per cent
"""
"""Concept id, then the words and phrases that name it. `dir:` and `aud:` ids fill the direction
and audience slots; an `inv:` noun flips the title's direction; `a_b` expands to two concepts."""

_ACRONYM_TABLE = """
emergency_department  ed, er
ehr                   ehr, emr, epr
nps                   nps
carbon                co2
csat                  csat
"""
"""Upper-case acronyms worth expanding; any other acronym is kept as a word of its own."""

_SPELLING_TABLE = """
center      centre
theater     theatre
meter       metre
liter       litre
fiber       fibre
license     licence
catalog     catalogue
pediatric   paediatric
orthopedic  orthopaedic
anesthetic  anaesthetic
enrollment  enrolment
"""
"""American spelling, then British; -ise/-isation and -our are handled by rule in `stem`."""

_STOP_TEXT = (
    # function words
    "a an the and or of for to in on at by with from into onto across all every each our its their this that "
    "these those be is are was were been being as so than then under below over above within least most up "
    "down out off via per through new fully further only also no not it we us who which whole s t "
    # measure words: "no-show rate" and "no-shows" name the same result
    "rate level number share proportion percentage ratio count volume amount total overall average mean "
    "median score index figure "
    # verbs that say a result is reached, not which one
    "achieve deliver ensure reach hit meet attain drive enable make get keep maintain sustain complete "
    "establish become have provide"
)
_KNOWN_VERB_TEXT = (
    "hire recruit train open close publish process serve build onboard sign win resolve answer handle treat "
    "see vaccinate screen install replace upgrade plant visit inspect approve respond save generate create "
    "run host launch deploy implement migrate move retire automate"
)
"""Verbs before a count ("hire 40 nurses"): the number is a target, not an identifier."""
_UNIT_TEXT = "percent pct minute min mins hour hr hrs day week month year point pp k m bn million thousand"
_CARDINAL_TEXT = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen"
)
_TENS_TEXT = "twenty thirty forty fifty sixty seventy eighty ninety"


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
_SPELLING.update({stem(uk): stem(us) for us, uks in _table(_SPELLING_TABLE).items() for uk in uks})
_NUMBER_WORDS: dict[str, int] = {stem(w): n for n, w in enumerate(_CARDINAL_TEXT.split())}
_NUMBER_WORDS.update({stem(w): 20 + 10 * n for n, w in enumerate(_TENS_TEXT.split())})
_NUMBER_WORD_ENTRIES: frozenset[Word] = frozenset((_NUMWORD, w) for w in _NUMBER_WORDS)
_SCALES: dict[str, int] = {stem("hundred"): 100, stem("thousand"): 1000, stem("million"): 1_000_000}
_STOP_WORDS: frozenset[str] = frozenset(map(stem, _STOP_TEXT.split()))
_UNITS: frozenset[str] = frozenset(map(stem, _UNIT_TEXT.split()))
_CONCEPTS: dict[str, tuple[str, ...]] = _table(_CONCEPT_TABLE)
_KNOWN_VERB_STEMS: frozenset[str] = frozenset(map(stem, _KNOWN_VERB_TEXT.split()))
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
    for expansion, acronyms in _table(_ACRONYM_TABLE).items()
    for acronym in acronyms
}
