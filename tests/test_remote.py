"""The graph on a real SPARQL server: push, query, validate, and what happens when the server fails.

Every test talks to a real ``oxigraph serve`` on 127.0.0.1 (a free port, a temporary folder),
started and stopped by the fixtures below, as Oxigraph starts by default (an empty default graph)
and with ``--union-default-graph``. Expected answers are the embedded engine's: the remote store
must hold the same graphs and answer every saved query with the same rows.
"""

from __future__ import annotations

import http.server
import re
import signal
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest

from kg.catalogue import catalogue
from kg.errors import ParameterError, QueryError, RemoteError
from kg.load import KnowledgeGraph
from kg.query import run_saved
from kg.remote import RemoteGraph, RetryPolicy, load_remote, push
from kg.remote.dataset import UNION_PARAMETER
from kg.remote.push import graph_sizes
from kg.remote.retry import retry_after_seconds
from kg.results import Results
from kg.sparql_text import query_form, substitute
from tests.conftest import run_kg
from tests.stores import OxigraphServer

pytestmark = pytest.mark.server

QUICK = RetryPolicy(retries=1, backoff=0.1)
#: The request parameters by which a client names a query's dataset (a store that ignores them all
#: leaves kg no standard way to reach the pushed graphs).
DATASET_PARAMETERS = frozenset({"union-default-graph", "default-graph-uri", "named-graph-uri"})


@pytest.fixture
def server(tmp_path: Path) -> Iterator[OxigraphServer]:
    """An empty server of its own, for tests that stop or kill it."""
    running = OxigraphServer(tmp_path / "store")
    running.start()
    yield running
    running.stop()


def _loaded(
    tmp_path_factory: pytest.TempPathFactory, shipped: KnowledgeGraph, *, union: bool
) -> Iterator[OxigraphServer]:
    running = OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "store", union=union)
    running.start()
    push(shipped, running.query_url)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def loaded_server(
    tmp_path_factory: pytest.TempPathFactory, shipped: KnowledgeGraph
) -> Iterator[OxigraphServer]:
    """A server holding the shipped graph, pushed once, shared by the read-only tests.

    Started as Oxigraph starts by default: queries see an empty default graph unless they ask.
    """
    yield from _loaded(tmp_path_factory, shipped, union=False)


@pytest.fixture(scope="module", params=["empty-default-graph", "union-default-graph"])
def each_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, shipped: KnowledgeGraph
) -> Iterator[OxigraphServer]:
    """Both ways Oxigraph is run, each holding the shipped graph: the answers must not differ."""
    if request.param == "empty-default-graph":
        yield request.getfixturevalue("loaded_server")
    else:
        yield from _loaded(tmp_path_factory, shipped, union=True)


def remote_quad_count(url: str) -> int:
    rows = RemoteGraph(url).select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    return int(rows[0]["n"].value)


# --- push --------------------------------------------------------------------------------------


def test_push_twice_replaces_and_duplicates_nothing(server: OxigraphServer, shipped: KnowledgeGraph) -> None:
    local = graph_sizes(shipped)
    assert any(isinstance(q.object, ox.BlankNode) for q in shipped.store), (
        "needs blank nodes to mean anything"
    )
    report = push(shipped, server.query_url)
    assert report.triples == local
    assert graph_sizes(RemoteGraph(server.query_url)) == local
    push(shipped, server.query_url)  # PUT again: blank nodes would double with POST
    assert graph_sizes(RemoteGraph(server.query_url)) == local
    assert remote_quad_count(server.query_url) == len(shipped.store)


def test_push_replaces_a_graph_that_changed(server: OxigraphServer, shipped: KnowledgeGraph) -> None:
    graph = shipped.graphs("case")[0]
    stray = f"INSERT DATA {{ GRAPH {graph} {{ <urn:x:stray> <urn:x:p> 'left over' }} }}"
    push(shipped, server.query_url)
    httpx.post(server.base + "/update", content=stray, headers={"Content-Type": "application/sparql-update"})
    assert graph_sizes(RemoteGraph(server.query_url))[graph.value] == graph_sizes(shipped)[graph.value] + 1
    push(shipped, server.query_url)
    assert graph_sizes(RemoteGraph(server.query_url)) == graph_sizes(shipped)


