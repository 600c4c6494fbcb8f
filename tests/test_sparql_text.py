"""Parameters written into query text: every use of the variable becomes the term."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kg.errors import ParameterError
from kg.sparql_text import Membership, RowFilter, page, prologue, row_filters, substitute, without_projected

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


# --- Parameters in every place a query can hold them, checked against Oxigraph's parser ----------

PARAMETERS = ("_p", "_q")
# A comment and a string that read like query text, and hold a parameter's name: never rewritten.
COMMENT = "# {{ SELECT ?_p WHERE\n"
STRING = '"?_p {{ \' "'
VARIABLES = ("?a", "?b", "?_p", "?_q")
# Values with the characters that end strings, open groups or start comments, and keywords.
TEXTS = st.sampled_from(["v", "it's", 'say "hi"', "a\\b", "{ } WHERE", "# not a comment", "line\nbreak", ""])
TERMS = st.one_of(
    st.builds(ox.Literal, TEXTS),
    st.builds(lambda t, lang: ox.Literal(t, language=lang), TEXTS, st.sampled_from(["en", "fr-CA"])),
    st.builds(lambda n: ox.Literal(str(n), datatype=ox.NamedNode(XSD_INTEGER)), st.integers(-5, 5)),
    st.sampled_from([ox.NamedNode("https://example.org/x"), ox.NamedNode("urn:y")]),
)
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
var = st.sampled_from(VARIABLES)
# Subjects and objects may be any variable; a predicate is an IRI or a variable that is no parameter,
# since a literal there is never valid and a parameter of kind iri is what such a query declares.
predicate = st.sampled_from(["<urn:p>", "?b", "a", "<urn:p>/<urn:q>", "^<urn:p>"])
expression = st.one_of(
    st.builds("{} = 'x'".format, var),
    st.builds("BOUND({})".format, var),
    st.builds("!BOUND({})".format, var),
    st.builds("STRLEN(STR({})) > 0".format, var),
    st.builds("{} IN (1, 'a')".format, var),
    st.builds("COALESCE({}, {}) != 2".format, var, var),
)


def _group(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    projection = st.one_of(
        st.just("*"),
        st.lists(var, min_size=1, max_size=3, unique=True).map(" ".join),
        st.builds("{} (1 AS ?c)".format, var),
    )
    return st.one_of(
        st.builds("{} {} {} .".format, var, predicate, var),
        st.builds("FILTER({})".format, expression),
        st.builds("OPTIONAL {{ {} }}".format, children),
        st.builds("{{ {} }} UNION {{ {} }}".format, children, children),
        st.builds("FILTER NOT EXISTS {{ {} }}".format, children),
        st.builds("MINUS {{ {} }}".format, children),
        st.builds("BIND({} AS {})".format, expression, var),
        st.builds("VALUES {} {{ 1 'a' UNDEF }}".format, var),
        st.builds("VALUES ({} {}) {{ (1 2) }}".format, var, var),
        st.builds(
            "{{ SELECT {}{} WHERE {{ {} }} }}".format,
            st.sampled_from(["", "DISTINCT "]),
            projection,
            children,
        ),
        st.builds("GRAPH ?g {{ {} }}".format, children),
        st.builds((COMMENT + "{}").format, children),
        st.builds(("{} <urn:p> " + STRING + " .").format, var),
    )


groups = st.recursive(
    st.builds("{} <urn:p> {} .".format, var, var),
    lambda children: st.lists(_group(children), min_size=1, max_size=3).map(" ".join),
    max_leaves=8,
)
queries = st.one_of(
    st.builds(
        "SELECT {}{} WHERE {{ {} }}{}".format,
        st.sampled_from(["", "DISTINCT "]),
        st.one_of(st.just("*"), st.lists(var, min_size=1, max_size=4, unique=True).map(" ".join)),
        groups,
        st.sampled_from(["", " ORDER BY ?_p", " ORDER BY DESC(?_q) ?a", " LIMIT 3"]),
    ),
    st.builds("ASK {{ {} }}".format, groups),
)


def _parses(query: str) -> bool:
    try:
        ox.Store().query(query)
    except SyntaxError:
        return False
    return True


# derandomize: the same examples on every run, so that the suite cannot fail by chance.
@settings(
    max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.filter_too_much]
)
@given(
    query=queries,
    values=st.dictionaries(st.sampled_from(PARAMETERS), TERMS, min_size=1, max_size=2),
)
def test_substitution_parses_or_says_why_not(query: str, values: dict[str, ox.Literal]) -> None:
    """Whatever the query and wherever its parameters stand, the result is valid SPARQL, or a
    ParameterError says that the query gives the variable its values itself."""
    assume(_parses(query))
    try:
        rewritten = substitute(query, values)
    except ParameterError as error:
        assert any(name.lstrip("_") in str(error) for name in values)
        return
    assert _parses(rewritten), rewritten
    # Every use became the value: the name stays only where the answer shows it (and in the decoys).
    rest = rewritten.replace(COMMENT.format(), "").replace(STRING.format(), "")
    for name in values:
        assert f"?{name}" not in rest.replace(f"AS ?{name})", ""), rewritten


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?a WHERE { { SELECT ?_x WHERE { ?_x <urn:p> ?o } } ?a <urn:p> ?b }",
        "SELECT ?a WHERE { { SELECT DISTINCT ?_x WHERE { ?_x <urn:p> ?a } } }",
        "SELECT ?a WHERE { VALUES ?_x { 'a' 'b' } ?a <urn:p> ?_x }",
        "SELECT ?a WHERE { VALUES (?a ?_x) { (1 2) } }",
        "SELECT ?a WHERE { ?a <urn:p> ?b BIND(STR(?b) AS ?_x) }",
        "SELECT ?a (STR(?a) AS ?_x) WHERE { ?a <urn:p> ?b }",
    ],
)
def test_a_parameter_the_query_assigns_cannot_be_given(query: str) -> None:
    assert _parses(query)
    with pytest.raises(ParameterError, match="x: the query uses this parameter as"):
        substitute(query, V)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT ?x ?_v WHERE { ?x ?p ?_v }", "SELECT ?x WHERE { ?x ?p ?_v }"),
        ("SELECT DISTINCT ?_v ?x\n  ?__w WHERE { }", "SELECT DISTINCT ?x\n  WHERE { }"),
        ("SELECT ?x (STR(?_v) AS ?y) { ?x ?p ?_v }", "SELECT ?x (STR(?_v) AS ?y) { ?x ?p ?_v }"),
        ("SELECT ?_v WHERE { }", "SELECT ?_v WHERE { }"),  # never an empty projection
        ("SELECT * WHERE { ?x ?p ?_v }", "SELECT * WHERE { ?x ?p ?_v }"),
        (
            "# SELECT ?_v\nSELECT ?x ?_v { { SELECT ?_v { } } }",
            "# SELECT ?_v\nSELECT ?x { { SELECT ?_v { } } }",
        ),
    ],
)
def test_without_projected_drops_only_the_outer_plain_items(query: str, expected: str) -> None:
    assert without_projected(query, ["_v", "__w"]) == expected


@pytest.mark.parametrize(
    ("query", "rows"),
    [
        # the modifiers go after ORDER BY, so the page holds the ordered rows 3 and 4
        ("SELECT ?a WHERE { VALUES ?a { 5 1 4 2 3 } } ORDER BY ?a", ["3", "4"]),
        # and before a trailing VALUES block, where the grammar wants them
        ("SELECT ?a WHERE { ?a ?p ?o } VALUES ?a { 1 }", []),
        # a sub-query's own LIMIT is its business, not the page's
        (
            "SELECT ?a WHERE { { SELECT ?a WHERE { VALUES ?a { 1 2 3 4 5 } } ORDER BY ?a LIMIT 4 } }"
            " ORDER BY ?a",
            ["3", "4"],
        ),
    ],
)
def test_a_page_is_the_ordered_rows_from_its_offset(query: str, rows: list[str]) -> None:
    assert [row["a"] for row in _rows(page(query, 2, 2))] == rows


def test_a_query_with_its_own_limit_is_not_paged() -> None:
    with pytest.raises(ParameterError, match="its own LIMIT"):
        page("SELECT ?a WHERE { ?a ?p ?o } LIMIT 5", 2)
    with pytest.raises(ParameterError, match="whole numbers"):
        page("SELECT ?a WHERE { ?a ?p ?o }", -1)


def test_a_filter_on_projected_columns_narrows_the_answer() -> None:
    query = (
        "PREFIX ex: <urn:ex:>\nSELECT DISTINCT ?a ?s ?__s ?__c WHERE { ?a ex:p ?s\n"
        "  FILTER(!BOUND(?__s) || ?s = STR(?__s))\n"
        "  FILTER(!BOUND(?__c) || EXISTS { ?a ex:in ?__c }) } ORDER BY ?a"
    )
    found = row_filters(query)
    assert found == {
        "__s": RowFilter(
            "FILTER(!BOUND(?__s) || ?s = STR(?__s))",
            ("s",),
            (Membership("s", "BIND(STR(?__s) AS ?s)", False),),
        ),
        "__c": RowFilter(
            "FILTER(!BOUND(?__c) || EXISTS { ?a ex:in ?__c })",
            ("a",),
            (Membership("a", "?a ex:in ?__c", True),),
        ),
    }
    assert prologue(query) == "PREFIX ex: <urn:ex:>\n"


@pytest.mark.parametrize(
    ("test", "members"),
    [
        (
            "?a = ?__s || ?b = ?__s",
            (Membership("a", "BIND(?__s AS ?a)", False), Membership("b", "BIND(?__s AS ?b)", False)),
        ),
        ("(BOUND(?a) && EXISTS { ?a <urn:in>* ?__s })", (Membership("a", "?a <urn:in>* ?__s", False),)),
        # tests that are not memberships: the filter is asked of the store for each row's values
        ("!BOUND(?b) || ?a = ?__s", ()),
        ("EXISTS { ?a <urn:in> ?b }", ()),  # two columns
        ("EXISTS { ?a <urn:in> ?__s OPTIONAL { ?a <urn:q> ?__s } }", ()),  # more than triples
        ("?a != ?__s", ()),
    ],
)
def test_a_row_filter_says_which_values_it_lets_through(test: str, members: tuple[Membership, ...]) -> None:
    query = f"SELECT ?a ?b WHERE {{ ?a <urn:p> ?b FILTER(!BOUND(?__s) || {test}) }}"
    assert _parses(query)
    found = row_filters(query)
    assert found["__s"].members == members


@pytest.mark.parametrize(
    "query",
    [
        # the filter reads a variable the answer does not show
        "SELECT ?a WHERE { ?a <urn:p> ?s FILTER(!BOUND(?__s) || ?s = ?__s) }",
        # ... or another parameter
        "SELECT ?a ?s WHERE { ?a <urn:p> ?s FILTER(!BOUND(?__s) || LANGMATCHES(?s, ?_lang)) }",
        # the parameter is used by a pattern too
        "SELECT ?a ?s WHERE { ?a <urn:p> ?s OPTIONAL { ?a <urn:q> ?__s } FILTER(!BOUND(?__s) || ?s = ?__s) }",
        # the filter holds within an OPTIONAL group only
        "SELECT ?a ?s WHERE { ?a <urn:p> ?s OPTIONAL { ?a <urn:q> ?s FILTER(!BOUND(?__s) || ?s = ?__s) } }",
        # a required parameter: its default is a value, not an absence
        "SELECT ?a ?s WHERE { ?a <urn:p> ?s FILTER(!BOUND(?_s) || ?s = ?_s) }",
        # projected expressions, aggregates and solution modifiers other than ORDER BY
        "SELECT ?a (STR(?s) AS ?t) WHERE { ?a <urn:p> ?s FILTER(!BOUND(?__s) || ?a = ?__s) }",
        "SELECT ?a ?s WHERE { ?a <urn:p> ?s FILTER(!BOUND(?__s) || ?s = ?__s) } LIMIT 5",
        "SELECT ?a WHERE { ?a <urn:p> ?s FILTER(!BOUND(?__s) || ?a = ?__s) } GROUP BY ?a",
        "SELECT * WHERE { ?a <urn:p> ?s FILTER(!BOUND(?__s) || ?s = ?__s) }",
        # two filters for one parameter
        "SELECT ?a ?s WHERE { ?a <urn:p> ?s FILTER(!BOUND(?__s) || ?s = ?__s) FILTER(!BOUND(?__s) || 1) }",
        # a filter that is more than a test of the parameter
        "SELECT ?a ?s WHERE { ?a <urn:p> ?s FILTER(BOUND(?__s) || ?s = ?__s) }",
    ],
)
def test_a_parameter_that_is_more_than_a_row_filter_is_not_one(query: str) -> None:
    assert _parses(query)
    assert row_filters(query) == {}
