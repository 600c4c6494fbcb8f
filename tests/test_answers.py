"""Pages of saved queries read from a build's answers: the same rows as evaluating, and only for the
graph, code and parameters that build had."""

from __future__ import annotations

import shutil
import urllib.request
from pathlib import Path

import pytest

from kg.answers import SUFFIX, BuiltAnswers, Narrowing
from kg.catalogue import SavedQuery, catalogue
from kg.catalogue import read as read_query
from kg.load import KnowledgeGraph, load
from kg.query import bind, known_values, run_saved
from kg.server.running import running_server
from tests.conftest import FIXTURES, run_kg


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("answers") / "dist"
    result = run_kg("build", "--out", str(out), "-q")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def tampered(site: Path, tmp_path: Path) -> Path:
    """A copy of the build whose source-documents answer keeps only its last row, its French answer
    only its first, and whose strategies-by-barrier answer keeps its last three (and their headers)."""
    copy = tmp_path / "dist"
    shutil.copytree(site, copy)
    for name, kept in (
        ("source-documents", slice(-1, None)),
        ("fr/source-documents", slice(0, 1)),
        ("strategies-by-barrier", slice(-3, None)),
    ):
        answer = copy / "queries" / f"{name}.{SUFFIX}"
        header, *rows = answer.read_bytes().splitlines(keepends=True)
        answer.write_bytes(header + b"".join(rows[kept]))
    return copy


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_pages_of_a_built_answer_are_the_evaluated_pages(
    shipped: KnowledgeGraph, site: Path, name: str
) -> None:
    built = BuiltAnswers.of(site, shipped)
    assert built is not None
    whole = run_saved(shipped, name)
    read_whole = built.read(name)  # read from the file itself, so that no fallback can pass for it
    assert read_whole is not None and read_whole.rows == whole.rows
    size = max(len(whole) // 3, 1)
    for offset in range(0, len(whole) + size, size):
        evaluated = run_saved(shipped, name, limit=size, offset=offset)
        read = built.read(name, limit=size, offset=offset)
        assert read is not None
        assert (read.rows, read.variables, read.more) == (evaluated.rows, evaluated.variables, evaluated.more)


#: Queries whose labels come in the language asked: the build keeps their answers in French too,
#: the one language besides English that the shipped labels and titles have.
LABELLED = sorted(name for name, query in catalogue().items() if query.parameter("lang") is not None)


@pytest.mark.parametrize("name", LABELLED)
def test_an_answer_in_another_language_is_read_as_evaluated(
    shipped: KnowledgeGraph, site: Path, name: str
) -> None:
    built = BuiltAnswers.of(site, shipped)
    assert built is not None and built.languages == {"fr"}
    whole = run_saved(shipped, name, lang="fr")
    read_whole = built.read(name, language="fr")
    assert read_whole is not None and read_whole.rows == whole.rows
    size = max(len(whole) // 2, 1)
    for offset in (0, size):
        evaluated = run_saved(shipped, name, lang="fr", limit=size, offset=offset)
        read = built.read(name, limit=size, offset=offset, language="fr")
        assert read is not None and (read.rows, read.more) == (evaluated.rows, evaluated.more)
    if (parameter := catalogue()[name].parameter("claimStatus")) is not None:
        for status in parameter.choices:
            given = {"claimStatus": status}
            evaluated = run_saved(shipped, name, given, "fr", limit=5)
            read = run_saved(shipped, name, given, "FR", limit=5, built=built)
            assert (read.rows, read.more) == (evaluated.rows, evaluated.more)


def test_the_french_answer_holds_the_french_title(shipped: KnowledgeGraph, site: Path) -> None:
    # The Kenya source document is titled in French by its source (seed 000, its second line).
    built = BuiltAnswers.of(site, shipped)
    assert built is not None
    french, english = built.read("source-documents", language="fr"), built.read("source-documents")
    assert french is not None and english is not None
    title = "Engager des fonctionnaires pour aider les réfugiés à accéder aux soins de santé"
    assert title in french.column("sourceTitle") and title not in english.column("sourceTitle")


def test_only_a_kept_language_is_read(tmp_path: Path) -> None:
    (tmp_path / "fr").mkdir()  # a build's folder of French answers, beside a file that is not one
    (tmp_path / f"source-documents.{SUFFIX}").write_text("?source\n", encoding="utf-8")
    built = BuiltAnswers(tmp_path)
    assert built.languages == {"fr"}
    kept = [built.language(asked, "en") for asked in (None, "en", "EN", "fr", "Fr")]
    assert kept == ["", "", "", "fr", "fr"]
    # A range no answer was kept for: a region of a kept language, any language, a path.
    assert [built.language(asked, "en") for asked in ("fr-CA", "*", "de", "../fr", "fr/..")] == [None] * 5
    assert built.read("source-documents", language="../queries") is None


def _narrowing(graph: KnowledgeGraph, query: SavedQuery, given: dict[str, str]) -> Narrowing:
    narrowing = Narrowing.between(graph, query, bind(graph, query, given), bind(graph, query, {}))
    assert narrowing is not None and narrowing.filters
    return narrowing


FILTERED = sorted(
    (name, parameter.name)
    for name, query in catalogue().items()
    for parameter in query.parameters
    if parameter.variable in query.row_filters
)


@pytest.mark.parametrize(("name", "parameter"), FILTERED)
def test_a_row_filter_read_from_the_build_answers_as_evaluating_does(
    shipped: KnowledgeGraph, site: Path, name: str, parameter: str
) -> None:
    built = BuiltAnswers.of(site, shipped)
    assert built is not None
    query = catalogue()[name]
    declared = query.parameter(parameter)
    assert declared is not None
    values = declared.choices or tuple(
        str(row["value"].value) for row in known_values(shipped, parameter).rows
    )
    assert values
    for value in values:
        given = {parameter: value}
        whole = run_saved(shipped, name, given)
        read_whole = built.read(name, narrowing=_narrowing(shipped, query, given))
        assert read_whole is not None and read_whole.rows == whole.rows, value
        size = max(len(whole) // 2, 1)
        for offset in (0, size, len(whole)):
            evaluated = run_saved(shipped, name, given, limit=size, offset=offset)
            read = built.read(name, size, offset, _narrowing(shipped, query, given))
            assert read is not None
            assert (read.rows, read.more) == (evaluated.rows, evaluated.more), (value, offset)


def test_every_claim_status_parameter_is_a_row_filter() -> None:
    # claimStatus keeps the findings whose claimStatus column says so, in every query that has it.
    having = [q for q in catalogue().values() if q.parameter("claimStatus") is not None]
    assert len(having) > 10
    assert [q.name for q in having if "__claimStatus" not in q.row_filters] == []
    assert ("strategies-by-barrier", "country") in FILTERED
    assert ("who-works-with-whom", "relation") in FILTERED


def test_a_row_filter_is_read_from_the_kept_rows(shipped: KnowledgeGraph, tampered: Path) -> None:
    built = BuiltAnswers.of(tampered, shipped)
    evaluated = run_saved(shipped, "strategies-by-barrier", {"claimStatus": "stated"})
    read = run_saved(shipped, "strategies-by-barrier", {"claimStatus": "stated"}, built=built)
    assert 0 < len(read) <= 3 < len(evaluated)
    assert all(row in evaluated.rows for row in read.rows)
    # A language the labels do not have, and so no answer was kept in: evaluated.
    other = run_saved(shipped, "strategies-by-barrier", {"claimStatus": "stated"}, lang="de", built=built)
    assert len(other) == len(evaluated)


def test_a_built_answer_is_read_only_with_the_parameters_it_was_kept_for(
    shipped: KnowledgeGraph, tampered: Path
) -> None:
    built = BuiltAnswers.of(tampered, shipped)
    assert built is not None
    evaluated = run_saved(shipped, "source-documents").column("source")
    assert len(evaluated) > 1  # one per source document: five seeds and the reference sources
    read = run_saved(shipped, "source-documents", limit=10, built=built)
    assert read.column("source") == evaluated[-1:] and read.more is False  # from the file
    # The defaults said out loud are the defaults; French has its own answer; German is evaluated.
    assert run_saved(shipped, "source-documents", lang="en", built=built).column("source") == evaluated[-1:]
    french = run_saved(shipped, "source-documents", lang="fr", limit=10, built=built)
    first = run_saved(shipped, "source-documents", lang="fr", limit=1).column("source")
    assert french.column("source") == first and french.more is False
    assert run_saved(shipped, "source-documents", lang="de", built=built).column("source") == evaluated


def test_answers_of_another_graph_are_not_used(site: Path) -> None:
    draft = FIXTURES / "core" / "incomplete-intervention.ttl"
    assert BuiltAnswers.of(site, load([draft])) is None


def test_a_line_break_in_a_value_stays_within_its_row(shipped: KnowledgeGraph, tmp_path: Path) -> None:
    answer = shipped.select('SELECT ?text WHERE { VALUES ?text { "one\\ntwo" "three" "four\\r\\nfive" } }')
    (tmp_path / f"lines.{SUFFIX}").write_bytes(answer.serialize(SUFFIX))
    built = BuiltAnswers(tmp_path)
    page = built.read("lines", limit=1, offset=2)
    assert page is not None and page.column("text") == ["four\r\nfive"] and page.more is False
    whole = built.read("lines")
    assert whole is not None and whole.column("text") == ["one\ntwo", "three", "four\r\nfive"]
    assert built.read("no-such-answer", limit=1) is None


def test_kg_query_reads_pages_from_the_site(tampered: Path, site: Path) -> None:
    page = run_kg("query", "source-documents", "--site", str(tampered), "--format", "csv", "--limit", "5")
    assert page.returncode == 0, page.stderr
    assert len(page.stdout.splitlines()) == 2  # the header and the one row left in the file
    other = run_kg(
        "query",
        "source-documents",
        "--site",
        str(site),
        "--format",
        "csv",
        "--data",
        str(FIXTURES / "core" / "incomplete-intervention.ttl"),
    )
    assert other.returncode == 0, other.stderr
    assert "was not built from these files" in other.stderr
    assert len(other.stdout.splitlines()) > 2


def test_a_site_holds_no_answers_of_a_remote_store(site: Path) -> None:
    result = run_kg(
        "query", "source-documents", "--site", str(site), "--endpoint", "http://127.0.0.1:9/sparql"
    )
    assert result.returncode == 2 and "--endpoint" in result.stderr


@pytest.mark.server
def test_the_server_pages_answers_from_its_site(tampered: Path) -> None:
    with running_server("--site", str(tampered)) as base:
        with urllib.request.urlopen(f"{base}/queries/source-documents.csv?limit=10") as response:
            rows = response.read().decode().splitlines()
        with urllib.request.urlopen(f"{base}/queries/source-documents.csv?limit=10&lang=fr") as response:
            french = response.read().decode().splitlines()
        with urllib.request.urlopen(f"{base}/queries/source-documents.csv?limit=10&lang=de") as response:
            evaluated = response.read().decode().splitlines()
        url = f"{base}/queries/strategies-by-barrier.csv?limit=10&claimStatus=stated"
        with urllib.request.urlopen(url) as response:
            narrowed = response.read().decode().splitlines()
    assert len(rows) == 2 and rows[1] in evaluated and len(evaluated) > 2
    assert len(french) == 2 and french[1] != rows[1]  # the first row of the kept French answer
    assert 1 < len(narrowed) <= 4  # the header and those of the three kept rows that are stated


def test_an_exists_filter_lets_an_unbound_cell_through_as_evaluating_does(tmp_path: Path) -> None:
    # ?place is unbound in one row: EXISTS alone then asks whether anything lies in the country;
    # BOUND(?place) && EXISTS drops that row.
    (tmp_path / "places.ttl").write_text(
        "@prefix ex: <http://example.org/> .\n"
        "ex:a a ex:Thing ; ex:in ex:north . ex:b a ex:Thing ; ex:in ex:south . ex:c a ex:Thing .\n"
        "ex:north ex:within ex:land . ex:south ex:within ex:sea . [] ex:within ex:sea .\n",
        encoding="utf-8",
    )
    graph = load([tmp_path / "places.ttl"], shipped=False, workspace=None)
    base = (
        "PREFIX ex: <http://example.org/>\nSELECT ?thing ?place ?__c_iri ?__d_iri WHERE {\n"
        "  ?thing a ex:Thing OPTIONAL { ?thing ex:in ?place }\n"
        "  FILTER(!BOUND(?__c_iri) || EXISTS { ?place ex:within* ?__c_iri })\n"
        "  FILTER(!BOUND(?__d_iri) || (BOUND(?place) && EXISTS { ?place ex:within* ?__d_iri }))\n"
        "} ORDER BY ?thing\n"
    )
    (tmp_path / "q.rq").write_text(base, encoding="utf-8")
    query = read_query(tmp_path / "q.rq")
    assert [m.exists for f in query.row_filters.values() for m in f.members] == [True, False]
    (tmp_path / f"q.{SUFFIX}").write_bytes(run_saved(graph, str(tmp_path / "q.rq")).serialize(SUFFIX))
    built = BuiltAnswers(tmp_path)
    for given in (
        {"c": "http://example.org/land"},
        {"c": "http://example.org/nowhere"},
        {"d": "http://example.org/land"},
    ):
        evaluated = run_saved(graph, str(tmp_path / "q.rq"), given)
        read = built.read("q", narrowing=_narrowing(graph, query, given))
        assert read is not None and read.rows == evaluated.rows, given
    # A blank node lies in the sea; its label in the file is the build's own, so that is evaluated.
    assert built.read("q", narrowing=_narrowing(graph, query, {"c": "http://example.org/sea"})) is None
    things = {
        name: [
            t.rsplit("/", 1)[-1]
            for t in run_saved(graph, str(tmp_path / "q.rq"), {name: land}).column("thing")
        ]
        for name, land in (("c", "http://example.org/land"), ("d", "http://example.org/land"))
    }
    assert things == {"c": ["a", "c"], "d": ["a"]}  # a lies in the land, c nowhere