def test_push_killed_half_way_is_reported_and_a_rerun_repairs(
    server: OxigraphServer, shipped: KnowledgeGraph
) -> None:
    total = len(shipped.graphs())

    def kill_after_third(done: int, _total: int, _graph: str, _triples: int) -> None:
        if done == 3:
            server.kill()

    with pytest.raises(RemoteError, match=rf"pushed 3 of {total} graphs; re-run `kg push` to finish"):
        push(shipped, server.query_url, retry=QUICK, progress=kill_after_third)
    server.start()  # same folder, same port: what survived the kill
    assert len(graph_sizes(RemoteGraph(server.query_url))) == 3
    report = push(shipped, server.query_url)
    assert len(report.triples) == total
    assert graph_sizes(RemoteGraph(server.query_url)) == graph_sizes(shipped)


def test_cli_push_reports_and_verifies(server: OxigraphServer, shipped: KnowledgeGraph) -> None:
    result = run_kg("push", "--endpoint", server.query_url)
    assert result.returncode == 0, result.stderr
    total = len(shipped.graphs())
    assert f"pushed {total} graphs ({len(shipped.store)} triples)" in result.stdout
    assert f"[{total}/{total}]" in result.stderr
    assert graph_sizes(RemoteGraph(server.query_url)) == graph_sizes(shipped)


# --- queries -----------------------------------------------------------------------------------


def _comparable(results: Results) -> Counter[tuple[tuple[str, str], ...]]:
    """Rows as a multiset; blank-node labels differ between stores, so they count as one label."""

    def show(term: ox.Term) -> str:
        return "_:b" if isinstance(term, ox.BlankNode) else str(term)

    return Counter(tuple(sorted((k, show(v)) for k, v in row.items())) for row in results.rows)


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_saved_query_gives_the_same_rows_remotely(
    name: str, each_server: OxigraphServer, shipped: KnowledgeGraph
) -> None:
    local = run_saved(shipped, name)
    remote = run_saved(RemoteGraph(each_server.query_url), name)
    assert remote.variables == local.variables
    assert remote.boolean == local.boolean
    assert _comparable(remote) == _comparable(local)


@pytest.mark.parametrize("name", sorted(n for n, q in catalogue().items() if q.parameter("country")))
def test_country_parameter_is_resolved_and_bound_remotely(
    name: str, each_server: OxigraphServer, shipped: KnowledgeGraph
) -> None:
    # "RS" is Serbia's ISO code: resolving it runs kg/sparql/resolve.rq on the remote store too.
    params = {"country": "RS"}
    local = run_saved(shipped, name, params)
    remote = run_saved(RemoteGraph(each_server.query_url), name, params)
    assert _comparable(remote) == _comparable(local)


def test_cli_query_formats_match_local(each_server: OxigraphServer) -> None:
    name = "who-engages-mid-level-officials"
    for fmt in ("csv", "json"):
        local = run_kg("query", name, "--format", fmt)
        remote = run_kg("query", name, "--format", fmt, "--endpoint", each_server.query_url)
        assert remote.returncode == 0, remote.stderr
        if fmt == "csv":
            assert sorted(remote.stdout.splitlines()) == sorted(local.stdout.splitlines())
        else:
            assert _comparable(Results.from_json(remote.stdout.encode())) == _comparable(
                Results.from_json(local.stdout.encode())
            )


def test_updates_are_refused_before_sending(loaded_server: OxigraphServer) -> None:
    before = remote_quad_count(loaded_server.query_url)
    with pytest.raises(QueryError, match="UPDATE"):
        RemoteGraph(loaded_server.query_url).select_json("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }")
    assert remote_quad_count(loaded_server.query_url) == before


# --- parameters written in as terms ------------------------------------------------------------

