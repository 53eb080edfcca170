"""The comment API the widget talks to: post, list, edit, delete, like, count.

    POST   /api/v1/comments                   {site, uri, parent?, author?, email?, website?, text, …}
    GET    /api/v1/comments?site=&uri=&sort=&cursor=&limit=
    GET    /api/v1/comments/{id}              PATCH / DELETE with the edit token (or the site's API key)
    POST   /api/v1/comments/{id}/like         toggle, once per visitor
    GET    /api/v1/counts?site=&uri=a&uri=b   up to 100 pages

(Moderation of comments is moderation_api.py, the Atom feeds feed.py, the widget's files and site
config widget.py.)

HTTP only: what a post goes through is domain/posting.py, an edit or a delete domain/discussion.py,
the queries store/comments.py. Most routes are plain functions (FastAPI runs them in its thread
pool) because the database calls block. The hot reads are `async`: the list of a page and the
counts call run their few indexed lookups right on the event loop on SQLite (in-process, tens of
microseconds, less than the thread hop they would otherwise pay) and go to the thread pool for
PostgreSQL (a network round trip) and for a thread that is not in the worker's cache
(caches/threadcache.py). Lists are serialised with orjson straight from the Core rows, skipping
response-model validation (the schema is still declared for OpenAPI). Posting is `async` too: the
route prepares the draft, then hands it to the worker's `Poster`, which checks and stores
concurrent posts in one batch and one commit.

CORS is per site (cors.py): a browser's `Origin` must be one of the site's allowed origins, else
403. Every refusal is a 4xx with `{"detail": message}`; commenter data is never logged.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

import orjson
from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from ...store.db import utc
from ..context import Porch, porch_of
from ..cors import allowed
from ..domain.errors import Refused
from ..domain.posting import Draft
from ..domain.sitesettings import SORTS, CommentSettings
from .common import EDIT_COOKIE, clean, client, edit_token, json_response, own_ids, q
from .sessions import moderator_of

router = APIRouter(prefix="/api/v1", tags=["comments"])
ID = Path(..., ge=1, le=2**62, description="comment id")
EDIT_COOKIE_DAYS = 30  # the privacy page says so (privacy.py)
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "bad input"},
    403: {"description": "origin not allowed, or no edit token / key"},
    404: {"description": "unknown site or comment"},
    409: {"description": "conflicting state"},
    413: {"description": "too long"},
    422: {"description": "invalid field"},
}


class NewComment(BaseModel):
    model_config = ConfigDict(extra="ignore")
    site: str = Field(..., min_length=1, max_length=64, description="The site's public id")
    uri: str = Field(..., min_length=1, max_length=2048, description="The page: its path (/post/1) or URL")
    title: str | None = Field(None, max_length=500, description="The page's title (for feeds)")
    parent: int | None = Field(None, ge=1, le=2**62, description="Id of the comment replied to")
    author: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254, description="Never shown; for moderators and reputation")
    website: str | None = Field(None, max_length=2000)
    text: str = Field(
        ..., max_length=100_000, description="Markdown; the site's limit applies (default 10,000)"
    )
    hp: str | None = Field(None, max_length=256, description="Honeypot: the hidden field, empty for people")
    rendered_at: str | None = Field(
        None, max_length=64, description="When the page with the form was rendered"
    )
    notify: bool = Field(
        False, description="E-mail me replies (with `email`; a confirmation mail is sent first)"
    )


class Created(BaseModel):
    id: int
    status: Literal["approved", "pending", "spam"]
    html: str
    created: str
    edit_token: str
    parent: int | None = None
    avatar: str | None = Field(None, description="with the site's `avatars` on: the avatar hash")


class CommentOut(BaseModel):
    id: int
    parent: int | None
    status: Literal["approved", "pending", "spam", "deleted"]
    created: str
    modified: str | None
    author: str
    website: str | None
    html: str
    likes: int
    moderator: bool = Field(False, description="a reply a moderator posted from the dashboard, as the site")
    avatar: str | None = None
    text: str | None = None
    replies: list[CommentOut] = []


class Thread(BaseModel):
    comments: list[CommentOut]
    total: int = Field(description="approved comments on the page")
    cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last")


class Edit(BaseModel):
    text: str = Field(..., max_length=100_000)


class Edited(BaseModel):
    id: int
    status: str
    html: str
    modified: str


class Gone(BaseModel):
    id: int
    status: Literal["deleted", "removed"] = Field(description="deleted: a placeholder stays for its replies")


class Liked(BaseModel):
    liked: bool
    likes: int


class Counts(BaseModel):
    counts: dict[str, int]


# -- posting and reading -------------------------------------------------------------------------
@router.post("/comments", status_code=201, response_model=Created, responses=ERRORS, summary="Post a comment")
async def post_comment(body: NewComment, request: Request) -> Response:
    porch = porch_of(request)
    if porch.store.dialect == "sqlite":  # validation, rendering, a cached site, one indexed read: no hop
        headers, draft = _draft(request, porch, body)
    else:
        headers, draft = await run_in_threadpool(_draft, request, porch, body)
    made = await porch.poster.post(draft)
    answer = json_response({k: made[k] for k in Created.model_fields if k in made}, 201, headers)
    answer.set_cookie(
        f"{EDIT_COOKIE}{made['id']}",
        made["edit_token"],
        max_age=EDIT_COOKIE_DAYS * 86400,
        httponly=True,
        samesite="lax",
        path="/api/v1",
    )
    return answer


def _draft(request: Request, porch: Porch, body: NewComment) -> tuple[dict[str, str], Draft]:
    site = porch.discussion.site(body.site)
    headers = allowed(request, site, CommentSettings.of(site))
    return headers, porch.poster.prepare(site, clean(body.model_dump()), client(request))


@router.get("/comments", response_model=Thread, responses=ERRORS, summary="A page's comments, replies nested")
async def list_comments(
    request: Request,
    site: str = Query(..., min_length=1, max_length=64),
    uri: str = Query(..., min_length=1, max_length=2048),
    sort: Literal["oldest", "newest", "top"] | None = Query(None, description="default: the site's"),
    cursor: str | None = Query(None, max_length=64),
    limit: int = Query(50, ge=1, le=1000, description="top-level comments per page (replies come along)"),
) -> Response:
    porch = porch_of(request)
    if porch.store.dialect == "sqlite":  # a cached answer costs two in-process lookups: no thread hop
        answer = _thread_answer(request, porch, site, uri, sort, cursor, limit, cached_only=True)
        if answer is not None:
            return answer
    found = await run_in_threadpool(_thread_answer, request, porch, site, uri, sort, cursor, limit)
    assert found is not None  # only a cached_only read answers None
    return found


def _thread_answer(
    request: Request,
    porch: Porch,
    site: str,
    uri: str,
    sort: str | None,
    cursor: str | None,
    limit: int,
    cached_only: bool = False,
) -> Response | None:
    """The page as JSON: from the worker's thread cache when current, else read and rendered.
    With `cached_only`, None instead of reading the comments (the caller reads them in a thread)."""
    comments, threads = porch.store.comments, porch.threads
    found = porch.discussion.site(site)
    conf = CommentSettings.of(found)
    headers = allowed(request, found, conf)
    sort = sort or (conf.default_sort if conf.default_sort in SORTS else "oldest")
    after = _cursor(cursor)
    state = comments.thread_state(found.id, q(uri))
    if state is None:
        return json_response({"comments": [], "total": 0, "cursor": None}, headers=headers)
    own = own_ids(request)
    moderator = moderator_of(request, found)[0]
    public = not moderator and not comments.pending_among(state.id, own)
    key = (state.id, sort, after, limit, conf.avatars)
    if public:
        body = threads.get(key, state.version)
        if body is not None:
            return Response(body, media_type="application/json", headers=headers)
    if cached_only:
        return None
    roots, replies, more = comments.page(
        state.id, sort=sort, after=after, limit=limit, own=() if public else own, moderator=moderator
    )
    body = orjson.dumps(
        {
            "comments": _nest(roots, replies, sort, conf.avatars),
            "total": int(state.approved or 0),
            "cursor": _next_cursor(roots, more, sort),
        }
    )
    if public:
        threads.put(key, state.version, body)
    return Response(body, media_type="application/json", headers=headers)


def _nest(roots: Sequence[Any], replies: Sequence[Any], sort: str, avatars: bool) -> list[dict[str, Any]]:
    """Rows → the nested public tree, in one pass (replies come ordered by id, so parents first)."""
    nodes: dict[int, dict[str, Any]] = {}
    out: list[dict[str, Any]] = []
    for rows, top in ((roots, True), (replies, False)):
        for row in rows:
            status = row.status
            node = {
                "id": row.id,
                "parent": row.parent_id,
                "status": status,
                "created": iso(row.created_at),
                "modified": iso(row.modified_at) if row.modified_at else None,
                "author": row.author if status != "deleted" else "",  # a moderator's delete keeps it for undo
                "website": row.website if status == "approved" else None,
                "html": row.html,
                "likes": row.likes,
                "moderator": bool(row.moderator),
                "replies": [],
            }
            if avatars:
                node["avatar"] = None if status == "deleted" else row.email_hash
            nodes[row.id] = node
            if top:
                out.append(node)
            else:
                home = nodes.get(row.parent_id) or nodes.get(row.root_id)  # a hidden parent: under the root
                if home is not None:
                    home["replies"].append(node)
    if sort != "oldest":
        key = (lambda n: -n["id"]) if sort == "newest" else (lambda n: (-n["likes"], -n["id"]))
        for node in nodes.values():
            if len(node["replies"]) > 1:
                node["replies"].sort(key=key)
    return _prune(out)


def _next_cursor(roots: Sequence[Any], more: bool, sort: str) -> str | None:
    if not (more and roots):
        return None
    last = roots[-1]
    return f"{last.likes if sort == 'top' else 0}.{last.id}"


def _prune(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop "deleted" placeholders that no longer have anything under them."""
    kept = []
    for node in nodes:
        if node["replies"]:
            node["replies"] = _prune(node["replies"])
        if node["status"] != "deleted" or node["replies"]:
            kept.append(node)
    return kept


