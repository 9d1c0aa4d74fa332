"""The domain: frozen dataclasses for a planning repository, knowing nothing of files, MkDocs or click."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]
Status = Literal["draft", "discussed", "confirmed"]
DraftsMode = Literal["placeholder", "include", "omit"]

STATUSES: tuple[str, ...] = ("draft", "discussed", "confirmed")
DRAFTS_MODES: tuple[str, ...] = ("placeholder", "include", "omit")
HIDEABLE_FIELDS: tuple[str, ...] = (
    "holder",
    "value_add",
    "accountabilities",
    "focus",
    "outcomes",
    "authorities",
    "resources",
    "trade_offs",
    "dialogue",
    "confirmed_on",
    "level",
)

# The field catalogue: every field of every kind of plan file, in the order files and schemas list
# them. The loader accepts exactly these, the schemas describe them, the snapshot and audience views
# follow them; a new field is added here first.
PORTAL_FIELDS: tuple[str, ...] = (
    "organization",
    "cycle",
    "cycle_start",
    "cycle_end",
    "levels",
    "audiences",
    "default_audience",
    "fail_on",
    "overview_depth",
    "enable",
    "dialogue_days",
    "as_of",
    "intranet_hosts",
)
STRATEGY_FIELDS: tuple[str, ...] = ("title", "owner", "summary", "goals")
GOAL_FIELDS: tuple[str, ...] = ("id", "title", "description", "milestones")
MILESTONE_FIELDS: tuple[str, ...] = ("id", "title", "due", "measure", "target")
ROLE_FIELDS: tuple[str, ...] = (
    "id",
    "title",
    "holder",
    "reports_to",
    "department",
    "level",
    "status",
    "confirmed_on",
    "value_add",
    "accountabilities",
    "focus",
    "outcomes",
    "authorities",
    "resources",
    "trade_offs",
    "dialogue",
)
PLAN_CONTENT: tuple[str, ...] = ("value_add", "accountabilities", "focus", "outcomes")
OUTCOME_FIELDS: tuple[str, ...] = ("id", "title", "measure", "target", "due", "supports")
DIALOGUE_FIELDS: tuple[str, ...] = ("date", "with", "note")
PLACEHOLDER_CLEARS: tuple[str, ...] = ROLE_FIELDS[ROLE_FIELDS.index("value_add") :]
"""What a placeholder page leaves out: the whole plan of a role, from its value added on."""

# The rule catalogue: the names findings carry. checking/rules.py registers one function per warning
# rule (a test holds the two equal); the loader checks `fail_on` against these without importing checking.
ERROR_RULE_NAMES: tuple[str, ...] = (
    "yaml-syntax",
    "encoding",
    "duplicate-key",
    "forbidden-yaml",
    "schema",
    "invalid-id",
    "duplicate-id",
    "unknown-reference",
    "reporting-cycle",
    "support-cycle",
    "top-role",
    "unsafe-path",
    "orphan-outcome",
    "file-too-large",
)
WARNING_RULE_NAMES: tuple[str, ...] = (
    "bypasses-manager",
    "unsupported-outcome",
    "uncovered-strategy",
    "activity-not-result",
    "due-after-cycle",
    "due-before-cycle",
    "due-after-milestone",
    "duplicate-effort",
    "unconfirmed-plan",
    "suspect-confirmation",
    "level-compression",
    "level-gap",
    "diffused-focus",
    "incomplete-plan",
    "due-after-parent",
    "conflicting-outcomes",
    "pass-through-outcome",
    "manager-does-reports-work",
    "fragile-coverage",
    "no-recent-dialogue",
    "missing-trade-offs",
    "suspect-link",
)


@dataclass(frozen=True, slots=True, order=True)
class Loc:
    """Where a value was written: path relative to the folder that holds plans/, 1-based line and column."""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.path
        return f"{self.path}:{self.line}:{self.column or 1}"


@dataclass(frozen=True, slots=True)
class Ref:
    """One `supports` entry: a manager's outcome (`ROLE#OUTCOME`) or a strategy item (`GOAL`/`MILESTONE`)."""

    target: str
    """The reference as written, e.g. `vp-operations#booking-experience` or `G1-M1`."""
    how: str | None
    loc: Loc

    @property
    def role(self) -> str | None:
        """The role id of an outcome reference, None for a strategy reference."""
        return self.target.split("#", 1)[0] if "#" in self.target else None

    @property
    def outcome(self) -> str | None:
        return self.target.split("#", 1)[1] if "#" in self.target else None

    @property
    def is_strategy(self) -> bool:
        return "#" not in self.target


