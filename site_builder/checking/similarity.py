"""Near-duplicate outcome titles across departments, for the `duplicate-effort` warning.

Standard library only and independent of the rest of the package, so the matcher can be
tested and benchmarked alone. Method (measured in docs/alignment.md):

1. Normalise each title into a `Signature`: acronyms kept (IT is not "it"), number words to
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

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from math import ceil

from site_builder.checking.textnorm import BETTER, Signature, outcome_signature

THRESHOLD: float = 0.55
"""Least score reported; chosen on the labelled outcome pairs (docs/manual/alignment.md)."""

SWAP_PENALTY: float = 0.8
"""Factor on a pair whose titles each name something the other outcome never mentions."""

SLOT_WEIGHT: float = 0.5
"""Weight of the direction and audience slots: they qualify a result, not name it."""

MAX_POSTINGS: int = 2000
"""A blocking key shared by more distinct titles than this is dropped (and counted)."""

_EPS = 1e-9
_MAX_SLOTS = 2 * SLOT_WEIGHT
"""Direction and audience slots together."""


@dataclass(frozen=True, slots=True)
class Item:
    """One outcome to compare."""

    key: str
    """Stable identifier reported in `Match`, e.g. `role#outcome`."""
    group: str
    """Department: items of one group are never matched with each other."""
    text: str
    """The outcome title."""
    measure: str = ""
    target: str = ""


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
    """Blocking keys over MAX_POSTINGS, one way a matching pair can be missed."""
    skipped_titles: int = 0
    """Titles whose rarest word is in more than MAX_POSTINGS outcomes: their covered pairs are not
    looked for (the other way a matching pair can be missed)."""


def near_duplicates(items: Sequence[Item], *, threshold: float = THRESHOLD) -> list[Match]:
    """Pairs of items in different groups with near-identical results, sorted by (a, b)."""
    return search(items, threshold=threshold)[0]


def similarity(a: str | Item, b: str | Item) -> float:
    """The score `near_duplicates` compares with the threshold: of two titles, or of two items
    (title, measure and target)."""
    return _final(_views_of(a), _views_of(b))


@dataclass(frozen=True, slots=True)
class _Views:
    """One outcome seen twice: its title alone (slots from the whole outcome) and title plus measure."""

    title: Signature
    full: Signature
    measure: frozenset[str]
    """Content words of the measure alone."""


def _views_of(x: str | Item) -> _Views:
    return _views(x, "", "") if isinstance(x, str) else _views(x.text, x.measure, x.target)


def _views(title: str, measure: str, target: str) -> _Views:
    full = outcome_signature(title, measure)  # targets differ more than results do: not compared
    own = outcome_signature(title)
    title_view = Signature(own.content, own.directions, full.audiences, full.identifiers)
    return _Views(title_view, full, outcome_signature(measure).content if measure else frozenset())


def _novel(x: _Views, y: _Views) -> bool:
    """Whether x's title names something y never mentions. Under one standard measure (a KPI template
    used by every team) the measure explains nothing, so only y's title counts."""
    if x.measure == y.measure:
        return bool(x.title.content - y.title.content)
    return bool(x.title.content - y.full.content)


def _final(x: _Views, y: _Views) -> float:
    """The better of the two views; only the title, lowered, when each title names a thing the other
    outcome never mentions (night shift vs weekend shift, steel vs aluminium: another subject)."""
    title = _score(x.title, y.title)
    if _novel(x, y) and _novel(y, x):
        return title * SWAP_PENALTY  # a shared standard measure must not make two subjects one
    return max(title, _score(x.full, y.full))


def search(items: Sequence[Item], *, threshold: float = THRESHOLD) -> tuple[list[Match], Stats]:
    """`near_duplicates` plus the counts that show how much work blocking saved."""
    grouped = group_pairs(items, threshold=threshold)
    found: dict[tuple[str, str], float] = {}
    for k in grouped.repeated:
        found.update(_cross_group(_across(grouped.members[k]), 1.0))
    for i, j, score in grouped.pairs:
        pairs = ((x, y) for x in grouped.members[i] for y in grouped.members[j])
        found.update(_cross_group(pairs, score))
    matches = [Match(a, b, found[a, b]) for a, b in sorted(found)]
    return matches, grouped.stats


@dataclass(frozen=True, slots=True)
class Grouped:
    """Items grouped by identical outcome text, and the groups alike enough: every match of `search` is
    a pair of items of two such groups (or of one repeated group, at score 1), in different groups."""

    members: dict[int, list[Item]]
    """The items of each text group that is in a pair or repeated."""
    pairs: list[tuple[int, int, float]]
    """Text groups (i < j) whose score reaches the threshold, with that score."""
    repeated: set[int]
    """Text groups held by more than one item (their cross-group pairs score 1)."""
    stats: Stats