def iso(moment: datetime) -> str:
    return utc(moment).isoformat()


def _cursor(cursor: str | None) -> tuple[int, int] | None:
    if not cursor:
        return None
    head, _, tail = cursor.partition(".")
    if not (head.isdigit() and tail.isdigit() and len(head) < 12 and len(tail) < 19):
        raise HTTPException(400, "invalid cursor: pass back the `cursor` of the previous page unchanged")
    return int(head), int(tail)


@router.get("/comments/{comment_id}", response_model=CommentOut, responses=ERRORS, summary="One comment")
def get_comment(request: Request, comment_id: int = ID) -> Response:
    porch = porch_of(request)
    d = porch.discussion
    row = porch.store.comments.get(comment_id)
    if row is None:
        raise HTTPException(404, f"no comment {comment_id}")
    site = d.site_by_id(row.site_id)
    conf = CommentSettings.of(site)
    headers = allowed(request, site, conf)
    mine = porch.signer.token_id(edit_token(request, comment_id) or "") == comment_id
    if row.status not in ("approved", "deleted") and not mine and not moderator_of(request, site)[0]:
        raise HTTPException(404, f"no comment {comment_id}")
    out = d.public(row, conf, text=row.text if mine else None)
    return json_response({**out, "replies": []}, headers=headers)


