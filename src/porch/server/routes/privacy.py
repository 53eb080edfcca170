"""`/privacy/SITE`: how a site's comment data is processed, generated from the configuration in force.

The widget links here from under every comment form ("Learn how your comment data is processed").
Nothing on the page is boilerplate that could drift from the truth: the retention periods are the
running server's `Settings` values, the edit-token cookie's lifetime is the one comments.py sets,
the contact is the site's `contact` setting (`porch site set SITE --contact …`), and what is said
about avatars, moderation and e-mail (reply notifications, moderator notices; only when the operator
configured SMTP) follows the site's comment settings and the server's. Everything is processed on this
server; porch itself makes no outbound calls but to the operator's SMTP server, so no third party
is named unless one is configured (a shared Redis for rate limits holds counters, not commenter
data, and is named if set).

This module only gathers those facts; the words are the template web/templates/pages/privacy.html
(English, each statement under the `if` of the setting it depends on) and its translations in the
widget's five languages, web/locale/<lang>/LC_MESSAGES/messages.po (server/i18n.py: `?lang=`, else
the browser's Accept-Language, else English). Periods are written by `span` ("1 day", "12 Tage").
"""

from __future__ import annotations

from functools import lru_cache

import jinja2
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from ...store.mail import CONFIRM_DAYS
from .. import i18n
from ..context import porch_of
from ..domain.sitesettings import CommentSettings
from .comments import EDIT_COOKIE_DAYS

router = APIRouter(tags=["widget"])


@lru_cache(maxsize=len(i18n.LANGS))
def templates(lang: str) -> jinja2.Environment:
    return i18n.environment(lang)


@router.get(
    "/privacy/{site}", response_class=HTMLResponse, summary="How this site's comment data is processed"
)
def privacy_page(
    request: Request,
    site: str = Path(..., min_length=1, max_length=64),
    lang: str | None = Query(None, max_length=16, description="en, de, fr, es or pt"),
) -> HTMLResponse:
    porch = porch_of(request)
    found = porch.discussion.site(site)
    settings = porch.settings
    conf = CommentSettings.of(found)
    code = i18n.pick_lang(lang, request.headers.get("accept-language", ""))
    contact = found.settings.get("contact") or ""
    if contact.startswith(("http://", "https://")):
        href = contact
    elif "@" in contact:
        href = "mailto:" + contact
    else:
        href = ""
    body = (
        templates(code)
        .get_template("pages/privacy.html")
        .render(
            langs=i18n.LANGS,
            site_name=found.name or found.url,
            host=request.url.netloc,
            # e-mail: nothing without SMTP; else what the site allows
            mail_enabled=settings.mail_enabled,
            reply_notifications=conf.reply_notifications,
            notify_moderators=conf.notify_moderators != "off",
            smtp_host=settings.smtp_host,
            confirm_days=CONFIRM_DAYS,
            sent_days=settings.mail_retention_days,
            avatars=conf.avatars,
            redis=bool(settings.redis_url),
            # periods, in days
            window_days=conf.edit_window_seconds / 86400,
            deleted_days=conf.retention(settings, "deleted_retention_days"),
            discard_days=settings.discard_retention_days,
            ip_days=conf.retention(settings, "comment_ip_retention_days"),
            raw_days=settings.raw_retention_days,
            log_ip_days=settings.ip_retention_days,
            cookie_days=EDIT_COOKIE_DAYS,
            contact=contact,
            contact_href=href,
        )
    )
    return HTMLResponse(body, headers={"Content-Language": code, "Cache-Control": "no-cache"})
