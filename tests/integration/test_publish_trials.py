"""`vap publish` killed at random moments, and read over HTTP while it runs (real builds, real server).

Each page carries the id of the build that made it (mkdocs.yml's `copyright: !ENV VAP_TRIAL_BUILD`,
shown in Material's footer), so a reader can tell which publication a page came from.
`PUBLISH_TRIALS` and `PUBLISH_READER_RUNS` raise the counts (`make test-publish-trials`: 200 and 50).
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from site_builder.publishing.publish import publish
from site_builder.publishing.versions import REDIRECT_MARK
from tests.conftest import FIXTURES, ROOT, write_portal_config

pytestmark = pytest.mark.slow

TRIALS = int(os.environ.get("PUBLISH_TRIALS", "20"))
READER_RUNS = int(os.environ.get("PUBLISH_READER_RUNS", "6"))
AUDIENCES = ("all-staff", "leadership")
PAGES = ("", "roles/chief/", "roles/head-ops/", "strategy/")
BUILD = re.compile(r"vap-build-([A-Za-z0-9-]+)")
PUBLISHED_AT = re.compile(rb'"published_at": "[^"]*"')


def _project(folder: Path) -> tuple[Path, Path]:
    """A portal with the small example's plans whose pages name their build (no diagrams: fast)."""
    folder.mkdir(parents=True)
    config = write_portal_config(folder, extra='copyright: !ENV [VAP_TRIAL_BUILD, "vap-build-none"]\n')
    plans = shutil.copytree(FIXTURES / "small" / "plans", folder / "plans")
    return config, plans


def _env(build: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "NO_MKDOCS_2_WARNING": "1",
        "SOURCE_DATE_EPOCH": "1800000000",
        "VAP_TRIAL_BUILD": f"vap-build-{build}",
    }


def _command(config: Path, plans: Path, out: Path, *args: str) -> list[str]:
    vap = [sys.executable, "-c", "from site_builder.cli.main import main; main()"]
    return [*vap, "publish", "-f", str(config), "--out", str(out), "--no-diagrams", *args, str(plans)]


def _tree(folder: Path) -> dict[str, str]:
    """Every entry under `folder` with a hash of each file (plans.json without its publishing time)."""
    out: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.name == "plans.json":
                data = PUBLISHED_AT.sub(b"", data)
            out[path.relative_to(folder).as_posix()] = hashlib.sha256(data).hexdigest()
        else:
            out[path.relative_to(folder).as_posix()] = "<dir>"
    return out


def _no_staging_inside(out: Path) -> None:
    hidden = [p.relative_to(out).as_posix() for p in out.rglob(".*")]
    assert hidden == [], f"staging or temporary files inside the publish folder: {hidden}"


def test_publish_killed_at_random_moments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After every SIGKILL the folder is as before or the complete new publication; the next one works."""
    config, plans = _project(tmp_path / "portal")
    out = tmp_path / "portal" / "published"
    staging = out.parent / ".published.vap-staging"
    first = subprocess.run(
        _command(config, plans, out, "--cycle", "FY2027-H1"), env=_env("h1"), capture_output=True
    )
    assert first.returncode == 0
    pristine = shutil.copytree(out, tmp_path / "pristine")
    before = _tree(out)
    started = time.monotonic()
    second = subprocess.run(
        _command(config, plans, out, "--cycle", "FY2027-H2"), env=_env("h2"), capture_output=True
    )
    duration = time.monotonic() - started
    assert second.returncode == 0
    complete = _tree(out)
    assert complete != before and "all-staff/FY2027-H2/index.html" in complete
    monkeypatch.setenv("VAP_TRIAL_BUILD", "vap-build-h2")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    seed = int(os.environ.get("PUBLISH_TRIALS_SEED", "27"))
    rng = random.Random(seed)
    outcomes: Counter[str] = Counter()
    for trial in range(TRIALS):
        shutil.rmtree(out)
        shutil.copytree(pristine, out)
        proc = subprocess.Popen(
            _command(config, plans, out, "--cycle", "FY2027-H2"),
            env=_env("h2"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0, duration * 1.1))
        proc.kill()
        proc.wait()
        _no_staging_inside(out)
        state = _tree(out)
        assert state in (before, complete), f"trial {trial} (seed {seed}) left a mixed publish folder"
        outcomes["as before" if state == before else "new publication"] += 1
        result = publish(
            plans_dir=plans, config_file=config, out_dir=out, cycle="FY2027-H2", force=True, diagrams=False
        )
        outcomes["staging swept"] += any(n.startswith("removed staging left") for n in result.notes)
        after = _tree(out)
        differ = sorted(k for k in after.keys() | complete.keys() if after.get(k) != complete.get(k))
        assert not differ, f"trial {trial}: the next publish did not complete the publication: {differ[:10]}"
        assert not staging.exists()
    print(
        f"\nkill trials: {TRIALS} (seed {seed}, kill within {duration * 1.1:.2f} s): "
        f"{outcomes['as before']} as before, {outcomes['new publication']} complete new publication, "
        f"{outcomes['staging swept']} left staging that the next publish swept; 0 failures"
    )
    assert outcomes["as before"] + outcomes["new publication"] == TRIALS


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No access log on the test's output."""


