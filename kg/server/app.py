"""The ASGI application: routes, shared state, error pages.

``create_app(graph, settings)`` serves an already loaded graph. Query workers load the same
files again in their own processes (see :mod:`kg.server.pool`), so the graph must come from
files, as every graph from :func:`kg.load` does.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kg.answers import BuiltAnswers
from kg.errors import KGError
from kg.load import KnowledgeGraph
from kg.resources import package_file
from kg.server import deref, limits, pages, sparql, void
from kg.server.cache import AnswerCache
from kg.server.pool import WorkerPool
from kg.server.settings import Settings
from kg.server.state import ServerState, state_of, wants_html

log = logging.getLogger("kg.server")


def _templates() -> Environment:
    from kg.server import view

    env = Environment(
        loader=FileSystemLoader(package_file("server", "templates")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(view.FILTERS)
    return env


async def kg_error(request: Request, exc: Exception) -> Response:
    """Expected failures: the message, as a page for browsers and as text for programs."""
    assert isinstance(exc, KGError)
    status = exc.http_status
    headers = {"Retry-After": "2"} if status == 503 else {}
    if wants_html(request):
        response = state_of(request).render(request, "error.html", status, status=status, message=str(exc))
        response.headers.update(headers)
        return response
    return PlainTextResponse(f"{exc}\n", status_code=status, headers=headers)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = exc.detail if exc.status_code != 404 else "nothing is published at this address"
    response: Response
    if wants_html(request):
        response = state_of(request).render(
            request, "error.html", exc.status_code, status=exc.status_code, message=message
        )
    else:
        response = PlainTextResponse(f"{message}\n", status_code=exc.status_code)
    response.headers.update(exc.headers or {})
    return response


def create_app(graph: KnowledgeGraph, settings: Settings | None = None) -> Starlette:
    """The server for one loaded graph; workers start when the application starts."""
    settings = settings or Settings()
    state = ServerState(
        graph=graph,
        settings=settings,
        pool=WorkerPool(graph.files, settings),
        cache=AnswerCache(settings.cache_bytes),
        templates=_templates(),
        built=BuiltAnswers.of(settings.site, graph) if settings.site is not None else None,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await run_in_threadpool(state.pool.start)
        if not state.pool.isolated:
            log.warning("query workers are not cut off from the network; only the SERVICE check holds")
        try:
            yield
        finally:
            state.pool.close()

    routes: list[Route | Mount] = [
        Route("/", pages.home, methods=["GET", "HEAD"]),
        Route("/sparql", sparql.endpoint, methods=sparql.METHODS),
        Route("/sparql/", sparql.endpoint, methods=sparql.METHODS),
        Route("/.well-known/void", void.description, methods=["GET", "HEAD"]),
        Route("/dumps/{name}", void.dump, methods=["GET", "HEAD"]),
        Route("/queries", pages.catalogue_page, methods=["GET", "HEAD"]),
        Route("/queries/{name}", pages.saved_query, methods=["GET", "HEAD"]),
        Route("/ontology", pages.ontology, methods=["GET", "HEAD"]),
        Route("/diagrams", pages.diagrams, methods=["GET", "HEAD"]),
        Route("/diagrams/{stem}", pages.diagram, methods=["GET", "HEAD"]),
        Mount("/static", StaticFiles(directory=package_file("server", "static")), name="static"),
    ]
    if settings.site is not None:
        routes.append(Mount("/site", StaticFiles(directory=settings.site, html=True), name="site"))
    routes.append(Route("/{path:path}", deref.resource, methods=["GET", "HEAD"]))
    app = Starlette(
        routes=routes,
        middleware=limits.middleware(settings.max_body),
        exception_handlers={KGError: kg_error, HTTPException: http_error},
        lifespan=lifespan,
    )
    app.state.kg = state
    return app
