"""CORS for the comment API: per site, checked on the real request; preflights answered for anyone.

The widget runs on the site's own pages and calls porch from there, so a browser sends `Origin`.
That origin must be one of the site's allowed origins (`allowed_origins`, default: the origin of
the site's URL): `allowed(request, site, conf)` gives the CORS headers for the answer, or refuses
with 403 and no CORS headers. Which site a request is for is only known inside the route, so that
is where it is asked. Requests without `Origin` (curl, servers, feed readers) pass.

Preflights (`OPTIONS` under /api/v1/) are answered by `Preflight`, a middleware, for any origin:
the site is not known yet, and the real request is where a disallowed origin is refused.
"""

from __future__ import annotations

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Receive, Scope, Send

from ..store import Site
from .domain.sitesettings import CommentSettings

PREFIX = "/api/v1/"
PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, POST, PATCH, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type",
    "Access-Control-Max-Age": "600",
}


def allowed(request: Request, site: Site, conf: CommentSettings) -> dict[str, str]:
    """The CORS headers for an answer to this site's widget; HTTPException(403) for another origin."""
    origin = request.headers.get("origin")
    if not origin:
        return {}
    if origin.lower() not in conf.origins(site.url):
        raise HTTPException(403, f"origin {origin[:200]!r} is not allowed for this site")
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Credentials": "true",
        "Vary": "Origin",
    }


class Preflight:
    """Answer `OPTIONS /api/v1/…` with 204: with CORS headers for the asking origin, if there is one."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "OPTIONS" or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        origin = next((v for k, v in scope["headers"] if k == b"origin"), None)
        headers: list[tuple[bytes, bytes]] = []
        if origin is not None:
            headers = [
                (b"access-control-allow-origin", origin),
                (b"access-control-allow-credentials", b"true"),
                (b"vary", b"Origin"),
                *((k.lower().encode(), v.encode()) for k, v in PREFLIGHT.items()),
            ]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
