"""How a long command shows that it is working: a bar on a terminal, plain lines in a log, nothing with -q.

A cold ``kg build`` spends tens of seconds drawing diagrams; silence for that long reads as a hang.
Each step runs under a transient rich progress bar when standard error is a terminal (the bar goes
once the step's ✓ line is printed); when it is not (a log, CI), an itemised step that is still at
work after ``PLAIN_AFTER`` seconds writes a plain line per item instead, so a log is not filled
with fast steps' counters.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sized
from contextlib import contextmanager
from typing import TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

T = TypeVar("T")

#: Seconds after which a step in a log starts writing a line per item.
PLAIN_AFTER = 1.0


class Reporter:
    """Step lines (``✓ title (seconds)``) and progress within a step, on one console."""

    def __init__(self, console: Console | None = None, quiet: bool = False) -> None:
        self.console = console or Console(stderr=True)
        self.quiet = quiet
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._title = ""
        self._started = 0.0

    def say(self, message: str) -> None:
        """A line for the reader (rich markup), unless quiet."""
        if not self.quiet:
            self.console.print(message)

    @contextmanager
    def step(self, title: str, done: str | None = None, since: float | None = None) -> Iterator[None]:
        """Run a step under a bar (on a terminal), then print its ✓ line with the time it took
        (counted from ``since``, a ``time.perf_counter()`` reading, for a step begun earlier)."""
        self._title, self._started = title, time.perf_counter() if since is None else since
        if self.console.is_terminal and not self.quiet:
            self._bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self._task = self._bar.add_task(title, total=None)
            self._bar.start()
        try:
            yield
        finally:
            if self._bar is not None:
                self._bar.stop()
            self._bar = self._task = None
        seconds = time.perf_counter() - self._started
        self.say(f"[green]✓[/green] {done or title} [dim]({seconds:.2f} s)[/dim]")

    def track(self, items: Iterable[T], what: str, total: int | None = None) -> Iterator[T]:
        """Yield ``items``, counting them on the current step's bar (or in plain lines once it is slow)."""
        count = total if total is not None else len(items) if isinstance(items, Sized) else None
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, total=count, description=f"{self._title}: {what}")
        for done, item in enumerate(items, start=1):
            yield item
            if self._bar is not None and self._task is not None:
                self._bar.advance(self._task)
            elif not self.quiet and time.perf_counter() - self._started > PLAIN_AFTER:
                of = f"/{count}" if count is not None else ""
                self.console.print(f"  {self._title}: {done}{of} {what}", highlight=False)


#: A reporter that shows nothing: what library calls get unless they ask for progress.
SILENT = Reporter(Console(quiet=True), quiet=True)
