"""Synthetic organisations: valid planning repositories of any size, for tests and benchmarks.

`generate(dest, roles, seed=...)` writes `dest/plans/` (portal.yaml, strategy.yaml and one
plan per role) that follows PLAN_FORMAT.md with zero errors. Output is byte-identical for a
seed: one `random.Random(seed)` drives every choice, in a fixed order.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from site_builder.authoring.synth_hand import HandWriter
from site_builder.authoring.synth_text import (
    SynthMilestone,
    SynthOutcome,
    SynthRole,
    portal_text,
    role_fields,
    role_text,
    strategy_text,
)
from site_builder.authoring.synth_words import (
    CYCLE_END,
    CYCLE_START,
    DEPARTMENTS,
    FIRST_NAMES,
    GOALS,
    JOBS,
    LAST_NAMES,
    MAX_FANOUT,
    MILESTONES,
    MIN_FANOUT,
    ORGANIZATIONS,
    THEMES,
    TOP_LEVEL,
    VACANCY_RATE,
)
from site_builder.authoring.text import slug


@dataclass(frozen=True, slots=True)
class SynthSummary:
    """What `generate` wrote, for tests and benchmark reports."""

    roles: int
    levels: tuple[tuple[int, int], ...]
    """(level, number of roles) from the top level down."""
    departments: int
    outcomes: int
    files: int
    """Files written: every role plan plus portal.yaml and strategy.yaml."""
    goals: int
    milestones: int
    vacant: int


STYLES = ("plain", "hand")
"""plain: the fastest shape to read; hand: the same organisation written as people write plans."""


def generate(
    dest: Path, roles: int, *, seed: int = 1, departments: int | None = None, style: str = "plain"
) -> SynthSummary:
    """Write a valid synthetic planning repository of `roles` roles to `dest/plans/`."""
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}, got {style!r}")
    if roles < 1:
        raise ValueError(f"roles must be at least 1, got {roles}")
    if departments is not None and not 1 <= departments <= len(DEPARTMENTS):
        raise ValueError(f"departments must be between 1 and {len(DEPARTMENTS)}, got {departments}")
    plans = Path(dest) / "plans"
    if plans.exists() and any(plans.iterdir()):
        raise FileExistsError(f"{plans} is not empty; synth writes only into a new or empty plans/ folder")
    rng = random.Random(seed)
    org = rng.choice(ORGANIZATIONS)
    goals = _strategy(rng)
    wanted = departments if departments is not None else _default_departments(roles)
    people = _shape(rng, roles, min(wanted, roles - 1))
    _staff(rng, people)
    _outcomes(rng, people, goals)
    files = {"portal.yaml": portal_text(org), "strategy.yaml": strategy_text(goals)}
    hand = HandWriter(random.Random(f"hand-{seed}")) if style == "hand" else None
    for role in people:
        text = role_text(rng, role, org) if hand is None else hand.role_text(role_fields(rng, role, org))
        files[f"roles/{role.folder}{role.id}.yaml"] = text
    for name in sorted({name.rpartition("/")[0] for name in files}):
        (plans / name).mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (plans / name).write_bytes(text.encode("utf-8"))
    by_level: dict[int, int] = {}
    for role in people:
        by_level[role.level] = by_level.get(role.level, 0) + 1
    return SynthSummary(
        roles=len(people),
        levels=tuple(sorted(by_level.items(), reverse=True)),
        departments=len(people[0].reports),
        outcomes=sum(len(role.outcomes) for role in people),
        files=len(files),
        goals=len(goals),
        milestones=sum(len(ms) for _, ms in goals),
        vacant=sum(role.holder is None for role in people),
    )


def _default_departments(roles: int) -> int:
    """4 departments up to ~100 roles, 8 at 1,000, 12 from 10,000."""
    return max(4, min(12, round(4 + 4 * math.log10(max(roles, 100) / 100))))


def _strategy(rng: random.Random) -> list[tuple[int, list[SynthMilestone]]]:
    """4-6 goals (indexes into GOALS) with 2-4 milestones each, due at month ends inside the cycle."""
    month_ends = _month_ends()[1:]
    chosen = sorted(rng.sample(range(len(GOALS)), rng.randint(4, 6)))
    goals = []
    for number, index in enumerate(chosen, 1):
        titles = rng.sample(MILESTONES[index], rng.randint(2, 4))
        dues = sorted(rng.choice(month_ends) for _ in titles)
        milestones = [
            SynthMilestone(f"G{number}-M{m}", t, d)
            for m, (t, d) in enumerate(zip(titles, dues, strict=True), 1)
        ]
        goals.append((index, milestones))
    return goals


def _month_ends() -> list[dt.date]:
    ends, month = [], CYCLE_START.replace(day=1)
    while month <= CYCLE_END:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        ends.append(following - dt.timedelta(days=1))
        month = following
    return ends


def _capacity(fanout: int, level: int) -> int:
    """Most roles a subtree headed at `level` can hold with at most `fanout` reports per manager."""
    return sum(fanout**i for i in range(level))


def _natural_fanout(descendants: int, depth: int) -> float:
    """The fan-out f with f + f^2 + ... + f^depth == descendants: a subtree filled down to the front line."""
    low, high = 1.0, float(descendants)
    for _ in range(30):
        mid = (low + high) / 2
        if sum(mid**i for i in range(1, depth + 1)) < descendants:
            low = mid
        else:
            high = mid
    return low


def _split(rng: random.Random, total: int, parts: int, cap: int) -> list[int]:
    """Split `total` into `parts` uneven shares, each between 1 and `cap`."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    shares = [min(cap, 1 + int(w * scale)) for w in weights]
    left, i = total - sum(shares), 0
    while left:
        if shares[i % parts] < cap:
            shares[i % parts] += 1
            left -= 1
        i += 1
    return shares


