"""Admission at the door: a bounded waiting line per lane of query workers, kept on the event loop.

A request that needs a query worker is admitted to a lane before anything else happens: while
fewer requests than the lane's workers plus its waiting places are admitted, it waits (on the event
loop, holding no thread) for a worker of its own; beyond that it is answered 503 with
``Retry-After`` at once. Only a request holding a worker gets a thread, so the framework's thread
pool never fills with requests that wait. Quick work (ASK, entity pages, saved queries) has a lane
of its own, so that a crowd of slow queries cannot hold it up.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator

import anyio

from kg.errors import KGError

#: The lane for protocol queries other than ASK.
HEAVY = "heavy"
#: The lane for ASK, entity pages and saved queries (the server's own, bounded queries).
QUICK = "quick"

#: The prologue of a query and an ASK after it. A scheduling hint only: which lane a query waits
#: in; what it may do is decided by the engine's parser (kg.server.guard), in the worker.
_ASK = re.compile(
    r"(?:\s+|\#[^\n\r]*|BASE\s*<[^>]*>|PREFIX\s*[^\s:]*:\s*<[^>]*>)*ASK\b", re.IGNORECASE | re.ASCII
)


class Busy(KGError):
    """Every worker of a lane is busy and its waiting line is full."""

    http_status = 503


def lane_of(query: str) -> str:
    """The lane for a protocol query: ASK is quick, anything else heavy."""
    return QUICK if _ASK.match(query) else HEAVY


class Lane:
    """``workers`` requests at a time, ``waiting`` more in line for at most ``patience`` seconds."""

    def __init__(self, name: str, workers: int, waiting: int, patience: float) -> None:
        self.name = name
        self.capacity = workers + waiting
        self.patience = patience
        self.admitted = 0
        self._workers = workers
        self._free: anyio.Semaphore | None = None  # made on the event loop, at first use

    @contextlib.asynccontextmanager
    async def admit(self) -> AsyncIterator[None]:
        """Hold one of the lane's workers for the duration of the block, or raise Busy."""
        if self.admitted >= self.capacity:
            raise Busy("the server is answering as many queries as it can; try again shortly")
        if self._free is None:
            self._free = anyio.Semaphore(self._workers)
        self.admitted += 1
        try:
            with anyio.move_on_after(self.patience) as waited:
                await self._free.acquire()
            if waited.cancelled_caught:
                raise Busy("no query worker became free in time; try again shortly")
            try:
                yield
            finally:
                self._free.release()
        finally:
            self.admitted -= 1
