"""Who is asking, over HTTP: the session cookie, CSRF, the roles a route needs, and who may moderate.

A moderator's session is the cookie `porch_session` (domain/auth.py makes and checks the token):
HttpOnly, SameSite=Lax, path `/` (the dashboard and the moderator API routes both read it) and
Secure when the request came over HTTPS — directly, or through a trusted proxy that says
`X-Forwarded-Proto: https`.

CSRF: SameSite=Lax already keeps the cookie off cross-site POSTs in current browsers; on top of that
every state-changing request made with a session must carry the session's CSRF token — the hidden
form field `csrf` or the `X-CSRF-Token` header (`check_csrf`). Requests authorised by the site's API
key (Bearer) carry no cookie and need no CSRF token.

`require(request, site, role)` is what every per-site dashboard route calls: no session →
`NotLoggedIn` (the app turns it into a redirect to the login page, or 401 for API calls); an unknown
site, or one the account has no role on, → 404 (a moderator of site A learns nothing about site B);
a role too low (a moderator on an owner page) → 403. `moderator_of` is the comment API's question —
the site's API key as Bearer, or a moderator's session with its CSRF header.
"""

from __future__ import annotations

from fastapi import HTTPException, Request, Response

from ...store import Site
from ...store.accounts import Account
from ..context import porch_of
from ..domain.errors import Refused
from .common import bearer

SESSION_COOKIE = "porch_session"
CSRF_HEADER = "x-csrf-token"
SESSION_DAYS = 14


class NotLoggedIn(Exception):
    """No valid session: pages redirect to the login form, API calls answer 401."""


def account(request: Request) -> Account | None:
    """The logged-in account, if the request carries a live session."""
    return porch_of(request).auth.account(request.cookies.get(SESSION_COOKIE))


def require_account(request: Request) -> Account:
    found = account(request)
    if found is None:
        raise NotLoggedIn()
    return found


def require(request: Request, site_public_id: str, role: str = "moderator") -> tuple[Account, Site]:
    """The logged-in account and the site it may act on as `role` (see the module docstring)."""
    found = require_account(request)
    try:
        site = porch_of(request).discussion.site(site_public_id)  # cached for a second
    except Refused:
        site = None
    if site is None or found.role(site.id) is None:
        raise HTTPException(404, f"no site {site_public_id[:64]!r} among yours")
    if not found.can(site.id, role):
        raise HTTPException(403, f"this needs the {role} role on the site")
    return found, site


def csrf_token(request: Request) -> str:
    return porch_of(request).auth.csrf_token(request.cookies.get(SESSION_COOKIE))


def check_csrf(request: Request, token: str | None) -> None:
    """The session's CSRF token, from the form (`token`) or the X-CSRF-Token header; else 403."""
    sent = token or request.headers.get(CSRF_HEADER, "")
    if not porch_of(request).auth.csrf_ok(request.cookies.get(SESSION_COOKIE), sent):
        raise HTTPException(
            403,
            "the form is out of date or came from another site (CSRF check failed); "
            "reload the page and try again",
        )


def session_moderator(request: Request, site: Site, *, changes: bool) -> Account | None:
    """For the moderator API routes: the session's account if it moderates `site` and, when the
    call changes something, sent the session's CSRF token as `X-CSRF-Token`; else None."""
    if SESSION_COOKIE not in request.cookies:
        return None
    found = account(request)
    if found is None or not found.can(site.id):
        return None
    if changes:
        try:
            check_csrf(request, None)
        except HTTPException:
            return None
    return found


def moderator_of(request: Request, site: Site, changes: bool = False) -> tuple[bool, int | None]:
    """(may moderate `site`, the account id): the site's API key as Bearer (no account), or a
    moderator's session (with its CSRF header if the call `changes` something)."""
    token = bearer(request)
    if token and "." not in token:
        found = porch_of(request).api_keys.site(token)
        return found is not None and found.id == site.id, None
    moderator = session_moderator(request, site, changes=changes)
    return moderator is not None, moderator.id if moderator is not None else None


def is_https(request: Request) -> bool:
    if request.url.scheme == "https":
        return True
    peer = request.client.host if request.client else ""
    proxies = porch_of(request).proxies
    return peer in proxies and request.headers.get("x-forwarded-proto", "").lower() == "https"


def start_session(response: Response, token: str, request: Request) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_DAYS * 86400,
        httponly=True,
        samesite="lax",
        path="/",
        secure=is_https(request),
    )


def end_session(request: Request, response: Response) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        porch_of(request).auth.logout(token)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=is_https(request))
