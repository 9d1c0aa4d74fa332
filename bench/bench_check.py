"""Wall time and peak memory of `vap check` on synthetic organisations: `python bench/bench_check.py`.

Generates an organisation of N roles with `site_builder.authoring.synth.generate` (seed 1) in a temporary
folder, in two shapes: `plain` (every line `key: value`, the fastest to read) and `hand` (the same
organisation written as people write plans: comments, quotes, `|`/`>` blocks, `[a, b]` lists, keys
in any order, CRLF). It runs the real `vap check` in a subprocess, so the figures include interpreter
start-up, imports, loading, every rule and printing, as a user sees them. Peak RSS is the child's own
(`os.wait4`), not a running maximum over earlier children.

Rows: each shape with `--no-cache` (every file parsed, every rule run), then the plain shape re-checked
with the parse and rule caches after one file was edited (what the pre-commit hook does): the value add
of one plan (text no rule reads: the rules' findings are reused), then an outcome title of another (the
rules run again). Targets at 10,000 roles: plain check under 5 s and 500 MB; hand shape within 1.2x of
plain; cached re-check after the first edit at most 0.25x of `--no-cache`.
Ratios are of median CPU time (user + system), which a busy machine disturbs less than wall time.
Exits 1 when a target is missed, so CI can run it.

    python bench/bench_check.py                     # 1,000 and 10,000 roles, 3 runs each
    python bench/bench_check.py --roles 50000 --repeat 1
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from site_builder.authoring.synth import generate  # noqa: E402

TARGETS: dict[int, tuple[float, float]] = {10_000: (5.0, 500.0)}
"""Roles -> (seconds, MB) that `vap check --no-cache` on the plain shape must stay under."""
HAND_RATIO = 1.2
"""Hand-written shape against the plain shape (CPU time, both without the cache)."""
CACHED_RATIO = 0.25
"""Cached re-check after one edit against a `--no-cache` check of the same plans (CPU time)."""
RATIO_ROLES = 10_000
"""Organisation size at which the ratio targets apply."""


ROW = "{:>7} {:<22} {:>9} {:>7} {:>6} {:>8}  {:<18} {}"
"""Columns: roles, what was run, median and best wall time, median CPU time, peak RSS, target, verdict."""


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    cpu_seconds: float
    """User + system CPU time of the child: steadier than wall time on a busy machine."""
    peak_mb: float
    exit_code: int
    summary: str


def vap_command() -> list[str]:
    """The installed console script next to this interpreter, else the module."""
    script = Path(sys.executable).parent / "vap"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "site_builder.cli.main"]


def run_check(plans: Path, out: Path, *options: str) -> Run:
    """One `vap check` in a child process: wall time, the child's peak RSS, its last output line."""
    with out.open("w", encoding="utf-8") as stdout:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [*vap_command(), "check", str(plans), *options], stdout=stdout, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is KiB on Linux, bytes on macOS
    peak_mb = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    lines = out.read_text(encoding="utf-8").splitlines()
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, cpu, peak_mb, proc.returncode, lines[-1] if lines else "")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{platform.system()} {platform.release()} | {cpu} | {os.cpu_count()} cores ({usable} usable) | "
        f"Python {platform.python_version()} ({platform.python_implementation()})"
    )


