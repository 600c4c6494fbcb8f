"""Deterministic dumps: the same graph gives the same bytes, so diffs of dumps are reviewable.

Blank nodes get canonical labels (W3C RDF Dataset Canonicalization, RDFC-1.0, as implemented by
Oxigraph, graph by graph). Each named graph is written as sorted N-Quads lines, graph after graph in
IRI order.
N-Triples is the same lines without the graph name; Turtle and TriG are parsed back from them by
Oxigraph, so the order is the same everywhere and no Python sort key is built per statement.
JSON-LD is compacted with the shipped context (given as an object, so nothing is fetched), one
named graph at a time. Dumps are written as streams: the cost grows with the number of
statements, and memory holds the sorted lines, not a second copy of the graph as Python objects.
"""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import io
import itertools
import json
import os
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

import pyoxigraph as ox

if TYPE_CHECKING:
    import rdflib

from kg import entry_module
from kg.errors import InputError
from kg.load import KnowledgeGraph
from kg.namespaces import Term, context, prefixes

entry_module(__name__)  # `kg.export(...)` calls export() below (see kg.EntryModule)

#: format name → (Oxigraph format or None for JSON-LD, file suffix, media type)
FORMATS: dict[str, tuple[ox.RdfFormat | None, str, str]] = {
    "turtle": (ox.RdfFormat.TURTLE, "ttl", "text/turtle"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, "nt", "application/n-triples"),
    "nquads": (ox.RdfFormat.N_QUADS, "nq", "application/n-quads"),
    "trig": (ox.RdfFormat.TRIG, "trig", "application/trig"),
    "jsonld": (None, "jsonld", "application/ld+json"),
}

GraphName = ox.NamedNode | ox.DefaultGraph
Lines = tuple[GraphName, list[bytes]]  # a graph and its statements as sorted N-Quads lines

#: From this many statements on, JSON-LD is compacted by one worker process per core ...
PARALLEL_JSONLD = 50_000
#: ... in slices of at most this many statements (a worker holds its slice as an rdflib graph: a
#: quarter of 5 million statements took 0.8 GB in each).
JSONLD_SLICE = 50_000

#: N-Triples lines parsed at a time when the union of the graphs is read back as triples.
PARSE_BATCH = 50_000

#: W3C RDFC-1.0 (SHA-256): labels that any implementation of the Recommendation gives alike
#: (tests/test_export.py checks them against pyLD's).
CANONICALIZATION = ox.CanonicalizationAlgorithm.RDFC_1_0

#: file name of the dumps, before the format's suffix (the build's folder and the server's VoID)
DUMP_NAME = "refugee-access"


