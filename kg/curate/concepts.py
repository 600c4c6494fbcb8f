"""Concepts for choosing (``kg concepts``) and a workspace's own concepts, accepted by validation.

A workspace may add concepts in its ``concepts/`` folder, each narrower (``skos:broader``) than a
shipped concept of the same scheme. The shapes list the shipped concepts (``sh:in``); a value that
is a well-formed local concept is therefore accepted here, and marked as local in the report, and
analyses count it under its broader concept's access dimension (queries follow ``skos:broader*``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import pyoxigraph as ox

from kg.load import KnowledgeGraph
from kg.namespaces import compact
from kg.report import Violation
from kg.resources import package_file

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class Concept:
    """One concept as a curator chooses it."""

    iri: str
    scheme: str
    label: str
    definition: str
    broader: str
    dimension: str
    local: bool


@cache
def _sparql() -> str:
    return package_file("curate", "sparql", "concepts.rq").read_text(encoding="utf-8")


@cache
def shipped_concepts() -> frozenset[str]:
    """The concepts the package ships: a workspace's copy of a shipped scheme defines no local one."""
    from kg.load import FORMATS, shipped_files

    found: set[str] = set()
    for file in shipped_files():
        if file.kind == "concepts":
            for triple in ox.parse(path=str(file.path), format=FORMATS[file.path.suffix]):
                if triple.predicate.value == RDF_TYPE and triple.object == ox.NamedNode(SKOS + "Concept"):
                    found.add(triple.subject.value)
    return frozenset(found)


def concepts(graph: KnowledgeGraph) -> list[Concept]:
    """Every concept of the loaded schemes (the workspace's included), in scheme order."""
    local = {f.graph for f in graph.files if f.kind == "concepts" and f.origin != "shipped"}
    shipped = shipped_concepts()
    found: dict[str, Concept] = {}
    for row in graph.select(_sparql()).rows:
        iri = row["concept"].value
        if iri in found:
            continue

        def text(name: str, row: dict[str, Any] = row) -> str:
            term = row.get(name)
            return str(term.value) if term is not None else ""

        found[iri] = Concept(
            iri=iri,
            scheme=text("scheme"),
            label=text("label"),
            definition=text("definition"),
            broader=text("broader"),
            dimension=text("dimension"),
            local=text("graph") in local and iri not in shipped,
        )
    return list(found.values())


def in_scheme(items: list[Concept], scheme: str | None) -> list[Concept]:
    """The concepts of one scheme, named by its last path segment (barrier) or its IRI."""
    if not scheme:
        return items
    return [c for c in items if c.scheme == scheme or c.scheme.rstrip("/").rsplit("/", 1)[-1] == scheme]


def local_concept_results(graph: KnowledgeGraph, results: list[Violation]) -> list[Violation]:
    """The results with those about a well-formed local concept dropped, and the local concepts marked.

    A local concept is well formed when it is narrower than a concept of the same scheme that the
    shipped graph defines, and has a label and a definition; otherwise it is reported, once.
    """
    items = {c.iri: c for c in concepts(graph)}
    local = {iri: c for iri, c in items.items() if c.local}
    if not local:
        return results
    files = {
        f.graph: f.path for f in graph.files if f.kind == "concepts" and f.origin != "shipped" and f.graph
    }

    def shipped_ancestor(concept: Concept) -> Concept | None:
        seen: set[str] = set()
        current: Concept | None = concept
        while current is not None and current.broader and current.iri not in seen:
            seen.add(current.iri)
            current = items.get(current.broader)
            if current is not None and not current.local:
                return current
        return None

    kept: list[Violation] = []
    accepted = {
        iri for iri, c in local.items() if shipped_ancestor(c) is not None and c.label and c.definition
    }
    for r in results:
        if (
            r.value
            and (r.value in accepted or _expand(r.value) in accepted)
            and not r.shape.startswith("curation")
        ):
            continue
        kept.append(r)
    for iri, concept in sorted(local.items()):
        ancestor = shipped_ancestor(concept)
        where = next(
            (str(p) for g, p in files.items() if _defines(graph, g, iri)),
            "",
        )
        if iri in accepted and ancestor is not None:
            dimension = f"; analyses count it under {compact(concept.dimension)}" if concept.dimension else ""
            message = f"Local concept of this workspace, narrower than {compact(ancestor.iri)}{dimension}."
            severity = "Info"
        else:
            message = (
                f"The local concept {compact(iri)} needs skos:broader pointing to a shipped concept of "
                f"its scheme, an English skos:prefLabel and a skos:definition (see `kg concepts`)."
            )
            severity = "Violation"
        kept.append(
            Violation(
                severity=severity,
                focus=iri,
                label=concept.label or compact(iri),
                path="skos:broader",
                message=message,
                shape="curation: local concept",
                file=where,
                line=None,
            )
        )
    return kept


def _defines(graph: KnowledgeGraph, name: str, iri: str) -> bool:
    return (
        next(graph.store.quads_for_pattern(ox.NamedNode(iri), None, None, ox.NamedNode(name)), None)
        is not None
    )


def _expand(value: str) -> str:
    from kg.namespaces import expand

    return expand(value) or value
