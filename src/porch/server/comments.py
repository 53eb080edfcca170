"""The comment API the widget talks to: post, list, edit, delete, like, count, feeds, moderation.

    POST   /api/v1/comments                   {site, uri, parent?, author?, email?, website?, text, …}
    GET    /api/v1/comments?site=&uri=&sort=&cursor=&limit=
    GET    /api/v1/comments/{id}              PATCH / DELETE with the edit token (or the site's API key)
    POST   /api/v1/comments/{id}/like         toggle, once per visitor
    POST   /api/v1/comments/{id}/approve|spam|ham   moderators: the site's API key as Bearer, or a session
    GET    /api/v1/moderation?status=pending|spam[&site=]   moderators: the queue
    GET    /api/v1/counts?site=&uri=a&uri=b   up to 100 pages
    GET    /api/v1/feed?site=[&uri=]          Atom: newest comments of a site or a page

HTTP only: the rules live in discussion.py, the queries in store/comments.py. Most routes are
plain functions (FastAPI runs them in its thread pool) because the database calls block. The hot
reads are `async`: the list of a page and the counts call run their few indexed lookups right on
the event loop on SQLite (in-process, tens of microseconds, less than the thread hop they would
otherwise pay) and go to the thread pool for PostgreSQL (a network round trip) and for a thread
that is not in the worker's cache (threadcache.py). Lists are serialised with orjson straight
from the Core rows, skipping response-model validation (the schema is still declared for OpenAPI).
Posting is `async` too: the route validates and renders, then hands the draft to the worker's
`Poster` (posting.py), which checks and stores concurrent posts in one batch and one commit.

CORS is per site: a browser's `Origin` must be one of the site's allowed origins (default: the
origin of the site's URL), else 403 and no CORS headers. Preflights are answered for any origin;
the real request is what is refused. Requests without `Origin` (curl, servers, feed readers) pass.
Every refusal is a 4xx with `{"detail": message}`; commenter data is never logged.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal, Optional
from xml.sax.saxutils import escape, quoteattr

import orjson
from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from ..store.comments import CommentStore, Refused
from ..store.queries import utc
from .auth import session_moderator
from .moderation import moderation
from .discussion import SORTS, CommentSettings, Discussion
from .identity import TrustedProxies, visitor_key
from .posting import Poster

router = APIRouter(prefix="/api/v1", tags=["comments"])
ID = Path(..., ge=1, le=2**62, description="comment id")
COOKIE = "porch_edit_"
ERRORS = {
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
    title: Optional[str] = Field(None, max_length=500, description="The page's title (for feeds)")
    parent: Optional[int] = Field(None, ge=1, le=2**62, description="Id of the comment replied to")
    author: Optional[str] = Field(None, max_length=200)
    email: Optional[str] = Field(
        None, max_length=254, description="Never shown; for moderators and reputation"
    )
    website: Optional[str] = Field(None, max_length=2000)
    text: str = Field(
        ..., max_length=100_000, description="Markdown; the site's limit applies (default 10,000)"
    )
    hp: Optional[str] = Field(
        None, max_length=256, description="Honeypot: the hidden field, empty for people"
    )
    rendered_at: Optional[str] = Field(
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
    parent: Optional[int] = None
    avatar: Optional[str] = Field(None, description="with the site's `avatars` on: the avatar hash")


class CommentOut(BaseModel):
    id: int
    parent: Optional[int]
    status: Literal["approved", "pending", "spam", "deleted"]
    created: str
    modified: Optional[str]
    author: str
    website: Optional[str]
    html: str
    likes: int
    moderator: bool = Field(False, description="a reply a moderator posted from the dashboard, as the site")
    avatar: Optional[str] = None
    text: Optional[str] = None
    replies: list["CommentOut"] = []


class Thread(BaseModel):
    comments: list[CommentOut]
    total: int = Field(description="approved comments on the page")
    cursor: Optional[str] = Field(description="pass as `cursor` for the next page; null on the last")


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


class Moderated(BaseModel):
    id: int
    status: str
    learned: Optional[Literal["spam", "ham"]] = None


class Counts(BaseModel):
    counts: dict[str, int]


# -- plumbing ------------------------------------------------------------------------------------
def discussion(request: Request) -> Discussion:
    return discussion_of(request.app.state.porch)


def discussion_of(state: dict) -> Discussion:
    """The worker's Discussion, from the app's state (the mail sender has no request)."""
    found = state.get("discussion")
    if found is None:  # built on first use; "discussion" is set last, so whoever sees it sees the rest
        from .notify import notifier

        found = Discussion(
            state["settings"], state["store"], CommentStore(state["store"].engine), state["service"]
        )
        found.notifier = notifier(state)
        state["proxies"] = TrustedProxies(state["settings"].trusted_proxies)
        state["poster"] = Poster(found)
        state["discussion"] = found
    return found


def client(request: Request) -> dict[str, str]:
    proxies: TrustedProxies = request.app.state.porch["proxies"]
    peer = request.client.host if request.client else ""
    return {
        "ip": proxies.client_ip(peer, request.headers),
        "user_agent": request.headers.get("user-agent", "")[:1000],
        "referrer": request.headers.get("referer", "")[:2000],
    }


def refused(exc: Refused, cors: dict[str, str] | None = None) -> HTTPException:
    return HTTPException(exc.status, exc.message, headers=cors or None)


def cors(request: Request, site, conf: CommentSettings) -> dict[str, str]:
    origin = request.headers.get("origin")
    if not origin:
        return {}
    if origin.lower() not in conf.origins(site.url):
        raise HTTPException(403, f"origin {origin[:200]!r} is not allowed for this site")
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Credentials": "true",
        "Vary": "Origin",
    }


def bearer(request: Request) -> str:
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def moderator_of(request: Request, site, changes: bool = False) -> tuple[bool, int | None]:
    """(may moderate `site`, the account id): the site's API key as Bearer (no account), or a
    moderator's session (with its CSRF header if the call `changes` something)."""
    token = bearer(request)
    if token and "." not in token:
        found = request.app.state.porch["keys"].site(token)
        return found is not None and found.id == site.id, None
    account = session_moderator(request, site, changes=changes)
    return account is not None, getattr(account, "id", None)


