"""The pages that links in porch's mails open: confirm, unsubscribe, one-click moderation.

    GET  /mail/confirm/{token}       a page with one button → POST confirms reply notifications
    GET  /mail/unsubscribe/{token}   a page with one button → POST unsubscribes (also RFC 8058 one-click)
    GET  /mail/moderate/{token}      the held comment and one button → POST approves or marks spam

Why GET never acts: mail providers' link scanners fetch every link in a mail before the reader
sees it; a GET that confirmed, unsubscribed or published would be done by a robot. So GET shows a
page and the button POSTs to the same address; the token in the address is the authorisation (no
login, no cookie: it works from a phone's mail app). The one-click unsubscribe of RFC 8058 is that
same POST, sent by the mail client with `List-Unsubscribe=One-Click` as its body.

Tokens are signed (mail/links.py). A bad, altered or expired token gives a 400 page that says so;
an unknown site or comment 404; a moderation link of someone no longer a member of the site 403 —
never a 500. Pages are small Jinja2 templates (web/templates/mail/, autoescaped), no scripts, no
external resources, `Referrer-Policy: no-referrer` (the address holds the token) and `noindex`.

Moderation goes through `Moderation.act` (domain/moderation.py), as in the dashboard, recording
the member the link was made for (undoable there); a published reply triggers its reply
notification.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...store import Site, SiteNotFound
from ...store.db import utc
from ..context import porch_of
from ..domain.errors import Refused
from ..mail.links import CONFIRM_DAYS, BadLink
from ..mail.notify import Notifier
from ..mail.templates import templates

router = APIRouter(prefix="/mail", include_in_schema=False)
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
}
ACTIONS = {
    "approve": ("approved", "Approve and publish", "Published.", "Already published."),
    "spam": ("spam", "Mark as spam", "Marked as spam; the filter learns from it.", "Already marked as spam."),
}
STATUS_TEXT = {
    "approved": "published",
    "pending": "held for moderation",
    "spam": "spam",
    "deleted": "deleted",
}


def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(
        templates().get_template(template).render(**context), status_code=status, headers=HEADERS
    )


def problem(status: int, message: str, title: str = "This link cannot be used") -> HTMLResponse:
    return page("message.html", status, title=title, message=message, error=True)


def _subscriber(request: Request, kind: str, token: str) -> tuple[Notifier, Site, str]:
    note = porch_of(request).notifier
    link = note.links.read(kind, token)
    site = note.site(link.site_id)
    if len(link.subject) != 32:
        raise BadLink(400, "This link is not valid.")
    return note, site, link.subject


Page = Callable[[Request, str], HTMLResponse]


def _guard(handler: Page) -> Page:
    """Bad links and unknown sites become pages with a 4xx, not tracebacks."""

    def wrapped(request: Request, token: str) -> HTMLResponse:
        try:
            return handler(request, token)
        except BadLink as exc:
            return problem(exc.status, exc.message)
        except SiteNotFound:
            return problem(404, "The site this link belongs to no longer exists.")
        except Refused as exc:
            return problem(exc.status, exc.message[:1].upper() + exc.message[1:] + ".", "Nothing was changed")

    wrapped.__name__ = handler.__name__
    return wrapped


# -- confirm ---------------------------------------------------------------------------------
@_guard
def _confirm(request: Request, token: str) -> HTMLResponse:
    note, site, email_hash = _subscriber(request, "c", token)
    name = site.name or site.url
    if request.method == "POST":
        status = note.mail.confirm(site.id, email_hash)
    else:
        status = note.mail.status(site.id, email_hash)
    if status is None:
        return problem(
            404,
            f"There is nothing to confirm: the request has expired ({CONFIRM_DAYS} days). "
            "Tick “Notify me of replies” with your next comment to get a new link.",
        )
    if status == "unsubscribed":
        return page(
            "message.html",
            409,
            title="Unsubscribed",
            site_name=name,
            error=True,
            message="This address was unsubscribed from this site, so this link no longer works. "
            "Tick “Notify me of replies” with your next comment to subscribe again.",
        )
    if status == "confirmed":
        return page(
            "message.html",
            title="Reply notifications are on",
            site_name=name,
            message=f"You will get an e-mail when somebody replies to your comments on {name}.",
            more="Every such e-mail has a link to unsubscribe.",
            link=site.url,
            link_text=f"Back to {name}",
        )
    return page("confirm.html", title="Confirm reply notifications", site_name=name)


@router.api_route("/confirm/{token}", methods=["GET", "POST"], response_class=HTMLResponse)
def confirm(request: Request, token: str) -> HTMLResponse:
    """GET: the page with its button; POST: the button."""
    return _confirm(request, token)


# -- unsubscribe -----------------------------------------------------------------------------
@_guard
def _unsubscribe(request: Request, token: str) -> HTMLResponse:
    note, site, email_hash = _subscriber(request, "u", token)
    name = site.name or site.url
    if request.method == "POST":
        note.mail.unsubscribe(site.id, email_hash)
    elif note.mail.status(site.id, email_hash) != "unsubscribed":
        return page("unsubscribe.html", title="Unsubscribe", site_name=name)
    return page(
        "message.html",
        title="Unsubscribed",
        site_name=name,
        message=f"This address gets no more e-mail from porch for {name}.",
        more="The address itself was deleted from the list of subscribers.",
    )


@router.api_route("/unsubscribe/{token}", methods=["GET", "POST"], response_class=HTMLResponse)
def unsubscribe(request: Request, token: str) -> HTMLResponse:
    """GET: the page; POST: its button, and RFC 8058 one-click (body `List-Unsubscribe=One-Click`,
    which needs no reading)."""
    return _unsubscribe(request, token)


# -- one-click moderation --------------------------------------------------------------------
@_guard
def _moderate(request: Request, token: str) -> HTMLResponse:
    porch = porch_of(request)
    note = porch.notifier
    link = note.links.read("m", token)
    comment, _, rest = link.subject.partition("-")
    action, _, account = rest.partition("-")
    if not (comment.isdigit() and account.isdigit() and action in ACTIONS):
        raise BadLink(400, "This link is not valid.")
    comment_id, account_id = int(comment), int(account)
    site = note.site(link.site_id)
    member = note.accounts.get(account_id)
    if member is None or member.role(site.id) is None:
        return problem(403, "This link was made for a moderator who no longer moderates this site.")
    comments = porch.store.comments
    row = comments.get(comment_id)
    if row is None or row.site_id != site.id:
        return problem(404, "This comment no longer exists (it was deleted).", "Comment not found")
    target, button, done_text, already = ACTIONS[action]
    done = None
    if row.status == "deleted":
        done = "This comment was deleted; there is nothing to do."
    elif row.status == target:
        done = already
    elif request.method == "POST":
        porch.moderation.act(site, comment_id, action, account_id=account_id)  # as in the dashboard
        row = comments.get(comment_id) or row
        done = done_text if row.status == target else "Nothing was changed: the comment changed meanwhile."
    name = site.name or site.url
    return page(
        "moderate.html",
        title=button if not done else "Moderation",
        site_name=name,
        action=action,
        button=button,
        done=done,
        author=row.author or "Anonymous",
        page=urljoin(site.url, row.uri),
        page_title=row.uri,
        created=utc(row.created_at).strftime("%Y-%m-%d %H:%M UTC"),
        text=row.text,
        status_text=STATUS_TEXT.get(row.status, row.status),
    )


@router.api_route("/moderate/{token}", methods=["GET", "POST"], response_class=HTMLResponse)
def moderate(request: Request, token: str) -> HTMLResponse:
    """GET: the comment and one button (link scanners fetch GETs); POST: the action."""
    return _moderate(request, token)
