"""Synthetic case studies for benchmarks: N-Quads, one named graph per case, deterministic for a seed.

Each case is written the way ontology/README.md asks (an intervention with engagements at a level
and rank, barriers, a challenge and its response, enabling conditions, outcomes, an entitlement,
evidence anchors, a source document), with organisations and places drawn from a shared pool
written once in its own graph. Concepts are read from the shipped concept schemes, so every value
is a real concept. ``--faults`` breaks a fraction of the cases on purpose, to exercise validation.

    python bench/generate.py --cases 10000 --out cases.nq --seed 1
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.namespaces import BASE, GRAPH, RA, RDF_TYPE, RDFS, XSD

POOL_GRAPH = GRAPH + "reference/synthetic-pool"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
OA = "http://www.w3.org/ns/oa#"
DCAT = "http://www.w3.org/ns/dcat#"
COLLECTIONS = (
    "urban-refugees-practices",
    "gcr-good-practices",
    "who-europe-website",
    "eurohealthnet-database",
)
ORG_CLASSES = ("NonGovernmentalOrganisation", "InternationalOrganisation", "Network", "ResearchBody")
WORDS = (
    "refugees",
    "health",
    "access",
    "insurance",
    "officials",
    "county",
    "scheme",
    "enrolment",
    "support",
    "legal",
    "aid",
    "outreach",
    "clinic",
    "registration",
    "benefits",
    "coordination",
    "migrants",
    "community",
    "services",
    "national",
    "local",
    "partners",
    "training",
)


def concepts() -> dict[str, list[str]]:
    """Leaf concepts of every shipped scheme (groups are left out, as curators use the specific ones)."""
    import pyoxigraph as ox

    from kg.resources import ontology_dir

    store = ox.Store()
    for path in sorted((ontology_dir() / "concepts").glob("*.ttl")):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    query = """
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?scheme ?c WHERE { ?c a skos:Concept ; skos:inScheme ?scheme .
          FILTER NOT EXISTS { ?c skos:narrower ?n } FILTER NOT EXISTS { ?n skos:broader ?c } }"""
    found: dict[str, list[str]] = {}
    for row in store.query(query):
        found.setdefault(row["scheme"].value.rsplit("/", 1)[1], []).append(row["c"].value)
    return {k: sorted(v) for k, v in found.items()}


def iri(value: str) -> str:
    return f"<{value}>"


def text(value: str, lang: str = "en") -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + f'"@{lang}'


def typed(value: object, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


class Writer:
    """N-Quads lines for one graph at a time, buffered by the file object."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.graph = ""
        self.count = 0

    def q(self, s: str, p: str, o: str) -> None:
        self.out.write(f"{s} <{p}> {o} {self.graph} .\n")
        self.count += 1


