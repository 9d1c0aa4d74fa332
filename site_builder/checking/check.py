"""Checking: load, integrity errors, warning rules and the publishing policy, then report."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from site_builder.checking import rulecache
from site_builder.checking.drift_rules import CheckOptions, suspect_link
from site_builder.checking.integrity import check_integrity, name_outcomes
from site_builder.checking.rules import ERROR_RULES, WARNING_RULES, check_warnings
from site_builder.domain import snapshot
from site_builder.domain.index import Index
from site_builder.domain.model import Finding, PlanSet
from site_builder.errors import PortalError
from site_builder.gcpause import gc_paused
from site_builder.loading.loader import load_plans


@dataclass(frozen=True, slots=True)
class CheckResult:
    plans: PlanSet
    index: Index
    findings: tuple[Finding, ...]
    files: int

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    def for_role(self, role_id: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.role == role_id)


def run_checks(plans_dir: Path, options: CheckOptions | None = None, *, lazy: bool = False) -> CheckResult:
    """Every finding of every file in one run (one bad file never hides the others).

    lazy: plans restored from the parse cache are built only when a rule or the caller reads them
    (`vap check`, which prints findings only: when the rule cache holds them, few plans are built)."""
    with gc_paused():
        loaded = load_plans(plans_dir, lazy=lazy)
        findings = list(loaded.findings)
        options = options or CheckOptions()
        memo = rulecache.open_memo(plans_dir, loaded.plans, loaded.digests, _rule_settings(options))
        plans = loaded.plans
        integrity = partial(check_integrity, plans)
        findings += memo.findings("integrity", integrity) if memo else integrity()
        index = Index(loaded.plans)
        # rules tolerate broken references: one bad file hides nothing
        findings += check_warnings(index, options, memo)
        if memo is not None:
            memo.save()
        findings.sort(key=Finding.sort_key)
        return CheckResult(loaded.plans, index, tuple(findings), loaded.files)


def _rule_settings(options: CheckOptions) -> tuple[object, ...]:
    """What the rules read besides the plans (suspect-link's previous cycle aside: it is never cached)."""
    return (options.as_of, dt.date.today(), options.published_on, sorted(options.enable))


def previous_cycle(snap: snapshot.Snapshot) -> CheckOptions:
    """The options that turn suspect-link on against a published cycle's plans.json."""
    day = snap.published_at[:10]
    return CheckOptions(previous=snap.plans, published_on=dt.date.fromisoformat(day) if day else None)


def with_suspect_links(result: CheckResult, previous: snapshot.Snapshot) -> CheckResult:
    """The result with suspect-link run against `previous`: publishing learns which cycle came before
    only after the plans are checked (the target folder depends on them), so this rule runs then."""
    extra = name_outcomes(list(suspect_link(result.index, previous_cycle(previous))), result.plans)
    if not extra:
        return result
    return replace(result, findings=tuple(sorted((*result.findings, *extra), key=Finding.sort_key)))


def parse_rule_list(values: Iterable[str]) -> tuple[str, ...]:
    """`--fail-on a,b --fail-on c` -> ('a', 'b', 'c'), refusing unknown rule names."""
    names = [n.strip() for value in values for n in value.split(",") if n.strip()]
    known = WARNING_RULES | {"all"}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise PortalError(
            f"unknown rule {', '.join(repr(u) for u in unknown)} in --fail-on/fail_on; warning rules are: "
            + ", ".join(sorted(WARNING_RULES))
            + " (or 'all')"
        )
    return tuple(dict.fromkeys(names))


def apply_policy(
    findings: Sequence[Finding], fail_on: Iterable[str], *, strict: bool = False
) -> list[Finding]:
    """Findings with the chosen warning rules promoted to errors (the publishing policy)."""
    rules = set(fail_on)
    promote_all = strict or "all" in rules
    return [
        replace(f, severity="error") if f.severity == "warning" and (promote_all or f.rule in rules) else f
        for f in findings
    ]


def format_text(findings: Sequence[Finding], files: int) -> str:
    lines: list[str] = []
    for f in findings:
        lines.append(f"{f.loc}: {f.severity}[{f.rule}] {f.message}")
        if f.hint:
            lines.append(f"  {f.hint}")
    lines.append(summary_line(findings, files))
    return "\n".join(lines)


def summary_line(findings: Sequence[Finding], files: int) -> str:
    counts = Counter(f.severity for f in findings)
    errors, warnings = counts["error"], counts["warning"]
    return (
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)} "
        f"in {files} plan{'s' * (files != 1)}"
    )


def format_json(findings: Sequence[Finding]) -> str:
    return json.dumps([f.to_json() for f in findings], indent=2, ensure_ascii=False)


__all__ = [
    "ERROR_RULES",
    "WARNING_RULES",
    "CheckOptions",
    "CheckResult",
    "apply_policy",
    "format_json",
    "format_text",
    "parse_rule_list",
    "previous_cycle",
    "run_checks",
    "summary_line",
    "with_suspect_links",
]
