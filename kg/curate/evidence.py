"""Evidence phrases checked against the source text the curator keeps beside the case.

Every ``oa:exact`` phrase of a curator's case file must occur verbatim (whitespace collapsed) in
the text of its source document: ``sources/SLUG.txt`` in the workspace (SLUG being the case file's
name), or a local copy named in the case file by a comment line ``# Source text: PATH`` (relative
to the case file). Without a source text, the case gets one warning saying how to add one. Shipped
cases are not checked here: their source texts are not shipped (tests/test_data.py checks them).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from kg.load import KnowledgeGraph, LoadedFile
from kg.report import Violation

OA_EXACT = "http://www.w3.org/ns/oa#exact"
RA_EVIDENCE = "https://w3id.org/refugee-access/def#evidence"
#: A comment in a case file naming its local copy of the source text.
NAMED_COPY = re.compile(r"^#\s*Source text:\s*(\S.*?)\s*$", re.I | re.M)
SUFFIXES = (".txt", ".md")


def collapse(text: str) -> str:
    """Runs of whitespace (line breaks included) as one space: layout is not part of a quotation."""
    return " ".join(text.split())


def source_text_of(file: LoadedFile) -> Path | None:
    """The source text for a case file: the copy it names, else sources/STEM.txt near it."""
    try:
        named = NAMED_COPY.search(file.path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        named = None
    if named:
        return (file.path.parent / named.group(1)).resolve()
    from kg.workspace import find

    workspace = find(file.path.parent)
    folders = [workspace.sources] if workspace is not None else []
    folders += [file.path.parent / "sources", file.path.parent.parent / "sources"]
    for folder in folders:
        for suffix in SUFFIXES:
            if (folder / (file.path.stem + suffix)).is_file():
                return folder / (file.path.stem + suffix)
    return None


def _line(path: Path, phrase: str) -> int | None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if phrase in line:
            return number
    return None


def check_evidence(graph: KnowledgeGraph) -> list[Violation]:
    """One violation per phrase not found in the source text; one warning per case without a text."""
    results: list[Violation] = []
    for file in graph.files:
        if file.kind not in ("case", "extra") or file.origin == "shipped" or file.graph is None:
            continue
        name = ox.NamedNode(file.graph)
        phrases = [
            (q.subject, q.object.value)
            for q in graph.store.quads_for_pattern(None, ox.NamedNode(OA_EXACT), None, name)
        ]
        if not phrases:
            continue
        text_path = source_text_of(file)
        if text_path is None or not text_path.is_file():
            named = f" (the file names {text_path}, which does not exist)" if text_path else ""
            results.append(
                Violation(
                    severity="Warning",
                    focus=file.graph,
                    label=file.path.name,
                    path="oa:exact",
                    message=(
                        f"No source text to check the {len(phrases)} evidence phrase(s) against{named}. "
                        f"Save the text of the source document as sources/{file.path.stem}.txt in the "
                        "workspace, or name a local copy with a line '# Source text: PATH' in the case file."
                    ),
                    shape="curation: evidence",
                    file=str(file.path),
                    line=None,
                )
            )
            continue
        source = collapse(text_path.read_text(encoding="utf-8"))
        for selector, phrase in phrases:
            if collapse(phrase) in source:
                continue
            owners = list(graph.store.quads_for_pattern(None, ox.NamedNode(RA_EVIDENCE), selector, name))
            owner = owners[0].subject if owners else selector
            focus = owner.value if isinstance(owner, ox.NamedNode) else f"_:{owner.value}"
            results.append(
                Violation(
                    severity="Violation",
                    focus=focus,
                    label=_label(graph, owner),
                    path="ra:evidence",
                    message=(
                        f'The evidence phrase "{phrase}" is not in the source text {text_path.name} '
                        "(compared with whitespace collapsed). Copy the phrase exactly as the source "
                        "writes it, with the same quotation marks and dashes."
                    ),
                    shape="curation: evidence",
                    value=phrase,
                    file=str(file.path),
                    line=_line(file.path, phrase),
                )
            )
    return results


def _label(graph: KnowledgeGraph, node: ox.NamedNode | ox.BlankNode | ox.Triple) -> str:
    if not isinstance(node, ox.NamedNode):
        return "(evidence)"
    label = next(
        graph.store.quads_for_pattern(node, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), None),
        None,
    )
    return label.object.value if label is not None else node.value
