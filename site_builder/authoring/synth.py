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
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.authoring.text import slug, yaml_str

CYCLE = "FY2027-H1"
CYCLE_START = dt.date(2026, 7, 1)
CYCLE_END = dt.date(2026, 12, 31)
TOP_LEVEL = 6
MIN_FANOUT, MAX_FANOUT = 3, 8
VACANCY_RATE = 0.05
LEVEL_NAMES = ("Front line", "Team lead", "Manager", "Director", "Vice president", "Chief executive")
ORGANIZATIONS = ("Northwind Health", "Harbour Mutual", "Aldergrove Logistics", "Kestrel Energy")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split(" "))


def _table(text: str, sep: str = " | ") -> tuple[tuple[str, ...], ...]:
    """Vocabulary kept as text, one row a line: compact to read and to edit."""
    return tuple(tuple(line.strip().split(sep)) for line in text.strip().splitlines())


# Department: its units, one per director. No word stem is shared between departments, so that
# outcomes of different departments never read as duplicated effort. Beyond eight, units get a number.
DEPARTMENTS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (name, tuple(units.split(", ")))
    for name, units in _table(
        """
        Operations: Claims Processing, Patient Access, Scheduling, Field Engineering, Fulfilment, Dispatch, Logistics, Bookings
        Finance: Accounts Payable, Accounts Receivable, Budgeting, Payroll, Treasury, Tax, Fixed Assets, Pensions
        People: Recruitment, Learning, Reward, Employee Relations, Workforce Modelling, HR Advice, Wellbeing, Talent
        Technology: Infrastructure, Applications, Data Platform, Cyber Defence, IT Helpdesk, Architecture, Networks, Cloud
        Sales: Key Clients, Regional Sales, Inside Sales, Partnerships, Sales Enablement, Bids, Renewals, Pipeline
        Marketing: Brand, Advertising, Market Insight, Events, Content, Launch Marketing, Sponsorship, Copywriting
        Customer Service: Contact Centre, Resolutions, Retention, Customer Onboarding, Billing Support, Self Service, Escalations, Live Chat
        Legal: Contracts, Litigation, Privacy, Company Secretariat, Regulatory Affairs, Intellectual Property, Trademarks, Licensing
        Supply Chain: Procurement, Warehousing, Freight, Demand Forecasting, Supplier Development, Inventory, Distribution, Returns
        Research: Clinical Research, Discovery, Laboratories, Biobank, Grants, Trials, Ethics, Genomics
        Product: Product Design, Product Management, User Studies, Pricing, Product Metrics, Releases, Roadmap, Prototyping
        Risk & Compliance: Internal Audit, Compliance Monitoring, Enterprise Risk, Fraud Prevention, Business Continuity, Policy, Sanctions, Whistleblowing
        Facilities: Estates, Maintenance, Health & Safety, Energy, Workplace Experience, Site Protection, Catering, Fleet
        Quality: Quality Assurance, Accreditation, Care Governance, Incident Review, Standards, Hygiene, Inspections, Calibration
        Communications: Newsroom, Press Desk, Stakeholder Liaison, Digital Channels, Community Engagement, Editorial, Speechwriting, Social Media
        Strategy & Planning: Corporate Strategy, Portfolio Office, Transformation, Analytics, Performance, Programme Delivery, Scenario Planning, Benchmarking
        """,  # noqa: E501
        ": ",
    )
)
FIRST_NAMES = _words("Amara Ben Chloé Daniel Elif Farah Gabriel Hannah Ines José Kwame Léa Mei Nikolai Olu")
FIRST_NAMES += _words("Priya Rhys Søren Tomás Zoë Łukasz Yusuf")
LAST_NAMES = _words("Okafor Smith Müller Nguyễn O'Brien Patel García Kowalski Haddad Jensen Ødegaard Tanaka")
LAST_NAMES += _words("Wójcik Brown Silva Novák Campbell Osei")
JOBS = _words("Specialist Analyst Coordinator Advisor Associate Officer Technician Administrator")

