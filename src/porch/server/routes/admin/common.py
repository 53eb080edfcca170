"""What every dashboard route shares: templates, security headers, errors, CSRF, redirects back.

* `AdminRoute` is the route class of every /admin router. It wraps each handler so that every
  answer — a page, a redirect, a JSON answer to admin.js, an error — leaves with the same headers:
  a Content-Security-Policy that allows only this origin's files (no inline script, so the pages
  carry their data in `data-` attributes; inline SVG is markup, not script, and is fine), framing
  forbidden twice over (`frame-ancestors 'none'` and `X-Frame-Options: DENY`), `Referrer-Policy:
  same-origin` (a click on a commenter's link does not tell their site the dashboard's address) and
  `Cache-Control: no-store` (e-mail and IP addresses stay out of shared and back-button caches).
  It also turns refusals into answers people can read: an HTML page for the browser, `{"detail"}`
  for admin.js; no session becomes a redirect to the login page for a GET and 401 for anything else.
* Templates are Jinja2 with autoescape on; comment HTML is the sanitised HTML stored at posting
  time (render.py) and is the only thing marked safe.
* Every state-changing route calls `check_csrf` (routes/sessions.py: the hidden `csrf` field, or the
  `X-CSRF-Token` header that admin.js sends), then answers a plain form with 303 back to the page it came from
  (`back`, which must be a path of the same site's dashboard) and admin.js with JSON.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Coroutine, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urljoin

import jinja2
from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute

from ... import i18n
from ...domain.errors import Refused
from ..sessions import NotLoggedIn, account, csrf_token

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}
STATIC = ("admin.js", "admin.css")


class AdminRoute(APIRoute):
    """Security headers on every answer; readable refusals (see the module docstring)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        inner = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                response = await inner(request)
            except NotLoggedIn:
                response = not_logged_in(request)
            except HTTPException as exc:
                response = error(request, exc.status_code, str(exc.detail), exc.headers)
            except Refused as exc:
                response = error(request, exc.status, exc.message)
            except RequestValidationError as exc:
                response = error(request, 422, _validation_message(exc))
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
            response.headers.setdefault("Cache-Control", "no-store")
            return response

        return handler


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for e in exc.errors()[:5]:
        where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path", "form"))
        parts.append(f"{where}: {e.get('msg', 'invalid')}" if where else str(e.get("msg", "invalid")))
    return "; ".join(parts) or "invalid input"


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def not_logged_in(request: Request) -> Response:
    if request.method in ("GET", "HEAD"):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/admin/login?next={quote(target, safe='')}", status_code=303)
    return error(request, 401, "You are not logged in (or your session ended). Log in and try again.")


def error(request: Request, status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    titles = {401: "Not logged in", 403: "Not allowed", 404: "Not found", 409: "Changed meanwhile"}
    body = (
        templates()
        .get_template("admin/error.html")
        .render(
            title=titles.get(status, "Cannot do that"),
            message=message,
            status=status,
            static=static_url,
            logged_in=status != 401,
        )
    )
    return HTMLResponse(body, status_code=status, headers=headers)


# -- templates -------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def templates() -> jinja2.Environment:
    """The dashboard's templates: English, with counts and periods through server/i18n.py
    (`{% trans count=n %}…{% pluralize %}…{% endtrans %}` and `| span`), as the readers' pages."""
    env = i18n.environment("en")
    env.filters["when"] = lambda moment: moment.strftime("%Y-%m-%d %H:%M UTC") if moment else ""
    env.filters["pct"] = lambda x: "–" if x is None else f"{x:.0%}"
    env.globals["urljoin"] = urljoin
    env.globals["query"] = lambda **kw: urlencode({k: v for k, v in kw.items() if v not in (None, "")})
    return env


@lru_cache(maxsize=4)
def static_file(name: str) -> tuple[bytes, str]:
    body = (resources.files("porch.web") / "admin" / name).read_bytes()
    return body, hashlib.sha256(body).hexdigest()[:16]


def static_url(name: str) -> str:
    """The file's URL with its content hash, so it can be cached for long and still never be stale."""
    return f"/admin/static/{name}?v={static_file(name)[1]}"


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """Render a dashboard page with what every page needs: the account, the CSRF token, the files."""
    who = account(request)
    body = (
        templates()
        .get_template(f"admin/{name}")
        .render(
            account=who,
            csrf=csrf_token(request) if who else "",
            static=static_url,
            path=request.url.path,
            full_path=_full_path(request),
            logged_in=who is not None,
            **context,
        )
    )
    return HTMLResponse(body, status_code=status)


def _full_path(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


# -- state-changing requests -----------------------------------------------------------------
def back_to(site_public_id: str, back: str | None) -> str:
    """Where a form goes after it is done: `back` if it is a page of this site's dashboard."""
    home = f"/admin/{site_public_id}/"
    if back and back.startswith(home) and "\\" not in back and "//" not in back and len(back) < 2000:
        return back
    return home


def with_banner(url: str, **banner: Any) -> str:
    """`url` with the banner's fields in its query (replacing any banner of an earlier action)."""
    base, _, query = url.partition("?")
    kept = [
        (k, v)
        for k, v in parse_qsl(query)
        if k not in ("did", "n", "note", "score", "msg", "failed", "learned", "was")
    ]
    kept += [(k, str(v)) for k, v in banner.items() if v not in (None, "")]
    return base + ("?" + urlencode(kept) if kept else "")


def local_next(value: str | None) -> str:
    """The `next` of the login form: only a path of the dashboard, never another site."""
    if (
        value
        and (value == "/admin" or value.startswith("/admin/"))
        and "\\" not in value
        and "//" not in value
        and len(value) < 2000
        and not any(ord(ch) < 32 for ch in value)
    ):
        return value
    return "/admin/"
