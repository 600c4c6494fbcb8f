"""The graph on OpenLink Virtuoso: a second real engine, with credentials, queried like the embedded store.

Virtuoso (Debian's ``virtuoso-opensource``) runs on 127.0.0.1 from a throwaway folder
(tests/stores.py). Writes go to its Graph Store endpoint ``/sparql-graph-crud-auth`` with HTTP
Digest authentication; queries go to ``/sparql``, whose default graph is the union of all graphs.
Expected answers are the embedded engine's, for every saved query but those whose ``differs-on``
header names Virtuoso: those are refused with the reason, and the test shows the difference is real.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kg.catalogue import catalogue
from kg.errors import RemoteError
from kg.load import KnowledgeGraph
from kg.query import bind, run_saved
from kg.remote import Credentials, RemoteGraph, load_remote, push
from kg.remote.push import graph_sizes
from kg.sparql_text import without_projected
from tests.conftest import run_kg
from tests.stores import VIRTUOSO_DBA, VirtuosoServer
from tests.test_remote import _canonical, _comparable

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory, shipped: KnowledgeGraph) -> Iterator[VirtuosoServer]:
    """A Virtuoso holding the shipped graph, pushed once with the dba's credentials."""
    running = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    running.start()
    try:
        push(shipped, running.query_url, running.graph_store, VIRTUOSO_DBA)
        yield running
    finally:
        running.stop()


def _push_args(server: VirtuosoServer, *extra: str) -> list[str]:
    return ["push", "--endpoint", server.query_url, "--graph-store", server.graph_store, *extra]


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_saved_query_gives_the_same_rows_on_virtuoso_or_is_refused(
    name: str, virtuoso: VirtuosoServer, shipped: KnowledgeGraph
) -> None:
    local = run_saved(shipped, name)
    remote = RemoteGraph(virtuoso.query_url)
    reason = catalogue()[name].difference_on("virtuoso")
    if reason is None:
        answer = run_saved(remote, name)
        assert answer.variables == local.variables
        assert _comparable(answer) == _comparable(local)
        return
    with pytest.raises(RemoteError, match="is a Virtuoso store") as refused:
        run_saved(remote, name)
    assert reason in str(refused.value)
    # The difference is real: run as written (as another client would), Virtuoso's rows differ.
    query = catalogue()[name]
    text = without_projected(query.text, (p.variable for p in query.parameters))
    assert _comparable(remote.select(text, bind(remote, query, {}))) != _comparable(local)


def test_cli_says_why_a_query_is_not_run_on_virtuoso(virtuoso: VirtuosoServer) -> None:
    result = run_kg("query", "who-works-with-whom", "--endpoint", virtuoso.query_url)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "is a Virtuoso store" in result.stderr and "EXISTS" in result.stderr
    assert result.stdout == ""


def test_virtuoso_needs_no_dataset_parameters(virtuoso: VirtuosoServer) -> None:
    dataset = RemoteGraph(virtuoso.query_url).dataset()
    assert (dataset.default_graph, dataset.parameters) == ("union", ())


def test_cli_push_with_digest_credentials_is_idempotent(
    virtuoso: VirtuosoServer, shipped: KnowledgeGraph
) -> None:
    env = {"KG_PASSWORD": VIRTUOSO_DBA.password}
    for _ in range(2):  # pushing again replaces every graph: nothing doubles
        result = run_kg(*_push_args(virtuoso, "--user", VIRTUOSO_DBA.user), env=env)
        assert result.returncode == 0, result.stderr
        assert VIRTUOSO_DBA.password not in result.stdout + result.stderr
        assert "the saved query source-documents gives the same" in result.stdout
    remote = {
        g: n for g, n in graph_sizes(RemoteGraph(virtuoso.query_url)).items() if g in graph_sizes(shipped)
    }
    assert remote == graph_sizes(shipped)


def test_password_is_asked_for_without_echo(virtuoso: VirtuosoServer) -> None:
    result = run_kg(
        *_push_args(virtuoso), env={"KG_USER": VIRTUOSO_DBA.user}, stdin=VIRTUOSO_DBA.password + "\n"
    )
    assert result.returncode == 0, result.stderr
    assert "password for dba" in result.stderr
    assert VIRTUOSO_DBA.password not in result.stdout + result.stderr


def test_wrong_password_is_refused_and_nothing_claimed(virtuoso: VirtuosoServer) -> None:
    result = run_kg(*_push_args(virtuoso, "--user", "dba"), env={"KG_PASSWORD": "not-the-password"})
    assert result.returncode == 3, result.stdout + result.stderr
    assert "refused the credentials (HTTP 401)" in result.stderr
    assert "pushed 0 of" in result.stderr
    assert "not-the-password" not in result.stdout + result.stderr
    assert result.stdout == ""


def test_store_refusing_writes_says_so(virtuoso: VirtuosoServer) -> None:
    result = run_kg("push", "--endpoint", virtuoso.query_url, "--graph-store", virtuoso.open_graph_store)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "refuses to write" in result.stderr and "HTTP 403" in result.stderr
    assert "pushed 0 of" in result.stderr
    assert result.stdout == ""


def test_wrong_password_in_python_raises(virtuoso: VirtuosoServer, shipped: KnowledgeGraph) -> None:
    with pytest.raises(RemoteError, match="refused the credentials"):
        push(shipped, virtuoso.query_url, virtuoso.graph_store, Credentials("dba", "not-the-password"))


def test_fetched_virtuoso_store_holds_the_pushed_data(
    virtuoso: VirtuosoServer, shipped: KnowledgeGraph
) -> None:
    fetched = load_remote(virtuoso.query_url)  # Virtuoso's own system graphs are left out
    data = ("reference", "external", "case")
    assert _canonical(fetched, data) == _canonical(shipped, data)


@pytest.mark.slow
def test_virtuoso_store_validates(virtuoso: VirtuosoServer) -> None:
    result = run_kg("validate", "--endpoint", virtuoso.query_url, timeout=1800)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Conforms")


def test_query_through_the_digest_endpoint(virtuoso: VirtuosoServer) -> None:
    url = virtuoso.base + "/sparql-auth"
    args = ("query", "source-documents", "--format", "csv", "--endpoint", url, "--user", VIRTUOSO_DBA.user)
    result = run_kg(*args, env={"KG_PASSWORD": VIRTUOSO_DBA.password})
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.splitlines()) == sorted(
        run_kg("query", "source-documents", "--format", "csv").stdout.splitlines()
    )
    refused = run_kg(*args, env={"KG_PASSWORD": "not-the-password"})
    assert refused.returncode == 3, refused.stdout + refused.stderr
    assert "refused the credentials (HTTP 401)" in refused.stderr
