"""Limits and headers that guard every request before it reaches a handler.

The time limit lives in :mod:`kg.server.pool` (it needs the worker processes), the bound on
waiting requests in :mod:`kg.server.admission`; the row and byte caps are applied inside the
workers, and flagged here (:func:`truncation`). Here too: the request-size cap, CORS for GET
without credentials, and headers that stop pages from loading anything from elsewhere.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Pages load only their own stylesheet; no script, no frame, no remote anything.
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
#: Diagrams carry inline scripts: they run sandboxed, with no network access.
SITE_POLICY = "sandbox allow-scripts; default-src 'self' 'unsafe-inline' data: blob:; connect-src 'none'"
TRUNCATED_HEADER = "X-Result-Truncated"


def truncation(cut: str) -> dict[str, str]:
    """The header that flags an answer cut short, naming the limit (``max-rows=…``, ``max-bytes=…``)."""
    return {TRUNCATED_HEADER: f"true; {cut}"} if cut else {}


class BodySizeLimit:
    """Refuse request bodies above ``limit`` bytes with 413, whether announced or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _too_large(send, self.limit)
            return
        received = 0
        responded = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal responded
            responded = responded or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not responded:
                await _too_large(send, self.limit)


class _TooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    body = f"request body larger than {limit} bytes\n".encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Headers on every response: no sniffing, no referrer leaks, a strict content policy."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = SITE_POLICY if scope["path"].startswith(("/site/", "/diagrams/")) else PAGE_POLICY

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"content-security-policy", policy.encode()),
                ]
                headers += [(n, v) for n, v in extra if n not in names]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def middleware(max_body: int) -> list[Middleware]:
    """The middleware stack, outermost first."""
    return [
        Middleware(BodySizeLimit, limit=max_body),
        Middleware(SecurityHeaders),
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "HEAD"],
            allow_credentials=False,
            expose_headers=[TRUNCATED_HEADER, "Content-Location", "Link"],
            max_age=3600,
        ),
    ]