def pool(
    w: Writer, rng: random.Random, n_orgs: int, n_countries: int
) -> tuple[list[str], list[tuple[str, str]]]:
    """Shared organisations and places, in one graph that says where it came from."""
    w.graph = iri(POOL_GRAPH)
    g = iri(POOL_GRAPH)
    w.q(g, RDF_TYPE, iri(PROV + "Entity"))
    w.q(g, DCT + "title", text("Synthetic shared organisations and places"))
    w.q(g, PROV + "wasDerivedFrom", iri(BASE + "id/source/" + COLLECTIONS[0]))
    places: list[tuple[str, str]] = []
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for i in range(n_countries):
        country = iri(f"{BASE}id/place/synthetic-country-{i}")
        w.q(country, RDF_TYPE, iri(SCHEMA + "Country"))
        w.q(country, RDFS + "label", text(f"Country {i}"))
        w.q(country, RA + "isoCode", typed(letters[i // 26 % 26] + letters[i % 26], "string"))
        city = iri(f"{BASE}id/place/synthetic-city-{i}")
        w.q(city, RDF_TYPE, iri(SCHEMA + "City"))
        w.q(city, RDFS + "label", text(f"City {i}"))
        w.q(city, SCHEMA + "containedInPlace", country)
        places.append((country, city))
    orgs = []
    for i in range(n_orgs):
        org = iri(f"{BASE}id/organisation/synthetic-{i}")
        w.q(org, RDF_TYPE, iri(RA + ORG_CLASSES[i % len(ORG_CLASSES)]))
        w.q(org, RDFS + "label", text(f"Organisation {i}"))
        w.q(org, DCT + "description", text(f"A shared organisation of the pool, number {i}."))
        w.q(org, DCT + "spatial", rng.choice(places)[0])
        orgs.append(org)
    return orgs, places


def case(
    w: Writer,
    i: int,
    rng: random.Random,
    c: dict[str, list[str]],
    orgs: list[str],
    places: list[tuple[str, str]],
    fault: bool,
) -> None:
    """One case study in its own graph; about 130 statements, like the shipped ones."""
    slug = f"synthetic-{i:06d}"
    ns = f"{BASE}id/case/{slug}/"
    w.graph = iri(GRAPH + slug)
    country, city = rng.choice(places)
    words = " ".join(rng.sample(WORDS, 6))
    n = 0

    def node(name: str) -> str:
        return iri(ns + name)

    def fact(subject: str, cls: str, label: str) -> None:
        nonlocal n
        n += 1
        w.q(subject, RDF_TYPE, iri(RA + cls))
        w.q(subject, RDFS + "label", text(f"{label} {i}"))
        w.q(subject, DCT + "description", text(f"{label} in case {i}: {words}."))
        anchor = f"_:c{i}e{n}"
        w.q(subject, RA + "evidence", anchor)
        w.q(anchor, RDF_TYPE, iri(OA + "TextQuoteSelector"))
        w.q(anchor, OA + "exact", typed(words, "string"))
        w.q(subject, RA + "claimStatus", iri(BASE + "concept/claim/stated"))

    source = iri(f"{BASE}id/source/{slug}")
    g = w.graph
    w.q(g, RDF_TYPE, iri(PROV + "Entity"))
    w.q(g, DCT + "title", text(f"Synthetic case study {i}"))
    w.q(g, PROV + "wasDerivedFrom", source)
    w.q(source, RDF_TYPE, iri(RA + "SourceDocument"))
    w.q(source, DCT + "title", text(f"Practice {i}: {words}"))
    w.q(source, DCT + "publisher", rng.choice(orgs))
    w.q(source, DCT + "issued", typed(2000 + i % 25, "gYear"))
    w.q(source, DCT + "language", "<http://id.loc.gov/vocabulary/iso639-1/en>")
    w.q(source, DCT + "isPartOf", iri(BASE + "id/source/" + COLLECTIONS[i % len(COLLECTIONS)]))
    w.q(source, DCAT + "landingPage", iri(f"https://example.org/practice/{i}"))

    ngo, body, official = node("implementer"), node("government-body"), node("official")
    w.q(ngo, RDF_TYPE, iri(RA + "NonGovernmentalOrganisation"))
    w.q(ngo, RDFS + "label", text(f"Implementer {i}"))
    w.q(ngo, ORG + "memberOf", rng.choice(orgs))
    w.q(body, RDF_TYPE, iri(RA + "GovernmentBody"))
    w.q(body, RDFS + "label", text(f"Government body {i}"))
    w.q(body, RA + "governmentLevel", iri(rng.choice(c["level"])))
    w.q(body, DCT + "spatial", city)
    w.q(official, RDF_TYPE, iri(RA + "Official"))
    w.q(official, RDFS + "label", text(f"Official {i}"))
    w.q(official, ORG + "memberOf", body)
    w.q(official, RA + "governmentLevel", iri(rng.choice(c["level"])))
    w.q(official, RA + "bureaucraticRank", iri(rng.choice(c["rank"])))

    it = node("intervention")
    w.q(it, RDF_TYPE, iri(RA + "Intervention"))
    w.q(it, RDFS + "label", text(f"Intervention {i}"))
    w.q(it, DCT + "description", text(f"A synthetic programme: {words}."))
    w.q(it, DCT + "source", source)
    w.q(it, DCT + "spatial", country)
    w.q(it, DCT + "spatial", city)
    w.q(it, RA + "implementer", ngo)
    for partner in rng.sample(orgs, 2):
        w.q(it, RA + "partner", partner)
    w.q(it, RA + "supporter", rng.choice(orgs))
    w.q(it, SCHEMA + "startDate", typed(1995 + i % 30, "gYear"))
    w.q(it, RA + "status", iri(rng.choice(c["status"])))
    for scheme, prop, k in (
        ("population", "targetGroup", 2),
        ("sector", "sector", 2),
        ("strategy", "strategy", 3),
    ):
        for value in rng.sample(c[scheme], k):
            w.q(it, RA + prop, iri(value))

    activity = node("activity-1")
    w.q(it, RA + "hasActivity", activity)
    w.q(activity, RDF_TYPE, iri(RA + "Activity"))
    w.q(activity, RDFS + "label", text(f"Activity {i}"))
    w.q(activity, DCT + "description", text(f"Line of work of case {i}."))
    w.q(activity, RA + "strategy", iri(rng.choice(c["strategy"])))

    for k in range(rng.randint(1, 2)):
        e = node(f"engagement-{k}")
        w.q(it, RA + "hasEngagement", e)
        fact(e, "Engagement", "Engagement")
        w.q(e, RA + "engager", ngo)
        w.q(e, RA + "engagedParty", official if k == 0 else body)
        w.q(e, RA + "governmentLevel", iri(rng.choice(c["level"])))
        w.q(e, RA + "bureaucraticRank", iri(rng.choice(c["rank"])))
        w.q(e, RA + "mode", iri(rng.choice(c["strategy"])))
    for k, barrier in enumerate(rng.sample(c["barrier"], 3)):
        b = node(f"barrier-{k}")
        w.q(it, RA + "addressesBarrier", b)
        fact(b, "Barrier", "Barrier")
        w.q(b, RA + "barrierType", iri(barrier))
        w.q(b, RA + "affects", iri(rng.choice(c["population"])))
        w.q(b, DCT + "spatial", rng.choice((country, city)))
    challenge, response = node("challenge"), node("response")
    w.q(it, RA + "encounteredChallenge", challenge)
    fact(challenge, "Challenge", "Challenge")
    w.q(challenge, RA + "barrierType", iri(rng.choice(c["barrier"])))
    w.q(it, RA + "response", response)
    fact(response, "Response", "Response")
    w.q(response, RA + "respondsTo", challenge)
    w.q(response, RA + "strategy", iri(rng.choice(c["strategy"])))
    for k, kind in enumerate(rng.sample(c["condition"], 2)):
        cond = node(f"condition-{k}")
        w.q(it, RA + "enablingCondition", cond)
        fact(cond, "EnablingCondition", "Condition")
        w.q(cond, RA + "conditionType", iri(kind))
    for k, kind in enumerate(rng.sample(c["outcome"], 2)):
        out = node(f"outcome-{k}")
        w.q(it, RA + "outcome", out)
        fact(out, "Outcome", "Outcome")
        w.q(out, RA + "outcomeType", iri(kind))
        w.q(out, RA + "resultLevel", iri(BASE + "concept/result/population-outcome"))
        w.q(out, RA + "affects", iri(rng.choice(c["population"])))
        w.q(out, RA + "quantity", typed(rng.randint(10, 5000), "integer"))
    scheme, ent = node("scheme"), node("entitlement")
    w.q(it, RA + "involvesScheme", scheme)
    w.q(scheme, RDF_TYPE, iri(RA + "PublicScheme"))
    w.q(scheme, RDFS + "label", text(f"Public scheme {i}"))
    w.q(scheme, RA + "sector", iri(rng.choice(c["sector"])))
    w.q(scheme, DCT + "spatial", country)
    w.q(scheme, SCHEMA + "provider", body)
    w.q(it, RA + "entitlement", ent)
    fact(ent, "Entitlement", "Entitlement")
    w.q(ent, RA + "entitledGroup", iri(rng.choice(c["population"])))
    w.q(ent, RA + "entitledTo", scheme)
    w.q(ent, RA + "entitlementStatus", iri(rng.choice(c["entitlement"])))
    if fault:  # one typical curator's slip per broken case
        slip = i % 4
        if slip == 0:
            w.q(it, RA + "statuss", iri(c["status"][0]))  # misspelt property
        elif slip == 1:
            w.q(node("engagement-0"), RA + "bureaucraticRank", iri(c["level"][0]))  # level given as rank
        elif slip == 2:
            w.q(node("barrier-0"), RDFS + "label", '"untagged label"')  # no language tag
        else:
            w.q(official, RDF_TYPE, iri(RA + "Offical"))  # misspelt class


def generate(out: TextIO, cases: int, seed: int = 0, faults: float = 0.0) -> int:
    """Write the pool and ``cases`` case graphs; returns the number of statements."""
    rng = random.Random(seed)
    c = concepts()
    w = Writer(out)
    orgs, places = pool(w, rng, n_orgs=max(20, cases // 10), n_countries=min(200, max(10, cases // 50)))
    for i in range(cases):
        case(w, i, rng, c, orgs, places, fault=rng.random() < faults)
    return w.count


def graphs(cases: int) -> Iterator[str]:
    """Named graphs a generated file holds (pool first)."""
    yield POOL_GRAPH
    for i in range(cases):
        yield f"{GRAPH}synthetic-{i:06d}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, required=True, help="number of case studies")
    parser.add_argument("--out", type=Path, required=True, help="N-Quads file to write (.nq)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--faults", type=float, default=0.0, help="fraction of cases with one deliberate error"
    )
    args = parser.parse_args(argv)
    with args.out.open("w", encoding="utf-8", buffering=1 << 20) as out:
        count = generate(out, args.cases, args.seed, args.faults)
    print(f"{args.out}: {args.cases} cases, {count} statements", file=sys.stderr)


if __name__ == "__main__":
    main()
