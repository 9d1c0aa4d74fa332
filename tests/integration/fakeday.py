"""Runs `vap` as if the clock said another day: `python fakeday.py DAYS vap-arguments...`.

The wall clock moves DAYS days forward (time.time, and the `datetime` MkDocs reads the build day
from), so a test can prove that nothing of the build day reaches the site."""

from __future__ import annotations

import datetime
import importlib
import runpy
import sys
import time

OFFSET = float(sys.argv[1]) * 86400
_real_time = time.time


def _fake_time() -> float:
    return _real_time() + OFFSET


class _FakeDateTime(datetime.datetime):
    @classmethod
    def now(cls, tz: datetime.tzinfo | None = None) -> _FakeDateTime:  # type: ignore[override]
        return cls.fromtimestamp(_fake_time(), tz)


def main() -> None:
    time.time = _fake_time
    importlib.import_module("site_builder.mkdocs_adapter")  # the engine shim: mkdocs or properdocs
    utils = importlib.import_module("mkdocs.utils")
    utils.datetime = _FakeDateTime  # where MkDocs reads the build day
    sys.argv = ["vap", *sys.argv[2:]]
    runpy.run_module("site_builder.cli.main", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
