"""The ranked possible duplicates equal sorting every pair in the band, without making every pair."""

from __future__ import annotations

import random

import pytest

from site_builder.checking.similar_pairs import closest, most_alike
from site_builder.checking.similarity import THRESHOLD, Item, near_duplicates

TITLES = [  # scores from 0.32 to 1 between them (0.4, 0.44, 0.545, 0.67, 0.8 among others)
    "Cut invoice processing time to two days",
    "Reduce invoice processing time",
    "Reduce supplier invoice processing time",
    "Cut supplier onboarding time",
    "Publish the monthly sales report",
    "Monthly sales report published on time",
    "Improve the monthly sales report",
    "Improve the monthly sales forecast",
    "Review the monthly sales report with finance",
    "Train every new starter in safety",
    "Train every new starter in customer care",
    "Hire two data engineers",
    "Hire two data analysts",
    "Open the new warehouse in Leeds",
    "Open the new office in Leeds",
]


def _items(rng: random.Random, n: int, groups: int) -> list[Item]:
    """Outcomes that repeat titles across and within departments, as real organisations do."""
    keys = rng.sample(range(10 * n), n)  # keys in no particular order
    return [
        Item(f"r{k:05d}#o1", f"D{rng.randrange(groups)}", rng.choice(TITLES), rng.choice(["", "days"]), "")
        for k in keys
    ]


def _brute(items: list[Item], low: float, high: float) -> list[tuple[str, str, float]]:
    matches = [m for m in near_duplicates(items, threshold=low) if m.score < high]
    return [(m.a, m.b, m.score) for m in sorted(matches, key=lambda m: (-m.score, m.a, m.b))]


@pytest.mark.parametrize("seed", range(12))
def test_the_first_pairs_and_the_count_equal_sorting_every_pair(seed: int) -> None:
    rng = random.Random(seed)
    items = _items(rng, 2 + seed * 10, 1 + seed % 5)
    low, high = [(0.4, THRESHOLD), (0.3, 0.9), (0.5, 1.01), (THRESHOLD, 1.01)][seed % 4]
    expected = _brute(items, low, high)
    if seed >= 4 and seed % 4 == 0:  # the alignment page's band: several scores, many tied pairs
        assert len({score for _, _, score in expected}) > 1 and len(expected) > 7
    for limit in (0, 1, 7, 50, len(expected) + 5):
        found, total = most_alike(items, low=low, high=high, limit=limit)
        assert total == len(expected)
        assert [(m.a, m.b, m.score) for m in found] == expected[:limit]


def test_one_department_repeating_a_title_makes_no_pair() -> None:
    items = [Item(f"r{i}#o1", "Finance", TITLES[0], "", "") for i in range(500)]
    assert most_alike(items, low=0.4, high=1.01, limit=50) == ([], 0)


def test_millions_of_pairs_are_counted_not_made() -> None:
    """Two departments of 3,000 roles each with two alike titles: 9 million pairs in the band; the
    first fifty are those of the smallest keys."""
    items = [Item(f"a{i:04d}#o1", "Sales", "Improve the monthly sales forecast", "", "") for i in range(3000)]
    items += [
        Item(f"b{i:04d}#o1", "Finance", "Improve the monthly sales report", "", "") for i in range(3000)
    ]
    found, total = most_alike(items, low=0.4, high=THRESHOLD, limit=50)
    assert total == 3000 * 3000
    assert [(m.a, m.b) for m in found] == [("a0000#o1", f"b{i:04d}#o1") for i in range(50)]


def _brute_closest(items: list[Item], threshold: float, per_item: int) -> list[tuple[str, str, float]]:
    """Every pair, each larger key's `per_item` most alike partners kept (most alike, then by key)."""
    by_later: dict[str, list[tuple[float, str]]] = {}
    for m in near_duplicates(items, threshold=threshold):
        by_later.setdefault(m.b, []).append((-m.score, m.a))
    kept = [(a, b, -s) for b, found in by_later.items() for s, a in sorted(found)[:per_item]]
    return sorted(kept)


@pytest.mark.parametrize("seed", range(12))
def test_each_outcomes_closest_look_alikes_equal_ranking_every_pair(seed: int) -> None:
    rng = random.Random(100 + seed)
    items = _items(rng, 2 + seed * 15, 1 + seed % 6 if seed < 6 else 2 + seed % 4)
    threshold = [THRESHOLD, 0.4, 0.6][seed % 3]
    for per_item in (1, 3, 10_000):
        expected = _brute_closest(items, threshold, per_item)
        found = closest(items, threshold=threshold, per_item=per_item)
        assert [(m.a, m.b, m.score) for m in found] == expected
    everything = [(m.a, m.b, m.score) for m in near_duplicates(items, threshold=threshold)]
    assert [(m.a, m.b, m.score) for m in closest(items, threshold=threshold, per_item=10_000)] == everything
    if seed >= 6:  # the cap is reached: some later key has more look-alikes than it names
        assert len(_brute_closest(items, threshold, 3)) < len(everything)


def test_a_title_repeated_across_departments_names_a_few_look_alikes_each_not_every_pair() -> None:
    n = 3000
    items = [Item(f"r{i:05d}#o1", f"D{i % 40}", TITLES[0], "", "") for i in range(n)]
    found = closest(items, threshold=THRESHOLD, per_item=3)
    assert len(found) == 3 * (n - 3) + 2 + 1  # the first keys have fewer smaller keys to name
    assert all(m.a < m.b and m.score == 1.0 for m in found)
    assert {(m.a, m.b) for m in found if m.b == "r00100#o1"} == {
        ("r00000#o1", "r00100#o1"),
        ("r00001#o1", "r00100#o1"),
        ("r00002#o1", "r00100#o1"),
    }