def is_moderator(request: Request, site, changes: bool = False) -> bool:
    return moderator_of(request, site, changes)[0]


def token_for(request: Request, comment_id: int) -> str | None:
    token = bearer(request)
    if token and "." in token:
        return token
    return request.cookies.get(f"{COOKIE}{comment_id}")


def own_ids(request: Request, d: Discussion) -> list[int]:
    tokens = [v for k, v in request.cookies.items() if k.startswith(COOKIE)][:100]
    if "." in bearer(request):
        tokens.append(bearer(request))
    return [i for i in (d.token_id(tok) for tok in tokens) if i is not None]


def json_response(data, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(data), status_code=status, media_type="application/json", headers=headers)


# -- posting and reading -------------------------------------------------------------------------
@router.post("/comments", status_code=201, response_model=Created, responses=ERRORS, summary="Post a comment")
async def post_comment(body: NewComment, request: Request) -> Response:
    d = discussion(request)
    if d.comments.dialect == "sqlite":  # validation, rendering, a cached site, one indexed read: no hop
        headers, draft = _draft(request, d, body)
    else:
        headers, draft = await run_in_threadpool(_draft, request, d, body)
    try:
        made = await request.app.state.porch["poster"].post(draft)
    except Refused as exc:
        raise refused(exc) from None
    answer = json_response({k: made[k] for k in Created.model_fields if k in made}, 201, headers)
    answer.set_cookie(
        f"{COOKIE}{made['id']}",
        made["edit_token"],
        max_age=30 * 86400,
        httponly=True,
        samesite="lax",
        path="/api/v1",
    )
    return answer


def _draft(request: Request, d: Discussion, body: NewComment):
    try:
        site = d.site(body.site)
        headers = cors(request, site, CommentSettings.of(site))
        return headers, d.prepare(site, _clean(body.model_dump()), client(request))
    except Refused as exc:
        raise refused(exc) from None


@router.get("/comments", response_model=Thread, responses=ERRORS, summary="A page's comments, replies nested")
async def list_comments(
    request: Request,
    site: str = Query(..., min_length=1, max_length=64),
    uri: str = Query(..., min_length=1, max_length=2048),
    sort: Optional[Literal["oldest", "newest", "top"]] = Query(None, description="default: the site's"),
    cursor: Optional[str] = Query(None, max_length=64),
    limit: int = Query(50, ge=1, le=1000, description="top-level comments per page (replies come along)"),
):
    d = discussion(request)
    args = (request, d, site, uri, sort, cursor, limit)
    if d.comments.dialect == "sqlite":  # a cached answer costs two in-process lookups: no thread hop
        answer = _thread_answer(*args, cached_only=True)
        if answer is not None:
            return answer
    return await run_in_threadpool(_thread_answer, *args)


