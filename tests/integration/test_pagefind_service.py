"""The Pagefind service dies with vap: a killed publish leaves nothing writing into its folders."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = """
import subprocess, sys, time
from pathlib import Path
from site_builder.mkdocs_adapter import pagefind_index as p

real = subprocess.Popen


class Seen(real):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # another process holds the service's input open, as if it still had work when vap died
        holder = real(["sleep", "3600"], pass_fds=(self.stdin.fileno(),))
        print(self.pid, holder.pid, flush=True)


p.subprocess.Popen = Seen


def messages():
    yield p._message(0, {"type": "NewIndex", "config": {"force_language": "en"}})
    time.sleep(3600)  # vap is killed while the service waits for records


p._run_service(messages(), 2, Path(sys.argv[1]), cwd=Path(sys.argv[1]))
"""


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for a parent that never reaps it counts as ended)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux's")
def test_the_pagefind_service_is_killed_with_vap(tmp_path: Path) -> None:
    vap = subprocess.Popen([sys.executable, "-c", SCRIPT, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert vap.stdout is not None
    service, holder = (int(pid) for pid in vap.stdout.readline().split())
    try:
        time.sleep(0.5)
        assert _alive(service)
        os.kill(vap.pid, signal.SIGKILL)
        vap.wait()
        deadline = time.monotonic() + 10
        while _alive(service) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(service), "pagefind --service outlived the killed vap"
    finally:
        for pid in (holder, service):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
