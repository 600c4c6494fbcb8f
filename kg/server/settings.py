"""What an operator may tune, with defaults safe for a public server."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Limits and options of one server; the defaults suit a small public deployment."""

    #: Seconds a query may run (evaluation and serialization together) before its worker is killed.
    timeout: float = 10.0
    #: Rows (or triples) returned at most; more are cut off and the answer is marked truncated.
    max_rows: int = 10_000
    #: Largest request body accepted, in bytes.
    max_body: int = 256 * 1024
    #: Queries that run at the same time (one worker process each).
    workers: int = max(2, min(4, os.cpu_count() or 2))
    #: Requests allowed to wait for a free worker; beyond that the server answers 503 at once.
    max_waiting: int = 64
    #: Address space of a worker process, in bytes (a runaway query fails instead of swapping).
    worker_memory: int = 2 * 1024**3
    #: Bytes of answers kept in memory (the store is read-only, so answers never go stale).
    cache_bytes: int = 64 * 1024**2
    #: Output of ``kg build`` to serve at /site/ (diagrams, ontology documentation), if any.
    site: Path | None = None
