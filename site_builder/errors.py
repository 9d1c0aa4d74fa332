"""One exception hierarchy, rooted in click's, so the CLI has a single handler and stable exit codes."""

from __future__ import annotations

import click

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class PortalError(click.ClickException):
    """Anything the user can act on; printed as one message, exit code 2 (usage or I/O problem)."""

    exit_code = EXIT_USAGE


class PlanError(PortalError):
    """The plans have findings that block the requested action (exit code 1)."""

    exit_code = EXIT_FINDINGS


class BuildError(PortalError):
    """The site could not be built or published; nothing already published was touched."""

    exit_code = EXIT_FINDINGS
