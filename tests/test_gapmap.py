"""The gap map: matrices that agree with the sources, written as CSV and safe, self-contained HTML."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import kg
from kg.gapmap import ADDRESSED, write_gapmap
from kg.load import KnowledgeGraph

BARRIER = "https://w3id.org/refugee-access/concept/barrier/"

HOSTILE_CASE = """
@prefix ra: <https://w3id.org/refugee-access/def#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://example.org/type> a skos:Concept ; skos:prefLabel "<script>alert(1)</script>"@en ;
    ra:accessDimension <https://w3id.org/refugee-access/concept/dimension/affordability> .
<https://example.org/barrier> a ra:Barrier ; rdfs:label "x"@en ; ra:barrierType <https://example.org/type> ;
    dcterms:spatial <https://w3id.org/refugee-access/id/place/kenya> .
"""


def _matrix(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return {row["barrier type IRI"]: row for row in csv.DictReader(f)}


def test_barriers_by_country_follow_the_sources(shipped: KnowledgeGraph, tmp_path: Path) -> None:
    paths = write_gapmap(shipped, tmp_path)
    assert sorted(p.name for p in paths) == [
        "gapmap-barriers-by-country.csv",
        "gapmap-barriers-by-strategy.csv",
        "gapmap.html",
    ]
    by_country = _matrix(tmp_path / "gapmap-barriers-by-country.csv")
    # Kenya (000): affordable care is addressed ("Challenge addressed"); politicisation is only the
    # setting, so documented there and not addressed; WHO/Europe's interpreters are not addressed.
    assert by_country[BARRIER + "unaffordable-care"]["Kenya"] == ADDRESSED
    assert by_country[BARRIER + "politicisation"]["Kenya"] == "documented here, not addressed"
    assert by_country[BARRIER + "interpreter-shortage"]["Kenya"] != ADDRESSED
    assert by_country[BARRIER + "lack-of-legal-support"]["Kenya"] != ADDRESSED
    # Serbia (003) "needed to address" legal status; its language barriers are "further difficulties".
    assert by_country[BARRIER + "legal-status"]["Serbia"] == ADDRESSED
    assert by_country[BARRIER + "language-cultural-barriers"]["Serbia"] == "documented here, not addressed"
    assert by_country[BARRIER + "unmet-basic-needs"]["Serbia"] == "documented here, not addressed"
    # Kazakhstan (001) advocates inclusion in state schemes; temporary permits are a challenge it met,
    # with a response, not a barrier it set out to remove.
    assert by_country[BARRIER + "exclusion-from-public-schemes"]["Kazakhstan"] == ADDRESSED
    assert by_country[BARRIER + "temporary-residence"]["Kazakhstan"] == "documented here, not addressed"
    assert by_country[BARRIER + "temporary-residence"]["Serbia"] == "documented elsewhere only"


def test_barriers_by_strategy_follow_the_sources(shipped: KnowledgeGraph, tmp_path: Path) -> None:
    write_gapmap(shipped, tmp_path)
    by_strategy = _matrix(tmp_path / "gapmap-barriers-by-strategy.csv")
    # Kenya (000): the official's reluctance was overcome by interest alignment.
    assert by_strategy[BARRIER + "official-reluctance"]["interest alignment"] == "1"
    # Kazakhstan (001): staff turnover met by relationship building, not by training.
    assert by_strategy[BARRIER + "staff-turnover"]["relationship building"] == "1"
    assert by_strategy[BARRIER + "staff-turnover"]["vocational training"] == ""


def test_html_is_self_contained_and_escaped(tmp_path: Path) -> None:
    extra = tmp_path / "hostile.ttl"
    extra.write_text(HOSTILE_CASE, encoding="utf-8")
    graph = kg.load([extra])
    html = next(p for p in write_gapmap(graph, tmp_path / "out") if p.suffix == ".html").read_text(
        encoding="utf-8"
    )
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not re.search(r"<(script|link|img|iframe)\b", html)  # nothing loaded from anywhere
    assert 'class="gap-here"' in html  # documented in Kenya, addressed nowhere


def _cells_from_the_saved_gap_query(graph: KnowledgeGraph) -> dict[tuple[str, str], str]:
    """The matrix as an analyst would make it: the saved gap query for each country, best state first."""
    from kg.gapmap import barriers_by_country
    from kg.query import run_saved

    statuses = {
        "documented here, not addressed": "documented here, not addressed",
        "addressed elsewhere": "addressed elsewhere only",
        "documented elsewhere, not addressed": "documented elsewhere only",
    }
    matrix = barriers_by_country(graph)
    cells = {}
    for country, _ in matrix.columns:
        rows = run_saved(graph, "barriers-without-intervention-in-country", {"country": country}).rows
        for kind, _, _ in matrix.rows:
            found = [statuses[r["status"].value] for r in rows if r["barrierType"].value == kind]
            cells[(kind, country)] = min(found, key=list(statuses.values()).index) if found else ADDRESSED
    return cells


def test_matrix_cells_are_the_saved_gap_query_for_each_country(
    shipped: KnowledgeGraph, tmp_path: Path
) -> None:
    from kg.gapmap import barriers_by_country

    assert barriers_by_country(shipped).cells == _cells_from_the_saved_gap_query(shipped)
    # and on generated cases, where many countries share barrier types
    from bench.generate import generate

    path = tmp_path / "cases.nq"
    with path.open("w", encoding="utf-8") as out:
        generate(out, 40, seed=3)
    graph = kg.load([path])
    matrix = barriers_by_country(graph)
    assert len(matrix.columns) > 5 and set(matrix.cells.values()) > {ADDRESSED}
    assert matrix.cells == _cells_from_the_saved_gap_query(graph)
