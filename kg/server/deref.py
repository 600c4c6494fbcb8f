"""Dereferenceable IRIs: the persistent namespace https://w3id.org/refugee-access/ mapped onto this
server's root, following Cool URIs for the Semantic Web.

Slash IRIs (``/id/...``, ``/concept/...``, ``/graph/...``) name things, not documents, so they
answer ``303 See Other`` pointing at a document chosen by ``Accept``: ``.html`` for people,
``.ttl``, ``.jsonld`` or ``.nt`` for programs. The ontology uses hash IRIs (``/def#Term``): ``/def``
is itself the document and is negotiated in place. Unknown IRIs get 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kg.namespaces import BASE, RDF_TYPE, Term
from kg.resources import package_file
from kg.server import negotiate
from kg.server.limits import truncation
from kg.server.pool import CappedEngine
from kg.server.state import ServerState, state_of
from kg.server.view import TermView, term_view

Row = dict[str, Any]  # one solution: variable → RDF term

#: document suffix → format key, and the formats offered for documents (data first for */*)
SUFFIXES = {".html": "html", ".ttl": "turtle", ".jsonld": "jsonld", ".nt": "ntriples"}
OFFERS = {
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "ntriples": "application/n-triples",
    "html": "text/html",
}
HASH_DOCUMENTS = {"def"}  # paths whose IRIs are hash IRIs: the path is the document
LABELS = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "https://schema.org/name",
    "http://purl.org/dc/terms/title",
)
SOURCE_PROPERTIES = ("http://purl.org/dc/terms/source", "http://www.w3.org/ns/prov#wasDerivedFrom")


@dataclass
class Fact:
    property: TermView
    value: TermView
    graph: TermView
    nested: list[Fact] = field(default_factory=list)


@dataclass
class Entity:
    """What the dataset says about one IRI, ready for a page or a document."""

    iri: str
    rows: list[dict[str, Any]]
    statements_in_graph: int
    truncated: str  # the limit that cut the rows short, if any

    @property
    def known(self) -> bool:
        return bool(self.rows) or self.statements_in_graph > 0

    def _rows(self, direction: str) -> list[dict[str, Any]]:
        return [r for r in self.rows if r["direction"].value == direction]

    def label(self) -> str:
        candidates = [
            r
            for r in self._rows("out")
            if r["property"].value in LABELS and isinstance(r["value"], ox.Literal)
        ]
        candidates.sort(
            key=lambda r: (LABELS.index(r["property"].value), r["value"].language not in ("en", None))
        )
        return candidates[0]["value"].value if candidates else self.iri

    def types(self) -> list[TermView]:
        return [_view(r, "value") for r in self._rows("out") if r["property"].value == RDF_TYPE]

    def facts(self) -> list[Fact]:
        nested: dict[str, list[Fact]] = {}
        for r in self._rows("nested"):
            nested.setdefault(r["node"].value, []).append(_fact(r))
        facts = []
        for r in self._rows("out"):
            if r["property"].value == RDF_TYPE:
                continue
            fact = _fact(r)
            if isinstance(r["value"], ox.BlankNode):
                fact.nested = nested.get(r["value"].value, [])
            facts.append(fact)
        return sorted(facts, key=lambda f: (f.property.text.lower(), f.value.text))

    def incoming(self) -> list[Fact]:
        return sorted(
            (_fact(r) for r in self._rows("in")), key=lambda f: (f.property.text.lower(), f.value.text)
        )

    def sources(self) -> list[TermView]:
        found: dict[str, TermView] = {}
        for r in self.rows:
            if "source" in r:
                found[r["source"].value] = _view(r, "source", "sourceLabel")
            if r["direction"].value == "out" and r["property"].value in SOURCE_PROPERTIES:
                found.setdefault(r["value"].value, _view(r, "value", "valueLabel"))
        return sorted(found.values(), key=lambda v: v.text)

    def graphs(self) -> list[TermView]:
        return sorted(
            {r["graph"].value: term_view(r["graph"]) for r in self.rows}.values(), key=lambda v: v.text
        )

    def triples(self) -> list[ox.Triple]:
        """The entity's own statements and those of its unnamed nodes: its RDF document."""
        subject = ox.NamedNode(self.iri)
        found = {ox.Triple(subject, r["property"], r["value"]) for r in self._rows("out")}
        found |= {ox.Triple(r["node"], r["property"], r["value"]) for r in self._rows("nested")}
        return sorted(found, key=str)