# Outcome themes: id | title ({a}: the role's area) | measure | target ({n}: a digit 2-9).
THEMES = _table(
    """
    turnaround | {a} turnaround under target | Median working days from request to completion | <= {n} days
    backlog | {a} backlog cleared | Open items older than 30 days | < {n}
    right-first-time | {a} right first time | Share of items completed without rework | >= 9{n}%
    satisfaction | Customers satisfied with {a} | Score in the quarterly "how did we do" survey | >= 4.{n} / 5
    unit-cost | {a} cost per case reduced | Cost per completed case | <= {n}0 EUR
    retention | Experienced people stay in {a} | Voluntary turnover, rolling 12 months | < {n}%
    online-share | {a} requests handled online | Share of requests started online | >= {n}0%
    audit-findings | {a} audit findings closed | Open high-risk audit findings | 0
    safety | No lost-time incidents in {a} | Lost-time incidents | 0
    forecast | {a} plans match actuals | Forecast error at quarter end | <= {n}%
    onboarding | New starters in {a} productive sooner | Weeks to full productivity | <= {n} weeks
    quality | {a} quality standard met | Items passing quality review | >= 9{n}%
    service-level | {a} answers within service level | Share of contacts answered within SLA | >= 8{n}%
    capacity | {a} capacity matches demand | Hours of unmet demand per month | <= {n}0
    data-quality | {a} records complete and correct | Share of records passing validation | >= 9{n}%
    automation | Manual steps removed from {a} | Manual steps per case | <= {n}
    engagement | {a} team engaged | Engagement index | >= 7{n}
    procedures | {a} know-how written down | Core procedures documented and reviewed | 100%
    complaints | Fewer complaints about {a} | Complaints per 1,000 cases | <= {n}
    """
)
# Strategy goals: title | top-role outcome id | its title | measure | target.
GOALS = _table(
    """
    Make every service easy to use | easy-services | Customers rate our services easy to use | Customer effort score | <= 2.0
    Get it right first time | right-first-time | Rework halved across the organisation | Share of work redone | <= 5%
    Grow sustainably | sustainable-growth | Growth funded from our own margin | Operating margin | >= 6%
    Be a great place to work | great-workplace | People recommend us as an employer | Employee net promoter score | >= +20
    Run on trusted data | trusted-data | Decisions made on one version of the truth | Reports built on certified data | >= 90%
    Stay safe and compliant | safe-compliant | No material compliance breach | Material breaches | 0
    Cut our footprint | lower-footprint | Emissions on the path to net zero | Scope 1 and 2 emissions versus baseline | <= -12%
    Modernise core systems | modern-core | Core systems no longer hold us back | Critical incidents caused by legacy systems | <= 2
    """  # noqa: E501
)
# Candidate milestones of each goal above, in the same order.
MILESTONES = _table(
    """
    Self-service for the top 10 requests | One front door for all enquiries | Wait times published weekly | Accessibility audit passed
    Rework measured in every unit | Top 5 failure causes removed | Quality reviews in every team | Error budget agreed per service
    Three new partnerships signed | Cost base reset | Pricing review completed | New region opened
    New career paths published | Onboarding redesigned | Pulse survey every quarter | Leadership programme launched
    Single customer record live | Data owners named for every system | Monthly performance pack automated | Data quality dashboard live
    High-risk audit findings closed | Business continuity tested | Privacy training completed by all staff | Supplier risk reviews done
    Energy metered in every site | A third of the fleet electric | Supplier emissions baseline set | Waste to landfill halved
    Legacy billing retired | Cloud migration wave 1 done | Identity management unified | Release cadence weekly
    """  # noqa: E501
)
# Free text per role; {a} is the role's area. One sentence a line.
VALUE_ADD, VALUE_ADD_2, ACCOUNTABILITIES, FOCUS, AUTHORITIES, TRADE_OFFS, HOW, NOTES = (
    tuple(line.strip() for line in block.strip().splitlines())
    for block in """
    Keeps {a} reliable, so the people who depend on it get a clear answer the first time.
    Makes sure the work of {a} is done right first time, so no one downstream has to fix it.
    Turns the plans above into {a} work that people can see, measure and improve.
    Removes the friction in {a} that costs customers time and colleagues goodwill.
    ---
    Says no early when demand exceeds what the team can do well.
    Spots problems before they reach a customer.
    Makes the trade-offs visible instead of absorbing them silently.
    ---
    Service levels for {a} met every month
    {a} budget kept within 2% of plan
    Risks in {a} known, owned and reported
    Every {a} process has a named owner
    Customer feedback on {a} acted on within 30 days
    Skills in {a} match next year's demand
    {a} data complete, correct and on time
    Handovers between {a} and other teams work: "no surprises"
    ---
    Agree priorities for {a} with the manager each month
    Coach the people who do the work in {a}
    Decide which {a} requests wait when capacity runs out
    Review the worst 10 cases in {a} every week
    Negotiate service levels with the teams {a} depends on
    Fix the #1 cause of rework in {a}
    Keep the {a} plan and the budget in step
    Explain the strategy to every new starter in {a}
    ---
    Order of work in {a}
    Overtime up to 10% of hours
    Spending up to the agreed budget line
    Who joins the {a} team
    Changes to {a} procedures
    ---
    Nice-to-have reports for {a} paused this cycle
    Second-priority {a} requests wait up to 10 days
    Process redesign in {a} deferred to FY2027-H2
    No new tools in {a} until the current ones are used well
    ---
    Delivers the {a} share of this outcome
    Without this, {a} holds the outcome back
    Removes the main {a} bottleneck behind it
    Makes the result measurable in {a}
    ---
    First draft discussed; focus list cut to what only this role can do.
    Outcomes rewritten as results, with measures and targets.
    Agreed which work stops so the outcomes fit the capacity.
    Links to the manager's plan checked; one outcome dropped as activity.
    """.split("---")  # noqa: SIM905
)


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


