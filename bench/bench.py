"""The whole-pipeline benchmark: `make bench` (or `python bench/bench.py --sizes 100,1000,10000`).

For each synthetic organisation size it measures, each in a fresh process so peak memory is that
command's own: `vap check`; `vap build` with a cold and then a warm diagram cache; the same
generated Markdown built by bare MkDocs + Material with our plugin off (the baseline, measured in
the same run, so the overhead is a ratio on the same machine at the same time); the site and search
index sizes; and save-to-reload in `vap serve` (edit one plan, poll the page until it shows the edit).
It prints one table and the targets; it never fails on timing.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # pagesize.py beside this file
import pagesize

ROOT = Path(__file__).resolve().parent.parent
PAGES: dict[int, str] = {}
"""Size -> the heaviest page of each kind, as text (pagesize.report)."""
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
CONFIG = """site_name: Synthetic organisation
theme:
  name: material
  font: false
plugins:
  - vap
  - search
  - tags
"""


LOGGED_VAP = (
    "import logging, sys; from site_builder.cli.main import main; "
    "logging.basicConfig(level=logging.INFO, format='%(asctime)s %(name)s %(message)s'); "
    "sys.argv[0] = 'vap'; main()"
)
"""`vap` with its log at INFO level on standard error: the preview's timings of each generation."""


@dataclass
class Run:
    seconds: float
    peak_mb: float


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Wall time and the peak RSS of this one child (os.wait4 gives its own rusage)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env or ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({code}):\n{stderr[-2000:]}")
    return Run(seconds, usage.ru_maxrss / 1024)


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def baseline_build(org: Path, site_dir: str) -> list[str]:
    """The command that builds the baseline (bare MkDocs + Material, see baseline_config) into site_dir."""
    config = str(baseline_config(org))
    return [sys.executable, "-m", "mkdocs", "build", "-q", "-f", config, "--site-dir", site_dir]


def baseline_config(org: Path) -> Path:
    """Bare MkDocs + Material over the Markdown our generator wrote, plugin off."""
    docs = org / "baseline-docs"
    shutil.rmtree(docs, ignore_errors=True)
    shutil.copytree(org / ".cache" / "vap" / "editions" / "default" / "docs", docs)
    shutil.copy(org / "docs" / "start-here.md", docs / "start-here.md")
    (docs / "assets").mkdir(exist_ok=True)
    shutil.copy(ROOT / "theme" / "assets" / "vap.css", docs / "assets" / "vap.css")
    config = org / "baseline.yml"
    config.write_text(
        "site_name: Synthetic organisation\ndocs_dir: baseline-docs\n"
        "theme:\n  name: material\n  font: false\n"
        "extra_css: [assets/vap.css]\n"
        "nav:\n  - Home: index.md\n  - Start here: start-here.md\n  - Strategy: strategy/index.md\n"
        "  - Directory: directory.md\n  - Organisation: organisation.md\n  - Alignment: alignment.md\n"
        "plugins:\n  - search\n  - tags\n"
        "markdown_extensions: [attr_list, md_in_html, admonition, tables, toc]\n"
    )
    return config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode("utf-8"))


