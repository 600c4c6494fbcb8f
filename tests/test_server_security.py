"""A server safe to expose: no outbound requests, a time limit that holds, labels shown as text,
no files outside the static folders."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox
import pytest

from kg.server.running import running_server
from tests.listener import Listener

pytestmark = pytest.mark.server

HOSTILE = Path(__file__).parent / "fixtures" / "server" / "hostile.ttl"
HOSTILE_PATH = "/id/case/hostile/intervention"
MARKUP = ("<script>alert", "<img src=x", "<b onmouseover", 'href="javascript:', "href=javascript:")
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: The same cross join with its solutions streamed: the filter needs all three patterns (so it
#: cannot be pushed into one) and nothing passes it, so solutions are read for minutes.
STREAMED_CROSS_JOIN = (
    'SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(STR(?c) = CONCAT(STR(?f), STR(?i), "never")) }'
)


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with running_server("--data", str(HOSTILE), "--timeout", "2", "--workers", "2") as url:
        yield url


@pytest.fixture(scope="module")
def client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=60) as found:
        yield found


# ---------------------------------------------------------------- no outbound requests


def test_the_listener_sees_connections(listener: Listener) -> None:
    """The probe works: a real connection is counted (then the count is reset)."""
    before = listener.settled()
    socket.create_connection(("127.0.0.1", listener.port)).close()
    assert listener.settled() == before + 1
    listener.connections = 0


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        "select * where {{ service silent <{url}/sparql> {{ ?s ?p ?o }} }}",
        "PREFIX service: <{url}/> SELECT * WHERE {{ SERVICE<{url}/x>{{?s ?p ?o}} }}",
        "PREFIX x: <{url}/> SELECT * WHERE {{ BIND(x:s AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    ],
)
def test_service_is_refused(client: httpx.Client, listener: Listener, template: str) -> None:
    response = client.get("/sparql", params={"query": template.format(url=listener.url)})
    assert response.status_code == 400
    assert "SERVICE" in response.text
    assert listener.settled() == 0


@pytest.fixture(scope="module")
def unisolated() -> Iterator[httpx.Client]:
    """A server whose workers stay on the network: only the SERVICE check stands."""
    args = ("--timeout", "2", "--workers", "1", "--no-isolation")
    with running_server(*args) as url, httpx.Client(base_url=url, timeout=60) as found:
        yield found


@pytest.mark.parametrize(
    "template",
    [
        "SELECT ?x WHERE {{ FILTER(1<2)SERVICE#>\n<{url}/x> {{ ?x ?p ?o }} }}",
        "SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        "ASK {{ SeRvIcE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
    ],
)
def test_service_is_refused_without_isolation(
    unisolated: httpx.Client, listener: Listener, template: str
) -> None:
    response = unisolated.get("/sparql", params={"query": template.format(url=listener.url)})
    assert response.status_code == 400
    assert "SERVICE is not allowed" in response.text
    assert listener.settled() == 0


def test_a_harmless_mention_of_service_is_answered_without_isolation(
    unisolated: httpx.Client, listener: Listener
) -> None:
    query = f'SELECT ?x WHERE {{ BIND("SERVICE <{listener.url}/x> {{}}" AS ?x) }} # SERVICE'
    response = unisolated.get("/sparql", params={"query": query})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"][0]["x"]["value"].startswith("SERVICE <")
    assert listener.settled() == 0


def test_public_server_without_isolation_refuses_to_start() -> None:
    args = ["--host", "0.0.0.0", "--port", "18210", "--no-isolation"]
    refused = subprocess.run(
        [sys.executable, "-m", "kg.server.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert refused.returncode == 2
    assert "NOT CUT OFF FROM THE NETWORK" in refused.stderr and "--allow-unisolated" in refused.stderr
    assert "Traceback" not in refused.stderr


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM NAMED <{url}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "CONSTRUCT {{ ?s ?p ?o }} FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}",
    ],
)
def test_from_selects_only_own_graphs(client: httpx.Client, listener: Listener, template: str) -> None:
    response = client.get("/sparql", params={"query": template.format(url=listener.url)})
    assert response.status_code == 200
    if "SELECT" in template:
        assert response.json()["results"]["bindings"] == []
    else:  # CONSTRUCT: no statement, in whatever RDF format the server answered
        media_type = response.headers["content-type"].split(";")[0]
        rdf_format = ox.RdfFormat.from_media_type(media_type)
        assert rdf_format is not None, media_type
        assert list(ox.parse(response.content, format=rdf_format)) == []
    assert listener.settled() == 0


def test_protocol_dataset_selects_only_own_graphs(client: httpx.Client, listener: Listener) -> None:
    params = {
        "query": "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
        "default-graph-uri": f"{listener.url}/a.ttl",
        "named-graph-uri": f"{listener.url}/b.ttl",
    }
    response = client.get("/sparql", params=params)
    assert response.status_code == 200
    assert response.json()["results"]["bindings"] == []
    assert listener.settled() == 0


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        ("update=LOAD+%3C{url}%2Fdata.ttl%3E", "application/x-www-form-urlencoded"),
        ("LOAD <{url}/data.ttl>", "application/sparql-update"),
        ("LOAD <{url}/data.ttl>", "application/sparql-query"),
        ("query=LOAD+%3C{url}%2Fdata.ttl%3E", "application/x-www-form-urlencoded"),
    ],
)
def test_load_is_refused(client: httpx.Client, listener: Listener, content: str, content_type: str) -> None:
    response = client.post(
        "/sparql", content=content.format(url=listener.url), headers={"Content-Type": content_type}
    )
    assert 400 <= response.status_code < 500
    assert listener.settled() == 0


def test_remote_json_ld_contexts_are_never_fetched(
    client: httpx.Client, listener: Listener, tmp_path: Path
) -> None:
    profile = f'application/ld+json; profile="{listener.url}/context.jsonld"'
    construct = "CONSTRUCT WHERE { ?s a ?type } LIMIT 5"
    for path, params in [
        ("/sparql", {"query": construct}),
        ("/id/place/kenya.jsonld", {}),
        ("/def.jsonld", {}),
    ]:
        response = client.get(path, params=params, headers={"Accept": profile})
        assert response.status_code == 200
        assert listener.url not in response.text
    document = f'{{"@context": "{listener.url}/context.jsonld", "@id": "urn:x", "name": "y"}}'
    posted = client.post("/sparql", content=document, headers={"Content-Type": "application/ld+json"})
    assert posted.status_code == 415
    data = tmp_path / "remote-context.jsonld"
    data.write_text(document, encoding="utf-8")
    refused = subprocess.run(
        [sys.executable, "-m", "kg.server.cli", "--port", "1", "--data", str(data)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert refused.returncode != 0 and "unknown RDF format" in refused.stderr
    assert listener.settled() == 0


# ---------------------------------------------------------------- time limit


@pytest.mark.parametrize("query", [CROSS_JOIN, STREAMED_CROSS_JOIN])
def test_long_query_is_stopped_and_others_are_answered(base: str, client: httpx.Client, query: str) -> None:
    """Told by the order of events, not by clocks: the quick answer comes while the long query runs
    (it is not queued behind it), and the long query ends with the time limit's answer."""
    sent = threading.Event()

    def mark_sent(request: httpx.Request) -> None:
        sent.set()

    with (
        httpx.Client(base_url=base, timeout=120, event_hooks={"request": [mark_sent]}) as slow_client,
        ThreadPoolExecutor(1) as pool,
    ):
        slow = pool.submit(slow_client.get, "/sparql", params={"query": query})
        assert sent.wait(timeout=60)
        quick = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
        answered_first = not slow.done()
        stopped = slow.result(timeout=120)
    assert quick.status_code == 200 and quick.json()["boolean"] is True
    assert answered_first, "the quick query waited for the long one"
    assert stopped.status_code == 503
    assert "time limit" in stopped.text  # stopped by the limit, where the query alone runs for minutes
    after = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?t }"})
    assert after.status_code == 200


