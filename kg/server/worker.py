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
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from kg.errors import KGError, QueryError
from kg.load import KnowledgeGraph, LoadedFile, read_file
from kg.namespaces import Term, prefixes
from kg.results import solutions_json, term_json
from kg.server import negotiate
from kg.server.guard import Parser, check_query, has_dataset_clause
from kg.server.isolation import isolate_network


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
    truncated: bool = False
    form: str = "select"  # select, ask, graph


def parser(options: dict[str, Any]) -> Parser:
    """Oxigraph's parser with the options a query will run with, over an empty store.

    Only queries without SERVICE reach it (see :mod:`kg.server.guard`), and an empty store makes
    their evaluation, where the engine starts it at once (ASK), end at once.
    """
    empty = ox.Store()
    return lambda text: empty.query(text, **options)


def capped(items: Iterator[Any], limit: int) -> tuple[list[Any], bool]:
    """The first ``limit`` items, and whether there were more."""
    taken: list[Any] = []
    for item in items:
        if len(taken) == limit:
            return taken, True
        taken.append(item)
    return taken, False


class Worker:
    """One loaded graph answering jobs."""

    def __init__(self, graph: KnowledgeGraph, max_rows: int) -> None:
        self.graph = graph
        self.max_rows = max_rows

    def run(self, job: ProtocolJob | SelectJob) -> Answer:
        if isinstance(job, SelectJob):
            return self.select(job)
        return self.protocol(job)

    def select(self, job: SelectJob) -> Answer:
        """The core query path (:meth:`kg.load.KnowledgeGraph.select_json`), rows capped afterwards."""
        check_query(job.sparql, parser({}))
        raw = self.graph.select_json(job.sparql, job.bindings)
        parsed = json.loads(raw)
        if "boolean" in parsed:
            return Answer(raw, negotiate.SELECT["json"], form="ask")
        bindings = parsed["results"]["bindings"]
        if len(bindings) <= self.max_rows:
            return Answer(raw, negotiate.SELECT["json"])
        parsed["results"]["bindings"] = bindings[: self.max_rows]
        return Answer(
            json.dumps(parsed, ensure_ascii=False).encode(), negotiate.SELECT["json"], truncated=True
        )

    def protocol(self, job: ProtocolJob) -> Answer:
        """Any query form, with the protocol's dataset, serialized as negotiated."""
        options: dict[str, Any] = {"prefixes": prefixes(), "base_iri": job.base_iri}
        try:
            parse = parser(options)
            check_query(job.query, parse)
            if job.default_graphs or job.named_graphs:
                options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
                options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
            elif not has_dataset_clause(job.query, parse):
                options["use_default_graph_as_union"] = True
            result = self.graph.store.query(job.query, **options)
            if isinstance(result, ox.QueryBoolean):
                fmt = negotiate.choose(negotiate.BOOLEAN, job.accept, job.format)
                return Answer(self._boolean(bool(result), fmt), negotiate.media_type(fmt), form="ask")
            if isinstance(result, ox.QuerySolutions):
                fmt = negotiate.choose(negotiate.SELECT, job.accept, job.format)
                return self._solutions(result, fmt)
            fmt = negotiate.choose(negotiate.GRAPH, job.accept, job.format)
            return self._triples(result, fmt)
        except SyntaxError as err:
            raise QueryError(f"the query is not valid SPARQL: {err}") from None
        except (OSError, RuntimeError) as err:
            raise QueryError(f"the query failed: {err}") from None

    def _boolean(self, value: bool, fmt: str) -> bytes:
        raw = json.dumps({"head": {}, "boolean": value}).encode()
        return self._convert(raw, fmt)

    def _solutions(self, result: ox.QuerySolutions, fmt: str) -> Answer:
        variables = [v.value for v in result.variables]
        solutions, truncated = capped(iter(result), self.max_rows)
        rows = ({v: term_json(s[v]) for v in variables if s[v] is not None} for s in solutions)
        raw = solutions_json(variables, rows)
        return Answer(self._convert(raw, fmt), negotiate.media_type(fmt), truncated)

    def _triples(self, result: ox.QueryTriples, fmt: str) -> Answer:
        triples, truncated = capped(iter(result), self.max_rows)
        if fmt == "html":  # shown as a table of statements
            names = ("subject", "predicate", "object")
            rows = ({n: term_json(getattr(t, n)) for n in names} for t in triples)
            return Answer(solutions_json(list(names), rows), negotiate.media_type(fmt), truncated, "graph")
        body = (
            ox.serialize(triples, format=negotiate.RDF_FORMATS[fmt], prefixes=_prefixes_for(fmt, triples))
            or b""
        )
        return Answer(body, negotiate.media_type(fmt), truncated, "graph")

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


def serve(conn: Connection, files: list[LoadedFile], max_rows: int, memory: int, isolate: bool) -> None:
    """Entry point of a worker process: load, report ready, then answer jobs until the pipe closes."""
    isolated = isolate and isolate_network()
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    store = ox.Store()
    try:
        for file in files:
            read_file(store, file)
    except KGError as err:
        conn.send(("failed", str(err)))
        return
    worker = Worker(KnowledgeGraph(store, files), max_rows)
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
