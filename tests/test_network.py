"""The network projection and its analyses, checked against what the source documents say."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kg.load import KnowledgeGraph
from kg.network import analysis
from kg.network.projection import ACTOR_TYPES, project

KENYA = "https://w3id.org/refugee-access/id/case/kenya-nhif-refugee-enrolment/"
KAZAKHSTAN = "https://w3id.org/refugee-access/id/case/kazakhstan-red-crescent-social-assistance/"
WHO_SERBIA = "https://w3id.org/refugee-access/id/organisation/who-country-office-serbia"
RUN_CLI = (
    "from kg.cli import main, LAZY_COMMANDS; "
    "LAZY_COMMANDS.setdefault('analyze', 'kg.network.cli:analyze'); main()"
)


@pytest.fixture(scope="module")
def network(shipped: KnowledgeGraph):
    return project(shipped)


def test_nodes_are_typed(network) -> None:
    types = {d["type"] for _, d in network.nodes(data=True)}
    assert types == {
        "organisation",
        "government",
        "official",
        "intervention",
        "barrier",
        "population",
        "place",
        "scheme",
    }
    assert network.nodes[KENYA + "refugepoint"]["type"] == "organisation"
    assert network.nodes[KENYA + "mid-level-official"]["type"] == "official"
    assert network.nodes[KENYA + "national-health-insurance-scheme"]["type"] == "scheme"


def test_engagement_is_an_edge_with_level_rank_mode_and_source(network) -> None:
    # 000: RefugePoint worked behind the scenes with a mid-level official of Nairobi's county bureaucracy
    edges = network.get_edge_data(KENYA + "refugepoint", KENYA + "mid-level-official")
    (edge,) = [e for e in edges.values() if e["relation"] == "ra:Engagement"]
    assert edge["rank"] == "rank:mid-level"
    assert edge["level"] == "level:county"
    assert edge["mode"] == "strategy:behind-the-scenes-engagement"
    assert edge["graph"].endswith("/graph/kenya-nhif-refugee-enrolment")
    assert edge["source"].endswith("/source/urban-refugees-engaging-officials-kenya")


def test_brokers_between_refugee_organisations_and_government(network) -> None:
    # COMPETENCY 15: RefugePoint, RCS RK and the WHO Country Office for Serbia link the two sides
    table = analysis.brokers(network)
    linking = table[table.connects.str.contains("government") & (table.betweenness > 0)]
    for iri in (KENYA + "refugepoint", KAZAKHSTAN + "rcs-rk", WHO_SERBIA):
        assert iri in set(linking.iri), iri
    refugepoint = table.set_index("iri").loc[KENYA + "refugepoint"]
    assert refugepoint.group == "refugee organisations"
    filtered = analysis.brokers(network, ("refugee organisations", "government"))
    assert {KENYA + "refugepoint", KAZAKHSTAN + "rcs-rk", WHO_SERBIA} <= set(filtered.iri)


def test_actor_groups_come_from_the_model(network) -> None:
    """Groups follow organisation type and the population served, not the file an actor sits in."""
    hakijamii = "https://w3id.org/refugee-access/id/case/kenya-hakijamii-social-protection/"
    serbia = "https://w3id.org/refugee-access/id/case/serbia-migrant-health-coordination/"
    # 004 never mentions refugees: Hakijamii serves grassroots communities.
    assert analysis.group_of(network, hakijamii + "hakijamii") == analysis.OTHER_CIVIL_SOCIETY
    # SPAF and APSP are umbrella bodies of civil-society organisations, not government.
    assert analysis.group_of(network, hakijamii + "spaf") == "networks"
    # 003: the NGOs gave health services to refugees and migrants; 000: RefugePoint works for refugees.
    assert analysis.group_of(network, serbia + "ngos") == analysis.REFUGEE_ORGANISATIONS
    assert analysis.group_of(network, KENYA + "refugepoint") == analysis.REFUGEE_ORGANISATIONS
    assert analysis.group_of(network, WHO_SERBIA) == "international organisations"


def test_barrier_edges_say_their_role(network) -> None:
    """Only ra:addressesBarrier reads "addresses"; 000's politicisation is documented in the context."""
    intervention = KENYA + "intervention"
    politicisation = "https://w3id.org/refugee-access/concept/barrier/politicisation"
    care = "https://w3id.org/refugee-access/concept/barrier/unaffordable-care"
    reluctance = "https://w3id.org/refugee-access/concept/barrier/official-reluctance"
    labels = {
        target: {d["label"] for d in network.get_edge_data(intervention, target).values()}
        for target in (politicisation, care, reluctance)
    }
    assert labels == {
        politicisation: {"documents in its context"},
        care: {"addresses"},
        reluctance: {"met while implementing"},
    }