# ---------------------------------------------------------------- labels are text


def _pages(client: httpx.Client) -> dict[str, str]:
    label_query = (
        f"SELECT ?label WHERE {{ <https://w3id.org/refugee-access{HOSTILE_PATH}> rdfs:label ?label }}"
    )
    paths = [
        HOSTILE_PATH + ".html",
        "/id/place/kenya.html",
        "/queries/interventions-by-country",
        "/queries/intervention-actors-and-status",
        "/sparql?" + httpx.QueryParams({"query": label_query}).__str__(),
        "/",
        "/queries",
        "/ontology",
        "/diagrams",
        "/id/nothing-here",
    ]
    pages = {}
    for path in paths:
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.headers["content-type"].startswith("text/html"), path
        pages[path] = response.text
    return pages


def test_hostile_labels_show_as_text_on_every_page(client: httpx.Client) -> None:
    pages = _pages(client)
    for path, html in pages.items():
        for markup in (
            "<script>alert",
            "<img src=x",
            "<b onmouseover",
            'href="javascript:',
            "href=javascript:",
        ):
            assert markup not in html, f"{path} contains raw {markup!r}"
    assert "&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;" in pages[HOSTILE_PATH + ".html"]
    assert "&lt;b onmouseover=alert(4)&gt;Kenya&lt;/b&gt;" in pages["/id/place/kenya.html"]
    assert "&lt;script&gt;" in pages["/queries/interventions-by-country"]
    shown = next(p for p in pages if p.startswith("/sparql"))
    assert "&lt;script&gt;" in pages[shown]


