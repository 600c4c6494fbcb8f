"""Checks that answer a curator's slip with the fix: "did you mean …?" and duplicate organisations.

SHACL says that a value is wrong; these checks say what was probably meant, by comparing a term
with the terms the ontology, the concept schemes and the shapes define (difflib), and they find an
organisation described twice (same label or same Wikidata item under two IRIs). They return
:class:`kg.report.Violation` so that ``kg validate`` lists them with the SHACL results.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from kg.load import DATA_KINDS, KnowledgeGraph
from kg.namespaces import BASE, OWL, RA, RDF_TYPE, SKOS, compact, expand
from kg.report import Violation, label_of, line_of
from kg.resources import package_file

SKOS_CONCEPT = SKOS + "Concept"
SKOS_DEFINITION = SKOS + "definition"
CONCEPT_NS = BASE + "concept/"
ENTITY_NS = BASE + "id/"
#: Namespaces whose terms curators type by hand and can misspell (the ones the model uses).
VOCABULARIES = (
    RA,
    "http://purl.org/dc/terms/",
    "http://purl.org/dc/elements/1.1/",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2004/02/skos/core#",
    "http://www.w3.org/ns/org#",
    "http://www.w3.org/ns/prov#",
    "https://schema.org/",
    "http://www.w3.org/ns/oa#",
    "http://www.w3.org/ns/dcat#",
)


def suggest(term: str, candidates: Iterable[str], n: int = 3, cutoff: float = 0.6) -> str:
    """' Did you mean a or b?' for the nearest candidates (compared as CURIEs), or '' when none is near.

    Only the clear favourites are offered: a candidate that differs in letter case alone, else the
    best matches within 0.1 of the best score, so that one obvious fix is not buried in alternatives.
    """
    wanted = compact(term)
    names = sorted({compact(c) for c in candidates})
    same_but_case = [name for name in names if name.casefold() == wanted.casefold()]
    if same_but_case:
        return f" Did you mean {same_but_case[0]}?"
    scored = []
    for name in names:
        matcher = difflib.SequenceMatcher(None, wanted.casefold(), name.casefold())
        if (
            matcher.real_quick_ratio() >= cutoff
            and matcher.quick_ratio() >= cutoff
            and matcher.ratio() >= cutoff
        ):
            scored.append((matcher.ratio(), name))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    close = [name for score, name in scored[:n] if score >= scored[0][0] - 0.1]
    return f" Did you mean {' or '.join(close)}?" if close else ""


def _concept_hint(concept: str, scheme: set[str], definitions: dict[str, str]) -> str:
    """The nearest concepts of the scheme with their definitions; the whole (short) scheme for a
    placeholder or a far miss; else the command that lists the scheme."""
    slug = concept.rsplit("/", 1)[-1]
    hint = "" if slug.startswith("TODO") else suggest(concept, scheme)
    name = concept[len(CONCEPT_NS) :].split("/", 1)[0]
    if hint:
        nearest = hint.removeprefix(" Did you mean ").removesuffix("?").split(" or ")
        explained = [
            f"{c} ({definitions[e]})" if (e := expand(c) or c) in definitions else c for c in nearest
        ]
        return f" Did you mean {' or '.join(explained)}?"
    if len(scheme) <= 12:
        return f" Choose one of: {', '.join(sorted(compact(c) for c in scheme))}."
    return f" Choose one of the concepts that `kg concepts {name}` lists with their definitions."


@cache
def _sparql(name: str) -> str:
    return package_file("curate", "sparql", name).read_text(encoding="utf-8")


def _files_using(graph: KnowledgeGraph, term: str) -> int:
    """In how many named graphs a term is used as a property or class: one file only may mean a slip."""
    rows = graph.select(_sparql("files-using.rq"), {"term": ox.NamedNode(term)}).rows
    return int(rows[0]["files"].value) if rows and "files" in rows[0] else 0


def _described_in(graph: KnowledgeGraph, namespace: str) -> list[str]:
    """Entities described under a namespace: the candidates for a mistyped entity IRI."""
    rows = graph.select(_sparql("described-in.rq"), {"namespace": ox.Literal(namespace)}).rows
    return [row["entity"].value for row in rows]


class _Vocabulary:
    """What the model defines: classes, properties, concepts by scheme, and every term it mentions."""

    def __init__(self, graph: KnowledgeGraph) -> None:
        model = graph.graphs("ontology", "concepts", "shapes")
        self.classes: set[str] = set()
        self.properties: set[str] = set()
        self.concepts: dict[str, set[str]] = defaultdict(set)
        self.mentioned: set[str] = set()
        self.definitions: dict[str, str] = {}
        kinds = {
            OWL + "Class": self.classes,
            OWL + "ObjectProperty": self.properties,
            OWL + "DatatypeProperty": self.properties,
        }
        for g in model:
            for quad in graph.store.quads_for_pattern(None, None, None, g):
                for term in (quad.subject, quad.predicate, quad.object):
                    if isinstance(term, ox.NamedNode):
                        self.mentioned.add(term.value)
                if (
                    quad.predicate.value == SKOS_DEFINITION
                    and isinstance(quad.subject, ox.NamedNode)
                    and getattr(quad.object, "language", "en") in ("en", None, "")
                ):
                    self.definitions[quad.subject.value] = str(getattr(quad.object, "value", ""))
                if quad.predicate.value == RDF_TYPE and isinstance(quad.subject, ox.NamedNode):
                    kind = str(getattr(quad.object, "value", ""))
                    if kind in kinds:
                        kinds[kind].add(quad.subject.value)
                    elif kind == SKOS_CONCEPT:
                        self.concepts[_scheme_of(quad.subject.value)].add(quad.subject.value)

    @property
    def terms(self) -> set[str]:
        """Terms of the hand-typed vocabularies that the model defines or mentions."""
        return {m for m in self.mentioned if m.startswith(VOCABULARIES)}

    def known_class(self, iri: str) -> bool:
        return iri in self.classes if iri.startswith(RA) else iri in self.mentioned

    def known_property(self, iri: str) -> bool:
        return iri in self.properties if iri.startswith(RA) else iri in self.mentioned


def _scheme_of(concept: str) -> str:
    return concept[: concept.rfind("/") + 1]


def _locate(path: Path | None, term: str, subject: str = "") -> int | None:
    """The line where the term is written (as CURIE or full IRI), looking first below the subject's line."""
    if path is None:
        return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None

    def find(iri: str, start: int = 0, anchored: bool = False) -> int | None:
        local = re.escape(re.split(r"[/#]", iri)[-1])
        lead = r"^\s*" if anchored else ""
        pattern = re.compile(rf"{lead}(<{re.escape(iri)}>|[\w-]*:{local})(?![\w-])")
        for number in range(start, len(lines)):
            if not lines[number].lstrip().startswith("#") and pattern.search(lines[number]):
                return number + 1
        return None

    start = (find(subject, anchored=True) or 1) - 1 if subject.startswith("http") else 0
    return find(term, start) or find(term)