@dataclass(frozen=True, slots=True)
class Outcome:
    id: str
    role: str
    """Id of the role whose plan holds this outcome."""
    title: str
    measure: str | None
    target: str | None
    due: dt.date | None
    supports: tuple[Ref, ...]
    loc: Loc

    @property
    def key(self) -> str:
        """The global reference to this outcome, `ROLE#OUTCOME`."""
        return f"{self.role}#{self.id}"


@dataclass(frozen=True, slots=True)
class Dialogue:
    date: dt.date | None
    with_: str | None
    note: str
    loc: Loc


@dataclass(frozen=True, slots=True)
class Role:
    id: str
    title: str
    holder: str | None
    """None when the role is vacant."""
    reports_to: str | None
    department: str | None
    """As written; `PlanSet.department_of` resolves inheritance from the manager."""
    level: int | None
    status: Status
    confirmed_on: dt.date | None
    value_add: str
    accountabilities: tuple[str, ...]
    focus: tuple[str, ...]
    outcomes: tuple[Outcome, ...]
    authorities: tuple[str, ...]
    resources: str | Mapping[str, str] | None
    """Markdown text, or a mapping of resource name to amount (kept as written)."""
    trade_offs: tuple[str, ...]
    dialogue: tuple[Dialogue, ...]
    loc: Loc
    """The role file (line 1) or the `id:` entry."""
    field_locs: Mapping[str, Loc] = field(default_factory=dict, compare=False)
    """Where each top-level field was written, for findings that point at a field."""

    @property
    def vacant(self) -> bool:
        return self.holder is None

    @property
    def file(self) -> str:
        return self.loc.path

    def loc_of(self, name: str) -> Loc:
        return self.field_locs.get(name, self.loc)


@dataclass(frozen=True, slots=True)
class Milestone:
    id: str
    goal: str
    title: str
    due: dt.date | None
    measure: str | None
    target: str | None
    loc: Loc


@dataclass(frozen=True, slots=True)
class Goal:
    id: str
    title: str
    description: str | None
    milestones: tuple[Milestone, ...]
    loc: Loc


@dataclass(frozen=True, slots=True)
class Strategy:
    title: str
    owner: str
    summary: str | None
    goals: tuple[Goal, ...]
    loc: Loc

    def items(self) -> dict[str, Goal | Milestone]:
        """Every goal and milestone by id."""
        out: dict[str, Goal | Milestone] = {}
        for goal in self.goals:
            out[goal.id] = goal
            for ms in goal.milestones:
                out[ms.id] = ms
        return out


@dataclass(frozen=True, slots=True)
class Audience:
    name: str
    hide: tuple[str, ...]
    drafts: DraftsMode
    role_findings: bool = True
    """Show each role's alignment findings on its page (`findings: false` in portal.yaml turns it off)."""
    show_sources: bool = False
    """Show publishers' details: file paths and lines of findings, rule hints, the publishing-readiness
    box (`show_sources: true` in portal.yaml; the preview always shows them)."""


