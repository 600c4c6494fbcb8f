"""The one projection of the graph to NetworkX, shared by every analysis and diagram.

Nodes are typed (organisation, government, official, intervention, barrier, population, place,
scheme); edges keep the relation they stand for, the named graph (file) they were read from and
that file's source document. Engagements, being n-ary facts, become engager → engaged-party edges
that carry the engagement's level, rank and mode. Reading the RDF happens here only, through
``projection.rq`` (and ``projection-labels.rq`` for the edges' labels), so that every view of the
network agrees.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.namespaces import compact, text
from kg.resources import package_file

if TYPE_CHECKING:
    import networkx as nx

    from kg.query import Engine

RA = "https://w3id.org/refugee-access/def#"
CONCEPT = "https://w3id.org/refugee-access/concept/"

#: rdf:type (or concept scheme) → node type. Order matters: the first type found wins.
NODE_TYPES: dict[str, str] = {
    RA + "Official": "official",
    RA + "GovernmentBody": "government",
    RA + "GovernmentUnit": "government",
    RA + "Intervention": "intervention",
    RA + "PublicScheme": "scheme",
    RA + "NonGovernmentalOrganisation": "organisation",
    RA + "InternationalOrganisation": "organisation",
    RA + "ResearchBody": "organisation",
    RA + "Network": "organisation",
    RA + "CoordinationMechanism": "organisation",
    "http://www.w3.org/ns/org#OrganizationalUnit": "organisation",
    CONCEPT + "barrier": "barrier",
    CONCEPT + "population": "population",
    "https://schema.org/Country": "place",
    "https://schema.org/City": "place",
    "https://schema.org/AdministrativeArea": "place",
    "https://schema.org/Continent": "place",
}

#: Edge labels where neither the property's rdfs:label nor its local name would read right: an
#: engagement is a node, not a property; the three barrier roles must read differently (only the
#: first is "addressed"); the reused terms have no label in the graph.
RELATION_LABELS = {
    "ra:Engagement": "engages",
    "ra:addressesBarrier": "addresses",
    "ra:contextBarrier": "documents in its context",
    "ra:encounteredChallenge": "met while implementing",
    "dcterms:spatial": "place",
    "schema:containedInPlace": "part of",
    "org:memberOf": "member of",
    "org:unitOf": "unit of",
    "org:subOrganizationOf": "part of",
}

#: Node types that act: the actor network is made of these.
ACTOR_TYPES = ("organisation", "government", "official")


@dataclass(frozen=True)
class NodeType:
    """How a node type is named and drawn (shared by the HTML and static diagrams)."""

    label: str
    colour: str
    shape: str  # vis-network shape
    marker: str  # matplotlib marker


STYLE: dict[str, NodeType] = {
    "organisation": NodeType("organisation", "#1f77b4", "dot", "o"),
    "government": NodeType("government body", "#d62728", "square", "s"),
    "official": NodeType("official", "#ff7f0e", "triangle", "^"),
    "intervention": NodeType("intervention", "#2ca02c", "star", "*"),
    "barrier": NodeType("barrier", "#7f7f7f", "diamond", "D"),
    "population": NodeType("population group", "#9467bd", "ellipse", "h"),
    "place": NodeType("place", "#8c564b", "triangleDown", "v"),
    "scheme": NodeType("public scheme", "#17becf", "box", "p"),
}


def _node_type(classes: set[str]) -> str | None:
    return next((kind for cls, kind in NODE_TYPES.items() if cls in classes), None)


def _pick(values: set[str]) -> str:
    """One value out of several, chosen the same way every time."""
    return sorted(values)[0] if values else ""


def project(engine: Engine) -> nx.MultiDiGraph:
    """The typed, sourced network of a loaded graph (or any engine that answers SPARQL).

    Node attributes: type, kind (class), label, description, code, sources, serves ("refugees or
    migrants", "other groups" or "" from ra:servesPopulation, so that analyses group actors by what
    the model says they are).
    Edge attributes: relation (CURIE), label, graph, source, source_label, via (IRI of the
    n-ary fact behind the edge, or ''), via_label, level, rank, mode (CURIEs joined by ', ').

    >>> G = project(load())  # doctest: +SKIP
    >>> G.nodes["https://w3id.org/refugee-access/id/case/kenya-nhif-refugee-enrolment/refugepoint"]["type"]
    'organisation'
    """
    import networkx as nx

    sparql = package_file("network", "projection.rq").read_text(encoding="utf-8")
    rows = engine.select(sparql).rows
    labels = package_file("network", "projection-labels.rq").read_text(encoding="utf-8")
    relation_labels: dict[str, set[str]] = defaultdict(set)
    for row in engine.select(labels).rows:
        relation_labels[text(row["relation"])].add(text(row["relationLabel"]))
    nodes: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    edges: dict[tuple[str, str, str, str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in rows:
        value = {k: text(v) for k, v in row.items()}
        if value["part"] == "node":
            info = nodes[value["subject"]]
            for field in ("object", "label", "description", "code", "graph", "source"):
                if value.get(field):
                    info[field].add(value[field])
        elif value["part"] == "serves":
            nodes[value["subject"]]["serves"].add(value["label"])
        else:
            key = (value["subject"], value["relation"], value["object"], value.get("via", ""), value["graph"])
            attrs = edges[key]  # created even when the edge has no attribute
            for attr in ("level", "rank", "mode", "source", "sourceLabel", "viaLabel"):
                if value.get(attr):
                    attrs[attr].add(value[attr])
    graph = nx.MultiDiGraph()
    for iri in sorted(nodes):
        info = nodes[iri]
        kind = _node_type(info["object"])
        if kind is None:
            continue
        classes = sorted(compact(c) for c in info["object"])
        graph.add_node(
            iri,
            type=kind,
            kind=", ".join(classes),
            label=_label(info["label"], iri),
            description=_pick(info["description"]),
            code=_pick(info["code"]),
            sources=", ".join(sorted(info["source"])),
            serves=", ".join(sorted(info["serves"])),
        )
    for (subject, relation, obj, via, named_graph), attrs in sorted(edges.items()):
        if subject not in graph or obj not in graph or subject == obj:
            continue
        rel = compact(relation)
        graph.add_edge(
            subject,
            obj,
            key=f"{rel} {via}".strip(),
            relation=rel,
            label=RELATION_LABELS.get(rel)
            or _pick(relation_labels[relation])
            or words(rel.partition(":")[2] or rel),
            graph=named_graph,
            source=_pick(attrs["source"]),
            source_label=_pick(attrs["sourceLabel"]),
            via=via,
            via_label=_pick(attrs["viaLabel"]),
            level=", ".join(sorted(compact(v) for v in attrs["level"])),
            rank=", ".join(sorted(compact(v) for v in attrs["rank"])),
            mode=", ".join(sorted(compact(v) for v in attrs["mode"])),
        )
    # concepts (barrier types, population groups) and places matter only where something links them
    unused = [
        n for n, d in graph.nodes(data=True) if d["type"] in ("barrier", "population") and not graph.degree(n)
    ]
    graph.remove_nodes_from(unused)
    return graph


def words(name: str) -> str:
    """A camelCase local name in plain words (``servesPopulation`` → ``serves population``)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()


def _label(values: set[str], iri: str) -> str:
    return _pick(values) or iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
