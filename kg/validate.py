"""SHACL validation with a report a curator can act on, fast on large graphs.

The data graphs (cases, reference, external, extra files) are validated together with the ontology
and concept schemes, so that class targets reach subclasses and concept checks see the schemes.
The shapes (SHACL Core) run in rudof (kg.shacl_core), on chunks of case graphs in parallel
processes when the graph is large; misspelt terms are the curation hints' (kg.curate.hints), so
each mistake is reported once. Nothing is fetched. The SHACL results are the ones pySHACL gives on
the whole graph (tests/test_validate_scaling.py checks this).

For a curator, :func:`curator_checks` adds what only their workspace can tell (evidence phrases
against their source texts, their own concepts) and :func:`about` keeps the results about the
files they named.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

if TYPE_CHECKING:
    import rdflib

from kg import entry_module
from kg.errors import InputError
from kg.load import DATA_KINDS, KnowledgeGraph
from kg.namespaces import SH
from kg.report import ValidationReport, Violation, locate
from kg.shacl_core import RawResult

entry_module(__name__)  # `kg.validate(...)` calls validate() below (see kg.EntryModule)

__all__ = ["ValidationReport", "Violation", "validate"]  # the report's types, where callers found them


#: Above this many data statements, validation is split into chunks run in parallel processes.
PARALLEL_FROM = 100_000
#: Statements per chunk of case graphs (plus the shared context every chunk carries).
CHUNK_SIZE = 50_000


def _shape_name(shapes: rdflib.Graph, node: rdflib.term.Node | None) -> str:
    """A stable name for a shape: its CURIE, or for an anonymous one its parent shape and path."""
    import rdflib

    if node is None:
        return ""

    if not isinstance(node, rdflib.BNode):
        return _compact(str(node))
    sh = rdflib.Namespace(SH)
    path = shapes.value(node, sh.path)
    path_text = _compact(str(path)) if isinstance(path, rdflib.URIRef) else ""
    parent = next(iter(shapes.subjects(sh.property, node)), None)
    prefix = _shape_name(shapes, parent) if parent is not None else "[anonymous shape]"
    return f"{prefix} {path_text}".strip() if path_text else f"{prefix} (nested)"


def _path_text(shapes: rdflib.Graph, path: rdflib.term.Node | None) -> str:
    """A property path as text: an IRI, or SHACL's alternative, sequence and inverse paths spelt out."""
    import rdflib
    from rdflib.collection import Collection

    if path is None:
        return ""
    if not isinstance(path, rdflib.BNode):
        return str(path)
    sh = rdflib.Namespace(SH)
    for kind, joiner in ((sh.alternativePath, " | "), (None, " / ")):
        members = shapes.value(path, kind) if kind is not None else path
        if members is not None and (members, rdflib.RDF.first, None) in shapes:
            return joiner.join(_compact(_path_text(shapes, m)) for m in Collection(shapes, members))
    for kind, mark in (
        (sh.inversePath, "^"),
        (sh.zeroOrMorePath, "*"),
        (sh.oneOrMorePath, "+"),
        (sh.zeroOrOnePath, "?"),
    ):
        inner = shapes.value(path, kind)
        if inner is not None:
            text = _compact(_path_text(shapes, inner))
            return mark + text if mark == "^" else text + mark
    return "(path)"


#: severity, focus, path, value, messages, shape, constraint component
Row = tuple[str, str, str, str, tuple[str, ...], str, str]


def _row(shapes: rdflib.Graph, raw: RawResult) -> Row:
    """An engine's result in the report's terms: the shape's own messages, its name and path."""
    import rdflib

    severity, focus, path, value, engine_message, shape_text, component = raw
    shape: rdflib.term.Node = (
        rdflib.BNode(shape_text[2:]) if shape_text.startswith("_:") else rdflib.URIRef(shape_text)
    )
    sh = rdflib.Namespace(SH)
    # As pySHACL does, a shape's sh:message replaces the engine's wording for every constraint of the shape.
    messages = tuple(sorted(str(m) for m in shapes.objects(shape, sh.message))) or (engine_message,)
    shape_path = shapes.value(shape, sh.path)
    return (
        severity,
        focus,
        _path_text(shapes, shape_path) if shape_path is not None else path,
        value,
        messages,
        _shape_name(shapes, shape),
        component,
    )


def _dump(graph: KnowledgeGraph, names: list[ox.NamedNode]) -> str:
    """The graphs as one N-Triples text (blank-node labels are the store's, the same in every graph)."""
    return "".join(
        (graph.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name) or b"").decode("utf-8")
        for name in names
    )


def _context_graphs(graph: KnowledgeGraph) -> set[str]:
    """Graphs every chunk must carry (kg/sparql/shared-graphs.rq says which and why)."""
    from kg.resources import package_file

    query = package_file("sparql", "shared-graphs.rq").read_text(encoding="utf-8")
    return {row["graph"].value for row in graph.store.query(query)}


def _chunks(graph: KnowledgeGraph, movable: list[ox.NamedNode]) -> list[list[ox.NamedNode]]:
    sizes = {
        row["g"].value: int(row["n"].value)
        for row in graph.store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    }
    chunks: list[list[ox.NamedNode]] = [[]]
    filled = 0
    for name in movable:
        if filled >= CHUNK_SIZE:
            chunks.append([])
            filled = 0
        chunks[-1].append(name)
        filled += sizes.get(name.value, 0)
    return chunks


#: The SHACL engines: rudof (fast, the default) and pySHACL (the reference); the same report from both.
ENGINES = ("rudof", "pyshacl")