def _view(row: dict[str, Any], name: str, label: str | None = None) -> TermView:
    text = row[label].value if label and label in row else None
    return term_view(row.get(name), text)


def _fact(row: dict[str, Any]) -> Fact:
    return Fact(
        _view(row, "property", "propertyLabel"), _view(row, "value", "valueLabel"), _view(row, "graph")
    )


def _dedupe(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per statement (several labels would repeat it), the first label kept."""
    seen: dict[tuple[str, ...], dict[str, Any]] = {}
    for row in rows:
        key = tuple(str(row.get(v)) for v in ("direction", "node", "property", "value", "graph"))
        seen.setdefault(key, row)
    return list(seen.values())


def fetch_entity(state: ServerState, iri: str) -> Entity:
    """Run the entity queries through the workers (time-limited, rows capped)."""
    engine = CappedEngine(state.pool)
    term: dict[str, Term] = {"_entity": ox.NamedNode(iri)}
    query = package_file("server", "sparql", "entity.rq").read_text(encoding="utf-8")
    rows = _dedupe(engine.select(query, term).rows)
    size_query = package_file("server", "sparql", "graph-size.rq").read_text(encoding="utf-8")
    size = engine.select(size_query, term).rows
    statements = int(size[0]["statements"].value) if size and "statements" in size[0] else 0
    return Entity(iri, rows, statements, engine.truncated)


async def entity(state: ServerState, iri: str) -> Entity:
    key = ("entity", iri)
    found: Entity | None = state.cache.get(key)
    if found is None:
        found = await state.querying(fetch_entity, state, iri)
        state.cache.put(key, found, 512 + 256 * len(found.rows))
    return found


def _iri_of(path: str) -> str:
    try:
        return ox.NamedNode(BASE + path).value
    except ValueError:
        raise HTTPException(404) from None


async def resource(request: Request) -> Response:
    path: str = request.path_params["path"]
    stem, dot, suffix = path.rpartition(".")
    if dot and "/" not in suffix and f".{suffix}" in SUFFIXES:
        return await document(request, stem, SUFFIXES[f".{suffix}"])
    state = state_of(request)
    accept = request.headers.get("accept", "")
    if path in HASH_DOCUMENTS:
        fmt = negotiate.choose(OFFERS, accept, request.query_params.get("format"))
        response = await document(request, path, fmt)
        response.headers["Vary"] = "Accept"
        response.headers["Content-Location"] = f"/{path}{_suffix(fmt)}"
        return response
    found = await entity(state, _iri_of(path))
    if not found.known:
        raise HTTPException(404)
    fmt = negotiate.choose(OFFERS, accept, request.query_params.get("format"))
    target = "/" + quote(path, safe="/:@!$&'()*+,;=-._~") + _suffix(fmt)
    return RedirectResponse(target, status_code=303, headers={"Vary": "Accept"})


def _suffix(fmt: str) -> str:
    return next(s for s, f in SUFFIXES.items() if f == fmt)


async def document(request: Request, path: str, fmt: str) -> Response:
    """The document about an IRI in one format."""
    state = state_of(request)
    if path in HASH_DOCUMENTS:
        return await _hash_document(request, state, fmt)
    found = await entity(state, _iri_of(path))
    if not found.known:
        raise HTTPException(404)
    headers = truncation(found.truncated)
    if fmt == "html":
        response = await state.blocking(state.render, request, "entity.html", entity=found, path=path)
        response.headers.update(headers)
        return response
    body = await state.blocking(_serialize, found.triples(), fmt)
    return Response(body, media_type=negotiate.media_type(fmt), headers=headers)


def _serialize(triples: list[ox.Triple], fmt: str) -> bytes:
    from kg.export import used_prefixes

    prefixes = used_prefixes(triples) if fmt == "turtle" else None
    return ox.serialize(triples, format=negotiate.RDF_FORMATS[fmt], prefixes=prefixes) or b""


async def _hash_document(request: Request, state: ServerState, fmt: str) -> Response:
    """The ontology document: its documentation page, or the ontology graph as exported."""
    if fmt == "html":
        from kg.server.pages import ontology

        return await ontology(request)
    from kg.export import FORMATS, export

    key = ("ontology-export", fmt)
    body: bytes | None = state.cache.get(key)
    if body is None:
        body = await state.blocking(export, state.graph, fmt, ("ontology",))
        state.cache.put(key, body, len(body))
    return Response(body, media_type=FORMATS[fmt][2])