class CanonicalDump:
    """The graphs of the given kinds (all by default), canonically labelled, ready to write in any format.

    Canonicalizing is done once per dump, however many formats are written from it.
    """

    def __init__(self, graph: KnowledgeGraph, kinds: tuple[str, ...] = ()) -> None:
        store = graph.store
        self.names: list[GraphName] = list(graph.graphs(*kinds))
        if not kinds and next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None):
            self.names.insert(0, ox.DefaultGraph())
        self._store = store

    @cached_property
    def _lines(self) -> dict[GraphName, list[bytes]]:
        """Each graph's statements as sorted N-Quads lines, blank nodes canonically labelled.

        Each graph is canonicalized on its own, which keeps the cost linear in the number of graphs,
        and its labels are prefixed with a digest of the graph's name so that they stay apart. A
        blank node that several graphs share (possible in a TriG or N-Quads file) needs one label
        across them: then the dataset is canonicalized as a whole.
        """
        owner: dict[bytes, GraphName] = {}
        lines: dict[GraphName, list[bytes]] = {}
        for name in self.names:
            # Oxigraph writes the graph; Python only adds the graph's name and sorts the lines.
            text = cast(bytes, self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name))
            if isinstance(name, ox.NamedNode):  # " .\n" ends every line and occurs nowhere else
                text = text.replace(b" .\n", b" " + str(name).encode() + b" .\n")
            if b"_:" in text:
                # Every blank-node label, and maybe text that reads like one: that can only lead to
                # the slower, whole-dataset path, never to a wrong label.
                if any(owner.setdefault(b, name) != name for b in set(_BLANK.findall(text))):
                    return self._lines_of_whole_dataset()
                quads = self._store.quads_for_pattern(None, None, None, name)
                text = _canonical(quads, hashlib.sha256(str(name).encode()).hexdigest()[:16], text)
            lines[name] = sorted(text.splitlines(keepends=True))
        return lines

    def _lines_of_whole_dataset(self) -> dict[GraphName, list[bytes]]:
        chosen = (q for name in self.names for q in self._store.quads_for_pattern(None, None, None, name))
        dataset = ox.Dataset(chosen)
        dataset.canonicalize(CANONICALIZATION)
        return {name: _sorted_lines(dataset.quads_for_graph_name(name)) for name in self.names}

    def _triple_lines(self) -> Iterator[bytes]:
        """The union of all graphs as sorted N-Triples lines (a triple in two graphs is written once).

        Streamed, never held: each graph's lines lose their graph name and stay sorted (what follows
        a statement's object is a space either way, and an object is never the start of a longer
        one followed by a space), so merging the graphs' runs gives the union in order.
        """
        runs: list[Iterable[bytes]] = []
        for name, lines in self._lines.items():
            if isinstance(name, ox.DefaultGraph):
                runs.append(lines)
            else:
                runs.append(_without_graph(lines, name))
        previous = None
        for line in heapq.merge(*runs):
            if line != previous:
                yield line
                previous = line

    def _triples(self) -> Iterator[ox.Triple]:
        """The union of all graphs as triples, parsed a batch of lines at a time."""
        lines = self._triple_lines()
        while batch := b"".join(itertools.islice(lines, PARSE_BATCH)):
            yield from ox.parse(batch, format=ox.RdfFormat.N_TRIPLES)

    @cached_property
    def _prefixes(self) -> dict[str, str]:
        """The prefixes of the namespaces the statements use, read from the IRIs in the lines' subject,
        predicate and object places (the graph name, last on a line, is not one of them)."""
        found = (_IRIS.findall(b"".join(lines)) for lines in self._lines.values())
        return prefixes_of(iri.decode() for matches in found for line in matches for iri in line if iri)

    def write(self, fmt: str, output: BinaryIO, pool: Executor | None = None) -> None:
        """Write the dump in one of :data:`FORMATS` to a binary stream.

        ``pool`` lends worker processes for JSON-LD (the caller may then stop them), which then do
        all of its work, however small: the caller's own process is left free for its next steps.
        Without it, a dump large enough to need workers makes its own.
        """
        if fmt not in FORMATS:
            raise InputError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
        if fmt == "ntriples":
            output.writelines(self._triple_lines())
        elif fmt == "nquads":
            for lines in self._lines.values():
                output.writelines(lines)
        elif fmt == "turtle":
            ox.serialize(self._triples(), output, ox.RdfFormat.TURTLE, prefixes=self._prefixes)
        elif fmt == "trig":
            quads = (q for lines in self._lines.values() for q in _parse(lines))
            ox.serialize(quads, output, ox.RdfFormat.TRIG, prefixes=self._prefixes)
        else:
            self._write_jsonld(output, pool)

    def serialize(self, fmt: str) -> bytes:
        """The dump in one of :data:`FORMATS`, in memory (for small graphs and the server)."""
        output = io.BytesIO()
        self.write(fmt, output)
        return output.getvalue()

    def _write_jsonld(self, output: BinaryIO, pool: Executor | None) -> None:
        """One JSON-LD document, compacted and with every array sorted, written one named graph at a time.

        Compacting is rdflib's work in Python and most of an export's time, so a large dataset is
        compacted by worker processes, in slices of graphs whose order the document keeps.
        """
        output.write(b'{\n "@context": ' + _json(dict(context()), 1) + b',\n "@graph": [')
        graphs = list(self._lines.items())
        statements = sum(len(lines) for lines in self._lines.values())
        workers = os.cpu_count() or 1
        separator = b"\n  "
        with contextlib.ExitStack() as stack:
            small = statements < PARALLEL_JSONLD or workers < 2
            if small and pool is None:
                pieces: Iterable[list[bytes]] = [_jsonld_nodes(graphs)]
            else:
                if pool is None:
                    from kg.processes import process_pool

                    pool = stack.enter_context(process_pool(workers))
                # A small dataset is one piece of work, so that only one worker starts.
                size = statements + 1 if small else min(statements // (4 * workers) + 1, JSONLD_SLICE)
                pieces = pool.map(_jsonld_nodes, _slices(graphs, size))
            for piece in pieces:
                for node in piece:
                    output.write(separator + node)
                    separator = b",\n  "
        output.write(b"\n ]\n}\n")


def _without_graph(lines: list[bytes], name: ox.NamedNode) -> Iterator[bytes]:
    """N-Quads lines of one graph as N-Triples lines: " <graph> .\n" dropped, the line ended again."""
    cut = len(str(name).encode()) + 4
    return (line[:-cut] + b" .\n" for line in lines)


def _slices(graphs: list[Lines], size: int) -> Iterator[list[Lines]]:
    """Consecutive runs of graphs holding about ``size`` statements each."""
    run: list[Lines] = []
    held = 0
    for graph in graphs:
        run.append(graph)
        held += len(graph[1])
        if held >= size:
            yield run
            run, held = [], 0
    if run:
        yield run


def _jsonld_nodes(graphs: list[Lines]) -> list[bytes]:
    """The top-level JSON-LD objects of these graphs, compacted with the shipped context: a named
    graph becomes one object holding its nodes, the default graph's nodes stand on their own."""
    import rdflib

    converter, shared = _converter()
    found = []
    for name, lines in graphs:
        graph = rdflib.Graph()
        for q in _parse(lines):
            graph.add((rdflib_term(q.subject), rdflib_term(q.predicate), rdflib_term(q.object)))
        nodes = _in_order(converter.from_graph(graph))
        if isinstance(name, ox.NamedNode):
            nodes = [{"@id": shared.shrink_iri(name.value), "@graph": nodes}]
        found += [_json(node, 2) for node in nodes]
    return found


@cache
def _converter() -> tuple[Any, Any]:
    """rdflib's JSON-LD converter with the shipped context, made once per process."""
    from rdflib.plugins.serializers.jsonld import Converter
    from rdflib.plugins.shared.jsonld.context import Context

    shared = Context(dict(context()))
    return Converter(shared, use_native_types=False, use_rdf_type=False), shared


def _sorted_lines(quads: Iterable[ox.Quad]) -> list[bytes]:
    return sorted(ox.serialize(quads, format=ox.RdfFormat.N_QUADS).splitlines(keepends=True))


_BLANK = re.compile(rb"_:(\S+)")
#: The IRIs of an N-Quads line's subject, predicate and object (an IRI holds no ">", a literal
#: starts with a quote, a blank node with "_:").
_IRIS = re.compile(rb"^(?:<([^>]*)>|\S+) <([^>]*)> (?:<([^>]*)>)?", re.MULTILINE)


def _canonical(quads: Iterable[ox.Quad], prefix: str, text: bytes) -> bytes:
    """One graph's quads as N-Quads with canonical blank-node labels, each prefixed to keep graphs
    apart; ``text`` is the graph as written before, to see whether a label can be told by its text."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(CANONICALIZATION)
    if b"c14n" in text:  # a literal or IRI might read like a label: relabel term by term
        return cast(bytes, ox.serialize(_prefixed(dataset, prefix), format=ox.RdfFormat.N_QUADS))
    labelled = cast(bytes, ox.serialize(dataset, format=ox.RdfFormat.N_QUADS))
    return labelled.replace(b"_:c14n", f"_:{prefix}c14n".encode())


def _prefixed(quads: Iterable[ox.Quad], prefix: str) -> Iterator[ox.Quad]:
    """The quads with every blank-node label prefixed (canonical labels of one graph made unique)."""

    def term(t: Any) -> Any:
        return ox.BlankNode(prefix + t.value) if isinstance(t, ox.BlankNode) else t

    for q in quads:
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
            q = ox.Quad(term(q.subject), q.predicate, term(q.object), q.graph_name)
        yield q


def _parse(lines: list[bytes]) -> ox.QuadParser:
    return ox.parse(b"".join(lines), format=ox.RdfFormat.N_QUADS)


def _json(value: Any, depth: int) -> bytes:
    """Indented JSON for a value nested ``depth`` levels into the document (strings hold no raw line
    breaks, so every line break is indentation)."""
    text = json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False)
    return text.replace("\n", "\n" + " " * depth).encode()


def export(graph: KnowledgeGraph, fmt: str = "turtle", kinds: tuple[str, ...] = ()) -> bytes:
    """Serialize the graph (or the graphs of the given kinds) in one of :data:`FORMATS`.

    Turtle and N-Triples hold the union of all graphs; TriG, N-Quads and JSON-LD keep the
    named graphs.

    >>> export(load(), "nquads")[:40]  # doctest: +SKIP
    """
    return CanonicalDump(graph, kinds).serialize(fmt)  # an unknown format is refused before any work


def write_all(graph: KnowledgeGraph, folder: Path, stem: str = DUMP_NAME) -> dict[str, Path]:
    """The whole graph in every format of :data:`FORMATS`, as ``stem.suffix`` files (the build's dumps)."""
    dump = CanonicalDump(graph)
    written = {}
    for fmt, (_, suffix, _) in FORMATS.items():
        path = folder / f"{stem}.{suffix}"
        with path.open("wb") as output:
            dump.write(fmt, output)
        written[fmt] = path
    return written


def used_prefixes(statements: list[ox.Quad] | list[ox.Triple]) -> dict[str, str]:
    """Only the prefixes the statements use, so a document does not declare forty unused ones."""
    terms = (t for s in statements for t in (s.subject, s.predicate, s.object))
    return prefixes_of({t.value for t in terms if isinstance(t, ox.NamedNode)})


def prefixes_of(iris: Iterable[str]) -> dict[str, str]:
    """The shipped prefixes whose namespace is the namespace of one of these IRIs."""
    namespaces = {iri.rsplit("#", 1)[0] + "#" if "#" in iri else iri.rsplit("/", 1)[0] + "/" for iri in iris}
    return {p: ns for p, ns in sorted(prefixes().items()) if ns in namespaces}


def rdflib_term(term: Term | ox.DefaultGraph) -> rdflib.term.Node:
    """Oxigraph term → rdflib term, keeping blank-node labels (rdflib's parsers would rename them)."""
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        datatype = None if term.language else rdflib.URIRef(term.datatype.value)
        return rdflib.Literal(term.value, lang=term.language, datatype=datatype)
    return rdflib.graph.DATASET_DEFAULT_GRAPH_ID


def _in_order(node: Any, key: str = "") -> Any:
    """The JSON-LD value with every array sorted, so equal graphs give equal bytes.

    JSON-LD arrays are unordered sets, except the items of an ``@list``, which keep their order.
    """
    if isinstance(node, dict):
        return {k: _in_order(v, k) for k, v in node.items()}
    if isinstance(node, list):
        items = [_in_order(item) for item in node]
        return items if key == "@list" else sorted(items, key=lambda i: json.dumps(i, sort_keys=True))
    return node
