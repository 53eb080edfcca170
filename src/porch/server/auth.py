"""Who is logged in, and may they do this: sessions, CSRF tokens, login throttling, roles per site.

A moderator logs in at /admin/login (server/admin/) with an e-mail address and a password
(store/accounts.py hashes it with argon2id). The session cookie `porch_session` is HttpOnly,
SameSite=Lax, path `/` (the dashboard and the moderator API routes both read it) and Secure when the
request came over HTTPS — directly, or through a trusted proxy that says `X-Forwarded-Proto: https`.

CSRF: SameSite=Lax already keeps the cookie off cross-site POSTs in current browsers; on top of that
every state-changing request made with a session must carry the session's CSRF token — the hidden
form field `csrf` or the `X-CSRF-Token` header — an HMAC of the session token, so it needs no
storage and dies with the session. Requests authorised by the site's API key (Bearer) carry no
cookie and need no CSRF token.

Throttling: a failed login counts against the address and against the client's network (/24 or
/48); after a few failures each is locked for a time that doubles (store/accounts.py). A locked
login is refused before the password is checked, with the time to wait, and the answer never says
whether the address has an account.

`require(request, site, role)` is what every per-site route calls: no session → `NotLoggedIn`
(the app turns it into a redirect to the login page, or 401 for API calls); an unknown site, or one
the account has no role on, → 404 (a moderator of site A learns nothing about site B); a role too
low (a moderator on an owner page) → 403.
"""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import HTTPException, Request, Response

from ..store.accounts import Account, AccountStore
from ..store.queries import Site
from .service import cut_ip
from .shortcache import ShortCache

SESSION_COOKIE = "porch_session"
CSRF_HEADER = "x-csrf-token"
CACHE_SECONDS = 1.0
ADDRESS_FREE_FAILURES = 5
NETWORK_FREE_FAILURES = 20


class NotLoggedIn(Exception):
    """No valid session: pages redirect to the login form, API calls answer 401."""


class LoginRefused(Exception):
    def __init__(self, message: str, retry_after: float = 0.0):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class Auth:
    def __init__(self, accounts: AccountStore, proxies: Any):
        self.accounts = accounts
        self.proxies = proxies
        self._cache = ShortCache(CACHE_SECONDS)

    # -- sessions ----------------------------------------------------------------------------
    def account(self, request: Request) -> Account | None:
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return None
        return self._cache.get(token, self.accounts.session_account)

    def login(self, email: str, password: str, client_ip: str) -> str:
        """A new session token, or LoginRefused with a message for people (and the wait, if locked)."""
        keys = [
            ("address\0" + email.strip().lower(), ADDRESS_FREE_FAILURES),
            ("network\0" + (cut_ip(client_ip) or ""), NETWORK_FREE_FAILURES),
        ]
        wait = self.accounts.locked_for([k for k, _ in keys])
        if wait > 0:
            raise LoginRefused(_locked_message(wait), wait)
        account = self.accounts.verify(email, password)
        if account is None:
            wait = self.accounts.failed(keys)
            if wait > 0:
                raise LoginRefused("Wrong e-mail address or password. " + _locked_message(wait), wait)
            raise LoginRefused("Wrong e-mail address or password.")
        self.accounts.succeeded(keys[0][0])
        return self.accounts.new_session(account.id)

    def start_session(self, response: Response, token: str, request: Request) -> None:
        response.set_cookie(
            SESSION_COOKIE,
            token,
            max_age=14 * 86400,
            httponly=True,
            samesite="lax",
            path="/",
            secure=self.is_https(request),
        )

    def logout(self, request: Request, response: Response) -> None:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            self.accounts.end_session(token)
            self._cache.forget(token)
        response.delete_cookie(
            SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=self.is_https(request)
        )

    def is_https(self, request: Request) -> bool:
        if request.url.scheme == "https":
            return True
        peer = request.client.host if request.client else ""
        return peer in self.proxies and request.headers.get("x-forwarded-proto", "").lower() == "https"

    # -- CSRF --------------------------------------------------------------------------------
    def csrf_token(self, request: Request) -> str:
        token = request.cookies.get(SESSION_COOKIE, "")
        return self.accounts.session_secret(token)[:40] if token else ""

    def check_csrf(self, request: Request, token: str | None) -> None:
        token = token or request.headers.get(CSRF_HEADER, "")
        expected = self.csrf_token(request)
        if not expected or not token or not hmac.compare_digest(expected, token.strip()):
            raise HTTPException(
                403,
                "the form is out of date or came from another site (CSRF check failed); "
                "reload the page and try again",
            )


def _locked_message(seconds: float) -> str:
    wait = max(1, round(seconds))
    shown = f"{wait} seconds" if wait < 120 else f"{round(wait / 60)} minutes"
    return f"Too many failed logins: try again in {shown}."


def auth(request: Request) -> Auth:
    state = request.app.state.porch
    found = state.get("auth")
    if found is None:
        from .identity import TrustedProxies

        proxies = state.get("proxies") or TrustedProxies(state["settings"].trusted_proxies)
        found = Auth(AccountStore.of(state["store"]), proxies)
        state["auth"] = found
    return found


def require(
    request: Request, site_public_id: str | None = None, role: str = "moderator"
) -> tuple[Account, Site | None]:
    """The logged-in account, and the site if one is named and the account may act there as `role`."""
    account = auth(request).account(request)
    if account is None:
        raise NotLoggedIn()
    if site_public_id is None:
        return account, None
    from ..store.comments import Refused
    from .comments import discussion

    try:
        site = discussion(request).site(site_public_id)  # cached for a second, like the widget's reads
    except Refused:
        site = None
    if site is None or account.role(site.id) is None:
        raise HTTPException(404, f"no site {site_public_id[:64]!r} among yours")
    if not account.can(site.id, role):
        raise HTTPException(403, f"this needs the {role} role on the site")
    return account, site


def session_moderator(request: Request, site: Site, *, changes: bool) -> Account | None:
    """For the moderator API routes: the session's account if it moderates `site` and, when the
    call changes something, sent the session's CSRF token as `X-CSRF-Token`; else None."""
    if SESSION_COOKIE not in request.cookies:
        return None
    a = auth(request)
    account = a.account(request)
    if account is None or not account.can(site.id):
        return None
    if changes:
        try:
            a.check_csrf(request, None)
        except HTTPException:
            return None
    return account