HOSTILE = [
    ox.Literal('" } } ; DROP ALL ; SELECT * { ?s ?p ?o } #'),
    ox.Literal("'''\"\"\" }"),
    ox.Literal("back\\slash \\\\ and \\n not a newline"),
    ox.Literal("line one\nline two\r\n\ttabbed"),
    ox.Literal("> <urn:x:injected> ."),
    ox.Literal("Bürgerliches Gesetzbuch — «Қазақстан» 🇰🇪", language="kk"),
    ox.Literal("\x00\x07 control"),
    ox.Literal("2024", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")),
    ox.NamedNode("https://example.org/a?b=c&d=%7Be%7D#where"),
]


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_value_comes_back_as_the_same_term(value: ox.Term, loaded_server: OxigraphServer) -> None:
    query = "SELECT ?_value ?n WHERE { BIND(1 AS ?n) }"
    rewritten = substitute(query, {"_value": value})
    local = list(ox.Store().query(rewritten))  # the rewritten text parses, with exactly one row
    assert [row["_value"] for row in local] == [value]
    rows = RemoteGraph(loaded_server.query_url).select(query, {"_value": value}).rows
    assert [row["_value"] for row in rows] == [value]


def test_a_codepoint_escape_in_a_value_is_refused() -> None:
    with pytest.raises(ParameterError, match="backslash"):
        substitute("SELECT * WHERE { }", {"_x": ox.Literal("\\u0022 }")})


def test_blank_node_values_are_refused() -> None:
    with pytest.raises(ParameterError, match="IRIs and literals"):
        substitute("SELECT * WHERE { }", {"_x": ox.BlankNode()})


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?_x WHERE { }",
        "SELECT ?_x { }",
        "PREFIX where: <urn:where:> # WHERE { in a comment\nSELECT ?_x ?where WHERE { BIND('{' AS ?s) }",
        "SELECT ?_x (EXISTS { ?a ?b ?c } AS ?e) WHERE { }",
        "ASK WHERE { FILTER(?_x = 'v') }",
        'SELECT ?_x WHERE { { SELECT ?y WHERE { } } FILTER(STR(?_x) = """v""") }',
        # bottom-up evaluation: filters in nested groups must see the value too
        "SELECT ?_x WHERE { { BIND(1 AS ?a) FILTER(?_x = 'v') } UNION { BIND(2 AS ?a) FILTER(?_x = 'w') } }",
        "SELECT ?_x WHERE { OPTIONAL { BIND(1 AS ?a) FILTER(?_x = 'v') } FILTER(BOUND(?a)) }",
        "SELECT ?_x WHERE { { SELECT ?y WHERE { BIND(?_x AS ?y) } } FILTER(?y = 'v') }",
        "SELECT ?_x WHERE { VALUES ?k { 'v' 'w' } FILTER(?k = ?_x) }",
    ],
)
def test_parameter_reaches_every_group(query: str) -> None:
    rewritten = substitute(query, {"_x": ox.Literal("v")})
    result = ox.Store().query(rewritten)
    if isinstance(result, ox.QueryBoolean):
        assert bool(result)
    else:
        assert [row["_x"] for row in result] == [ox.Literal("v")]


def test_parameter_in_a_construct_template() -> None:
    query = "CONSTRUCT { <urn:x:s> <urn:x:p> ?_x } WHERE { }"
    rewritten = substitute(query, {"_x": ox.Literal("v")})
    assert [t.object for t in ox.Store().query(rewritten)] == [ox.Literal("v")]
    assert query_form(rewritten) == "CONSTRUCT"


def test_query_form_ignores_header_comments() -> None:
    assert query_form("#+ summary: whatever addresses\n#+ tags: [a]\nSELECT * { }") == "SELECT"
    assert query_form("# SELECT\nPREFIX a: <urn:select>\nDELETE WHERE { ?s ?p ?o }") == "UPDATE"


# --- rate limits, timeouts, user agent -------------------------------------------------------


