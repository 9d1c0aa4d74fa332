"""Audiences: what one edition of the site may show. Hidden text is removed from the model before
anything is rendered, so it cannot reach a page, a diagram, the search index or an export."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from site_builder.domain.index import Index
from site_builder.domain.model import PLACEHOLDER_CLEARS, Audience, Finding, PlanSet, Role
from site_builder.domain.sight import whole_sight
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


STATUS_RULES = frozenset({"unconfirmed-plan", "incomplete-plan"})
"""Findings about whether a plan is agreed, not about what it says: shown even for placeholders."""

WITHHELD_REASONS = {
    "unconfirmed": "they speak of what a plan not yet confirmed says, and this edition shows such plans "
    "only as plans in progress",
    "omitted": "they concern plans not yet confirmed, which this edition leaves out (drafts: omit)",
}


@dataclass(frozen=True, slots=True, order=True)
class Withheld:
    """A finding an edition may not show, reduced to what may be said about it."""

    reason: str
    """A key of WITHHELD_REASONS, or `hidden:FIELD` for a field the audience hides."""
    rule: str
    role: str | None
    """The role it concerns when the edition shows that role (as a placeholder), else None."""


def withheld_reason(reason: str) -> str:
    """Why findings were withheld, in words."""
    if reason.startswith("hidden:"):
        return f"they speak of {reason[7:].replace('_', ' ')}, which this edition hides"
    return WITHHELD_REASONS[reason]


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
    withheld: tuple[Withheld, ...] = ()
    """Findings this edition may not show, with why: the alignment page counts them."""
    show_sources: bool = True
    """File paths, lines, rule hints and the publishing-readiness box (preview, or `show_sources`)."""

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


def make_view(
    plans: PlanSet, audience: Audience | None, findings: Sequence[Finding], *, index: Index | None = None
) -> View:
    """The edition of `audience` (None: the preview); `index`: the whole plans' index, if at hand."""
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
    sight = None
    if placeholders or omitted:  # keep the whole cascade's line of sight, without the unshown content
        sight = whole_sight(index if index is not None else Index(plans), roles)
    view_plans = replace(plans, roles=roles, sight=sight)
    kept: list[Finding] = []
    withheld: list[Withheld] = []
    for finding in findings:
        reason = _withheld(finding, roles, placeholders, hidden)
        if reason is None:
            kept.append(finding)
        else:
            shown_role = finding.role if finding.role in roles else None
            withheld.append(Withheld(reason, finding.rule, shown_role))
    return View(
        view_plans,
        audience.name,
        hidden,
        frozenset(placeholders),
        False,
        tuple(kept),
        audience.role_findings,
        tuple(sorted(withheld)),
        audience.show_sources,
    )


_FIELD_RULES = {
    "suspect-confirmation": "confirmed_on",
    "level-compression": "level",
    "level-gap": "level",
    "diffused-focus": "focus",
    "manager-does-reports-work": "focus",
    "missing-trade-offs": "resources",
    "no-recent-dialogue": "dialogue",
}


def _withheld(
    finding: Finding, roles: dict[str, Role], placeholders: set[str], hidden: frozenset[str]
) -> str | None:
    """Why this audience may not see a finding, or None: it may, because nothing it speaks of is
    hidden. That a plan is not yet confirmed is no secret; what it says is."""
    if finding.role is None:
        return None
    if finding.role not in roles:
        return "omitted"
    if finding.role in placeholders and finding.rule not in STATUS_RULES:
        return "unconfirmed"
    if finding.outcome is not None and "outcomes" in hidden:
        return "hidden:outcomes"
    if finding.related is not None:
        # it quotes the other role's outcome: shown only if that role is fully visible too
        other = finding.related.split("#", 1)[0]
        if other not in roles:
            return "omitted"
        if other in placeholders:
            return "unconfirmed"
    field_name = _FIELD_RULES.get(finding.rule)
    if field_name is not None and field_name in hidden:
        return f"hidden:{field_name}"
    return None
