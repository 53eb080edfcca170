"""What a moderator does to comments, with a log and an undo: approve, spam, ham, delete, reply.

`Moderation` sits on top of `Discussion.moderate` (discussion.py), which changes the status and
teaches the engine exactly as submit-spam / submit-ham do. What it adds:

* **the log**: every action is a `moderation_actions` row (store/actions.py) with the account
  (None for the site's API key), the status before and after, and the feedback event it taught;
* **bulk**: each comment alone, so one that changed meanwhile (a 409) or is not on the site (a
  404) is reported in its place and the others go on;
* **undo** of the account's most recent decision on the site, within `UNDO_SECONDS` (an hour): one
  action, or every action of a bulk decision (they are logged with one shared time). The
  status goes back compare-and-set: if the comment changed since (another moderator, its
  author, retention), the undo is refused with 409 and nothing else happens. The lesson is taken
  back (`Service.unlearn`): a reverse feedback event every worker replays, so every model steps
  back by exactly the step the decision made; its counts subtracted from the day it was counted;
  its reputation weight retracted; campaign marks and the check's label restored. Then the action
  is marked undone and an "undo" action is logged (an undo is not itself undone: the moderator
  just acts again);
* **delete keeps the comment**: the row stays with status "deleted", its html emptied (so the
  public thread shows at most an anonymous placeholder, and none when nothing replies to it) but
  its text, author and e-mail kept — for the dashboard's "deleted" queue and for undo. An author
  deleting their own comment still erases it (`CommentStore.remove`), and so does the site's API
  key route; only a moderator's delete, which can be undone, keeps it;
* **reply as the site**: published at once, rendered like any comment, signed with the site's name,
  not spam-checked (the site vouches for itself) and not a lesson; it bumps the thread so cached
  pages show it.

`moderation(request)` is the app's one `Moderation`, built on first use like `comments.discussion`.
Notifications (server/notify.py, when present) hear about comments this makes public: an approved
held comment (`published`) and a site reply (`posted`); a failing notifier never fails the action.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from ..store import actions
from ..store.comments import Refused
from ..store.queries import Site
from .render import render

log = logging.getLogger("porch.moderation")

ACTIONS = ("approve", "spam", "ham", "delete")
UNDO_SECONDS = 3600.0
MAX_BULK = 500


class Moderation:
    def __init__(self, discussion: Any, notifier: Callable[[], Any] | None = None):
        self.discussion = discussion
        self.comments = discussion.comments
        self.engine = discussion.comments.engine
        self._notifier = notifier  # a function giving the Notifier (built lazily by its owner), or None

    # -- acting ------------------------------------------------------------------------------
    def act(
        self,
        site: Site,
        comment_id: int,
        action: str,
        account_id: int | None = None,
        at: datetime | None = None,
    ) -> dict[str, Any]:
        """approve | spam | ham | delete one comment; logged (at `at`: a bulk decision's actions
        share their time, so one undo takes them all back). {"id", "status", "learned", "action_id"}."""
        if action not in ACTIONS:
            raise Refused(422, f"action must be one of {', '.join(ACTIONS)}")
        if action == "delete":
            row = self._row(site, comment_id)
            if row.status == "deleted":
                raise Refused(409, "the comment was deleted")
            if not self.comments.change(row, status="deleted", html="", modified_at=_now()):
                raise Refused(409, "the comment changed meanwhile; try again")
            done = {"id": row.id, "status": "deleted", "learned": None, "from": row.status, "event_id": None}
        else:
            done = self.discussion.moderate(site, comment_id, action, detail=True)
        action_id = actions.log_action(
            self.engine,
            site_id=site.id,
            account_id=account_id,
            comment_id=comment_id,
            action=action,
            from_status=done["from"],
            to_status=done["status"],
            event_id=done["event_id"],
            now=at or _now(),
        )
        if done["status"] == "approved" and done["from"] != "approved":
            self._notify("published", site, comment_id)
        return {
            "id": done["id"],
            "status": done["status"],
            "learned": done["learned"],
            "action_id": action_id,
        }

    def bulk(
        self, site: Site, ids: list[int], action: str, account_id: int | None = None
    ) -> list[dict[str, Any]]:
        """`act` on each id alone; a failure is that id's answer ({"id", "error", "code"}), not all."""
        if action not in ACTIONS:
            raise Refused(422, f"action must be one of {', '.join(ACTIONS)}")
        if len(ids) > MAX_BULK:
            raise Refused(413, f"at most {MAX_BULK} comments at once")
        out: list[dict[str, Any]] = []
        at = _now()
        for comment_id in dict.fromkeys(ids):
            try:
                out.append(self.act(site, int(comment_id), action, account_id, at=at))
            except Refused as exc:
                out.append({"id": comment_id, "error": exc.message, "code": exc.status})
            except (TypeError, ValueError):
                out.append({"id": comment_id, "error": "not a comment id", "code": 422})
        return out

    # -- undo --------------------------------------------------------------------------------
    def undo(self, site: Site, account_id: int | None) -> dict[str, Any] | None:
        """Undo this account's latest decision on the site (within the hour): one action, or all of
        a bulk action; None if there is none. {"id", "status", "undone": the action undone,
        "action_id": the undo's own log id} of the newest comment, plus "count" (comments put
        back) and "failed" (changed since, left as they are). A lone action that cannot be undone
        raises Refused(409)."""
        now = _now()
        last = actions.last_actions(self.engine, site.id, account_id, now - timedelta(seconds=UNDO_SECONDS))
        if not last:
            return None
        if len(last) == 1:
            return {**self._undo_one(site, account_id, last[0], now), "count": 1, "failed": 0}
        first, failed = None, 0
        for action in last:
            try:
                done = self._undo_one(site, account_id, action, now)
            except Refused:
                failed += 1
                continue
            first = first or done
        if first is None:
            raise Refused(409, "every comment of that action changed since; nothing was undone")
        return {**first, "count": len(last) - failed, "failed": failed}

    def _undo_one(self, site: Site, account_id: int | None, last: Any, now: datetime) -> dict[str, Any]:
        if not actions.claim(self.engine, last.id, now):
            raise Refused(409, "that action is being undone already")
        try:
            row = self.comments.get(last.comment_id)
            if row is None or row.site_id != site.id:
                raise Refused(409, "the comment is gone; nothing to undo")
            if row.status != last.to_status:
                raise Refused(409, f"the comment changed since ({last.to_status} → {row.status}); not undone")
            restored = self._restore(site, row, last)
        except BaseException:
            actions.release(self.engine, last.id)
            raise
        reverse = None
        if last.event_id is not None:
            data = self.discussion._fields(
                site,
                row.uri,
                row.text,
                row.author,
                row.email or "",
                row.website or "",
                {},
                reply=row.parent_id is not None,
                ip=row.ip or "",
                ua=row.user_agent or "",
            )
            reverse = self.discussion.service.unlearn(site, int(last.event_id), data)
        undo_id = actions.log_action(
            self.engine,
            site_id=site.id,
            account_id=account_id,
            comment_id=row.id,
            action="undo",
            from_status=row.status,
            to_status=restored,
            event_id=reverse,
            now=_now(),
        )
        if restored == "approved" and row.status != "approved":
            self._notify("published", site, row.id)
        return {"id": row.id, "status": restored, "undone": last.action, "action_id": undo_id}

    def _restore(self, site: Site, row: Any, last: Any) -> str:
        """Put the comment back as it was before `last`; its status now."""
        if last.action == "reply":
            return self.comments.remove(row)  # gone, or a placeholder if someone answered it meanwhile
        values: dict[str, Any] = {"status": last.from_status}
        if row.status == "deleted":
            if not row.text:
                raise Refused(409, "the comment's text was erased; it cannot be restored")
            values["html"] = render(row.text)
        if last.from_status == "spam" and row.verdict == "discard":  # blatant spam expires again
            values["expires_at"] = _now() + timedelta(days=self.discussion.settings.discard_retention_days)
        if not self.comments.change(row, **values):
            raise Refused(409, "the comment changed meanwhile; not undone")
        return last.from_status

    # -- replying ----------------------------------------------------------------------------
    def reply(self, site: Site, parent_id: int, text: str, account: Any = None) -> dict[str, Any]:
        """A reply posted as the site: approved, signed with the site's name, not spam-checked."""
        text = (text or "").replace("\x00", "").strip()
        if not text:
            raise Refused(422, "the reply is empty")
        parent = self._row(site, parent_id)
        conf = _conf(site)
        if len(text) > conf.max_length:
            raise Refused(413, f"the reply is longer than {conf.max_length:,} characters")
        parent = self.comments.parent(site.id, parent.uri, parent.id)  # published, on this site
        depth, root_id, parent_ref = parent.depth + 1, parent.root_id or parent.id, parent.id
        if depth > conf.reply_depth:  # as Discussion.prepare: flatten to the deepest allowed
            parent_ref, depth = (parent.parent_id, parent.depth) if parent.parent_id else (parent.id, 1)
        html = render(text)
        now = _now()
        new_id = self.comments.insert(
            site.id,
            parent.uri,
            "",
            {
                "parent_id": parent_ref,
                "root_id": root_id,
                "depth": depth,
                "author": _site_name(site),
                "email": None,
                "email_hash": None,
                "website": site.url,
                "text": text,
                "html": html,
                "ip": None,
                "user_agent": None,
                "status": "approved",
                "created_at": now,
                "guid": None,
                "verdict": None,
                "score": None,
                "expires_at": None,
            },
        )
        account_id = getattr(account, "id", account)
        action_id = actions.log_action(
            self.engine,
            site_id=site.id,
            account_id=account_id,
            comment_id=new_id,
            action="reply",
            from_status="new",
            to_status="approved",
            event_id=None,
            now=now,
        )
        self._notify("posted", site, [new_id])
        return {
            "id": new_id,
            "status": "approved",
            "html": html,
            "parent": parent_ref,
            "author": _site_name(site),
            "created": now.isoformat(),
            "action_id": action_id,
        }

    # -- helpers -----------------------------------------------------------------------------
    def _row(self, site: Site, comment_id: int) -> Any:
        row = self.comments.get(comment_id)
        if row is None or row.site_id != site.id:
            raise Refused(404, f"no comment {comment_id} on this site")
        return row

    def _notify(self, what: str, site: Site, arg: Any) -> None:
        if self._notifier is None:
            return
        try:
            notifier = self._notifier()
            if notifier is not None:
                getattr(notifier, what)(site, arg)
        except Exception as exc:  # noqa: BLE001 - mail is best effort; the action stands
            log.warning("notification (%s) failed: %s", what, type(exc).__name__)


def _conf(site: Site) -> Any:
    from .discussion import CommentSettings

    return CommentSettings.of(site)


def _site_name(site: Site) -> str:
    from urllib.parse import urlsplit

    return (site.name or urlsplit(site.url).hostname or site.url)[:200]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def moderation(request: Any) -> Moderation:
    """The app's Moderation, built on first use (state["moderation"])."""
    state = request.app.state.porch
    found = state.get("moderation")
    if found is None:
        from .comments import discussion

        def notifier() -> Any:
            try:
                from .notify import notifier as build
            except ImportError:
                return None
            return build(state)

        found = state["moderation"] = Moderation(discussion(request), notifier)
    return found