def test_brokers_are_exact_on_small_networks_and_a_repeatable_estimate_on_large_ones(network) -> None:
    import networkx as nx

    net = analysis.actor_network(network)
    actors = len(net)
    exact = analysis.brokers(network)
    assert exact.attrs["pivots"] is None and exact.attrs["error_bound"] is None
    # igraph's scores are NetworkX's own definition of normalised betweenness
    reference = nx.betweenness_centrality(net, normalized=True)
    assert dict(zip(exact.iri, exact.betweenness, strict=True)) == {
        iri: round(reference[iri], 4) for iri in exact.iri
    }
    positive = {n for n, v in reference.items() if v > 0 and network.nodes[n]["type"] in ACTOR_TYPES}
    assert set(exact.iri) == positive
    # every source sampled is the exact answer again
    assert analysis.brokers(network, pivots=actors, exact_limit=actors - 1).equals(exact)
    estimate = analysis.brokers(network, pivots=actors // 2, exact_limit=actors - 1)
    assert estimate.attrs["pivots"] == actors // 2
    again = analysis.brokers(network, pivots=actors // 2, exact_limit=actors - 1)
    assert estimate.equals(again)  # a fixed seed: the same ranking
    bound = estimate.attrs["error_bound"]
    estimated = analysis.betweenness(net, actors // 2)
    assert max(abs(estimated[n] - reference[n]) for n in net) <= bound
    # the estimate still ranks RefugePoint as a broker: it stands between the official it engaged and others
    assert KENYA + "refugepoint" in set(estimate.iri)


def test_path_from_urban_refugees_to_the_insurance_scheme(network) -> None:
    # 000: RefugePoint worked with a mid-level official to register urban refugees in the scheme
    start = analysis.resolve(network, "population:urban-refugees")
    end = analysis.resolve(network, KENYA + "national-health-insurance-scheme")
    steps = analysis.explain(network, start, end)
    through = set(steps.to_iri) | set(steps.from_iri)
    assert KENYA + "refugepoint" in through
    assert KENYA + "mid-level-official" in through
    assert all(steps.source.str.len() > 0) and all(steps.relation.str.len() > 0)


def test_ego_network_of_refugepoint(network) -> None:
    sub = analysis.ego(network, KENYA + "refugepoint", radius=1)
    assert set(sub) == {KENYA + "refugepoint", KENYA + "intervention", KENYA + "mid-level-official"}
    table = analysis.edge_table(sub)
    assert "engages" in set(table.relation)


def test_ego_subgraph_is_the_induced_subgraph(network) -> None:
    import networkx as nx

    sub = analysis.ego(network, KENYA + "refugepoint", radius=2)
    assert len(sub) > 3
    assert nx.utils.graphs_equal(sub, network.subgraph(sub.nodes).copy())


def test_ego_diagram_draws_rings_by_distance(network) -> None:
    import math

    from kg.network.diagrams import ego_diagram

    center = KENYA + "refugepoint"
    diagram = ego_diagram(network, center)
    radius = {node: math.hypot(*xy) for node, xy in diagram.positions.items()}
    first = {KENYA + "intervention", KENYA + "mid-level-official"}  # what RefugePoint itself touches
    second = set(diagram.graph) - first - {center}
    assert radius[center] == 0
    assert second and max(radius[n] for n in first) < min(radius[n] for n in second)


def test_country_diagram_reaches_places_inside_the_country(network) -> None:
    from kg.network.diagrams import country, places_in

    def place(code: str) -> str:
        return next(n for n, d in network.nodes(data=True) if d["type"] == "place" and d["code"] == code)

    inner = places_in(network, place("KZ")) - {place("KZ")}
    assert {network.nodes[p]["label"] for p in inner} == {"Almaty", "Shymkent"}
    # Without its statement "in Kenya", the Nairobi intervention is still found through Nairobi.
    narrowed = network.copy()
    direct = [
        (u, v, k)
        for u, v, k, d in narrowed.out_edges(KENYA + "intervention", keys=True, data=True)
        if d["relation"] == "dcterms:spatial" and v == place("KE")
    ]
    assert direct
    narrowed.remove_edges_from(direct)
    assert KENYA + "intervention" in country(narrowed, "KE").graph


def test_communities_keep_each_programme_together(network) -> None:
    table = analysis.communities(network)
    assert table["size"].sum() > 0
    kenya = table[table.members.str.contains("RefugePoint")]
    assert len(kenya) == 1
    assert "mid-level official" in kenya.iloc[0].members


def test_resolve_reports_ambiguity_and_unknowns(network) -> None:
    from kg.errors import ParameterError

    with pytest.raises(ParameterError, match="several"):
        analysis.resolve(network, "urban refugees")  # a population group and an organisation
    with pytest.raises(ParameterError, match="no entity"):
        analysis.resolve(network, "no such organisation")


def test_analyze_cli_writes_csv() -> None:
    done = subprocess.run(
        [sys.executable, "-c", RUN_CLI, "analyze", "brokers", "--format", "csv"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    header, *rows = done.stdout.splitlines()
    assert header.startswith("actor,group,betweenness")
    assert any(r.startswith("RefugePoint,") for r in rows)


def test_country_view_follows_actors_two_steps_and_no_further(network) -> None:
    from kg.network import diagrams

    def labelled(label: str) -> str:
        return next(n for n, d in network.nodes(data=True) if d["label"] == label)

    # WHO's country office in Serbia belongs to the Regional Office for Europe (one step), which is
    # a member of the tri-regional focal point network (two steps).
    focal = "WHO tri-regional focal point network"
    shown = {network.nodes[n]["label"] for n in diagrams.country(network, "RS").graph}
    assert {"WHO Regional Office for Europe", focal} <= shown
    chain = network.copy()  # a third step: a body that the focal point network engages
    chain.add_node("urn:x:third", **{**network.nodes[WHO_SERBIA], "label": "third step"})
    engagement = {**next(iter(network.edges(data=True)))[2], "relation": "ra:Engagement"}
    chain.add_edge(labelled(focal), "urn:x:third", key="x", **engagement)
    assert "urn:x:third" not in diagrams.country(chain, "RS").graph


def test_country_view_leaves_out_a_networks_other_members(network) -> None:
    from kg.network import diagrams

    def labelled(label: str) -> str:
        return next(n for n, d in network.nodes(data=True) if d["label"] == label)

    # The Red Crescent of Kazakhstan's Emergency Situations Department is a unit of RCS RK: a link
    # back from an actor (to its units) is followed, so the department is in Kazakhstan's view.
    assert "Emergency Situations Department, Red Crescent of Kazakhstan" in {
        network.nodes[n]["label"] for n in diagrams.country(network, "KZ").graph
    }
    # The Regional Office for Europe, one step from WHO's office in Serbia, is in Serbia's view; a
    # body that engages it is too, one that is a member of it (and may work anywhere) is not.
    europe = labelled("WHO Regional Office for Europe")
    tie = next(iter(network.edges(data=True)))[2]
    wider = network.copy()
    for name in ("urn:x:member", "urn:x:engager"):
        wider.add_node(name, **{**network.nodes[WHO_SERBIA], "label": name})
    wider.add_edge("urn:x:member", europe, key="m", **{**tie, "relation": "org:memberOf"})
    wider.add_edge("urn:x:engager", europe, key="e", **{**tie, "relation": "ra:Engagement"})
    shown = set(diagrams.country(wider, "RS").graph)
    assert europe in shown and "urn:x:engager" in shown
    assert "urn:x:member" not in shown


def test_edges_are_labelled_in_plain_words(network) -> None:
    """From the property's rdfs:label (``ra:implementer`` → implementer), or a fixed reading where
    the ontology has none or a label would blur the barrier roles; never a camelCase name."""
    labels = {d["relation"]: d["label"] for _, _, d in network.edges(data=True)}
    assert labels["ra:implementer"] == "implementer"
    assert labels["ra:targetGroup"] == "target group"
    assert labels["ra:involvesScheme"] == "involves scheme"
    assert labels["ra:addressesBarrier"] == "addresses"
    assert labels["ra:contextBarrier"] == "documents in its context"
    assert labels["org:memberOf"] == "member of"
    assert not [label for label in labels.values() if label != label.lower() or not label.strip()]
