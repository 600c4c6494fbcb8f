"""Interactive network diagrams: self-contained HTML pages that work offline and show text as text.

pyvis assembles the nodes and edges (colour and shape by type, labelled edges, plain-text
tooltips, fixed positions); the page itself comes from our own template, because pyvis's
templates fetch vis-network and Bootstrap from CDNs and switch tooltips to innerHTML as soon as
one title contains ``href``. Our page inlines the vis-network build that pyvis ships, turns every
tooltip into a DOM element filled with ``textContent``, and draws with physics off on a layout
computed here, so that a large network appears at once and the same graph gives the same bytes.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from kg.errors import ParameterError
from kg.network.analysis import distances, resolve
from kg.network.projection import ACTOR_TYPES, STYLE
from kg.network.spacing import SPREAD_LIMIT, box, spread, wrap
from kg.resources import package_file

if TYPE_CHECKING:
    import networkx as nx
    from jinja2 import Template

KINDS = ("overview", "ego", "country", "barriers")

#: Relations along which a country view follows actors beyond the first step: from an actor to
#: whom it engages and what it is a member, unit or part of ...
ACTOR_LINKS = ("ra:Engagement", "org:memberOf", "org:unitOf", "org:subOrganizationOf")
#: ... and back from an actor to who engages it and to its units and parts (not to its members).
INWARD_LINKS = ("ra:Engagement", "org:unitOf", "org:subOrganizationOf")

#: For each node, the nodes a country view may step to from it (see :func:`actor_links`).
Links = dict[str, set[str]]

#: How many such steps a country view follows from the actors of its interventions (in Serbia, two
#: lead from the WHO country office to its regional office and on to the networks that office is in).
ACTOR_STEPS = 2

#: Above this many edges, edges are drawn without text labels (the relation stays in the tooltip).
EDGE_LABEL_LIMIT = 2000

#: Above this many nodes the force layout is too slow to precompute (0.6 s at 480 nodes, growing
#: with the square, for each of a large build's hundreds of diagrams); a spiral layout is used.
FORCE_LAYOUT_LIMIT = 200

#: The build draws ego diagrams for at most this many organisations, the best connected first;
#: any other is drawn on request (``kg network --kind ego --focus ORG``).
EGO_DIAGRAM_LIMIT = 200

#: The overview names this many of its best-connected actors and interventions (and every country);
#: the others show their names on hover.
OVERVIEW_LABELS = 16

#: The overview's groups are drawn this tight (see layout): few of their nodes carry a label, and the
#: whole overview must fit a screen at a zoom where labels can be read.
GROUP_SPACING = 45.0

#: The tooltip of an edge that stands for several statements names at most this many of their
#: sources and of the facts behind them.
SOURCES_NAMED = 5


@dataclass
class Diagram:
    """A subgraph to draw, with its title, a line of explanation and fixed node positions.

    ``labelled`` names the nodes whose label is drawn (all when None; the others show it on hover);
    ``edge_labels`` whether edges carry their relation as text (it is always in their tooltip).
    """

    graph: nx.MultiDiGraph
    title: str
    subtitle: str
    positions: dict[str, tuple[float, float]]
    labelled: frozenset[str] | None = None
    edge_labels: bool = True

    def shows_label(self, node: str) -> bool:
        return self.labelled is None or node in self.labelled


def spaced(diagram: Diagram, pinned: str | None = None) -> Diagram:
    """The diagram with its nodes moved apart until no two labels, as drawn, overlap (``pinned``
    stays in place); left as laid out above :data:`~kg.network.spacing.SPREAD_LIMIT` nodes."""
    if len(diagram.graph) > SPREAD_LIMIT:
        return diagram
    sizes = {
        node: box(wrap(d["label"]) if diagram.shows_label(node) else "")
        for node, d in diagram.graph.nodes(data=True)
    }
    diagram.positions = spread(diagram.positions, sizes, pinned)
    return diagram


def layout(
    graph: nx.MultiDiGraph,
    bipartite: list[str] | None = None,
    shells: list[list[str]] | None = None,
    spacing: float = 140.0,
) -> dict[str, tuple[float, float]]:
    """Node positions in page pixels, the same for the same graph (fixed seed, sorted nodes).

    ``bipartite`` puts those nodes in a column left of the others; ``shells`` puts each list of
    nodes on its own ring (an ego network by distance from its centre), in linear time. The
    drawing is ``spacing`` times the square root of the number of nodes wide, in pixels.
    """
    import networkx as nx

    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph))
    simple.add_edges_from(sorted((u, v) for u, v in graph.edges() if u != v))
    n = simple.number_of_nodes()
    if n == 0:
        return {}
    if bipartite:
        raw = _two_columns(sorted(bipartite), sorted(set(simple) - set(bipartite)))
    elif shells:
        raw = nx.shell_layout(simple, nlist=[sorted(shell) for shell in shells])
    elif n <= FORCE_LAYOUT_LIMIT:
        raw = nx.spring_layout(simple, seed=7, k=1.6 / math.sqrt(n), iterations=80)
    else:
        raw = spiral_layout(simple)
    scale = spacing * math.sqrt(n)
    return {node: (round(float(x) * scale, 1), round(float(y) * scale, 1)) for node, (x, y) in raw.items()}


def _two_columns(left: list[str], right: list[str]) -> dict[str, tuple[float, float]]:
    """Two sorted columns (networkx's bipartite layout orders one side by set iteration, which varies)."""
    place = {}
    for x, column in ((-1.0, left), (1.0, right)):
        for i, node in enumerate(column):
            place[node] = (x, 1.0 - 2.0 * (i + 0.5) / max(len(column), 1))
    return place


def spiral_layout(simple: nx.Graph) -> dict[str, tuple[float, float]]:
    """A linear-time layout for graphs too large for a force layout: nodes on a sunflower spiral in
    breadth-first order from the best-connected node, so that neighbours mostly land close together."""
    import networkx as nx

    order: list[str] = []
    for component in sorted(nx.connected_components(simple), key=lambda c: (-len(c), min(c))):
        root = max(sorted(component), key=simple.degree)
        order += [root, *(v for _, v in nx.bfs_edges(simple, root, sort_neighbors=sorted))]
    golden = math.pi * (3 - math.sqrt(5))
    n = len(order)
    return {
        node: (math.sqrt(i / n) * math.cos(i * golden), math.sqrt(i / n) * math.sin(i * golden))
        for i, node in enumerate(order)
    }


def _plain(*parts: str) -> str:
    """A tooltip: non-empty lines of text (never markup; the page inserts them with textContent)."""
    return "\n".join(p for p in parts if p)


def node_tooltip(data: dict[str, str]) -> str:
    return _plain(
        data["label"],
        f"type: {STYLE[data['type']].label} ({data['kind']})",
        data["description"],
        f"code: {data['code']}" if data["code"] else "",
        f"source: {data['sources']}" if data["sources"] else "",
    )


def edge_tooltip(data: dict[str, str]) -> str:
    statements = int(data.get("statements", 1))
    return _plain(
        f"relation: {data['relation']}",
        data["via_label"],
        f"level: {data['level']}" if data["level"] else "",
        f"rank: {data['rank']}" if data["rank"] else "",
        f"mode: {data['mode']}" if data["mode"] else "",
        f"{statements} statements" if statements > 1 else "",
        f"{'sources' if statements > 1 else 'source'}: {data['source_label'] or data['graph']}",
    )


def _some(values: set[str]) -> str:
    """Up to :data:`SOURCES_NAMED` values, sorted, and how many more there are."""
    named = sorted(values)
    more = len(named) - SOURCES_NAMED
    return "; ".join(named[:SOURCES_NAMED]) + (f" and {more} more" if more > 0 else "")


def merge_parallel(graph: nx.MultiDiGraph, nodes: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """The subgraph on ``nodes`` (all by default) with one edge for the statements of one relation
    between the same two nodes with the same details.

    The projection keeps an edge per statement: a barrier type that affects a population group in
    200 case studies would be 200 arrows drawn on top of one another. The merged edge says in its
    tooltip how many statements it stands for, and names their sources. The subgraph is read from
    the kept nodes' own out-edges, so its cost is theirs, not the whole graph's.
    """
    import networkx as nx

    keep = set(graph) if nodes is None else set(nodes)
    groups: dict[tuple[str, ...], list[tuple[str, dict[str, str]]]] = defaultdict(list)
    for u, v, key, d in graph.out_edges(sorted(keep), keys=True, data=True):
        if v in keep:
            groups[(u, v, d["relation"], d["level"], d["rank"], d["mode"])].append((key, d))
    merged = nx.MultiDiGraph(**graph.graph)
    merged.add_nodes_from((n, graph.nodes[n]) for n in sorted(keep))
    for (u, v, *_), members in groups.items():
        members.sort(key=lambda member: member[0])
        key, data = members[0][0], dict(members[0][1])
        if len(members) > 1:
            data.update(
                statements=str(len(members)),
                source_label=_some({d["source_label"] or d["graph"] for _, d in members}),
                via_label=_some({d["via_label"] for _, d in members} - {""}),
            )
        merged.add_edge(u, v, key=key, **data)
    return merged


@cache
def _template() -> Template:
    """The page template, compiled once per process rather than once per page."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(package_file("network", "templates")),
        autoescape=select_autoescape(["html", "js"]),
        keep_trailing_newline=True,
    )
    return env.get_template("network.html")


@cache
def vis_script() -> str:
    """vis-network 9.1.2 as pyvis bundles it (MIT/Apache-2.0; notice in assets/)."""
    return package_file("network", "assets", "vis-network.min.js").read_text(encoding="utf-8")


def prepare() -> None:
    """Import what drawing needs and read the page's parts: a build's diagram worker does this while
    the network is still being projected, on the core that validation leaves free."""
    import networkx  # noqa: F401  (the network arrives as a NetworkX graph)
    import pyvis.network  # noqa: F401  (pyvis imports IPython: half a second)

    _template()
    vis_script()


def _json_for_script(value: object) -> str:
    """JSON that cannot close or open markup inside a <script> element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_options(node_count: int) -> dict[str, object]:
    """vis-network options: physics off (positions are given), labelled arrows, text tooltips."""
    return {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "interaction": {
            "hover": node_count <= 2000,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": node_count > 2000,
        },
        "nodes": {"font": {"size": 14}, "size": 14, "borderWidth": 1},
        "edges": {
            "smooth": False,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "font": {"size": 10, "align": "middle", "color": "#555"},
            "color": {"color": "#999", "highlight": "#333"},
        },
    }


def render_html(diagram: Diagram) -> str:
    """The complete, self-contained page for one diagram."""
    from pyvis.edge import Edge
    from pyvis.network import Network
    from pyvis.node import Node

    graph = diagram.graph
    net = Network(directed=True)
    # Node and Edge objects directly: Network.add_node/add_edge check duplicates by linear scans,
    # quadratic on large graphs, and our nodes and edges are unique already.
    for node in sorted(graph):
        d = graph.nodes[node]
        style = STYLE[d["type"]]
        x, y = diagram.positions[node]
        options = {"title": node_tooltip(d), "color": style.colour, "group": d["type"], "x": x, "y": -y}
        options["name"] = d["label"]  # the whole label, for the page's list of entities
        label = wrap(d["label"]) if diagram.shows_label(node) else ""
        net.nodes.append(Node(node, style.shape, label=label, physics=False, **options).options)
    edges = sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2]))
    for i, (u, v, _key, d) in enumerate(edges):
        options = {"id": f"e{i}", "relation": d["label"], "title": edge_tooltip(d)}
        if diagram.edge_labels and len(edges) <= EDGE_LABEL_LIMIT:  # beyond, unreadable and slow to draw
            options["label"] = d["label"]
        net.edges.append(Edge(u, v, directed=True, **options).options)
    types = Counter(graph.nodes[n]["type"] for n in graph)
    legend = [
        {"type": t, "label": s.label, "colour": s.colour, "shape": s.shape, "count": types[t]}
        for t, s in STYLE.items()
        if types[t]
    ]
    payload = {"nodes": net.nodes, "edges": net.edges, "options": page_options(len(net.nodes))}
    choices = sorted(
        ({"id": n["id"], "label": n["name"]} for n in net.nodes), key=lambda c: (c["label"], c["id"])
    )
    return _template().render(
        title=diagram.title,
        subtitle=diagram.subtitle,
        legend=legend,
        relations=sorted({e["relation"] for e in net.edges}),
        choices=choices if len(choices) <= 2000 else [],
        node_count=len(net.nodes),
        edge_count=len(net.edges),
        data_json=_json_for_script(payload),
        vis_js=vis_script(),
    )


