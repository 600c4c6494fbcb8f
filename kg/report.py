"""The validation report: what a curator reads, whichever engine or check found the result.

A result is located (file, line, entity label) from the loaded graph, so that every engine's
findings and the curation hints read alike. The report is written as text, as JSON, or as a
standard SHACL ``sh:ValidationReport`` graph (``to_turtle``) that other SHACL tools read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pyoxigraph as ox

from kg.namespaces import RDF_TYPE, RDFS, RDFS_LABEL, REPORT, SH, XSD, compact, expand

if TYPE_CHECKING:
    from kg.load import KnowledgeGraph


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
    component: str = ""  # the SHACL constraint component's IRI; '' for a curation check

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


def label_of(store: ox.Store, node: ox.NamedNode | ox.BlankNode) -> str:
    """The label a report shows for an entity: English first, then untagged, then any; else its CURIE.

    Reports are in English; labels in other languages are kept for readers of the source's language.
    """
    if isinstance(node, ox.BlankNode):
        return f"_:{node.value}"
    labels = [q.object for q in store.quads_for_pattern(node, ox.NamedNode(RDFS_LABEL), None)]
    labels.sort(
        key=lambda t: (getattr(t, "language", None) != "en", bool(getattr(t, "language", None)), t.value)
    )
    return labels[0].value if labels else compact(node.value)


@cache
def _subject_lines(path: Path, mtime: float) -> dict[str, int]:
    """First line naming each subject (``<iri>`` or ``local:NAME``), read once per file version."""
    first: dict[str, int] = {}
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                match = _SUBJECT.match(line)
                if match:
                    token = match.group(1)
                    key = token if token.startswith("<") else "local:" + token.partition(":")[2]
                    first.setdefault(key, number)
    except (OSError, UnicodeDecodeError):
        return {}
    return first


_SUBJECT = re.compile(r"^\s*(<[^>\s]+>|[\w-]*:[\w.-]*)(?=\s|$)")


def line_of(path: Path, iri: str) -> int | None:
    """The first line of a Turtle file that names the entity as a subject (full IRI or prefixed name)."""
    local = re.split(r"[/#]", iri)[-1]
    if not local:
        return None
    try:
        index = _subject_lines(path, path.stat().st_mtime)
    except OSError:
        return None
    found = [n for n in (index.get(f"<{iri}>"), index.get("local:" + local)) if n is not None]
    return min(found) if found else None


def locate(graph: KnowledgeGraph, focus: str, path: str = "") -> tuple[str, str, int | None]:
    """Label, file and line of a focus node, read from the store.

    The line is that of the offending statement (the property ``path`` within the entity's block)
    where the file has it, else the entity's first line. A blank node (an evidence selector) is
    found through the statement that points to it.
    """
    if focus.startswith("_:"):
        return _locate_blank(graph, focus)
    node = ox.NamedNode(focus)
    label = label_of(graph.store, node)
    for quad in graph.store.quads_for_pattern(node, None, None):
        if isinstance(quad.graph_name, ox.NamedNode):
            file = graph.file_of(quad.graph_name.value)
            if file is not None:
                line = line_of(file, focus)
                return label, str(file), _statement_line(file, line, path) or line
    return label, "", None


def _locate_blank(graph: KnowledgeGraph, focus: str) -> tuple[str, str, int | None]:
    """A blank node's file, and the line of its quoted phrase (oa:exact) or of the statement naming it."""
    node = ox.BlankNode(focus[2:])
    for quad in graph.store.quads_for_pattern(None, None, node):
        if not isinstance(quad.graph_name, ox.NamedNode) or not isinstance(quad.subject, ox.NamedNode):
            continue
        file = graph.file_of(quad.graph_name.value)
        if file is None:
            continue
        exact = next(graph.store.quads_for_pattern(node, ox.NamedNode(OA_EXACT), None), None)
        line = _text_line(file, exact.object.value) if exact is not None else None
        if line is None:
            line = _statement_line(file, line_of(file, quad.subject.value), quad.predicate.value)
        return focus, str(file), line
    return focus, "", None


@cache
def _file_lines(path: Path, mtime: float) -> tuple[str, ...]:
    """A file's lines, read once per file version (many results point into the same file)."""
    try:
        return tuple(path.read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return ()


def _lines(path: Path) -> tuple[str, ...]:
    try:
        return _file_lines(path, path.stat().st_mtime)
    except OSError:
        return ()


def _text_line(path: Path, text: str) -> int | None:
    """The first line of a file that holds ``text`` (a quoted phrase)."""
    return next((n for n, line in enumerate(_lines(path), start=1) if text and text in line), None)


def _statement_line(path: Path, start: int | None, predicate: str) -> int | None:
    """The line within the entity's block (from ``start`` to its closing '.') that uses ``predicate``."""
    if start is None or not predicate.startswith("http"):
        return None
    local = re.escape(re.split(r"[/#]", predicate)[-1])
    pattern = re.compile(rf"(<{re.escape(predicate)}>|(^|\s)[\w-]*:{local})(?![\w-])")
    lines = _lines(path)
    for number in range(start - 1, len(lines)):
        code = lines[number].split(" #", 1)[0].rstrip()
        if not code.lstrip().startswith("#") and pattern.search(code):
            return number + 1
        if code.endswith(" .") or code == ".":
            return None
    return None


OA_EXACT = "http://www.w3.org/ns/oa#exact"


def to_turtle(report: ValidationReport) -> bytes:
    """The report as a standard SHACL ``sh:ValidationReport`` graph in Turtle, for other SHACL tools.

    Each result has SHACL's focus node, severity, path (when it is one property), value, message,
    source shape and constraint component; file, line, the entity's label and the rule's readable
    name are added with the terms of docs/validation.md (``report:file``, ``report:line``, …).
    A curation check has no SHACL shape: its component is ``report:CurationCheck``.
    """
    Node = ox.NamedNode | ox.BlankNode
    head: list[ox.Triple] = []  # the report, then each result, then the anonymous shapes: read in order
    body: list[ox.Triple] = []
    shapes: dict[str, ox.BlankNode] = {}

    def add(into: list[ox.Triple], subject: Node, predicate: str, value: Node | ox.Literal) -> None:
        into.append(ox.Triple(subject, ox.NamedNode(predicate), value))

    curation, integer = ox.NamedNode(REPORT + "CurationCheck"), ox.NamedNode(XSD + "integer")
    root = ox.BlankNode("report")
    boolean = ox.Literal(str(report.conforms).lower(), datatype=ox.NamedNode(XSD + "boolean"))
    add(head, root, RDF_TYPE, ox.NamedNode(SH + "ValidationReport"))
    add(head, root, SH + "conforms", boolean)
    for number, r in enumerate(report.results, start=1):
        result = ox.BlankNode(f"result{number}")
        add(head, root, SH + "result", result)
        add(body, result, RDF_TYPE, ox.NamedNode(SH + "ValidationResult"))
        add(body, result, SH + "resultSeverity", ox.NamedNode(SH + r.severity))
        add(body, result, SH + "focusNode", _node(r.focus))
        path = _iri(r.path)
        if path is not None:
            add(body, result, SH + "resultPath", path)
        if r.value:
            add(body, result, SH + "value", _iri(r.value) or ox.Literal(r.value))
        add(body, result, SH + "resultMessage", ox.Literal(r.message))
        # An anonymous shape, or a curation check, is a blank node that carries its readable name.
        shape: Node | None = _iri(r.shape)
        if shape is None:
            shape = shapes.setdefault(r.shape, ox.BlankNode(f"shape{len(shapes) + 1}"))
        add(body, result, SH + "sourceShape", shape)
        component = ox.NamedNode(r.component) if r.component else curation
        add(body, result, SH + "sourceConstraintComponent", component)
        add(body, result, REPORT + "shapeName", ox.Literal(r.shape))
        add(body, result, REPORT + "focusLabel", ox.Literal(r.label))
        if r.file:
            add(body, result, REPORT + "file", ox.Literal(r.file))
        if r.line:
            add(body, result, REPORT + "line", ox.Literal(str(r.line), datatype=integer))
    for name, node in shapes.items():
        add(body, node, RDFS_LABEL, ox.Literal(name))
    triples = head + body
    names = {"sh": SH, "report": REPORT, "rdfs": RDFS, "xsd": XSD}
    return cast(bytes, ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=names))


def _node(text: str) -> ox.NamedNode | ox.BlankNode:
    """A focus node as the report names it: ``_:label`` or an IRI."""
    return ox.BlankNode(text[2:]) if text.startswith("_:") else ox.NamedNode(text)


def _iri(text: str) -> ox.NamedNode | None:
    """The IRI a report's text names (a full IRI or a CURIE of the shipped prefixes), or None."""
    if not text or " " in text:
        return None
    iri = text if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I) else expand(text)
    if iri is None:
        return None
    try:
        return ox.NamedNode(iri)
    except ValueError:
        return None
