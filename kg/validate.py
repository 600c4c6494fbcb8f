"""SHACL validation with pySHACL, with a report a curator can act on.

The data graphs (cases, reference, external, extra files) are validated against the shapes,
with the ontology and concept schemes given to pySHACL as ``ont_graph`` so that class targets
reach subclasses and concept checks see the schemes. Nothing is fetched: ``owl:imports`` is off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.load import DATA_KINDS, KnowledgeGraph

SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True)
class Violation:
    """One validation result, located: the file and line, the entity, the property, the rule."""

    severity: str  # Violation, Warning, Info
    focus: str
    label: str
    path: str
    message: str
    shape: str
    value: str = ""
    file: str = ""
    line: int | None = None

    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.file and self.line else self.file or "(unknown file)"


@dataclass
class ValidationReport:
    """The outcome: conforms or not, and every result (never only the first)."""

    conforms: bool
    results: list[Violation] = field(default_factory=list)

    @property
    def violations(self) -> list[Violation]:
        return [r for r in self.results if r.severity == "Violation"]

    def text(self) -> str:
        """Plain text, one block per result, for terminals and logs."""
        if not self.results:
            return "Conforms: the data satisfies every shape."
        blocks = [f"{'Conforms' if self.conforms else 'Does not conform'}: {len(self.results)} result(s)"]
        for r in self.results:
            blocks.append(
                f"{r.severity}: {r.where()}\n  entity: {r.label} <{r.focus}>\n  property: {r.path or '-'}"
                + (f"\n  value: {r.value}" if r.value else "")
                + f"\n  {r.message}\n  rule: {r.shape}"
            )
        return "\n".join(blocks)


def _line_of(path: Path, iri: str) -> int | None:
    """The first line of a Turtle file that names the entity as a subject (full IRI or prefixed name)."""
    local = re.split(r"[/#]", iri)[-1]
    if not local:
        return None
    pattern = re.compile(rf"^\s*(<{re.escape(iri)}>|[\w-]*:{re.escape(local)})(\s|$)")
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.match(line):
                return number
    except (OSError, UnicodeDecodeError):
        return None
    return None


def _locate(graph: KnowledgeGraph, focus: str) -> tuple[str, str, int | None]:
    """Label, file and line of a focus node, read from the store."""
    if focus.startswith("_:"):
        return focus, "", None
    node = ox.NamedNode(focus)
    label = next(
        (q.object.value for q in graph.store.quads_for_pattern(node, ox.NamedNode(RDFS_LABEL), None)), ""
    )
    for quad in graph.store.quads_for_pattern(node, None, None):
        if isinstance(quad.graph_name, ox.NamedNode):
            path = graph.file_of(quad.graph_name.value)
            if path is not None:
                return label or focus, str(path), _line_of(path, focus)
    return label or focus, "", None


RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def validate(graph: KnowledgeGraph) -> ValidationReport:
    """Validate the data graphs of a loaded graph against its shapes.

    >>> report = validate(load())
    >>> report.conforms
    True
    """
    import pyshacl
    import rdflib

    data = graph.to_rdflib(*DATA_KINDS)
    shapes = graph.to_rdflib("shapes")
    ontology = graph.to_rdflib("ontology", "concepts")
    conforms, report, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=True,
        do_owl_imports=False,
    )
    if not isinstance(report, rdflib.Graph):  # pySHACL reports broken shapes this way
        raise InputError(f"the SHACL shapes cannot be used: {report}")
    sh = rdflib.Namespace(SH)
    results = []
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):

        def one(prop: rdflib.URIRef, result: rdflib.term.Node = result) -> str:
            value = report.value(result, prop)
            return "" if value is None else str(value)

        focus = report.value(result, sh.focusNode)
        focus_text = f"_:{focus}" if isinstance(focus, rdflib.BNode) else str(focus)
        label, file, line = _locate(graph, focus_text)
        results.append(
            Violation(
                severity=one(sh.resultSeverity).removeprefix(SH),
                focus=focus_text,
                label=label,
                path=_compact(one(sh.resultPath)),
                message=one(sh.resultMessage),
                shape=_compact(one(sh.sourceShape)),
                value=one(sh.value),
                file=file,
                line=line,
            )
        )
    results.sort(key=lambda r: (r.file, r.line or 0, r.focus, r.path, r.message))
    return ValidationReport(bool(conforms), results)


def _compact(iri: str) -> str:
    from kg.namespaces import compact

    return compact(iri) if iri.startswith("http") else iri
