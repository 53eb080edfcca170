"""The app factory: `create_app(settings)` wires the store, the engine and the routes together.

On start (the ASGI lifespan) the app opens the database and applies the migrations, loads the
shipped model (or `model_path`), replays feedback into it (learning.py), and starts the
background jobs: the check-log writer thread, the check batcher's thread (batcher.py), the
feedback poller (other workers' feedback), the retention sweep and, only when an SMTP host is
configured, the mail sender (mail.py). Routes live in akismet.py (the Akismet protocol), api.py
(the JSON API), comments.py (the comment API), widget.py (the widget's files, config and the demo
page), privacy.py (the data-processing page), admin/ (the moderation dashboard) and mailroutes.py
(the links in mails). Who is logged in is auth.py's business; a route that needs a session raises
`NotLoggedIn`, which becomes a redirect to the login form (pages) or 401 (API calls).

Two guards sit in front of every route, as a plain ASGI middleware so that they run before any
body is parsed: bodies over `max_body_bytes` are refused with 413 (by Content-Length, or while
streaming when there is none), and any exception that escapes a route becomes a short plain-text
500 without a traceback (and a log line without request data) — the tests hold the routes to
never reaching it. A database that is busy or down gives 503 with Retry-After instead.

`app_from_env()` is what `porch serve` hands uvicorn: each worker process builds its settings from
the `PORCH_*` variables the command set.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from sqlalchemy.exc import OperationalError

from ..config import Settings, load_settings
from . import metrics
from .shortcache import ShortCache

log = logging.getLogger("porch.server")
KEY_CACHE_SECONDS = 1.0
NO_TELEMETRY = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
    "auto_configure": False,
}


class Keys:
    """API key → site, cached for a second so a check costs no key query; revocation shows in ≤ 1 s."""

    def __init__(self, store: Any):
        self.store = store
        self._cache = ShortCache(KEY_CACHE_SECONDS)

    def site(self, key: str) -> Any:
        key = key.strip().lower()
        if not key or len(key) > 128:
            return None
        return self._cache.get(key, self.store.site_by_key)


class Guard:
    """Refuse oversized bodies (413) and turn escaped errors into clean 500/503 answers."""

    def __init__(self, app: Any, max_body: int):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_body
                except ValueError:
                    return await _plain(send, 400, "invalid Content-Length header")
                if too_big:
                    metrics.REFUSED.labels("too_large").inc()
                    return await _plain(send, 413, f"request body is larger than {self.max_body} bytes")
        seen = 0
        started = False

        async def counted_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _TooLarge()
            return message

        async def tracked_send(message):
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


async def _plain(send, status: int, text: str, headers: dict[bytes, bytes] | None = None) -> None:
    body = (text + "\n").encode()
    head = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    head += list((headers or {}).items())
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": body})


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        state = build_state(settings)
        app.state.porch = state
        tasks = [asyncio.create_task(_poll(state)), asyncio.create_task(_retention(state))]
        if settings.mail_enabled:  # no SMTP host: no mail, no outbound connection (mail.py)
            from .mail import sender

            tasks.append(asyncio.create_task(sender(state)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            state["batcher"].stop()
            state["checklog"].stop()
            if state.get("notifier") is not None:  # queue what was handed over, hand back claimed mail
                state["notifier"].stop()
            due = state["learner"].due_snapshots()
            if due:
                state["learner"].save_snapshots(due)
            state["store"].engine.dispose()

    app = FastAPI(
        # FastAPI's own OpenTelemetry hooks stay off, whatever the environment says: porch makes no
        # outbound call unless its operator configures one in porch (and /metrics is local).
        telemetry=NO_TELEMETRY,
        title="porch",
        version=_version(),
        summary="Self-hosted, Akismet-compatible comment spam filter.",
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    from . import akismet, api, comments, mailroutes, privacy, widget

    app.include_router(akismet.router)
    app.include_router(api.router)
    app.include_router(comments.router)
    app.include_router(widget.router)
    app.include_router(privacy.router)
    app.include_router(mailroutes.router)
    from .admin import router as admin_router

    app.include_router(admin_router)

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

    from .auth import NotLoggedIn

    @app.exception_handler(NotLoggedIn)
    async def not_logged_in(request: Request, exc: NotLoggedIn) -> Response:
        # Pages send people to the login form (and back afterwards); API calls get a plain 401.
        if request.url.path.startswith("/api/") or request.method not in ("GET", "HEAD"):
            return JSONResponse(
                {"detail": "log in first (moderator session or the site's API key)"}, status_code=401
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/admin/login?next={quote(target, safe='')}", status_code=303)

    @app.get("/health", tags=["operations"], summary="Liveness: the server answers")
    async def health() -> dict:
        return {"status": "ok"}

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics", response_class=PlainTextResponse)
    async def prometheus() -> Response:
        body, content_type = metrics.render()
        return Response(body, media_type=content_type)

    app.add_middleware(Guard, max_body=settings.max_body_bytes)
    return app


def _printable(part: Any) -> Any:
    if isinstance(part, int):
        return part
    return str(part).encode("utf-8", "replace").decode("utf-8")[:100]


def build_state(settings: Settings) -> dict[str, Any]:
    from ..engine import Engine
    from ..store import Store, migrate, open_database
    from .batcher import CheckBatcher
    from .checklog import CheckLogWriter
    from .learning import Learner
    from .limits import RateLimiter
    from .service import Service

    engine = open_database(settings.effective_database_url)
    migrate(engine)
    store = Store(engine, settings.secret())
    base = Engine.from_file(settings.model_path)
    learner = Learner(store, base, settings.snapshot_every)
    learner.start()
    checklog = CheckLogWriter(store)
    checklog.start()
    service = Service(settings, store, learner, checklog)
    return {
        "settings": settings,
        "store": store,
        "learner": learner,
        "checklog": checklog,
        "keys": Keys(store),
        "limiter": RateLimiter(
            settings.key_rate_per_second, settings.key_burst, settings.workers, settings.redis_url
        ),
        "service": service,
        "batcher": CheckBatcher(service),
    }


async def _poll(state: dict[str, Any]) -> None:
    """Apply feedback other workers received; snapshot models now and then (in a thread)."""
    learner, interval = state["learner"], state["settings"].feedback_poll_seconds
    while True:
        await asyncio.sleep(interval)
        try:
            learner.catch_up()
            due = learner.due_snapshots()
            if due:
                await asyncio.to_thread(learner.save_snapshots, due)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the database went away for a moment: try again next round
            log.warning("feedback poll failed: %s", type(exc).__name__)


async def _retention(state: dict[str, Any]) -> None:
    from .retention import sweep

    settings = state["settings"]
    while True:
        try:
            done = await asyncio.to_thread(sweep, state["store"], settings)
            if any(done.values()):
                log.info("retention: %s", ", ".join(f"{k} {v}" for k, v in done.items()))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - try again next round
            log.warning("retention sweep failed: %s", type(exc).__name__)
        await asyncio.sleep(settings.retention_interval_seconds)


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
