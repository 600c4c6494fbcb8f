"""Dumps are deterministic and lossless."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

import kg
from kg.export import FORMATS


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_two_exports_are_byte_identical(fmt: str) -> None:
    # Two independent loads, so blank-node identifiers differ in memory.
    assert kg.export(kg.load(), fmt) == kg.export(kg.load(), fmt)


@pytest.mark.parametrize("fmt", ["nquads", "trig"])
def test_dataset_dumps_keep_every_quad(shipped, fmt: str) -> None:
    rdf_format = FORMATS[fmt][0]
    assert rdf_format is not None
    reread = ox.Dataset(ox.parse(kg.export(shipped, fmt), format=rdf_format))
    assert len(reread) == len(shipped)
    assert {q.graph_name for q in reread} == set(shipped.graphs())


def test_jsonld_uses_the_shipped_context_and_round_trips(shipped) -> None:
    import json

    import rdflib

    data = kg.export(shipped, "jsonld")
    assert "ra" in json.loads(data)["@context"]
    reread = rdflib.Dataset()
    reread.parse(data=data, format="json-ld")
    assert len(list(reread.quads())) == len(shipped)


def _canonical(dataset: ox.Dataset) -> set[str]:
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {str(q) for q in dataset}


def test_jsonld_keeps_every_quad_in_its_graph(shipped) -> None:
    # Written one named graph at a time: reading it back must give the very same dataset.
    reread = ox.Dataset(ox.parse(kg.export(shipped, "jsonld"), format=ox.RdfFormat.JSON_LD))
    assert _canonical(reread) == _canonical(ox.Dataset(shipped.store))


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_dataset_files_default_graph_is_kept(tmp_path, fmt: str) -> None:
    extra = tmp_path / "extra.nq"
    extra.write_text(
        '_:note <http://schema.org/name> "a statement in the default graph" .\n'
        '<https://example.org/a> <http://schema.org/name> "a statement in a named graph" '
        "<https://example.org/g> .\n",
        encoding="utf-8",
    )
    graph = kg.load([extra])
    rdf_format = FORMATS[fmt][0] or ox.RdfFormat.JSON_LD
    reread = ox.Dataset(ox.parse(kg.export(graph, fmt), format=rdf_format))
    default = {str(q.object) for q in reread.quads_for_graph_name(ox.DefaultGraph())}
    if rdf_format.supports_datasets:
        assert len(reread) == len(graph)
        assert default == {'"a statement in the default graph"'}
    else:  # Turtle and N-Triples hold the union of the graphs
        assert '"a statement in the default graph"' in default
        assert '"a statement in a named graph"' in default


def test_triple_formats_write_a_triple_in_two_graphs_once(tmp_path) -> None:
    extra = tmp_path / "twice.nq"
    statement = '<https://example.org/a> <http://schema.org/name> "twice"'
    extra.write_text(f"{statement} <https://example.org/g1> .\n{statement} <https://example.org/g2> .\n")
    graph = kg.load([extra])
    assert kg.export(graph, "ntriples").decode().count('"twice"') == 1
    assert kg.export(graph, "nquads").decode().count('"twice"') == 2


def _blank_nodes_by_graph(data: bytes) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for q in ox.parse(data, format=ox.RdfFormat.N_QUADS):
        found.setdefault(str(q.graph_name), set()).update(
            t.value for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)
        )
    return found


def test_look_alike_blank_nodes_of_two_graphs_stay_apart(tmp_path) -> None:
    # Labelled graph by graph, two equal descriptions must not collapse into one node.
    extra = tmp_path / "alike.nq"
    extra.write_text(
        '_:a <http://schema.org/name> "same" <https://example.org/g1> .\n'
        '_:b <http://schema.org/name> "same" <https://example.org/g2> .\n',
        encoding="utf-8",
    )
    found = _blank_nodes_by_graph(kg.export(kg.load([extra]), "nquads"))
    g1, g2 = found["<https://example.org/g1>"], found["<https://example.org/g2>"]
    assert len(g1) == len(g2) == 1
    assert g1 != g2


def test_a_blank_node_shared_by_two_graphs_keeps_one_label(tmp_path) -> None:
    extra = tmp_path / "shared.nq"
    extra.write_text(
        '_:shared <http://schema.org/name> "in one graph" <https://example.org/g1> .\n'
        '_:shared <http://schema.org/name> "in another" <https://example.org/g2> .\n'
        '_:own <http://schema.org/name> "only here" <https://example.org/g2> .\n',
        encoding="utf-8",
    )
    graph = kg.load([extra])
    data = kg.export(graph, "nquads")
    found = _blank_nodes_by_graph(data)
    g1, g2 = found["<https://example.org/g1>"], found["<https://example.org/g2>"]
    assert len(g1) == 1
    assert len(g2) == 2
    assert g1 < g2
    assert data == kg.export(kg.load([extra]), "nquads")


def test_jsonld_compacted_by_worker_processes_is_the_same_document(shipped, monkeypatch) -> None:
    import importlib

    export_module = importlib.import_module("kg.export")
    alone = kg.export(shipped, "jsonld")
    monkeypatch.setattr(export_module, "PARALLEL_JSONLD", 0)  # every dataset is large enough
    monkeypatch.setattr(export_module.os, "cpu_count", lambda: 2)
    assert kg.export(shipped, "jsonld") == alone


def test_text_that_reads_like_a_blank_node_label_is_left_alone(tmp_path) -> None:
    extra = tmp_path / "lookalike.nq"
    extra.write_text(
        '_:a <http://schema.org/name> "labels look like _:c14n0" <https://example.org/g1> .\n'
        '<https://example.org/b> <http://schema.org/name> "and _:a" <https://example.org/g2> .\n'
        '_:a <http://schema.org/name> "shared" <https://example.org/g2> .\n',
        encoding="utf-8",
    )
    graph = kg.load([extra])
    quads = [
        q
        for q in ox.parse(kg.export(graph, "nquads"), format=ox.RdfFormat.N_QUADS)
        if q.graph_name.value.startswith("https://example.org/")
    ]
    assert {q.object.value for q in quads} == {"labels look like _:c14n0", "and _:a", "shared"}
    assert len({q.subject for q in quads if isinstance(q.subject, ox.BlankNode)}) == 1


def test_export_of_some_kinds_holds_only_their_graphs(shipped) -> None:
    wanted = set(shipped.graphs("ontology", "concepts"))
    reread = ox.Dataset(
        ox.parse(kg.export(shipped, "nquads", ("ontology", "concepts")), format=ox.RdfFormat.N_QUADS)
    )
    assert wanted and {q.graph_name for q in reread} == wanted
    assert len(reread) == sum(len(list(shipped.store.quads_for_pattern(None, None, None, g))) for g in wanted)


def _lines_by_graph(data: bytes) -> dict[str, list[str]]:
    """N-Quads lines with blank nodes, by graph, with the graph's label prefix taken off (c14n labels).

    The graph's name stays: RDFC-1.0 hashes whole quads, so a graph's labels depend on its name.
    """
    import re

    found: dict[str, list[str]] = {}
    for line in data.decode("utf-8").splitlines(keepends=True):
        if "_:" in line:
            graph = line.rsplit(" ", 2)[-2]
            found.setdefault(graph, []).append(re.sub(r"_:[0-9a-f]{16}c14n", "_:c14n", line))
    return found


def test_blank_nodes_are_labelled_by_rdfc_1_0(shipped) -> None:
    """The labels are RDF Dataset Canonicalization's (RDFC-1.0), checked against another implementation.

    pyLD implements the same algorithm under its earlier name, URDNA2015; the two differ only in how
    control characters are escaped, which the shipped graph does not hold. pyLD is given other labels
    than ours: fed labels that already read ``c14n…``, it may keep them.
    """
    import re

    from pyld import jsonld

    graphs = _lines_by_graph(kg.export(shipped, "nquads"))
    assert len(graphs) > 5  # shapes, the ontology and the cases all hold blank nodes
    nquads = "application/n-quads"
    options = {"algorithm": "URDNA2015", "inputFormat": nquads, "format": nquads}
    for graph, lines in graphs.items():
        expected = jsonld.normalize(re.sub(r"_:c14n", "_:input", "".join(lines)), options)
        assert sorted(lines) == sorted(expected.splitlines(keepends=True)), graph


def test_two_insertion_orders_give_the_same_bytes(shipped, tmp_path) -> None:
    """The same graph, written in two statement orders with other blank-node labels, dumps alike."""
    import re

    lines = kg.export(shipped, "nquads").decode("utf-8").splitlines(keepends=True)
    forward, backward = tmp_path / "forward.nq", tmp_path / "backward.nq"
    forward.write_text("".join(lines), encoding="utf-8")
    renamed = [re.sub(r"_:(\w+)", r"_:other\1", line) for line in reversed(lines)]
    backward.write_text("".join(renamed), encoding="utf-8")
    one, other = kg.load([forward], shipped=False), kg.load([backward], shipped=False)
    assert len(one) == len(other) == len(shipped)
    for fmt in FORMATS:
        assert kg.export(one, fmt) == kg.export(other, fmt), fmt