class Gatekeeper(http.server.ThreadingHTTPServer):
    """A proxy in front of the real server that says 429 first, answers too slowly, or drops parameters.

    ``drop`` names SPARQL Protocol parameters the proxy leaves out, as a store that does not know
    them would ignore them.
    """

    def __init__(
        self,
        upstream: str,
        *,
        refuse: int = 0,
        retry_after: str = "1",
        delay: float = 0,
        drop: frozenset[str] = frozenset(),
    ) -> None:
        self.upstream, self.refuse, self.retry_after, self.delay = upstream, refuse, retry_after, delay
        self.drop = drop
        self.seen: list[tuple[float, str]] = []  # (time, User-Agent) of each request
        super().__init__(("127.0.0.1", 0), GatekeeperHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/query"

    def __exit__(self, *exc_info: Any) -> None:
        """Stop serving and close the socket (the base class only closes it)."""
        self.shutdown()
        super().__exit__(*exc_info)


class GatekeeperHandler(http.server.BaseHTTPRequestHandler):
    server: Gatekeeper

    def do_POST(self) -> None:
        gate = self.server
        gate.seen.append((time.monotonic(), self.headers.get("User-Agent", "")))
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if gate.drop:
            fields = urllib.parse.parse_qsl(body.decode(), keep_blank_values=True)
            body = urllib.parse.urlencode([(k, v) for k, v in fields if k not in gate.drop]).encode()
        if len(gate.seen) <= gate.refuse:
            self.send_response(429)
            self.send_header("Retry-After", gate.retry_after)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        time.sleep(gate.delay)
        headers = {k: self.headers[k] for k in ("Content-Type", "Accept")}
        answer = httpx.post(gate.upstream, content=body, headers=headers)
        self.send_response(answer.status_code)
        self.send_header("Content-Type", answer.headers.get("Content-Type", ""))
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    def log_message(self, *args: object) -> None:
        pass


def test_429_waits_as_told_and_says_who_asks(loaded_server: OxigraphServer, shipped: KnowledgeGraph) -> None:
    with Gatekeeper(loaded_server.query_url, refuse=1, retry_after="1") as gate:
        remote = run_saved(RemoteGraph(gate.url), "source-documents")
    assert _comparable(remote) == _comparable(run_saved(shipped, "source-documents"))
    (first, agent), (second, _) = gate.seen[:2]
    assert second - first >= 1.0
    assert re.match(r"refugee-access-kg/\S+ \(.*\+https://", agent)


def test_429_asking_too_long_a_wait_gives_up(loaded_server: OxigraphServer) -> None:
    with (
        Gatekeeper(loaded_server.query_url, refuse=1, retry_after="3600") as gate,
        pytest.raises(RemoteError, match="asks to wait 3600 s"),
    ):
        RemoteGraph(gate.url).select_json("ASK {}")
    assert len(gate.seen) == 1


def test_slow_answer_times_out_with_a_message(loaded_server: OxigraphServer) -> None:
    with (
        Gatekeeper(loaded_server.query_url, delay=3) as gate,
        pytest.raises(RemoteError, match="no answer within 1 s"),
    ):
        RemoteGraph(gate.url, timeout=1).select_json("ASK {}")


def test_retry_after_as_an_http_date() -> None:
    from datetime import UTC, datetime

    now = datetime(2015, 10, 21, 7, 28, 0, tzinfo=UTC)
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:30 GMT", now) == 30
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("soon") is None


# --- a stopped server, from the command line ---------------------------------------------------


def test_stopped_server_gives_a_clear_error_and_exit_3(server: OxigraphServer) -> None:
    url = server.query_url
    server.stop()
    for args in (["query", "source-documents", "--endpoint", url], ["push", "--endpoint", url]):
        result = run_kg(*args)
        assert result.returncode == 3, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("error:")
        assert f"127.0.0.1:{server.port}" in result.stderr
    assert "pushed 0 of" in result.stderr


# --- validating what the server holds ----------------------------------------------------------


def _canonical(graph: KnowledgeGraph, kinds: tuple[str, ...]) -> set[ox.Quad]:
    names = graph.graphs(*kinds)
    quads = (q for name in names for q in graph.store.quads_for_pattern(None, None, None, name))
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def test_fetched_store_holds_the_pushed_data_and_the_shipped_model(
    each_server: OxigraphServer, shipped: KnowledgeGraph
) -> None:
    fetched = load_remote(each_server.query_url)
    data = ("reference", "external", "case")
    assert _canonical(fetched, data) == _canonical(shipped, data)
    assert _canonical(fetched, ("shapes",)) == _canonical(shipped, ("shapes",))
    case = shipped.graphs("case")[0].value
    assert fetched.file_of(case) == shipped.file_of(case)  # violations point at the file to correct


def test_fetching_an_empty_store_says_to_push_first(server: OxigraphServer) -> None:
    with pytest.raises(RemoteError, match="kg push"):
        load_remote(server.query_url)


@pytest.mark.slow
def test_remote_store_validates(each_server: OxigraphServer) -> None:
    result = run_kg("validate", "--endpoint", each_server.query_url, timeout=1800)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Conforms")


@pytest.mark.slow
def test_remote_violation_is_found(server: OxigraphServer, shipped: KnowledgeGraph) -> None:
    from tests.conftest import FIXTURES

    draft = FIXTURES / "core" / "incomplete-intervention.ttl"
    result = run_kg("push", "--endpoint", server.query_url, "--data", str(draft))
    assert result.returncode == 0, result.stderr
    result = run_kg("validate", "--endpoint", server.query_url, timeout=1800)
    assert result.returncode == 1, result.stdout + result.stderr
    assert draft.stem in result.stdout  # the violation names the graph the draft was pushed to


# --- what the store's default graph is -----------------------------------------------------------


def test_default_graph_holding_other_data_is_detected(
    server: OxigraphServer, shipped: KnowledgeGraph
) -> None:
    stray = "INSERT DATA { <urn:x:stray> <urn:x:p> 'in the default graph only' }"
    httpx.post(server.base + "/update", content=stray, headers={"Content-Type": "application/sparql-update"})
    push(shipped, server.query_url)
    remote = RemoteGraph(server.query_url)
    assert (remote.dataset().default_graph, remote.dataset().parameters) == ("other", UNION_PARAMETER)
    name = "who-engages-mid-level-officials"
    assert _comparable(run_saved(remote, name)) == _comparable(run_saved(shipped, name))


def test_store_without_union_parameter_gets_the_graphs_named(
    loaded_server: OxigraphServer, shipped: KnowledgeGraph
) -> None:
    with Gatekeeper(loaded_server.query_url, drop=frozenset({"union-default-graph"})) as gate:
        remote = RemoteGraph(gate.url)
        names = {value for key, value in remote.dataset().parameters if key == "named-graph-uri"}
        assert names == {g.value for g in shipped.graphs()}
        for name in ("who-engages-mid-level-officials", "provenance-of-entity"):
            assert _comparable(run_saved(remote, name)) == _comparable(run_saved(shipped, name))


def test_store_ignoring_every_dataset_parameter_is_refused_with_what_to_change(
    loaded_server: OxigraphServer,
) -> None:
    with Gatekeeper(loaded_server.query_url, drop=DATASET_PARAMETERS) as gate:
        result = run_kg("query", "who-engages-mid-level-officials", "--endpoint", gate.url)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "default graph of a query is empty" in result.stderr
    assert "--union-default-graph" in result.stderr
    assert result.stdout == ""


# --- a store that stops answering ----------------------------------------------------------------


def test_push_to_a_hung_store_times_out_and_claims_nothing(server: OxigraphServer) -> None:
    assert server.process is not None
    server.process.send_signal(signal.SIGSTOP)  # alive, listening, never answering
    try:
        result = run_kg("push", "--endpoint", server.query_url, "--timeout", "1")
    finally:
        server.process.send_signal(signal.SIGCONT)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "gave no answer" in result.stderr and "within 1 s" in result.stderr
    assert "pushed 0 of" in result.stderr
    assert result.stdout == ""


def test_push_to_a_read_only_store_says_it_refuses_writes(tmp_path: Path, shipped: KnowledgeGraph) -> None:
    store = OxigraphServer(tmp_path / "read-only")
    store.start()  # creates the database that the read-only server opens
    store.stop()
    store.read_only = True
    store.start()
    try:
        with pytest.raises(RemoteError, match=r"pushed 0 of .* refuses to write"):
            push(shipped, store.query_url, retry=QUICK)
    finally:
        store.stop()


def test_push_that_queries_cannot_see_is_not_reported_done(server: OxigraphServer) -> None:
    with Gatekeeper(server.query_url, drop=DATASET_PARAMETERS) as gate:
        result = run_kg("push", "--endpoint", gate.url, "--graph-store", server.base + "/store")
    assert result.returncode == 3, result.stdout + result.stderr
    assert "the graphs are on the store, but queries cannot use them" in result.stderr
    assert "--union-default-graph" in result.stderr
    assert result.stdout == ""