def _slips(
    quad: ox.Quad, vocab: _Vocabulary, graph: KnowledgeGraph, suspects: _Suspects
) -> list[tuple[str, str, str, str]]:
    """(wrong term, message, rule, severity) for each slip in one triple."""
    p, o = quad.predicate.value, quad.object
    slips = []
    if p.startswith(VOCABULARIES) and not vocab.known_property(p):
        if p.startswith(RA):
            hint = suggest(p, vocab.properties)
            slips.append(
                (
                    p,
                    f"The property {compact(p)} is not defined by the ontology.{hint}",
                    "property",
                    "Violation",
                )
            )
        elif suspects.files.get(p) == 1 and (hint := suggest(p, vocab.terms, cutoff=0.85)):
            slips.append(
                (
                    p,
                    f"The property {compact(p)} is used nowhere else in the graph.{hint}",
                    "property",
                    "Warning",
                )
            )
    if not isinstance(o, ox.NamedNode):
        return slips
    value = o.value
    if p == RDF_TYPE and value.startswith(VOCABULARIES) and not vocab.known_class(value):
        if value.startswith(RA):
            hint = suggest(value, vocab.classes)
            slips.append(
                (
                    value,
                    f"The class {compact(value)} is not defined by the ontology.{hint}",
                    "class",
                    "Violation",
                )
            )
        elif suspects.files.get(value) == 1 and (hint := suggest(value, vocab.terms, cutoff=0.85)):
            message = f"The class {compact(value)} is used nowhere else in the graph.{hint}"
            slips.append((value, message, "class", "Warning"))
    elif value.startswith(CONCEPT_NS) and _scheme_of(value) in vocab.concepts:
        scheme = vocab.concepts[_scheme_of(value)]
        if value not in scheme:
            hint = _concept_hint(value, scheme, vocab.definitions)
            message = f"{compact(value)} is not a concept of its scheme.{hint}"
            slips.append((value, message, "concept", "Violation"))
    elif value in suspects.undescribed:
        hint = suggest(value, _described_in(graph, value[: value.rfind("/") + 1]))
        hint = hint or " Describe it in the file, or point to an entity that exists."
        slips.append(
            (value, f"{compact(value)} is not described anywhere in the graph.{hint}", "entity", "Violation")
        )
    return slips


@dataclass
class _Suspects:
    """Terms that may be slips, and for those of common vocabularies the number of files using them."""

    properties: set[str] = field(default_factory=set)
    objects: set[str] = field(default_factory=set)
    undescribed: set[str] = field(default_factory=set)
    files: dict[str, int] = field(default_factory=dict)


