"""What request handlers share, and the small functions every handler needs."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

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

if TYPE_CHECKING:
    from kg.answers import BuiltAnswers
    from kg.network.diagrams import Diagram
    from kg.server.void import Statistics

T = TypeVar("T")


class Once(Generic[T]):
    """A value made on first use and kept: the store is read-only while the server runs.

    Requests arriving together wait for the first one to make it, rather than each making its own
    copy (a dump of a large graph is big enough that two at once would matter).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value: T | None = None

    def get(self, make: Callable[[], T]) -> T:
        with self._lock:
            if self._value is None:
                self._value = make()
            return self._value


@dataclass
class ServerState:
    """What the handlers share: the graph (for dumps and statistics), the workers, the cache, templates.

    ``cache`` holds answers, which come and go within its byte budget; the ``Once`` fields hold what
    is made once for the server's life: the dumps, the VoID figures, the diagrams.
    """

    graph: KnowledgeGraph
    settings: Settings
    pool: WorkerPool
    cache: AnswerCache[Any]
    templates: Environment
    #: The answers of ``--site``'s build when it was built from the served files (kg.answers).
    built: BuiltAnswers | None = None
    dumps: Once[dict[str, tuple[bytes, str]]] = field(default_factory=Once)
    statistics: Once[Statistics] = field(default_factory=Once)
    diagrams: Once[tuple[dict[str, Diagram], str | None]] = field(default_factory=Once)

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
