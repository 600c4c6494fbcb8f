"""What request handlers share, and the small functions every handler needs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from jinja2 import Environment
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse

from kg import __version__
from kg.load import KnowledgeGraph
from kg.server import negotiate
from kg.server.admission import QUICK
from kg.server.cache import AnswerCache
from kg.server.pool import WorkerPool
from kg.server.settings import Settings

T = TypeVar("T")


@dataclass
class ServerState:
    """What the handlers share: the graph (for dumps and statistics), the workers, the cache, templates."""

    graph: KnowledgeGraph
    settings: Settings
    pool: WorkerPool
    cache: AnswerCache[Any]
    templates: Environment
    memo: dict[str, Any] = field(default_factory=dict)

    async def blocking(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run blocking work (a serialization, a long page) in a thread, off the event loop."""
        return await run_in_threadpool(function, *args, **kwargs)

    async def querying(self, function: Callable[..., T], *args: Any) -> T:
        """Run blocking work that sends queries to the workers, once the quick lane admits it."""
        async with self.pool.lanes[QUICK].admit():
            return await run_in_threadpool(function, *args)

    def render(self, request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        html = self.templates.get_template(template).render(
            request=request, version=__version__, settings=self.settings, **context
        )
        return HTMLResponse(html, status_code=status_code)


def state_of(request: Request) -> ServerState:
    state: ServerState = request.app.state.kg
    return state


def wants_html(request: Request) -> bool:
    try:
        return (
            negotiate.choose({"text": "text/plain", "html": "text/html"}, request.headers.get("accept", ""))
            == "html"
        )
    except negotiate.NotAcceptable:
        return False
