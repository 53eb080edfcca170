"""The server's own front door: `/`, a small page that says what this is and links its parts, and
the favicon every browser asks for (`/favicon.ico`, and `/favicon.svg` for the pages that name it).

Without them every page logged a 404 in the browser's console and `/` answered "Not Found". The
page links the demo article only on a server `porch demo` started (`demo_site`), and always the
dashboard and the API documentation (served by porch itself: app.py).
The icons are files of src/porch/web, read once per process and cached by browsers for a day.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from .. import i18n
from ..context import porch_of

router = APIRouter(include_in_schema=False)
ICONS = {"favicon.ico": "image/vnd.microsoft.icon", "favicon.svg": "image/svg+xml"}


@lru_cache(maxsize=1)
def templates() -> jinja2.Environment:
    return i18n.environment("en")


@lru_cache(maxsize=len(ICONS))
def icon(name: str) -> bytes:
    return resources.files("porch.web").joinpath(name).read_bytes()


@router.get("/", response_class=HTMLResponse)
def front_page(request: Request) -> HTMLResponse:
    porch = porch_of(request)
    body = (
        templates()
        .get_template("pages/front.html")
        .render(demo=bool(porch.settings.demo_site), version=request.app.version)
    )
    return HTMLResponse(body, headers={"Cache-Control": "no-cache"})


@router.api_route("/favicon.ico", methods=["GET", "HEAD"])
def favicon_ico() -> Response:
    return _icon("favicon.ico")


@router.api_route("/favicon.svg", methods=["GET", "HEAD"])
def favicon_svg() -> Response:
    return _icon("favicon.svg")


def _icon(name: str) -> Response:
    return Response(icon(name), media_type=ICONS[name], headers={"Cache-Control": "public, max-age=86400"})