def _suspects(graph: KnowledgeGraph, vocab: _Vocabulary) -> _Suspects:
    """The suspect terms, found by one query over the store; file counts asked once per term."""
    found = _Suspects()
    properties, objects, undescribed = found.properties, found.objects, found.undescribed
    for row in graph.select(_sparql("terms-in-use.rq")).rows:
        term, role = row["term"].value, row["role"].value
        typed_by_hand = term.startswith(VOCABULARIES)
        if role == "property" and typed_by_hand and not vocab.known_property(term):
            properties.add(term)
        elif role == "entity":
            objects.add(term)
            undescribed.add(term)
        elif (role == "class" and typed_by_hand and not vocab.known_class(term)) or (
            role == "concept" and term not in vocab.concepts.get(_scheme_of(term), {term})
        ):
            objects.add(term)
    # A common vocabulary's term used in one file only is offered a near term the model knows.
    common = {t for t in properties | objects if t.startswith(VOCABULARIES) and not t.startswith(RA)}
    found.files = {t: _files_using(graph, t) for t in common}
    return found


def unknown_terms(graph: KnowledgeGraph) -> list[Violation]:
    """Classes, properties, concepts and entities the data names but nothing defines, with suggestions.

    A query lists the terms in use; only the triples that use a suspect term are read in Python, so
    the check costs little more on a million statements than on a thousand.
    """
    vocab = _Vocabulary(graph)
    suspects = _suspects(graph, vocab)
    data = set(graph.graphs(*DATA_KINDS))
    find = graph.store.quads_for_pattern
    quads = [q for p in sorted(suspects.properties) for q in find(None, ox.NamedNode(p), None)]
    quads += [q for o in sorted(suspects.objects) for q in find(None, None, ox.NamedNode(o))]
    found: dict[tuple[str, str, str], Violation] = {}
    for quad in quads:
        s = quad.subject
        if quad.graph_name not in data or not isinstance(s, (ox.NamedNode, ox.BlankNode)):
            continue  # RDF-star quoted triples are not part of the model
        focus = s.value if isinstance(s, ox.NamedNode) else f"_:{s.value}"
        path = graph.file_of(quad.graph_name.value)
        for term, message, rule, severity in _slips(quad, vocab, graph, suspects):
            found.setdefault(
                (focus, quad.predicate.value, term),
                Violation(
                    severity=severity,
                    focus=focus,
                    label=label_of(graph.store, s),
                    path=compact(quad.predicate.value),
                    message=message,
                    shape=f"curation: unknown {rule}",
                    value=compact(term),
                    file=str(path or ""),
                    line=_locate(path, term, focus),
                ),
            )
    return list(found.values())


def duplicate_organisations(graph: KnowledgeGraph) -> list[Violation]:
    """Organisations described twice: same label (ignoring case and spacing) or Wikidata item, two IRIs.

    Shared organisations live once in data/reference/organisations.ttl; a case file that describes
    one again splits its facts over two nodes, so every copy outside the reference files is reported.
    """
    sparql = package_file("curate", "sparql", "organisations.rq").read_text(encoding="utf-8")
    by_key: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in graph.select(sparql).rows:
        organisation = row["organisation"].value
        if "label" in row:
            by_key[("label", " ".join(row["label"].value.casefold().split()))].add(organisation)
        if "wikidata" in row:
            by_key[("Wikidata item", row["wikidata"].value)].add(organisation)
    reference = {f.graph for f in graph.files if f.kind == "reference"}
    results: dict[str, Violation] = {}
    for (kind, key), iris in sorted(by_key.items()):
        if len(iris) < 2:
            continue
        shared = sorted(i for i in iris if _graph_of(graph, i) & reference)
        for iri in sorted(iris):
            if iri in shared and (len(shared) < 2 or iri == shared[0]):
                continue
            others = [o for o in sorted(iris) if o != iri]
            file = _file_of(graph, iri)
            value = key if kind == "Wikidata item" else label_of(graph.store, ox.NamedNode(iri))
            results.setdefault(
                iri,
                Violation(
                    severity="Violation",
                    focus=iri,
                    label=label_of(graph.store, ox.NamedNode(iri)),
                    path="skos:exactMatch" if kind == "Wikidata item" else "rdfs:label",
                    message=(
                        f"Duplicate organisation: {compact(iri)} has the same {kind} as "
                        f"{', '.join(compact(o) for o in others)}. Point to the existing IRI instead of "
                        "describing the organisation again (shared organisations are in "
                        "data/reference/organisations.ttl)."
                    ),
                    shape="curation: duplicate organisation",
                    value=compact(value) if kind != "label" else value,
                    file=str(file or ""),
                    line=line_of(file, iri) if file else None,
                ),
            )
    return list(results.values())


def _graph_of(graph: KnowledgeGraph, iri: str) -> set[str]:
    return {
        q.graph_name.value
        for q in graph.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(RDF_TYPE), None)
        if isinstance(q.graph_name, ox.NamedNode)
    }


def _file_of(graph: KnowledgeGraph, iri: str) -> Path | None:
    return next((p for g in sorted(_graph_of(graph, iri)) if (p := graph.file_of(g)) is not None), None)


def curation_checks(graph: KnowledgeGraph) -> list[Violation]:
    """Every curation check, sorted like the SHACL results (file, line)."""
    results = unknown_terms(graph) + duplicate_organisations(graph)
    return sorted(results, key=lambda r: (r.file, r.line or 0, r.focus, r.path, r.message))
