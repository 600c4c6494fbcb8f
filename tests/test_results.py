"""An answer is evaluated once and read once, however many forms it is written in (kg/results.py)."""

from __future__ import annotations

import json

import pytest

from kg.load import KnowledgeGraph
from kg.results import Results

# STRUUID() gives a new value each time the query runs: one value in every form shows one run.
ONCE = "SELECT (STRUUID() AS ?run) ?label WHERE { BIND('RefugePoint'@en AS ?label) }"


def _run_ids(answer: Results, order: list[str]) -> set[str]:
    seen = set()
    for form in order:
        if form == "rows":
            seen |= {row["run"].value for row in answer.rows}
        elif form == "json":
            data = json.loads(answer.serialize("json"))
            seen |= {b["run"]["value"] for b in data["results"]["bindings"]}
        else:
            lines = answer.serialize(form).decode().splitlines()
            seen |= {line.split("," if form == "csv" else "\t")[0].strip('"') for line in lines[1:]}
    return seen


@pytest.mark.parametrize(
    "order",
    [["rows", "csv", "json", "tsv"], ["csv", "json", "rows", "tsv"], ["json", "rows", "csv"], ["tsv", "csv"]],
    ids="-".join,
)
def test_the_query_runs_once_whatever_is_read_first(shipped: KnowledgeGraph, order: list[str]) -> None:
    answer = shipped.select(ONCE)
    assert len(_run_ids(answer, order)) == 1
    assert len(answer) == 1


def test_rows_read_first_write_the_same_json_as_oxigraph(shipped: KnowledgeGraph) -> None:
    query = (
        "SELECT ?s ?label ?n WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label "
        "BIND(42 AS ?n) } ORDER BY ?s ?label LIMIT 20"
    )
    written_first = shipped.select(query).serialize("json")
    read_first = shipped.select(query)
    assert read_first.rows
    assert read_first.serialize("json") == written_first
    assert Results.from_json(written_first).rows == read_first.rows
