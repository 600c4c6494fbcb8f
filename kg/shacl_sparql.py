"""SHACL-SPARQL constraints (``sh:sparql``) run once over the whole store by Oxigraph.

pySHACL runs such a constraint once per focus node through rdflib's SPARQL engine, which is most of
its time on large graphs. Here the shape's targets are joined into the constraint's own query, so
one Oxigraph query answers for every focus node; the results carry the same fields and messages
as pySHACL's (``{$this}``, ``{?value}``… substituted the same way).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib

Term = ox.NamedNode | ox.BlankNode | ox.Literal
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"


@dataclass(frozen=True)
class SparqlConstraint:
    """One ``sh:sparql`` constraint of a shape, with what the report needs about the shape."""

    shape: rdflib.term.Node
    node: rdflib.term.Node
    query: str
    messages: tuple[str, ...]
    severity: str
    path: rdflib.term.Node | None


def _n3(term: rdflib.term.Node) -> str:
    return term.n3()


def _targets(shapes: rdflib.Graph, shape: rdflib.term.Node) -> list[str]:
    """SPARQL patterns binding ?this to each target of the shape (SHACL 2.1)."""
    patterns = []
    for cls in shapes.objects(shape, SH.targetClass):
        patterns.append(f"?this {RDF_TYPE}/{SUBCLASS}* {_n3(cls)} .")
    if (shape, rdflib.RDF.type, rdflib.RDFS.Class) in shapes:  # implicit class target
        patterns.append(f"?this {RDF_TYPE}/{SUBCLASS}* {_n3(shape)} .")
    nodes = list(shapes.objects(shape, SH.targetNode))
    if nodes:
        patterns.append("VALUES ?this { " + " ".join(_n3(n) for n in nodes) + " }")
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        patterns.append(f"?this {_n3(prop)} ?__o .")
    for prop in shapes.objects(shape, SH.targetObjectsOf):
        patterns.append(f"?__s {_n3(prop)} ?this .")
    return patterns


def _prefixes(shapes: rdflib.Graph, constraint: rdflib.term.Node) -> str:
    lines = []
    for holder in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(holder, SH.declare):
            prefix, ns = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
            if prefix is not None and ns is not None:
                lines.append(f"PREFIX {prefix}: <{ns}>")
    return "\n".join(lines)


def _with_targets(select: str, targets: list[str]) -> str | None:
    """The constraint's SELECT with the target patterns joined at the start of its WHERE block."""
    match = re.search(r"\bWHERE\s*\{", select, re.I) or re.search(r"\bSELECT\b[^{]*\{", select, re.I)
    head = re.search(r"\bSELECT\b(.*?)\bWHERE\b", select, re.I | re.S)
    if match is None or head is None:
        return None
    union = " UNION ".join("{ " + t + " }" for t in targets)
    inner = "{ SELECT DISTINCT ?this WHERE { " + union + " } }"
    text = select[: match.end()] + "\n" + inner + "\n" + select[match.end() :]
    projection = head.group(1)
    if "*" not in projection and not re.search(r"[?$]this\b", projection):
        text = text[: head.start(1)] + " ?this" + text[head.start(1) :]
    return text


def split(shapes: rdflib.Graph) -> tuple[rdflib.Graph, list[SparqlConstraint]]:
    """The shapes without their SPARQL constraints (for the core validator), and those constraints.

    Constraints that need what this pass does not offer (``$shapesGraph``, ``$currentShape``,
    ASK validators) stay with the core validator.
    """
    core = rdflib.Graph()
    for triple in shapes:
        core.add(triple)
    taken: list[SparqlConstraint] = []
    for shape, constraint in list(shapes.subject_objects(SH.sparql)):
        select = shapes.value(constraint, SH.select)
        deactivated = shapes.value(constraint, SH.deactivated)
        targets = _targets(shapes, shape)
        if select is None or "$shapesGraph" in str(select) or "$currentShape" in str(select):
            continue
        if not targets:
            continue
        if str(deactivated).lower() != "true":
            text = _with_targets(str(select), targets)
            if text is None:
                continue
            severity = shapes.value(shape, SH.severity) or SH.Violation
            messages = [str(m) for m in shapes.objects(constraint, SH.message)]
            messages += [str(m) for m in shapes.objects(shape, SH.message) if str(m) not in messages]
            taken.append(
                SparqlConstraint(
                    shape=shape,
                    node=constraint,
                    query=_prefixes(shapes, constraint) + "\n" + text,
                    messages=tuple(messages),
                    severity=str(severity).removeprefix(str(SH)),
                    path=shapes.value(shape, SH.path),
                )
            )
        core.remove((shape, SH.sparql, constraint))
        for triple in list(core.triples((constraint, None, None))):
            core.remove(triple)
    return core, taken


@dataclass(frozen=True)
class SparqlResult:
    severity: str
    focus: Term
    path: str
    value: Term | None
    messages: tuple[str, ...]
    shape: rdflib.term.Node


def _text(term: Term | rdflib.term.Node | None) -> str:
    if term is None:
        return ""
    return term.value if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal) else str(term)


def run(store: ox.Store, constraints: list[SparqlConstraint], property_shape: set) -> list[SparqlResult]:
    """Every constraint's violations over the union of the store's graphs.

    The union holds the shapes too; they use only SHACL, RDF and RDFS terms, which the constraints
    do not look for. Naming the data graphs one by one instead makes Oxigraph search each of them
    in turn: sixty times slower with a thousand case graphs.
    """
    found: list[SparqlResult] = []
    for c in constraints:
        seen = set()
        rows = store.query(c.query, use_default_graph_as_union=True)
        assert isinstance(rows, ox.QuerySolutions)
        names = [v.value for v in rows.variables]
        for row in rows:
            bound = {name: row[name] for name in names if row[name] is not None}
            this, path, value = bound.pop("this", None), bound.pop("path", None), bound.pop("value", None)
            key = (this, path, value, tuple(sorted((k, str(v)) for k, v in bound.items())))
            if this is None or key in seen:
                continue
            seen.add(key)
            if value is None and c.shape not in property_shape:
                value = this
            fill = {"this": this, **({"path": path} if path is not None else {}), "value": value, **bound}
            messages = []
            for message in c.messages:
                for var, term in fill.items():
                    if term is not None:
                        message = re.sub("{[?$]" + var + "}", _text(term).replace("\\", "\\\\"), message)
                messages.append(message)
            result_path = _text(path) if path is not None else (str(c.path) if c.path is not None else "")
            found.append(SparqlResult(c.severity, this, result_path, value, tuple(messages), c.shape))
    return found