def save_to_reload(
    org: Path,
    role_file: Path,
    role_id: str,
    *options: str,
    log: Path | None = None,
    env: dict[str, str] | None = None,
) -> float:
    """Seconds from saving an edited plan to `vap serve` serving the page with the edit (`log`: where
    the preview's own log goes, with the phases of each generation)."""
    port = free_port()
    vap = (
        [sys.executable, "-m", "site_builder.cli.main"] if log is None else [sys.executable, "-c", LOGGED_VAP]
    )
    proc = subprocess.Popen(
        [*vap, "serve", "plans", "--port", str(port), *options],
        cwd=org,
        env=env or ENV,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w") if log is not None else subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/roles/{role_id}/"
    try:
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            try:
                fetch(url)
                break
            except OSError:
                time.sleep(0.5)
        time.sleep(2)  # let the watcher settle after the first build
        marker = f"BENCHMARK EDIT {time.time_ns()}"
        text = role_file.read_text(encoding="utf-8")
        start = time.perf_counter()
        role_file.write_text(
            text.replace("value_add: ", f'value_add: "{marker} " ', 1)
            if 'value_add: "' not in text
            else text.replace('value_add: "', f'value_add: "{marker} ', 1),
            encoding="utf-8",
        )
        while time.monotonic() < deadline:
            try:
                if marker in fetch(url):
                    return time.perf_counter() - start
            except OSError:
                pass
            time.sleep(0.05)
        raise SystemExit("the edit never appeared in the served page")
    finally:
        # Ctrl+C, as a user stops it: MkDocs then removes its temporary site folder (~0.6 GB at
        # 10,000 roles), which SIGTERM would leave behind
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def organisation(size: int, work: Path, *, keep: bool = False) -> Path:
    """A synthetic organisation of `size` roles with the portal's mkdocs.yml and hand-written docs
    (`keep`: one already in `work` is used as it is, with its diagram cache)."""
    org = work / f"org-{size}"
    if keep and (org / "plans").is_dir() and (org / "mkdocs.yml").is_file():
        return org
    shutil.rmtree(org, ignore_errors=True)
    subprocess.run(
        [sys.executable, "-m", "site_builder.cli.main", "synth", str(org), "--roles", str(size)],
        check=True,
        env=ENV,
        stdout=subprocess.DEVNULL,
    )
    (org / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "start-here.md", org / "docs" / "start-here.md")
    (org / "mkdocs.yml").write_text(CONFIG)
    return org


def middle_plan(org: Path) -> Path:
    """The plan the reload measurement edits: one in the middle of the tree."""
    files = sorted((org / "plans" / "roles").rglob("*.yaml"))
    return files[len(files) // 2]


def reload_only(size: int, work: Path, repeat: int, before: Path | None) -> None:
    """Save to reload alone, side by side, runs interleaved: `vap serve` and `vap serve --no-cache`
    (every rule run again on each save), and with `before`, `vap serve` of an earlier checkout of the
    code (its folder holding site_builder/ and theme/: the full path this code replaces). Prints the
    phases of the last generation of each."""
    org = organisation(size, work, keep=True)
    role_file = middle_plan(org)
    plain = ENV
    variants: list[tuple[str, tuple[str, ...], dict[str, str]]] = [
        ("this code", (), plain),
        ("this code, --no-cache", ("--no-cache",), plain),
    ]
    if before is not None:
        variants.append(("earlier code", (), {**plain, "PYTHONPATH": str(before.resolve())}))
    for n in range(repeat):
        for label, options, env in variants:
            log = work / f"serve-{size}-{n}-{label.replace(' ', '').replace(',', '-')}.log"
            seconds = save_to_reload(org, role_file, role_file.stem, *options, log=log, env=env)
            phases = [
                line
                for line in log.read_text(encoding="utf-8").splitlines()
                if "vap:" in line and " pages (" in line
            ]
            print(f"{size:,} roles, {label}: save to reload {seconds:.2f} s", flush=True)
            print(f"    last generation: {phases[-1].split('vap: ', 1)[-1] if phases else '?'}", flush=True)


def bench(size: int, work: Path, serve: bool) -> dict[str, float]:
    org = organisation(size, work)
    vap = [sys.executable, "-m", "site_builder.cli.main"]
    out: dict[str, float] = {}
    check = run([*vap, "check", "plans"], org)
    out["check_s"], out["check_mb"] = check.seconds, check.peak_mb
    cold = run([*vap, "build", "plans", "--site-dir", "site"], org)
    out["cold_s"], out["cold_mb"] = cold.seconds, cold.peak_mb
    warm = run([*vap, "build", "plans", "--site-dir", "site"], org)
    out["warm_s"], out["warm_mb"] = warm.seconds, warm.peak_mb
    nodiag = run([*vap, "build", "plans", "--site-dir", "site-nodiagrams", "--no-diagrams"], org)
    out["nodiagrams_s"] = nodiag.seconds
    base = run(baseline_build(org, "site-baseline"), org)
    out["baseline_s"], out["baseline_mb"] = base.seconds, base.peak_mb
    out["site_mb"] = du(org / "site") / 1e6
    pages, largest = pagesize.report(org / "site")
    out["page_kb"] = largest / 1024
    PAGES[size] = pages
    fragments = list((org / "site" / "pagefind" / "fragment").glob("*.pf_fragment"))  # one per page
    out["index_per_role_kb"] = sum(f.stat().st_size for f in fragments) / size / 1024
    out["index_docs"] = len(fragments)
    if serve:
        role_file = middle_plan(org)
        out["reload_s"] = save_to_reload(org, role_file, role_file.stem)
    return out


TARGETS = {
    1000: {
        "check_s": 1,
        "warm_s": 15,
        "cold_s": 25,
        "ratio": 1.25,
        "peak_mb": 400,
        "kb": 1.5,
        "reload_s": 1.5,
        "page_kb": pagesize.PAGE_LIMIT_KB,
    },
    10000: {
        "check_s": 5,
        "warm_s": 120,
        "cold_s": 180,
        "ratio": 1.25,
        "peak_mb": 1500,
        "kb": 1.5,
        "reload_s": 4,
        "page_kb": pagesize.PAGE_LIMIT_KB,
    },
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--no-serve", action="store_true", help="skip the save-to-reload measurement")
    parser.add_argument(
        "--work", type=Path, default=None, help="where to generate, kept (default: a temp dir, removed after)"
    )
    parser.add_argument(
        "--reload-only",
        type=int,
        metavar="REPEAT",
        default=0,
        help="only save to reload, incremental and --no-cache side by side, REPEAT times per size",
    )
    parser.add_argument(
        "--before",
        type=Path,
        default=None,
        help="with --reload-only: also measure an earlier checkout of the code (a folder holding its "
        "site_builder/ and theme/, e.g. from git archive)",
    )
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="vap-bench-"))
    try:
        if args.reload_only:
            for size in [int(s) for s in args.sizes.split(",")]:
                reload_only(size, work, args.reload_only, args.before)
        else:
            _run_all(args, work)
    finally:
        if args.work is None:  # a 10,000-role run leaves ~1.5 GB of organisations and sites
            shutil.rmtree(work, ignore_errors=True)


def _run_all(args: argparse.Namespace, work: Path) -> None:
    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}, "
        f"{platform.processor() or platform.system()}, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}"
    )
    dot = subprocess.run(["dot", "-V"], capture_output=True, text=True).stderr.strip()
    print(f"graphviz: {dot}; work folder: {work}\n")
    header = (
        "roles",
        "check s",
        "check MB",
        "cold s",
        "warm s",
        "no-diagram s",
        "baseline s",
        "warm/base",
        "peak MB",
        "site MB",
        "index KB/role",
        "largest page KB",
        "reload s",
    )
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for size in [int(s) for s in args.sizes.split(",")]:
        r = bench(size, work, serve=not args.no_serve)
        peak = max(r["cold_mb"], r["warm_mb"])
        row = (
            size,
            f"{r['check_s']:.2f}",
            f"{r['check_mb']:.0f}",
            f"{r['cold_s']:.1f}",
            f"{r['warm_s']:.1f}",
            f"{r['nodiagrams_s']:.1f}",
            f"{r['baseline_s']:.1f}",
            f"{r['warm_s'] / r['baseline_s']:.2f}",
            f"{peak:.0f}",
            f"{r['site_mb']:.0f}",
            f"{r['index_per_role_kb']:.2f}",
            f"{r['page_kb']:.0f}",
            f"{r['reload_s']:.2f}" if "reload_s" in r else "-",
        )
        print(" | ".join(str(c) for c in row), flush=True)
        print(f"    heaviest page of each kind at {size} roles:\n{PAGES[size]}", flush=True)
        target = TARGETS.get(size)
        if target:
            checks = {
                "check": r["check_s"] < target["check_s"],
                "warm": r["warm_s"] < target["warm_s"],
                "cold": r["cold_s"] < target["cold_s"],
                "ratio": r["warm_s"] / r["baseline_s"] <= target["ratio"],
                "memory": peak < target["peak_mb"],
                "index": r["index_per_role_kb"] < target["kb"],
                "page size": r["page_kb"] <= target["page_kb"],
            }
            if "reload_s" in r:
                checks["reload"] = r["reload_s"] < target["reload_s"]
            missed = [k for k, ok in checks.items() if not ok]
            print(
                f"    targets at {size}: " + ("all met" if not missed else "missed: " + ", ".join(missed)),
                flush=True,
            )


if __name__ == "__main__":
    main()
