"""Deterministic dumps: the same graph gives the same bytes, so diffs of dumps are reviewable.

Blank nodes get canonical labels (RDF Dataset Canonicalization as implemented by Oxigraph) and
statements are written in sorted order. JSON-LD is compacted with the shipped context, given as
an object so that nothing is fetched.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

import pyoxigraph as ox

if TYPE_CHECKING:
    import rdflib

from kg.errors import InputError
from kg.load import KnowledgeGraph
from kg.namespaces import context, prefixes
from kg.results import Term

#: format name → (Oxigraph format or None for JSON-LD, file suffix, media type)
FORMATS: dict[str, tuple[ox.RdfFormat | None, str, str]] = {
    "turtle": (ox.RdfFormat.TURTLE, "ttl", "text/turtle"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, "nt", "application/n-triples"),
    "nquads": (ox.RdfFormat.N_QUADS, "nq", "application/n-quads"),
    "trig": (ox.RdfFormat.TRIG, "trig", "application/trig"),
    "jsonld": (None, "jsonld", "application/ld+json"),
}


def _key(term: Term | ox.DefaultGraph) -> tuple[int, str]:
    return (0 if isinstance(term, ox.DefaultGraph) else 1, str(term))


def canonical_quads(graph: KnowledgeGraph, kinds: tuple[str, ...] = ()) -> list[ox.Quad]:
    """Every quad of the chosen kinds of graph (all by default), canonicalized and sorted."""
    names = graph.graphs(*kinds) if kinds else None
    source = (
        graph.store
        if names is None
        else (q for name in names for q in graph.store.quads_for_pattern(None, None, None, name))
    )
    dataset = ox.Dataset(source)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return sorted(
        dataset, key=lambda q: (_key(q.graph_name), _key(q.subject), _key(q.predicate), _key(q.object))
    )


def export(graph: KnowledgeGraph, fmt: str = "turtle", kinds: tuple[str, ...] = ()) -> bytes:
    """Serialize the graph (or the graphs of the given kinds) in one of :data:`FORMATS`.

    Turtle and N-Triples hold the union of all graphs; TriG, N-Quads and JSON-LD keep the
    named graphs.

    >>> export(load(), "nquads")[:40]  # doctest: +SKIP
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    return _serialize(canonical_quads(graph, kinds), fmt)


def export_all(graph: KnowledgeGraph) -> dict[str, bytes]:
    """The whole graph in every format of :data:`FORMATS`, from one canonical pass (the build's dumps).

    Canonicalizing and sorting is most of an export's cost, so it is done once, not per format.
    """
    quads = canonical_quads(graph)
    return {fmt: _serialize(quads, fmt) for fmt in FORMATS}


def _serialize(quads: list[ox.Quad], fmt: str) -> bytes:
    rdf_format = FORMATS[fmt][0]
    if rdf_format is None:
        return _jsonld(quads)
    if not rdf_format.supports_datasets:
        triples = sorted(
            {q.triple for q in quads}, key=lambda t: (_key(t.subject), _key(t.predicate), _key(t.object))
        )
        return cast(bytes, ox.serialize(triples, format=rdf_format, prefixes=used_prefixes(triples)))
    return cast(bytes, ox.serialize(quads, format=rdf_format, prefixes=used_prefixes(quads)))


def used_prefixes(statements: list[ox.Quad] | list[ox.Triple]) -> dict[str, str]:
    """Only the prefixes the data uses, so a dump does not declare forty unused ones."""
    iris = {
        t.value for s in statements for t in (s.subject, s.predicate, s.object) if isinstance(t, ox.NamedNode)
    }
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


def _jsonld(quads: list[ox.Quad]) -> bytes:
    import rdflib

    dataset = rdflib.Dataset()
    for q in quads:
        terms = (q.subject, q.predicate, q.object, q.graph_name)
        dataset.add(tuple(rdflib_term(t) for t in terms))  # type: ignore[arg-type]
    text = dataset.serialize(format="json-ld", context=dict(context()), indent=1)
    document = _in_order(json.loads(text))
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _in_order(node: Any, key: str = "") -> Any:
    """The JSON-LD document with every array sorted, so equal graphs give equal bytes.

    JSON-LD arrays are unordered sets, except the items of an ``@list``, which keep their order.
    """
    if isinstance(node, dict):
        return {k: _in_order(v, k) for k, v in node.items()}
    if isinstance(node, list):
        items = [_in_order(item) for item in node]
        return items if key == "@list" else sorted(items, key=lambda i: json.dumps(i, sort_keys=True))
    return node