def _thread_answer(
    request: Request,
    d: Discussion,
    site: str,
    uri: str,
    sort: str | None,
    cursor: str | None,
    limit: int,
    cached_only: bool = False,
) -> Response | None:
    """The page as JSON: from the worker's thread cache when current, else read and rendered.
    With `cached_only`, None instead of reading the comments (the caller reads them in a thread)."""
    try:
        found = d.site(site)
        conf = CommentSettings.of(found)
        headers = cors(request, found, conf)
    except Refused as exc:
        raise refused(exc) from None
    sort = sort or (conf.default_sort if conf.default_sort in SORTS else "oldest")
    after = _cursor(cursor)
    state = d.comments.thread_state(found.id, _q(uri))
    if state is None:
        return json_response({"comments": [], "total": 0, "cursor": None}, headers=headers)
    own = own_ids(request, d)
    moderator = is_moderator(request, found)
    public = not moderator and not d.comments.pending_among(state.id, own)
    key = (state.id, sort, after, limit, conf.avatars)
    if public:
        body = d.threads.get(key, state.version)
        if body is not None:
            return Response(body, media_type="application/json", headers=headers)
    if cached_only:
        return None
    roots, replies, more = d.comments.page(
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
        d.threads.put(key, state.version, body)
    return Response(body, media_type="application/json", headers=headers)


def _nest(roots, replies, sort: str, avatars: bool) -> list[dict]:
    """Rows → the nested public tree, in one pass (replies come ordered by id, so parents first)."""
    nodes: dict[int, dict] = {}
    out: list[dict] = []
    for rows, top in ((roots, True), (replies, False)):
        for row in rows:
            status = row.status
            node = {
                "id": row.id,
                "parent": row.parent_id,
                "status": status,
                "created": _iso(row.created_at),
                "modified": _iso(row.modified_at) if row.modified_at else None,
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
                home = nodes.get(row.parent_id) or nodes.get(
                    row.root_id
                )  # a hidden parent: hang under the root
                if home is not None:
                    home["replies"].append(node)
    if sort != "oldest":
        key = (lambda n: -n["id"]) if sort == "newest" else (lambda n: (-n["likes"], -n["id"]))
        for node in nodes.values():
            if len(node["replies"]) > 1:
                node["replies"].sort(key=key)
    return _prune(out)


def _next_cursor(roots, more: bool, sort: str) -> str | None:
    if not (more and roots):
        return None
    last = roots[-1]
    return f"{last.likes if sort == 'top' else 0}.{last.id}"


def _prune(nodes: list[dict]) -> list[dict]:
    """Drop "deleted" placeholders that no longer have anything under them."""
    kept = []
    for node in nodes:
        if node["replies"]:
            node["replies"] = _prune(node["replies"])
        if node["status"] != "deleted" or node["replies"]:
            kept.append(node)
    return kept


def _iso(moment: datetime) -> str:
    return utc(moment).isoformat()


def _cursor(cursor: str | None) -> tuple[int, int] | None:
    if not cursor:
        return None
    head, _, tail = cursor.partition(".")
    if not (head.isdigit() and tail.isdigit() and len(head) < 12 and len(tail) < 19):
        raise HTTPException(400, "invalid cursor: pass back the `cursor` of the previous page unchanged")
    return int(head), int(tail)


@router.get("/comments/{comment_id}", response_model=CommentOut, responses=ERRORS, summary="One comment")
def get_comment(request: Request, comment_id: int = ID):
    d = discussion(request)
    row = d.comments.get(comment_id)
    if row is None:
        raise HTTPException(404, f"no comment {comment_id}")
    site = d.site_by_id(row.site_id)
    conf = CommentSettings.of(site)
    headers = cors(request, site, conf)
    mine = d.token_id(token_for(request, comment_id) or "") == comment_id
    if row.status not in ("approved", "deleted") and not mine and not is_moderator(request, site):
        raise HTTPException(404, f"no comment {comment_id}")
    out = d.public(row, conf, text=row.text if mine else None)
    return json_response({**out, "replies": []}, headers=headers)


@router.patch(
    "/comments/{comment_id}", response_model=Edited, responses=ERRORS, summary="Edit one's own comment"
)
def edit_comment(body: Edit, request: Request, comment_id: int = ID):
    d = discussion(request)
    try:
        row = d.own(comment_id, token_for(request, comment_id))
        site = d.site_by_id(row.site_id)
        headers = cors(request, site, CommentSettings.of(site))
        return json_response(
            d.edit(row, _clean({"text": body.text})["text"], client(request)), headers=headers
        )
    except Refused as exc:
        raise refused(exc) from None


@router.delete(
    "/comments/{comment_id}",
    response_model=Gone,
    responses=ERRORS,
    summary="Delete a comment (its author within the edit window, or a moderator)",
)
def delete_comment(request: Request, comment_id: int = ID):
    d = discussion(request)
    try:
        row = d.comments.get(comment_id)
        if row is None or row.status == "deleted":
            raise Refused(404, f"no comment {comment_id}")
        site = d.site_by_id(row.site_id)
        headers = cors(request, site, CommentSettings.of(site))
        allowed, account_id = moderator_of(request, site, changes=True)
        if allowed:  # into the dashboard's "deleted" queue (undoable; erased after deleted_retention_days)
            done = moderation(request).act(site, comment_id, "delete", account_id)
            return json_response({"id": done["id"], "status": done["status"]}, headers=headers)
        row = d.own(comment_id, token_for(request, comment_id))
        return json_response({"id": comment_id, "status": d.delete_own(row)}, headers=headers)
    except Refused as exc:
        raise refused(exc) from None


@router.post(
    "/comments/{comment_id}/like",
    response_model=Liked,
    responses=ERRORS,
    summary="Like a comment, or take the like back (once per visitor)",
)
def like_comment(request: Request, comment_id: int = ID):
    d = discussion(request)
    row = d.comments.get(comment_id)
    if row is None or row.status != "approved":
        raise HTTPException(404, f"no published comment {comment_id}")
    site = d.site_by_id(row.site_id)
    headers = cors(request, site, CommentSettings.of(site))
    who = client(request)
    liked, likes = d.comments.toggle_like(comment_id, visitor_key(d._secret, who["ip"], who["user_agent"]))
    return json_response({"liked": liked, "likes": likes}, headers=headers)


@router.get(
    "/counts", response_model=Counts, responses=ERRORS, summary="Approved comments per page (≤ 100 pages)"
)
async def counts(
    request: Request,
    site: str = Query(..., min_length=1, max_length=64),
    uri: list[str] = Query(..., description="repeat for each page, at most 100"),
):
    if len(uri) > 100:
        raise HTTPException(422, "at most 100 uri values in one call")
    if any(len(u) > 2048 for u in uri):
        raise HTTPException(422, "a uri is longer than 2,048 characters")
    d = discussion(request)
    if d.comments.dialect == "sqlite":  # one indexed in-process read: cheaper than the thread hop
        return _counts(request, d, site, uri)
    return await run_in_threadpool(_counts, request, d, site, uri)


def _counts(request: Request, d: Discussion, site: str, uri: list[str]) -> Response:
    try:
        found = d.site(site)
        headers = cors(request, found, CommentSettings.of(found))
    except Refused as exc:
        raise refused(exc) from None
    return json_response({"counts": d.comments.counts(found.id, [_q(u) for u in uri])}, headers=headers)


@router.get(
    "/feed",
    responses={**ERRORS, 200: {"content": {"application/atom+xml": {}}, "description": "Atom"}},
    response_class=Response,
    summary="Atom feed of the newest comments of a site, or of one page",
)
def feed(
    request: Request,
    site: str = Query(..., min_length=1, max_length=64),
    uri: Optional[str] = Query(None, min_length=1, max_length=2048),
):
    d = discussion(request)
    try:
        found = d.site(site)
    except Refused as exc:
        raise refused(exc) from None
    thread = d.comments.thread_id(found.id, _q(uri)) if uri else None
    rows = [] if uri and thread is None else d.comments.recent(found.id, thread)
    return Response(atom(found, uri, rows), media_type="application/atom+xml; charset=utf-8")


def atom(site, uri: str | None, rows) -> str:
    from urllib.parse import urljoin

    page = urljoin(site.url, uri) if uri else site.url
    title = f"Comments on {page}" if uri else f"Comments on {site.name or site.url}"
    updated = _iso(rows[0].created_at) if rows else datetime.now(timezone.utc).isoformat()
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
            f"<published>{_iso(r.created_at)}</published><updated>{_iso(r.modified_at or r.created_at)}</updated>"
            f'<link href={quoteattr(link)}/><content type="html">{escape(r.html)}</content></entry>'
        )
    parts.append("</feed>")
    return "\n".join(parts)


# -- moderation ----------------------------------------------------------------------------------
def _moderate(request: Request, comment_id: int, action: str):
    d = discussion(request)
    row = d.comments.get(comment_id)
    site = d.site_by_id(row.site_id) if row is not None else None
    allowed, account_id = moderator_of(request, site, changes=True) if site is not None else (False, None)
    if not allowed:
        raise HTTPException(
            403 if row is not None else 404,
            "moderation needs the site's API key as `Authorization: Bearer KEY`, or a moderator's "
            "session with its CSRF token as `X-CSRF-Token`",
        )
    try:
        done = moderation(request).act(site, comment_id, action, account_id)
        return json_response({"id": done["id"], "status": done["status"], "learned": done["learned"]})
    except Refused as exc:
        raise refused(exc) from None


@router.post(
    "/comments/{comment_id}/approve",
    response_model=Moderated,
    responses=ERRORS,
    tags=["moderation"],
    summary="Publish a held comment (teaches the engine if it had called it spam)",
)
def approve(request: Request, comment_id: int = ID):
    return _moderate(request, comment_id, "approve")


@router.post(
    "/comments/{comment_id}/spam",
    response_model=Moderated,
    responses=ERRORS,
    tags=["moderation"],
    summary="Mark spam: hidden, and the engine learns (as submit-spam)",
)
def mark_spam(request: Request, comment_id: int = ID):
    return _moderate(request, comment_id, "spam")


@router.post(
    "/comments/{comment_id}/ham",
    response_model=Moderated,
    responses=ERRORS,
    tags=["moderation"],
    summary="Mark ham: published, and the engine learns (as submit-ham)",
)
def mark_ham(request: Request, comment_id: int = ID):
    return _moderate(request, comment_id, "ham")


@router.get("/moderation", responses=ERRORS, tags=["moderation"], summary="The queue: held or spam comments")
def queue(
    request: Request,
    status: Literal["pending", "spam"] = Query("pending"),
    limit: int = Query(100, ge=1, le=500),
    site: Optional[str] = Query(None, max_length=64, description="the site's public id (with a session)"),
):
    token = bearer(request)
    d = discussion(request)
    if token and "." not in token:
        found = request.app.state.porch["keys"].site(token)
    elif site is not None:
        try:
            found = d.site(site)
        except Refused:
            found = None
        if found is not None and session_moderator(request, found, changes=False) is None:
            found = None
    else:
        found = None
    if found is None:
        raise HTTPException(
            401,
            "send the site's API key as `Authorization: Bearer KEY`, "
            "or log in as one of its moderators and name the site",
        )
    site = found
    conf = CommentSettings.of(site)
    rows = d.comments.queue(site.id, status, limit)
    return json_response(
        {
            "comments": [
                {
                    **d.public(r, conf, text=r.text),
                    "uri": r.uri,
                    "email": r.email,
                    "verdict": r.verdict,
                    "score": r.score,
                }
                for r in rows
            ]
        }
    )


@router.options("/{path:path}", include_in_schema=False)
def preflight(request: Request, path: str):
    """CORS preflight for any origin: the real request is where a disallowed origin is refused."""
    origin = request.headers.get("origin")
    if not origin:
        return Response(status_code=204)
    return Response(
        status_code=204,
        headers={
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Credentials": "true",
            "Vary": "Origin",
            "Access-Control-Allow-Methods": "GET, POST, PATCH, DELETE, OPTIONS",
            "Access-Control-Allow-Headers": "Authorization, Content-Type",
            "Access-Control-Max-Age": "600",
        },
    )


def _q(value: str) -> str:
    """A query value as stored: without NUL characters (PostgreSQL refuses them) or outer blanks."""
    return value.replace("\x00", "").strip()


def _clean(data: dict) -> dict:
    """Text every database stores: no NUL characters (JSON allows them)."""
    return {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in data.items()}