def test_pages_load_nothing_from_elsewhere(client: httpx.Client) -> None:
    response = client.get(HOSTILE_PATH + ".html")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"


# ---------------------------------------------------------------- static routes


@pytest.mark.parametrize(
    "raw_path",
    [
        "/static/../pyproject.toml",
        "/static/../../kg/__init__.py",
        "/static/..%2f..%2fpyproject.toml",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/%2e%2e%2f%2e%2e%2fkg%2f__init__.py",
        "/static//etc/passwd",
        "/static/..\\..\\pyproject.toml",
        "/dumps/..%2f..%2fpyproject.toml",
        "/diagrams/..%2f..%2fpyproject.toml",
        "/queries/..%2f..%2fpyproject.toml",
    ],
)
def test_path_traversal_is_404(base: str, raw_path: str) -> None:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.putrequest("GET", raw_path, skip_accept_encoding=True)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == 404, (raw_path, body[:200])
    assert b"[project]" not in body and b"root:" not in body


def test_static_files_are_served(client: httpx.Client) -> None:
    assert client.get("/static/style.css").status_code == 200


def test_validation_fetches_nothing(listener: Listener, tmp_path: Path) -> None:
    """Data that names addresses to import or shapes to read is validated without any request."""
    import kg

    listener.connections = 0
    data = tmp_path / "imports.ttl"
    data.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        f"<{listener.url}/data> owl:imports <{listener.url}/ontology.ttl> ;\n"
        f"    sh:shapesGraph <{listener.url}/shapes.ttl> ;\n"
        f"    <https://w3id.org/refugee-access/def#implementor> <{listener.url}/entity> .\n",
        encoding="utf-8",
    )
    for engine in ("rudof", "pyshacl"):
        report = kg.validate(kg.load([data]), engine=engine)
        assert any(r.path == "ra:implementor" for r in report.violations)  # validated, not skipped
    assert listener.settled() == 0


# ---------------------------------------------------------------- admission at the door


