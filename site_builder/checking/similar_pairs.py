"""The most alike pairs of outcomes, ranked without listing every pair.

An organisation that repeats outcome titles across departments has millions of alike pairs (10,000
synthetic roles: 22.8 million, 150 s to list and sort), while the alignment page shows fifty and a
count, and a warning about one outcome needs only its closest look-alikes. Pairs come from pairs of
text groups (similarity.group_pairs), so they are counted per group pair by arithmetic and only the
first ones, in (most alike, keys) order, are made.
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


def closest(items: Sequence[Item], *, threshold: float, per_item: int) -> list[Match]:
    """Each item's `per_item` most alike items with a smaller key in other groups, scoring at least
    `threshold` (most alike first, then by key), sorted by (a, b): the pairs of `near_duplicates`
    that are among the first `per_item` of their larger key. Linear in the items for a fixed
    `per_item`, where `near_duplicates` grows with the square of a title repeated across groups."""
    grouped = group_pairs(items, threshold=threshold)
    members = {k: sorted(v, key=lambda item: item.key) for k, v in grouped.members.items()}
    partners: dict[int, list[tuple[float, int]]] = {k: [] for k in members}
    for i, j, score in grouped.pairs:
        partners[i].append((score, j))
        partners[j].append((score, i))
    for k in grouped.repeated:
        partners[k].append((1.0, k))
    runs = {k: _run_ends(v) for k, v in members.items()}
    out: list[Match] = []
    for k, mine in members.items():
        ranked = sorted(partners[k], key=lambda p: -p[0])
        for item in mine:
            chosen: list[Match] = []
            for score, level in itertools.groupby(ranked, key=lambda p: p[0]):
                found = (_first_others(members[h], runs[h], item, per_item) for _, h in level)
                for other in itertools.islice(heapq.merge(*found), per_item - len(chosen)):
                    chosen.append(Match(other, item.key, score))
                if len(chosen) >= per_item:
                    break
            out += chosen
    out.sort(key=lambda m: (m.a, m.b))
    return out


def _run_ends(xs: list[Item]) -> list[int]:
    """For each position of a key-sorted list, the position after its run of one group."""
    ends = [len(xs)] * len(xs)
    for n in range(len(xs) - 2, -1, -1):
        ends[n] = ends[n + 1] if xs[n + 1].group == xs[n].group else n + 1
    return ends


def _first_others(xs: list[Item], ends: list[int], item: Item, limit: int) -> Iterator[str]:
    """The first `limit` keys of `xs` (key-sorted) below `item`'s key and outside its group: a run of
    its own group is stepped over at once, so each key costs one step however long the run."""
    n, found = 0, 0
    while n < len(xs) and found < limit and xs[n].key < item.key:
        if xs[n].group == item.group:
            n = ends[n]
            continue
        yield xs[n].key
        found += 1
        n += 1


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