def group_pairs(items: Sequence[Item], *, threshold: float = THRESHOLD) -> Grouped:
    """The alike text groups of `items`, before their items are paired (millions of pairs, at 10,000
    roles that repeat titles, for a page that lists fifty: similar_pairs.py ranks them lazily)."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    index: dict[_Views, int] = {}
    by_text: dict[tuple[str, str, str], int] = {}  # repeated outcomes are normalised and hashed once
    owner: list[int] = []
    for item in items:
        text = (item.text, item.measure, item.target)
        k = by_text.get(text)
        if k is None:
            k = by_text[text] = index.setdefault(_views(*text), len(index))
        owner.append(k)
    views = list(index)
    pairs, candidates, skipped, skipped_titles = _candidates(views, threshold)
    repeated = {k for k, n in Counter(owner).items() if n > 1 and views[k].full.content}
    wanted = repeated | {i for i, _, _ in pairs} | {j for _, j, _ in pairs}
    members: dict[int, list[Item]] = defaultdict(list)
    for item, k in zip(items, owner, strict=True):
        if k in wanted:
            members[k].append(item)
    stats = Stats(len(items), len(views), candidates, skipped, skipped_titles)
    return Grouped(dict(members), pairs, repeated, stats)


def _candidates(views: list[_Views], threshold: float) -> tuple[list[tuple[int, int, float]], int, int, int]:
    """Every pair whose final score reaches the threshold, without scoring all pairs.

    A pair whose titles each name something new scores at most SWAP_PENALTY x its title view, so
    blocking the title view at threshold / SWAP_PENALTY finds those; in every other pair one title's
    words all appear in the other outcome, and those pairs come from the postings of that title's
    rarest word. One standard measure shared by a thousand teams therefore costs nothing.
    """
    by_title, candidates, skipped = _candidate_pairs(
        [v.title for v in views], min(1.0, threshold / SWAP_PENALTY)
    )
    covered, n_covered, skipped_covered = _covered_pairs(views)
    found = []
    for i, j in sorted({(i, j) for i, j, _ in by_title} | covered):
        score = _final(views[i], views[j])
        if score >= threshold - _EPS:
            found.append((i, j, score))
    return found, candidates + n_covered, skipped, skipped_covered


def _covered_pairs(views: list[_Views]) -> tuple[set[tuple[int, int]], int, int]:
    """Pairs (i < j) where one outcome's title words all appear in the other outcome: the postings of
    the title's words intersected, rarest first, until few are left."""
    postings: dict[str, set[int]] = defaultdict(set)
    for j, v in enumerate(views):
        for token in v.full.content:
            postings[token].add(j)
    pairs: set[tuple[int, int]] = set()
    examined = skipped = 0
    for i, v in enumerate(views):
        tokens = sorted(v.title.content, key=lambda token: (len(postings[token]), token))
        if not tokens:
            continue
        if len(postings[tokens[0]]) > MAX_POSTINGS:
            skipped += 1
            continue
        found = postings[tokens[0]]
        for token in tokens[1:]:
            found = found & postings[token]
        examined += len(found)
        pairs.update((min(i, j), max(i, j)) for j in found if j != i)
    return pairs, examined, skipped


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


def _score(x: Signature, y: Signature) -> float:
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
            if not (x.directions & y.directions or (x.directions | y.directions) & BETTER):
                return 0.0  # "increase X" and "reduce X" are opposite results
            common += SLOT_WEIGHT
    if x.audiences or y.audiences:
        union += SLOT_WEIGHT
        common += SLOT_WEIGHT if x.audiences & y.audiences else 0.0
    return common / union


def _disjoint(a: int, b: int) -> bool:
    return bool(a and b and not a & b)


def _slot_weight(sig: Signature) -> float:
    return SLOT_WEIGHT * (bool(sig.directions) + bool(sig.audiences))


# --- blocking -------------------------------------------------------------------------

Key = tuple[str, ...]
Posting = tuple[Key, int, int]
Plan = tuple[int, int]


def _candidate_pairs(
    sigs: list[Signature], threshold: float
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


def _rarity_rank(sigs: list[Signature]) -> dict[str, int]:
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
    size = 2 if _overlap_bound(n, m, _MAX_SLOTS, threshold) >= 2 else 1
    return n - need + size, size


def _overlap_bound(n: int, m: int, slots: float, threshold: float) -> int:
    """Least s with (s + slots) / (n + m - s + slots) >= threshold: shared slots help at most."""
    return ceil((threshold * (n + m + slots) - slots) / (1 + threshold) - _EPS)