@pytest.mark.slow
def test_a_crowd_of_slow_queries_is_turned_away_and_quick_work_still_answered() -> None:
    """100 slow queries at once: those beyond the waiting line get 503 with Retry-After before any
    slow one ends, and an ASK, a cached saved query, a static file and an entity page are answered
    while the slow ones still run (told by the order of events, not by clocks)."""
    saved = "/queries/who-engages-mid-level-officials.json"
    with (
        running_server("--timeout", "4", "--workers", "1") as url,
        httpx.Client(base_url=url, timeout=60) as http,
        httpx.Client(base_url=url, timeout=60, limits=httpx.Limits(max_connections=200)) as shared,
    ):
        assert http.get(saved).status_code == 200  # now cached
        turned_away = threading.Event()
        ended: list[int] = []

        def slow(_: int) -> httpx.Response:
            response = shared.get("/sparql", params={"query": STREAMED_CROSS_JOIN})
            if response.status_code == 503 and "as many queries as it can" in response.text:
                assert "Retry-After" in response.headers
                turned_away.set()
            else:
                ended.append(response.status_code)
            return response

        with ThreadPoolExecutor(100) as crowd:
            answers = crowd.map(slow, range(100))
            assert turned_away.wait(timeout=60)
            quick = [
                http.get("/sparql", params={"query": "PREFIX x: <urn:x> ASK { ?s ?p ?o }"}),
                http.get(saved),
                http.get("/static/style.css"),
                http.get("/id/place/kenya.html"),
            ]
            finished_before_quick = len(ended)
            statuses = [a.status_code for a in answers]
    assert [r.status_code for r in quick] == [200, 200, 200, 200]
    assert quick[0].json()["boolean"] is True
    assert finished_before_quick == 0, "quick work waited for slow queries"
    assert statuses.count(503) >= 35 and set(statuses) == {503}


# ---------------------------------------------------------------- answers of bounded size

ALL_STATEMENTS = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
ONE_HUGE_ROW = "SELECT (GROUP_CONCAT(STR(?p)) AS ?all) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def small_answers() -> Iterator[httpx.Client]:
    with (
        running_server("--max-bytes", "65536", "--workers", "1") as url,
        httpx.Client(base_url=url, timeout=60) as found,
    ):
        yield found


@pytest.mark.parametrize(
    ("query", "fmt"),
    [
        (ALL_STATEMENTS, "json"),
        (ALL_STATEMENTS, "csv"),
        (ALL_STATEMENTS, "xml"),
        (ONE_HUGE_ROW, "json"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "turtle"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "ntriples"),
    ],
)
def test_every_answer_is_cut_at_the_byte_cap(small_answers: httpx.Client, query: str, fmt: str) -> None:
    response = small_answers.get("/sparql", params={"query": query, "format": fmt})
    assert response.status_code == 200
    assert response.headers["x-result-truncated"] == "true; max-bytes=65536"
    assert 0 < len(response.content) <= 65536
    if fmt == "json":  # still a whole, valid answer: rows were left out, none was cut in half
        rows = response.json()["results"]["bindings"]
        assert (rows == []) is (query == ONE_HUGE_ROW)
    if fmt in ("turtle", "ntriples"):
        media_type = response.headers["content-type"].split(";")[0]
        parsed = list(ox.parse(response.content, format=ox.RdfFormat.from_media_type(media_type)))
        assert parsed


def test_a_result_page_shows_a_bounded_table_with_downloads(client: httpx.Client) -> None:
    page = client.get("/sparql", params={"query": ALL_STATEMENTS}, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["x-result-truncated"] == "true; max-rows=500"
    assert page.text.count("<tr>") == 501  # the header and 500 rows
    assert 'id="truncated"' in page.text and "format=csv" in page.text


def test_deep_nesting_is_refused_before_any_worker(client: httpx.Client) -> None:
    """20 KB of nested brackets overflow the parser's stack: refused at the door, workers unharmed."""
    deep = "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }"
    response = client.post("/sparql", content=deep, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400 and "nests brackets" in response.text
    for _ in range(3):  # every worker still answers
        assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
