"""The fast validation gives exactly the report of pySHACL run on the whole graph.

The fast path runs the (SHACL Core) shapes in rudof, per chunk of case graphs (in parallel processes
for large graphs). These tests compare it with the pySHACL engine (``kg.validate(graph,
engine="pyshacl")``) on every shape fixture, the shipped data, a broken fixture and generated case
studies with deliberate errors; and, in SHACL's own terms, the Turtle report (``kg validate --format
turtle``) with the report graph pySHACL writes itself.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib

import kg
from kg.load import DATA_KINDS, KnowledgeGraph, extra_files, read_file, shipped_files
from kg.report import to_turtle
from kg.shacl_pyshacl import data_graph
from tests.processes import run

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
fast = importlib.import_module("kg.validate")


def shacl_results(report: rdflib.Graph) -> set[tuple]:
    """A SHACL report graph's top-level results in SHACL's terms, read with rdflib alone.

    Blank nodes are named only "blank" (labels differ between graphs), and so is an anonymous shape;
    a complex path is "" (a list in the graph). Curation checks are not pySHACL's to compare.
    """

    def text(node) -> str:
        return "blank" if isinstance(node, rdflib.BNode) else "" if node is None else str(node)

    found = set()
    for root in report.subjects(rdflib.RDF.type, SH.ValidationReport):
        for r in report.objects(root, SH.result):
            component = text(report.value(r, SH.sourceConstraintComponent))
            if component.endswith("#CurationCheck"):
                continue
            path = report.value(r, SH.resultPath)
            found.add(
                (
                    text(report.value(r, SH.resultSeverity)),
                    text(report.value(r, SH.focusNode)),
                    text(path) if isinstance(path, rdflib.URIRef) else "",
                    " ".join(sorted(str(m) for m in report.objects(r, SH.resultMessage))),
                    component,
                    text(report.value(r, SH.sourceShape)),
                )
            )
    return found


def pyshacl_report(graph: KnowledgeGraph) -> rdflib.Graph:
    """pySHACL's own report graph on the whole graph (data, ontology, schemes) with every shape.

    Only top-level results count: pySHACL also types the nested results of a failed ``sh:node``
    (its ``sh:detail``) as results, which repeat the outer one in the shape's default words.
    """
    _, report, _ = pyshacl.validate(
        data_graph(graph, *DATA_KINDS, "ontology", "concepts"),
        shacl_graph=data_graph(graph, "shapes"),
        inference="none",
        allow_warnings=True,
        advanced=True,
        do_owl_imports=False,
    )
    return report


def turtle_report(report) -> rdflib.Graph:
    """The report as `kg validate --format turtle` writes it, read back by rdflib."""
    return rdflib.Graph().parse(data=to_turtle(report).decode("utf-8"), format="turtle")


def same_report_from_both_engines(graph: KnowledgeGraph, **options) -> set[tuple]:
    """Validate with rudof and with pySHACL: the same rows; return them."""
    report = kg.validate(graph, **options)
    assert rows(report) == rows(kg.validate(graph, engine="pyshacl"))
    assert_says_what_pyshacl_says(report, graph)
    return rows(report)


def assert_says_what_pyshacl_says(report, graph: KnowledgeGraph) -> None:
    """The Turtle report and pySHACL's own report graph, read alike: the same results.

    Two constraints of one shape that its sh:message words alike are one result for a curator, so
    the report may name one of the two constraint components where pySHACL lists both.
    """
    ours, theirs = shacl_results(turtle_report(report)), shacl_results(pyshacl_report(graph))
    assert ours <= theirs

    def without_component(found: set[tuple]) -> set[tuple]:
        return {(*r[:4], r[5]) for r in found}

    assert without_component(ours) == without_component(theirs)


def rows(report) -> set[tuple]:
    """The SHACL results; the curation hints (did you mean…, duplicates) are not pySHACL's to compare."""
    return {
        (v.severity, v.focus, v.path, v.value, v.message, v.shape)
        for v in report.results
        if not v.shape.startswith("curation:")
    }


