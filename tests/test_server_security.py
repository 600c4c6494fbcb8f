"""A server safe to expose: no outbound requests, a time limit that holds, labels shown as text,
no files outside the static folders."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from kg.server.running import running_server

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


class Listener:
    """A TCP server on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.socket.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.socket.close()


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
    before = listener.connections
    socket.create_connection(("127.0.0.1", listener.port)).close()
    deadline = time.monotonic() + 5
    while listener.connections == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.connections == before + 1
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
    assert listener.connections == 0


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
    assert "s" not in (response.json()["results"]["bindings"] or [{}])[0] if "SELECT" in template else True
    assert listener.connections == 0


def test_protocol_dataset_selects_only_own_graphs(client: httpx.Client, listener: Listener) -> None:
    params = {
        "query": "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
        "default-graph-uri": f"{listener.url}/a.ttl",
        "named-graph-uri": f"{listener.url}/b.ttl",
    }
    response = client.get("/sparql", params=params)
    assert response.status_code == 200
    assert response.json()["results"]["bindings"] == []
    assert listener.connections == 0


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
    assert listener.connections == 0


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
    assert listener.connections == 0


# ---------------------------------------------------------------- time limit


@pytest.mark.parametrize("query", [CROSS_JOIN, STREAMED_CROSS_JOIN])
def test_long_query_is_stopped_and_others_are_answered(client: httpx.Client, query: str) -> None:
    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        slow = pool.submit(client.get, "/sparql", params={"query": query})
        time.sleep(0.5)
        quick_start = time.monotonic()
        quick = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert quick.status_code == 200 and quick.json()["boolean"] is True
        assert time.monotonic() - quick_start < 1.5  # not queued behind the long query
        stopped = slow.result(timeout=60)
        elapsed = time.monotonic() - started
    assert stopped.status_code == 503
    assert "time limit" in stopped.text
    assert elapsed < 10  # the limit is 2 s; the query alone would run for minutes
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
    report = kg.validate(kg.load([data]))
    assert any(r.path == "ra:implementor" for r in report.violations)  # validated, not skipped
    time.sleep(0.5)
    assert listener.connections == 0
