"""The comment server's everyday questions: which site is this, whose comment is this — and the
author's own comment: editing and deleting it.

* **Sites** by public id, cached for a second per worker (`SITE_CACHE_SECONDS`): every widget call
  names its site, and a settings change reaches every worker within that second (the worker that
  made it drops its own entry at once, `forget_site`).
* **The author's own comment**: the edit token (signing.py) proves it, within the site's edit
  window. An edit is checked by the engine again — a re-check (`recheck_reason = "edit"`: not
  counted as a copy of itself), with the site rule as a signal — and its status decided by the same
  `status_for` as a new comment's (posting.py), with the comment's status so far: an edit can make a
  comment spam, or hold an approved one for moderation, but never publishes what a moderator has
  not. The edit and its check's log row are written in one transaction. Deleting one's own comment
  erases it (or leaves an anonymous placeholder when replies hang under it).
* **What readers see** of a comment (`public`): no e-mail address, no IP; a deleted comment keeps
  only its place in the thread.

New comments are posting.py's; what moderators do, moderation.py's.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from ...config import Settings
from ...store import Site, SiteNotFound, Store
from ...store.db import utc
from ..caches.shortcache import ShortCache
from .checking import CheckRequest, CheckResult, CheckService
from .errors import Refused
from .posting import held_by_moderation, status_for, stored_fields
from .render import render
from .signing import Signer
from .siterules import match
from .sitesettings import CommentSettings

SITE_CACHE_SECONDS = 1.0
_PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Discussion:
    def __init__(self, settings: Settings, store: Store, checking: CheckService, signer: Signer):
        self.settings = settings
        self.store = store
        self.checking = checking
        self.signer = signer
        self._sites: ShortCache[str, Site] = ShortCache(SITE_CACHE_SECONDS)

    # -- sites -------------------------------------------------------------------------------
    def site(self, public_id: str) -> Site:
        """The site with this public id (cached for a second), or Refused(404)."""
        return self._sites.get(public_id.replace("\x00", ""), self._find_site)

    def _find_site(self, public_id: str) -> Site:
        try:
            site = self.store.sites.find(public_id) if _PUBLIC_ID.fullmatch(public_id) else None
        except SiteNotFound:
            site = None
        if site is None or site.public_id != public_id:
            raise Refused(404, f"unknown site {public_id[:64]!r}")
        return site

    def forget_site(self, public_id: str) -> None:
        """Drop a site from this worker's cache (its settings just changed here; others catch up in 1 s)."""
        self._sites.forget(public_id)

    def site_by_id(self, site_id: int) -> Site:
        return self.store.sites.get(site_id)

    # -- the author's own comment ------------------------------------------------------------
    def own(self, comment_id: int, token: str | None) -> Any:
        """The comment, if `token` is its edit token; else Refused (404, or 403)."""
        row = self.store.comments.get(comment_id)
        if row is None or row.status == "deleted":
            raise Refused(404, f"no comment {comment_id}")
        if not token or self.signer.token_id(token) != comment_id:
            raise Refused(403, "this needs the comment's edit token (Authorization: Bearer TOKEN)")
        return row

    def _in_window(self, row: Any, site: Site) -> None:
        window = CommentSettings.of(site).edit_window_seconds
        if (_now() - utc(row.created_at)).total_seconds() > window:
            raise Refused(403, f"the edit window ({window:g} s after posting) has closed")

    def edit(self, row: Any, text: str, client: dict[str, str]) -> dict[str, Any]:
        """Change one's own comment's text: checked again, its status decided again."""
        site = self.site_by_id(row.site_id)
        conf = CommentSettings.of(site)
        self._in_window(row, site)
        text = text.strip()
        if not text:
            raise Refused(422, "the comment is empty; delete it instead")
        if len(text) > conf.max_length:
            raise Refused(413, f"the comment is longer than {conf.max_length:,} characters")
        html = render(text)
        fields = {**stored_fields(site, row, text, client.get("referrer", "")), "recheck_reason": "edit"}
        rule = match(conf, text, row.email or "", row.ip or "")
        [result] = self.checking.evaluate(
            [CheckRequest(site, fields, "comments", signals=(rule.signal,) if rule else ())]
        )
        if not isinstance(result, CheckResult):
            raise result
        verdict = result.verdict.verdict
        held = held_by_moderation(conf, text, first_comment=False)  # the author has been seen
        status = status_for(verdict, rule, held, was=row.status)
        modified = _now()
        if not self.store.comments.change(
            row,
            checks=result.log,
            text=text,
            html=html,
            status=status,
            verdict=verdict,
            guid=result.guid,
            score=float(result.verdict.score),
            modified_at=modified,
        ):
            raise Refused(409, "the comment changed meanwhile; try again")
        return {"id": row.id, "status": status, "html": html, "modified": modified.isoformat()}

    def delete_own(self, row: Any) -> str:
        """Erase one's own comment: "removed", or "deleted" (a placeholder for its replies)."""
        self._in_window(row, self.site_by_id(row.site_id))
        done = self.store.comments.remove(row)
        if done is None:
            raise Refused(409, "the comment changed meanwhile; try again")
        return done

    # -- reading -----------------------------------------------------------------------------
    def public(self, row: Any, conf: CommentSettings, *, text: str | None = None) -> dict[str, Any]:
        """A comment as readers see it (its author also sees its text, with `text`)."""
        out = {
            "id": row.id,
            "parent": row.parent_id,
            "status": row.status,
            "created": utc(row.created_at).isoformat(),
            "modified": utc(row.modified_at).isoformat() if row.modified_at else None,
            "author": row.author if row.status != "deleted" else "",
            "html": row.html,
            "likes": row.likes,
            "moderator": bool(row.moderator),
            "website": row.website if row.status == "approved" and row.website else None,
        }
        if conf.avatars:
            out["avatar"] = row.email_hash if row.status != "deleted" else None
        if text is not None:
            out["text"] = text
        return out
