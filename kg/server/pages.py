"""Pages for people: the saved-query catalogue (a form per query, results, downloads, the query
text), the ontology documentation, the diagrams, and the home page.

Saved queries run through the core path (:func:`kg.query.run_saved`) with an engine that sends
every SELECT to the time-limited workers. Answers are cached by query and parameters.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from kg.catalogue import SavedQuery, catalogue
from kg.errors import InputError
from kg.query import run_saved
from kg.resources import package_file
from kg.results import Results
from kg.server.limits import truncation
from kg.server.pool import CappedEngine
from kg.server.state import ServerState, state_of
from kg.server.view import term_view

if TYPE_CHECKING:
    from kg.network.diagrams import Diagram

#: download suffix → (results format, media type)
DOWNLOADS = {
    "csv": ("csv", "text/csv; charset=utf-8"),
    "tsv": ("tsv", "text/tab-separated-values; charset=utf-8"),
    "json": ("json", "application/sparql-results+json"),
    "xml": ("xml", "application/sparql-results+xml"),
}
DIAGRAM_SUFFIXES = (".html", ".svg", ".png")


@dataclass(frozen=True)
class Answer:
    results: Results
    truncated: str  # the limit that cut the answer short, if any


@dataclass(frozen=True)
class Page:
    """Which rows of a saved query's answer, in the query's order: all of them when ``limit`` is None."""

    limit: int | None = None
    offset: int = 0


def _saved(name: str) -> SavedQuery:
    saved = catalogue().get(name)
    if saved is None:
        raise HTTPException(404)
    return saved


def answer(state: ServerState, name: str, params: Mapping[str, str], page: Page) -> Answer:
    engine = CappedEngine(state.pool)
    # A page within the row cap may come from the site's build; anything longer is capped by the workers.
    capped = page.limit is None or page.limit > state.settings.max_rows
    built = None if capped else state.built
    results = run_saved(engine, name, params, limit=page.limit, offset=page.offset, built=built)
    return Answer(results, engine.truncated)


async def cached_answer(state: ServerState, name: str, params: Mapping[str, str], page: Page) -> Answer:
    key = ("saved", name, tuple(sorted(params.items())), page)
    found: Answer | None = state.cache.get(key)
    if found is None:
        found = await state.querying(answer, state, name, params, page)
        state.cache.put(key, found, 2 * len(found.results.serialize("json")) + 256)
    return found


def _count(params: Mapping[str, str], name: str) -> int | None:
    """A non-negative whole number from the query string, or None when it is not given."""
    value = params.get(name)
    if value is None:
        return None
    if not value.isdigit():
        raise InputError(f"{name}={value!r}: give a whole number of rows (0 or more)")
    return int(value)


def _with(request: Request, **changes: int) -> str:
    """This request's URL with some query-string values replaced (a link to another page)."""
    return str(request.url.include_query_params(**changes))


async def home(request: Request) -> Response:
    state = state_of(request)
    return state.render(request, "home.html", queries=catalogue())


async def catalogue_page(request: Request) -> Response:
    return state_of(request).render(request, "catalogue.html", queries=catalogue())


async def saved_query(request: Request) -> Response:
    state = state_of(request)
    name: str = request.path_params["name"]
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix in DOWNLOADS:
        return await download(request, state, _saved(stem), suffix)
    saved = _saved(name)
    known = {p.name for p in saved.parameters}
    given = {k: v for k, v in request.query_params.items() if k in known and v.strip()}
    missing = [p.name for p in saved.parameters if p.required and p.name not in given]
    number = max(1, _count(request.query_params, "page") or 1)
    page = Page(state.settings.html_rows, (number - 1) * state.settings.html_rows)
    result = None if missing else await cached_answer(state, saved.name, given, page)
    downloads = str(request.url.remove_query_params("page").query)
    links = {}
    if result is not None:
        if number > 1:
            links["previous"] = _with(request, page=number - 1)
        if result.results.more:
            links["next"] = _with(request, page=number + 1)
    response = await state.blocking(  # a long table takes a while to write: off the event loop
        state.render,
        request,
        "query.html",
        saved=saved,
        given=given,
        missing=missing if given or request.query_params else [],
        result=result,
        query_string=downloads,
        page=number,
        links=links,
    )
    if result is not None:
        response.headers.update(truncation(result.truncated))
    return response


async def download(request: Request, state: ServerState, saved: SavedQuery, suffix: str) -> Response:
    """The answer as a file; parameters come from the query string, unknown ones are errors.

    ``limit`` and ``offset`` give one page of rows in the query's order; a ``Link: rel="next"``
    header then says where the next page is, known without counting the rows that follow.
    """
    fmt, media = DOWNLOADS[suffix]
    params = dict(request.query_params)
    page = Page(_count(params, "limit"), _count(params, "offset") or 0)
    for name in ("limit", "offset"):
        params.pop(name, None)
    key = ("download", saved.name, fmt, tuple(sorted(params.items())), page)
    cached: tuple[bytes, str, bool] | None = state.cache.get(key)
    if cached is None:
        result = await cached_answer(state, saved.name, params, page)
        cached = (result.results.serialize(fmt), result.truncated, bool(result.results.more))
        state.cache.put(key, cached, len(cached[0]) + 128)
    body, truncated, more = cached
    headers = {"Content-Disposition": f'inline; filename="{saved.name}.{suffix}"'}
    headers.update(truncation(truncated))
    if more:  # RFC 8288: where the rows after this page are
        headers["Link"] = f'<{_with(request, offset=page.offset + (page.limit or 0))}>; rel="next"'
    return Response(body, media_type=media, headers=headers)


