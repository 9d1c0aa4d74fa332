"""Audiences: what one edition of the site may show. Hidden text is removed from the model before
anything is rendered, so it cannot reach a page, a diagram, the search index or an export."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from site_builder.domain.model import PLACEHOLDER_CLEARS, Audience, Finding, PlanSet, Role
from site_builder.errors import PortalError

_EMPTY: dict[str, object] = {  # the empty value of each of HIDEABLE_FIELDS
    "holder": None,
    "value_add": "",
    "accountabilities": (),
    "focus": (),
    "outcomes": (),
    "authorities": (),
    "resources": None,
    "trade_offs": (),
    "dialogue": (),
    "confirmed_on": None,
    "level": None,
}


@dataclass(frozen=True, slots=True)
class View:
    """One edition: the filtered plans plus what the pages need to know about the filtering."""

    plans: PlanSet
    audience: str
    """Audience name, or 'preview' for the everything-visible local preview."""
    hidden: frozenset[str]
    placeholders: frozenset[str]
    """Roles shown as 'plan in progress' pages (their plan content removed)."""
    preview: bool
    findings: tuple[Finding, ...]
    """The findings this edition may show."""
    role_findings: bool = True
    """Whether role pages carry their own findings box (the alignment page always lists findings)."""

    def is_hidden(self, field_name: str) -> bool:
        return field_name in self.hidden


def resolve_audience(plans: PlanSet, name: str | None) -> Audience | None:
    """The named audience, the portal's default for None, or None for 'preview'."""
    if name == "preview":
        return None
    chosen = name or plans.portal.default_audience
    audience = plans.portal.audiences.get(chosen)
    if audience is None:
        known = ", ".join(sorted(plans.portal.audiences)) or "none"
        raise PortalError(f"unknown audience '{chosen}' (portal.yaml defines: {known}; or use 'preview')")
    return audience


def make_view(plans: PlanSet, audience: Audience | None, findings: Sequence[Finding]) -> View:
    if audience is None:
        return View(plans, "preview", frozenset(), frozenset(), True, tuple(findings))
    hidden = frozenset(audience.hide)
    roles: dict[str, Role] = {}
    placeholders: set[str] = set()
    omitted: set[str] = set()
    for role in plans.roles.values():
        unconfirmed = role.status != "confirmed"
        if unconfirmed and audience.drafts == "omit":
            omitted.add(role.id)
            continue
        changes = {name: _EMPTY[name] for name in hidden}
        if unconfirmed and audience.drafts == "placeholder":
            changes |= {name: _EMPTY[name] for name in PLACEHOLDER_CLEARS}
            placeholders.add(role.id)
        roles[role.id] = replace(role, **changes) if changes else role  # type: ignore[arg-type]
    view_plans = replace(plans, roles=roles)
    kept = tuple(f for f in findings if _visible(f, roles, placeholders, hidden))
    return View(
        view_plans, audience.name, hidden, frozenset(placeholders), False, kept, audience.role_findings
    )


def _visible(
    finding: Finding, roles: dict[str, Role], placeholders: set[str], hidden: frozenset[str]
) -> bool:
    """A finding may be shown only if nothing it speaks of is hidden from this audience."""
    if finding.role is None:
        return True
    if finding.role not in roles or finding.role in placeholders:
        return False
    if finding.outcome is not None and "outcomes" in hidden:
        return False
    if finding.related is not None:
        # the message quotes the other role's outcome: show it only if that role is fully visible too
        other = finding.related.split("#", 1)[0]
        return other in roles and other not in placeholders
    return finding.rule not in {"suspect-confirmation"} or "confirmed_on" not in hidden
