"""Content negotiation: which serialization a client gets, from ``Accept`` or a ``format`` parameter.

Each kind of answer offers its formats in the server's order of preference; the first is the
default for ``*/*`` and for clients that send no ``Accept``. HTML is given only when asked for by
name, so that programs sending ``*/*`` get data.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.errors import KGError

#: format key → media type, server preference first
SELECT = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "html": "text/html",
}
BOOLEAN = {k: v for k, v in SELECT.items() if k in ("json", "xml", "html")}
GRAPH = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "html": "text/html",
}
#: Extra names clients use for the same formats.
ALIASES = {
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/plain": "ntriples",
    "application/x-turtle": "turtle",
    "application/xhtml+xml": "html",
    "ttl": "turtle",
    "nt": "ntriples",
    "json-ld": "jsonld",
    "rdf": "rdfxml",
    "xml-rdf": "rdfxml",
}
RESULT_FORMATS = {
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
_MEDIA = {**SELECT, **GRAPH}
_TEXT = {"text/csv", "text/tab-separated-values", "text/turtle", "text/html"}


class NotAcceptable(KGError):
    http_status = 406


def media_type(fmt: str) -> str:
    """The Content-Type header for a format key (charset for the text types)."""
    media = _MEDIA[fmt]
    return f"{media}; charset=utf-8" if media in _TEXT else media


def parse_accept(header: str) -> list[tuple[str, float, int]]:
    """``Accept`` as (media range, quality, position), parameters other than q dropped."""
    ranges = []
    for position, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        quality = 1.0
        for field in fields[1:]:
            name, _, value = field.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append((fields[0].lower(), quality, position))
    return ranges


def _quality(media: str, ranges: list[tuple[str, float, int]]) -> tuple[float, int]:
    """Quality of one media type: the most specific matching range decides (RFC 9110)."""
    best: tuple[int, float, int] | None = None
    kind = media.split("/")[0]
    for given, quality, position in ranges:
        specificity = 3 if given == media else 2 if given == f"{kind}/*" else 1 if given == "*/*" else 0
        if specificity and (best is None or specificity > best[0]):
            best = (specificity, quality, position)
    if best is None:
        return 0.0, 0
    return best[1], best[0]


def choose(offers: dict[str, str], accept: str, fmt: str | None = None) -> str:
    """The format key to answer with; a ``format`` parameter wins over ``Accept``."""
    if fmt:
        key = ALIASES.get(fmt.lower(), fmt.lower())
        key = next((k for k, v in offers.items() if v == key), key)
        if key not in offers:
            raise NotAcceptable(f"format {fmt!r} is not available here; use one of {', '.join(offers)}")
        return key
    if not accept.strip():
        return next(iter(offers))
    ranges = parse_accept(accept)
    candidates = []
    for order, (key, media) in enumerate(offers.items()):
        names = [media, *(alias for alias, k in ALIASES.items() if k == key and "/" in alias)]
        quality, specificity = max(_quality(name, ranges) for name in names)
        if key == "html" and specificity < 3:
            continue
        if quality > 0:
            candidates.append((-quality, order, key))
    if not candidates:
        raise NotAcceptable(f"none of the accepted types is available; offered: {', '.join(offers.values())}")
    return min(candidates)[2]
