"""Moderating comments through the comment API: the site's API key, or a moderator's session.

    POST /api/v1/comments/{id}/approve|spam|ham           the site's API key as Bearer, or a session
                                                          with its CSRF token as `X-CSRF-Token`
    GET  /api/v1/moderation?status=pending|spam[&site=]   the queue

Every decision goes through `Moderation` (domain/moderation.py), as in the dashboard: logged,
undoable there, and taught to the engine as submit-spam / submit-ham would. Who may moderate is
sessions.py's `moderator_of`.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response
from pydantic import BaseModel

from ...store import Site
from ..context import porch_of
from ..domain.errors import Refused
from ..domain.sitesettings import CommentSettings
from .comments import ERRORS, ID
from .common import bearer, json_response
from .sessions import moderator_of, session_moderator

router = APIRouter(prefix="/api/v1", tags=["comments"])


class Moderated(BaseModel):
    id: int
    status: str
    learned: Literal["spam", "ham"] | None = None


def _moderate(request: Request, comment_id: int, action: str) -> Response:
    porch = porch_of(request)
    row = porch.store.comments.get(comment_id)
    site = porch.discussion.site_by_id(row.site_id) if row is not None else None
    may, account_id = moderator_of(request, site, changes=True) if site is not None else (False, None)
    if site is None or not may:
        raise HTTPException(
            403 if row is not None else 404,
            "moderation needs the site's API key as `Authorization: Bearer KEY`, or a moderator's "
            "session with its CSRF token as `X-CSRF-Token`",
        )
    done = porch.moderation.act(site, comment_id, action, account_id)
    return json_response({"id": done["id"], "status": done["status"], "learned": done["learned"]})


@router.post(
    "/comments/{comment_id}/approve",
    response_model=Moderated,
    responses=ERRORS,
    tags=["moderation"],
    summary="Publish a held comment (teaches the engine if it had called it spam)",
)
def approve(request: Request, comment_id: int = ID) -> Response:
    return _moderate(request, comment_id, "approve")


@router.post(
    "/comments/{comment_id}/spam",
    response_model=Moderated,
    responses=ERRORS,
    tags=["moderation"],
    summary="Mark spam: hidden, and the engine learns (as submit-spam)",
)
def mark_spam(request: Request, comment_id: int = ID) -> Response:
    return _moderate(request, comment_id, "spam")


@router.post(
    "/comments/{comment_id}/ham",
    response_model=Moderated,
    responses=ERRORS,
    tags=["moderation"],
    summary="Mark ham: published, and the engine learns (as submit-ham)",
)
def mark_ham(request: Request, comment_id: int = ID) -> Response:
    return _moderate(request, comment_id, "ham")


@router.get("/moderation", responses=ERRORS, tags=["moderation"], summary="The queue: held or spam comments")
def queue(
    request: Request,
    status: Literal["pending", "spam"] = Query("pending"),
    limit: int = Query(100, ge=1, le=500),
    site: str | None = Query(None, max_length=64, description="the site's public id (with a session)"),
) -> Response:
    porch = porch_of(request)
    token = bearer(request)
    found: Site | None = None
    if token and "." not in token:
        found = porch.api_keys.site(token)
    elif site is not None:
        try:
            found = porch.discussion.site(site)
        except Refused:
            found = None
        if found is not None and session_moderator(request, found, changes=False) is None:
            found = None
    if found is None:
        raise HTTPException(
            401,
            "send the site's API key as `Authorization: Bearer KEY`, "
            "or log in as one of its moderators and name the site",
        )
    conf = CommentSettings.of(found)
    rows = porch.store.comments.queue(found.id, status, limit)
    return json_response(
        {
            "comments": [
                {
                    **porch.discussion.public(r, conf, text=r.text),
                    "uri": r.uri,
                    "email": r.email,
                    "verdict": r.verdict,
                    "score": r.score,
                }
                for r in rows
            ]
        }
    )