def generate(tmp_path: Path, cases: int, faults: float) -> Path:
    out = tmp_path / "cases.nq"
    run(
        [
            sys.executable,
            str(ROOT / "bench" / "generate.py"),
            "--cases",
            str(cases),
            "--out",
            str(out),
            "--seed",
            "7",
            "--faults",
            str(faults),
        ]
    )
    return out


@pytest.mark.slow
def test_shipped_data_and_a_broken_fixture_give_the_whole_graph_report() -> None:
    graph = kg.load([FIXTURES / "core" / "incomplete-intervention.ttl"])
    report = kg.validate(graph)
    found = same_report_from_both_engines(graph)
    assert found, "the broken fixture must produce results"
    assert report.conforms == (not any(r[0] == "Violation" for r in found))


@pytest.mark.slow
def test_the_shipped_data_conforms_for_both_engines(shipped: KnowledgeGraph) -> None:
    assert kg.validate(shipped).conforms
    assert kg.validate(shipped, engine="pyshacl").conforms


@pytest.mark.slow
def test_generated_cases_with_errors_give_the_whole_graph_report(tmp_path: Path) -> None:
    graph = kg.load([generate(tmp_path, 8, 1.0)])  # every case broken, each kind twice
    same_report_from_both_engines(graph)
    report = kg.validate(graph)  # deterministic: the same report as the one compared
    synthetic = [v for v in report.results if "/synthetic-" in v.focus]
    # The deliberate errors are found: a misspelt property, a level given as a rank, a label without
    # a language tag.
    assert any(v.path == "ra:statuss" for v in synthetic)
    assert any(v.path == "ra:bureaucraticRank" and "/concept/level/" in v.value for v in synthetic)
    assert any(v.path == "rdfs:label" for v in synthetic)


@pytest.mark.slow
def test_chunks_in_parallel_processes_give_the_same_report(tmp_path: Path, monkeypatch) -> None:
    graph = kg.load([generate(tmp_path, 12, 0.5)])
    monkeypatch.setattr(fast, "PARALLEL_FROM", 0)
    monkeypatch.setattr(fast, "CHUNK_SIZE", 400)  # several chunks of a few cases each
    assert same_report_from_both_engines(graph, workers=2)


@pytest.mark.slow
def test_generated_cases_conform(tmp_path: Path) -> None:
    graph = kg.load([generate(tmp_path, 10, 0.0)])
    assert [v for v in kg.validate(graph).results if "synthetic" in v.focus] == []


def model_with(*paths: Path) -> KnowledgeGraph:
    """The ontology, schemes and shapes with the given files as data, without the shipped cases."""
    store = ox.Store()
    files = [f for f in shipped_files() if f.kind in ("ontology", "concepts", "shapes")] + extra_files(paths)
    for file in files:
        read_file(store, file)
    return KnowledgeGraph(store, files)


SHAPE_FIXTURES = sorted((FIXTURES / "shapes").glob("*.ttl"))


@pytest.mark.parametrize("fixture", SHAPE_FIXTURES, ids=[p.stem for p in SHAPE_FIXTURES])
def test_every_shape_fixture_gives_the_whole_graph_report(fixture: Path) -> None:
    """Each valid and invalid twin of tests/test_shapes.py: rudof and pySHACL report the same results,
    and the Turtle report says in SHACL's terms what pySHACL's own report graph says."""
    graph = model_with(FIXTURES / "shapes" / "base.ttl", fixture)
    expected = same_report_from_both_engines(graph)
    if fixture.stem.endswith("-valid") or fixture.stem == "base":
        assert not any(r[0] == "Violation" and "/fixture/" in r[1] for r in expected)
    elif fixture.stem == "intervention-misspelt-class":  # no shape targets it: the curation hints do
        assert any(r.shape == "curation: unknown class" for r in kg.validate(graph).results)
    else:
        assert any(r[0] == "Violation" for r in expected), "an invalid twin must be reported"
