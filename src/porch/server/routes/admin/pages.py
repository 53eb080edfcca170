"""The dashboard's doors and overview: its files, login and logout, the list of sites, the report card.

    GET  /admin/static/{admin.js|admin.css}   cached for a year under a content-hashed URL (?v=…)
    GET  /admin/login  POST /admin/login       the form; on success a session cookie and 303 to `next`
    POST /admin/logout                          ends the session
    GET  /admin/                                the account's sites with their pending and spam counts
    GET  /admin/{site}/report                   the engine's report card for the last 30 days

The login form carries no CSRF token (there is no session to tie it to yet); a cross-site login
attempt is refused by the `Origin` check instead, and `next` may only be a dashboard path, so the
form cannot be used to bounce someone to another site. A refused login says why — including how
long to wait once throttled — and never whether the address has an account.
"""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, HTTPException, Path, Request
from fastapi.responses import RedirectResponse, Response

from ...context import porch_of
from ...domain.auth import LoginRefused
from ..common import client
from ..sessions import account, check_csrf, end_session, require, require_account, start_session
from .chart import chart_svg
from .common import STATIC, AdminRoute, local_next, page, static_file

router = APIRouter(prefix="/admin", route_class=AdminRoute, include_in_schema=False)
SITE = Path(..., min_length=1, max_length=64)
TYPES = {"admin.js": "text/javascript; charset=utf-8", "admin.css": "text/css; charset=utf-8"}


@router.api_route("/static/{name}", methods=["GET", "HEAD"])
def static(request: Request, name: str = Path(..., max_length=32)) -> Response:
    if name not in STATIC:
        raise HTTPException(404, f"no file {name[:32]!r}")
    body, digest = static_file(name)
    etag = f'"{digest}"'
    versioned = request.query_params.get("v") == digest
    headers = {
        "ETag": etag,
        "Cache-Control": "public, max-age=31536000, immutable" if versioned else "public, max-age=3600",
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=TYPES[name], headers=headers)


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    if account(request) is not None:
        return RedirectResponse(local_next(next), status_code=303)
    return page(request, "login.html", {"next": local_next(next), "email": "", "message": None})


@router.post("/login")
def login(
    request: Request,
    email: str = Form("", max_length=254),
    password: str = Form("", max_length=1024),
    next: str = Form("/admin/", max_length=2000),
) -> Response:
    if not same_origin(request):
        raise HTTPException(403, "a login form from another site is not accepted")
    target = local_next(next)
    try:
        token = porch_of(request).auth.login(email, password, client(request)["ip"])
    except LoginRefused as exc:
        status = 429 if exc.retry_after > 0 else 401
        response = page(
            request, "login.html", {"next": target, "email": email, "message": exc.message}, status
        )
        if exc.retry_after > 0:
            response.headers["Retry-After"] = str(max(1, round(exc.retry_after)))
        return response
    redirect = RedirectResponse(target, status_code=303)
    start_session(redirect, token, request)
    return redirect


def same_origin(request: Request) -> bool:
    """No Origin (not a browser form), or the browser's Origin names this server: the host it asked
    for (scheme aside: behind a TLS proxy the socket is plain HTTP), or the configured public_url."""
    origin = request.headers.get("origin")
    if not origin:
        return True
    netloc = urlsplit(origin).netloc.lower()
    public = urlsplit(porch_of(request).settings.base_url).netloc.lower()
    return netloc in (request.headers.get("host", "").lower(), public)


@router.post("/logout")
def logout(request: Request, csrf: str = Form("", max_length=200)) -> Response:
    require_account(request)
    check_csrf(request, csrf)
    response = RedirectResponse("/admin/login", status_code=303)
    end_session(request, response)
    return response


@router.get("/")
def sites(request: Request) -> Response:
    who = require_account(request)
    store = porch_of(request).store
    found = store.sites.by_ids(list(who.roles))
    return page(
        request,
        "sites.html",
        {
            "sites": found,
            "counts": store.dashboard.counts(s.id for s in found),
            "roles": who.roles,
        },
    )


@router.get("/{site}/report")
def report(request: Request, site: str = SITE) -> Response:
    who, found = require(request, site)
    store = porch_of(request).store
    card = store.reports.card(found.id, datetime.now(timezone.utc).date())
    return page(
        request,
        "report.html",
        {
            "site": found,
            "role": who.role(found.id),
            "tab": "report",
            "card": card,
            "chart": chart_svg(card),
            "counts": store.dashboard.counts([found.id])[found.id],
        },
    )
