"""`vap serve`: MkDocs' live-reload server, watching plans/ natively instead of by polling."""

from __future__ import annotations

import inspect
import logging
import signal
import threading
import webbrowser
from pathlib import Path
from typing import Any

from mkdocs.commands.serve import serve


def serve_site(
    config_file: Path, overrides: dict[str, Any], *, host: str, port: int, open_browser: bool, start_url: str
) -> None:
    """`mkdocs serve` with live reload, watching plans/ as well as docs/, theme/ and mkdocs.yml.

    `overrides` go to MkDocs' load_config at every rebuild (serve passes its keyword arguments on)."""
    if open_browser:
        threading.Timer(2.0, webbrowser.open, args=(start_url,)).start()
    # SIGTERM (a service manager, `kill`) stops the preview as Ctrl+C does, so MkDocs removes its
    # temporary site folder (hundreds of MB for a large organisation) instead of leaving it behind
    signal.signal(signal.SIGTERM, _interrupt)
    # dirty: MkDocs re-renders only pages whose generated source changed (the plugin keeps the
    # search index whole across such rebuilds); its warning about dirty builds does not apply here
    logging.getLogger("mkdocs.commands.build").addFilter(_no_dirty_warning)
    serve(
        config_file=str(config_file),
        livereload=True,
        build_type="dirty",
        watch_theme=True,
        dev_addr=f"{host}:{port}",
        **overrides,
    )


def _no_dirty_warning(record: logging.LogRecord) -> bool:
    """MkDocs warns that a dirty build makes navigation and links inaccurate: true of plain
    `mkdocs serve --dirty`, not of ours (generated pages carry their own signatures, the nav is kept
    small and whole, and the search index is merged), so the warning would only alarm."""
    return "'dirty' build" not in record.getMessage()


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def native_watcher(server: Any) -> None:
    """MkDocs' server polls the watched folders every 0.5 s (0.25 s of every save-to-reload on
    average, and a stat of every plan file twice a second). Swap in watchdog's native observer
    (inotify, FSEvents, ...) and move the watches already made onto it.

    MkDocs internal: the server's private `_watched_paths` (MkDocs 1.x is frozen, so it is stable; if
    it is missing, the polling observer stays). A native observer also reports files being opened
    and read; MkDocs would rebuild for those, and every rebuild reads the plans and the theme, so the
    observer passes on changes only."""
    from watchdog import events
    from watchdog.observers import Observer as _Observer

    Observer: Any = _Observer  # the platform's native observer class

    watched = getattr(server, "_watched_paths", None)
    if not isinstance(watched, dict) or getattr(server.observer, "is_alive", lambda: True)():
        return
    if "event_filter" not in inspect.signature(Observer.schedule).parameters:
        return  # an old watchdog cannot ignore reads: keep polling
    changes = [
        events.FileCreatedEvent,
        events.FileDeletedEvent,
        events.FileModifiedEvent,
        events.FileMovedEvent,
        events.FileClosedEvent,
        events.DirCreatedEvent,
        events.DirDeletedEvent,
        events.DirMovedEvent,
    ]

    class ChangesOnly(Observer):  # type: ignore[misc]
        def schedule(self, handler: Any, path: Any, **kwargs: Any) -> Any:
            kwargs.setdefault("event_filter", changes)
            return super().schedule(handler, path, **kwargs)

    counts = dict(watched)
    for path, count in counts.items():
        for _ in range(count):
            server.unwatch(path)
    server.observer = ChangesOnly()
    for path, count in counts.items():
        for _ in range(count):
            server.watch(path)
