"""Loading: plan files -> marked YAML -> the model, with every `schema`-level finding collected."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.domain.model import (
    DIALOGUE_FIELDS,
    GOAL_FIELDS,
    MILESTONE_FIELDS,
    OUTCOME_FIELDS,
    PLAN_CONTENT,
    PORTAL_FIELDS,
    ROLE_FIELDS,
    STRATEGY_FIELDS,
    Finding,
    Loc,
    PlanSet,
    Portal,
    Role,
    Strategy,
)
from site_builder.gcpause import gc_paused
from site_builder.loading import parsecache
from site_builder.loading.files import SourceFile, read_sources
from site_builder.loading.role_plan import ROLE_ID, read_role
from site_builder.loading.settings import STRATEGY_ID, read_portal, read_strategy

__all__ = [  # the field lists and id patterns are read from here by schemas, init and import-org
    "DIALOGUE_FIELDS",
    "GOAL_FIELDS",
    "MILESTONE_FIELDS",
    "OUTCOME_FIELDS",
    "PLAN_CONTENT",
    "PORTAL_FIELDS",
    "ROLE_FIELDS",
    "ROLE_ID",
    "STRATEGY_FIELDS",
    "STRATEGY_ID",
    "Loaded",
    "forget_parsed",
    "load_plans",
]

FALLBACK_PORTAL = Portal("", "", dt.date.min, dt.date.max, {}, {}, "everyone", (), Loc(""))


@dataclass(frozen=True, slots=True)
class Loaded:
    plans: PlanSet
    findings: tuple[Finding, ...]
    files: int
    """How many role plans were read (for the summary line)."""
    digests: Mapping[str, bytes] = field(default_factory=dict)
    """A hash of each role file's bytes by path, when the parse cache is on (the rule cache keys on it)."""


def load_plans(plans_dir: Path) -> Loaded:
    """Read and type every file of a planning repository; references are checked later (integrity)."""
    with gc_paused():
        return _load_plans(plans_dir)


def _load_plans(plans_dir: Path) -> Loaded:
    findings: list[Finding] = []
    sources = read_sources(plans_dir, findings)
    portal = read_portal(sources.portal, findings) if sources.portal else None
    strategy = read_strategy(sources.strategy, findings) if sources.strategy else None
    roles: dict[str, Role] = {}
    unreadable: set[str] = set()
    parsed, digests = _parse_roles(sources.roles, plans_dir)
    for source, (role, problems) in zip(sources.roles, parsed, strict=True):
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
    return Loaded(plans, tuple(findings), len(sources.roles), digests)


_PARSED: dict[str, tuple[bytes, Role | None, list[Finding]]] = {}
"""Parsed role files by path, kept for the life of the process: `vap serve` re-reads every file on
each save but parses only those whose bytes changed, and `vap build` checks before building without
parsing twice. Parsing is a pure function of the bytes, so reuse is exact."""


def forget_parsed() -> None:
    """Empty the cache of parsed role files."""
    _PARSED.clear()


def _parse_roles(
    sources: tuple[SourceFile, ...], plans_dir: Path
) -> tuple[list[tuple[Role | None, list[Finding]]], dict[str, bytes]]:
    """Parse role files in this process: measured, pickling 10,000 parsed roles back from worker
    processes costs more than parsing them (see docs/performance.md). Files parsed by an earlier run
    come from the persistent cache (parsecache) when it is on."""
    out: list[tuple[Role | None, list[Finding]]] = []
    seen: set[str] = set()
    store = parsecache.open_store(plans_dir)
    for source in sources:
        seen.add(source.rel)
        cached = _PARSED.get(source.rel)
        if cached is not None and cached[0] == source.data:
            out.append((cached[1], cached[2]))
            if store is not None:
                store.keep(source.rel, source.data, cached[1], cached[2])
            continue
        stored = store.get(source.rel, source.data) if store is not None else None
        if stored is not None:
            role, findings = stored
        else:
            role, findings = _role_with_findings(source)
            if store is not None:
                store.put(source.rel, role, findings)
        _PARSED[source.rel] = (source.data, role, findings)
        out.append((role, findings))
    for gone in _PARSED.keys() - seen:
        del _PARSED[gone]  # deleted (or another repository's) files: memory stays one repository's worth
    if store is None:
        return out, {}
    store.save()
    return out, store.digests()


def _role_with_findings(source: SourceFile) -> tuple[Role | None, list[Finding]]:
    findings: list[Finding] = []
    role = read_role(source, findings)
    return role, findings