def _ontology_rows(state: ServerState) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    engine = CappedEngine(state.pool)
    terms_query = package_file("server", "sparql", "ontology-terms.rq").read_text(encoding="utf-8")
    schemes_query = package_file("server", "sparql", "concept-schemes.rq").read_text(encoding="utf-8")
    terms = engine.select(terms_query).rows
    schemes = engine.select(schemes_query).rows
    return terms, schemes


def _group_terms(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Kind → terms; a term with several parents appears once, its parents listed."""
    kinds: dict[str, dict[str, dict[str, Any]]] = {}
    for row in rows:
        term = row["term"]
        entry = kinds.setdefault(str(row["kind"].value), {}).setdefault(
            term.value,
            {
                "anchor": term.value.rpartition("#")[2],
                "label": row["label"].value if "label" in row else "",
                "definition": row["definition"].value if "definition" in row else "",
                "parents": {},
                "domains": {},
                "ranges": {},
            },
        )
        for column, bucket in (("parent", "parents"), ("domain", "domains"), ("range", "ranges")):
            if column in row:
                entry[bucket][row[column].value] = term_view(row[column])
    return {kind: list(terms.values()) for kind, terms in sorted(kinds.items())}


def _group_schemes(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    schemes: dict[str, dict[str, Any]] = {}
    for row in rows:
        scheme = row["scheme"]
        entry = schemes.setdefault(
            scheme.value,
            {
                "view": term_view(scheme, row["schemeTitle"].value if "schemeTitle" in row else None),
                "concepts": {},
            },
        )
        if "concept" in row:
            concept = row["concept"]
            label = row["label"].value if "label" in row else None
            entry["concepts"].setdefault(
                concept.value,
                {
                    "view": term_view(concept, label),
                    "broader": term_view(row["broader"]) if "broader" in row else None,
                },
            )
    return [{"view": s["view"], "concepts": list(s["concepts"].values())} for s in schemes.values()]


async def ontology(request: Request) -> Response:
    state = state_of(request)
    key = ("ontology-page",)
    grouped = state.cache.get(key)
    if grouped is None:
        terms, schemes = await state.querying(_ontology_rows, state)
        grouped = (_group_terms(terms), _group_schemes(schemes))
        state.cache.put(key, grouped, 1024 * (len(terms) + len(schemes)))
    kinds, schemes = grouped
    return state.render(request, "ontology.html", kinds=kinds, schemes=schemes)


def _network_diagrams(state: ServerState) -> tuple[dict[str, Diagram], str | None]:
    """Stem → diagram, drawn once from the graph (through the workers) by kg.network, and a note.

    The note (:func:`kg.network.diagrams.ego_note`) says when some organisations have no ego diagram.
    """

    def draw() -> tuple[dict[str, Diagram], str | None]:
        if importlib.util.find_spec("kg.network") is None:
            return {}, None
        from kg.network.diagrams import all_diagrams, ego_note
        from kg.network.projection import project

        network = project(CappedEngine(state.pool))
        return dict(all_diagrams(network)), ego_note(network)

    return state.diagrams.get(draw)


def _site_diagrams(state: ServerState) -> list[str]:
    """Diagrams a build wrote into the served site folder, as paths relative to it."""
    site = state.settings.site
    folder = site / "diagrams" if site is not None else None
    if site is None or folder is None or not folder.is_dir():
        return []
    return [p.relative_to(site).as_posix() for p in sorted(folder.rglob("*")) if p.suffix in DIAGRAM_SUFFIXES]


async def diagrams(request: Request) -> Response:
    state = state_of(request)
    drawn, note = await state.querying(_network_diagrams, state)
    listed = [(stem, getattr(d, "title", stem)) for stem, d in drawn.items()]
    return state.render(request, "diagrams.html", drawn=listed, note=note, files=_site_diagrams(state))


async def diagram(request: Request) -> Response:
    """One diagram page (self-contained HTML with its script inline; served sandboxed)."""
    state = state_of(request)
    stem: str = request.path_params["stem"]
    key = ("diagram", stem)
    html: str | None = state.cache.get(key)
    if html is None:
        drawn, _ = await state.querying(_network_diagrams, state)
        if stem not in drawn:
            raise HTTPException(404)
        from kg.network.diagrams import render_html

        html = await state.blocking(render_html, drawn[stem])
        state.cache.put(key, html, len(html))
    return HTMLResponse(html)
