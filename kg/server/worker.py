"""The code that runs inside a query worker process.

A worker loads the same files as the server, cuts itself off from the network where the kernel
allows it (a new, empty network namespace), and answers jobs one at a time: a protocol query
(any form, serialized in the negotiated format) or a SELECT of the core query path. The row cap
is applied while the solutions are read, so a huge answer is never built in full.
"""

from __future__ import annotations

import contextlib
import json
import resource
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

import pyoxigraph as ox

from kg.errors import KGError, QueryError
from kg.load import KnowledgeGraph, LoadedFile, read_file
from kg.namespaces import Term, prefixes
from kg.results import solutions_json, term_json
from kg.server import negotiate
from kg.server.guard import Parser, check_query, has_dataset_clause
from kg.server.isolation import isolate_network
from kg.server.settings import Settings
from kg.sparql_text import substitute

T = TypeVar("T")
Evaluated = ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples


class EngineError(KGError):
    """The engine failed on a valid query: the server's trouble, not the client's."""

    http_status = 500


@dataclass(frozen=True)
class ProtocolJob:
    """A query as received by the SPARQL endpoint."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    accept: str = ""
    format: str | None = None
    base_iri: str | None = None  # relative IRIs in the query resolve against the endpoint's address


@dataclass(frozen=True)
class SelectJob:
    """A SELECT/ASK with parameters bound as terms: the core path of saved queries and pages."""

    sparql: str
    bindings: dict[str, Term]


@dataclass(frozen=True)
class Answer:
    body: bytes
    media_type: str
    truncated: str = ""  # the limit that cut the answer short (``max-rows=…``, ``max-bytes=…``), if any
    form: str = "select"  # select, ask, graph


def parser(options: dict[str, Any]) -> Parser:
    """Oxigraph's parser with the options a query will run with, over an empty store.

    Only queries without SERVICE reach it (see :mod:`kg.server.guard`), and an empty store makes
    their evaluation, where the engine starts it at once (ASK), end at once.
    """
    empty = ox.Store()
    return lambda text: empty.query(text, **options)


def bounded(
    items: Iterator[T], size: Callable[[T], int], max_rows: int, max_bytes: int
) -> tuple[list[T], str]:
    """The first items within ``max_rows`` and about ``max_bytes``, read one at a time, and the
    limit that cut them off ("" when none did): a huge answer is never read in full."""
    taken: list[T] = []
    total = 0
    for item in items:
        if len(taken) == max_rows:
            return taken, f"max-rows={max_rows}"
        total += size(item)
        if total > max_bytes:
            return taken, f"max-bytes={max_bytes}"
        taken.append(item)
    return taken, ""


def written(items: list[T], write: Callable[[list[T]], bytes], max_bytes: int, cut: str) -> tuple[bytes, str]:
    """The items written out, fewer of them while the writing is longer than ``max_bytes``."""
    body = write(items)
    while len(body) > max_bytes and items:
        items = items[: min(len(items) - 1, len(items) * max_bytes // len(body))]
        body = write(items)
        cut = f"max-bytes={max_bytes}"
    return body, cut


def _row_size(row: dict[str, dict[str, Any]]) -> int:
    return sum(len(term["value"]) + 32 for term in row.values() if isinstance(term["value"], str)) + 8


class Worker:
    """One loaded graph answering jobs within the row and byte limits."""

    def __init__(self, graph: KnowledgeGraph, settings: Settings) -> None:
        self.graph = graph
        self.max_rows = settings.max_rows
        self.max_bytes = settings.max_bytes
        self.html_rows = settings.html_rows

    def run(self, job: ProtocolJob | SelectJob) -> Answer:
        if isinstance(job, SelectJob):
            return self.select(job)
        return self.protocol(job)

    def select(self, job: SelectJob) -> Answer:
        """The core query path (as :meth:`kg.load.KnowledgeGraph.select`), as SPARQL JSON."""
        check_query(job.sparql, parser({}))
        text = substitute(job.sparql, job.bindings)
        result = self._evaluate(text, {"use_default_graph_as_union": True})
        if isinstance(result, ox.QueryBoolean):
            return Answer(self._boolean(bool(result), "json"), negotiate.SELECT["json"], form="ask")
        if isinstance(result, ox.QueryTriples):
            raise QueryError("expected a SELECT or ASK query, got CONSTRUCT or DESCRIBE")
        return self._solutions(result, "json")

    def protocol(self, job: ProtocolJob) -> Answer:
        """Any query form, with the protocol's dataset, serialized as negotiated."""
        options: dict[str, Any] = {"prefixes": prefixes(), "base_iri": job.base_iri}
        parse = parser(options)
        try:
            check_query(job.query, parse)
            if job.default_graphs or job.named_graphs:
                options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
                options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
            elif not has_dataset_clause(job.query, parse):
                options["use_default_graph_as_union"] = True
        except SyntaxError as err:  # the options themselves (a default prefix) did not parse
            raise QueryError(f"the query is not valid SPARQL: {err}") from None
        result = self._evaluate(job.query, options)
        if isinstance(result, ox.QueryBoolean):
            fmt = negotiate.choose(negotiate.BOOLEAN, job.accept, job.format)
            return Answer(self._boolean(bool(result), fmt), negotiate.media_type(fmt), form="ask")
        if isinstance(result, ox.QuerySolutions):
            return self._solutions(result, negotiate.choose(negotiate.SELECT, job.accept, job.format))
        return self._triples(result, negotiate.choose(negotiate.GRAPH, job.accept, job.format))

    def _evaluate(
        self, text: str, options: dict[str, Any]
    ) -> ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples:
        try:
            return self.graph.store.query(text, **options)
        except SyntaxError as err:
            raise QueryError(f"the query is not valid SPARQL: {err}") from None
        except (OSError, RuntimeError) as err:
            raise EngineError(f"the query failed in the engine: {err}") from None

    def _rows_for(self, fmt: str) -> int:
        """Rows a format may carry: a page shows fewer (its download links give the rest)."""
        return min(self.max_rows, self.html_rows) if fmt == "html" else self.max_rows

    def _boolean(self, value: bool, fmt: str) -> bytes:
        raw = json.dumps({"head": {}, "boolean": value}).encode()
        return self._convert(raw, fmt)

    def _solutions(self, result: ox.QuerySolutions, fmt: str) -> Answer:
        variables = [v.value for v in result.variables]
        solutions = ({v: term_json(s[v]) for v in variables if s[v] is not None} for s in result)
        try:
            rows, cut = bounded(solutions, _row_size, self._rows_for(fmt), self.max_bytes)
        except (OSError, RuntimeError) as err:
            raise EngineError(f"the query failed in the engine: {err}") from None
        body, cut = written(
            rows, lambda rs: self._convert(solutions_json(variables, rs), fmt), self.max_bytes, cut
        )
        return Answer(body, negotiate.media_type(fmt), cut)

    def _triples(self, result: ox.QueryTriples, fmt: str) -> Answer:
        try:
            triples, cut = bounded(iter(result), lambda t: len(str(t)), self._rows_for(fmt), self.max_bytes)
        except (OSError, RuntimeError) as err:
            raise EngineError(f"the query failed in the engine: {err}") from None
        if fmt == "html":  # shown as a table of statements
            names = ("subject", "predicate", "object")

            def write(ts: list[ox.Triple]) -> bytes:
                return solutions_json(list(names), ({n: term_json(getattr(t, n)) for n in names} for t in ts))

            body, cut = written(triples, write, self.max_bytes, cut)
            return Answer(body, negotiate.media_type(fmt), cut, "graph")

        def serialize(ts: list[ox.Triple]) -> bytes:
            rdf = negotiate.RDF_FORMATS[fmt]
            return ox.serialize(ts, format=rdf, prefixes=_prefixes_for(fmt, ts)) or b""

        body, cut = written(triples, serialize, self.max_bytes, cut)
        return Answer(body, negotiate.media_type(fmt), cut, "graph")

    @staticmethod
    def _convert(raw: bytes, fmt: str) -> bytes:
        if fmt in ("json", "html"):
            return raw
        parsed = ox.parse_query_results(raw, format=ox.QueryResultsFormat.JSON)
        return parsed.serialize(format=negotiate.RESULT_FORMATS[fmt]) or b""


def _prefixes_for(fmt: str, triples: list[ox.Triple]) -> dict[str, str] | None:
    if fmt != "turtle":
        return None
    from kg.export import used_prefixes

    return used_prefixes(triples)


def serve(conn: Connection, files: list[LoadedFile], settings: Settings) -> None:
    """Entry point of a worker process: load, report ready, then answer jobs until the pipe closes."""
    isolated = settings.isolate and isolate_network()
    memory = settings.worker_memory
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    store = ox.Store()
    try:
        for file in files:
            read_file(store, file)
    except KGError as err:
        conn.send(("failed", str(err)))
        return
    worker = Worker(KnowledgeGraph(store, files), settings)
    conn.send(("ready", isolated))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", worker.run(job)))
        except KGError as err:
            conn.send(("error", err.http_status, str(err)))
        except MemoryError:
            conn.send(("error", 503, "the query needed more memory than a query may use"))
        except Exception as err:  # a bug must not take the worker down with the answer unsent
            conn.send(("error", 500, f"the query failed: {type(err).__name__}: {err}"))
