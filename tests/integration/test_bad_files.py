"""Every bad file or folder in a planning repository is a named finding, found fast and without reading it.

FIFOs, sockets and devices in place of plan files must not even be opened (a FIFO would make
`vap check` wait forever); undecodable and case-clashing names, a second file reaching a plan
through a symbolic link, and missing or misplaced folders each end in a finding with the file,
and `vap check` exits 1 within a second.
"""

from __future__ import annotations

import os
import shutil
import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from site_builder.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "fixtures" / "small" / "plans"


def _fifo(plans: Path) -> None:
    os.mkfifo(plans / "roles" / "fifo.yaml")


def _socket(plans: Path) -> None:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(plans / "roles" / "sock.yaml"))
    sock.close()


def _device(plans: Path) -> None:
    (plans / "roles" / "zero.yaml").symlink_to("/dev/zero")


def _portal_fifo(plans: Path) -> None:
    (plans / "portal.yaml").unlink()
    os.mkfifo(plans / "portal.yaml")


def _bad_name(plans: Path) -> None:
    raw = os.path.join(os.fsencode(plans / "roles"), b"caf\xe9.yaml")
    shutil.copyfile(plans / "roles" / "chief.yaml", raw)


def _case_clash(plans: Path) -> None:
    shutil.copyfile(plans / "roles" / "chief.yaml", plans / "roles" / "Chief.yml")


def _link_duplicate(plans: Path) -> None:
    (plans / "roles" / "zz-copy.yaml").symlink_to("chief.yaml")


def _empty(plans: Path) -> None:
    shutil.rmtree(plans)
    plans.mkdir()


def _no_roles(plans: Path) -> None:
    shutil.rmtree(plans / "roles")


def _roles_file(plans: Path) -> None:
    shutil.rmtree(plans / "roles")
    (plans / "roles").write_text("not a folder\n")


def _roles_empty(plans: Path) -> None:
    shutil.rmtree(plans / "roles")
    (plans / "roles").mkdir()


def _portal_dir(plans: Path) -> None:
    (plans / "portal.yaml").unlink()
    (plans / "portal.yaml").mkdir()


CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "fifo": (_fifo, "plans/roles/fifo.yaml:1:1: error[schema] fifo.yaml is a named pipe (FIFO), not a file"),
    "socket": (_socket, "plans/roles/sock.yaml:1:1: error[schema] sock.yaml is a socket, not a file"),
    "device": (
        _device,
        "plans/roles/zero.yaml:1:1: error[schema] zero.yaml is a character device, not a file",
    ),
    "portal-fifo": (_portal_fifo, "plans/portal.yaml:1:1: error[schema] portal.yaml is a named pipe (FIFO)"),
    "undecodable-name": (
        _bad_name,
        "plans/roles/caf\ufffd.yaml: error[encoding] file name is not valid UTF-8",
    ),
    "case-clash": (
        _case_clash,
        "plans/roles/chief.yaml: error[duplicate-id] chief.yaml and Chief.yml differ only in case "
        "or extension",
    ),
    "link-duplicate": (
        _link_duplicate,
        "plans/roles/zz-copy.yaml:1:1: error[duplicate-id] symbolic link leads to plans/roles/chief.yaml, "
        "which is already read as a plan",
    ),
    "empty-plans": (_empty, "plans/portal.yaml: error[schema] required file portal.yaml is missing"),
    "no-roles": (_no_roles, "plans/roles: error[schema] required folder roles/ is missing"),
    "roles-is-a-file": (_roles_file, "plans/roles: error[schema] roles is a file, but must be a folder"),
    "roles-empty": (_roles_empty, "plans/roles: error[schema] roles/ holds no role file (*.yaml)"),
    "portal-is-a-folder": (
        _portal_dir,
        "plans/portal.yaml:1:1: error[schema] portal.yaml is a folder, not a file",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_a_named_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    make, expected = CASES[case]
    plans = tmp_path / "plans"
    shutil.copytree(SMALL, plans)
    make(plans)
    monkeypatch.chdir(tmp_path)
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["check", "plans"])
    elapsed = time.monotonic() - started
    assert result.exit_code == 1, result.output
    assert expected in result.output, result.output
    assert elapsed < 1.0, f"vap check took {elapsed:.2f} s"
