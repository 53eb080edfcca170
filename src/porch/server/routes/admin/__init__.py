"""The moderation dashboard at /admin/: server-rendered pages that work without JavaScript.

Moderators spend their day here, so the pages are plain HTML forms (Jinja2, autoescaped) that do
everything with a POST and a redirect back, and admin.js (src/porch/web/admin/, no framework, no
CDN) adds what makes a long queue fast: keyboard shortcuts, bulk selection and actions without a
page reload. The routes are split by concern:

* common.py   templates, security headers on every answer, readable errors, CSRF, redirects back
* pages.py    the static files, login and logout, the list of sites, the report card
* queue.py    the queues, search, a commenter's history; approve / spam / not spam / delete,
              bulk actions, undo and replies (through domain/moderation.py)
* settings.py the owner's pages: site settings, API keys, moderators
* chart.py    the report card's chart, as inline SVG

The reads are store/dashboard.py; sessions, CSRF tokens and roles are routes/sessions.py. Every
per-site page calls `require(request, site, role)`: a moderator of one site gets 404 on
another's pages, and 403 on the owner's pages of their own site.
"""

from fastapi import APIRouter

from . import pages, queue, settings

router = APIRouter()
router.include_router(pages.router)
router.include_router(settings.router)
router.include_router(queue.router)

__all__ = ["router"]