# ---------------------------------------------------------------- the four kinds of diagram


def actor_links(graph: nx.MultiDiGraph) -> Links:
    """For each node, the nodes a country view may step to from it (made once per graph: a large
    build expands hundreds of countries over the same links).

    Links are followed both ways but one: from a network to its members, who may work in any
    country (in 10,000 generated case studies, that one link took a country's view from about 480
    nodes to 4,500).
    """
    links: dict[str, set[str]] = defaultdict(set)
    for u, v, relation in graph.edges(data="relation"):
        if relation in ACTOR_LINKS:
            links[u].add(v)
        if relation in INWARD_LINKS:
            links[v].add(u)
    return links


def _expand_through_actors(graph: nx.MultiDiGraph, start: set[str], links: Links | None = None) -> set[str]:
    """``start``, its neighbours, and the actors up to :data:`ACTOR_STEPS` :func:`actor_links`
    further (not the whole chain: in a large graph, shared networks link every country's actors)."""
    links = actor_links(graph) if links is None else links
    keep = set(start)
    for node in start:
        keep.update(graph.succ[node], graph.pred[node])
    frontier = [n for n in keep if graph.nodes[n]["type"] in ACTOR_TYPES]
    for _ in range(ACTOR_STEPS):
        reached = set().union(*(links.get(node, ()) for node in frontier)) - keep
        keep |= reached
        frontier = [n for n in reached if graph.nodes[n]["type"] in ACTOR_TYPES]
    return keep


