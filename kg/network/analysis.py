"""Network measures on the projection: brokers, ego networks, explanation paths, communities.

Every function takes the projection (:func:`kg.network.projection.project`) and returns a
DataFrame (for tables and CSV) or a subgraph (for diagrams), so the CLI, the build and a
notebook all show the same numbers.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kg.errors import ParameterError
from kg.namespaces import expand
from kg.network.projection import ACTOR_TYPES

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

#: Relations by which an intervention ties its implementer to another actor or a group.
TIES = ("ra:partner", "ra:supporter", "ra:technicalSupport", "ra:targetGroup")

#: The side of the field each class of actor stands on, for "whom does a broker connect".
GROUPS = {
    "ra:InternationalOrganisation": "international organisations",
    "ra:Network": "networks",
    "ra:CoordinationMechanism": "networks",
    "ra:ResearchBody": "research bodies",
}
GOVERNMENT = "government"
#: Non-governmental organisations split by the population they serve (ra:servesPopulation):
#: an NGO serving refugees, asylum-seekers or migrants is not in the same group as, say, a
#: social-protection advocate serving grassroots communities.
REFUGEE_ORGANISATIONS = "refugee organisations"
OTHER_CIVIL_SOCIETY = "other civil-society organisations"


def group_of(graph: nx.MultiDiGraph, node: str) -> str:
    """The side a node stands on: government, refugee organisations, population groups…"""
    data = graph.nodes[node]
    if data["type"] in ("government", "official"):
        return GOVERNMENT
    if data["type"] == "population":
        return "population groups"
    if data["type"] == "organisation":
        group = next((g for cls, g in GROUPS.items() if cls in data["kind"]), None)
        if group is not None:
            return group
        if "refugees or migrants" in data.get("serves", ""):
            return REFUGEE_ORGANISATIONS
        return OTHER_CIVIL_SOCIETY
    return str(data["type"])


def actor_network(graph: nx.MultiDiGraph) -> nx.Graph:
    """Who works with whom: actors and the population groups they serve, undirected.

    Direct ties (engagements, membership, sub-organisations) come from the projection; an
    intervention adds ties from its implementer to its partners, supporters, technical
    support and target groups (``via`` names the intervention).
    """
    import networkx as nx

    members = {n for n, d in graph.nodes(data=True) if d["type"] in (*ACTOR_TYPES, "population")}
    net = nx.Graph()
    net.add_nodes_from(sorted(members))
    ties: list[tuple[str, str, dict[str, Any]]] = []
    for u, v, data in graph.edges(data=True):
        if u in members and v in members:
            ties.append((u, v, data))
    for intervention, d in graph.nodes(data=True):
        if d["type"] != "intervention":
            continue
        out = list(graph.out_edges(intervention, data=True))
        implementers = sorted(v for _, v, e in out if e["relation"] == "ra:implementer")
        for _, other, e in out:
            if e["relation"] in TIES and other in members:
                for implementer in implementers:
                    if implementer != other:
                        tie = {**e, "via": intervention, "via_label": d["label"]}
                        ties.append((implementer, other, tie))
    for u, v, data in sorted(ties, key=lambda t: (t[0], t[1], t[2]["relation"], t[2]["via"])):
        if not net.has_edge(u, v):
            net.add_edge(u, v, subject=u, **data)
    return net


def _label(graph: nx.MultiDiGraph, node: str) -> str:
    return str(graph.nodes[node]["label"])


#: Exact betweenness costs actors × ties: a second at 10³ case studies, minutes at 10⁴. Networks with
#: more actors than this get an estimate from ``PIVOTS`` sampled sources instead.
EXACT_LIMIT = 10_000
PIVOTS = 500
#: The estimate's stated bound holds for every actor at once with this probability.
CONFIDENCE = 0.95


def _as_igraph(net: nx.Graph) -> tuple[Any, list[str]]:
    """The actor network as an igraph graph (C code) and the node names in its vertex order."""
    import igraph

    names = list(net)
    index = {n: i for i, n in enumerate(names)}
    return igraph.Graph(len(names), [(index[u], index[v]) for u, v in net.edges()]), names


def error_bound(actors: int, pivots: int, confidence: float = CONFIDENCE) -> float:
    """Largest error of an estimated (normalised) betweenness score, for all actors at once.

    Each sampled source adds a share in [0, 1] of a node's normalised score, so Hoeffding's inequality with
    a union bound over the actors gives ε = √(ln(2n/δ) / 2k) with probability 1 − δ (Brandes and Pich 2007).
    """
    return math.sqrt(math.log(2 * actors / (1 - confidence)) / (2 * pivots))


def betweenness(net: nx.Graph, pivots: int | None) -> dict[str, float]:
    """Normalised betweenness, as NetworkX defines it, computed by igraph.

    Exact when ``pivots`` is None; otherwise estimated from that many sources drawn with a fixed seed
    (the same estimator as NetworkX's ``k``), so a ranking is repeatable.
    """
    n = len(net)
    if n < 3:
        return dict.fromkeys(net, 0.0)
    graph, names = _as_igraph(net)
    if pivots is None:
        raw = graph.betweenness(directed=False)
        scale = 1.0
    else:
        sources = random.Random(0).sample(range(n), pivots)
        raw = graph.betweenness(directed=False, sources=sources, targets=None)
        scale = n / pivots
    norm = scale * 2 / ((n - 1) * (n - 2))
    return {name: value * norm for name, value in zip(names, raw, strict=True)}


def brokers(
    graph: nx.MultiDiGraph,
    between: tuple[str, ...] = (),
    pivots: int = PIVOTS,
    exact_limit: int = EXACT_LIMIT,
) -> pd.DataFrame:
    """Actors ranked by betweenness on the actor network, with the groups each one connects.

    ``between`` (group names, e.g. ``("refugee organisations", "government")``) keeps the
    brokers whose own group and neighbours' groups cover all of them. Scores are exact on networks of up
    to ``exact_limit`` actors; above it they are estimated from ``pivots`` sources, and
    ``frame.attrs["pivots"]`` and ``frame.attrs["error_bound"]`` say how many and how far off a score may
    be (both None when exact).
    """
    import pandas as pd

    net = actor_network(graph)
    sample = None if len(net) <= exact_limit else min(pivots, len(net))
    score = betweenness(net, sample)
    rows = []
    for node in net:
        if graph.nodes[node]["type"] not in ACTOR_TYPES or score[node] <= 0:
            continue
        neighbour_groups = sorted({group_of(graph, n) for n in net[node]})
        covered = {*neighbour_groups, group_of(graph, node)}
        if between and not set(between) <= covered:
            continue
        rows.append(
            {
                "actor": _label(graph, node),
                "group": group_of(graph, node),
                "betweenness": round(score[node], 4),
                "connects": " ↔ ".join(neighbour_groups),
                "neighbours": net.degree(node),
                "iri": node,
            }
        )
    columns = ["actor", "group", "betweenness", "connects", "neighbours", "iri"]
    frame = pd.DataFrame(rows, columns=columns)
    frame = frame.sort_values(["betweenness", "actor"], ascending=[False, True], ignore_index=True)
    frame.attrs["pivots"] = sample
    frame.attrs["error_bound"] = None if sample is None else round(error_bound(len(net), sample), 4)
    return frame


def resolve(graph: nx.MultiDiGraph, name: str) -> str:
    """A node given by IRI, CURIE, label, code or the IRI's last segment (case-insensitive)."""
    text = name.strip().strip("<>")
    iri = text if text in graph else expand(text)
    if iri and iri in graph:
        return iri
    wanted = text.casefold()
    for test in (
        lambda n, d: d["label"].casefold() == wanted or d["code"].casefold() == wanted,
        lambda n, d: n.rstrip("/").rsplit("/", 1)[-1].casefold() == wanted,
        lambda n, d: wanted in d["label"].casefold(),
    ):
        found = sorted(n for n, d in graph.nodes(data=True) if test(n, d))
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            listing = "; ".join(f"{graph.nodes[n]['label']} <{n}>" for n in found[:8])
            raise ParameterError(f"{name!r} matches several entities: {listing}. Give an IRI.")
    raise ParameterError(f"{name!r}: no entity in the network has that IRI, label or code")


def ego(graph: nx.MultiDiGraph, center: str, radius: int = 1) -> nx.MultiDiGraph:
    """The part of the network within ``radius`` steps of ``center``, whatever the direction."""
    return induced(graph, distances(graph, center, radius))


def distances(graph: nx.MultiDiGraph, center: str, radius: int) -> dict[str, int]:
    """Steps from ``center`` to every node at most ``radius`` steps away, whatever the direction."""
    import networkx as nx

    found: dict[str, int] = nx.single_source_shortest_path_length(
        graph.to_undirected(as_view=True), center, cutoff=radius
    )
    return found


def induced(graph: nx.MultiDiGraph, nodes: Iterable[str]) -> nx.MultiDiGraph:
    """A copy of the subgraph on ``nodes``: their data and the edges among them.

    Built from the kept nodes' own out-edges, so its cost is theirs, not that of networkx's
    filtered views, which are slow to copy around well-connected nodes such as a barrier type.
    """
    import networkx as nx

    keep = set(nodes)
    sub = nx.MultiDiGraph(**graph.graph)
    sub.add_nodes_from((n, dict(graph.nodes[n])) for n in sorted(keep))
    edges = graph.out_edges(sorted(keep), keys=True, data=True)
    sub.add_edges_from((u, v, k, dict(d)) for u, v, k, d in edges if v in keep)
    return sub


def edge_table(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Every edge with its relation and source, for ego networks and exports."""
    import pandas as pd

    rows = [
        {
            "from": _label(graph, u),
            "relation": d["label"],
            "to": _label(graph, v),
            "via": d["via_label"],
            "level": d["level"],
            "rank": d["rank"],
            "mode": d["mode"],
            "source": d["source_label"] or d["graph"],
        }
        for u, v, d in graph.edges(data=True)
    ]
    return pd.DataFrame(rows, columns=["from", "relation", "to", "via", "level", "rank", "mode", "source"])


def _undirected(graph: nx.MultiDiGraph, allowed: Any) -> nx.Graph:
    """An undirected simple view holding the projection's edges plus the actor network's ties."""
    import networkx as nx

    view = nx.Graph()
    view.add_nodes_from(sorted(graph))
    ties = [(u, v, d) for u, v, d in actor_network(graph).edges(data=True)]
    ties += [(u, v, {**d, "subject": u}) for u, v, d in graph.edges(data=True)]
    for u, v, d in sorted(ties, key=lambda t: (t[0], t[1], t[2]["relation"], t[2]["via"])):
        if allowed(u) and allowed(v) and not view.has_edge(u, v):
            view.add_edge(u, v, **d)
    return view


def explain(graph: nx.MultiDiGraph, start: str, end: str) -> pd.DataFrame:
    """The shortest explanation of how ``start`` and ``end`` are linked, one row per step.

    The path is sought first through actors only (who links the two?); when no actor
    links them, through any entity. Each step names its relation, the fact it comes from
    (``via``) and its source.
    """
    import networkx as nx
    import pandas as pd

    actors = {n for n, d in graph.nodes(data=True) if d["type"] in ACTOR_TYPES} | {start, end}
    path: list[str] = []
    for allowed in (actors.__contains__, lambda n: True):
        try:
            view = _undirected(graph, allowed)
            path = nx.shortest_path(view, start, end)
            break
        except nx.NetworkXNoPath:
            continue
    if not path:
        raise ParameterError(f"no path links {_label(graph, start)!r} and {_label(graph, end)!r}")
    rows = []
    for step, (u, v) in enumerate(itertools.pairwise(path), start=1):
        d = view.edges[u, v]
        forward = d["subject"] == u
        rows.append(
            {
                "step": step,
                "from": _label(graph, u),
                "relation": d["label"] if forward else f"{d['label']} (of)",
                "to": _label(graph, v),
                "via": d["via_label"],
                "source": d["source_label"] or d["graph"],
                "from_iri": u,
                "to_iri": v,
            }
        )
    return pd.DataFrame(rows)


def modularity_groups(net: nx.Graph) -> list[list[str]]:
    """Greedy-modularity communities (Clauset, Newman and Moore, the algorithm of NetworkX's
    ``greedy_modularity_communities``) in igraph's C code; deterministic for a given graph."""
    graph, names = _as_igraph(net)
    return [[names[i] for i in members] for members in graph.community_fastgreedy().as_clustering()]


def communities(graph: nx.MultiDiGraph, actors_only: bool = True) -> pd.DataFrame:
    """Groups of densely linked entities (:func:`modularity_groups`), largest first."""
    import pandas as pd

    net = actor_network(graph) if actors_only else _undirected(graph, lambda n: True)
    net.remove_nodes_from([n for n in list(net) if net.degree(n) == 0])
    found = modularity_groups(net) if net.number_of_edges() else []
    ordered = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c))
    rows = [
        {
            "community": i,
            "size": len(members),
            "members": "; ".join(sorted(_label(graph, n) for n in members)),
            "groups": ", ".join(sorted({group_of(graph, n) for n in members})),
        }
        for i, members in enumerate(ordered, start=1)
    ]
    return pd.DataFrame(rows, columns=["community", "size", "members", "groups"])
