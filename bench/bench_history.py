"""The plan-history benchmark: `make bench-history` (or `python bench/bench_history.py --sizes 1000`).

For each size it writes a synthetic organisation (`vap synth`), makes it a git repository whose
plans were committed before the cycle began, then commits five changes in the cycle, each editing
every plan (an outcome reworded each time, a target changed twice): five versions of every plan.
It then measures, each in a fresh process, median of `--runs`:

- reading the history alone (`site_builder.loading.history.read_history`: one `git log`, one
  `git cat-file --batch`, every version parsed), then again from the kept history (warm), then after
  each of `--runs` further commits of 20 plans each (the kept history extended by that commit);
- a warm `vap build` of the leadership edition (it shows dialogue, hence history and sheets) with
  the history, and the same build with the repository's `.git` moved aside (no history; the build
  says why), alternating the two so that both see the same machine load.

Builds run with `--no-diagrams` unless `--diagrams`: diagrams add the same time to both builds, so
leaving them out makes the ratio stricter. It prints one table; it never fails on timing.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
VAP = [sys.executable, "-m", "site_builder.cli.main"]
CONFIG = (
    "site_name: Synthetic organisation\ntheme:\n  name: material\n  font: false\n"
    "plugins:\n  - vap\n  - search\n  - tags\n"
)
DAYS = ("2026-07-03", "2026-07-10", "2026-07-17", "2026-07-24", "2026-07-31")
READ = (
    "import sys, time, datetime as dt\n"
    "from pathlib import Path\n"
    "from site_builder.loading import parsecache\n"
    "from site_builder.loading.history import read_history\n"
    "parsecache.configure(enabled=sys.argv[2] == 'warm')\n"
    "t = time.perf_counter()\n"
    "h = read_history(Path(sys.argv[1]), dt.date(2026, 7, 1))\n"
    "print(time.perf_counter() - t, h.commits, sum(len(e) for e in h.events.values()), h.reason)\n"
)


def git(org: Path, *args: str, day: str | None = None) -> None:
    env = {**ENV, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org"}
    env |= {"GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}
    if day:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{day}T12:00:00+00:00"
    subprocess.run(["git", *args], cwd=org, env=env, check=True, capture_output=True)


def reworded(text: str, word: str) -> str:
    """The plan with its first outcome title reworded: `word` (one word of this plan and revision
    alone) in place of the previous revision's. A word shared by every plan's revision would make
    all titles alike, and the duplicate-effort rule would compare an organisation unlike any real one."""
    return re.sub(r'(    title: ")(?:\S+ \| )?', lambda m: f"{m.group(1)}{word} | ", text, count=1)


def make_repository(org: Path, size: int) -> int:
    """The synthetic organisation with a baseline commit and five commits in the cycle; plan count."""
    subprocess.run([*VAP, "synth", str(org), "--roles", str(size)], check=True, capture_output=True, env=ENV)
    (org / "mkdocs.yml").write_text(CONFIG)
    (org / "docs").mkdir()
    (org / "docs" / "start-here.md").write_text((ROOT / "docs" / "start-here.md").read_text())
    (org / ".gitignore").write_text("site/\n.cache/\n")
    git(org, "init", "-q", "-b", "main")
    git(org, "add", "-A")
    git(org, "commit", "-qm", "plans as the cycle opens", day="2026-06-20")
    files = sorted((org / "plans" / "roles").rglob("*.yaml"))
    for number, day in enumerate(DAYS, 1):
        for path in files:
            text = path.read_text(encoding="utf-8")
            text = reworded(text, f"{path.stem}x{number}")  # the first outcome reworded
            if number % 2 == 0:
                text = text.replace('    target: "', f'    target: "{number}: ', 1)  # and retargeted
            path.write_text(text, encoding="utf-8")
        git(org, "commit", "-qam", f"plans revised ({number} of {len(DAYS)})", day=day)
    return len(files)


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of one command (its largest process, from wait4)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd)} failed:\n{err.read().decode(errors='replace')[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def read_times(org: Path, runs: int, mode: str) -> tuple[list[float], str]:
    """Reading the history in fresh processes: `cold` parses every version, `warm` (the command
    line's cache on, filled by the first run) reads what an earlier build of the commit kept."""
    out, facts = [], ""
    for _ in range(runs + (mode == "warm")):
        args = [sys.executable, "-c", READ, str(org / "plans"), mode]
        run = subprocess.run(args, capture_output=True, text=True, check=False)
        seconds, commits, events, reason = run.stdout.split(" ", 3)
        assert reason.strip() == "None", run.stdout + run.stderr
        out.append(float(seconds))
        facts = f"{commits} commits, {events} events"
    return out[1:] if mode == "warm" else out, facts


def next_commit_times(org: Path, runs: int, plans: int = 20) -> list[float]:
    """A commit of the day (`plans` plans reworded) after a build kept the history: each reading
    then extends the kept history by that commit only (a fresh process each, cache on)."""
    files = sorted((org / "plans" / "roles").rglob("*.yaml"))[:plans]
    out = []
    for number in range(1, runs + 1):
        for path in files:
            text = path.read_text(encoding="utf-8")
            path.write_text(reworded(text, f"{path.stem}n{number}"), encoding="utf-8")
        git(org, "commit", "-qam", f"a day's edits ({number})", day=f"2026-08-{number:02d}")
        args = [sys.executable, "-c", READ, str(org / "plans"), "warm"]
        run = subprocess.run(args, capture_output=True, text=True, check=False)
        assert run.stdout.split(" ", 3)[3].strip() == "None", run.stdout + run.stderr
        out.append(float(run.stdout.split(" ", 1)[0]))
    return out


def build_times(
    org: Path, runs: int, diagrams: bool
) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    build = [*VAP, "build", "plans", "--audience", "leadership", "--site-dir", "site", "--quiet"]
    if not diagrams:
        build.append("--no-diagrams")
    timed(build, org)  # warm the parse cache (and the diagram cache)
    with_history, without = [], []
    for _ in range(runs):
        with_history.append(timed(build, org))
        os.rename(org / ".git", org / ".git-aside")
        try:
            without.append(timed(build, org))
        finally:
            os.rename(org / ".git-aside", org / ".git")
    return with_history, without


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated role counts")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--read-only", default="", help="sizes for which only the reading is timed")
    parser.add_argument("--diagrams", action="store_true", help="build with diagrams (warm cache)")
    args = parser.parse_args()
    read_only = {int(s) for s in args.read_only.split(",") if s}
    print(
        "roles  history                     read cold (s)  warm (s)  next commit (s)"
        "  build with (s)  without (s)  added"
    )
    with tempfile.TemporaryDirectory(prefix="vap-bench-history-") as tmp:
        for size in sorted({*(int(s) for s in args.sizes.split(",") if s), *read_only}):
            org = Path(tmp) / f"org{size}"
            plans = make_repository(org, size)
            cold, facts = read_times(org, args.runs, "cold")
            warm, _ = read_times(org, args.runs, "warm")
            assert plans == size
            line = (
                f"{size:>5}  {facts:<26}  {statistics.median(cold):>13.2f}  {statistics.median(warm):>8.3f}"
            )
            print(line + "  ...", flush=True)
            line += f"  {statistics.median(next_commit_times(org, args.runs)):>15.3f}"
            print(line + "  ...", flush=True)
            if size in read_only:
                print(line + "  (builds not run)", flush=True)
                continue
            with_h, without = build_times(org, args.runs, args.diagrams)
            a, b = statistics.median(s for s, _ in with_h), statistics.median(s for s, _ in without)
            print(f"{line}  {a:>14.2f}  {b:>11.2f}  {100 * (a - b) / b:>+5.1f}%", flush=True)
            pairs = ", ".join(
                f"{x:.1f} s {xm:.0f} MB / {y:.1f} s {ym:.0f} MB"
                for (x, xm), (y, ym) in zip(with_h, without, strict=True)
            )
            print(f"       builds with / without history, in turn: {pairs}", flush=True)


if __name__ == "__main__":
    main()
