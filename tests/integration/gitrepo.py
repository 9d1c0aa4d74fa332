"""Real git repositories with a scripted history for tests: fixed author and committer dates, no
user configuration read (the machine's ~/.gitconfig cannot change what a test sees)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def git(folder: Path, *args: str, day: str | None = None) -> str:
    """Run git in `folder`; `day` (YYYY-MM-DD) dates the commit at noon UTC, as author and committer."""
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Plan Writer",
        "GIT_AUTHOR_EMAIL": "plans@example.org",
        "GIT_COMMITTER_NAME": "Plan Writer",
        "GIT_COMMITTER_EMAIL": "plans@example.org",
    }
    if day is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{day}T12:00:00+00:00"
    run = subprocess.run(["git", *args], cwd=folder, env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    return run.stdout


def init(folder: Path) -> None:
    git(folder, "init", "-q", "-b", "main")


def commit(folder: Path, day: str, message: str) -> None:
    """Everything in `folder` committed on `day`."""
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "--allow-empty", "-m", message, day=day)


def edit(path: Path, old: str, new: str) -> None:
    """One exact replacement in a plan file (the test fails if the text is not there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
