"""The fast validation gives exactly the report of pySHACL run on the whole graph.

The fast path runs the (SHACL Core) shapes in rudof, per chunk of case graphs (in parallel processes
for large graphs); these tests compare it with pySHACL
on the whole graph, on every shape fixture, the shipped data, a broken fixture and generated case
studies with deliberate errors.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib

import kg
from kg.export import rdflib_term
from kg.load import DATA_KINDS, KnowledgeGraph, extra_files, read_file, shipped_files

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
fast = importlib.import_module("kg.validate")


def rdflib_graph(graph: KnowledgeGraph, *kinds: str) -> rdflib.Graph:
    """The graphs of the given kinds as one rdflib graph, keeping the store's blank-node labels."""
    copy = rdflib.Graph()
    for name in graph.graphs(*kinds):
        for q in graph.store.quads_for_pattern(None, None, None, name):
            copy.add((rdflib_term(q.subject), rdflib_term(q.predicate), rdflib_term(q.object)))
    return copy


def whole_graph_pyshacl(graph: KnowledgeGraph) -> set[tuple]:
    """pySHACL on the whole graph (data, ontology, schemes) with every shape: the plain stack.

    Only top-level results count: pySHACL also types the nested results of a failed ``sh:node``
    (its ``sh:detail``) as results, which repeat the outer one in the shape's default words.
    """
    shapes = rdflib_graph(graph, "shapes")
    _, report, _ = pyshacl.validate(
        rdflib_graph(graph, *DATA_KINDS, "ontology", "concepts"),
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
        advanced=True,
        do_owl_imports=False,
    )
    rows = set()
    for r in report.objects(None, SH.result):
        focus, value = report.value(r, SH.focusNode), report.value(r, SH.value)
        rows.add(
            (
                str(report.value(r, SH.resultSeverity)).removeprefix(str(SH)),
                f"_:{focus}" if isinstance(focus, rdflib.BNode) else str(focus),
                fast._compact(fast._path_text(shapes, report.value(r, SH.resultPath))),
                "" if value is None else str(value),
                " ".join(sorted(str(m) for m in report.objects(r, SH.resultMessage))),
                fast._shape_name(shapes, report.value(r, SH.sourceShape)),
            )
        )
    return rows


def rows(report) -> set[tuple]:
    """The SHACL results; the curation hints (did you mean…, duplicates) are not pySHACL's to compare."""
    return {
        (v.severity, v.focus, v.path, v.value, v.message, v.shape)
        for v in report.results
        if not v.shape.startswith("curation:")
    }


def generate(tmp_path: Path, cases: int, faults: float) -> Path:
    out = tmp_path / "cases.nq"
    subprocess.run(
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
        ],
        check=True,
        capture_output=True,
    )
    return out


@pytest.mark.slow
def test_shipped_data_and_a_broken_fixture_give_the_whole_graph_report() -> None:
    graph = kg.load([FIXTURES / "core" / "incomplete-intervention.ttl"])
    report = kg.validate(graph)
    expected = whole_graph_pyshacl(graph)
    assert expected, "the broken fixture must produce results"
    assert rows(report) == expected
    assert report.conforms == (not any(r[0] == "Violation" for r in expected))


@pytest.mark.slow
def test_generated_cases_with_errors_give_the_whole_graph_report(tmp_path: Path) -> None:
    graph = kg.load([generate(tmp_path, 8, 1.0)])  # every case broken, each kind twice
    report = kg.validate(graph)
    assert rows(report) == whole_graph_pyshacl(graph)
    synthetic = [v for v in report.results if "/synthetic-" in v.focus]
    # The deliberate errors are found: a misspelt property, a level given as a rank, a label without
    # a language tag.
    assert any(v.path == "ra:statuss" for v in synthetic)
    assert any(v.path == "ra:bureaucraticRank" and "/concept/level/" in v.value for v in synthetic)
    assert any(v.path == "rdfs:label" for v in synthetic)


@pytest.mark.slow
def test_chunks_in_parallel_processes_give_the_same_report(tmp_path: Path, monkeypatch) -> None:
    graph = kg.load([generate(tmp_path, 12, 0.5)])
    expected = whole_graph_pyshacl(graph)
    monkeypatch.setattr(fast, "PARALLEL_FROM", 0)
    monkeypatch.setattr(fast, "CHUNK_SIZE", 400)  # several chunks of a few cases each
    report = kg.validate(graph, workers=2)
    assert rows(report) == expected


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
    """Each valid and invalid twin of tests/test_shapes.py: rudof and pySHACL report the same results."""
    graph = model_with(FIXTURES / "shapes" / "base.ttl", fixture)
    expected = whole_graph_pyshacl(graph)
    assert rows(kg.validate(graph)) == expected
    if fixture.stem.endswith("-valid") or fixture.stem == "base":
        assert not any(r[0] == "Violation" and "/fixture/" in r[1] for r in expected)
    elif fixture.stem == "intervention-misspelt-class":  # no shape targets it: the curation hints do
        assert any(r.shape == "curation: unknown class" for r in kg.validate(graph).results)
    else:
        assert any(r[0] == "Violation" for r in expected), "an invalid twin must be reported"
