"""Curating a new case study: template → filled file → validation → graph, and every usual slip.

The case study used here is written for the test; its facts are stated below and are not taken
from any source document:

    The (fictional) NGO "Steppe Health Link" registers stateless families with the primary health
    clinics of Shymkent, Kazakhstan. It meets the clinics' registration officers, who are
    mid-level officials of the city health department, every month (relationship building). The
    barrier: clinics accept no identity documents that stateless people hold (legal status). A
    challenge: officers changed posts twice in one year (staff turnover), answered by training
    each new officer (capacity building). Condition: the city health department supports the
    work (local actor support). Outcome: families enrolled with a clinic (scheme enrolment).
    Entitlement: stateless persons may use the clinics through the programme (programme-supported).
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from kg.curate.cli import import_case, new_case
from kg.curate.hints import curation_checks
from kg.errors import InputError
from kg.load import KnowledgeGraph, extra_files, read_file, shipped_files
from kg.validate import Violation, validate

SLUG = "shymkent-clinic-outreach"
CASE = f"https://w3id.org/refugee-access/id/case/{SLUG}/"
CASE_DUP = "https://w3id.org/refugee-access/id/case/slip-duplicate/"
MID_LEVEL = "https://w3id.org/refugee-access/concept/rank/mid-level"

#: Values for the template's TODO markers; a list fills successive occurrences in file order.
FILL: dict[str, str | list[str]] = {
    "# Case study: TODO one sentence saying who does what, for whom, where.": "# Case study: families.",
    "# Source: TODO the document these facts come from.": "# Source: written for the test.",
    "TODO: Case study: short title": "Case study: registering stateless families with Shymkent clinics",
    "TODO: title of the source": "Reaching stateless families through Shymkent's clinics",
    "TODO: author name": "A. Example",
    "TODO-year": "2024",
    "TODO: name of the programme": "Registering stateless families with Shymkent's primary health clinics",
    "TODO: what was done, by whom, for whom, in your own words": (
        "Steppe Health Link helps stateless families register with clinics in Shymkent."
    ),
    "status:TODO-status": "status:ongoing",
    "population:TODO-population": ["population:stateless-persons"] * 4,
    "sector:TODO-sector": ["sector:health", "sector:health"],
    "strategy:TODO-strategy": ["strategy:enrolment-facilitation", "strategy:capacity-building"],
    "TODO: what the implementers plan next": "Extend the registration work to a second city.",
    "TODO: name of the implementing organisation": "Steppe Health Link",
    "TODO: who they are, in one sentence": "A fictional non-governmental organisation working in Shymkent.",
    "TODO: name of the public body": "Shymkent city health department",
    "TODO: what the body does": "Runs the primary health clinics of the city.",
    "level:TODO-level": ["level:city"] * 3,
    "TODO: role of the official": "clinic registration officers",
    "rank:TODO-rank": ["rank:mid-level"] * 2,
    "TODO: who engages whom": "Steppe Health Link meets the clinics' registration officers",
    "TODO: how the engagement worked": "Monthly meetings with the officers who register new patients.",
    "strategy:TODO-mode": "strategy:relationship-building",
    "TODO: what the engagement is for": "Agree how stateless families can be registered.",
    "TODO: verbatim phrase from the source": [
        "met the registration officers every month",
        "no identity documents accepted by the clinics",
        "officers changed posts twice in one year",
        "trained each new officer",
        "the city health department supports the work",
        "families enrolled with a clinic",
        "stateless families may use the clinics",
    ],
    "TODO: the barrier, in a few words": "Clinics do not accept the papers stateless people hold",
    "TODO: the barrier as the source documents it": "Without accepted documents, families cannot register.",
    "barrier:TODO-barrier": ["barrier:legal-status", "barrier:staff-turnover"],
    "TODO: a difficulty met on the way": "Registration officers changed often",
    "TODO: what made delivery hard": "New officers did not know the agreed procedure.",
    "TODO: how the difficulty was overcome": "Training for each new officer",
    "TODO: what the implementers did": "The NGO explained the procedure to every new officer.",
    "TODO: what must hold": "Support of the city health department",
    "TODO: why the approach depends on it": "Officers follow the procedure as their department backs it.",
    "condition:TODO-condition": "condition:local-actor-support",
    "TODO: the result": "Stateless families enrolled with clinics",
    "TODO: the result as the source reports it": "Families were enrolled with a primary health clinic.",
    "outcome:TODO-outcome": "outcome:scheme-enrolment",
    "result:TODO-result": "result:output",
    "TODO: name of the public scheme or service": "Primary health clinic registration in Shymkent",
    "TODO: who may use the scheme, on which terms": "Stateless persons may use the clinics via the programme",
    "TODO: the entitlement in your own words": "Access depends on the programme's support.",
    "entitlement:TODO-entitlement": "entitlement:programme-supported",
}

#: The same case study as spreadsheet sheets (header rows as in kg/curate/templates/sheets/).
SHEETS: dict[str, list[dict[str, str]]] = {
    "case": [
        {
            "case": SLUG,
            "graph_title": "Case study: registering stateless families with Shymkent clinics",
            "source": SLUG,
            "source_title": "Reaching stateless families through Shymkent's clinics",
            "source_publisher": "implementer",
            "source_author": "A. Example",
            "source_year": "2024",
            "source_language": "en",
            "label": "Registering stateless families with Shymkent's primary health clinics",
            "description": "Steppe Health Link helps stateless families register with clinics in Shymkent.",
            "place": "kazakhstan",
            "status": "ongoing",
            "target_group": "stateless-persons",
            "sector": "health",
            "strategy": "enrolment-facilitation",
            "next_step": "Extend the registration work to a second city.",
        }
    ],
    "actors": [
        {
            "id": "implementer",
            "type": "NonGovernmentalOrganisation",
            "label": "Steppe Health Link",
            "description": "A fictional non-governmental organisation working in Shymkent.",
            "place": "kazakhstan",
            "role": "implementer",
        },
        {
            "id": "government-body",
            "type": "GovernmentBody",
            "label": "Shymkent city health department",
            "description": "Runs the primary health clinics of the city.",
            "place": "kazakhstan",
            "level": "city",
            "role": "partner",
        },
        {
            "id": "official",
            "type": "Official",
            "label": "clinic registration officers",
            "level": "city",
            "rank": "mid-level",
            "member_of": "government-body",
        },
    ],
    "facts": [
        {
            "id": "engagement-1",
            "kind": "Engagement",
            "link": "hasEngagement",
            "label": "Steppe Health Link meets the clinics' registration officers",
            "description": "Monthly meetings with the officers who register new patients.",
            "engager": "implementer",
            "engaged": "official",
            "level": "city",
            "rank": "mid-level",
            "mode": "relationship-building",
            "purpose": "Agree how stateless families can be registered.",
            "evidence": "met the registration officers every month",
            "claim_status": "stated",
        },
        {
            "id": "barrier-1",
            "kind": "Barrier",
            "link": "addressesBarrier",
            "label": "Clinics do not accept the papers stateless people hold",
            "description": "Without accepted documents, families cannot register.",
            "barrier": "legal-status",
            "affects": "stateless-persons",
            "place": "kazakhstan",
            "evidence": "no identity documents accepted by the clinics",
            "claim_status": "stated",
        },
        {
            "id": "challenge-1",
            "kind": "Challenge",
            "link": "encounteredChallenge",
            "label": "Registration officers changed often",
            "description": "New officers did not know the agreed procedure.",
            "barrier": "staff-turnover",
            "evidence": "officers changed posts twice in one year",
            "claim_status": "stated",
        },
        {
            "id": "response-1",
            "kind": "Response",
            "link": "response",
            "label": "Training for each new officer",
            "description": "The NGO explained the procedure to every new officer.",
            "responds_to": "challenge-1",
            "strategy": "capacity-building",
            "evidence": "trained each new officer",
            "claim_status": "stated",
        },
        {
            "id": "condition-1",
            "kind": "EnablingCondition",
            "link": "enablingCondition",
            "label": "Support of the city health department",
            "description": "Officers follow the procedure as their department backs it.",
            "condition": "local-actor-support",
            "evidence": "the city health department supports the work",
            "claim_status": "stated",
        },
        {
            "id": "outcome-1",
            "kind": "Outcome",
            "link": "outcome",
            "label": "Stateless families enrolled with clinics",
            "description": "Families were enrolled with a primary health clinic.",
            "outcome": "scheme-enrolment",
            "result_level": "output",
            "affects": "stateless-persons",
            "evidence": "families enrolled with a clinic",
            "claim_status": "stated",
        },
        {
            "id": "entitlement-1",
            "kind": "Entitlement",
            "link": "entitlement",
            "label": "Stateless persons may use the clinics via the programme",
            "description": "Access depends on the programme's support.",
            "entitled_group": "stateless-persons",
            "entitled_to": "scheme",
            "entitlement": "programme-supported",
            "evidence": "stateless families may use the clinics",
            "claim_status": "stated",
        },
    ],
    "schemes": [
        {
            "id": "scheme",
            "label": "Primary health clinic registration in Shymkent",
            "place": "kazakhstan",
            "sector": "health",
        }
    ],
}


# ---------------------------------------------------------------- building blocks


def scaffold(slug: str = SLUG, country: str = "KZ") -> str:
    result = CliRunner().invoke(new_case, [slug, "--country", country])
    assert result.exit_code == 0, result.output
    return result.output


def fill(template: str, values: dict[str, str | list[str]]) -> str:
    """Replace each marker; a list of values replaces successive occurrences."""
    text = template
    for key, value in values.items():
        quoted = key.startswith("TODO:")  # a text value: match the whole quoted string
        marker = f'"{key}"' if quoted else key
        for one in value if isinstance(value, list) else [value]:
            one = f'"{one}"' if quoted else one
            assert marker in text, f"the template has no (more) {marker!r}"
            text = text.replace(marker, one, 1)
        assert marker not in text, f"{marker!r} occurs more often than the test fills it"
    return text


def filled_case(tmp_path: Path, slug: str = SLUG, name: str = "Steppe Health Link") -> Path:
    text = fill(scaffold(slug), {**FILL, "TODO: name of the implementing organisation": name})
    path = tmp_path / f"{slug}.ttl"
    path.write_text(text, encoding="utf-8")
    return path


def draft_graph(*paths: Path) -> KnowledgeGraph:
    """The shipped model and reference entities plus the drafts, without the other case studies.

    Keeps each check about the draft alone (and fast); the shipped cases are validated elsewhere.
    """
    files = [f for f in shipped_files() if f.kind != "case"] + extra_files(paths)
    store = ox.Store()
    for file in files:
        read_file(store, file)
    return KnowledgeGraph(store, files)


def results_for(graph: KnowledgeGraph) -> list[Violation]:
    """What `kg validate` shows: the SHACL results and the curation checks (added once)."""
    results = validate(graph).results
    return results + [h for h in curation_checks(graph) if h not in results]


def shown(results: list[Violation], path: Path) -> list[Violation]:
    return [r for r in results if Path(r.file).name == path.name and r.severity == "Violation"]


# ---------------------------------------------------------------- the happy path


def test_template_shows_every_part_of_a_record() -> None:
    text = scaffold()
    for term in (
        "ra:implementer",
        "ra:Engagement",
        "ra:targetGroup",
        "ra:Barrier",
        "ra:EnablingCondition",
        "ra:strategy",
        "ra:Outcome",
        "ra:evidence",
        "ra:SourceDocument",
        "prov:wasDerivedFrom",
        "ra:bureaucraticRank",
    ):
        assert term in text
    assert "raplace:kazakhstan" in text and "raplace:TODO-country" not in text
    rdflib.Graph().parse(data=text, format="turtle")  # the scaffold itself is valid Turtle


def test_unknown_country_code_is_refused_with_what_a_code_is() -> None:
    result = CliRunner().invoke(new_case, [SLUG, "--country", "XX"])
    assert result.exit_code != 0
    assert isinstance(result.exception, InputError)
    assert "'XX' is not an ISO 3166-1 country code" in str(result.exception)


def test_country_the_graph_lacks_needs_a_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no kg.toml here or above
    result = CliRunner().invoke(new_case, [SLUG, "--country", "CA"])
    assert result.exit_code != 0
    assert "CA (Canada)" in str(result.exception) and "kg init" in str(result.exception)


@pytest.fixture(scope="module")
def good_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return filled_case(tmp_path_factory.mktemp("good"))


def test_filled_template_validates_and_is_found(good_case: Path) -> None:
    text = good_case.read_text(encoding="utf-8")
    assert not [line for line in text.splitlines() if "TODO" in line and not line.lstrip().startswith("#")]
    graph = draft_graph(good_case)
    assert shown(results_for(graph), good_case) == []

    # added with --data, it answers the saved competency query on mid-level officials
    from kg.load import load
    from kg.query import query

    rows = query("who-engages-mid-level-officials", load([good_case]), rank=MID_LEVEL)
    ours = rows[rows["engagement"].astype(str).str.contains(SLUG)]
    assert list(ours["organisationLabel"]) == ["Steppe Health Link"]
    assert list(ours["engagedLabel"]) == ["clinic registration officers"]


def test_new_case_appears_in_network_projection(good_case: Path) -> None:
    projection = pytest.importorskip("kg.network.projection")
    import networkx as nx

    from kg.load import load

    network = projection.project(load([good_case]))
    implementer, official = CASE + "implementer", CASE + "official"
    assert implementer in network and official in network
    # the engagement links the NGO to the officials it meets, directly or through the engagement node
    assert nx.shortest_path_length(network.to_undirected(as_view=True), implementer, official) <= 2


# ---------------------------------------------------------------- curator mistakes and the guidance shown


def test_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = filled_case(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("case:implementer a"))
    lines[number + 1] = lines[number + 1].replace('"@en ;', "@en ;", 1)  # drop a closing quote
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        draft_graph(path)
    message = str(caught.value)
    assert re.match(rf"^{re.escape(str(path))}:\d+:\d+: ", message), message
    reported_line = int(message.split(":")[1])
    assert number + 2 <= reported_line <= len(lines)


def mistake(tmp_path: Path, slug: str, old: str, new: str) -> Path:
    """A filled case with one slip; its own slug and organisation name, so drafts do not collide."""
    path = filled_case(tmp_path, slug, name=f"Health Link {slug}")
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_misspelt_property_is_answered_with_the_right_one(tmp_path: Path) -> None:
    path = mistake(
        tmp_path, "slip-property", "ra:engagedParty case:official", "ra:engagedparty case:official"
    )
    results = shown(results_for(draft_graph(path)), path)
    hints = [r for r in results if r.shape == "curation: unknown property"]
    assert [h.message for h in hints] == [
        "The property ra:engagedparty is not defined by the ontology. Did you mean ra:engagedParty?"
    ]
    assert hints[0].label == "Steppe Health Link meets the clinics' registration officers"
    assert (
        path.read_text(encoding="utf-8").splitlines()[hints[0].line - 1].strip().startswith("ra:engagedparty")
    )
    # the engagement shape also says that the engaged party is now missing
    assert any(r.path == "ra:engagedParty" and "Say who is engaged" in r.message for r in results)


def test_unknown_barrier_concept_is_answered_with_the_nearest(tmp_path: Path) -> None:
    path = mistake(tmp_path, "slip-concept", "barrier:legal-status", "barrier:legal-statut")
    results = shown(results_for(draft_graph(path)), path)
    hints = [r for r in results if r.shape == "curation: unknown concept"]
    assert [(h.path, h.message) for h in hints] == [
        (
            "ra:barrierType",
            "barrier:legal-statut is not a concept of its scheme. Did you mean barrier:legal-status (Lack of "
            "a recognised or regular legal status, so that the person is not eligible for a service or fears "
            "contact with authorities.)?",
        )
    ]
    assert any(r.path == "ra:barrierType" and r.shape != "curation: unknown concept" for r in results)


def test_missing_source_is_reported_with_what_to_add(tmp_path: Path) -> None:
    path = mistake(tmp_path, "slip-source", "    dcterms:source rasrc:slip-source ;\n", "")
    results = shown(results_for(draft_graph(path)), path)
    sources = [r for r in results if r.path == "dcterms:source"]
    assert [r.message for r in sources] == [
        "Give the source document of this intervention with dcterms:source, pointing to a resource typed "
        "ra:SourceDocument."
    ]
    assert sources[0].label == "Registering stateless families with Shymkent's primary health clinics"


def test_duplicate_organisation_is_reported(tmp_path: Path) -> None:
    """UNHCR is a shared organisation; describing it again under the case namespace is a slip."""
    path = mistake(
        tmp_path,
        "slip-duplicate",
        "case:implementer a ra:NonGovernmentalOrganisation ;",
        "case:unhcr-office a ra:InternationalOrganisation ;\n"
        '    rdfs:label "unhcr"@en ;\n'
        "    skos:exactMatch <http://www.wikidata.org/entity/Q132551> .\n\n"
        "case:implementer a ra:NonGovernmentalOrganisation ;",
    )
    graph = draft_graph(path)
    duplicates = [r for r in curation_checks(graph) if r.shape == "curation: duplicate organisation"]
    # one report for the copy (same Wikidata item, and the same label but for case); none for raorg:unhcr
    assert [(r.focus, r.path, r.value) for r in duplicates] == [
        (CASE_DUP + "unhcr-office", "skos:exactMatch", "wd:Q132551")
    ]
    assert duplicates[0].message == (
        "Duplicate organisation: racase:slip-duplicate/unhcr-office has the same Wikidata item as "
        "raorg:unhcr. Point to the existing IRI instead of describing the organisation again "
        "(shared organisations are in "
        "data/reference/organisations.ttl)."
    )
    assert duplicates[0].file.endswith("slip-duplicate.ttl") and duplicates[0].line is not None


# ---------------------------------------------------------------- the spreadsheet path


def write_sheets(folder: Path, sheets: dict[str, list[dict[str, str]]] = SHEETS) -> Path:
    from kg.resources import package_file

    folder.mkdir(parents=True, exist_ok=True)
    for sheet, rows in sheets.items():
        header = package_file("curate", "templates", "sheets", f"{sheet}.csv").read_text().strip().split(",")
        with (folder / f"{sheet}.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)
    return folder


def test_spreadsheet_gives_the_same_graph_as_turtle(tmp_path: Path, good_case: Path) -> None:
    folder = write_sheets(tmp_path / "sheets")
    output = tmp_path / f"{SLUG}.ttl"
    result = CliRunner().invoke(import_case, [str(folder), "-o", str(output)])
    assert result.exit_code == 0, result.output
    from_sheets = rdflib.Graph().parse(output, format="turtle")
    from_turtle = rdflib.Graph().parse(good_case, format="turtle")
    assert isomorphic(from_sheets, from_turtle), sorted(set(from_sheets) ^ set(from_turtle))[:10]


def test_spreadsheet_without_a_column_says_which(tmp_path: Path) -> None:
    folder = write_sheets(tmp_path / "sheets")
    shutil.copy(folder / "schemes.csv", tmp_path / "keep.csv")
    (folder / "schemes.csv").write_text("id,label,place\n", encoding="utf-8")
    result = CliRunner().invoke(import_case, [str(folder)])
    assert isinstance(result.exception, InputError)
    assert str(result.exception).endswith("missing column(s) sector; keep the header row of the template")


def test_spreadsheet_carries_collection_landing_page_months_and_several_countries(tmp_path: Path) -> None:
    row = {
        **SHEETS["case"][0],
        "source_collection": "urban-refugees-practices",
        "source_landing_page": "https://example.org/steppe-health-link",
        "start_month": "2022-03",
        "end_year": "2024",
    }
    second_place = {**row, "place": "serbia"}  # a repeated row adds a second value
    folder = write_sheets(tmp_path / "sheets", {**SHEETS, "case": [row, second_place]})
    output = tmp_path / f"{SLUG}.ttl"
    result = CliRunner().invoke(import_case, [str(folder), "-o", str(output)])
    assert result.exit_code == 0, result.output
    graph = rdflib.Graph().parse(output, format="turtle")
    source = rdflib.URIRef(f"https://w3id.org/refugee-access/id/source/{SLUG}")
    intervention = rdflib.URIRef(CASE + "intervention")
    dcterms, schema = rdflib.Namespace("http://purl.org/dc/terms/"), rdflib.Namespace("https://schema.org/")
    assert graph.value(source, dcterms.isPartOf) == rdflib.URIRef(
        "https://w3id.org/refugee-access/id/source/urban-refugees-practices"
    )
    assert graph.value(source, rdflib.URIRef("http://www.w3.org/ns/dcat#landingPage")) == rdflib.URIRef(
        "https://example.org/steppe-health-link"
    )
    start = graph.value(intervention, schema.startDate)
    assert (str(start), start.datatype) == ("2022-03", rdflib.XSD.gYearMonth)
    assert str(graph.value(intervention, schema.endDate)) == "2024"
    places = {str(p).rsplit("/", 1)[1] for p in graph.objects(intervention, dcterms.spatial)}
    assert places == {"kazakhstan", "serbia"}
