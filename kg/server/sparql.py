"""The SPARQL 1.1 Protocol endpoint (query operation only; the store is read-only).

GET with ``query=``, POST with a form, POST with the query as the body. The protocol's
``default-graph-uri``/``named-graph-uri`` choose among the store's own named graphs; nothing is
ever fetched. With no query the endpoint describes itself (SPARQL 1.1 Service Description), or
shows a query form to a browser.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from kg.errors import InputError, KGError, QueryError
from kg.resources import package_file
from kg.server import negotiate
from kg.server.admission import lane_of
from kg.server.guard import check_depth
from kg.server.limits import truncation
from kg.server.state import ServerState, state_of, wants_html
from kg.server.worker import Answer, ProtocolJob

METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"


class MethodNotAllowed(KGError):
    http_status = 405


class UnsupportedMediaType(KGError):
    http_status = 415


def _pairs(raw: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(raw, keep_blank_values=True, strict_parsing=False, errors="strict")
    except UnicodeDecodeError:
        raise InputError("the parameters are not valid UTF-8") from None


def _charset_ok(content_type: str) -> bool:
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            return False
    return True


async def read_request(request: Request) -> tuple[str | None, list[tuple[str, str]]]:
    """The query text (None when absent) and every protocol parameter, as the protocol defines them."""
    method = request.method
    if method not in ("GET", "HEAD", "POST"):
        raise MethodNotAllowed(f"{method} is not a SPARQL query operation; use GET or POST")
    params = _pairs(request.url.query)
    body_query: str | None = None
    if method == "POST":
        content_type = request.headers.get("content-type", "")
        media = content_type.split(";")[0].strip().lower()
        body = await request.body()
        if not _charset_ok(content_type):
            raise UnsupportedMediaType("the request body must be UTF-8")
        if media == FORM:
            try:
                params += _pairs(body.decode("utf-8"))
            except UnicodeDecodeError:
                raise InputError("the form is not valid UTF-8") from None
        elif media == DIRECT:
            try:
                body_query = body.decode("utf-8")
            except UnicodeDecodeError:
                raise InputError("the query is not valid UTF-8") from None
        elif media == "application/sparql-update":
            raise QueryError("SPARQL Update is not accepted: this endpoint is read-only")
        elif not media:
            raise UnsupportedMediaType(f"a POST needs a Content-Type: {FORM} or {DIRECT}")
        else:
            raise UnsupportedMediaType(f"Content-Type {media!r} is not accepted; use {FORM} or {DIRECT}")
    names = [name for name, _ in params]
    if "update" in names or "using-graph-uri" in names or "using-named-graph-uri" in names:
        raise QueryError("SPARQL Update is not accepted: this endpoint is read-only")
    queries = [value for name, value in params if name == "query"]
    if body_query is not None:
        queries.append(body_query)
    if len(queries) > 1:
        raise QueryError("give exactly one query")
    return (queries[0] if queries else None), params


async def endpoint(request: Request) -> Response:
    state = state_of(request)
    if request.method == "OPTIONS":
        return Response(status_code=204, headers={"Allow": "GET, HEAD, POST, OPTIONS"})
    try:
        query, params = await read_request(request)
    except MethodNotAllowed as err:
        return Response(
            f"{err}\n", 405, headers={"Allow": "GET, HEAD, POST, OPTIONS"}, media_type="text/plain"
        )
    formats = [value for name, value in params if name == "format"]
    if query is None:
        if request.method == "POST":
            raise QueryError("no query given: send query=... or a SPARQL query body")
        return await service_description(request, state, formats[0] if formats else None)
    check_depth(query)  # before any worker: deep nesting overflows the parser's stack
    job = ProtocolJob(
        query=query,
        default_graphs=tuple(_iris(params, "default-graph-uri")),
        named_graphs=tuple(_iris(params, "named-graph-uri")),
        accept=request.headers.get("accept", ""),
        format=formats[0] if formats else None,
        base_iri=_base(request) + "sparql",
    )
    key = ("protocol", job)
    answer: Answer | None = state.cache.get(key)
    if answer is None:
        answer = await state.pool.run_admitted(job, lane_of(query))
        state.cache.put(key, answer, len(answer.body) + len(query))
    if answer.media_type.startswith("text/html"):  # a page of rows: rendered off the event loop
        return await state.blocking(render_results, request, state, query, answer)
    headers = {"Vary": "Accept", **truncation(answer.truncated)}
    return Response(answer.body, media_type=answer.media_type, headers=headers)


def _iris(params: list[tuple[str, str]], name: str) -> list[str]:
    values = [value for key, value in params if key == name]
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError:
            raise InputError(f"{name}={value!r} is not an IRI") from None
    return values


def render_results(request: Request, state: ServerState, query: str, answer: Answer) -> Response:
    """A result table for people (the JSON answer the worker gave for ``text/html``)."""
    from kg.results import Results

    results = Results.from_json(answer.body)
    formats = ("csv", "tsv", "json", "xml") if answer.form != "graph" else ("turtle", "ntriples", "jsonld")
    downloads = {fmt: "/sparql?" + urlencode({"query": query, "format": fmt}) for fmt in formats}
    response = state.render(
        request, "sparql.html", query=query, results=results, truncated=answer.truncated, downloads=downloads
    )
    response.headers.update({"Vary": "Accept", **truncation(answer.truncated)})
    return response


def _base(request: Request) -> str:
    """The server's own address for descriptions; a Host header that is not a valid IRI is ignored."""
    base = str(request.base_url)
    try:
        ox.NamedNode(base)
    except ValueError:
        base = "http://localhost/"
    return base


def describe_service(state: ServerState, base: str) -> list[ox.Triple]:
    """The service description: the shipped template plus the dataset's graphs."""
    text = package_file("server", "rdf", "service.ttl").read_text(encoding="utf-8")
    triples = [q.triple for q in ox.parse(text, format=ox.RdfFormat.TURTLE, base_iri=base)]
    sd = "http://www.w3.org/ns/sparql-service-description#"
    service = ox.NamedNode(base + "sparql")
    dataset = ox.BlankNode("dataset")
    triples.append(ox.Triple(service, ox.NamedNode(sd + "defaultDataset"), dataset))
    for graph in state.graph.graphs():
        entry = ox.BlankNode()
        triples += [
            ox.Triple(dataset, ox.NamedNode(sd + "namedGraph"), entry),
            ox.Triple(entry, ox.NamedNode(sd + "name"), graph),
        ]
    return triples


async def service_description(request: Request, state: ServerState, fmt: str | None) -> Response:
    if fmt is None and wants_html(request):
        return state.render(request, "sparql.html", query=None, results=None, truncated="", downloads={})
    key = negotiate.choose(
        {k: v for k, v in negotiate.GRAPH.items() if k != "html"}, request.headers.get("accept", ""), fmt
    )
    triples = describe_service(state, _base(request))
    body = ox.serialize(
        triples, format=negotiate.RDF_FORMATS[key], prefixes=_sd_prefixes() if key == "turtle" else None
    )
    return Response(body, media_type=negotiate.media_type(key), headers={"Vary": "Accept"})


def _sd_prefixes() -> dict[str, str]:
    return {
        "sd": "http://www.w3.org/ns/sparql-service-description#",
        "formats": "http://www.w3.org/ns/formats/",
        "void": "http://rdfs.org/ns/void#",
        "dcterms": "http://purl.org/dc/terms/",
    }
