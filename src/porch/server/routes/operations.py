"""What an operator's tools ask: `/health` (is the server answering) and `/metrics` (Prometheus)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse, Response

from .. import metrics

router = APIRouter(tags=["operations"])


@router.get("/health", summary="Liveness: the server answers")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/metrics", summary="Prometheus metrics", response_class=PlainTextResponse)
async def prometheus() -> Response:
    body, content_type = metrics.render()
    return Response(body, media_type=content_type)
