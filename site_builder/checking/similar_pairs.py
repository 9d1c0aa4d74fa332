"""The most alike pairs of outcomes in a score band, ranked without listing every pair.

An organisation that repeats outcome titles across departments has millions of alike pairs (10,000
synthetic roles: 22.8 million, 150 s to list and sort), while the alignment page shows fifty and a
count. Pairs come from pairs of text groups (similarity.group_pairs), so they are counted per group
pair by arithmetic and only the first ones, in (most alike, keys) order, are made.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections import Counter
from collections.abc import Iterator, Sequence

from site_builder.checking.similarity import Item, Match, group_pairs


def most_alike(items: Sequence[Item], *, low: float, high: float, limit: int) -> tuple[list[Match], int]:
    """The first `limit` pairs of items in different groups scoring at least `low` and below `high`,
    most alike first and then by keys (as sorting every such pair would give), and how many there are."""
    grouped = group_pairs(items, threshold=low)
    band = [(i, j, score) for i, j, score in grouped.pairs if score < high]
    if high > 1.0:  # identical texts score 1: inside the band only when it reaches past 1
        band += [(k, k, 1.0) for k in grouped.repeated]
    members = {k: sorted(v, key=lambda item: item.key) for k, v in grouped.members.items()}
    total = sum(_count(members[i], members[j], same=i == j) for i, j, _ in band)
    out: list[Match] = []
    for score, level in itertools.groupby(sorted(band, key=lambda p: -p[2]), key=lambda p: p[2]):
        streams = [_ordered(members[i], members[j], same=i == j) for i, j, _ in level]
        for a, b in itertools.islice(heapq.merge(*streams), limit - len(out)):
            out.append(Match(a, b, score))
        if len(out) >= limit:
            break
    return out, total


def _count(xs: list[Item], ys: list[Item], *, same: bool) -> int:
    """Pairs of one item of each list in different groups (of one list: each pair once)."""
    if same:
        n, by = len(xs), Counter(x.group for x in xs)
        return (n * n - sum(c * c for c in by.values())) // 2
    by_x, by_y = Counter(x.group for x in xs), Counter(y.group for y in ys)
    return len(xs) * len(ys) - sum(c * by_y[g] for g, c in by_x.items())


def _ordered(xs: list[Item], ys: list[Item], *, same: bool) -> Iterator[tuple[str, str]]:
    """The pairs `_count` counts as (smaller key, larger key), in that order, made one at a time: for
    each item by key, its partners with a larger key in the other list (both lists sorted by key)."""
    x_keys, y_keys = [x.key for x in xs], [y.key for y in ys]
    tagged = sorted([(x.key, 0, x) for x in xs] + ([] if same else [(y.key, 1, y) for y in ys]))
    for key, side, item in tagged:
        other, keys = (ys, y_keys) if side == 0 and not same else (xs, x_keys)
        for partner in other[bisect.bisect_right(keys, key) :]:
            if partner.group != item.group:
                yield key, partner.key
