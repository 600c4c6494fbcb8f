"""Parameters written into query text: every use of the variable becomes the term."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.sparql_text import substitute

V = {"_x": ox.Literal("v")}


def _rows(query: str) -> list[dict[str, str]]:
    result = ox.Store().query(query)
    return [{v.value: row[v].value for v in result.variables if row[v] is not None} for row in result]


def test_a_parameter_reaches_into_exists() -> None:
    # The filter inside EXISTS must see the value; with it unbound no row would pass.
    query = (
        "SELECT ?a ?_x WHERE { VALUES ?a { 1 2 } "
        "FILTER EXISTS { VALUES ?b { 2 } FILTER(?a = ?b && ?_x = 'v') } }"
    )
    assert _rows(substitute(query, V)) == [{"a": "2", "_x": "v"}]


def test_bound_becomes_true_and_an_unbound_parameter_stays_a_variable() -> None:
    query = "SELECT ?a ?_x ?__y WHERE { VALUES ?a { 1 } FILTER(BOUND(?_x) && !BOUND(?__y)) }"
    rewritten = substitute(query, V)
    assert "BOUND(?__y)" in rewritten and "BOUND(?_x)" not in rewritten
    assert _rows(rewritten) == [{"a": "1", "_x": "v"}]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?_x WHERE { } ORDER BY ?_x",
        "SELECT ?_x WHERE { } ORDER BY DESC(?_x)",
        "SELECT ?y ?_x WHERE { { SELECT ?_x (1 AS ?y) WHERE { } } }",
        "SELECT (STR(?_x) AS ?s) ?_x WHERE { }",
    ],
)
def test_projection_and_order_stay_valid(query: str) -> None:
    rows = _rows(substitute(query, V))
    assert len(rows) == 1 and rows[0]["_x"] == "v"


def test_the_value_is_never_query_text() -> None:
    hostile = {"_x": ox.Literal("v') } ; DROP ALL ; SELECT * { ?s ?p ?o } #")}
    rows = _rows(substitute("SELECT ?_x WHERE { FILTER(STRLEN(?_x) > 0) }", hostile))
    assert rows == [{"_x": hostile["_x"].value}]
