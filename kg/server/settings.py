"""What an operator may tune, with defaults safe for a public server."""

from __future__ import annotations

import ipaddress
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
    #: Bytes of one answer at most (any format); beyond that it is cut and marked truncated.
    max_bytes: int = 16 * 1024**2
    #: Rows a result page shows: a saved query's page links to the next one; a SPARQL page is cut there.
    html_rows: int = 500
    #: Largest request body accepted, in bytes.
    max_body: int = 256 * 1024
    #: Queries that run at the same time (one worker process each).
    workers: int = max(2, min(4, os.cpu_count() or 2))
    #: Workers kept for quick work (ASK, entity pages, saved queries), beside the ones above.
    quick_workers: int = 1
    #: Requests allowed to wait for a free worker, per lane; beyond that the server answers 503 at once.
    max_waiting: int = 64
    #: Address space of a worker process, in bytes (a runaway query fails instead of swapping).
    worker_memory: int = 2 * 1024**3
    #: Bytes of answers kept in memory (the store is read-only, so answers never go stale).
    cache_bytes: int = 64 * 1024**2
    #: Address the server listens on: anything but loopback makes it public.
    host: str = "127.0.0.1"
    #: Cut query workers off from the network (a second wall behind the SERVICE check).
    isolate: bool = True
    #: Listen beyond this machine even when the workers cannot be cut off from the network.
    allow_unisolated: bool = False
    #: Output of ``kg build`` to serve at /site/ (diagrams, ontology documentation), if any.
    site: Path | None = None

    @property
    def public(self) -> bool:
        """Whether other machines can reach the server (any address but loopback)."""
        if self.host == "localhost":
            return False
        try:
            return not ipaddress.ip_address(self.host).is_loopback
        except ValueError:  # a host name: assume it is reachable
            return True
