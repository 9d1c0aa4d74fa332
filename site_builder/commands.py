"""What each `vap` command does, as plain functions with keyword-only arguments (the CLI is only a door)."""

from __future__ import annotations

from pathlib import Path

import click

from .check import apply_policy, format_json, format_text, parse_rule_list, run_checks
from .errors import EXIT_FINDINGS, EXIT_OK


def check(*, plans_dir: Path, output_format: str, strict: bool, fail_on: tuple[str, ...]) -> int:
    """Print every finding; the exit code says whether any finding fails under the policy."""
    result = run_checks(plans_dir)
    policy = parse_rule_list((*result.plans.portal.fail_on, *fail_on))
    findings = apply_policy(result.findings, policy, strict=strict)
    if output_format == "json":
        click.echo(format_json(findings))
    else:
        click.echo(format_text(findings, result.files))
    return EXIT_FINDINGS if any(f.severity == "error" for f in findings) else EXIT_OK
