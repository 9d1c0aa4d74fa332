"""Typing portal.yaml and strategy.yaml: the repository's settings and the strategy's goals."""

from __future__ import annotations

import datetime as dt
import re

from site_builder.domain.model import (
    DRAFTS_MODES,
    GOAL_FIELDS,
    HIDEABLE_FIELDS,
    MILESTONE_FIELDS,
    PORTAL_FIELDS,
    STRATEGY_FIELDS,
    WARNING_RULE_NAMES,
    Audience,
    Finding,
    Goal,
    Loc,
    Milestone,
    Portal,
    Strategy,
)
from site_builder.loading.document import document
from site_builder.loading.fields import Fields, did_you_mean
from site_builder.loading.files import SourceFile
from site_builder.loading.nodes import Map, Node, Scalar
from site_builder.loading.role_plan import ROLE_ID

STRATEGY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,62}$")

HOST = re.compile(r"(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")
"""An intranet host plan text may link to: a plain DNS name, or `*.name` for every host below it."""


def read_portal(source: SourceFile, findings: list[Finding]) -> Portal | None:
    node = document(source, findings, "a mapping of portal settings")
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
        enable=_rule_names(node, f, "enable"),
        dialogue_days=days if (days := f.integer(node, "dialogue_days", where)) and days > 0 else 90,
        as_of=f.date(node, "as_of", where),
        intranet_hosts=tuple(h for h in hosts if HOST.fullmatch(h)),
    )


def _fail_on(node: Map, f: Fields) -> tuple[str, ...]:
    """Warning rules that block publishing; an unknown name is a finding with its line, not a crash."""
    return _rule_names(node, f, "fail_on")


def _rule_names(node: Map, f: Fields, key: str) -> tuple[str, ...]:
    """A list of warning rule names (fail_on, enable); an unknown name is a finding with its line."""
    names = f.text_list(node, key, "portal.yaml")
    items = f.seq(node, key, "portal.yaml")
    known = {*WARNING_RULE_NAMES, "all"} if key == "fail_on" else set(WARNING_RULE_NAMES)
    for name, item in zip(names, items.items if items else [], strict=False):
        if name not in known:
            f.error(
                f"{key} names unknown rule '{name}'",
                item.loc,
                hint=did_you_mean(name, known) or "warning rules: " + ", ".join(sorted(WARNING_RULE_NAMES)),
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
        f.keys(body, ("hide", "drafts", "findings", "show_sources"), (), where)
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
        sources = f.choice(body, "show_sources", ("true", "false"), where) == "true"
        hidden = tuple(h for h in hide if h in HIDEABLE_FIELDS)
        out[name] = Audience(name, hidden, drafts, findings, sources)  # type: ignore[arg-type]
    return out


def read_strategy(source: SourceFile, findings: list[Finding]) -> Strategy | None:
    node = document(source, findings, "the strategy (title, owner, goals)")
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
