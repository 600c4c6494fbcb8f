"""Which dataset a remote store gives a query, and how to ask for the one the saved queries expect.

The saved queries name no graphs: they expect the default graph to be the union of the named
graphs, as the embedded store does. Stores differ. Oxigraph server's default graph is empty unless
it was started with ``--union-default-graph``; Virtuoso, GraphDB and QLever use the union already;
Fuseki depends on its configuration. Asked naively, a store with an empty default graph answers
every saved query with no rows, which reads as "nobody does that" rather than "misconfigured".

So, once per endpoint, a triple that ``kg push`` wrote is looked up by value: seen in the default
graph, the store needs nothing. Otherwise the standard ways of choosing a query's dataset are
tried in turn, each checked with the same triple: Oxigraph's ``union-default-graph`` parameter,
then the SPARQL 1.1 Protocol's ``default-graph-uri`` and ``named-graph-uri`` naming every graph of
the project. When none works, the error says what to change on the server.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import pyoxigraph as ox

from kg.errors import RemoteError
from kg.namespaces import GRAPH, Term
from kg.resources import package_file

if TYPE_CHECKING:
    from kg.results import Results

#: SPARQL Protocol parameters sent with every query, as (name, value) pairs.
Parameters = tuple[tuple[str, str], ...]

#: Oxigraph server's own switch: this query's default graph is the union of all graphs.
UNION_PARAMETER: Parameters = (("union-default-graph", ""),)


class Asker(Protocol):
    """What detection needs of an endpoint: a query with explicit protocol parameters."""

    endpoint: str

    def select_with(self, sparql: str, bindings: Mapping[str, Term], parameters: Parameters) -> Results: ...


@dataclass(frozen=True)
class Dataset:
    """How the store's default graph relates to the pushed graphs, and what every query must send.

    ``default_graph`` is ``union`` (it holds the named graphs), ``empty``, ``other`` (it holds
    something else) or ``only`` (the store has no graphs of this project, but its default graph has
    data, e.g. a dump bulk-loaded into it: queried as it is).
    """

    default_graph: str
    parameters: Parameters = ()

    def describe(self) -> str:
        """One line for people: what the store does and what the client adds."""
        if not self.parameters:
            return f"default graph: {self.default_graph}; queries sent as they are"
        names = sorted({name for name, _ in self.parameters})
        return f"default graph: {self.default_graph}; every query sends {', '.join(names)}"


def _sparql(name: str) -> str:
    return package_file("remote", "sparql", name).read_text(encoding="utf-8")


def _graph_parameters(remote: Asker, prefix: ox.Literal) -> Parameters:
    """default-graph-uri and named-graph-uri for every graph of the project the store holds."""
    rows = remote.select_with(_sparql("graph-names.rq"), {"_prefix": prefix}, ()).rows
    graphs = [row["graph"].value for row in rows if "graph" in row]
    return tuple(("default-graph-uri", g) for g in graphs) + tuple(("named-graph-uri", g) for g in graphs)


def detect(remote: Asker) -> Dataset:
    """Find the dataset parameters under which ``remote`` answers like the embedded store.

    Raises RemoteError when the store holds nothing of the project, or when no standard means
    gives queries the union of its graphs (with what to change on the server).
    """
    prefix = ox.Literal(GRAPH)
    found = remote.select_with(_sparql("probe-triple.rq"), {"_prefix": prefix}, ()).rows
    has_default = bool(remote.select_with(_sparql("any-triple.rq"), {}, ()).boolean)
    if not found or not {"graph", "s", "p", "o"} <= found[0].keys():
        if has_default:
            return Dataset("only")
        raise RemoteError(
            f"{remote.endpoint} holds no graph of this project; "
            f"run `kg push --endpoint {remote.endpoint}` first"
        )
    row = found[0]
    probe = {"_graph": row["graph"], "_s": row["s"], "_p": row["p"], "_o": row["o"]}
    sees = _sparql("sees-triple.rq")
    if remote.select_with(sees, probe, ()).boolean:
        return Dataset("union")
    relation = "other" if has_default else "empty"
    tried = []
    for make in (lambda: UNION_PARAMETER, lambda: _graph_parameters(remote, prefix)):
        parameters = make()
        tried.append(parameters[0][0])
        try:
            if remote.select_with(sees, probe, parameters).boolean:
                return Dataset(relation, parameters)
        except RemoteError:  # a store may refuse a parameter it does not know: try the next way
            continue
    state = "is empty" if relation == "empty" else "is not the union of the named graphs"
    raise RemoteError(
        f"{remote.endpoint}: the default graph of a query {state}, so saved queries would find nothing, "
        f"and the store takes none of {', '.join(tried)} to change that. Make the default graph the union "
        "of all named graphs on the server (Oxigraph: `oxigraph serve --union-default-graph`; "
        "Fuseki: `tdb2:unionDefaultGraph true`; see docs/scaling.md)"
    )