def _shape(rng: random.Random, roles: int, departments: int) -> list[SynthRole]:
    """The org tree, top role first and every manager before its reports (breadth first)."""
    fanout = MAX_FANOUT
    while 1 + departments * _capacity(fanout, TOP_LEVEL - 1) < roles:
        fanout += 1
    top = SynthRole("ceo", "Chief Executive Officer", TOP_LEVEL, "the organisation", "", roles)
    people, units = [top], dict.fromkeys(range(len(DEPARTMENTS)), 0)
    picked = sorted(rng.sample(range(len(DEPARTMENTS)), departments))
    cap = _capacity(fanout, TOP_LEVEL - 1)
    budgets = _split(rng, roles - 1, departments, cap) if departments else []
    for index, budget in zip(picked, budgets, strict=True):
        name, folder = DEPARTMENTS[index][0], f"{slug(DEPARTMENTS[index][0])}/"
        vp = SynthRole(
            f"vp-{slug(name)}", f"Vice President, {name}", TOP_LEVEL - 1, name, folder, budget, top, name
        )
        top.reports.append(vp)
        people.append(vp)
    position = 1
    while position < len(people):  # `people` grows while it is walked: breadth first
        role = people[position]
        position += 1
        descendants = role.budget - 1
        if not descendants:
            continue
        cap = _capacity(fanout, role.level - 1)
        low = max(-(-descendants // cap), min(MIN_FANOUT, descendants))
        wanted = round(_natural_fanout(descendants, role.level - 1) * rng.uniform(0.85, 1.2))
        count = max(low, min(wanted, fanout, descendants))
        for budget in _split(rng, descendants, count, cap):
            report = _report(rng, role, budget, len(people), units)
            role.reports.append(report)
            people.append(report)
    return people


def _report(
    rng: random.Random, manager: SynthRole, budget: int, serial: int, units: dict[int, int]
) -> SynthRole:
    """A new report of `manager`: title, id and folder follow its level; `serial` makes the id unique."""
    level, area, folder = manager.level - 1, manager.area, manager.folder
    if level == TOP_LEVEL - 2:
        index = next(i for i, (name, _) in enumerate(DEPARTMENTS) if name == manager.area)
        names, used = DEPARTMENTS[index][1], units[index]
        units[index] += 1
        area = names[used % len(names)] + (f" {used // len(names) + 1}" if used >= len(names) else "")
        return SynthRole(
            f"dir-{slug(area)}", f"Director, {area}", level, area, f"{folder}{slug(area)}/", budget, manager
        )
    if budget == 1 and level in (2, 3):  # no reports, above the front line: a senior individual contributor
        rank, job = ("Senior" if level == 2 else "Principal"), rng.choice(JOBS)
        rid = f"{rank.lower()}-{slug(job)}-{slug(area)}-{serial}"
        return SynthRole(rid, f"{rank} {job}, {area} {serial}", level, area, folder, budget, manager)
    if level == 3:
        rid = f"mgr-{slug(area)}-{serial}"
        return SynthRole(rid, f"Manager, {area} {serial}", level, area, f"{folder}{rid}/", budget, manager)
    if level == 2:
        return SynthRole(
            f"lead-{slug(area)}-{serial}", f"Team Lead, {area} {serial}", level, area, folder, budget, manager
        )
    job = rng.choice(JOBS)
    return SynthRole(
        f"{slug(job)}-{slug(area)}-{serial}", f"{job}, {area} {serial}", level, area, folder, budget, manager
    )


def _staff(rng: random.Random, people: list[SynthRole]) -> None:
    """Holders (about 5% vacant), status mix and confirmation dates never before the manager's."""
    top = people[0]
    top.holder = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    top.date = CYCLE_START - dt.timedelta(days=45)
    for role in people[1:]:
        assert role.manager is not None
        vacant = rng.random() < VACANCY_RATE
        role.holder = None if vacant else f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        draw = rng.random()
        role.status = "confirmed" if draw < 0.85 else "discussed" if draw < 0.95 else "draft"
        role.date = role.manager.date + dt.timedelta(days=rng.randint(0, 5))


def _outcomes(
    rng: random.Random, people: list[SynthRole], goals: list[tuple[int, list[SynthMilestone]]]
) -> None:
    """Outcomes for every role, linked upwards so that every outcome and strategy item is supported."""
    top = people[0]
    for number, (index, milestones) in enumerate(goals, 1):
        _, oid, title, measure, target = GOALS[index]
        outcome = SynthOutcome(top.id, oid, title, measure, target, strategy=[f"G{number}"])
        if not top.reports:
            outcome.strategy += [m.id for m in milestones]
        top.outcomes.append(outcome)
    themes_for: dict[str, list[tuple[str, ...]]] = {}
    for role in people[1:]:
        if role.area not in themes_for:
            themes_for[role.area] = _themes_for(role.area)
        count = rng.choices((3, 4, 5, 6), (35, 35, 20, 10))[0]
        for oid, title, measure, target in rng.sample(themes_for[role.area], count):
            n = rng.randint(2, 9)
            role.outcomes.append(
                SynthOutcome(role.id, oid, title.format(a=role.area), measure, target.format(n=n))
            )
    for role in people:
        if role.reports:
            _link(rng, role.outcomes, [o for report in role.reports for o in report.outcomes])
    by_goal: dict[str, list[SynthOutcome]] = {o.strategy[0]: [] for o in top.outcomes}
    for report in top.reports:
        for outcome in report.outcomes:
            by_goal[outcome.parents[0].strategy[0]].append(outcome)
    for number, (_, milestones) in enumerate(goals, 1):
        for milestone in milestones if top.reports else []:
            carriers = by_goal[f"G{number}"] or [o for r in top.reports for o in r.outcomes]
            min(carriers, key=lambda o: (len(o.strategy), rng.random())).strategy.append(milestone.id)
    dues = {m.id: m.due for _, milestones in goals for m in milestones}
    month_ends = _month_ends()
    for role in people:
        for outcome in role.outcomes:
            limits = [p.due for p in outcome.parents] + [dues[s] for s in outcome.strategy if s in dues]
            deadline = min([CYCLE_END, *limits])  # never after the outcomes or milestones it supports
            options = sorted({d for d in month_ends if d <= deadline} | {deadline})[-3:]
            outcome.due = rng.choices(options, (10, 30, 60)[-len(options) :])[0]


def _themes_for(area: str) -> list[tuple[str, ...]]:
    """Themes that repeat no word of the area: "Fewer complaints about Complaints" reads as a duplicate."""
    stems = {word[:4] for word in slug(area).split("-")}
    return [t for t in THEMES if not stems & {word[:4] for word in slug(t[1].replace("{a}", "")).split("-")}]


def _link(rng: random.Random, above: list[SynthOutcome], below: list[SynthOutcome]) -> None:
    """Give every outcome below 1-2 parents above, so that every outcome above is supported."""
    order = list(range(len(below)))
    rng.shuffle(order)
    cover = above[:]
    rng.shuffle(cover)
    by_id = {o.id: o for o in above}
    for parent, index in zip(cover, order, strict=False):  # first, one supporter for every outcome above
        below[index].parents.append(parent)
    for index in order[len(cover) :]:  # then like supports like (backlog -> backlog), else any
        below[index].parents.append(by_id.get(below[index].id) or rng.choice(above))
    for position, parent in enumerate(cover[len(below) :]):
        below[order[position % len(below)]].parents.append(parent)
    for outcome in below:
        if len(outcome.parents) == 1 and len(above) > 1 and rng.random() < 0.2:
            outcome.parents.append(rng.choice([o for o in above if o is not outcome.parents[0]]))


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m site_builder.authoring.synth DEST --roles N --seed S`: write a synthetic organisation."""
    parser = argparse.ArgumentParser(prog="python -m site_builder.authoring.synth", description=main.__doc__)
    parser.add_argument("dest", type=Path, help="folder to create plans/ in (plans/ must be absent or empty)")
    parser.add_argument("--roles", type=int, default=200, help="number of roles (default: 200)")
    parser.add_argument(
        "--seed", type=int, default=1, help="random seed; the same seed gives identical files"
    )
    parser.add_argument(
        "--departments", type=int, default=None, help="number of departments (default: by size)"
    )
    parser.add_argument("--style", choices=STYLES, default="plain", help="plain (default) or hand-written")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        summary = generate(
            args.dest, args.roles, seed=args.seed, departments=args.departments, style=args.style
        )
    except (FileExistsError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    levels = ", ".join(f"L{level}: {count}" for level, count in summary.levels)
    print(
        f"{summary.roles} roles ({levels}), {summary.departments} departments, {summary.outcomes} outcomes, "
        f"{summary.vacant} vacant, {summary.goals} goals, {summary.milestones} milestones; "
        f"{summary.files} files in {time.perf_counter() - started:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
