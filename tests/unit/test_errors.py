"""Errors closed: user errors carry their documented exit code, a bug says it is one, context added once."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from site_builder import commands
from site_builder.cli.main import cli
from site_builder.errors import (
    EXIT_INTERNAL,
    EXIT_USAGE,
    BuildError,
    DiagramError,
    PlanError,
    PortalError,
    rendering,
)
from site_builder.generator.generate import generate
from site_builder.generator.pages import Pages


def test_every_user_error_is_a_portal_error_with_its_exit_code() -> None:
    assert issubclass(DiagramError, PortalError) and DiagramError("x").exit_code == EXIT_USAGE == 2
    assert (PlanError("x").exit_code, BuildError("x").exit_code, PortalError("x").exit_code) == (1, 1, 2)


def test_an_internal_error_says_it_is_a_bug_and_how_to_report_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**_: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(commands, "check", broken)
    result = CliRunner().invoke(cli, ["check", "plans"])
    assert result.exit_code == EXIT_INTERNAL == 70
    assert "internal error: RuntimeError: boom. This is a bug in vap, not in your plans" in result.output
    assert "'vap --debug ...'" in result.output and "Traceback" not in result.output


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**_: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(commands, "check", broken)
    result = CliRunner().invoke(cli, ["--debug", "check", "plans"])
    assert isinstance(result.exception, RuntimeError) and str(result.exception) == "boom"


def test_context_is_added_once_at_the_boundary() -> None:
    with pytest.raises(DiagramError) as caught, rendering("role 'a'"), rendering("role 'b'"):
        raise DiagramError("dot failed")
    assert caught.value.message == "while rendering role 'b': dot failed"
    with pytest.raises(KeyError) as bug, rendering("role 'a'"):
        raise KeyError("x")
    assert bug.value.__notes__ == ["while rendering role 'a'"]


def test_a_rendering_bug_names_the_role(
    small_plans: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Pages, role: object) -> str:
        raise KeyError("missing")

    monkeypatch.setattr(Pages, "role", broken)
    with pytest.raises(KeyError) as caught:
        generate(small_plans, tmp_path / "docs", diagrams=False)
    assert caught.value.__notes__ == ["while rendering role 'booking-lead'"]
