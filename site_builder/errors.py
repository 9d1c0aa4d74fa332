"""One exception hierarchy, rooted in click's, so the CLI has a single handler and stable exit codes.

Exit codes (documented in `vap --help` and README.md): 0 success; 1 findings that fail, or
a site that could not be built; 2 a usage, set-up or I/O problem; 70 an internal error (a bug).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70
"""EX_SOFTWARE of sysexits.h: vap itself failed, not the input or the set-up."""


class PortalError(click.ClickException):
    """Anything the user can act on; printed as one message, exit code 2 (usage or I/O problem)."""

    exit_code = EXIT_USAGE


class PlanError(PortalError):
    """The plans have findings that block the requested action (exit code 1)."""

    exit_code = EXIT_FINDINGS


class BuildError(PortalError):
    """The site could not be built or published; nothing already published was touched (exit code 1)."""

    exit_code = EXIT_FINDINGS


class DiagramError(PortalError):
    """A diagram could not be drawn, or Graphviz is missing; the message names the diagram and the fix
    (exit code 2: a set-up problem, not a finding)."""

    exit_code = EXIT_USAGE


class InternalError(click.ClickException):
    """An unexpected exception: a bug in vap, not something the user did (exit code 70)."""

    exit_code = EXIT_INTERNAL

    @classmethod
    def of(cls, exc: BaseException) -> InternalError:
        notes = "".join(f" ({note})" for note in getattr(exc, "__notes__", ()))
        return cls(
            f"internal error: {type(exc).__name__}: {exc}{notes}. This is a bug in vap, not in your plans: "
            "please report it to the maintainers of vap with the command you ran and the traceback that "
            "'vap --debug ...' prints"
        )


@contextmanager
def rendering(what: str) -> Iterator[None]:
    """Name the page being rendered in any error raised while rendering it, once, at this boundary."""
    try:
        yield
    except PortalError as exc:
        if not exc.message.startswith("while rendering "):
            # click declares `message` final; the context belongs in the one line the user reads
            exc.message = f"while rendering {what}: {exc.message}"  # type: ignore[misc]
        raise
    except Exception as exc:
        exc.add_note(f"while rendering {what}")
        raise
