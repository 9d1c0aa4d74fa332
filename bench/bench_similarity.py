"""Accuracy and speed of the duplicate-effort matcher: `python bench/bench_similarity.py`.

Prints precision, recall and F1 on the labelled outcome pairs of tests/data/duplicate_outcomes.yaml
(title, measure and target, seven industries), on the older title-only pairs of
tests/fixtures/duplicate_pairs.yaml, the threshold, and the time to search 40,000 synthetic outcomes
(10,000 roles x 4), so docs/manual/alignment.md quotes measured numbers rather than hopes.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from site_builder.checking.similarity import THRESHOLD, Item, search, similarity  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "duplicate_pairs.yaml"
OUTCOMES = ROOT / "tests" / "data" / "duplicate_outcomes.yaml"

VOCABULARY = """
verbs: Reduce, Increase, Improve, Launch, Cut, Grow, Lower, Roll out, Deliver, Raise, Retire, Publish,
  Automate, Migrate, Open, Hire, Train
domains: patient, customer, staff, supplier, online, clinical, pharmacy, payroll, billing, warehouse, store,
  fleet, energy, cloud, security, data, marketing, procurement, legal, facilities, housing, school, transport,
  library, planning, licensing, maternity, surgical, radiology, laboratory, mobile, network, support, sales,
  loyalty, returns, recruitment, training, finance, audit, risk, quality, safety, estates, catering, cleaning,
  parking, waste, water, grants, benefits, tax, council, volunteer, research, teaching, outpatient, community,
  export, partner
nouns: wait time, complaints, errors, costs, satisfaction, turnover, backlog, portal, app, report, audit,
  bookings, incidents, defects, revenue, throughput, coverage, emissions, compliance, downtime, queue,
  claims, invoices, contracts, inspections, referrals, admissions, discharges, response time,
  first-contact resolution, engagement, sickness absence, overtime, vacancies, stock accuracy, shrinkage,
  margin, uptime, tickets, releases, training hours, apprentices, visits, enquiries, permits, applications,
  payments, refunds, deliveries, journeys, footfall, leads, renewals, subscriptions, accuracy, cycle time,
  handover, rota, dashboard, policy, framework, strategy, roadmap, service, process, pilot
syllables: ka, lo, mer, vin, tor, sel, dun, bar, ash, wel, ford, ham, ley, ton, brook, field, wick, stan, mor,
  gate
"""


def _vocabulary(text: str) -> dict[str, tuple[str, ...]]:
    """`name: word, word, ...` blocks; indented lines continue the previous name."""
    blocks: dict[str, str] = {}
    name = ""
    for line in text.strip().splitlines():
        if not line[0].isspace():
            name, _, line = line.partition(":")
        blocks[name] = blocks.get(name, "") + "," + line
    return {k: tuple(w.strip() for w in v.split(",") if w.strip()) for k, v in blocks.items()}


_VOCAB = _vocabulary(VOCABULARY)
VERBS, DOMAINS, NOUNS, SYLLABLES = (_VOCAB[k] for k in ("verbs", "domains", "nouns", "syllables"))


def synthetic_items(n_roles: int, *, per_role: int = 4, seed: int = 7) -> list[Item]:
    """Outcomes from 10-ish verbs x 60 domains x 66 nouns x 400 places, one department per role."""
    rng = random.Random(seed)
    places = sorted({rng.choice(SYLLABLES).title() + rng.choice(SYLLABLES) for _ in range(2000)})
    departments = [f"dept-{d:02d}" for d in range(30)]
    items: list[Item] = []
    for r in range(n_roles):
        group = rng.choice(departments)
        for o in range(per_role):
            text = f"{rng.choice(VERBS)} {rng.choice(DOMAINS)} {rng.choice(NOUNS)} in {rng.choice(places)}"
            if rng.random() < 0.5:
                text += f" to {rng.randint(1, 99)}%"
            items.append(Item(f"role-{r:05d}#o{o}", group, text))
    return items


def fixture_scores() -> tuple[float, float, float]:
    """Precision, recall and F1 of `similarity >= THRESHOLD` on the labelled pairs."""
    pairs = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    tp = fp = fn = 0
    for pair in pairs:
        predicted = similarity(pair["a"], pair["b"]) >= THRESHOLD
        tp += predicted and pair["duplicate"]
        fp += predicted and not pair["duplicate"]
        fn += (not predicted) and pair["duplicate"]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _item(key: str, outcome: list[str]) -> Item:
    department, title, measure, target = outcome
    return Item(key, department, title, measure, target)


def outcome_pairs(path: Path = OUTCOMES) -> list[tuple[Item, Item, bool]]:
    """The labelled pairs as items: (a, b, duplicate)."""
    pairs = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        (_item(f"{i}a", p["a"]), _item(f"{i}b", p["b"]), bool(p["duplicate"])) for i, p in enumerate(pairs)
    ]


def outcome_scores(
    pairs: list[tuple[Item, Item, bool]], threshold: float = THRESHOLD
) -> tuple[float, float, list[tuple[Item, Item, bool, float]]]:
    """Precision, recall and the misjudged pairs (false positives and misses) with their scores."""
    tp = fp = fn = 0
    wrong: list[tuple[Item, Item, bool, float]] = []
    for a, b, duplicate in pairs:
        score = similarity(a, b)
        predicted = score >= threshold
        tp += predicted and duplicate
        fp += predicted and not duplicate
        fn += (not predicted) and duplicate
        if predicted != duplicate:
            wrong.append((a, b, duplicate, score))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, wrong


def main() -> None:
    pairs = outcome_pairs()
    precision, recall, wrong = outcome_scores(pairs)
    dups = sum(d for _, _, d in pairs)
    print(f"threshold  {THRESHOLD}")
    print(
        f"outcomes   {len(pairs)} pairs ({dups} duplicates): precision {precision:.3f}  recall {recall:.3f}"
    )
    if "-v" in sys.argv:
        for a, b, duplicate, score in wrong:
            print(f"  {'missed' if duplicate else 'false '} {score:.2f}  {a.text!r} / {b.text!r}")
    precision, recall, f1 = fixture_scores()
    print(f"titles     precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    items = synthetic_items(10_000)
    start, start_cpu = time.perf_counter(), time.process_time()
    matches, stats = search(items)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    all_pairs = stats.signatures * (stats.signatures - 1) // 2
    print(
        f"synthetic  {stats.items} items, {stats.signatures} distinct titles, "
        f"{stats.candidates} pairs scored of {all_pairs} ({stats.candidates / all_pairs:.4%}), "
        f"{stats.skipped_keys} blocking keys too common to use"
    )
    print(
        f"synthetic  {len(matches)} matches in {elapsed:.3f} s wall, {cpu:.3f} s CPU "
        "(cold cache, one process)"
    )


if __name__ == "__main__":
    main()
