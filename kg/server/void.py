"""The dataset description at ``/.well-known/void`` (VoID and DCAT 3) and the dumps it lists.

Figures (statements, graphs, vocabularies, dump sizes) are counted by the store, by the queries in
``sparql/void-*.rq``, once; the fixed part (title, licence, publisher) is a Turtle file beside this module.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from kg import __version__
from kg.export import DUMP_NAME, CanonicalDump
from kg.export import FORMATS as DUMP_FORMATS
from kg.namespaces import BASE, RDF_TYPE, XSD
from kg.resources import package_file
from kg.server import negotiate
from kg.server.state import ServerState, state_of

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
IANA = "https://www.iana.org/assignments/media-types/"
PREFIXES = {"void": VOID, "dcat": DCAT, "dcterms": DCTERMS, "xsd": XSD, "foaf": "http://xmlns.com/foaf/0.1/"}


@dataclass(frozen=True)
class Statistics:
    """The dataset's figures: statements per named graph, distinct triples, vocabularies used."""

    graphs: dict[str, int]
    triples: int
    vocabularies: set[str]


def dumps(state: ServerState) -> dict[str, tuple[bytes, str]]:
    """File name → (bytes, media type) for every export format; made once, on first use."""

    def make() -> dict[str, tuple[bytes, str]]:
        dump = CanonicalDump(state.graph)
        return {
            f"{DUMP_NAME}.{suffix}": (dump.serialize(fmt), media)
            for fmt, (_, suffix, media) in DUMP_FORMATS.items()
        }

    return state.dumps.get(make)


def statistics(state: ServerState) -> Statistics:
    """Statement counts per graph, distinct triples, and the vocabularies used (namespaces of terms)."""

    def count() -> Statistics:
        graph = state.graph
        per_graph = graph.select(_query("void-graphs.rq"))
        triples = graph.select(_query("void-triples.rq"))
        terms = graph.select(_query("void-terms.rq"))
        return Statistics(
            graphs={row["graph"].value: int(row["statements"].value) for row in per_graph.rows},
            triples=int(triples.rows[0]["triples"].value),
            vocabularies={_namespace(row["term"].value) for row in terms.rows},
        )

    return state.statistics.get(count)


def _query(name: str) -> str:
    return package_file("server", "sparql", name).read_text(encoding="utf-8")


def _namespace(iri: str) -> str:
    return iri.rsplit("#", 1)[0] + "#" if "#" in iri else iri.rsplit("/", 1)[0] + "/"


def _count(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def describe(state: ServerState, base: str) -> list[ox.Triple]:
    """The VoID/DCAT description as triples; relative IRIs of the template resolve against ``base``."""
    text = package_file("server", "rdf", "void.ttl").read_text(encoding="utf-8")
    triples = [q.triple for q in ox.parse(text, format=ox.RdfFormat.TURTLE, base_iri=base)]
    stats = statistics(state)
    dataset = ox.NamedNode(BASE)

    def add(s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
        triples.append(ox.Triple(s, ox.NamedNode(p), o))

    add(dataset, VOID + "triples", _count(stats.triples))
    add(dataset, DCAT + "version", ox.Literal(__version__))
    add(dataset, VOID + "sparqlEndpoint", ox.NamedNode(base + "sparql"))
    for namespace in sorted(stats.vocabularies):
        add(dataset, VOID + "vocabulary", ox.NamedNode(namespace))
    for name, count in sorted(stats.graphs.items()):
        graph = ox.NamedNode(name)
        add(dataset, VOID + "subset", graph)
        add(graph, RDF_TYPE, ox.NamedNode(VOID + "Dataset"))
        add(graph, VOID + "triples", _count(count))
    for file_name, (body, media) in dumps(state).items():
        url = ox.NamedNode(f"{base}dumps/{file_name}")
        distribution = ox.BlankNode()
        add(dataset, VOID + "dataDump", url)
        add(dataset, DCAT + "distribution", distribution)
        add(distribution, RDF_TYPE, ox.NamedNode(DCAT + "Distribution"))
        add(distribution, DCAT + "downloadURL", url)
        add(distribution, DCAT + "mediaType", ox.NamedNode(IANA + media))
        add(distribution, DCAT + "byteSize", _count(len(body)))
        add(distribution, DCTERMS + "title", ox.Literal(f"All graphs as {media}", language="en"))
    return triples


def _base(request: Request) -> str:
    from kg.server.sparql import _base as base_of

    return base_of(request)


async def description(request: Request) -> Response:
    state = state_of(request)
    offers = {k: v for k, v in negotiate.GRAPH.items() if k != "html"}
    fmt = negotiate.choose(offers, request.headers.get("accept", ""), request.query_params.get("format"))
    base = _base(request)
    key = ("void", base, fmt)
    body: bytes | None = state.cache.get(key)
    if body is None:
        triples = await state.blocking(describe, state, base)
        prefixes = PREFIXES if fmt == "turtle" else None
        body = ox.serialize(triples, format=negotiate.RDF_FORMATS[fmt], prefixes=prefixes) or b""
        state.cache.put(key, body, len(body))
    return Response(body, media_type=negotiate.media_type(fmt), headers={"Vary": "Accept"})


async def dump(request: Request) -> Response:
    state = state_of(request)
    files = await state.blocking(dumps, state)
    name = request.path_params["name"]
    if name not in files:
        raise HTTPException(404)
    body, media = files[name]
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
