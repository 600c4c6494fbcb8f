"""SHACL checked by pySHACL, the reference engine in Python: ``kg validate --engine pyshacl``.

rudof (kg.shacl_core) is the default because it is fast; pySHACL is the library most SHACL users
know, and slower. Both engines' results become the same report (kg.validate), so a curator can
check one engine's verdict with the other (tests/test_validate_scaling.py shows they agree on the
shipped data and on every shape fixture). Nothing is fetched: no OWL imports, no inference.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.namespaces import SH
from kg.shacl_core import RawResult

if TYPE_CHECKING:
    import rdflib

    from kg.load import KnowledgeGraph


def data_graph(graph: KnowledgeGraph, *kinds: str) -> rdflib.Graph:
    """The graphs of the given kinds as one rdflib graph, keeping the store's blank-node labels."""
    import rdflib

    from kg.export import rdflib_term

    copy = rdflib.Graph()
    for name in graph.graphs(*kinds):
        for q in graph.store.quads_for_pattern(None, None, None, name):
            copy.add((rdflib_term(q.subject), rdflib_term(q.predicate), rdflib_term(q.object)))
    return copy


def _text(node: rdflib.term.Node | None) -> str:
    """A report's node as the engines exchange it: an IRI, ``_:label`` or a literal's lexical form."""
    import rdflib

    if node is None:
        return ""
    return f"_:{node}" if isinstance(node, rdflib.BNode) else str(node)


def check(data: rdflib.Graph, shapes: rdflib.Graph) -> list[RawResult]:
    """Every top-level result of pySHACL, in the form rudof's results take (kg.shacl_core.RawResult).

    pySHACL also lists the nested results of a failed ``sh:node`` (its ``sh:detail``) as results;
    they repeat the outer one in the engine's default words, and rudof does not give them.
    """
    import pyshacl
    import rdflib

    sh = rdflib.Namespace(SH)
    _, report, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
        advanced=True,
        do_owl_imports=False,
    )
    found: list[RawResult] = []
    for result in report.objects(None, sh.result):
        path = report.value(result, sh.resultPath)
        value = report.value(result, sh.value)
        found.append(
            (
                str(report.value(result, sh.resultSeverity)).removeprefix(SH),
                _text(report.value(result, sh.focusNode)),
                str(path) if isinstance(path, rdflib.URIRef) else "",
                str(value).removeprefix("_:") if value is not None else "",
                " ".join(sorted(str(m) for m in report.objects(result, sh.resultMessage))),
                _text(report.value(result, sh.sourceShape)),
                str(report.value(result, sh.sourceConstraintComponent) or ""),
            )
        )
    return found
