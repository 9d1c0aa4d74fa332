"""plans.json: one audience's view of a cycle as JSON, published beside the site so the next cycle
(and other tools) can compare against exactly what readers saw. Hidden fields are absent, not empty."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from site_builder.domain.audience import View
from site_builder.domain.model import (
    PLACEHOLDER_CLEARS,
    ROLE_FIELDS,
    Audience,
    Dialogue,
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
from site_builder.errors import PortalError

FORMAT_VERSION = 1
FILE_NAME = "plans.json"

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _parse_date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


# -- writing ---------------------------------------------------------------------------------------


def to_json(view: View, *, clock: Clock = utc_now, cycle: str | None = None) -> dict[str, Any]:
    """The whole model of one audience's view; `cycle` overrides portal.yaml's (publish --cycle)."""
    plans = view.plans
    portal = plans.portal
    published = clock().astimezone(dt.UTC).replace(microsecond=0)
    return {
        "format_version": FORMAT_VERSION,
        "cycle": cycle or portal.cycle,
        "cycle_start": _date(portal.cycle_start),
        "cycle_end": _date(portal.cycle_end),
        "organization": portal.organization,
        "published_at": published.isoformat().replace("+00:00", "Z"),
        "audience": {"name": view.audience, "hide": sorted(view.hidden), "drafts": _drafts_mode(view)},
        "levels": {str(k): v for k, v in sorted(portal.levels.items())},
        "strategy": _strategy(plans.strategy),
        "roles": [_role(role, view) for _, role in sorted(plans.roles.items())],
    }


def _drafts_mode(view: View) -> str:
    audience = view.plans.portal.audiences.get(view.audience)
    return audience.drafts if audience else "include"


def _strategy(strategy: Strategy) -> dict[str, Any]:
    return {
        "title": strategy.title,
        "owner": strategy.owner,
        "summary": strategy.summary,
        "goals": [
            {
                "id": goal.id,
                "title": goal.title,
                "description": goal.description,
                "milestones": [
                    {
                        "id": m.id,
                        "title": m.title,
                        "due": _date(m.due),
                        "measure": m.measure,
                        "target": m.target,
                    }
                    for m in goal.milestones
                ],
            }
            for goal in strategy.goals
        ],
    }


def _role(role: Role, view: View) -> dict[str, Any]:
    placeholder = role.id in view.placeholders
    absent = set(view.hidden) | (set(PLACEHOLDER_CLEARS) if placeholder else set())
    fields: dict[str, Any] = {
        "holder": role.holder,
        "level": role.level,
        "confirmed_on": _date(role.confirmed_on),
        "value_add": role.value_add,
        "accountabilities": list(role.accountabilities),
        "focus": list(role.focus),
        "outcomes": [_outcome(o) for o in role.outcomes],
        "authorities": list(role.authorities),
        "resources": dict(role.resources) if isinstance(role.resources, Mapping) else role.resources,
        "trade_offs": list(role.trade_offs),
        "dialogue": [{"date": _date(d.date), "with": d.with_, "note": d.note} for d in role.dialogue],
    }
    out: dict[str, Any] = {
        "id": role.id,
        "title": role.title,
        "reports_to": role.reports_to,
        "department": role.department,
        "status": role.status,
        "placeholder": placeholder,
    }
    out.update({k: fields[k] for k in ROLE_FIELDS if k in fields and k not in absent})  # catalogue order
    return out


def _outcome(outcome: Outcome) -> dict[str, Any]:
    return {
        "id": outcome.id,
        "title": outcome.title,
        "measure": outcome.measure,
        "target": outcome.target,
        "due": _date(outcome.due),
        "supports": [{"ref": r.target, "how": r.how} for r in outcome.supports],
    }


def dumps(data: Mapping[str, Any]) -> str:
    """Stable text: the same view gives the same bytes (apart from published_at)."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# -- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A published cycle read back: the plans as that audience saw them."""

    cycle: str
    published_at: str
    audience: Audience
    plans: PlanSet
    placeholders: frozenset[str]


def read(path: Path) -> Snapshot:
    """Read a published plans.json; a file this version cannot understand is an error naming it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return from_json(data, source=str(path))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PortalError(f"cannot read the previous cycle's snapshot '{path}': {exc}") from exc


def from_json(data: Mapping[str, Any], *, source: str = FILE_NAME) -> Snapshot:
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise ValueError(f"format_version {version!r} is not understood (this vap reads {FORMAT_VERSION})")
    loc = Loc(source)
    aud = data.get("audience") or {}
    audience = Audience(
        str(aud.get("name", "everyone")), tuple(aud.get("hide", ())), aud.get("drafts", "include")
    )
    portal = Portal(
        organization=str(data.get("organization", "")),
        cycle=str(data["cycle"]),
        cycle_start=_parse_date(data.get("cycle_start")) or dt.date.min,
        cycle_end=_parse_date(data.get("cycle_end")) or dt.date.max,
        levels={int(k): str(v) for k, v in (data.get("levels") or {}).items()},
        audiences={audience.name: audience},
        default_audience=audience.name,
        fail_on=(),
        loc=loc,
    )
    roles = {r["id"]: _read_role(r, loc) for r in data.get("roles", ())}
    placeholders = frozenset(r["id"] for r in data.get("roles", ()) if r.get("placeholder"))
    plans = PlanSet(portal, _read_strategy(data.get("strategy") or {}, loc), dict(sorted(roles.items())))
    return Snapshot(portal.cycle, str(data.get("published_at", "")), audience, plans, placeholders)


def _read_strategy(data: Mapping[str, Any], loc: Loc) -> Strategy:
    goals = tuple(
        Goal(
            g["id"],
            g.get("title", ""),
            g.get("description"),
            tuple(
                Milestone(
                    m["id"],
                    g["id"],
                    m.get("title", ""),
                    _parse_date(m.get("due")),
                    m.get("measure"),
                    m.get("target"),
                    loc,
                )
                for m in g.get("milestones", ())
            ),
            loc,
        )
        for g in data.get("goals", ())
    )
    return Strategy(data.get("title", ""), data.get("owner", ""), data.get("summary"), goals, loc)


def _read_role(r: Mapping[str, Any], loc: Loc) -> Role:
    outcomes = tuple(
        Outcome(
            o["id"],
            r["id"],
            o.get("title", ""),
            o.get("measure"),
            o.get("target"),
            _parse_date(o.get("due")),
            tuple(Ref(s["ref"], s.get("how"), loc) for s in o.get("supports", ())),
            loc,
        )
        for o in r.get("outcomes", ())
    )
    dialogue = tuple(
        Dialogue(_parse_date(d.get("date")), d.get("with"), d.get("note", ""), loc)
        for d in r.get("dialogue", ())
    )
    return Role(
        id=r["id"],
        title=r.get("title", ""),
        holder=r.get("holder"),
        reports_to=r.get("reports_to"),
        department=r.get("department"),
        level=r.get("level"),
        status=r.get("status", "draft"),
        confirmed_on=_parse_date(r.get("confirmed_on")),
        value_add=r.get("value_add", ""),
        accountabilities=tuple(r.get("accountabilities", ())),
        focus=tuple(r.get("focus", ())),
        outcomes=outcomes,
        authorities=tuple(r.get("authorities", ())),
        resources=r.get("resources"),
        trade_offs=tuple(r.get("trade_offs", ())),
        dialogue=dialogue,
        loc=loc,
    )


__all__ = ["FILE_NAME", "FORMAT_VERSION", "Snapshot", "dumps", "from_json", "read", "to_json", "utc_now"]
