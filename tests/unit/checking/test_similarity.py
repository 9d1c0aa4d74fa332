"""The duplicate-effort matcher: decisions, accuracy on labelled pairs, determinism, blocking."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from site_builder.checking import similarity as sim
from site_builder.checking.similarity import THRESHOLD, Item, Match, near_duplicates, search, similarity

FIXTURE = Path(__file__).parents[2] / "fixtures" / "duplicate_pairs.yaml"


def _pairs() -> list[dict[str, Any]]:
    pairs: list[dict[str, Any]] = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    return pairs


def _two(a: str, b: str) -> list[Match]:
    return near_duplicates([Item("ops#a", "Operations", a), Item("it#b", "IT", b)])


# --- the brief's examples and the documented decisions ---------------------------------


def test_reworded_result_is_a_duplicate() -> None:
    matches = _two("Cut patient no-shows to 5%", "Reduce missed appointments to five percent")
    # content {noshow} shared, direction shared (0.5), audience on one side only (0.5 in the union)
    assert matches == [Match("it#b", "ops#a", 0.75)]


def test_same_verb_different_result_is_not() -> None:
    assert similarity("Reduce patient wait time", "Reduce staff overtime") == 0.0
    assert _two("Reduce patient wait time", "Reduce staff overtime") == []


def test_identical_titles_score_one() -> None:
    title = "Online booking live in every clinic"
    assert _two(title, title) == [Match("it#b", "ops#a", 1.0)]


def test_same_group_is_never_matched() -> None:
    title = "Online booking live in every clinic"
    items = [Item("a#1", "Ops", title), Item("b#1", "Ops", title), Item("c#1", "IT", title)]
    assert near_duplicates(items) == [Match("a#1", "c#1", 1.0), Match("b#1", "c#1", 1.0)]


@pytest.mark.parametrize(
    ("a", "b", "score"),
    [
        # different targets of one result are still duplicated effort (targets are dropped)
        ("Reduce no-shows to 5%", "Reduce no-shows to 10%", 1.0),
        ("Hire 40 registered nurses", "Recruit forty registered nurses", 1.0),
        # identifiers are not targets: different standards are different results
        ("Achieve ISO 27001 certification", "Achieve ISO 9001 certification", 0.0),
        ("Close the Q3 accounts on time", "Close the Q4 accounts on time", 0.0),
        # opposite directions, and different audiences, veto
        ("Increase online bookings", "Reduce online bookings", 0.0),
        ("Increase customer satisfaction", "Increase employee satisfaction", 0.0),
        # "reduce turnover" is "improve retention"; "improve" fits either direction
        ("Reduce staff turnover to 12%", "Improve employee retention", 1.0),
        # an acronym is content, never the stop word it spells
        ("Cut IT operating expenditure", "Decrease IT operating costs", 1.0),
        ("Reduce IT costs", "Reduce costs", 0.6),
        # one extra word on three is allowed, a swapped one is not (0.5, times SWAP_PENALTY)
        ("Migrate all servers to the cloud", "Move every server to cloud hosting", 0.75),
        ("Migrate payroll to the cloud", "Migrate the CRM to the cloud", 0.4),
    ],
)
def test_documented_decisions(a: str, b: str, score: float) -> None:
    assert similarity(a, b) == pytest.approx(score)
    assert similarity(b, a) == pytest.approx(score)


def test_threshold_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match=r"threshold must be in \(0, 1\], got 0"):
        near_duplicates([], threshold=0)


# --- accuracy on the labelled fixture ---------------------------------------------------


def test_fixture_is_big_and_balanced_enough() -> None:
    pairs = _pairs()
    assert len(pairs) >= 40
    assert sum(p["duplicate"] for p in pairs) >= 15
    assert sum(not p["duplicate"] for p in pairs) >= 20


def test_precision_and_recall_on_labelled_pairs() -> None:
    tp = fp = fn = 0
    for pair in _pairs():
        found = _two(pair["a"], pair["b"]) != []
        tp += found and pair["duplicate"]
        fp += found and not pair["duplicate"]
        fn += (not found) and pair["duplicate"]
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.9, f"precision {precision:.3f}"
    assert recall >= 0.8, f"recall {recall:.3f}"


# Matches between texts of *different* fixture pairs, each reviewed by hand: all name the
# same result (IT operating costs; launching the patient portal; ED waiting times; loyalty
# membership growth with and without a target). A new entry here needs the same review.
# At threshold 0.55 a general "patient wait time" outcome also meets the ED waiting-time ones:
# patients' waits in the emergency department are part of it, the conversation the warning asks for.
REVIEWED_CROSS_PAIR = {
    ("Cut IT operating expenditure 10 percent", "Reduce IT operating costs by 10%"),
    ("Decrease IT operating costs by 10%", "Reduce IT operating costs by 10%"),
    ("Grow loyalty programme membership to 200,000", "Increase loyalty programme membership"),
    ("Launch the new patient portal", "Launch the patient portal"),
    ("Lower average ED wait time to under 4 hours", "Reduce patient wait time"),
    ("Reduce emergency department waiting times to below four hours", "Reduce patient wait time"),
    ("Reduce patient wait time", "Reduce wait times in the emergency department"),
    ("Launch the patient portal", "Roll out new patient portal"),
    ("Lower average ED wait time to under 4 hours", "Reduce wait times in the emergency department"),
    (
        "Reduce emergency department waiting times to below four hours",
        "Reduce wait times in the emergency department",
    ),
}


# Known false matches across pairs, kept visible rather than hidden: a two-word title gaining one
# word still reaches the threshold ("wait time" vs "call queue time"); see docs/manual/alignment.md.
KNOWN_FALSE_CROSS_PAIR = {
    ("Reduce call queue times", "Reduce patient wait time"),
    ("Reduce checkout queue times", "Reduce patient wait time"),
}


def test_whole_fixture_as_one_corpus_has_no_unreviewed_matches() -> None:
    labels = {tuple(sorted((p["a"], p["b"]))): p["duplicate"] for p in _pairs()}
    texts = sorted({p[side] for p in _pairs() for side in ("a", "b")})
    matches = {(m.a, m.b) for m in near_duplicates([Item(t, t, t) for t in texts])}
    assert not {pair for pair in matches if labels.get(pair) is False}, "a labelled negative matched"
    assert {pair for pair in matches if pair not in labels} == REVIEWED_CROSS_PAIR | KNOWN_FALSE_CROSS_PAIR


# --- determinism --------------------------------------------------------------------------


def test_output_is_sorted_and_independent_of_input_order() -> None:
    items = _synthetic(3_000, seed=11)
    first = near_duplicates(items)
    shuffled = list(items)
    random.Random(5).shuffle(shuffled)
    assert near_duplicates(shuffled) == first
    assert first == sorted(first, key=lambda m: (m.a, m.b))
    assert all(m.a < m.b for m in first)
    assert len(first) >= 50  # the planted duplicates, at least


# --- blocking: never all pairs, never a missed pair ---------------------------------------

VERBS = "Reduce|Increase|Improve|Launch|Cut|Grow|Roll out|Retire|Publish|Hire"
AREAS = (
    "patient|customer|staff|supplier|online|pharmacy|payroll|billing|store|fleet|energy|cloud|security|housing|"
    "school|transport|maternity|radiology|mobile|network|loyalty|returns|finance|audit|estates|waste|grants|tax"
)
THINGS = (
    "wait time|complaints|errors|costs|satisfaction|turnover|backlog|portal|app|report|bookings|incidents|"
    "revenue|coverage|emissions|downtime|claims|invoices|referrals|admissions|engagement|overtime|vacancies|"
    "tickets|refunds|deliveries|renewals|cycle time|dashboard|policy"
)
PLACE_STARTS, PLACE_ENDS = (
    "Ash|Bar|Dun|Kel|Mor|Sel|Tor|Wel",
    "ford|ham|ley|ton|brook|field|wick|gate|mere|stow",
)


def _synthetic(n: int, *, seed: int) -> list[Item]:
    """n items in 20 departments, plus one reworded copy in another department per 100 items."""
    rng = random.Random(seed)
    verbs, areas, things = VERBS.split("|"), AREAS.split("|"), THINGS.split("|")
    places = [a + b for a in PLACE_STARTS.split("|") for b in PLACE_ENDS.split("|")]
    items = []
    for k in range(n):
        text = f"{rng.choice(verbs)} {rng.choice(areas)} {rng.choice(things)} in {rng.choice(places)}"
        items.append(Item(f"r{k:05d}#o", f"dept-{k % 20:02d}", text + f" to {rng.randint(1, 99)}%"))
        if k % 100 == 0:  # planted: same result, other department, other target, extra word
            items.append(Item(f"p{k:05d}#o", f"dept-{(k + 1) % 20:02d}", f"Overall {text} to 50 percent"))
    return items


def test_blocking_scores_a_tiny_fraction_of_pairs_on_20000_items(monkeypatch: pytest.MonkeyPatch) -> None:
    scored = 0
    real_score = sim._score

    def counting_score(x: Any, y: Any) -> float:
        nonlocal scored
        scored += 1
        return real_score(x, y)

    monkeypatch.setattr(sim, "_score", counting_score)
    items = _synthetic(20_000, seed=7)
    matches, stats = search(items)
    all_pairs = stats.signatures * (stats.signatures - 1) // 2
    assert stats.items == len(items) > 20_000
    assert scored <= stats.candidates < all_pairs // 1000  # the real work, counted where it happens
    assert stats.skipped_keys == 0  # so nothing was missed for being too common
    found = {(m.a, m.b) for m in matches}
    planted = {(f"p{k:05d}#o", f"r{k:05d}#o") for k in range(0, 20_000, 100)}
    assert planted <= found


def test_blocking_finds_exactly_what_brute_force_finds() -> None:
    items = _synthetic(500, seed=3) + [
        Item(t, t, t) for t in sorted({p[side] for p in _pairs() for side in ("a", "b")})
    ]
    for threshold in (0.5, THRESHOLD, 0.9):
        brute = {
            (min(x.key, y.key), max(x.key, y.key))
            for i, x in enumerate(items)
            for y in items[i + 1 :]
            if x.group != y.group and similarity(x.text, y.text) >= threshold
        }
        assert {(m.a, m.b) for m in near_duplicates(items, threshold=threshold)} == brute


def test_too_common_keys_are_counted_not_silently_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [
        f"{verb} agency costs{who}"
        for verb in ("Reduce", "Cut", "Improve", "Increase")
        for who in ("", " for patients", " for staff", " for suppliers")
    ]
    items = [Item(f"k{i:02d}", f"g{i:02d}", t) for i, t in enumerate(texts)]
    uncapped, stats = search(items)
    assert stats.skipped_keys == 0 and len(uncapped) == 52
    monkeypatch.setattr(sim, "MAX_POSTINGS", 3)
    capped, stats = search(items)
    # Only titles identical after normalisation ("Reduce"/"Cut") survive; the cap is reported.
    assert stats.skipped_keys == 1
    assert [(m.a, m.b) for m in capped] == [("k00", "k04"), ("k01", "k05"), ("k02", "k06"), ("k03", "k07")]


@pytest.mark.parametrize("groups", [0, 1, 2, 3])
def test_repeated_titles_pair_across_groups_exactly_as_brute_force(groups: int) -> None:
    """A title every role of a department repeats: only pairs across departments, and all of them
    (groups=0: every item in a group of its own)."""
    titles = ["Team engaged", "Costs per case reduced", "Team fully engaged", "Online booking live"]
    items = [
        Item(f"r{i:03d}#o", f"dept-{i if not groups else i // len(titles) % groups}", titles[i % len(titles)])
        for i in range(97)
    ]
    brute = {
        (min(x.key, y.key), max(x.key, y.key))
        for i, x in enumerate(items)
        for y in items[i + 1 :]
        if x.group != y.group and similarity(x.text, y.text) >= THRESHOLD
    }
    assert {(m.a, m.b) for m in near_duplicates(items)} == brute
    assert bool(brute) == (groups != 1)


# --- title, measure and target: the labelled outcome set ------------------------------------

OUTCOMES = Path(__file__).parents[2] / "data" / "duplicate_outcomes.yaml"


def _outcome_pairs() -> list[tuple[Item, Item, bool]]:
    pairs: list[dict[str, Any]] = yaml.safe_load(OUTCOMES.read_text(encoding="utf-8"))
    return [
        (Item(f"{i}a", p["a"][0], *p["a"][1:]), Item(f"{i}b", p["b"][0], *p["b"][1:]), bool(p["duplicate"]))
        for i, p in enumerate(pairs)
    ]


def test_outcome_set_is_big_varied_and_cross_department() -> None:
    raw: list[dict[str, Any]] = yaml.safe_load(OUTCOMES.read_text(encoding="utf-8"))
    assert len(raw) >= 200
    assert len({p["industry"] for p in raw}) >= 5
    duplicates = sum(p["duplicate"] for p in raw)
    assert 0.25 <= duplicates / len(raw) <= 0.4, "about a third true duplicates"
    assert all(p["a"][0] != p["b"][0] for p in raw), "every pair crosses departments"


def test_precision_and_recall_on_title_measure_and_target() -> None:
    tp = fp = fn = 0
    for a, b, duplicate in _outcome_pairs():
        found = near_duplicates([a, b]) != []
        assert found == (similarity(a, b) >= THRESHOLD)
        tp += found and duplicate
        fp += found and not duplicate
        fn += (not found) and duplicate
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.85, f"precision {precision:.3f}"
    assert recall >= 0.7, f"recall {recall:.3f}"


def _o(title: str, measure: str = "", target: str = "", group: str = "g") -> Item:
    return Item(title, group, title, measure, target)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        # the miss: reworded title, reworded measure, 20 minutes written two ways
        (
            _o(
                "Cut truck gate wait times to 20 minutes",
                "Average truck wait at the gate in minutes",
                "20 minutes",
            ),
            _o(
                "Reduce average truck queue time at the gate to 20 min",
                "Average gate queue time, minutes",
                "20 min",
            ),
            True,
        ),
        # a number after a verb still names the line: 311 is not 911
        (_o("Answer 311 calls within 30 seconds"), _o("Answer 911 calls within 30 seconds"), False),
        # a qualifier that changes whose score it is
        (_o("Raise NPS to 45"), _o("Raise employee NPS to 45"), False),
        (_o("Raise NPS to 45"), _o("Increase net promoter score to 45"), True),
        # turnover by context: staff leaving, or an operating room between cases
        (_o("Reduce nurse turnover to 10%"), _o("Reduce operating room turnover time to 20 minutes"), False),
        (_o("Reduce staff turnover to 12%"), _o("Improve employee retention"), True),
        # one standard measure shared by two teams does not make their subjects one
        (
            _o("Billing capacity matches demand", "Hours of unmet demand per month"),
            _o("Payroll capacity matches demand", "Hours of unmet demand per month"),
            False,
        ),
    ],
)
def test_outcome_decisions(a: Item, b: Item, same: bool) -> None:
    assert (similarity(a, b) >= THRESHOLD) == same
    assert (similarity(b, a) >= THRESHOLD) == same


@pytest.mark.parametrize(
    ("text", "quantities"),
    [
        ("20 min", {"20min"}),
        ("twenty minutes", {"20min"}),
        ("4 h", {"240min"}),
        ("four hours", {"240min"}),
        ("within an hour", {"60min"}),
        ("95 per cent", {"95%"}),
        ("£2m", {"2000000"}),
        ("2 million", {"2000000"}),
    ],
)
def test_numbers_and_units_are_normalised(text: str, quantities: set[str]) -> None:
    from site_builder.checking.textnorm import signature

    assert signature(text).quantities == quantities


def test_blocking_with_measures_finds_exactly_what_brute_force_finds() -> None:
    items = [
        Item(f"{side}{i:03d}", f"{side}{a.group}", x.text, x.measure, x.target)
        for i, (a, b, _) in enumerate(_outcome_pairs())
        for side, x in (("a", a), ("b", b))
    ]
    brute = {
        (min(x.key, y.key), max(x.key, y.key))
        for i, x in enumerate(items)
        for y in items[i + 1 :]
        if x.group != y.group and similarity(x, y) >= THRESHOLD
    }
    assert {(m.a, m.b) for m in near_duplicates(items)} == brute
    assert len(brute) >= 60
