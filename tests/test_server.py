"""The published graph over real HTTP: SPARQL protocol, linked data, dataset description, pages, limits."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import httpx
import pytest
import rdflib

from kg.catalogue import catalogue
from kg.load import KnowledgeGraph
from kg.query import run_saved
from kg.server.running import running_server

pytestmark = pytest.mark.server

INTERVENTION = "https://w3id.org/refugee-access/id/case/kenya-nhif-refugee-enrolment/intervention"
IMPLEMENTER_QUERY = f"""
SELECT ?name WHERE {{
  <{INTERVENTION}> ra:implementer ?org . ?org rdfs:label ?name .
}}"""
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with running_server() as url:
        yield url


@pytest.fixture(scope="module")
def small() -> Iterator[str]:
    """A server with a small row cap and result pages of two rows."""
    with running_server("--max-rows", "3", "--page-rows", "2") as url:
        yield url


@pytest.fixture(scope="module")
def http(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=30) as client:
        yield client


# ---------------------------------------------------------------- SPARQL 1.1 Protocol


def test_select_json_names_the_implementer_of_the_kenyan_programme(http: httpx.Client) -> None:
    # Source 000: RefugePoint implemented the Kenyan programme.
    response = http.get("/sparql", params={"query": IMPLEMENTER_QUERY})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    names = [b["name"]["value"] for b in response.json()["results"]["bindings"]]
    assert "RefugePoint" in names


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/sparql-results+json", "application/sparql-results+json"),
    ],
)
def test_select_formats_by_accept(http: httpx.Client, accept: str, media: str) -> None:
    response = http.post("/sparql", data={"query": IMPLEMENTER_QUERY}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    if media.endswith("xml"):
        root = ET.fromstring(response.content)
        literals = [e.text for e in root.iter("{http://www.w3.org/2005/sparql-results#}literal")]
        assert "RefugePoint" in literals
    elif media == "text/csv":
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows[0] == ["name"] and ["RefugePoint"] in rows
    elif media == "text/tab-separated-values":
        assert response.text.splitlines()[0] == "?name"
        assert '"RefugePoint"@en' in response.text or '"RefugePoint"' in response.text


def test_post_direct_and_ask(http: httpx.Client) -> None:
    ask = f"ASK {{ <{INTERVENTION}> a ra:Intervention }}"
    response = http.post("/sparql", content=ask, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 200
    assert response.json()["boolean"] is True
    xml = http.get("/sparql", params={"query": ask}, headers={"Accept": "application/sparql-results+xml"})
    assert "<boolean>true</boolean>" in xml.text


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_and_describe_formats(http: httpx.Client, accept: str, rdflib_format: str) -> None:
    construct = f"CONSTRUCT {{ <{INTERVENTION}> ?p ?o }} WHERE {{ <{INTERVENTION}> ?p ?o }}"
    for query in (construct, f"DESCRIBE <{INTERVENTION}>"):
        response = http.get("/sparql", params={"query": query}, headers={"Accept": accept})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].split(";")[0] == accept
        graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
        implementer = rdflib.URIRef("https://w3id.org/refugee-access/def#implementer")
        assert (rdflib.URIRef(INTERVENTION), implementer, None) in graph


def test_service_description_without_query(http: httpx.Client) -> None:
    response = http.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    service = rdflib.URIRef(str(http.base_url).rstrip("/") + "/sparql")
    assert (service, rdflib.RDF.type, SD.Service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (
        None,
        SD.name,
        rdflib.URIRef("https://w3id.org/refugee-access/graph/kenya-nhif-refugee-enrolment"),
    ) in graph


def test_bad_query_gets_400_with_parser_message(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert response.status_code == 400
    assert "error at 1:" in response.text  # Oxigraph's parser gives the position


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        ("update=INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/x-www-form-urlencoded"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-update"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-query"),
    ],
)
def test_updates_are_refused(http: httpx.Client, content: str, content_type: str) -> None:
    response = http.post("/sparql", content=content, headers={"Content-Type": content_type})
    assert 400 <= response.status_code < 500
    check = http.get("/sparql", params={"query": "ASK { <urn:a> <urn:b> <urn:c> }"})
    assert check.json()["boolean"] is False


def test_other_methods_get_405(http: httpx.Client) -> None:
    assert http.put("/sparql", params={"query": "ASK {}"}).status_code == 405


# ---------------------------------------------------------------- dereferenceable IRIs


@pytest.mark.parametrize(
    ("accept", "suffix"),
    [
        ("text/html", ".html"),
        ("text/turtle", ".ttl"),
        ("application/ld+json", ".jsonld"),
        ("application/n-triples", ".nt"),
    ],
)
def test_entity_iri_redirects_303_by_accept(http: httpx.Client, accept: str, suffix: str) -> None:
    path = "/id/case/kenya-nhif-refugee-enrolment/intervention"
    response = http.get(path, headers={"Accept": accept})
    assert response.status_code == 303
    assert response.headers["location"] == path + suffix
    assert "Accept" in response.headers["vary"]
    document = http.get(response.headers["location"])
    assert document.status_code == 200
    assert document.headers["content-type"].split(";")[0] == accept


def test_entity_page_lists_facts_labels_links_and_sources(http: httpx.Client) -> None:
    page = http.get("/id/case/kenya-nhif-refugee-enrolment/intervention.html").text
    assert "RefugePoint" in page  # label of the implementer, not its IRI
    assert 'href="/id/case/kenya-nhif-refugee-enrolment/refugepoint"' in page
    assert 'href="/id/source/urban-refugees-engaging-officials-kenya"' in page  # its source document
    activity = http.get("/id/case/kenya-nhif-refugee-enrolment/activity-legal-review.html").text
    assert "conducted a review of insurance legislation" in activity  # evidence quote, an unnamed node


@pytest.mark.parametrize(("suffix", "fmt"), [(".ttl", "turtle"), (".jsonld", "json-ld"), (".nt", "nt")])
def test_entity_documents_hold_its_statements(http: httpx.Client, suffix: str, fmt: str) -> None:
    response = http.get("/id/place/kenya" + suffix)
    graph = rdflib.Graph().parse(data=response.content, format=fmt)
    kenya = rdflib.URIRef("https://w3id.org/refugee-access/id/place/kenya")
    assert (kenya, rdflib.RDFS.label, rdflib.Literal("Kenya", lang="en")) in graph
    assert (kenya, rdflib.OWL.sameAs | rdflib.SKOS.exactMatch, None) in graph or len(graph) > 2


def test_unknown_iri_is_404(http: httpx.Client) -> None:
    assert http.get("/id/place/atlantis", headers={"Accept": "text/turtle"}).status_code == 404
    assert http.get("/id/place/atlantis.html").status_code == 404


def test_hash_namespace_is_negotiated_in_place(http: httpx.Client) -> None:
    turtle = http.get("/def", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and "Accept" in turtle.headers["vary"]
    graph = rdflib.Graph().parse(data=turtle.text, format="turtle")
    ra = rdflib.Namespace("https://w3id.org/refugee-access/def#")
    assert (ra.Intervention, rdflib.RDF.type, rdflib.OWL.Class) in graph
    html = http.get("/def", headers={"Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html")
    assert 'id="Intervention"' in html.text  # def#Intervention lands on its section


# ---------------------------------------------------------------- dataset description


def test_void_describes_the_dataset(http: httpx.Client, shipped: KnowledgeGraph) -> None:
    response = http.get("/.well-known/void", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    dataset = rdflib.URIRef("https://w3id.org/refugee-access/")
    count = http.get(
        "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"}
    )
    assert int(graph.value(dataset, VOID.triples)) == int(
        count.json()["results"]["bindings"][0]["n"]["value"]
    )
    subsets = {str(g) for g in graph.objects(dataset, VOID.subset)}
    assert {g.value for g in shipped.graphs()} <= subsets
    assert graph.value(dataset, VOID.sparqlEndpoint) == rdflib.URIRef(
        str(http.base_url).rstrip("/") + "/sparql"
    )
    assert graph.value(dataset, rdflib.DCTERMS.license) is not None
    assert graph.value(dataset, DCAT.version) is not None
    assert rdflib.URIRef("https://w3id.org/refugee-access/def#") in set(
        graph.objects(dataset, VOID.vocabulary)
    )
    distributions = list(graph.objects(dataset, DCAT.distribution))
    assert len(distributions) >= 4
    for distribution in distributions:
        url = str(graph.value(distribution, DCAT.downloadURL))
        download = http.get(url)
        assert download.status_code == 200
        assert len(download.content) == int(graph.value(distribution, DCAT.byteSize))
        media = str(graph.value(distribution, DCAT.mediaType)).rsplit("/media-types/", 1)[1]
        assert download.headers["content-type"].split(";")[0] == media


# ---------------------------------------------------------------- pages


def test_catalogue_lists_every_saved_query(http: httpx.Client) -> None:
    page = http.get("/queries").text
    for name in catalogue():
        assert f'href="/queries/{name}"' in page


def test_saved_query_page_and_downloads_match_the_core(http: httpx.Client, shipped: KnowledgeGraph) -> None:
    name = "who-engages-mid-level-officials"
    page = http.get(f"/queries/{name}", params={"rank": "mid-level"}).text
    assert 'name="rank"' in page and "RefugePoint" in page  # COMPETENCY 1
    assert catalogue()[name].text.splitlines()[-1].strip() in page.replace("&#34;", '"').replace(
        "&gt;", ">"
    ).replace("&lt;", "<")
    expected = run_saved(shipped, name, {"rank": "mid-level"})
    data = http.get(f"/queries/{name}.json", params={"rank": "mid-level"}).json()
    assert len(data["results"]["bindings"]) == len(expected)
    rows = list(
        csv.DictReader(io.StringIO(http.get(f"/queries/{name}.csv", params={"rank": "mid-level"}).text))
    )
    assert sorted(map(json.dumps, rows)) == sorted(
        map(json.dumps, csv.DictReader(io.StringIO(expected.serialize("csv").decode())))
    )


def test_saved_query_with_bad_parameter_is_400(http: httpx.Client) -> None:
    response = http.get("/queries/who-engages-mid-level-officials.json", params={"rnak": "mid-level"})
    assert response.status_code == 400
    assert "rank" in response.text  # the suggestion


def test_ontology_and_diagram_pages(http: httpx.Client) -> None:
    assert "Intervention" in http.get("/ontology").text
    page = http.get("/diagrams").text
    assert 'href="/diagrams/ego-refugepoint"' in page
    assert "best-connected" not in page  # every shipped organisation has its ego diagram


def test_saved_query_downloads_come_in_pages_with_a_link_to_the_next(http: httpx.Client) -> None:
    whole = list(csv.reader(io.StringIO(http.get("/queries/source-documents.csv").text)))
    header, rows = whole[0], whole[1:]
    assert len(rows) >= 5  # the five source documents at least: pages of two need three of them
    first = http.get("/queries/source-documents.csv", params={"limit": 2, "offset": 1})
    assert list(csv.reader(io.StringIO(first.text))) == [header, *rows[1:3]]
    following = http.get(first.links["next"]["url"])  # the Link header, as RFC 8288 reads
    assert list(csv.reader(io.StringIO(following.text))) == [header, *rows[3:5]]
    last = http.get("/queries/source-documents.csv", params={"limit": 2, "offset": len(rows) - 1})
    assert list(csv.reader(io.StringIO(last.text))) == [header, rows[-1]]
    assert "link" not in last.headers
    refused = http.get("/queries/source-documents.csv", params={"limit": "-1"})
    assert refused.status_code == 400 and "whole number" in refused.text


def test_saved_query_page_links_to_the_next_rows(small: str, shipped: KnowledgeGraph) -> None:
    with httpx.Client(base_url=small, timeout=30) as client:
        pages, url = [], "/queries/source-documents"
        while url:
            html = client.get(url).text
            table = html.split('id="results"', 1)[1].split("</table>", 1)[0]
            pages.append(table.count("<tr>") - 1)  # less the header row
            url = (
                html.split('rel="next" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
                if 'rel="next"' in html
                else ""
            )
        assert sum(pages) == len(run_saved(shipped, "source-documents").rows) and max(pages) == 2
        assert 'rel="prev"' in html and "page " + str(len(pages)) in html


# ---------------------------------------------------------------- limits


def test_row_cap_marks_truncation(small: str) -> None:
    with httpx.Client(base_url=small, timeout=30) as client:
        response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert response.headers["x-result-truncated"].startswith("true")
        assert len(response.json()["results"]["bindings"]) == 3
        page = client.get(
            "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Accept": "text/html"}
        )
        assert 'id="truncated"' in page.text
        whole = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 2"})
        assert "x-result-truncated" not in whole.headers


def test_request_size_cap(http: httpx.Client) -> None:
    query = "ASK {}" + " " * (300 * 1024)
    response = http.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413


def test_cors_for_get_without_credentials(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    preflight = http.options(
        "/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "DELETE"}
    )
    assert "DELETE" not in preflight.headers.get("access-control-allow-methods", "")
