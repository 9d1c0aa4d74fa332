"""What changed since the last published cycle: a diff of two audience views, rendered as the
"What changed" page and one note per role page. No MkDocs here; every plan value goes through safe_md."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.domain.audience import View
from site_builder.domain.index import Index
from site_builder.domain.model import Outcome, Role
from site_builder.domain.snapshot import Snapshot, read
from site_builder.generator import urls
from site_builder.generator.pages import environment
from site_builder.generator.safe_md import md_text

ARROW = "→"


@dataclass(frozen=True, slots=True)
class OutcomeChange:
    new: Outcome
    details: tuple[str, ...]
    """Markdown-safe phrases such as `target 60% → 70%`."""


@dataclass(frozen=True, slots=True)
class PlanChange:
    """What changed in one plan that exists in both cycles."""

    role: str
    holder: tuple[str | None, str | None] | None = None
    status: tuple[str, str] | None = None
    added: tuple[Outcome, ...] = ()
    removed: tuple[Outcome, ...] = ()
    changed: tuple[OutcomeChange, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.holder or self.status or self.added or self.removed or self.changed)


@dataclass(frozen=True, slots=True)
class Changes:
    previous: Snapshot
    added_roles: tuple[str, ...]
    """Ids of roles in the new view that the previous cycle did not have."""
    removed_roles: tuple[Role, ...]
    """Roles of the previous cycle that are gone (as they were published)."""
    plans: Mapping[str, PlanChange] = field(default_factory=dict)
    """Role id -> its changes, only for roles present in both cycles with at least one change."""


def change_pages(previous: Path, view: View, index: Index) -> tuple[dict[str, str], dict[str, str], Changes]:
    """The "What changed" page and role id -> note, comparing this view with a published plans.json;
    and the comparison itself (conversation sheets read the manager's part of it)."""
    changes = compare(read(previous), view)
    return {urls.CHANGES: render_page(changes, view)}, role_notes(changes, view, index), changes


# -- comparing -------------------------------------------------------------------------------------


def compare(previous: Snapshot, view: View) -> Changes:
    """Only what both editions showed is compared: hidden fields and draft placeholders are skipped."""
    old_roles, new_roles = previous.plans.roles, view.plans.roles
    both_show = {
        name: name not in previous.audience.hide and not view.is_hidden(name)
        for name in ("holder", "outcomes")
    }
    plans: dict[str, PlanChange] = {}
    for role_id in sorted(set(old_roles) & set(new_roles)):
        old, new = old_roles[role_id], new_roles[role_id]
        outcomes = both_show["outcomes"] and role_id not in previous.placeholders | view.placeholders
        change = _plan_change(old, new, holder=both_show["holder"], outcomes=outcomes)
        if change:
            plans[role_id] = change
    added = tuple(sorted(set(new_roles) - set(old_roles), key=lambda r: _title_key(new_roles[r])))
    removed = tuple(sorted((old_roles[r] for r in set(old_roles) - set(new_roles)), key=_title_key))
    return Changes(previous, added, removed, plans)


def _title_key(role: Role) -> tuple[str, str]:
    return (role.title.lower(), role.id)


def _plan_change(old: Role, new: Role, *, holder: bool, outcomes: bool) -> PlanChange:
    old_out = {o.id: o for o in old.outcomes} if outcomes else {}
    new_out = {o.id: o for o in new.outcomes} if outcomes else {}
    changed = []
    for o in new.outcomes if outcomes else ():
        if o.id in old_out and (details := _outcome_details(old_out[o.id], o)):
            changed.append(OutcomeChange(o, details))
    return PlanChange(
        new.id,
        holder=(old.holder, new.holder) if holder and old.holder != new.holder else None,
        status=(old.status, new.status) if old.status != new.status else None,
        added=tuple(o for o in new.outcomes if o.id in new_out and o.id not in old_out),
        removed=tuple(o for o in old.outcomes if o.id in old_out and o.id not in new_out),
        changed=tuple(changed),
    )


def _outcome_details(old: Outcome, new: Outcome) -> tuple[str, ...]:
    out: list[str] = []
    if old.title != new.title:
        out.append(f"title was “{_value(old.title)}”")
    for name in ("measure", "target"):
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            out.append(f"{name} {_value(before)} {ARROW} {_value(after)}")
    if old.due != new.due:
        out.append(f"due {_value(_iso(old.due))} {ARROW} {_value(_iso(new.due))}")
    before_refs = [r.target for r in old.supports]
    after_refs = [r.target for r in new.supports]
    gained = [r for r in after_refs if r not in before_refs]
    lost = [r for r in before_refs if r not in after_refs]
    if gained:
        out.append("now supports " + ", ".join(md_text(r) for r in gained))
    if lost:
        out.append("no longer supports " + ", ".join(md_text(r) for r in lost))
    return tuple(out)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _value(text: str | None) -> str:
    return md_text(text) if text else "none"


# -- rendering -------------------------------------------------------------------------------------


def _holder(role: Role) -> str:
    return md_text(role.holder) if role.holder else "vacant"


def _role_link(role: Role) -> str:
    """Inline HTML with a `vap:` URL: works in the Markdown "What changed" page and, converted, in the
    HTML role pages alike (the adapter resolves it for the page it lands on)."""
    return f'<a href="{urls.LINK_SCHEME}{urls.role_page(role.id)}">{md_text(role.title)}</a>'


def _outcome_link(outcome: Outcome) -> str:
    href = f"{urls.LINK_SCHEME}{urls.role_page(outcome.role)}#{urls.outcome_anchor(outcome.id)}"
    return f'<a href="{href}">{md_text(outcome.title)}</a>'


def page_sections(changes: Changes, view: View) -> list[tuple[str, list[str]]]:
    """(heading, Markdown list items) for the "What changed" page, every section present."""
    roles = view.plans.roles
    show_holder = not view.is_hidden("holder") and "holder" not in changes.previous.audience.hide
    plans = sorted(changes.plans.values(), key=lambda p: _title_key(roles[p.role]))

    def with_holder(role: Role) -> str:
        return f" — {_holder(role)}" if show_holder else ""

    def title(p: PlanChange) -> str:
        return md_text(roles[p.role].title)

    return [
        ("Roles added", [_role_link(roles[r]) + with_holder(roles[r]) for r in changes.added_roles]),
        ("Roles removed", [md_text(r.title) + with_holder(r) for r in changes.removed_roles]),
        (
            "Holders changed",
            [
                f"{_role_link(roles[p.role])}: {_holder_text(h[0])} {ARROW} {_holder_text(h[1])}"
                for p in plans
                if (h := p.holder)
            ],
        ),
        ("Outcomes added", [f"{_outcome_link(o)} — {title(p)}" for p in plans for o in p.added]),
        (
            "Outcomes removed",
            [f"{md_text(o.title)} — {_role_link(roles[p.role])}" for p in plans for o in p.removed],
        ),
        (
            "Outcomes changed",
            [
                f"{_outcome_link(c.new)} — {title(p)}: {'; '.join(c.details)}"
                for p in plans
                for c in p.changed
            ],
        ),
        (
            "Status changed",
            [
                f"{_role_link(roles[p.role])}: {md_text(p.status[0])} {ARROW} {md_text(p.status[1])}"
                for p in plans
                if p.status
            ],
        ),
    ]


def _holder_text(holder: str | None) -> str:
    return md_text(holder) if holder else "vacant"


def render_page(changes: Changes, view: View) -> str:
    previous = changes.previous
    return (
        environment()
        .get_template("changes.md.j2")
        .render(
            cycle=md_text(view.plans.portal.cycle),
            previous_cycle=md_text(previous.cycle),
            published_on=md_text(previous.published_at[:10]),
            sections=page_sections(changes, view),
            placeholders=bool(view.placeholders or previous.placeholders),
        )
    )


def role_notes(changes: Changes, view: View, index: Index) -> dict[str, str]:
    """Role id -> Markdown: what changed in its own plan and in its managers' plans up the chain."""
    roles = view.plans.roles
    since = md_text(changes.previous.cycle)
    notes: dict[str, str] = {}
    for role_id in roles:
        blocks: list[str] = []
        for depth, plan_id in enumerate((role_id, *index.chain(role_id))):
            items = _note_items(plan_id, changes, since)
            if not items:
                continue
            if depth == 0:
                heading = "**This plan**"
            else:
                where = "your manager" if depth == 1 else f"{depth} levels up"
                heading = f"**{_role_link(roles[plan_id])}** ({where})"
            blocks.append(heading + "\n\n" + "\n".join(f"- {item}" for item in items))
        if blocks:
            notes[role_id] = "\n\n".join(blocks) + "\n"
    return notes


def _note_items(plan_id: str, changes: Changes, since: str) -> list[str]:
    if plan_id in changes.added_roles:
        return [f"new role since {since}"]
    p = changes.plans.get(plan_id)
    if p is None:
        return []
    items: list[str] = []
    if p.holder:
        items.append(f"holder: {_holder_text(p.holder[0])} {ARROW} {_holder_text(p.holder[1])}")
    if p.status:
        items.append(
            f"status: {md_text(p.status[0])} {ARROW} {md_text(p.status[1])}"
        )  # old one read from JSON
    items += [f"outcome added: {_outcome_link(o)}" for o in p.added]
    items += [f"outcome removed: {md_text(o.title)}" for o in p.removed]
    items += [f"outcome changed: {_outcome_link(c.new)}: {'; '.join(c.details)}" for c in p.changed]
    return items


__all__ = ["Changes", "OutcomeChange", "PlanChange", "change_pages", "compare", "render_page", "role_notes"]
