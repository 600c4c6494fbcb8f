"""Query worker processes: the time limit and the bound on concurrent queries.

Oxigraph's Python query cannot be interrupted, and a query's solutions are produced lazily while
they are read, so a time limit must cover evaluation and serialization together. Each query runs
in a worker process; when it passes the limit the worker is killed (which always works) and a
fresh one is started in the background. One worker runs one query, so the number of workers is
the number of queries running at once. Workers belong to lanes (:mod:`kg.server.admission`),
each with its own bounded waiting line.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from starlette.concurrency import run_in_threadpool

from kg.errors import KGError, QueryError
from kg.load import LoadedFile
from kg.namespaces import Term
from kg.results import Results
from kg.server.admission import HEAVY, QUICK, Busy, Lane
from kg.server.settings import Settings
from kg.server.worker import Answer, ProtocolJob, SelectJob, serve

log = logging.getLogger("kg.server")


class QueryTimeout(QueryError):
    """The query ran past the time limit and was stopped."""

    http_status = 503


class WorkerLost(KGError):
    """A worker died while answering: a server-side limit (memory, most often)."""

    http_status = 503


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    lane: str
    isolated: bool = False


@dataclass
class WorkerPool:
    """A fixed number of worker processes, each holding the graph loaded from ``files``."""

    files: list[LoadedFile]
    settings: Settings
    lanes: dict[str, Lane] = field(default_factory=dict)
    _idle: dict[str, queue.Queue[_Worker]] = field(default_factory=dict)
    _closed: bool = False
    isolated: bool = False

    def __post_init__(self) -> None:
        sizes = {HEAVY: self.settings.workers, QUICK: self.settings.quick_workers}
        for name, size in sizes.items():
            self.lanes[name] = Lane(name, size, self.settings.max_waiting, self.settings.timeout)
            self._idle[name] = queue.Queue()

    def start(self) -> None:
        """Start every worker and wait until all have loaded the graph."""
        sizes = {HEAVY: self.settings.workers, QUICK: self.settings.quick_workers}
        workers = [self._spawn(lane) for lane, size in sizes.items() for _ in range(size)]
        for worker in workers:
            self._await_ready(worker)
            self._idle[worker.lane].put(worker)
        self.isolated = all(w.isolated for w in workers)

    async def run_admitted(self, job: ProtocolJob | SelectJob, lane: str) -> Answer:
        """Run one job once its lane admits it; the wait holds no thread."""
        async with self.lanes[lane].admit():
            return await run_in_threadpool(self.run, job, lane)

    def _spawn(self, lane: str) -> _Worker:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(
            target=serve,
            args=(child, self.files, self.settings),
            daemon=True,
            name="kg-query-worker",
        )
        process.start()
        child.close()
        return _Worker(process, parent, lane)

    @staticmethod
    def _await_ready(worker: _Worker) -> None:
        if not worker.conn.poll(120):
            worker.process.kill()
            raise RuntimeError("a query worker did not start within 120 s")
        status, detail = worker.conn.recv()
        if status != "ready":
            raise KGError(f"a query worker could not load the graph: {detail}")
        worker.isolated = bool(detail)

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and put a fresh one in its place (in the background: loading takes a moment)."""
        worker.process.kill()
        worker.process.join(5)
        worker.conn.close()

        def restart() -> None:
            if self._closed:
                return
            fresh = self._spawn(worker.lane)
            try:
                self._await_ready(fresh)
            except Exception:
                log.exception("a replacement query worker failed to start")
                fresh.process.kill()
                return
            self._idle[fresh.lane].put(fresh)

        threading.Thread(target=restart, name="kg-worker-restart", daemon=True).start()

    def run(self, job: ProtocolJob | SelectJob, lane: str = QUICK) -> Answer:
        """Run one job on a worker of ``lane`` within the time limit (blocking: call it from a thread
        admitted to that lane, so that a worker is free or being restarted)."""
        try:
            worker = self._idle[lane].get(timeout=self.settings.timeout)
        except queue.Empty:
            raise Busy("no query worker became free in time; try again shortly") from None
        return self._run_on(worker, job)

    def _run_on(self, worker: _Worker, job: ProtocolJob | SelectJob) -> Answer:
        limit = self.settings.timeout
        try:
            worker.conn.send(job)
            if not worker.conn.poll(limit):
                self._replace(worker)
                raise QueryTimeout(f"the query ran longer than the time limit of {limit:g} s and was stopped")
            reply: tuple[Any, ...] = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            raise WorkerLost("the query stopped its worker (too much memory?); try a smaller query") from None
        self._idle[worker.lane].put(worker)
        if reply[0] == "ok":
            answer: Answer = reply[1]
            return answer
        _, status, message = reply
        error = QueryError(message)
        error.http_status = status
        raise error

    def select(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> Results:
        """The core Engine protocol, so kg.query.run_saved runs through the pool (rows capped)."""
        return Results.from_json(self.run(SelectJob(sparql, dict(bindings or {}))).body)

    def close(self) -> None:
        self._closed = True
        for idle in self._idle.values():
            while True:
                try:
                    worker = idle.get_nowait()
                except queue.Empty:
                    break
                worker.conn.close()
                worker.process.kill()
                worker.process.join(5)


class CappedEngine:
    """An Engine for one request: runs through the pool and remembers the limit that cut an answer."""

    def __init__(self, pool: WorkerPool) -> None:
        self.pool = pool
        self.truncated = ""

    def select(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> Results:
        answer = self.pool.run(SelectJob(sparql, dict(bindings or {})))
        self.truncated = self.truncated or answer.truncated
        return Results.from_json(answer.body)
