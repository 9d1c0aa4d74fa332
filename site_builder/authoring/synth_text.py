"""Synthetic plans as text: the organisation's roles and outcomes, and the plain writer of their files.

The plain writer is the fastest shape to read (every line `key: value`, free text double-quoted);
synth_hand.py writes the same kind of organisation the way people write plans.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from site_builder.authoring.synth_words import (
    ACCOUNTABILITIES,
    AUTHORITIES,
    CYCLE,
    CYCLE_END,
    CYCLE_START,
    FOCUS,
    GOALS,
    HOW,
    LEVEL_NAMES,
    NOTES,
    TOP_LEVEL,
    TRADE_OFFS,
    VALUE_ADD,
    VALUE_ADD_2,
)
from site_builder.authoring.text import yaml_str


@dataclass(slots=True, eq=False)
class SynthOutcome:
    role: str
    id: str
    title: str
    measure: str
    target: str
    parents: list[SynthOutcome] = field(default_factory=list)
    strategy: list[str] = field(default_factory=list)
    due: dt.date = CYCLE_END


@dataclass(slots=True, eq=False)
class SynthRole:
    id: str
    title: str
    level: int
    area: str
    folder: str
    budget: int
    manager: SynthRole | None = None
    department: str | None = None
    reports: list[SynthRole] = field(default_factory=list)
    holder: str | None = None
    status: str = "confirmed"
    date: dt.date = CYCLE_START
    outcomes: list[SynthOutcome] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SynthMilestone:
    id: str
    title: str
    due: dt.date


def portal_text(org: str) -> str:
    levels = "".join(f"  {n}: {name}\n" for n, name in enumerate(LEVEL_NAMES, 1))
    return (
        f"organization: {yaml_str(org)}\ncycle: {CYCLE}\ncycle_start: {CYCLE_START}\ncycle_end: {CYCLE_END}\n"
        f"levels:\n{levels}audiences:\n"
        "  all-staff:\n    hide: [resources, dialogue]\n    drafts: placeholder\n"
        "  leadership:\n    hide: []\n    drafts: include\ndefault_audience: all-staff\n"
    )


def strategy_text(goals: list[tuple[int, list[SynthMilestone]]]) -> str:
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


class Word(str):
    """A value the plain writer leaves unquoted: ids, dates, numbers, status names, references."""

    __slots__ = ()


Value = str | list["Value"] | dict[str, "Value"]
"""A field's value: text (a `Word`, or free text the plain writer double-quotes), a list or a mapping."""


def role_fields(rng: random.Random, role: SynthRole, org: str) -> dict[str, Value]:
    """What one plan says, in the order the plain writer writes it; every random draw of the plan's
    content happens here, so both writers describe the same organisation for a seed."""
    a, manager = role.area, role.manager
    fields: dict[str, Value] = {"id": Word(role.id), "title": role.title}
    if role.holder is not None:
        fields["holder"] = role.holder
    elif rng.random() < 0.5:
        fields["holder"] = Word("vacant")
    if manager is not None:
        fields["reports_to"] = Word(manager.id)
    if role.level == TOP_LEVEL - 1:
        fields["department"] = a
    fields["level"], fields["status"] = Word(str(role.level)), Word(role.status)
    if role.status == "confirmed":
        fields["confirmed_on"] = Word(str(role.date))
    value = rng.choice(VALUE_ADD).format(a=a if manager else org)
    if rng.random() < 0.5:
        value += " " + rng.choice(VALUE_ADD_2)
    fields["value_add"] = value
    fields["accountabilities"] = [t.format(a=a) for t in rng.sample(ACCOUNTABILITIES, rng.randint(2, 4))]
    fields["focus"] = [t.format(a=a) for t in rng.sample(FOCUS, rng.randint(2, 5))]
    outcomes: list[Value] = []
    for o in role.outcomes:
        supports: list[Value] = [
            {"ref": Word(f"{p.role}#{p.id}"), "how": rng.choice(HOW).format(a=a)} for p in o.parents
        ]
        # Goals as `ref:` items, milestones as bare strings: both forms of PLAN_FORMAT.md appear.
        supports += [Word(s) if "-" in s else {"ref": Word(s)} for s in o.strategy]
        outcomes.append(
            {
                "id": Word(o.id),
                "title": o.title,
                "measure": o.measure,
                "target": o.target,
                "due": Word(str(o.due)),
                "supports": supports,
            }
        )
    fields["outcomes"] = outcomes
    fields["authorities"] = [t.format(a=a) for t in rng.sample(AUTHORITIES, rng.randint(1, 3))]
    if role.reports:
        fields["resources"] = {
            "headcount": Word(str(role.budget - 1)),
            "budget": f"{(role.budget * 0.09):.1f}M",
        }
    else:
        fields["resources"] = {"training_days": Word(str(rng.randint(3, 8)))}
    fields["trade_offs"] = [t.format(a=a) for t in rng.sample(TRADE_OFFS, rng.randint(1, 2))]
    partner = manager.id if manager is not None else (role.reports[0].id if role.reports else None)
    if partner is not None:
        day = role.date - dt.timedelta(days=rng.randint(8, 20))
        dialogue: list[Value] = []
        for _ in range(rng.randint(1, 2)):
            dialogue.append({"date": Word(str(day)), "with": Word(partner), "note": rng.choice(NOTES)})
            day += dt.timedelta(days=rng.randint(1, 7))
        fields["dialogue"] = dialogue
    return fields


def role_text(rng: random.Random, role: SynthRole, org: str) -> str:
    """One plan, written line by line: fast, and every free-text value double-quoted."""
    lines: list[str] = []
    _plain(role_fields(rng, role, org), "", lines)
    return "\n".join(lines) + "\n"


def _plain(mapping: dict[str, Value], indent: str, lines: list[str], first: str | None = None) -> None:
    """`key: value` lines at `indent`; `first` replaces the indent of the first line (a list item's `- `)."""
    for key, value in mapping.items():
        lead, first = first if first is not None else indent, None
        if isinstance(value, str):
            lines.append(f"{lead}{key}: {value if isinstance(value, Word) else yaml_str(value)}")
        elif isinstance(value, dict):
            lines.append(f"{lead}{key}:")
            _plain(value, indent + "  ", lines)
        else:
            lines.append(f"{lead}{key}:")
            for item in value:
                if isinstance(item, dict):
                    _plain(item, indent + "    ", lines, indent + "  - ")
                else:
                    lines.append(f"{indent}  - {item if isinstance(item, Word) else yaml_str(str(item))}")
