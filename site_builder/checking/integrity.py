"""Error rules that look across files: references, id clashes, the reporting tree. One function per rule."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import replace

from site_builder.checking.cycles import support_cycles
from site_builder.domain.model import Finding, PlanSet, Role
from site_builder.domain.titles import outcome_name
from site_builder.loading.fields import did_you_mean

IntegrityRule = Callable[[PlanSet], Iterator[Finding]]


def _error(rule: str, message: str, role: Role, loc: object = None, **kw: str | None) -> Finding:
    return Finding("error", rule, message, loc or role.loc, role=role.id, **kw)  # type: ignore[arg-type]


def id_clash(plans: PlanSet) -> Iterator[Finding]:
    """Role, goal and milestone ids share one case-insensitive namespace (they become file names)."""
    seen: dict[str, str] = {}
    for item in plans.strategy.items().values():
        key = item.id.lower()
        if key in seen:
            yield Finding(
                "error",
                "duplicate-id",
                f"strategy id '{item.id}' is used twice (ids are compared without regard to case)",
                item.loc,
            )
        seen[key] = f"strategy item '{item.id}'"
    for role in plans.roles.values():
        if role.id.lower() in seen:
            yield _error(
                "duplicate-id",
                f"role id '{role.id}' clashes with {seen[role.id.lower()]} (ids share one namespace)",
                role,
                hint="rename the role file or give it an 'id:' that differs",
            )


def unknown_references(plans: PlanSet) -> Iterator[Finding]:
    """reports_to, owner, supports and dialogue.with must name something that exists."""
    roles = plans.roles
    strategy_items = plans.strategy.items()
    if plans.strategy.owner and plans.strategy.owner not in roles:
        yield Finding(
            "error",
            "unknown-reference",
            f"strategy owner '{plans.strategy.owner}' is not a role",
            plans.strategy.loc,
            hint=did_you_mean(plans.strategy.owner, roles),
        )
    outcome_keys = {f"{r.id}#{o.id}" for r in roles.values() for o in r.outcomes}  # what plans.outcome finds
    skip = plans.unreadable  # their files already have an error; do not report every link to them
    for role in roles.values():
        if role.reports_to is not None and role.reports_to not in roles and role.reports_to not in skip:
            yield _error(
                "unknown-reference",
                f"reports_to names unknown role '{role.reports_to}'",
                role,
                role.loc_of("reports_to"),
                hint=did_you_mean(role.reports_to, roles),
            )
        for entry in role.dialogue:
            if entry.with_ is not None and entry.with_ not in roles and entry.with_ not in skip:
                yield _error(
                    "unknown-reference",
                    f"dialogue entry is 'with' unknown role '{entry.with_}'",
                    role,
                    entry.loc,
                    hint=did_you_mean(entry.with_, roles),
                )
        for outcome in role.outcomes:
            for ref in outcome.supports:
                if ref.target in outcome_keys or ref.target in strategy_items:
                    continue  # outcome keys hold '#', strategy ids never: each names its own kind
                if ref.is_strategy:
                    choices: Collection[str] = strategy_items.keys()
                    what = "goal or milestone"
                elif ref.role in skip:
                    continue
                elif ref.role not in roles:
                    choices, what = roles.keys(), "role"
                else:
                    choices, what = outcome_keys, "outcome"
                suggestion = did_you_mean((ref.role or "") if what == "role" else ref.target, choices)
                wrong = (
                    f"outcome '{ref.target}' of unknown role '{ref.role}'"
                    if what == "role"
                    else (f"unknown {what} '{ref.target}'")
                )
                yield _error(
                    "unknown-reference",
                    f"{outcome_name(outcome)} supports {wrong}" + (f"; {suggestion}" if suggestion else ""),
                    role,
                    ref.loc,
                    outcome=outcome.id,
                    hint=None
                    if suggestion
                    else "write ROLE#OUTCOME for a manager's outcome (or an outcome of this plan that it "
                    "refines), or a goal/milestone id",
                )


def reporting_cycles(plans: PlanSet) -> Iterator[Finding]:
    """A role that reports to itself, directly or through others; reported once per cycle."""
    roles = plans.roles
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in roles:
        path: list[str] = []
        current: str | None = start
        while current is not None and current in roles and state.get(current) is None:
            state[current] = 1
            path.append(current)
            current = roles[current].reports_to
        if current is not None and state.get(current) == 1:
            cycle = path[path.index(current) :]
            first = min(cycle)
            chain = " -> ".join([*cycle[cycle.index(first) :], *cycle[: cycle.index(first)], first])
            role = roles[first]
            yield _error(
                "reporting-cycle",
                f"reporting cycle: {chain}",
                role,
                role.loc_of("reports_to"),
                hint="one of these roles must report to someone outside the cycle",
            )
        for name in path:
            state[name] = 2


def top_role(plans: PlanSet) -> Iterator[Finding]:
    """Exactly one role has no reports_to."""
    tops = [r for r in plans.roles.values() if r.reports_to is None]
    if not plans.roles:
        return
    if not tops:
        yield Finding(
            "error",
            "top-role",
            "no top role: every role has reports_to",
            plans.strategy.loc,
            hint="remove reports_to from the one role at the top of the organisation",
        )
    for extra in tops[1:]:
        yield _error(
            "top-role",
            f"more than one top role: '{extra.id}' and '{tops[0].id}' have no reports_to",
            extra,
            hint="add reports_to to every role but the one at the top",
        )


def orphan_outcomes(plans: PlanSet) -> Iterator[Finding]:
    """An outcome linked to nothing above breaks the line of sight."""
    for role in plans.roles.values():
        for outcome in role.outcomes:
            if not outcome.supports:
                yield _error(
                    "orphan-outcome",
                    f"{outcome_name(outcome)} supports nothing",
                    role,
                    outcome.loc,
                    outcome=outcome.id,
                    hint="add 'supports:' with your manager's outcome (ROLE#OUTCOME), an outcome of this "
                    "plan that it refines, or a goal id",
                )


INTEGRITY_RULES: tuple[IntegrityRule, ...] = (
    id_clash,
    unknown_references,
    reporting_cycles,
    top_role,
    orphan_outcomes,
    support_cycles,
)


def check_integrity(plans: PlanSet) -> list[Finding]:
    return name_outcomes([finding for rule in INTEGRITY_RULES for finding in rule(plans)], plans)


def name_outcomes(findings: list[Finding], plans: PlanSet) -> list[Finding]:
    """Each finding about an outcome carries the outcome's title beside its id (JSON `outcome_title`)."""
    out: list[Finding] = []
    for finding in findings:
        if finding.outcome and finding.role and finding.outcome_title is None:
            outcome = plans.outcome(f"{finding.role}#{finding.outcome}")
            if outcome is not None:
                finding = replace(finding, outcome_title=outcome.title)
        out.append(finding)
    return out
