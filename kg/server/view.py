"""How RDF terms appear on pages: IRIs of the dataset link to this server, other web IRIs link out,
and every label is text (the templates escape it; nothing here builds markup).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

from kg.namespaces import BASE, compact


@dataclass(frozen=True)
class TermView:
    text: str
    href: str | None = None
    kind: str = "literal"  # iri, bnode, literal
    note: str = ""  # language tag or datatype


def local_href(iri: str) -> str | None:
    """The server path of a dataset IRI (the persistent namespace maps onto the server's root)."""
    if not iri.startswith(BASE):
        return None
    rest = iri[len(BASE) :]
    path, hash_, fragment = rest.partition("#")
    return (
        "/" + quote(path, safe="/:@!$&'()*+,;=-._~") + (hash_ + quote(fragment, safe="-._~") if hash_ else "")
    )


def safe_href(iri: str) -> str | None:
    """A link target for an IRI: a local path, or the IRI itself when it is http(s); never a script."""
    local = local_href(iri)
    if local is not None:
        return local
    return iri if iri.lower().startswith(("http://", "https://")) else None


def term_view(term: Any, label: str | None = None) -> TermView:
    if isinstance(term, ox.NamedNode):
        return TermView(label or compact(term.value), safe_href(term.value), "iri")
    if isinstance(term, ox.BlankNode):
        return TermView(label or "(unnamed node)", None, "bnode")
    if isinstance(term, ox.Literal):
        note = term.language or compact(term.datatype.value)
        return TermView(term.value, None, "literal", "" if note == "xsd:string" else note)
    if term is None:
        return TermView("")
    return TermView(str(term))


def curie(iri: str) -> str:
    return compact(iri)


FILTERS = {"term": term_view, "curie": curie, "local_href": local_href}
