"""Typing one role's plan: the marked nodes of a role file -> a `Role`, collecting every finding."""

from __future__ import annotations

import re
import unicodedata

from site_builder.domain.model import (
    DIALOGUE_FIELDS,
    OUTCOME_FIELDS,
    PLAN_CONTENT,
    ROLE_FIELDS,
    STATUSES,
    Dialogue,
    Finding,
    Loc,
    Outcome,
    Ref,
    Role,
)
from site_builder.loading.document import document
from site_builder.loading.fields import FieldLocs, Fields
from site_builder.loading.files import SourceFile
from site_builder.loading.nodes import Map, Scalar

ROLE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
"""Use fullmatch: with match, `$` also matches before a final newline (`id: "ops\\n"`)."""
_ROLE_KEYS = frozenset(ROLE_FIELDS)
_OUTCOME_KEYS = frozenset(OUTCOME_FIELDS)
_REF_KEYS = frozenset(("ref", "how"))
_DIALOGUE_KEYS = frozenset(DIALOGUE_FIELDS)
"""The same names as sets: `Fields.keys` runs once per mapping, 160,000 times at 10,000 roles."""


def read_role(source: SourceFile, findings: list[Finding]) -> Role | None:
    node = document(source, findings, "a role's plan")
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
    field_locs = FieldLocs(node.path, {name: position for name, (position, _value) in node.items.items()})
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
