"""Parameters are bound as RDF terms: hostile text cannot change a query, and mistakes are reported."""

from __future__ import annotations

import csv
import io
import re

import pyoxigraph as ox
import pytest

from kg.catalogue import catalogue, find
from kg.errors import ParameterError
from kg.load import KnowledgeGraph
from kg.query import bind, run_saved

HOSTILE = [
    '"} ; DROP ALL ; SELECT * {',
    "<http://x> } UNION { ?s ?p ?o }",
    'en" ) } UNION { ?s ?p ?o FILTER("',
    "'; DELETE WHERE { ?s ?p ?o } #",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_literal_is_only_a_value(shipped: KnowledgeGraph, value: str) -> None:
    """A free-text parameter (the label language) gets the same rows as a harmless unknown value."""
    size = len(shipped)
    harmless = run_saved(shipped, "who-works-with-whom", {"lang": "zz"})
    hostile = run_saved(shipped, "who-works-with-whom", {"lang": value})
    assert len(hostile) == len(harmless) > 0
    assert hostile.column("organisation") == harmless.column("organisation")
    assert hostile.rows == harmless.rows  # the text was one literal, an unknown language like "zz"
    assert len(shipped) == size


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(
    ("name", "parameter"),
    [
        ("who-engages-mid-level-officials", "rank"),
        ("barriers-without-intervention-in-country", "country"),
        ("who-works-with-whom", "organisation"),
    ],
)
def test_hostile_iri_is_refused_cleanly(
    shipped: KnowledgeGraph, name: str, parameter: str, value: str
) -> None:
    with pytest.raises(ParameterError):
        run_saved(shipped, name, {parameter: value})


def test_hostile_enumerated_value_is_refused(shipped: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError, match="choose one of"):
        run_saved(shipped, "who-works-with-whom", {"relation": HOSTILE[0]})


def test_unknown_parameter_suggests_the_right_one(shipped: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError, match="Did you mean 'country'"):
        run_saved(shipped, "barriers-without-intervention-in-country", {"contry": "KE"})


@pytest.mark.parametrize(
    "value",
    [
        "KE",
        "Kenya",
        "raplace:kenya",
        "https://w3id.org/refugee-access/id/place/kenya",
        "<https://w3id.org/refugee-access/id/place/kenya>",
        "kenya",
    ],
)
def test_a_country_by_code_label_curie_or_iri(shipped: KnowledgeGraph, value: str) -> None:
    rows = run_saved(shipped, "interventions-by-country", {"country": value})
    kenya = run_saved(shipped, "interventions-by-country", {"country": "raplace:kenya"})
    assert len(rows) > 0 and rows.rows == kenya.rows
    assert "Kenya" in rows.column("placeLabel") and "Kazakhstan" not in rows.column("placeLabel")


def _with_values_block(text: str, bindings: dict[str, ox.Term]) -> str:
    """What a remote engine receives: the bindings as a VALUES block opening the outermost WHERE group."""
    if not bindings:
        return text
    names = " ".join("?" + name for name in bindings)
    terms = " ".join(str(term) for term in bindings.values())
    match = re.search(r"\bWHERE\s*\{", text)
    assert match, "no WHERE clause"
    return f"{text[: match.end()]}\n  VALUES ({names}) {{ ({terms}) }}{text[match.end() :]}"


CALLS = [(name, {}) for name in sorted(catalogue())] + [
    ("how-challenges-were-overcome", {"barrier": "official-reluctance", "country": "KE"}),
    ("who-works-with-whom", {"organisation": "Hakijamii", "relation": "is a member of"}),
    ("outcomes-reported", {"country": "KZ", "outcome": "gender-equity"}),
    ("legal-instruments-cited", {"country": "RS"}),
    ("transferability-of-intervention", {"country": "RS"}),
    ("target-groups-and-entitlements", {"group": "ASY"}),
]


@pytest.mark.parametrize(("name", "params"), CALLS, ids=[f"{n}-{'-'.join(p.values())}" for n, p in CALLS])
def test_remote_style_binding_gives_the_same_answer(shipped: KnowledgeGraph, name: str, params: dict) -> None:
    saved = find(name)
    bindings = bind(shipped, saved, params, "fr")
    local = shipped.select(saved.text, bindings)
    remote = shipped.select(_with_values_block(saved.text, bindings))
    assert local.variables == remote.variables
    assert [sorted((k, str(v)) for k, v in r.items()) for r in local.rows] == [
        sorted((k, str(v)) for k, v in r.items()) for r in remote.rows
    ]


def test_cli_csv_has_header_and_sources(kg_cli) -> None:
    done = kg_cli("query", "who-engages-mid-level-officials", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert rows, done.stdout
    assert {"organisation", "organisationLabel", "source", "sourceTitle"} <= set(rows[0])
    for row in rows:
        assert row["source"].startswith("https://w3id.org/refugee-access/id/source/")
        assert row["sourceTitle"]
    assert [row["organisationLabel"] for row in rows] == ["RefugePoint"]


def test_cli_unknown_query_exits_2(kg_cli) -> None:
    done = kg_cli("query", "who-engages-mid-level-oficials")
    assert done.returncode == 2
    assert "error:" in done.stderr and "who-engages-mid-level-officials" in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_unknown_parameter_exits_2(kg_cli) -> None:
    done = kg_cli("query", "interventions-by-country", "-p", "contry=KE")
    assert done.returncode == 2
    assert "Did you mean 'country'" in done.stderr


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_parameter_variables_never_reach_an_answer(shipped: KnowledgeGraph, name: str) -> None:
    """A query projects its parameters for grlc's sake; CSV, JSON and DataFrames never show them."""
    results = run_saved(shipped, name)
    header = next(csv.reader(io.StringIO(results.serialize("csv").decode())))
    frame = results.to_dataframe()
    assert results.variables and header == results.variables == list(frame.columns)
    assert not [v for v in results.variables if v.startswith("_")]
    assert b'"_' not in results.serialize("json").split(b'"results"')[0]
