"""Wall time and peak memory of `vap check` on synthetic organisations: `python bench/bench_check.py`.

Generates an organisation of N roles with `site_builder.authoring.synth.generate` (seed 1) in a temporary
folder, then runs the real `vap check` in a subprocess, so the figures include interpreter start-up,
imports, loading, every rule and printing, as a user sees them. Peak RSS is the child's own
(`os.wait4`), not a running maximum over earlier children. Targets: 10,000 roles in under 5 s and
500 MB. Exits 1 when a target is missed, so CI can run it.

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
"""Roles -> (seconds, MB) that `vap check` must stay under."""


ROW = "{:>7} {:>6} {:>9} {:>7} {:>6} {:>8}  {:<16} {}"
"""Columns: roles, generation time, median and best wall time, median CPU time, peak RSS, target, verdict."""


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


def run_check(plans: Path, out: Path) -> Run:
    """One `vap check` in a child process: wall time, the child's peak RSS, its last output line."""
    with out.open("w", encoding="utf-8") as stdout:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [*vap_command(), "check", str(plans)], stdout=stdout, stderr=subprocess.STDOUT
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roles", type=int, nargs="+", default=[1_000, 10_000], help="organisation sizes")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (median time, max memory)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    print(machine())
    print(f"command: {' '.join(vap_command())} check PLANS")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    header = ROW.format("roles", "gen s", "median s", "best s", "cpu s", "peak MB", "target", "result")
    print(header)
    print("-" * len(header))
    missed = False
    for roles in args.roles:
        with tempfile.TemporaryDirectory(prefix=f"vap-bench-{roles}-") as tmp:
            start = time.perf_counter()
            generate(Path(tmp), roles=roles, seed=args.seed)
            generated = time.perf_counter() - start
            runs = [run_check(Path(tmp) / "plans", Path(tmp) / "out.txt") for _ in range(args.repeat)]
        median = statistics.median(r.seconds for r in runs)
        peak = max(r.peak_mb for r in runs)
        target = TARGETS.get(roles)
        verdict = "-"
        if target:
            ok = median < target[0] and peak < target[1]
            missed |= not ok
            verdict = "ok" if ok else "MISSED"
        if any(r.exit_code not in (0, 1) for r in runs):
            missed, verdict = True, f"vap exited {runs[-1].exit_code}"
        target_text = f"< {target[0]:g} s, < {target[1]:g} MB" if target else ""
        best = min(r.seconds for r in runs)
        cpu = statistics.median(r.cpu_seconds for r in runs)
        numbers = (
            f"{roles:,}",
            f"{generated:.1f}",
            f"{median:.2f}",
            f"{best:.2f}",
            f"{cpu:.2f}",
            f"{peak:.0f}",
        )
        print(ROW.format(*numbers, target_text, verdict))
        print(f"{'':>7} vap check: {runs[-1].summary} (exit {runs[-1].exit_code})")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
