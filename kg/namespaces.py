"""Namespaces and the terms the code names: the one home of each IRI constant and of the term type.

Prefixes are read from the shipped JSON-LD context so that there is one list of them.
"""

from __future__ import annotations

import json
from functools import cache, lru_cache

import pyoxigraph as ox

from kg.resources import ontology_dir

BASE = "https://w3id.org/refugee-access/"
GRAPH = BASE + "graph/"
RA = BASE + "def#"
#: Terms a validation report adds to SHACL's: where a result is (docs/validation.md lists them).
REPORT = BASE + "report#"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SH = "http://www.w3.org/ns/shacl#"

RDF_TYPE = RDF + "type"
RDFS_LABEL = RDFS + "label"

#: Any RDF term a query result or a parameter may hold (pyoxigraph has no base class for them).
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@cache
def context() -> dict[str, object]:
    """The JSON-LD ``@context`` object shipped in ``ontology/context.jsonld``."""
    with (ontology_dir() / "context.jsonld").open(encoding="utf-8") as f:
        return json.load(f)["@context"]


@cache
def prefixes() -> dict[str, str]:
    """Prefix → namespace IRI, for every plain prefix entry of the context."""
    return {k: v for k, v in context().items() if isinstance(v, str) and v.endswith(("/", "#"))}


def expand(curie: str) -> str | None:
    """``raplace:kenya`` → full IRI, or None when the prefix is unknown."""
    prefix, sep, local = curie.partition(":")
    ns = prefixes().get(prefix) if sep else None
    return ns + local if ns and not local.startswith("//") else None


@lru_cache(maxsize=4096)  # the network's projection asks for the same few IRIs 10⁵ times at scale
def compact(iri: str) -> str:
    """Full IRI → CURIE with the longest matching namespace, or the IRI unchanged."""
    best = max((ns for ns in prefixes().values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return iri
    prefix = next(p for p, ns in prefixes().items() if ns == best)
    return f"{prefix}:{iri[len(best) :]}"


def text(term: Term | None) -> str:
    """The plain value of a term: the IRI, the literal's lexical form, or ''."""
    if term is None:
        return ""
    return term.value if not isinstance(term, ox.BlankNode) else "_:" + term.value
