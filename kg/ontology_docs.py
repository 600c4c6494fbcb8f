"""The ontology's documentation page (pyLODE), kept ready-made for the shipped ontology.

pyLODE takes about a second, a third of a cold build of the shipped graph on two cores, yet the
page changes only when the ontology does. So the page of the shipped ontology is committed beside
it (``ontology/refugee-access.html``), its last line naming the digest of the files it documents,
and a build copies it when the graph's ontology files digest the same. Any other ontology (a
workspace's revision of it) is documented by pyLODE as the build runs. A test checks that the
committed page is current; regenerate it with ``python -m kg.ontology_docs``.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kg.resources import ontology_dir

if TYPE_CHECKING:
    from kg.load import KnowledgeGraph

#: The kind of loaded file the page documents (kg.load): the ontology, not its schemes or shapes.
KIND = "ontology"
#: The last line of a page: an HTML comment with the digest of the files it was made from.
MARK = "<!-- documents ontology files with sha256 {} -->\n"


def shipped_page() -> Path:
    return ontology_dir() / "refugee-access.html"


def digest(graph: KnowledgeGraph) -> str:
    """The digest of the ontology files ``graph`` was loaded from (names and bytes, in name order)."""
    found = hashlib.sha256()
    for path in sorted((f.path for f in graph.files if f.kind == KIND), key=lambda p: p.name):
        found.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return found.hexdigest()


def render(graph: KnowledgeGraph) -> str:
    """The page, made by pyLODE from the graph's ontology, with its digest as the last line."""
    import logging

    from pylode import OntPub

    logging.getLogger().setLevel(logging.WARNING)  # pyLODE turns the root logger up at import
    html = OntPub(ontology=graph.to_rdflib(KIND)).make_html()
    return html.rstrip("\n") + "\n" + MARK.format(digest(graph))


def is_current(page: Path, graph: KnowledgeGraph) -> bool:
    """Whether ``page`` documents exactly the ontology files ``graph`` was loaded from."""
    try:
        text = page.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return text.endswith(MARK.format(digest(graph)))


def write(graph: KnowledgeGraph, path: Path) -> None:
    """Write ``graph``'s ontology page to ``path``: the shipped page if it documents the same files."""
    if is_current(shipped_page(), graph):
        shutil.copyfile(shipped_page(), path)
    else:
        path.write_text(render(graph), encoding="utf-8")


def main() -> int:
    from kg.load import load

    target = shipped_page()
    target.write_text(render(load(workspace=None)), encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