def overview(graph: nx.MultiDiGraph, links: Links | None = None) -> Diagram:
    """Every intervention with its actors, grouped by country, the best-connected named.

    Actors of more than one country's interventions form a group of their own, and so do those of
    programmes located in no one country; an entity linked to nothing is left out and named.
    """
    graph = merge_parallel(graph)
    lonely = sorted(n for n in graph if graph.degree(n) == 0)
    left_out = sorted(graph.nodes[n]["label"] for n in lonely)
    graph.remove_nodes_from(lonely)
    groups = country_groups(graph, links)
    ranked = sorted(
        (n for n, d in graph.nodes(data=True) if d["type"] in (*ACTOR_TYPES, "intervention")),
        key=lambda n: (-graph.degree(n), n),
    )
    named = set(ranked[:OVERVIEW_LABELS]) | set(_countries(graph))
    subtitle = (
        "Organisations, government bodies and officials, the interventions they run, the groups they serve, "
        f"the barriers they address and the schemes they involve, grouped by country. The {OVERVIEW_LABELS} "
        "most connected actors and interventions are named; hover over any node or edge for the rest."
    )
    if left_out:
        subtitle += f" Left out, as nothing in the data links them: {_some(set(left_out))}."
    diagram = Diagram(
        graph,
        "Who works with whom: all interventions",
        subtitle,
        grouped_layout(graph, groups),
        labelled=frozenset(named),
        edge_labels=False,
    )
    return spaced(diagram)