def validate(graph: KnowledgeGraph, *, workers: int | None = None, engine: str = "rudof") -> ValidationReport:
    """Validate the data graphs of a loaded graph against its shapes.

    The result is the one pySHACL gives on the whole data graph, computed faster: the core
    constraints run on chunks of case graphs (each with the graphs they depend on), in parallel
    processes for large graphs.

    >>> report = validate(load())
    >>> report.conforms
    True
    """
    if engine not in ENGINES:
        raise InputError(f"unknown SHACL engine {engine!r}; use one of {', '.join(ENGINES)}")
    shapes_graph = graph.to_rdflib("shapes")
    if engine == "pyshacl":
        rows = _pyshacl_rows(graph, shapes_graph)
    else:
        rows = _rudof_rows(graph, shapes_graph, workers)
    return _report(graph, rows)


def _pyshacl_rows(graph: KnowledgeGraph, shapes_graph: rdflib.Graph) -> set[Row]:
    """pySHACL on the whole graph: the data with the ontology and schemes, every shape."""
    from kg import shacl_pyshacl

    data = shacl_pyshacl.data_graph(graph, *DATA_KINDS, "ontology", "concepts")
    return {_row(shapes_graph, r) for r in shacl_pyshacl.check(data, shapes_graph)}


def _rudof_rows(graph: KnowledgeGraph, shapes_graph: rdflib.Graph, workers: int | None) -> set[Row]:
    """SPARQL-based constraints once over the store, core constraints in rudof (in chunks when large)."""
    import os

    from kg import shacl_core

    model = graph.graphs("ontology", "concepts")
    data = graph.graphs(*DATA_KINDS)

    rows: set[Row] = set()
    shapes_text = shapes_graph.serialize(format="nt")
    # The class hierarchy and schemes travel with the data: targets reach subclasses, values their types.
    model_text = _dump(graph, model)
    if len(graph) < PARALLEL_FROM or len(data) < 2:
        raw = shacl_core.check(model_text + _dump(graph, data), shapes_text)
    else:
        from kg.memory import give_back

        context = _context_graphs(graph)
        shared = model_text + _dump(graph, [g for g in data if g.value in context])
        chunks = _chunks(graph, [g for g in data if g.value not in context])
        give_back()  # what those two queries took, before the workers take theirs
        jobs = (shared + _dump(graph, chunk) for chunk in chunks)
        from kg.processes import in_turn, process_pool

        count = workers or min(len(chunks), os.cpu_count() or 1)
        with process_pool(count) as pool:
            raw = [
                r for found in in_turn(pool, shacl_core.check, jobs, shapes_text, 2 * count) for r in found
            ]
    rows.update(_row(shapes_graph, r) for r in raw)
    return rows


def _report(graph: KnowledgeGraph, rows: set[Row]) -> ValidationReport:
    """The engines' rows located in the files, with the curation hints, in file and line order."""
    results = []
    seen = set()
    for severity, focus, path, value, messages, shape, component in sorted(rows):
        if (severity, focus, path, value, messages, shape) in seen:
            continue  # two constraints of one shape, worded alike by its sh:message: one result
        seen.add((severity, focus, path, value, messages, shape))
        label, file, line = locate(graph, focus, path)
        results.append(
            Violation(
                severity=severity,
                focus=focus,
                label=label,
                path=_compact(path),
                message=" ".join(messages),
                shape=shape,
                value=value,
                file=file,
                line=line,
                component=component,
            )
        )
    from kg.curate.hints import curation_checks  # "did you mean …?" and duplicate organisations

    results.extend(curation_checks(graph))
    results.sort(key=lambda r: (r.file, r.line or 0, r.focus, r.path, r.message, r.value, r.shape))
    conforms = not any(r.severity == "Violation" for r in results)
    return ValidationReport(conforms, results)


def _compact(iri: str) -> str:
    from kg.namespaces import compact

    return compact(iri) if iri.startswith("http") else iri


# ---------------------------------------------------------------- the curator's report


def curator_checks(graph: KnowledgeGraph, report: ValidationReport) -> ValidationReport:
    """The report as a curator reads it: one message per mistake, plus what their workspace tells.

    Adds the evidence check against the curator's source texts (kg.curate.evidence), accepts and
    marks their own concepts (kg.curate.concepts), and drops a SHACL result that repeats a curation
    hint about the same statement (a misspelt property or an unknown concept is reported once, with
    "did you mean").
    """
    from kg.curate.concepts import local_concept_results
    from kg.curate.evidence import check_evidence

    results = local_concept_results(graph, [*report.results, *check_evidence(graph)])
    hinted = {
        (r.focus, r.path)
        for r in results
        if r.shape in ("curation: unknown property", "curation: unknown concept")
    }
    results = [r for r in results if r.shape.startswith("curation:") or (r.focus, r.path) not in hinted]
    results.sort(key=lambda r: (r.file, r.line or 0, r.focus, r.path, r.message, r.value, r.shape))
    return ValidationReport(not any(r.severity == "Violation" for r in results), results)


def about(report: ValidationReport, graph: KnowledgeGraph, paths: Iterable[Path] = ()) -> ValidationReport:
    """The results about the named files (a folder stands for the files below it).

    Without paths: about the workspace's and extra files when there are any, else about everything.
    Conformance is then that of the files reported on.
    """
    named = [Path(p).resolve() for p in paths]
    if named:
        wanted = {
            f.path.resolve()
            for f in graph.files
            if any(f.path.resolve() == p or f.path.resolve().is_relative_to(p) for p in named)
        }
    else:
        wanted = {f.path.resolve() for f in graph.files if f.origin != "shipped"}
        if not wanted:
            return report
    results = [r for r in report.results if r.file and Path(r.file).resolve() in wanted]
    return ValidationReport(not any(r.severity == "Violation" for r in results), results)