@dataclass(slots=True, eq=False)
class _Outcome:
    role: str
    id: str
    title: str
    measure: str
    target: str
    parents: list[_Outcome] = field(default_factory=list)
    strategy: list[str] = field(default_factory=list)
    due: dt.date = CYCLE_END


@dataclass(slots=True, eq=False)
class _Role:
    id: str
    title: str
    level: int
    area: str
    folder: str
    budget: int
    manager: _Role | None = None
    department: str | None = None
    reports: list[_Role] = field(default_factory=list)
    holder: str | None = None
    status: str = "confirmed"
    date: dt.date = CYCLE_START
    outcomes: list[_Outcome] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Milestone:
    id: str
    title: str
    due: dt.date


def generate(dest: Path, roles: int, *, seed: int = 1, departments: int | None = None) -> SynthSummary:
    """Write a valid synthetic planning repository of `roles` roles to `dest/plans/`."""
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
    files = {"portal.yaml": _portal_text(org), "strategy.yaml": _strategy_text(goals)}
    for role in people:
        files[f"roles/{role.folder}{role.id}.yaml"] = _role_text(rng, role, org)
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


def _strategy(rng: random.Random) -> list[tuple[int, list[_Milestone]]]:
    """4-6 goals (indexes into GOALS) with 2-4 milestones each, due at month ends inside the cycle."""
    month_ends = _month_ends()[1:]
    chosen = sorted(rng.sample(range(len(GOALS)), rng.randint(4, 6)))
    goals = []
    for number, index in enumerate(chosen, 1):
        titles = rng.sample(MILESTONES[index], rng.randint(2, 4))
        dues = sorted(rng.choice(month_ends) for _ in titles)
        milestones = [
            _Milestone(f"G{number}-M{m}", t, d) for m, (t, d) in enumerate(zip(titles, dues, strict=True), 1)
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


def _shape(rng: random.Random, roles: int, departments: int) -> list[_Role]:
    """The org tree, top role first and every manager before its reports (breadth first)."""
    fanout = MAX_FANOUT
    while 1 + departments * _capacity(fanout, TOP_LEVEL - 1) < roles:
        fanout += 1
    top = _Role("ceo", "Chief Executive Officer", TOP_LEVEL, "the organisation", "", roles)
    people, units = [top], dict.fromkeys(range(len(DEPARTMENTS)), 0)
    picked = sorted(rng.sample(range(len(DEPARTMENTS)), departments))
    cap = _capacity(fanout, TOP_LEVEL - 1)
    budgets = _split(rng, roles - 1, departments, cap) if departments else []
    for index, budget in zip(picked, budgets, strict=True):
        name, folder = DEPARTMENTS[index][0], f"{slug(DEPARTMENTS[index][0])}/"
        vp = _Role(
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


def _report(rng: random.Random, manager: _Role, budget: int, serial: int, units: dict[int, int]) -> _Role:
    """A new report of `manager`: title, id and folder follow its level; `serial` makes the id unique."""
    level, area, folder = manager.level - 1, manager.area, manager.folder
    if level == TOP_LEVEL - 2:
        index = next(i for i, (name, _) in enumerate(DEPARTMENTS) if name == manager.area)
        names, used = DEPARTMENTS[index][1], units[index]
        units[index] += 1
        area = names[used % len(names)] + (f" {used // len(names) + 1}" if used >= len(names) else "")
        return _Role(
            f"dir-{slug(area)}", f"Director, {area}", level, area, f"{folder}{slug(area)}/", budget, manager
        )
    if budget == 1 and level in (2, 3):  # no reports, above the front line: a senior individual contributor
        rank, job = ("Senior" if level == 2 else "Principal"), rng.choice(JOBS)
        rid = f"{rank.lower()}-{slug(job)}-{slug(area)}-{serial}"
        return _Role(rid, f"{rank} {job}, {area} {serial}", level, area, folder, budget, manager)
    if level == 3:
        rid = f"mgr-{slug(area)}-{serial}"
        return _Role(rid, f"Manager, {area} {serial}", level, area, f"{folder}{rid}/", budget, manager)
    if level == 2:
        return _Role(
            f"lead-{slug(area)}-{serial}", f"Team Lead, {area} {serial}", level, area, folder, budget, manager
        )
    job = rng.choice(JOBS)
    return _Role(
        f"{slug(job)}-{slug(area)}-{serial}", f"{job}, {area} {serial}", level, area, folder, budget, manager
    )


def _staff(rng: random.Random, people: list[_Role]) -> None:
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


def _outcomes(rng: random.Random, people: list[_Role], goals: list[tuple[int, list[_Milestone]]]) -> None:
    """Outcomes for every role, linked upwards so that every outcome and strategy item is supported."""
    top = people[0]
    for number, (index, milestones) in enumerate(goals, 1):
        _, oid, title, measure, target = GOALS[index]
        outcome = _Outcome(top.id, oid, title, measure, target, strategy=[f"G{number}"])
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
                _Outcome(role.id, oid, title.format(a=role.area), measure, target.format(n=n))
            )
    for role in people:
        if role.reports:
            _link(rng, role.outcomes, [o for report in role.reports for o in report.outcomes])
    by_goal: dict[str, list[_Outcome]] = {o.strategy[0]: [] for o in top.outcomes}
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


def _link(rng: random.Random, above: list[_Outcome], below: list[_Outcome]) -> None:
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


def _portal_text(org: str) -> str:
    levels = "".join(f"  {n}: {name}\n" for n, name in enumerate(LEVEL_NAMES, 1))
    return (
        f"organization: {yaml_str(org)}\ncycle: {CYCLE}\ncycle_start: {CYCLE_START}\ncycle_end: {CYCLE_END}\n"
        f"levels:\n{levels}audiences:\n"
        "  all-staff:\n    hide: [resources, dialogue]\n    drafts: placeholder\n"
        "  leadership:\n    hide: []\n    drafts: include\ndefault_audience: all-staff\n"
    )


def _strategy_text(goals: list[tuple[int, list[_Milestone]]]) -> str:
    lines = [
        'title: "Strategy 2027-2029"',
        "owner: ceo",
        'summary: "Synthetic strategy for tests and benchmarks."',
        "goals:",
    ]
    for number, (index, milestones) in enumerate(goals, 1):
        lines += [f"  - id: G{number}", f"    title: {yaml_str(GOALS[index][0])}", "    milestones:"]
        for m in milestones:
            lines += [f"      - id: {m.id}", f"        title: {yaml_str(m.title)}", f"        due: {m.due}"]
    return "\n".join(lines) + "\n"


def _role_text(rng: random.Random, role: _Role, org: str) -> str:
    """One plan, written line by line: fast, and every free-text value double-quoted."""
    q, a, manager = yaml_str, role.area, role.manager
    lines = [f"id: {role.id}", f"title: {q(role.title)}"]
    if role.holder is not None:
        lines.append(f"holder: {q(role.holder)}")
    elif rng.random() < 0.5:
        lines.append("holder: vacant")
    if manager is not None:
        lines.append(f"reports_to: {manager.id}")
    if role.level == TOP_LEVEL - 1:
        lines.append(f"department: {q(a)}")
    lines += [f"level: {role.level}", f"status: {role.status}"]
    if role.status == "confirmed":
        lines.append(f"confirmed_on: {role.date}")
    value = rng.choice(VALUE_ADD).format(a=a if manager else org)
    if rng.random() < 0.5:
        value += " " + rng.choice(VALUE_ADD_2)
    lines.append(f"value_add: {q(value)}")
    lines.append("accountabilities:")
    lines += [f"  - {q(t.format(a=a))}" for t in rng.sample(ACCOUNTABILITIES, rng.randint(2, 4))]
    lines.append("focus:")
    lines += [f"  - {q(t.format(a=a))}" for t in rng.sample(FOCUS, rng.randint(2, 5))]
    lines.append("outcomes:")
    for o in role.outcomes:
        lines += [
            f"  - id: {o.id}",
            f"    title: {q(o.title)}",
            f"    measure: {q(o.measure)}",
            f"    target: {q(o.target)}",
            f"    due: {o.due}",
            "    supports:",
        ]
        for p in o.parents:
            lines += [f"      - ref: {p.role}#{p.id}", f"        how: {q(rng.choice(HOW).format(a=a))}"]
        # Goals as `ref:` items, milestones as bare strings: both forms of PLAN_FORMAT.md appear.
        lines += [f"      - {s}" if "-" in s else f"      - ref: {s}" for s in o.strategy]
    lines.append("authorities:")
    lines += [f"  - {q(t.format(a=a))}" for t in rng.sample(AUTHORITIES, rng.randint(1, 3))]
    lines.append("resources:")
    if role.reports:
        lines += [f"  headcount: {role.budget - 1}", f'  budget: "{(role.budget * 0.09):.1f}M"']
    else:
        lines.append(f"  training_days: {rng.randint(3, 8)}")
    lines.append("trade_offs:")
    lines += [f"  - {q(t.format(a=a))}" for t in rng.sample(TRADE_OFFS, rng.randint(1, 2))]
    partner = manager.id if manager is not None else (role.reports[0].id if role.reports else None)
    if partner is not None:
        lines.append("dialogue:")
        day = role.date - dt.timedelta(days=rng.randint(8, 20))
        for _ in range(rng.randint(1, 2)):
            lines += [f"  - date: {day}", f"    with: {partner}", f"    note: {q(rng.choice(NOTES))}"]
            day += dt.timedelta(days=rng.randint(1, 7))
    return "\n".join(lines) + "\n"


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
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        summary = generate(args.dest, args.roles, seed=args.seed, departments=args.departments)
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
