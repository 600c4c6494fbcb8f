"""Upload the graph to a triple store with the SPARQL 1.1 Graph Store HTTP Protocol, then check it.

One ``PUT`` per named graph: PUT replaces the graph, so pushing twice gives the same store (POST
would add a second copy of every blank node). Each request is retried on transient failures; a
push that still stops half-way says how far it got, and running it again repairs the store,
because every graph is replaced again. Afterwards the push is checked as a client will see it:
the triple count of every graph is read back through the query endpoint, and a saved query must
give the same rows there as locally (which also finds out how the store's default graph has to be
asked for, kg.remote.dataset). Until both hold, nothing is reported as done.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import InputError, RemoteError
from kg.load import KnowledgeGraph
from kg.remote.auth import ChallengeAuth, Credentials
from kg.remote.endpoint import RemoteGraph, default_user_agent, forget_dataset
from kg.remote.retry import TRANSIENT_STATUSES, RetryPolicy, retry_after_seconds
from kg.resources import package_file

if TYPE_CHECKING:
    import httpx

#: The saved query that must give the same rows remotely as locally after a push.
VERIFY_QUERY = "source-documents"

#: Called after each graph: (graphs done, graphs in all, graph IRI, triples in it).
Progress = Callable[[int, int, str, int], None]


@dataclass
class PushReport:
    """What was pushed where, and how long it took."""

    endpoint: str
    graph_store: str
    triples: dict[str, int] = field(default_factory=dict)  # graph IRI -> triples, as verified
    seconds: float = 0.0
    rows: int = 0  # rows of VERIFY_QUERY, the same remotely as locally
    dataset: str = ""  # how queries are sent to the store (Dataset.describe)

    def text(self) -> str:
        total = sum(self.triples.values())
        return (
            f"pushed {len(self.triples)} graphs ({total} triples) to {self.graph_store} "
            f"in {self.seconds:.1f} s; "
            f"verified through {self.endpoint}: every graph holds as many triples as the local one, "
            f"and the saved query {VERIFY_QUERY} gives the same {self.rows} rows ({self.dataset})"
        )


def graph_store_url(endpoint: str, graph_store: str | None) -> str:
    """The Graph Store endpoint: as given, or Oxigraph's ``/store`` beside its ``/query``."""
    if graph_store:
        return graph_store
    if endpoint.rstrip("/").endswith("/query"):
        return endpoint.rstrip("/").removesuffix("/query") + "/store"
    raise InputError(
        f"cannot guess the Graph Store URL of {endpoint}; give --graph-store URL "
        "(Fuseki: .../DATASET/data, GraphDB: .../repositories/REPO/rdf-graphs/service)"
    )


def graph_sizes(engine: KnowledgeGraph | RemoteGraph) -> dict[str, int]:
    """Triples per named graph, counted by the engine itself."""
    query = package_file("remote", "sparql", "graph-sizes.rq").read_text(encoding="utf-8")
    rows = engine.select(query).rows
    return {row["graph"].value: int(row["triples"].value) for row in rows if "graph" in row}


def _put(client: httpx.Client, url: str, graph: str, body: bytes, retry: RetryPolicy) -> None:
    """PUT one graph, retrying what may pass; RemoteError with the cause otherwise."""
    import httpx

    attempt = 0
    while True:
        retry_after = None
        try:
            response = client.put(
                url, params={"graph": graph}, content=body, headers={"Content-Type": "application/n-triples"}
            )
        except httpx.TimeoutException:
            problem = f"{url} gave no answer for <{graph}> within {client.timeout.read:g} s"
        except httpx.TransportError as err:
            problem = f"cannot reach {url} ({err.__class__.__name__}: {err or 'no detail'})"
        else:
            if response.is_success:
                return
            problem = f"{url} answered HTTP {response.status_code} for <{graph}>"
            if response.status_code == 401:
                raise RemoteError(
                    f"{url} refused the credentials (HTTP 401); give --user and the password in $KG_PASSWORD"
                )
            if response.status_code in (403, 405):
                raise RemoteError(
                    f"{url} refuses to write <{graph}> (HTTP {response.status_code}): {response.text[:300]}"
                )
            if response.status_code not in TRANSIENT_STATUSES:
                raise RemoteError(f"{problem}: {' '.join(response.text.split())[:300]}")
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        attempt += 1
        retry.wait(attempt, problem, retry_after)


def push(
    graph: KnowledgeGraph,
    endpoint: str,
    graph_store: str | None = None,
    auth: Credentials | None = None,
    *,
    timeout: float = 120,
    retry: RetryPolicy | None = None,
    progress: Progress | None = None,
) -> PushReport:
    """Replace every named graph of ``graph`` on the remote store, then verify the triple counts.

    ``endpoint`` is the SPARQL query endpoint (used to verify), ``graph_store`` the Graph Store
    endpoint (guessed for Oxigraph). ``timeout`` is in seconds per request. Raises RemoteError
    saying how many graphs were pushed when the push stops half-way, which graphs differ after it,
    or why a saved query does not see the data.
    """
    import httpx

    store_url = graph_store_url(endpoint, graph_store)
    policy = retry or RetryPolicy()
    names = [name.value for name in graph.graphs()]
    local = graph_sizes(graph)
    started = time.perf_counter()
    headers = {"User-Agent": default_user_agent()}
    client_auth = ChallengeAuth(auth) if auth else None
    with httpx.Client(auth=client_auth, timeout=timeout, headers=headers) as client:
        for done, name in enumerate(names):
            body = graph.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name)) or b""
            try:
                _put(client, store_url, name, body, policy)
            except RemoteError as err:
                raise RemoteError(
                    f"push interrupted: pushed {done} of {len(names)} graphs; re-run `kg push` to finish. "
                    f"Cause: {err}"
                ) from None
            if progress:
                progress(done + 1, len(names), name, local.get(name, 0))
    forget_dataset(endpoint)  # the store's graphs have changed
    engine = RemoteGraph(endpoint, auth=auth, retry=policy, timeout=timeout)
    try:
        dataset = engine.dataset()
    except RemoteError as err:
        raise RemoteError(f"the graphs are on the store, but queries cannot use them: {err}") from None
    remote = graph_sizes(engine)
    differing = [name for name in names if remote.get(name, 0) != local.get(name, 0)]
    if differing:
        details = "; ".join(f"<{n}> local {local.get(n, 0)}, remote {remote.get(n, 0)}" for n in differing)
        raise RemoteError(f"pushed {len(names)} graphs, but {len(differing)} differ afterwards: {details}")
    rows = _verify_query(graph, engine)
    seconds = time.perf_counter() - started
    sizes = {n: local.get(n, 0) for n in names}
    return PushReport(endpoint, store_url, sizes, seconds, rows, dataset.describe())


def _verify_query(graph: KnowledgeGraph, engine: RemoteGraph) -> int:
    """Rows of VERIFY_QUERY, which must be as many remotely as locally (and some)."""
    from kg.query import run_saved

    expected = len(run_saved(graph, VERIFY_QUERY))
    seen = len(run_saved(engine, VERIFY_QUERY))
    if seen != expected:
        raise RemoteError(
            f"the graphs are on the store, but the saved query {VERIFY_QUERY} gives {seen} rows "
            f"through {engine.endpoint} and {expected} locally ({engine.dataset().describe()})"
        )
    return seen
