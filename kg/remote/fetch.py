"""Copy what a remote store holds into a local graph, so that it can be validated here.

Only the data graphs are read from the remote store; the ontology, concept schemes and shapes
are the shipped ones, because validation asks whether the remote data obeys the rules of this
version of the project. Each graph is fetched with a CONSTRUCT through the query endpoint,
which every SPARQL server offers (a Graph Store endpoint is not always there).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.errors import RemoteError
from kg.load import MODEL_KINDS, KnowledgeGraph, LoadedFile, read_file, shipped_files
from kg.namespaces import GRAPH
from kg.remote.auth import Credentials
from kg.remote.endpoint import RemoteGraph
from kg.remote.push import graph_sizes
from kg.resources import package_file


def _kind(graph: str) -> str:
    """The kind of a graph, read from its IRI as ``kg.load`` names them."""
    local = graph.removeprefix(GRAPH) if graph.startswith(GRAPH) else None
    if local is None:
        return "extra"
    folder, _, _ = local.rpartition("/")
    if not folder:
        return "case"
    return folder if folder in (*MODEL_KINDS, "reference", "external") else "extra"


def load_remote(endpoint: str, *, auth: Credentials | None = None, timeout: float = 60) -> KnowledgeGraph:
    """The remote store's data graphs plus the shipped model, in one local store.

    Violations point at the shipped file of the same graph when there is one (the file a
    curator would correct); otherwise at the remote graph's IRI (without its scheme).
    """
    remote = RemoteGraph(endpoint, auth=auth, timeout=timeout)
    sizes = graph_sizes(remote)
    # Graphs outside the project's (a store's own system graphs, e.g. Virtuoso's) are not data to judge.
    data_graphs = [g for g in sizes if g.startswith(GRAPH) and _kind(g) not in MODEL_KINDS]
    if not data_graphs:
        raise RemoteError(f"{endpoint} holds no data graphs; run `kg push --endpoint {endpoint}` first")
    shipped = {f.graph: f for f in shipped_files()}
    model = [f for f in shipped.values() if f.kind in MODEL_KINDS]
    store = ox.Store()
    for file in model:
        read_file(store, file)
    query = package_file("remote", "sparql", "graph-triples.rq").read_text(encoding="utf-8")
    files = list(model)
    for graph in data_graphs:
        name = ox.NamedNode(graph)
        triples = remote.construct(query, {"graph": name})
        store.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
        local = shipped.get(graph)
        path = local.path if local else Path(graph.partition("://")[2] or graph)
        files.append(LoadedFile(path, _kind(graph), graph))
        if len(triples) != sizes[graph]:
            raise RemoteError(f"<{graph}>: {endpoint} counted {sizes[graph]} triples but sent {len(triples)}")
    return KnowledgeGraph(store, files)
