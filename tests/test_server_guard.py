"""The SERVICE guard reads queries as Oxigraph does: property-based, with Oxigraph as the oracle.

Queries are put together from pieces that mention SERVICE where it is no keyword (strings with
escapes, long strings, IRIs, comments, variables, prefixed names) and, sometimes, pieces where it
is one (any case, SILENT, a comment between keyword and IRI, no space at all, a prefixed service
name). Oxigraph, run in this process with every service name pointing at a listener on 127.0.0.1,
says which pieces are keywords: whatever the guard lets through must make no connection.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import QueryError
from kg.server.guard import MAX_DEPTH, check_depth, check_query, has_dataset_clause
from kg.server.worker import parser
from tests.listener import Listener

#: Pieces of a group graph pattern in which "service" is no keyword ({url} is the listener).
DECOYS = [
    'FILTER("SERVICE" != "")',
    "FILTER('''ser\nvice SERVICE <{url}/x> {{ }}''' != \"\")",
    'FILTER("\\u0053ERVICE <{url}/x> {{}}" != "x")',
    'FILTER("a\\"SERVICE<{url}/x>{{}}" != "")',
    "BIND(<{url}/SERVICE> AS ?iri)",
    "BIND(service:SERVICE AS ?pname)",
    "OPTIONAL {{ ?service <{url}/service#SERVICE> ?o }}",
    "FILTER(1<2)",
    'BIND("x"@service AS ?tagged)',
    "BIND(?serviceName AS ?other)",
]
#: Pieces in which SERVICE is the keyword, each evaluated whatever surrounds it.
KEYWORDS = [
    "SERVICE <{url}/x> {{ }}",
    "service silent <{url}/x> {{}}",
    "SeRvIcE#>\n<{url}/x>{{}}",
    "SERVICE:x{{}}",
]
SEPARATORS = ["", " ", "\n", "\t", "#SERVICE <{url}/c> {{}}\n", "# }} SERVICE\n"]
HEADER = "PREFIX : <{url}/> PREFIX service: <{url}/s/>\nSELECT * WHERE {{ "


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


def _query(pieces: list[str], separators: list[str], url: str) -> str:
    body = "".join(sep + piece for piece, sep in zip(pieces, separators, strict=False))
    return (HEADER + body + " }}").format(url=url)


def _contacts(query: str, listener: Listener) -> int:
    """Connections Oxigraph makes while it runs ``query`` (its answer or error is of no interest)."""
    before = listener.settled()
    try:
        answer = ox.Store().query(query)
        if isinstance(answer, ox.QuerySolutions):
            list(answer)
    except (SyntaxError, OSError, RuntimeError):
        pass
    return listener.settled() - before


def _allowed(query: str) -> bool:
    try:
        check_query(query, parser({}))
    except QueryError:
        return False
    return True


pieces = st.lists(st.sampled_from(DECOYS), min_size=1, max_size=5, unique=True)
keyword = st.sampled_from(KEYWORDS)
separators = st.lists(st.sampled_from(SEPARATORS), min_size=6, max_size=6)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(decoys=pieces, separators=separators)
def test_service_named_only_in_decoys_is_allowed(
    listener: Listener, decoys: list[str], separators: list[str]
) -> None:
    query = _query(decoys, separators, listener.url)
    ox.Store().query(query)  # every generated query is valid SPARQL
    assert _allowed(query), query
    assert _contacts(query, listener) == 0


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(decoys=pieces, keyword=keyword, at=st.integers(0, 5), separators=separators)
def test_service_keyword_is_refused_wherever_it_stands(
    listener: Listener, decoys: list[str], keyword: str, at: int, separators: list[str]
) -> None:
    mixed = [*decoys]
    mixed.insert(min(at, len(mixed)), keyword)
    query = _query(mixed, separators, listener.url)
    assert _contacts(query, listener) > 0, "the oracle: Oxigraph does call the service"
    assert not _allowed(query), query


@settings(max_examples=60, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("SERVICEservice<>#\"'\\{}()?:. \n1u0053")), max_size=60))
def test_whatever_the_guard_allows_runs_no_service(text: str) -> None:
    """Arbitrary character soup: when the guard lets it through, Oxigraph runs no SERVICE."""
    query = HEADER.format(url="http://127.0.0.1:9") + text + " }"
    if _allowed(query):
        try:
            answer = ox.Store().query(query)
            if isinstance(answer, ox.QuerySolutions):
                list(answer)
        except SyntaxError:
            pass  # not a query at all: refused later as invalid, never run


@pytest.mark.parametrize(
    "probe",
    [
        "SELECT ?x WHERE { FILTER(1<2)SERVICE#>\n<http://127.0.0.1:9/x> { ?x ?p ?o } }",
        "SELECT * WHERE { VALUES ?svc { <http://127.0.0.1:9/v> } SERVICE ?svc { } }",
    ],
)
def test_the_probes_from_the_report_are_refused(probe: str) -> None:
    with pytest.raises(QueryError, match="SERVICE is not allowed"):
        check_query(probe, parser({}))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }", True),
        ("SELECT * from named <urn:g> WHERE { GRAPH ?g { ?s ?p ?o } }", True),
        ('SELECT * WHERE { ?from ?p "FROM" } # FROM <urn:g>', False),
        ("PREFIX from: <urn:x:> SELECT * WHERE { from:a ?p ?o }", False),
    ],
)
def test_dataset_clause_as_the_parser_reads_it(query: str, expected: bool) -> None:
    assert has_dataset_clause(query, parser({})) is expected


def test_deep_nesting_is_refused_before_parsing() -> None:
    deep = "SELECT * WHERE { FILTER(" + "(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1) + ") }"
    with pytest.raises(QueryError, match="nests brackets"):
        check_depth(deep)
    check_depth("SELECT * WHERE { FILTER(((1))) }")
