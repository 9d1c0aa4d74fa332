"""The edition's search: records of every indexed page, collected while MkDocs renders, kept whole across
the dirty rebuilds of a preview, and written as a Pagefind index into the built site.

Material's own search downloads its whole index and builds it in a worker on every page view (13 MB
and 3 s at 10,000 roles); Pagefind loads only the chunks a query needs. Material's indexer is told to
skip every page (its index would only be thrown away), and its `search_index.json` is not shipped.
"""

from __future__ import annotations

import ctypes
import logging
import threading
import time
from pathlib import Path

from site_builder.errors import PortalError
from site_builder.generator.search_records import Record
from site_builder.mkdocs_adapter.pagefind_index import OUTPUT, write_index

log = logging.getLogger("mkdocs.plugins.vap")


class SearchRecords:
    """Records by URL. A build starts afresh; a preview rebuild renders (and so records) only the pages
    that changed, so the others are kept from the last build and dropped only when their page is gone."""

    def __init__(self) -> None:
        self.records: dict[str, Record] = {}
        self.changed = False
        self.seconds = 0.0
        """How long writing the last index took (logged: the figure docs/performance.md reports)."""
        self.waited = 0.0
        """How long the build waited for it after laying out every page (what indexing adds to a build)."""
        self._lock = threading.Lock()
        self._writing = threading.Lock()
        self._pending: tuple[list[Record], Path, str] | None = None
        self._thread: threading.Thread | None = None
        self._early: threading.Thread | None = None
        self._early_result: int | BaseException = 0

    def start(self, *, keep: bool) -> None:
        if not keep:
            self.records = {}
        self.changed = not keep

    def add(self, record: Record) -> None:
        if self.records.get(record.url) != record:
            self.records[record.url] = record
            self.changed = True

    def write(self, site_dir: Path, urls: set[str], *, language: str, background: bool = False) -> int:
        """Write the index of the pages that exist (`urls`); a preview rebuild that changed no record and
        removed no page keeps the index it has. `background` (preview): the rebuilt page reloads at once
        and search follows when the index is rewritten (seconds at 10,000 roles; the last one wins)."""
        gone = [url for url in self.records if url not in urls]
        for url in gone:
            del self.records[url]
        if not (self.changed or gone) and (site_dir / OUTPUT / "pagefind.js").is_file():
            return 0
        self.changed = False
        snapshot = list(self.records.values())
        if not background or not (site_dir / OUTPUT / "pagefind.js").is_file():
            self._write(snapshot, site_dir, language)
            return len(snapshot)
        with self._lock:
            start = self._pending is None
            self._pending = (snapshot, site_dir, language)
        if start:
            self._thread = threading.Thread(target=self._drain, name="vap-search-index", daemon=True)
            self._thread.start()
        return len(snapshot)

    def write_early(self, site_dir: Path, urls: set[str], *, language: str) -> None:
        """A one-off build: once MkDocs has read every page (its `env` event) every record is known, so
        the index is written by a thread while MkDocs lays the pages out in the theme, and Pagefind
        works on another core; `finish_early` waits for it (10,000 roles: 21 s no longer added)."""

        def run() -> None:
            try:
                return_free_memory()  # vap is at its largest now, and Pagefind starts beside it
                self._early_result = self.write(site_dir, urls, language=language)
            except BaseException as exc:  # handed to the build thread by finish_early
                self._early_result = exc

        self._early_result = 0
        self._early = threading.Thread(target=run, name="vap-search-index-build", daemon=True)
        self._early.start()

    def finish_early(self, *, check: bool = True) -> int:
        """Wait for the index `write_early` started; its error, if any, is raised here (`check`)."""
        if self._early is None:
            return 0
        started = time.perf_counter()
        self._early.join()
        self.waited = time.perf_counter() - started
        self._early = None
        result, self._early_result = self._early_result, 0
        if isinstance(result, BaseException):
            if check:
                raise result
            return 0
        return result

    def wait(self, timeout: float | None = None) -> None:
        """Until the background writer has written the latest snapshot (tests; a preview never waits)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _write(self, records: list[Record], site_dir: Path, language: str) -> None:
        started = time.perf_counter()
        with self._writing:
            write_index(records, site_dir, language=language)
        self.seconds = time.perf_counter() - started

    def _drain(self) -> None:
        """The preview's index writer: writes the latest snapshot until none is pending."""
        while True:
            with self._lock:
                job, self._pending = self._pending, None
                if job is None:
                    return
            try:
                self._write(*job)
                log.info("vap: search index of %d pages rewritten in %.2f s", len(job[0]), self.seconds)
            except PortalError as exc:  # the preview goes on; the next save tries again
                log.error("vap: %s", exc)


def return_free_memory() -> None:
    """Give the C allocator's free pages back to the system (glibc's `malloc_trim`; elsewhere nothing):
    memory MkDocs freed while reading the pages stays counted as vap's until then (10,000 roles: 60 MB)."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


def drop_material_index(site_dir: Path) -> None:
    """Material's search plugin still writes an (empty) index: the site does not ship it."""
    index = site_dir / "search" / "search_index.json"
    index.unlink(missing_ok=True)
    (site_dir / "search" / "search_index.js").unlink(missing_ok=True)
    if (site_dir / "search").is_dir() and not any((site_dir / "search").iterdir()):
        (site_dir / "search").rmdir()
