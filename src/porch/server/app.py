"""The app factory: `create_app(settings)` is porch's HTTP service, from the settings to the routes.

On start (the ASGI lifespan) it builds the worker's `Porch` (context.py: the database and its
migrations, the model, every collaborator) and starts the background jobs: the feedback poll and
the retention sweep (jobs.py) and, only when an SMTP host is configured, the mail sender
(mail/sender.py). On stop it cancels them and closes the `Porch`.

The routes are the route table of routes/__init__.py. Three things stand in front of them: the
`Guard` middleware (guard.py: 413 for oversized bodies, a clean 500/503 for what escapes), the CORS
preflight middleware (cors.py), and the exception handlers below — `Refused` (a request the domain
will not carry out) becomes its status with `{"detail": message}`, `NotLoggedIn` a redirect to the
login form (pages) or 401 (API calls), and a validation error a 422 that does not echo the input.

`app_from_env()` is what `porch serve` hands uvicorn: each worker process builds its settings from
the `PORCH_*` variables the command set.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi_offline import FastAPIOffline

from ..config import Settings, load_settings
from .context import build
from .cors import Preflight
from .domain.errors import Refused
from .guard import Guard
from .jobs import poll_feedback, retention
from .mail.sender import sender
from .routes import ROUTERS
from .routes.sessions import NotLoggedIn

# FastAPI's own OpenTelemetry hooks stay off, whatever the environment says: porch makes no
# outbound call unless its operator configures one in porch (and /metrics is local).
NO_TELEMETRY: Any = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
    "auto_configure": False,
}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        porch = build(settings)
        app.state.porch = porch
        tasks = [asyncio.create_task(poll_feedback(porch)), asyncio.create_task(retention(porch))]
        if settings.mail_enabled:  # no SMTP host: no mail, no outbound connection (mail/sender.py)
            tasks.append(asyncio.create_task(sender(settings, porch.notifier)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            porch.close()

    # The API docs (Swagger UI) load their script, style and icon from porch itself, not from a CDN:
    # fastapi-offline ships Swagger UI's files and serves them under /api/docs/static (FastAPI's
    # self-hosting recipe, kept up to date by that package), so /api/docs works offline and the
    # browser asks no one else. The online validator badge is off for the same reason.
    app = FastAPIOffline(
        telemetry=NO_TELEMETRY,
        title="porch",
        version=_version(),
        summary="Self-hosted, Akismet-compatible comment spam filter.",
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        static_url="/api/docs/static",
        favicon_url="/favicon.ico",
        swagger_ui_parameters={"validatorUrl": None},
    )
    for router in ROUTERS:
        app.include_router(router)

    @app.exception_handler(RequestValidationError)
    async def unprocessable(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's default echoes the input back: that is commenter data, and a lone surrogate
        # in it cannot even be encoded. Say where and what, not the value.
        errors = [
            {
                "loc": [_printable(part) for part in e.get("loc", ())],
                "msg": e.get("msg", ""),
                "type": e.get("type", ""),
            }
            for e in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> JSONResponse:
        return JSONResponse({"detail": exc.message}, status_code=exc.status)

    @app.exception_handler(NotLoggedIn)
    async def not_logged_in(request: Request, exc: NotLoggedIn) -> Response:
        # Pages send people to the login form (and back afterwards); API calls get a plain 401.
        if request.url.path.startswith("/api/") or request.method not in ("GET", "HEAD"):
            return JSONResponse(
                {"detail": "log in first (moderator session or the site's API key)"}, status_code=401
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/admin/login?next={quote(target, safe='')}", status_code=303)

    app.add_middleware(Preflight)
    app.add_middleware(Guard, max_body=settings.max_body_bytes)  # added last: the outermost
    return app


def _printable(part: Any) -> Any:
    if isinstance(part, int):
        return part
    return str(part).encode("utf-8", "replace").decode("utf-8")[:100]


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("porch")
    except Exception:  # noqa: BLE001 - not installed as a distribution (a source checkout)
        return "0"


def app_from_env() -> FastAPI:
    """The factory `porch serve` gives uvicorn (settings from the PORCH_* environment)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return create_app(load_settings())
