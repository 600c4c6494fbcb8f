"""The fast engine (Oxigraph) and rdflib's own SPARQL engine give the same rows for every saved query.

Run on the shipped graph plus generated case studies, so that every query has many rows to agree on.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.catalogue import catalogue
from kg.load import KnowledgeGraph
from kg.query import bind
from kg.results import Results, Term
from tests.processes import run

ROOT = Path(__file__).resolve().parent.parent
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "long", "int")}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> KnowledgeGraph:
    out = tmp_path_factory.mktemp("gen") / "cases.nq"
    run(
        [
            sys.executable,
            str(ROOT / "bench" / "generate.py"),
            "--cases",
            "6",
            "--out",
            str(out),
            "--seed",
            "3",
        ]
    )
    return kg.load([out])


#: The rdflib dataset of a worker process (see rdflib_answers).
_DATASET = None


def _load_dataset(nquads: bytes) -> None:
    """Worker initializer: the generated graph as an rdflib dataset, parsed once per worker."""
    import rdflib

    global _DATASET
    _DATASET = rdflib.Dataset(default_union=True)
    _DATASET.parse(data=nquads, format="nquads")


def _rdflib_answer(text: str, bindings: dict) -> bytes:
    return _DATASET.query(text, initBindings=bindings).serialize(format="json")


@pytest.fixture(scope="module")
def rdflib_answers(generated: KnowledgeGraph) -> dict[str, Results]:
    """Every saved query answered by rdflib's engine, two at a time: it takes minutes on one core for
    the queries with property paths inside EXISTS, and the suite leaves the second core idle."""
    nquads = generated.store.dump(format=ox.RdfFormat.N_QUADS)
    fresh = multiprocessing.get_context("forkserver")  # not a fork of this process and its threads
    with ProcessPoolExecutor(2, mp_context=fresh, initializer=_load_dataset, initargs=(nquads,)) as pool:
        futures = {}
        for name, saved in catalogue().items():
            bindings = {k: _rdflib_term(v) for k, v in bind(generated, saved, {}).items()}
            futures[name] = pool.submit(_rdflib_answer, saved.text, bindings)
        return {name: Results.from_json(future.result()) for name, future in futures.items()}


def _rdflib_term(term: Term):
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise TypeError(term)


def _comparable(results: Results) -> Counter:
    """Rows as a multiset of (variable, kind, value); numbers compared as numbers, blank nodes as such."""
    rows = []
    for row in results.rows:
        cells = []
        for var in sorted(results.variables):
            term = row.get(var)
            if term is None:
                cells.append((var, "unbound", ""))
            elif isinstance(term, ox.BlankNode):
                cells.append((var, "bnode", ""))
            elif isinstance(term, ox.Literal) and term.datatype.value in NUMERIC:
                cells.append((var, "number", f"{float(term.value):.6g}"))
            elif isinstance(term, ox.Literal):
                cells.append((var, f"literal@{term.language}^^{term.datatype.value}", term.value))
            else:
                cells.append((var, "iri", term.value))
        rows.append(tuple(cells))
    return Counter(rows)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(catalogue()))
def test_oxigraph_and_rdflib_agree(name: str, generated: KnowledgeGraph, rdflib_answers) -> None:
    saved = catalogue()[name]
    fast = generated.select(saved.text, bind(generated, saved, {}))
    assert _comparable(fast) == _comparable(rdflib_answers[name])


def test_generated_graph_feeds_the_saved_queries(generated: KnowledgeGraph) -> None:
    # The comparison above means something only if the generated cases reach the queries.
    rows = kg.query("who-engages-mid-level-officials", generated)
    assert any("synthetic" in str(v) for v in rows.to_numpy().ravel())
