"""Loading: plan files -> marked YAML -> the model, with every `schema`-level finding collected."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
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
from site_builder.errors import PortalError
from site_builder.gcpause import gc_paused
from site_builder.loading import parsecache
from site_builder.loading.files import SourceFile, UnreadFile, read_again, read_sources
from site_builder.loading.lazyroles import LazyRoles
from site_builder.loading.parsecache import Restored
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


def load_plans(plans_dir: Path, *, lazy: bool = False) -> Loaded:
    """Read and type every file of a planning repository; references are checked later (integrity).

    lazy: plans restored from the parse cache are built only when read (`vap check`, whose rules'
    findings usually come from the rule cache); otherwise every plan is built here."""
    with gc_paused():
        return _load_plans(plans_dir, lazy)


Parsed = Role | Restored | None
"""A role file's plan: typed, restored from the cache and built on first use, or unreadable."""


def _load_plans(plans_dir: Path, lazy: bool) -> Loaded:
    findings: list[Finding] = []
    store = parsecache.open_store(plans_dir)
    sources = read_sources(plans_dir, findings, store.unchanged if store is not None else None)
    portal = read_portal(sources.portal, findings) if sources.portal else None
    strategy = read_strategy(sources.strategy, findings) if sources.strategy else None
    roles: dict[str, Role | Restored] = {}
    unreadable: set[str] = set()
    parsed, digests = _parse_roles(sources.roles, store, lazy)
    for source, (role, problems) in zip(sources.roles, parsed, strict=True):
        findings.extend(problems)
        if role is None:
            unreadable.add(source.rel.rsplit("/", 1)[-1].rsplit(".", 1)[0])
            continue
        role_id: str = role.id  # type: ignore[assignment]  # a Restored of no plan is None here
        if role_id in roles:
            first = roles[role_id]
            findings.append(
                Finding(
                    "error",
                    "duplicate-id",
                    f"role id '{role_id}' is already defined in {_file(first)}",
                    _built(role, source).loc,
                    role=role_id,
                    hint="give each role its own id (the file name, or an 'id:' field)",
                )
            )
            continue
        roles[role_id] = role
    ordered = dict(sorted(roles.items()))
    plans = PlanSet(
        portal or FALLBACK_PORTAL,
        strategy or Strategy("", "", None, (), Loc("")),
        LazyRoles(ordered, partial(_damaged, store)) if lazy else ordered,  # type: ignore[arg-type]
        frozenset(unreadable - roles.keys()),
    )
    return Loaded(plans, tuple(findings), len(sources.roles), digests)


def _file(role: Role | Restored) -> str:
    return role.rel if isinstance(role, Restored) else role.file


def _built(role: Role | Restored, source: SourceFile | UnreadFile) -> Role:
    """The typed plan of a restored one (parsed again from its file when the entry is damaged)."""
    if not isinstance(role, Restored):
        return role
    try:
        return role.role()
    except Exception:  # a damaged entry of any shape is a miss, never a crash
        parsed = read_role(source if isinstance(source, SourceFile) else read_again(source), [])
        if parsed is None:
            raise PortalError(f"{source.rel} changed while it was being checked; check again") from None
        return parsed


def _damaged(store: parsecache.Store | None, restored: Restored, exc: Exception) -> Role:
    """A lazily built plan whose cache entry is damaged behind a valid checksum: its loading findings
    were already reported from that entry, so the run cannot be trusted; the cache file goes."""
    if store is not None:
        store.discard()
    raise PortalError(
        f"the parse cache holds a damaged entry for {restored.rel} ({exc.__class__.__name__}); "
        "it has been removed: run the command again (or pass --no-cache)"
    ) from exc


_PARSED: dict[str, tuple[bytes, Role | None, list[Finding]]] = {}
"""Parsed role files by path, kept for the life of the process: `vap serve` re-reads every file on
each save but parses only those whose bytes changed, and `vap build` checks before building without
parsing twice. Parsing is a pure function of the bytes, so reuse is exact. Kept by the bytes, or by
the hash of the bytes when the parse cache is on (it vouches for files it did not let be read)."""


def forget_parsed() -> None:
    """Empty the cache of parsed role files."""
    _PARSED.clear()


def _parse_roles(
    sources: tuple[SourceFile | UnreadFile, ...], store: parsecache.Store | None, lazy: bool
) -> tuple[list[tuple[Parsed, list[Finding]]], dict[str, bytes]]:
    """Parse role files in this process: measured, pickling 10,000 parsed roles back from worker
    processes costs more than parsing them (see docs/performance.md). Files parsed by an earlier run
    come from the persistent cache (parsecache) when it is on."""
    out: list[tuple[Parsed, list[Finding]]] = []
    seen: set[str] = set()
    for source in sources:
        seen.add(source.rel)
        if store is None:
            assert isinstance(source, SourceFile)  # files are left unread only with the cache on
            key = source.data
        else:
            key = store.digest(source)
        cached = _PARSED.get(source.rel)
        if cached is not None and cached[0] == key:
            out.append((cached[1], cached[2]))
            if store is not None:
                store.keep(source.rel, key, source.stamp, cached[1], cached[2])
            continue
        out.append(_parse_role(source, key, store, lazy))
    for gone in _PARSED.keys() - seen:
        del _PARSED[gone]  # deleted (or another repository's) files: memory stays one repository's worth
    if store is None:
        return out, {}
    store.save()
    return out, store.digests()


def _parse_role(
    source: SourceFile | UnreadFile, key: bytes, store: parsecache.Store | None, lazy: bool
) -> tuple[Parsed, list[Finding]]:
    """One role file: from the persistent cache when it holds it (built now or, lazy, when first read),
    else parsed (and remembered). key: its bytes (cache off) or the hash of its bytes (cache on)."""
    stored = store.get(source.rel, key, source.stamp) if store is not None else None
    if stored is not None:
        if lazy or stored.id is None:
            return (stored if stored.id is not None else None), stored.findings
        try:
            role = stored.role()
        except Exception:  # a damaged entry of any shape is a miss, never a crash
            pass
        else:
            _PARSED[source.rel] = (key, role, stored.findings)
            return role, stored.findings
    read = read_again(source) if isinstance(source, UnreadFile) else source
    parsed, findings = _role_with_findings(read)
    if store is not None:
        key = store.put(read.rel, read.data, source.stamp, parsed, findings)
    _PARSED[read.rel] = (key, parsed, findings)
    return parsed, findings


def _role_with_findings(source: SourceFile) -> tuple[Role | None, list[Finding]]:
    findings: list[Finding] = []
    role = read_role(source, findings)
    return role, findings