def country_groups(graph: nx.MultiDiGraph, links: Links | None = None) -> list[list[str]]:
    """The nodes of each country's diagram; then those in several, then those in none, as groups."""
    links = actor_links(graph) if links is None else links
    seen: Counter[str] = Counter()
    members = []
    for place in _countries(graph):
        found = _expand_through_actors(graph, _interventions_in(graph, place) | {place}, links)
        members.append(found)
        seen.update(found)
    groups = [sorted(n for n in found if seen[n] == 1) for found in members]
    groups.append(sorted(n for n, times in seen.items() if times > 1))
    groups.append(sorted(n for n in graph if not seen[n]))
    return [group for group in groups if group]


def grouped_layout(graph: nx.MultiDiGraph, groups: list[list[str]]) -> dict[str, tuple[float, float]]:
    """Each group laid out on its own, the groups side by side on a grid of equal cells."""
    parts = [layout(graph.subgraph(group), spacing=GROUP_SPACING) for group in groups]
    if not parts:
        return {}
    reach = max(max((max(abs(x), abs(y)) for x, y in part.values()), default=0.0) for part in parts)
    cell = 2 * reach + 150.0  # room between groups
    columns = math.ceil(math.sqrt(len(parts)))
    positions: dict[str, tuple[float, float]] = {}
    for index, part in enumerate(parts):
        cx, cy = (index % columns) * cell, -(index // columns) * cell
        positions.update({node: (round(x + cx, 1), round(y + cy, 1)) for node, (x, y) in part.items()})
    return positions


def _sources(graph: nx.MultiDiGraph, node: str, relation: str) -> set[str]:
    """Nodes with an edge of ``relation`` to ``node`` (read from its in-edges, not from every edge)."""
    return {u for u, _, d in graph.in_edges(node, data=True) if d["relation"] == relation}


def places_in(graph: nx.MultiDiGraph, country: str) -> set[str]:
    """A country and every place the graph says lies within it."""
    places, frontier = {country}, [country]
    while frontier:
        inner = _sources(graph, frontier.pop(), "schema:containedInPlace") - places
        places |= inner
        frontier += inner
    return places


def _countries(graph: nx.MultiDiGraph) -> list[str]:
    """The countries where at least one intervention takes place, in IRI order."""
    return sorted(
        node
        for node, d in graph.nodes(data=True)
        if d["type"] == "place" and "schema:Country" in d["kind"] and _interventions_in(graph, node)
    )


def country_codes(graph: nx.MultiDiGraph) -> list[str]:
    """ISO codes of the countries where at least one intervention takes place."""
    return sorted(code for node in _countries(graph) if (code := graph.nodes[node]["code"]))


def _interventions_in(graph: nx.MultiDiGraph, country: str) -> set[str]:
    located = (u for place in places_in(graph, country) for u in _sources(graph, place, "dcterms:spatial"))
    return {u for u in located if graph.nodes[u]["type"] == "intervention"}


def country(graph: nx.MultiDiGraph, code: str, links: Links | None = None) -> Diagram:
    """The interventions in one country (ISO code or name) with their actors and what they touch."""
    wanted = code.strip().casefold()
    found = [
        n
        for n, d in graph.nodes(data=True)
        if d["type"] == "place"
        and "schema:Country" in d["kind"]
        and wanted in (d["code"].casefold(), d["label"].casefold())
    ]
    if not found:
        known = ", ".join(country_codes(graph)) or "none"
        raise ParameterError(f"no country {code!r} in the network; countries with interventions: {known}")
    place = found[0]
    interventions = _interventions_in(graph, place)
    sub = merge_parallel(graph, _expand_through_actors(graph, interventions | {place}, links))
    name = graph.nodes[place]["label"]
    return spaced(
        Diagram(
            sub,
            f"Who works with whom in {name}",
            f"{len(interventions)} intervention(s) in {name}, with their actors, groups, barriers "
            "and schemes.",
            layout(sub),
        )
    )


def ego_diagram(graph: nx.MultiDiGraph, center: str, radius: int = 2) -> Diagram:
    """One organisation's neighbourhood: its interventions, partners, engagements and what they touch."""
    steps = distances(graph, center, radius)
    sub = merge_parallel(graph, steps)
    shells: list[list[str]] = [[] for _ in range(radius + 1)]
    for node, step in steps.items():
        shells[step].append(node)
    label = graph.nodes[center]["label"]
    return spaced(
        Diagram(
            sub,
            f"{label}: ego network",
            f"Everything within {radius} steps of {label}, whatever the direction of the relation.",
            layout(sub, shells=[shell for shell in shells if shell]),
        ),
        pinned=center,
    )


def barriers(graph: nx.MultiDiGraph) -> Diagram:
    """Interventions on one side, barrier types on the other; an edge where one addresses, documents or
    meets one.

    The edge's label says which: only ``ra:addressesBarrier`` reads "addresses"; a barrier the source
    describes in the setting reads "documents in its context", a challenge "met while implementing".
    """
    keep = ("ra:addressesBarrier", "ra:contextBarrier", "ra:encounteredChallenge")
    edges = [(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True) if d["relation"] in keep]
    sub = merge_parallel(graph.edge_subgraph(edges))
    for node, d in graph.nodes(data=True):  # barriers nobody addresses are gaps: show them too
        if d["type"] in ("barrier", "intervention"):
            sub.add_node(node, **d)
    interventions = [n for n, d in sub.nodes(data=True) if d["type"] == "intervention"]
    return spaced(
        Diagram(
            sub,
            "Barriers and the interventions that address, document or meet them",
            "Left: interventions; right: barrier types. An edge is labelled addresses, documents in its "
            "context or met while implementing; only the first is a barrier addressed. A barrier with no "
            "edge is one no intervention names.",
            layout(sub, bipartite=interventions),
        )
    )


def make(
    graph: nx.MultiDiGraph, kind: str, focus: str | None = None, country_code: str | None = None
) -> Diagram:
    """The diagram the CLI asks for: overview, ego (needs ``focus``), country (needs a code) or barriers."""
    if kind == "ego" or (focus and kind == "overview"):
        if not focus:
            raise ParameterError("--kind ego needs --focus ORG (an IRI, CURIE or label)")
        return ego_diagram(graph, resolve(graph, focus))
    if kind == "country" or (country_code and kind == "overview"):
        if not country_code:
            raise ParameterError(
                f"--kind country needs --country CODE; known: {', '.join(country_codes(graph))}"
            )
        return country(graph, country_code)
    if kind == "barriers":
        return barriers(graph)
    if kind == "overview":
        return overview(graph)
    raise ParameterError(f"unknown diagram kind {kind!r}; choose one of {', '.join(KINDS)}")


def ego_focuses(graph: nx.MultiDiGraph, limit: int | None = None) -> tuple[list[str], int]:
    """The organisations the build draws ego diagrams for, in IRI order, and how many are connected.

    When more than ``limit`` (:data:`EGO_DIAGRAM_LIMIT` by default) are connected, the best connected
    are kept: their ego networks say the most. An organisation with no edge has no network to show.
    """
    limit = EGO_DIAGRAM_LIMIT if limit is None else limit
    connected = [n for n, d in graph.nodes(data=True) if d["type"] == "organisation" and graph.degree(n)]
    best = sorted(connected, key=lambda n: (-graph.degree(n), n))[:limit]
    return sorted(best), len(connected)


def ego_note(graph: nx.MultiDiGraph, limit: int | None = None) -> str | None:
    """A line for the list of diagrams when some organisations have no published ego diagram."""
    drawn, connected = ego_focuses(graph, limit)
    if len(drawn) == connected:
        return None
    return (
        f"Ego diagrams are published for the {len(drawn):,} best-connected of {connected:,} "
        "organisations. Draw any other with: kg network --kind ego --focus ORG"
    )


def all_diagrams(graph: nx.MultiDiGraph, ego_limit: int | None = None) -> Iterator[tuple[str, Diagram]]:
    """Every diagram the build publishes, with a file stem each, in a stable order.

    Made one at a time, so that they are never all in memory. Ego diagrams are drawn for the
    organisations :func:`ego_focuses` picks (all of them in the shipped data).
    """
    focuses = ego_focuses(graph, ego_limit)[0]
    graph = merge_parallel(graph)  # once, rather than in each of the hundreds of diagrams below
    links = actor_links(graph)
    stems = {"overview", "barriers"}
    yield "overview", overview(graph, links)
    yield "barriers", barriers(graph)
    for code in country_codes(graph):
        stems.add(f"country-{code.lower()}")
        yield f"country-{code.lower()}", country(graph, code, links)
    for node in focuses:
        slug = node.rstrip("/").rsplit("/", 1)[-1]
        stem = f"ego-{slug}" if f"ego-{slug}" not in stems else f"ego-{slug}-{len(stems)}"
        stems.add(stem)
        yield stem, ego_diagram(graph, node)
