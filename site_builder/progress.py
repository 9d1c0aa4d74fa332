"""Progress of long work, reported to whoever listens: the stages call `start`/`advance`, and only a
command decides whether and how to show it (the library itself never prints)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Sink(Protocol):
    def start(self, label: str, total: int | None) -> None:
        """A new phase begins (`total`: how many steps it has, when known)."""

    def advance(self, steps: int) -> None:
        """`steps` more steps of the current phase are done."""

    def finish(self) -> None:
        """The work is over: close what is open."""


_SINKS: list[Sink] = []


@contextmanager
def reporting(sink: Sink) -> Iterator[None]:
    """Report the phases of the work inside the block to `sink`."""
    _SINKS.append(sink)
    try:
        yield
    finally:
        _SINKS.remove(sink)
        sink.finish()


def start(label: str, total: int | None = None) -> None:
    if _SINKS:
        _SINKS[-1].start(label, total)


def advance(steps: int = 1) -> None:
    if _SINKS:
        _SINKS[-1].advance(steps)
