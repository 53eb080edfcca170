"""Two guards in front of every route, as a plain ASGI middleware so that they run before any body is
parsed: bodies over `max_body_bytes` are refused with 413 (by Content-Length, or while streaming
when there is none), and any exception that escapes a route becomes a short plain-text 500 without
a traceback (and a log line without request data) — the tests hold the routes to never reaching it.
A database that is busy or down gives 503 with Retry-After instead.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import metrics

log = logging.getLogger("porch.server")


class Guard:
    """Refuse oversized bodies (413) and turn escaped errors into clean 500/503 answers."""

    def __init__(self, app: ASGIApp, max_body: int):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_body
                except ValueError:
                    await _plain(send, 400, "invalid Content-Length header")
                    return
                if too_big:
                    metrics.REFUSED.labels("too_large").inc()
                    await _plain(send, 413, f"request body is larger than {self.max_body} bytes")
                    return
        seen = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _TooLarge()
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _TooLarge:
            metrics.REFUSED.labels("too_large").inc()
            if not started:
                await _plain(send, 413, f"request body is larger than {self.max_body} bytes")
        except OperationalError as exc:
            log.error("database unavailable: %s", type(exc.orig).__name__ if exc.orig else "error")
            if not started:
                await _plain(
                    send, 503, "the database is busy or unavailable; retry shortly", {b"retry-after": b"1"}
                )
        except Exception:
            log.exception("internal error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await _plain(send, 500, "internal error")


class _TooLarge(Exception):
    pass


async def _plain(send: Send, status: int, text: str, headers: dict[bytes, bytes] | None = None) -> None:
    body = (text + "\n").encode()
    head = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    head += list((headers or {}).items())
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": body})