@dataclass(frozen=True, slots=True)
class Portal:
    organization: str
    cycle: str
    cycle_start: dt.date
    cycle_end: dt.date
    levels: Mapping[int, str]
    audiences: Mapping[str, Audience]
    default_audience: str
    fail_on: tuple[str, ...]
    loc: Loc
    overview_depth: int = 3
    """How many levels of the organisation the home-page overview diagram shows."""
    enable: tuple[str, ...] = ()
    """Off-by-default warning rules this organisation turns on (no-recent-dialogue, missing-trade-offs)."""
    dialogue_days: int = 90
    """Window of no-recent-dialogue: days before the as-of date."""
    as_of: dt.date | None = None
    """The day dated rules judge by when `--as-of` is not given (None: the day the check runs); an
    example or archive fixes it so its findings do not change with the calendar."""
    intranet_hosts: tuple[str, ...] = ()
    """Hosts that links in plan text may lead to (besides relative links); other hosts' links become text."""


@dataclass(frozen=True, slots=True)
class Sight:
    """What an edition keeps of the whole cascade's line of sight when plans are shown as placeholders
    or left out: which goals each shown outcome serves, and through which unshown plans, never what
    those plans say."""

    served: Mapping[str, frozenset[str]]
    """Shown outcome key -> strategy ids it serves through the whole chain of plans."""
    via: Mapping[str, tuple[str, ...]]
    """Shown outcome key -> ids of the first roles on its way to the strategy whose plan is not shown
    ('' for plans left out of the edition), sorted."""
    unseen: Mapping[str, Mapping[str, int]]
    """Strategy id -> role id ('' for plans left out) -> how many of its unshown outcomes serve it."""
    unseen_goals: Mapping[str, Mapping[str, int]]
    """Goal id -> role id ('' for plans left out) -> how many of its unshown outcomes serve the goal
    or any of its milestones (each outcome once)."""
    unseen_goal_only: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    """Goal id -> role id -> how many of its unshown outcomes serve the goal but none of its milestones."""


@dataclass(frozen=True, slots=True)
class PlanSet:
    """Everything loaded from one planning repository."""

    portal: Portal
    strategy: Strategy
    roles: Mapping[str, Role]
    """By role id, in sorted id order."""
    unreadable: frozenset[str] = frozenset()
    """Ids (file names) of role files that could not be read; references to them are not reported again."""
    sight: Sight | None = None
    """Line of sight computed on the whole cascade before an audience removed plans (None: these are
    the whole plans, the index computes it itself)."""

    def outcome(self, key: str) -> Outcome | None:
        role_id, _, outcome_id = key.partition("#")
        role = self.roles.get(role_id)
        if role is None:
            return None
        for outcome in role.outcomes:
            if outcome.id == outcome_id:
                return outcome
        return None

    def department_of(self, role_id: str) -> str | None:
        """The role's department, inherited from the nearest manager that names one."""
        seen: set[str] = set()
        current: str | None = role_id
        while current is not None and current not in seen:
            seen.add(current)
            role = self.roles.get(current)
            if role is None:
                return None
            if role.department:
                return role.department
            current = role.reports_to
        return None


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of checking: an error (cannot publish) or a warning (drift)."""

    severity: Severity
    rule: str
    message: str
    loc: Loc
    role: str | None = None
    outcome: str | None = None
    hint: str | None = None
    related: str | None = None
    """Another `ROLE#OUTCOME` the finding speaks of (duplicate-effort's other outcome), so editions
    can tell whether it may be shown without reading the message."""
    outcome_title: str | None = None
    """The outcome's full title beside its id, for people (JSON `outcome_title`); see `name_outcomes`."""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.loc.path, self.loc.line or 0, self.loc.column or 0, self.rule, self.message)

    def to_json(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "rule": self.rule,
            "file": self.loc.path,
            "line": self.loc.line,
            "column": self.loc.column,
            "role": self.role,
            "outcome": self.outcome,
            "outcome_title": self.outcome_title,
            "message": self.message,
            "hint": self.hint,
        }