def edit_one_file(plans: Path, counter: int, *, outcome: bool = False) -> None:
    """What a manager does before committing: change one line of one plan (a different text each run).
    By default the value add, which no rule reads (the rule cache is reused); with `outcome`, the title
    of an outcome, which every rule may read (the rules run again over the whole organisation)."""
    files = sorted((plans / "roles").rglob("*.yaml"))
    path = files[len(files) // 3 if outcome else len(files) // 2]
    key = "    title: " if outcome else "value_add: "
    lines = path.read_text(encoding="utf-8").split("\n")
    for i, line in enumerate(lines):
        if line.startswith(key):
            text = line[len(key) :].removeprefix('"').split(" (edited ", 1)[0].removesuffix('"')
            lines[i] = f'{key}"{text} (edited {counter})"'
            break
    path.write_text("\n".join(lines), encoding="utf-8")


@dataclass(frozen=True, slots=True)
class Series:
    """The runs of one row, summarised."""

    wall: float
    best: float
    cpu: float
    peak: float
    last: Run

    @classmethod
    def of(cls, runs: list[Run]) -> Series:
        return cls(
            statistics.median(r.seconds for r in runs),
            min(r.seconds for r in runs),
            statistics.median(r.cpu_seconds for r in runs),
            max(r.peak_mb for r in runs),
            runs[-1],
        )


def measure(roles: int, seed: int, repeat: int) -> dict[str, Series]:
    """Both shapes without the cache, and the plain shape cached after one edit, interleaved run by run
    so that a burst of load on the machine touches every row alike."""
    out: dict[str, Series] = {}
    with tempfile.TemporaryDirectory(prefix=f"vap-bench-{roles}-") as tmp:
        root = Path(tmp)
        for style in ("plain", "hand"):
            generate(root / style, roles=roles, seed=seed, style=style)
        plain, hand, log = root / "plain" / "plans", root / "hand" / "plans", root / "out.txt"
        run_check(plain, log)  # fills .cache/vap/ beside the plans
        runs: dict[str, list[Run]] = {
            "plain, --no-cache": [],
            "hand, --no-cache": [],
            "plain, cached, 1 edit": [],
            "plain, cached, outcome": [],
        }
        for counter in range(repeat):
            runs["plain, --no-cache"].append(run_check(plain, log, "--no-cache"))
            runs["hand, --no-cache"].append(run_check(hand, log, "--no-cache"))
            edit_one_file(plain, counter)
            runs["plain, cached, 1 edit"].append(run_check(plain, log))
            edit_one_file(plain, counter, outcome=True)
            runs["plain, cached, outcome"].append(run_check(plain, log))
        for name, series in runs.items():
            out[name] = Series.of(series)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roles", type=int, nargs="+", default=[1_000, 10_000], help="organisation sizes")
    parser.add_argument("--repeat", type=int, default=3, help="runs per row (median time, max memory)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    print(machine())
    print(f"command: {' '.join(vap_command())} check PLANS [--no-cache]")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    header = ROW.format("roles", "shape, cache", "median s", "best s", "cpu s", "peak MB", "target", "result")
    print(header)
    print("-" * len(header))
    missed = False
    for roles in args.roles:
        rows = measure(roles, args.seed, args.repeat)
        base = rows["plain, --no-cache"]
        targets: dict[str, tuple[str, bool]] = {}
        if roles in TARGETS:
            seconds, mb = TARGETS[roles]
            targets["plain, --no-cache"] = (
                f"< {seconds:g} s, < {mb:g} MB",
                base.wall < seconds and max(r.peak for r in rows.values()) < mb,
            )
        hand_ratio = rows["hand, --no-cache"].cpu / base.cpu
        cached_ratio = rows["plain, cached, 1 edit"].cpu / base.cpu
        outcome_ratio = rows["plain, cached, outcome"].cpu / base.cpu
        if roles == RATIO_ROLES:
            targets["hand, --no-cache"] = (f"x{hand_ratio:.2f} <= x{HAND_RATIO}", hand_ratio <= HAND_RATIO)
            targets["plain, cached, 1 edit"] = (
                f"x{cached_ratio:.2f} <= x{CACHED_RATIO}",
                cached_ratio <= CACHED_RATIO,
            )
        for name, row in rows.items():
            text, ok = targets.get(name, ("", True))
            verdict = ("ok" if ok else "MISSED") if text else "-"
            if row.last.exit_code not in (0, 1):
                ok, verdict = False, f"vap exited {row.last.exit_code}"
            missed |= not ok
            numbers = (f"{row.wall:.2f}", f"{row.best:.2f}", f"{row.cpu:.2f}", f"{row.peak:.0f}")
            print(ROW.format(f"{roles:,}", name, *numbers, text, verdict))
        peak = max(r.peak for r in rows.values())
        print(
            f"{'':>7} ratios of CPU time: hand/plain x{hand_ratio:.2f}, cached/--no-cache "
            f"x{cached_ratio:.2f} (after an outcome edit x{outcome_ratio:.2f}); peak memory {peak:.0f} MB"
        )
        print(f"{'':>7} vap check: {base.last.summary} (exit {base.last.exit_code})")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
