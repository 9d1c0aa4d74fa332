"""Loading: plan files -> marked YAML -> the model, with every `schema`-level finding collected."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from site_builder.domain.model import (
    DRAFTS_MODES,
    HIDEABLE_FIELDS,
    STATUSES,
    Audience,
    Dialogue,
    Finding,
    Goal,
    Loc,
    Milestone,
    Outcome,
    PlanSet,
    Portal,
    Ref,
    Role,
    Strategy,
)
from site_builder.gcpause import gc_paused
from site_builder.loading.fields import Fields, did_you_mean
from site_builder.loading.files import SourceFile, read_sources
from site_builder.loading.nodes import Map, Node, Scalar, kind_name
from site_builder.loading.yamlsrc import decode, parse

ROLE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
"""Use fullmatch: with match, `$` also matches before a final newline (`id: "ops\\n"`)."""
STRATEGY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,62}$")

PORTAL_FIELDS = (
    "organization",
    "cycle",
    "cycle_start",
    "cycle_end",
    "levels",
    "audiences",
    "default_audience",
    "fail_on",
    "overview_depth",
    "intranet_hosts",
)
HOST = re.compile(r"(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")
"""An intranet host plan text may link to: a plain DNS name, or `*.name` for every host below it."""
STRATEGY_FIELDS = ("title", "owner", "summary", "goals")
GOAL_FIELDS = ("id", "title", "description", "milestones")
MILESTONE_FIELDS = ("id", "title", "due", "measure", "target")
ROLE_FIELDS = (
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
PLAN_CONTENT = ("value_add", "accountabilities", "focus", "outcomes")
OUTCOME_FIELDS = ("id", "title", "measure", "target", "due", "supports")
DIALOGUE_FIELDS = ("date", "with", "note")
_ROLE_KEYS = frozenset(ROLE_FIELDS)
_OUTCOME_KEYS = frozenset(OUTCOME_FIELDS)
_REF_KEYS = frozenset(("ref", "how"))
_DIALOGUE_KEYS = frozenset(DIALOGUE_FIELDS)
"""The same names as sets: `Fields.keys` runs once per mapping, 160,000 times at 10,000 roles."""
FALLBACK_PORTAL = Portal("", "", dt.date.min, dt.date.max, {}, {}, "everyone", (), Loc(""))


@dataclass(frozen=True, slots=True)
class Loaded:
    plans: PlanSet
    findings: tuple[Finding, ...]
    files: int
    """How many role plans were read (for the summary line)."""


def load_plans(plans_dir: Path) -> Loaded:
    """Read and type every file of a planning repository; references are checked later (integrity)."""
    with gc_paused():
        return _load_plans(plans_dir)


def _load_plans(plans_dir: Path) -> Loaded:
    findings: list[Finding] = []
    sources = read_sources(plans_dir, findings)
    portal = _portal(sources.portal, findings) if sources.portal else None
    strategy = _strategy(sources.strategy, findings) if sources.strategy else None
    roles: dict[str, Role] = {}
    unreadable: set[str] = set()
    for source, (role, problems) in zip(sources.roles, _parse_roles(sources.roles), strict=True):
        findings.extend(problems)
        if role is None:
            unreadable.add(source.rel.rsplit("/", 1)[-1].rsplit(".", 1)[0])
            continue
        if role.id in roles:
            first = roles[role.id]
            findings.append(
                Finding(
                    "error",
                    "duplicate-id",
                    f"role id '{role.id}' is already defined in {first.file}",
                    role.loc,
                    role=role.id,
                    hint="give each role its own id (the file name, or an 'id:' field)",
                )
            )
            continue
        roles[role.id] = role
    plans = PlanSet(
        portal or FALLBACK_PORTAL,
        strategy or Strategy("", "", None, (), Loc("")),
        dict(sorted(roles.items())),
        frozenset(unreadable - roles.keys()),
    )
    return Loaded(plans, tuple(findings), len(sources.roles))


_PARSED: dict[str, tuple[bytes, Role | None, list[Finding]]] = {}
"""Parsed role files by path, kept for the life of the process: `vap serve` re-reads every file on
each save but parses only those whose bytes changed, and `vap build` checks before building without
parsing twice. Parsing is a pure function of the bytes, so reuse is exact."""


def forget_parsed() -> None:
    """Empty the cache of parsed role files."""
    _PARSED.clear()


def _parse_roles(sources: tuple[SourceFile, ...]) -> list[tuple[Role | None, list[Finding]]]:
    """Parse role files in this process: measured, pickling 10,000 parsed roles back from worker
    processes costs more than parsing them (see docs/performance.md)."""
    out: list[tuple[Role | None, list[Finding]]] = []
    seen: set[str] = set()
    for source in sources:
        seen.add(source.rel)
        cached = _PARSED.get(source.rel)
        if cached is not None and cached[0] == source.data:
            out.append((cached[1], cached[2]))
            continue
        role, findings = _role_with_findings(source)
        _PARSED[source.rel] = (source.data, role, findings)
        out.append((role, findings))
    for gone in _PARSED.keys() - seen:
        del _PARSED[gone]  # deleted (or another repository's) files: memory stays one repository's worth
    return out


def _role_with_findings(source: SourceFile) -> tuple[Role | None, list[Finding]]:
    findings: list[Finding] = []
    role = _role(source, findings)
    return role, findings


def _document(source: SourceFile, findings: list[Finding], what: str) -> Map | None:
    text, problems = decode(source.data, source.rel)
    findings.extend(problems)
    if text is None:
        return None
    root, problems = parse(text, source.rel)
    findings.extend(problems)
    if problems and root is None:
        return None
    if root is None or (isinstance(root, Scalar) and root.is_null):
        findings.append(
            Finding(
                "error",
                "schema",
                f"file is empty; {what} is expected",
                Loc(source.rel, 1, 1),
                hint="see PLAN_FORMAT in the docs for the fields of this file",
            )
        )
        return None
    if not isinstance(root, Map):
        findings.append(
            Finding(
                "error",
                "schema",
                f"file holds {kind_name(root)}; {what} is expected (fields such as 'title: ...')",
                root.loc,
                hint="is this really a plan file? each file holds one mapping of fields",
            )
        )
        return None
    return root


def _portal(source: SourceFile, findings: list[Finding]) -> Portal | None:
    node = _document(source, findings, "a mapping of portal settings")
    if node is None:
        return None
    f = Fields(source.rel, findings)
    where = "portal.yaml"
    f.keys(node, PORTAL_FIELDS, ("organization", "cycle", "cycle_start", "cycle_end"), where)
    start = f.date(node, "cycle_start", where)
    end = f.date(node, "cycle_end", where)
    if start and end and end <= start:
        f.error("cycle_end must be after cycle_start", node.items["cycle_end"][1].loc)
    levels: dict[int, str] = {}
    levels_node = f.mapping(f.value(node, "levels"), "'levels' in portal.yaml")
    for key, (position, value) in levels_node.items.items() if levels_node else []:
        if not re.fullmatch(r"\d+", key):
            f.error(f"level '{key}' must be a whole number", Loc(f.path, *position))
        elif not isinstance(value, Scalar) or value.is_null:
            f.error(f"level {key} needs a name", value.loc)
        else:
            levels[int(key)] = value.text
    audiences = _audiences(node, f)
    default = f.text(node, "default_audience", where)
    if audiences and default is None:
        f.error("default_audience is required when audiences are given", node.loc)
    elif default is not None and default not in audiences:
        f.error(
            f"default_audience '{default}' is not one of the audiences",
            node.items["default_audience"][1].loc,
            rule="unknown-reference",
            hint="audiences: " + ", ".join(sorted(audiences)) if audiences else None,
        )
    if not audiences:
        audiences = {"everyone": Audience("everyone", (), "include")}
        default = "everyone"
    depth = f.integer(node, "overview_depth", where)
    hosts = f.text_list(node, "intranet_hosts", where)
    for host in hosts:
        if not HOST.fullmatch(host):
            f.error(
                f"intranet host '{host}' is not a host name (lower-case letters, digits, - and ., or *.name)",
                node.items["intranet_hosts"][1].loc,
            )
    return Portal(
        organization=f.text(node, "organization", where) or "",
        cycle=f.text(node, "cycle", where) or "",
        cycle_start=start or dt.date.min,
        cycle_end=end or dt.date.max,
        levels=dict(sorted(levels.items())),
        audiences=audiences,
        default_audience=default or "everyone",
        fail_on=_fail_on(node, f),
        loc=node.loc,
        overview_depth=depth if depth and depth > 0 else 3,
        intranet_hosts=tuple(h for h in hosts if HOST.fullmatch(h)),
    )


def _fail_on(node: Map, f: Fields) -> tuple[str, ...]:
    """Warning rules that block publishing; an unknown name is a finding with its line, not a crash."""
    from site_builder.checking.rules import WARNING_RULES  # the rule registry is the one list of rule names

    names = f.text_list(node, "fail_on", "portal.yaml")
    items = f.seq(node, "fail_on", "portal.yaml")
    known = {*WARNING_RULES, "all"}
    for name, item in zip(names, items.items if items else [], strict=False):
        if name not in known:
            f.error(
                f"fail_on names unknown rule '{name}'",
                item.loc,
                hint=did_you_mean(name, known) or "warning rules: " + ", ".join(sorted(WARNING_RULES)),
            )
    return tuple(n for n in names if n in known)


def _audiences(node: Map, f: Fields) -> dict[str, Audience]:
    out: dict[str, Audience] = {}
    audiences = f.mapping(f.value(node, "audiences"), "'audiences' in portal.yaml")
    for name, (position, value) in audiences.items.items() if audiences else []:
        if not ROLE_ID.fullmatch(name):
            f.error(
                f"audience name '{name}' must be lower-case letters, digits and '-'",
                Loc(f.path, *position),
                rule="invalid-id",
            )
            continue
        where = f"audience '{name}'"
        body = f.mapping(value, where)
        if body is None:
            out[name] = Audience(name, (), "include")
            continue
        f.keys(body, ("hide", "drafts", "findings"), (), where)
        hide = f.text_list(body, "hide", where)
        for field_name in hide:
            if field_name not in HIDEABLE_FIELDS:
                f.error(
                    f"{where} hides unknown field '{field_name}'",
                    body.items["hide"][1].loc,
                    hint="fields that can be hidden: " + ", ".join(HIDEABLE_FIELDS),
                )
        drafts = f.choice(body, "drafts", DRAFTS_MODES, where) or "placeholder"
        findings = f.choice(body, "findings", ("true", "false"), where) != "false"
        hidden = tuple(h for h in hide if h in HIDEABLE_FIELDS)
        out[name] = Audience(name, hidden, drafts, findings)  # type: ignore[arg-type]
    return out


def _strategy(source: SourceFile, findings: list[Finding]) -> Strategy | None:
    node = _document(source, findings, "the strategy (title, owner, goals)")
    if node is None:
        return None
    f = Fields(source.rel, findings)
    where = "strategy.yaml"
    f.keys(node, STRATEGY_FIELDS, ("title", "owner", "goals"), where)
    goals: list[Goal] = []
    goal_list = f.seq(node, "goals", where)
    for item in goal_list.items if goal_list else []:
        goal = _goal(item, f)
        if goal is not None:
            goals.append(goal)
    owner_node = f.value(node, "owner")
    return Strategy(
        title=f.text(node, "title", where) or "",
        owner=f.text(node, "owner", where) or "",
        summary=f.text(node, "summary", where),
        goals=tuple(goals),
        loc=owner_node.loc if owner_node else node.loc,
    )


def _strategy_id(f: Fields, node: Map, where: str) -> str | None:
    ident = f.text(node, "id", where)
    if ident is not None and not STRATEGY_ID.fullmatch(ident):
        f.error(
            f"id '{ident}' of {where} may hold only letters, digits and '-' (at most 63)",
            node.items["id"][1].loc,
            rule="invalid-id",
        )
        return None
    return ident


def _goal(item: Node, f: Fields) -> Goal | None:
    node = f.mapping(item, "a goal")
    if node is None:
        return None
    f.keys(node, GOAL_FIELDS, ("id", "title"), "a goal")
    goal_id = _strategy_id(f, node, "a goal")
    if goal_id is None:
        return None
    where = f"goal {goal_id}"
    milestones: list[Milestone] = []
    ms_list = f.seq(node, "milestones", where)
    for ms_item in ms_list.items if ms_list else []:
        ms = f.mapping(ms_item, f"a milestone of {where}")
        if ms is None:
            continue
        f.keys(ms, MILESTONE_FIELDS, ("id", "title", "due"), f"a milestone of {where}")
        ms_id = _strategy_id(f, ms, f"a milestone of {where}")
        if ms_id is None:
            continue
        ms_where = f"milestone {ms_id}"
        milestones.append(
            Milestone(
                id=ms_id,
                goal=goal_id,
                title=f.text(ms, "title", ms_where) or "",
                due=f.date(ms, "due", ms_where),
                measure=f.text(ms, "measure", ms_where),
                target=f.text(ms, "target", ms_where),
                loc=ms.items["id"][1].loc,
            )
        )
    return Goal(
        id=goal_id,
        title=f.text(node, "title", where) or "",
        description=f.text(node, "description", where),
        milestones=tuple(milestones),
        loc=node.items["id"][1].loc,
    )


def _role(source: SourceFile, findings: list[Finding]) -> Role | None:
    node = _document(source, findings, "a role's plan")
    if node is None:
        return None
    stem = source.rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    f = Fields(source.rel, findings)
    id_node = f.value(node, "id")
    role_id = f.text(node, "id", "the role") if id_node else stem
    id_loc = id_node.loc if id_node else Loc(source.rel, 1, 1)
    if role_id is None:
        return None
    if not ROLE_ID.fullmatch(role_id):
        origin = "id" if id_node else "file name (the role's id)"
        f.error(
            f"role {origin} '{role_id}' may hold only lower-case letters, digits and '-' "
            "(at most 63, starting with a letter or digit)",
            id_loc,
            rule="invalid-id",
            hint=_id_hint(role_id),
        )
        return None
    f.role = role_id
    where = f"role '{role_id}'"
    status = f.choice(node, "status", STATUSES, where)
    content_required = () if status == "draft" else PLAN_CONTENT
    f.keys(node, _ROLE_KEYS, ("title", "status", *content_required), where)
    confirmed_on = f.date(node, "confirmed_on", where)
    if status == "confirmed" and f.value(node, "confirmed_on") is None:
        f.error(
            f"{where} is confirmed but has no 'confirmed_on' date",
            node.items["status"][1].loc,
            hint="add 'confirmed_on: YYYY-MM-DD', the day the plan was agreed",
        )
    holder = f.text(node, "holder", where)
    field_locs = _FieldLocs(node)
    return Role(
        id=role_id,
        title=f.text(node, "title", where) or role_id,
        holder=None if holder is None or holder.strip().lower() == "vacant" else holder,
        reports_to=f.text(node, "reports_to", where),
        department=f.text(node, "department", where),
        level=f.integer(node, "level", where),
        status=status or "draft",  # type: ignore[arg-type]
        confirmed_on=confirmed_on,
        value_add=f.text(node, "value_add", where) or "",
        accountabilities=f.text_list(node, "accountabilities", where),
        focus=f.text_list(node, "focus", where),
        outcomes=_outcomes(node, f, role_id),
        authorities=f.text_list(node, "authorities", where),
        resources=_resources(node, f, where),
        trade_offs=f.text_list(node, "trade_offs", where),
        dialogue=_dialogue(node, f, where),
        loc=id_loc,
        field_locs=field_locs,
    )


class _FieldLocs(Mapping[str, Loc]):
    """Where each top-level field of a role was written, as a Loc only when asked: findings point at
    the fields of few roles, and 16 Locs for every role cost 0.1 s at 10,000 roles."""

    __slots__ = ("_keys", "_path")

    def __init__(self, node: Map) -> None:
        self._path = node.path
        self._keys = {name: position for name, (position, _value) in node.items.items()}

    def __getitem__(self, name: str) -> Loc:
        line, column = self._keys[name]
        return Loc(self._path, line, column)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return repr(dict(self))


def _id_hint(bad: str) -> str:
    ascii_only = unicodedata.normalize("NFKD", bad).encode("ascii", "ignore").decode()  # é -> e
    cleaned = re.sub(r"[^a-z0-9-]+", "-", ascii_only.lower()).strip("-")[:63]
    if cleaned and ROLE_ID.fullmatch(cleaned):
        return f"for example '{cleaned}'"
    return "use lower-case letters, digits and '-'"


def _resources(node: Map, f: Fields, where: str) -> str | dict[str, str] | None:
    value = f.value(node, "resources")
    if value is None:
        return None
    if isinstance(value, Scalar):
        return value.text
    body = f.mapping(value, f"'resources' of {where}")
    if body is None:
        return None
    out: dict[str, str] = {}
    for name, (_key, item) in body.items.items():
        if isinstance(item, Scalar):
            out[name] = item.text
        else:
            f.error(f"resource '{name}' of {where} must be text or a number", item.loc)
    return out


def _outcomes(node: Map, f: Fields, role_id: str) -> tuple[Outcome, ...]:
    outcomes: list[Outcome] = []
    seen: dict[str, Loc] = {}
    items = f.seq(node, "outcomes", f"role '{role_id}'")
    each = f"an outcome of role '{role_id}'"
    for item in items.items if items else []:
        body = f.mapping(item, each)
        if body is None:
            continue
        f.keys(body, _OUTCOME_KEYS, ("id", "title"), each)
        outcome_id = f.text(body, "id", "an outcome")
        if outcome_id is None:
            continue
        id_loc = body.items["id"][1].loc
        if not ROLE_ID.fullmatch(outcome_id):
            f.error(
                f"outcome id '{outcome_id}' may hold only lower-case letters, digits and '-'",
                id_loc,
                rule="invalid-id",
                hint=_id_hint(outcome_id),
            )
            continue
        if outcome_id in seen:
            f.error(
                f"outcome id '{outcome_id}' is used twice in this plan "
                f"(first at line {seen[outcome_id].line})",
                id_loc,
                rule="duplicate-id",
                outcome=outcome_id,
            )
            continue
        seen[outcome_id] = id_loc
        where = f"outcome '{outcome_id}'"
        outcomes.append(
            Outcome(
                id=outcome_id,
                role=role_id,
                title=f.text(body, "title", where) or "",
                measure=f.text(body, "measure", where),
                target=f.text(body, "target", where),
                due=f.date(body, "due", where),
                supports=_supports(body, f, where),
                loc=id_loc,
            )
        )
    return tuple(outcomes)


def _supports(body: Map, f: Fields, where: str) -> tuple[Ref, ...]:
    refs: list[Ref] = []
    items = f.seq(body, "supports", where)
    each = f"a 'supports' entry of {where}"
    for item in items.items if items else []:
        if item.__class__ is Scalar and not item.is_null:
            refs.append(Ref(item.text.strip(), None, item.loc))
            continue
        ref = f.mapping(item, each)
        if ref is None:
            continue
        f.keys(ref, _REF_KEYS, ("ref",), each)
        target = f.text(ref, "ref", where)
        if target is not None:
            refs.append(Ref(target.strip(), f.text(ref, "how", where), ref.items["ref"][1].loc))
    return tuple(refs)


def _dialogue(node: Map, f: Fields, where: str) -> tuple[Dialogue, ...]:
    out: list[Dialogue] = []
    items = f.seq(node, "dialogue", where)
    each = f"a dialogue entry of {where}"
    for item in items.items if items else []:
        body = f.mapping(item, each)
        if body is None:
            continue
        f.keys(body, _DIALOGUE_KEYS, ("note",), each)
        with_node = f.value(body, "with")
        out.append(
            Dialogue(
                date=f.date(body, "date", "a dialogue entry"),
                with_=f.text(body, "with", "a dialogue entry"),
                note=f.text(body, "note", "a dialogue entry") or "",
                loc=with_node.loc if with_node else body.loc,
            )
        )
    return tuple(out)