@router.patch(
    "/comments/{comment_id}", response_model=Edited, responses=ERRORS, summary="Edit one's own comment"
)
def edit_comment(body: Edit, request: Request, comment_id: int = ID) -> Response:
    d = porch_of(request).discussion
    row = d.own(comment_id, edit_token(request, comment_id))
    site = d.site_by_id(row.site_id)
    headers = allowed(request, site, CommentSettings.of(site))
    return json_response(d.edit(row, clean({"text": body.text})["text"], client(request)), headers=headers)


@router.delete(
    "/comments/{comment_id}",
    response_model=Gone,
    responses=ERRORS,
    summary="Delete a comment (its author within the edit window, or a moderator)",
)
def delete_comment(request: Request, comment_id: int = ID) -> Response:
    porch = porch_of(request)
    d = porch.discussion
    row = porch.store.comments.get(comment_id)
    if row is None or row.status == "deleted":
        raise Refused(404, f"no comment {comment_id}")
    site = d.site_by_id(row.site_id)
    headers = allowed(request, site, CommentSettings.of(site))
    may, account_id = moderator_of(request, site, changes=True)
    if may:  # into the dashboard's "deleted" queue (undoable; erased after deleted_retention_days)
        done = porch.moderation.act(site, comment_id, "delete", account_id)
        return json_response({"id": done["id"], "status": done["status"]}, headers=headers)
    row = d.own(comment_id, edit_token(request, comment_id))
    return json_response({"id": comment_id, "status": d.delete_own(row)}, headers=headers)


@router.post(
    "/comments/{comment_id}/like",
    response_model=Liked,
    responses=ERRORS,
    summary="Like a comment, or take the like back (once per visitor)",
)
def like_comment(request: Request, comment_id: int = ID) -> Response:
    porch = porch_of(request)
    row = porch.store.comments.get(comment_id)
    if row is None or row.status != "approved":
        raise HTTPException(404, f"no published comment {comment_id}")
    site = porch.discussion.site_by_id(row.site_id)
    headers = allowed(request, site, CommentSettings.of(site))
    who = client(request)
    liked, likes = porch.store.comments.toggle_like(
        comment_id, porch.signer.visitor(who["ip"], who["user_agent"])
    )
    return json_response({"liked": liked, "likes": likes}, headers=headers)


@router.get(
    "/counts", response_model=Counts, responses=ERRORS, summary="Approved comments per page (≤ 100 pages)"
)
async def counts(
    request: Request,
    site: str = Query(..., min_length=1, max_length=64),
    uri: list[str] = Query(..., description="repeat for each page, at most 100"),
) -> Response:
    if len(uri) > 100:
        raise HTTPException(422, "at most 100 uri values in one call")
    if any(len(u) > 2048 for u in uri):
        raise HTTPException(422, "a uri is longer than 2,048 characters")
    porch = porch_of(request)
    if porch.store.dialect == "sqlite":  # one indexed in-process read: cheaper than the thread hop
        return _counts(request, porch, site, uri)
    return await run_in_threadpool(_counts, request, porch, site, uri)


def _counts(request: Request, porch: Porch, site: str, uri: list[str]) -> Response:
    found = porch.discussion.site(site)
    headers = allowed(request, found, CommentSettings.of(found))
    return json_response(
        {"counts": porch.store.comments.counts(found.id, [q(u) for u in uri])}, headers=headers
    )
