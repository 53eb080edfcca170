"""Atom feeds of the newest comments: a site's, or one page's.

    GET /api/v1/feed?site=[&uri=]

The newest 50 approved comments (store/comments.py `recent`), with their rendered HTML; no CORS
(feed readers are not browsers on the site's pages) and nothing a reader could not see on the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin
from xml.sax.saxutils import escape, quoteattr

from fastapi import APIRouter, Query, Request, Response

from ...store import Site
from ..context import porch_of
from .comments import ERRORS, iso
from .common import q

router = APIRouter(prefix="/api/v1", tags=["comments"])


@router.get(
    "/feed",
    responses={**ERRORS, 200: {"content": {"application/atom+xml": {}}, "description": "Atom"}},
    response_class=Response,
    summary="Atom feed of the newest comments of a site, or of one page",
)
def feed(
    request: Request,
    site: str = Query(..., min_length=1, max_length=64),
    uri: str | None = Query(None, min_length=1, max_length=2048),
) -> Response:
    porch = porch_of(request)
    found = porch.discussion.site(site)
    comments = porch.store.comments
    thread = comments.thread_id(found.id, q(uri)) if uri else None
    rows = [] if uri and thread is None else comments.recent(found.id, thread)
    return Response(atom(found, uri, rows), media_type="application/atom+xml; charset=utf-8")


def atom(site: Site, uri: str | None, rows: Sequence[Any]) -> str:
    page = urljoin(site.url, uri) if uri else site.url
    title = f"Comments on {page}" if uri else f"Comments on {site.name or site.url}"
    updated = iso(rows[0].created_at) if rows else datetime.now(timezone.utc).isoformat()
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<id>{escape(f'urn:porch:{site.public_id}:' + (uri or ''))}</id>",
        f"<title>{escape(title)}</title>",
        f"<updated>{updated}</updated>",
        f"<link href={quoteattr(page)}/>",
    ]
    for r in rows:
        link = urljoin(site.url, r.uri) + f"#porch-comment-{r.id}"
        name = r.author or "Anonymous"
        entry_title = f"{name} on {r.title or r.uri}"
        parts.append(
            f"<entry><id>urn:porch:{site.public_id}:comment:{r.id}</id>"
            f"<title>{escape(entry_title)}</title><author><name>{escape(name)}</name></author>"
            f"<published>{iso(r.created_at)}</published><updated>{iso(r.modified_at or r.created_at)}</updated>"
            f'<link href={quoteattr(link)}/><content type="html">{escape(r.html)}</content></entry>'
        )
    parts.append("</feed>")
    return "\n".join(parts)