class Reader(threading.Thread):
    """Fetches every listed cycle's pages of every audience in a loop, noting any error or mixed page."""

    def __init__(self, base: str, builds: dict[tuple[str, str], set[str]]) -> None:
        super().__init__(daemon=True)
        self.base, self.builds = base, builds
        self.stop = threading.Event()
        self.requests = 0
        self.errors: list[str] = []

    def get(self, path: str) -> bytes:
        self.requests += 1
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as response:
                return bytes(response.read())
        except (urllib.error.URLError, OSError) as exc:
            self.errors.append(f"{path}: {exc}")
            return b""

    def run(self) -> None:
        while not self.stop.is_set():
            for audience in AUDIENCES:
                self.read_audience(audience)

    def read_audience(self, audience: str) -> None:
        versions = self.get(f"{audience}/versions.json")
        if not versions:
            return
        if REDIRECT_MARK.encode() not in self.get(f"{audience}/"):
            self.errors.append(f"{audience}/: not the redirect page")
        for entry in json.loads(versions):
            cycle = entry["version"]
            for page in PAGES:
                path = f"{audience}/{cycle}/{page}"
                self.check_page((audience, cycle), path, self.get(path))
            snapshot = self.get(f"{audience}/{cycle}/plans.json")
            if snapshot and json.loads(snapshot)["audience"]["name"] != audience:
                self.errors.append(f"{audience}/{cycle}/plans.json: another audience's plans")

    def check_page(self, edition: tuple[str, str], path: str, body: bytes) -> None:
        """A whole page, made by one of the builds that published this cycle for this audience."""
        text = body.decode("utf-8", errors="replace")
        ids = set(BUILD.findall(text))
        if not text.rstrip().endswith("</html>"):
            self.errors.append(f"{path}: incomplete page")
        elif len(ids) != 1 or not ids <= self.builds.get(edition, set()):
            self.errors.append(
                f"{path}: build ids {sorted(ids)} (known: {sorted(self.builds.get(edition, []))})"
            )


def test_readers_see_whole_publications_while_publishing(tmp_path: Path) -> None:
    """Pages of every cycle and audience over HTTP during publishes: no error, no page of two builds."""
    config, plans = _project(tmp_path / "portal")
    out = tmp_path / "portal" / "published"
    builds: dict[tuple[str, str], set[str]] = {}
    runs = [(a, "FY2027-H1", "0") for a in AUDIENCES]
    for i in range(1, READER_RUNS + 1):  # new cycles and replaced ones, both audiences in turn
        runs.append((AUDIENCES[i % 2], f"FY2027-H{2 + i // 4}", str(i)))
    handler = functools.partial(_Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    reader = Reader(f"http://127.0.0.1:{server.server_address[1]}/", builds)
    try:
        for n, (audience, cycle, build) in enumerate(runs):
            builds.setdefault((audience, cycle), set()).add(f"{audience}-{build}")
            args = ["--audience", audience, "--cycle", cycle, "--force"]
            done = subprocess.run(
                _command(config, plans, out, *args), env=_env(f"{audience}-{build}"), capture_output=True
            )
            assert done.returncode == 0, done.stderr.decode()
            if n == len(AUDIENCES) - 1:
                reader.start()  # from the moment every audience has a cycle
        _no_staging_inside(out)
    finally:
        reader.stop.set()
        reader.join(timeout=60)
        server.shutdown()
        server.server_close()
    print(
        f"\nreader during {READER_RUNS} publishes: {reader.requests} requests, {len(reader.errors)} errors "
        f"or mixed pages"
    )
    assert reader.errors == []
    assert reader.requests > 10 * READER_RUNS
