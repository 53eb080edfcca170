"""The route table: every HTTP route of porch, by what it serves. The app (app.py) includes these
routers in this order; each module's docstring lists its paths.

    akismet.py          /1.1/…, /1.2/…            the Akismet protocol, for WordPress and Akismet clients
    check_api.py        /api/v1/check, /feedback  porch's own JSON API for the same checks, with reasons
    comments.py         /api/v1/comments, /counts the comment API the widget talks to
    moderation_api.py   /api/v1/comments/{id}/approve|spam|ham, /api/v1/moderation
    feed.py             /api/v1/feed              Atom feeds of a site's or a page's comments
    widget.py           /js/embed.*, /api/v1/sites/{site}/config, /demo/
    privacy.py          /privacy/{site}           the data-processing page
    mail_links.py       /mail/…                   the pages the links in porch's mails open
    admin/              /admin/…                  the moderation dashboard
    operations.py       /health, /metrics
    front.py            /, /favicon.ico, /favicon.svg  the front page and the icon

Shared by them: common.py (request helpers: the client's address, the bearer token, JSON answers)
and sessions.py (who is logged in, CSRF, who may moderate a site). Routes are thin: they read the
request, ask the domain (server/domain/) or the store, and shape the answer.
"""

from fastapi import APIRouter

from . import (
    akismet,
    check_api,
    comments,
    feed,
    front,
    mail_links,
    moderation_api,
    operations,
    privacy,
    widget,
)
from .admin import router as admin

ROUTERS: tuple[APIRouter, ...] = (
    akismet.router,
    check_api.router,
    comments.router,
    moderation_api.router,
    feed.router,
    widget.router,
    privacy.router,
    mail_links.router,
    admin,
    operations.router,
    front.router,
)
