"""The queues and what a moderator does in them: act, bulk act, undo, reply, search, history.

    GET  /admin/{site}/?status=pending|spam|approved|deleted&before=ID   a queue, newest first
    GET  /admin/{site}/search?q=&field=text|author|email|ip|page&status=
    GET  /admin/{site}/history?comment=ID&by=email|ip                     one commenter's comments
    POST /admin/{site}/comments/{id}        action=approve|spam|ham|delete   one comment
    POST /admin/{site}/bulk                 action=…, ids=1&ids=2…           the selected comments
    POST /admin/{site}/undo                 this account's last action on the site (within the hour)
    POST /admin/{site}/comments/{id}/reply  text=…                           a reply as the site

Every decision goes through `Moderation` (domain/moderation.py), which records it for undo and
teaches the engine exactly as Akismet's submit-spam / submit-ham would. Each POST works as a plain
form (303 back to the page with a banner saying what happened, and an Undo button) and as a fetch
from admin.js (`Accept: application/json`, the CSRF token in `X-CSRF-Token`; the answer says what
to show and the page updates the row in place).

The banner is honest about learning: one mark moves the model a bounded step (model.py), so after
a "not spam" the engine may still think a comment like this one is spam. The comment is checked
again with the model as it is now (a pure engine call: nothing is logged or stored) and, if its
opinion did not flip, the banner says so instead of implying that one click fixed the filter.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from fastapi import APIRouter, Form, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from ....engine import Submission
from ....store import Site
from ....store.accounts import Account
from ....store.dashboard import SEARCH_FIELDS, STATUSES, Listed
from ...context import porch_of
from ..sessions import check_csrf, require
from .common import AdminRoute, back_to, page, wants_json, with_banner

router = APIRouter(prefix="/admin", route_class=AdminRoute, include_in_schema=False)
SITE = Path(..., min_length=1, max_length=64)
ID = Path(..., ge=1, le=2**62)
ACTIONS = ("approve", "spam", "ham", "delete")
DONE = {"approve": "Approved", "spam": "Marked as spam", "ham": "Marked as not spam", "delete": "Deleted"}
PAGE_SIZE = 50


def _common(request: Request, account: Account, site: Site, tab: str) -> dict[str, Any]:
    porch = porch_of(request)
    return {
        "site": site,
        "role": account.role(site.id),
        "tab": tab,
        "counts": porch.store.dashboard.counts([site.id])[site.id],
        "banner": banner(request),
        "notices_stopped": porch.notifier.notices_stopped(site, account.email),
    }


# -- reading ---------------------------------------------------------------------------------
@router.get("/{site}/")
def queue(
    request: Request,
    site: str = SITE,
    status: str = Query("pending", max_length=16),
    before: int | None = Query(None, ge=1, le=2**62),
) -> Response:
    account, found = require(request, site)
    if status not in STATUSES:
        raise HTTPException(400, f"status must be one of {', '.join(STATUSES)}")
    listed = porch_of(request).store.dashboard.queue(found.id, status, before=before, limit=PAGE_SIZE)
    return page(
        request,
        "queue.html",
        {
            **_common(request, account, found, status),
            "status": status,
            "listing": listed,
            "before": before,
            "heading": {
                "pending": "Held for moderation",
                "spam": "Spam",
                "approved": "Published",
                "deleted": "Deleted",
            }[status],
            "more": {"status": status, "before": listed.next_before} if listed.next_before else None,
        },
    )


@router.get("/{site}/search")
def search(
    request: Request,
    site: str = SITE,
    q: str = Query("", max_length=500),
    field: str = Query("text", max_length=16),
    status: str = Query("", max_length=16),
    before: int | None = Query(None, ge=1, le=2**62),
) -> Response:
    account, found = require(request, site)
    if field not in SEARCH_FIELDS:
        raise HTTPException(400, f"search in one of: {', '.join(SEARCH_FIELDS)}")
    if status and status not in STATUSES:
        raise HTTPException(400, f"status must be one of {', '.join(STATUSES)}")
    listed = (
        porch_of(request).store.dashboard.search(found.id, field, q, status=status or None, before=before)
        if q.strip()
        else None
    )
    return page(
        request,
        "queue.html",
        {
            **_common(request, account, found, "search"),
            "status": None,
            "listing": listed,
            "before": before,
            "heading": f"Search: {q}" if q.strip() else "Search",
            "search": {"q": q, "field": field, "status": status},
            "more": {"q": q, "field": field, "status": status, "before": listed.next_before}
            if listed and listed.next_before
            else None,
        },
    )


@router.get("/{site}/history")
def history(
    request: Request,
    site: str = SITE,
    comment: int = Query(..., ge=1, le=2**62),
    by: str = Query("email", pattern="^(email|ip)$"),
    before: int | None = Query(None, ge=1, le=2**62),
) -> Response:
    account, found = require(request, site)
    dash = porch_of(request).store.dashboard
    one = dash.comment(found.id, comment)
    if one is None:
        raise HTTPException(404, f"no comment {comment} on this site")
    key = {"email_hash": one.email_hash} if by == "email" else {"ip": one.ip}
    if not any(key.values()):
        raise HTTPException(
            404, "this comment has no e-mail address" if by == "email" else "this comment has no IP address"
        )
    who = (one.email or "this e-mail address") if by == "email" else one.ip
    return page(
        request,
        "queue.html",
        {
            **_common(request, account, found, "history"),
            "status": None,
            "before": before,
            "listing": dash.history(found.id, before=before, **key),
            "totals": dash.status_totals(found.id, **key),
            "heading": f"Comments by {who}",
            "history_of": one,
            "more": None,
        },
    )


# -- acting ----------------------------------------------------------------------------------
@router.post("/{site}/comments/{comment_id}")
def act(
    request: Request,
    site: str = SITE,
    comment_id: int = ID,
    action: str = Form(..., max_length=16),
    csrf: str = Form("", max_length=200),
    back: str = Form("", max_length=2000),
) -> Response:
    account, found = require(request, site)
    check_csrf(request, csrf)
    if action not in ACTIONS:
        raise HTTPException(400, f"action must be one of {', '.join(ACTIONS)}")
    before = porch_of(request).store.dashboard.comment(found.id, comment_id)
    if before is None:
        raise HTTPException(404, f"no comment {comment_id} on this site")
    done = porch_of(request).moderation.act(found, comment_id, action, account_id=account.id)
    return _answer(request, found, action, [done], back, lesson=_lesson(request, found, before, done))


@router.post("/{site}/bulk")
def bulk(
    request: Request,
    site: str = SITE,
    action: str = Form(..., max_length=16),
    ids: list[int] = Form([]),
    csrf: str = Form("", max_length=200),
    back: str = Form("", max_length=2000),
) -> Response:
    account, found = require(request, site)
    check_csrf(request, csrf)
    if action not in ACTIONS:
        raise HTTPException(400, f"action must be one of {', '.join(ACTIONS)}")
    ids = list(dict.fromkeys(i for i in ids if 0 < i < 2**62))[:500]
    if not ids:
        raise HTTPException(400, "select at least one comment first")
    results = porch_of(request).moderation.bulk(found, ids, action, account_id=account.id)
    return _answer(request, found, action, results, back)


@router.post("/{site}/undo")
def undo(
    request: Request,
    site: str = SITE,
    csrf: str = Form("", max_length=200),
    back: str = Form("", max_length=2000),
) -> Response:
    account, found = require(request, site)
    check_csrf(request, csrf)
    done = porch_of(request).moderation.undo(found, account.id)
    if wants_json(request):
        return JSONResponse({"message": _undone(done), "undone": done})
    if done is None:
        return RedirectResponse(with_banner(back_to(found.public_id, back), msg="nothing"), status_code=303)
    url = with_banner(
        back_to(found.public_id, back),
        msg="undone",
        n=done["count"],
        failed=done["failed"] or None,
        was=done.get("status") if done["count"] == 1 else None,
    )
    return RedirectResponse(url, status_code=303)


@router.post("/{site}/comments/{comment_id}/reply")
def reply(
    request: Request,
    site: str = SITE,
    comment_id: int = ID,
    text: str = Form("", max_length=100_000),
    csrf: str = Form("", max_length=200),
    back: str = Form("", max_length=2000),
) -> Response:
    account, found = require(request, site)
    check_csrf(request, csrf)
    if not text.strip():
        raise HTTPException(422, "the reply is empty")
    if porch_of(request).store.dashboard.comment(found.id, comment_id) is None:
        raise HTTPException(404, f"no comment {comment_id} on this site")
    done = porch_of(request).moderation.reply(found, comment_id, text, account)
    if wants_json(request):
        return JSONResponse({"message": "Reply published as the site.", "reply": done})
    return RedirectResponse(with_banner(back_to(found.public_id, back), msg="replied"), status_code=303)


@router.post("/{site}/notices")
def resume_notices(
    request: Request,
    site: str = SITE,
    csrf: str = Form("", max_length=200),
    back: str = Form("", max_length=2000),
) -> Response:
    """Turn moderator notices back on after an unsubscribe link in one of them was followed."""
    account, found = require(request, site)
    check_csrf(request, csrf)
    porch_of(request).notifier.resume_notices(found, account.email)
    return RedirectResponse(with_banner(back_to(found.public_id, back), msg="notices"), status_code=303)


# -- what the banner says --------------------------------------------------------------------
def _undone(done: dict[str, Any] | None) -> str:
    """What an undo did: one comment (and where it is now), or how many, and how many could not be."""
    if done is None:
        return "Nothing to undo: only your own actions of the last hour can be undone."
    count, failed = done["count"], done["failed"]
    if count == 1 and not failed:
        where = f"{_where(done['status'])} again" if done.get("status") else "back where it was"
        return f"Undone: the comment is {where}, and the lesson was taken back."
    message = (
        "Undone: 1 comment is back where it was, and its lesson was taken back."
        if count == 1
        else f"Undone: {count} comments are back where they were, and the lessons were taken back."
    )
    if failed:
        message += (
            " 1 had changed since and stays as it is."
            if failed == 1
            else f" {failed} had changed since and stay as they are."
        )
    return message


def _where(status: str | None) -> str:
    return {
        "pending": "held for moderation",
        "spam": "in the spam queue",
        "approved": "published",
        "deleted": "deleted",
        "removed": "deleted",
    }.get(status or "", "back")


def _lesson(request: Request, site: Site, before: Listed, done: dict[str, Any]) -> dict[str, Any] | None:
    """When the engine learned from this mark, check the comment again with the model as it is
    now: {"score": …} if it still disagrees with the moderator (one mark is a bounded step)."""
    label = done.get("learned")
    if label not in ("spam", "ham"):
        return None
    try:
        engine = porch_of(request).learner.engine_for(site)
        verdict = engine.check(
            Submission.from_mapping(
                {
                    "blog": site.url,
                    "permalink": urljoin(site.url, before.uri),
                    "comment_type": "comment",
                    "comment_content": before.text,
                    "comment_author": before.author,
                    "comment_author_email": before.email or "",
                    "comment_author_url": before.website or "",
                    "user_ip": before.ip or "",
                }
            )
        )
    except Exception:  # noqa: BLE001 - the banner's footnote is not worth failing the action for
        return None
    if verdict.spam == (label == "spam"):
        return None
    return {"score": round(float(verdict.score), 2), "label": label}


def _message(
    action: str, results: list[dict[str, Any]], lesson: dict[str, Any] | None
) -> tuple[str, str | None]:
    ok = [r for r in results if not r.get("error")]
    failed = len(results) - len(ok)
    what = DONE[action]
    if len(results) > 1 or failed:
        head = f"{what}: {len(ok)} comment{'s' if len(ok) != 1 else ''}."
    else:
        head = f"{what}."
    learned = {r.get("learned") for r in ok} - {None}
    if action == "delete":
        head += " Deleting teaches the engine nothing."
    elif lesson:
        pass  # the note says what was learned, and what it did not change
    elif learned == {"ham"}:
        head += (
            " porch learned that this is not spam."
            if len(ok) == 1
            else " porch learned that these are not spam."
        )
    elif learned == {"spam"}:
        head += " porch learned that this is spam." if len(ok) == 1 else " porch learned that these are spam."
    elif learned:
        head += " porch learned from each of them."
    elif action == "approve" and ok:
        head += (
            " The engine had not called it spam, so there was nothing to teach."
            if len(ok) == 1
            else " The engine had not called them spam, so there was nothing to teach."
        )
    if failed:
        head += f" {failed} could not be changed (changed meanwhile or gone)."
    note = None
    if lesson:
        note = _note(lesson["label"], lesson["score"])
    return head, note


def _note(label: str, score: float) -> str:
    if label == "ham":
        return (
            f"porch learned from this; one mark moves the model a bounded step, so it would still call a "
            f"comment like this spam (score {score:.2f}). A few more marks like it will tip the balance."
        )
    return (
        f"porch learned from this; one mark moves the model a bounded step, so it would still let a "
        f"comment like this through (score {score:.2f}). A few more marks like it will tip the balance."
    )


def _answer(
    request: Request,
    site: Site,
    action: str,
    results: list[dict[str, Any]],
    back: str,
    lesson: dict[str, Any] | None = None,
) -> Response:
    message, note = _message(action, results, lesson)
    if wants_json(request):
        return JSONResponse({"message": message, "note": note, "results": results})
    failed = sum(1 for r in results if r.get("error"))
    learned = sorted({str(r.get("learned")) for r in results if not r.get("error")} & {"spam", "ham"})
    url = with_banner(
        back_to(site.public_id, back),
        did=action,
        n=len(results) - failed,
        failed=failed or None,
        learned=",".join(learned) or None,
        note=lesson["label"] if lesson else None,
        score=lesson["score"] if lesson else None,
    )
    return RedirectResponse(url, status_code=303)


def banner(request: Request) -> dict[str, Any] | None:
    """The banner of the last action, rebuilt from the redirect's query (fixed texts, no echo)."""
    q = request.query_params
    msg = q.get("msg")
    if msg == "undone":
        was = q.get("was")
        done = {
            "count": _int(q.get("n"), 1),
            "failed": _int(q.get("failed"), 0),
            "status": was if was in STATUSES else None,
        }
        return {"message": _undone(done), "note": None, "undo": False}
    if msg in ("nothing", "replied", "saved", "notices"):
        text = {
            "nothing": _undone(None),
            "replied": "Reply published as the site.",
            "saved": "Saved.",
            "notices": "E-mail notices about held comments are on again for you.",
        }[msg]
        return {"message": text, "note": None, "undo": False}
    action = q.get("did")
    if action not in ACTIONS:
        return None
    n = _int(q.get("n"), 1)
    failed = _int(q.get("failed"), 0)
    learned = [x for x in (q.get("learned") or "").split(",") if x in ("spam", "ham")][:2]
    results: list[dict[str, Any]] = [
        {"learned": learned[i % len(learned)] if learned else None} for i in range(n)
    ]
    results += [{"error": True}] * failed
    note: str | None = None
    lesson: dict[str, Any] | None = None
    if q.get("note") in ("spam", "ham"):
        try:
            score = min(1.0, max(0.0, float(q.get("score", ""))))
            lesson = {"label": q["note"], "score": score}
            note = _note(q["note"], score)
        except ValueError:
            lesson = None
    message, _ = _message(action, results, lesson)
    return {"message": message, "note": note, "undo": n > 0}


def _int(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() and len(value) < 5 else default
