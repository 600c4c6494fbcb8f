"""The ontology, its concept schemes and its JSON-LD context: they parse, every term is documented,
the OWL RL closure is free of contradictions, and the schemes have the structure the model relies on.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import owlrl
import pytest
import rdflib
from owlrl.Namespaces import ERRNS
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.namespaces import XSD  # a string: rdflib's XSD namespace object warns when pytest inspects it

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology"
RA = rdflib.Namespace("https://w3id.org/refugee-access/def#")
ONTOLOGY_IRI = rdflib.URIRef("https://w3id.org/refugee-access/def")
CONCEPT = "https://w3id.org/refugee-access/concept/"
SCHEMES = {"barrier", "population", "level", "rank", "strategy", "sector", "dimension"} | {
    "condition",
    "outcome",
    "entitlement",
    "status",
    "claim",
    "result",
}


@cache
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY / "refugee-access.ttl")


@cache
def concepts() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted((ONTOLOGY / "concepts").glob("*.ttl")):
        graph.parse(path)
    return graph


def scheme(name: str) -> rdflib.URIRef:
    return rdflib.URIRef(CONCEPT + name)


def terms(kinds: tuple[rdflib.URIRef, ...]) -> list[rdflib.URIRef]:
    """Named terms of the ra: namespace declared with one of the given OWL kinds."""
    found = {s for kind in kinds for s in ontology().subjects(RDF.type, kind) if isinstance(s, rdflib.URIRef)}
    return sorted(found)


CLASSES = (OWL.Class,)
PROPERTIES = (OWL.ObjectProperty, OWL.DatatypeProperty)


# ---------------------------------------------------------------- everything parses


@pytest.mark.parametrize(
    "path",
    sorted(ONTOLOGY.glob("*.ttl"))
    + sorted(ONTOLOGY.glob("concepts/*.ttl"))
    + sorted(ONTOLOGY.glob("shapes/*.ttl")),
    ids=lambda p: str(p.relative_to(ONTOLOGY)),
)
def test_turtle_parses(path: Path) -> None:
    assert len(rdflib.Graph().parse(path)) > 0


def test_ontology_header() -> None:
    graph = ontology()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in graph
    version = graph.value(ONTOLOGY_IRI, OWL.versionIRI)
    assert version is not None and str(version).startswith(str(ONTOLOGY_IRI) + "/")
    assert graph.value(ONTOLOGY_IRI, OWL.versionInfo) is not None


# ---------------------------------------------------------------- every term documented


def english(graph: rdflib.Graph, subject: rdflib.URIRef, predicate: rdflib.URIRef) -> list[rdflib.Literal]:
    return [
        o for o in graph.objects(subject, predicate) if isinstance(o, rdflib.Literal) and o.language == "en"
    ]


def test_there_are_terms() -> None:
    assert len(terms(CLASSES)) >= 20 and len(terms(PROPERTIES)) >= 40


@pytest.mark.parametrize("term", terms(CLASSES + PROPERTIES), ids=lambda t: t.split("#")[-1])
def test_term_is_labelled_defined_and_tied_to_the_ontology(term: rdflib.URIRef) -> None:
    graph = ontology()
    assert str(term).startswith(str(RA))
    assert len(english(graph, term, RDFS.label)) == 1
    assert len(english(graph, term, SKOS.definition)) == 1
    assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in graph


@pytest.mark.parametrize("prop", terms(PROPERTIES), ids=lambda t: t.split("#")[-1])
def test_property_has_domain_and_range(prop: rdflib.URIRef) -> None:
    graph = ontology()
    assert graph.value(prop, RDFS.domain) is not None
    assert graph.value(prop, RDFS.range) is not None


def test_datatype_properties_have_datatype_ranges() -> None:
    graph = ontology()
    for prop in terms((OWL.DatatypeProperty,)):
        assert str(graph.value(prop, RDFS.range)).startswith((XSD, str(RDF))), prop


# ---------------------------------------------------------------- consistency


def closure(extra: rdflib.Graph | None = None) -> rdflib.Graph:
    graph = rdflib.Graph()
    for part in (ontology(), concepts(), extra or rdflib.Graph()):
        for triple in part:
            graph.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


def contradictions(graph: rdflib.Graph) -> list[str]:
    """OWL RL inconsistency messages, and anything inferred to be an owl:Nothing."""
    found = [str(graph.value(m, ERRNS.error)) for m in graph.subjects(RDF.type, ERRNS.ErrorMessage)]
    found += [f"{s} is an owl:Nothing" for s in graph.subjects(RDF.type, OWL.Nothing)]
    return found


def test_owl_rl_closure_of_ontology_and_concepts_is_consistent() -> None:
    assert contradictions(closure()) == []


def test_owl_rl_closure_detects_a_contradiction() -> None:
    """The check above can fail: one node typed as two disjoint kinds of fact is reported."""
    node = rdflib.URIRef("https://w3id.org/refugee-access/id/case/fixture/mixed")
    extra = rdflib.Graph()
    extra.add((node, RDF.type, RA.Barrier))
    extra.add((node, RDF.type, RA.Outcome))
    assert contradictions(closure(extra))


# ---------------------------------------------------------------- concept schemes


def test_one_file_per_scheme() -> None:
    assert {p.stem for p in (ONTOLOGY / "concepts").glob("*.ttl")} == SCHEMES
    for name in SCHEMES:
        graph = rdflib.Graph().parse(ONTOLOGY / "concepts" / f"{name}.ttl")
        assert set(graph.subjects(RDF.type, SKOS.ConceptScheme)) == {scheme(name)}
        assert english(graph, scheme(name), rdflib.URIRef("http://purl.org/dc/terms/title"))
        assert english(graph, scheme(name), rdflib.URIRef("http://purl.org/dc/terms/description"))
        for concept in graph.subjects(RDF.type, SKOS.Concept):
            assert str(concept).startswith(f"{CONCEPT}{name}/"), concept


def all_concepts() -> list[rdflib.URIRef]:
    return sorted(c for c in concepts().subjects(RDF.type, SKOS.Concept) if isinstance(c, rdflib.URIRef))


@pytest.mark.parametrize("concept", all_concepts(), ids=lambda c: c[len(CONCEPT) :])
def test_concept_is_labelled_defined_and_in_exactly_one_scheme(concept: rdflib.URIRef) -> None:
    graph = concepts()
    assert len(english(graph, concept, SKOS.prefLabel)) == 1
    assert len(english(graph, concept, SKOS.definition)) == 1
    schemes = list(graph.objects(concept, SKOS.inScheme))
    assert schemes == [scheme(concept[len(CONCEPT) :].split("/")[0])]


@pytest.mark.parametrize("concept", all_concepts(), ids=lambda c: c[len(CONCEPT) :])
def test_concept_has_its_place_in_the_hierarchy(concept: rdflib.URIRef) -> None:
    """A top concept of its scheme, or narrower than a concept of the same scheme, both ways stated."""
    graph = concepts()
    own = graph.value(concept, SKOS.inScheme)
    broader = list(graph.objects(concept, SKOS.broader))
    top = list(graph.objects(concept, SKOS.topConceptOf))
    assert bool(top) != bool(broader)
    if top:
        assert top == [own] and (own, SKOS.hasTopConcept, concept) in graph
    for parent in broader:
        assert graph.value(parent, SKOS.inScheme) == own
        assert (parent, SKOS.narrower, concept) in graph
    for child in graph.objects(concept, SKOS.narrower):
        assert (child, SKOS.broader, concept) in graph


def test_barrier_leaves_each_have_one_access_dimension() -> None:
    graph = concepts()
    leaves = [
        c for c in graph.subjects(SKOS.inScheme, scheme("barrier")) if graph.value(c, SKOS.narrower) is None
    ]
    assert len(leaves) == 16  # the sixteen barrier types of the model
    # Groups have one too: the default for a narrower type without its own (the rule analyses use).
    for concept in graph.subjects(SKOS.inScheme, scheme("barrier")):
        dimensions = list(graph.objects(concept, RA.accessDimension))
        assert len(dimensions) == 1, concept
        assert graph.value(dimensions[0], SKOS.inScheme) == scheme("dimension"), concept


def test_access_dimensions_are_levesques_five() -> None:
    slugs = {str(c).rsplit("/", 1)[1] for c in concepts().subjects(SKOS.inScheme, scheme("dimension"))}
    assert slugs == {
        "approachability",
        "acceptability",
        "availability-accommodation",
        "affordability",
        "appropriateness",
    }


def test_level_and_rank_are_separate_axes() -> None:
    graph = concepts()
    levels = set(graph.subjects(SKOS.inScheme, scheme("level")))
    ranks = set(graph.subjects(SKOS.inScheme, scheme("rank")))
    assert levels and ranks and not levels & ranks
    labels = {str(graph.value(c, SKOS.prefLabel)) for c in ranks}
    assert labels == {"high-level", "mid-level", "front-line"}
    for concept in levels | ranks:
        linked = set(graph.objects(concept, SKOS.broader)) | set(graph.objects(concept, SKOS.narrower))
        assert not linked & (ranks if concept in levels else levels)


def test_unhcr_population_codes() -> None:
    """UNHCR population-type codes sit on the matching population groups, once each."""
    graph = concepts()
    codes = {
        str(graph.value(c, SKOS.notation)): str(c).rsplit("/", 1)[1]
        for c in graph.subjects(SKOS.notation, None)
    }
    assert codes == {
        "REF": "refugees",
        "ASY": "asylum-seekers",
        "IDP": "internally-displaced-persons",
        "STA": "stateless-persons",
        "OOC": "others-of-concern",
        "HST": "host-community",
    }


# ---------------------------------------------------------------- JSON-LD context


def context() -> dict:
    return json.loads((ONTOLOGY / "context.jsonld").read_text(encoding="utf-8"))["@context"]


def test_context_declares_every_concept_scheme_prefix() -> None:
    ctx = context()
    for name in SCHEMES:
        assert ctx[name] == f"{CONCEPT}{name}/"
    assert ctx["ra"] == str(RA)


def test_context_compacts_and_round_trips() -> None:
    """Compacting with the shipped context (a dict, never fetched) loses nothing and uses its terms."""
    data = rdflib.Graph().parse(
        data="""
        @prefix ra: <https://w3id.org/refugee-access/def#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        <https://w3id.org/refugee-access/id/case/fixture/intervention> a ra:Intervention ;
            rdfs:label "Enrolling refugees"@en , "Inscription des réfugiés"@fr ;
            ra:implementer <https://w3id.org/refugee-access/id/organisation/unhcr> ;
            ra:targetGroup <https://w3id.org/refugee-access/concept/population/urban-refugees> ;
            dcterms:spatial <https://w3id.org/refugee-access/id/place/kenya> .
        """,
        format="turtle",
    )
    text = data.serialize(format="json-ld", context=context(), auto_compact=True)
    document = json.loads(text)
    assert isinstance(document["@context"], dict)  # embedded, so reading it back needs no fetch
    assert "https://w3id.org/refugee-access/def#implementer" not in text
    assert '"implementer"' in text and "population:urban-refugees" in text
    back = rdflib.Graph().parse(data=text, format="json-ld")
    assert isomorphic(back, data)


# ---------------------------------------------------------------- the documentation page


def test_shipped_documentation_page_documents_the_ontology_as_it_is() -> None:
    """The committed page (copied into builds) was made from today's ontology file, and lists each
    of its classes and properties by IRI. Regenerate with ``python -m kg.ontology_docs``."""
    from kg import ontology_docs
    from kg.load import load

    page = ontology_docs.shipped_page()
    assert ontology_docs.is_current(page, load(workspace=None)), "run python -m kg.ontology_docs"
    html = page.read_text(encoding="utf-8")
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    terms = {s for kind in kinds for s in ontology().subjects(RDF.type, kind) if str(s).startswith(str(RA))}
    assert len(terms) > 20
    assert [str(t) for t in sorted(terms) if str(t) not in html] == []


def test_a_revised_ontology_gets_its_own_page_and_the_shipped_one_is_copied(tmp_path: Path) -> None:
    import pyoxigraph as ox

    from kg import ontology_docs
    from kg.load import GRAPH, KnowledgeGraph, LoadedFile, load, read_file

    shipped = load(workspace=None)
    copied = tmp_path / "copied.html"
    ontology_docs.write(shipped, copied)
    assert copied.read_bytes() == ontology_docs.shipped_page().read_bytes()

    revised = tmp_path / "refugee-access.ttl"
    added = "https://w3id.org/refugee-access/def#TrialOnlyClass"
    revised.write_text(
        (ONTOLOGY / "refugee-access.ttl").read_text(encoding="utf-8")
        + f'\n<{added}> a owl:Class ; rdfs:label "Trial-only class"@en ;\n'
        + f"  rdfs:isDefinedBy <{ONTOLOGY_IRI}> .\n",
        encoding="utf-8",
    )
    store = ox.Store()
    file = LoadedFile(revised, "ontology", GRAPH + "ontology/refugee-access")
    read_file(store, file)
    made = tmp_path / "made.html"
    ontology_docs.write(KnowledgeGraph(store, [file]), made)
    html = made.read_text(encoding="utf-8")
    assert added in html and "Trial-only class" in html  # pyLODE ran on the revised file
    assert ontology_docs.is_current(made, KnowledgeGraph(store, [file]))
    assert not ontology_docs.is_current(ontology_docs.shipped_page(), KnowledgeGraph(store, [file]))
