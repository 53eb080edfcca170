"""What the embeddable widget needs from the server: its files, its site config, avatars, the demo page.

    GET /js/embed.js, /js/embed.css      the widget (src/porch/web/), cached for a week, with ETag
    GET /api/v1/sites/{site}/config      public settings the form needs, plus a fresh signed timestamp
    GET /api/v1/avatars/{hash}.svg       a commenter's generated avatar (domain/avatars.py), cached a year
    GET /demo/                           the demo article (only when `porch demo` set `demo_site`)

The config answer is public (no e-mail, no key): which fields are required, the length limit, the
edit window, the default sort, the privacy page's address, the honeypot's field name, whether to
offer reply notifications by e-mail (`notify`: the site allows them and SMTP is configured) and the
signed render timestamp (domain/signing.py). It is never cached, because the timestamp must be
fresh. Like every comment route it answers only allowed origins (CORS is per site, cors.py).

The widget files are read once per process and served from memory: they are small and the same
for every site. A week of caching with an ETag keeps repeat visits free while an upgrade still
reaches readers within days (the URL has no version in it, so `immutable` would be wrong).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from html import escape
from importlib import resources

from fastapi import APIRouter, HTTPException, Path, Request, Response
from fastapi.responses import HTMLResponse

from ..context import porch_of
from ..cors import allowed
from ..domain.avatars import identicon
from ..domain.sitesettings import CommentSettings
from .common import json_response

router = APIRouter(tags=["widget"])
HONEYPOT = "hp"
CACHE = "public, max-age=604800, stale-while-revalidate=86400"
TYPES = {"embed.js": "text/javascript; charset=utf-8", "embed.css": "text/css; charset=utf-8"}
SITE = Path(..., min_length=1, max_length=64, description="The site's public id")


@lru_cache(maxsize=8)
def asset(name: str) -> tuple[bytes, str]:
    """A file of src/porch/web and its ETag."""
    body = resources.files("porch.web").joinpath(name).read_bytes()
    return body, '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def _asset_response(request: Request, name: str) -> Response:
    body, etag = asset(name)
    headers = {"Cache-Control": CACHE, "ETag": etag, "Access-Control-Allow-Origin": "*"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=TYPES[name], headers=headers)


@router.api_route("/js/embed.js", methods=["GET", "HEAD"], include_in_schema=False)
def embed_js(request: Request) -> Response:
    return _asset_response(request, "embed.js")


@router.api_route("/js/embed.css", methods=["GET", "HEAD"], include_in_schema=False)
def embed_css(request: Request) -> Response:
    return _asset_response(request, "embed.css")


@router.get("/api/v1/sites/{site}/config", summary="What the widget's form needs (public)")
def site_config(request: Request, site: str = SITE) -> Response:
    porch = porch_of(request)
    found = porch.discussion.site(site)
    conf = CommentSettings.of(found)
    headers = allowed(request, found, conf)
    headers["Cache-Control"] = "no-store"
    return json_response(
        {
            "site": found.public_id,
            "name": found.name,
            "require_name": conf.require_name,
            "require_email": conf.require_email,
            "max_length": conf.max_length,
            "edit_window_seconds": conf.edit_window_seconds,
            "default_sort": conf.default_sort,
            "reply_depth": conf.reply_depth,
            "moderation": conf.moderation,
            "privacy_url": str(request.base_url).rstrip("/") + f"/privacy/{found.public_id}",
            "honeypot": HONEYPOT,
            "rendered_at": porch.signer.stamp(),
            # the "notify me of replies" box: the site allows it and the operator configured SMTP
            "notify": bool(conf.reply_notifications and porch.settings.mail_enabled),
        },
        headers=headers,
    )


@router.get(
    "/api/v1/avatars/{key}.svg",
    summary="A commenter's generated avatar (identicon) for the `avatar` hash of a comment",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}, 422: {"description": "not an avatar hash"}},
)
def avatar_svg(key: str = Path(..., min_length=32, max_length=32, pattern="^[0-9a-f]{32}$")) -> Response:
    return Response(
        identicon(key),
        media_type="image/svg+xml",
        headers={
            "Cache-Control": "public, max-age=31536000, immutable",  # a pure function of the URL
            "Content-Security-Policy": "default-src 'none'",
            "X-Content-Type-Options": "nosniff",
            "Cross-Origin-Resource-Policy": "cross-origin",
        },
    )


@router.get("/demo/", include_in_schema=False, response_class=HTMLResponse)
def demo_page(request: Request) -> HTMLResponse:
    """The demo article with the widget: only on a server started by `porch demo`."""
    site = porch_of(request).settings.demo_site
    if not site:
        raise HTTPException(404, "no demo here: start one with `porch demo`")
    page = resources.files("porch.web").joinpath("demo.html").read_text()
    base = str(request.base_url).rstrip("/")
    return HTMLResponse(
        page.replace("{{base}}", escape(base)).replace("{{site}}", escape(site)),
        headers={"Cache-Control": "no-cache"},
    )
