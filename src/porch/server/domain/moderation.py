"""What a moderator does to comments, with a log and an undo: approve, spam, ham, delete, reply.

`Moderation` changes a comment's status and teaches the engine exactly as submit-spam / submit-ham
do (`CheckService.feedback` with the comment's fields and the guid of its check): marking spam is
spam feedback; marking ham, or approving a comment the engine had called spam, is ham feedback.
Approving a comment that was only held by the moderation mode teaches nothing (the engine was
right). On top of that:

* **the log**: every action is a `moderation_actions` row (store/actions.py) with the account
  (None for the site's API key), the status before and after, and the feedback event it taught;
* **bulk**: each comment alone, so one that changed meanwhile (a 409) or is not on the site (a
  404) is reported in its place and the others go on;
* **undo** of the account's most recent decision on the site, within `UNDO_SECONDS` (an hour): one
  action, or every action of a bulk decision (they are logged with one shared time). The
  status goes back compare-and-set: if the comment changed since (another moderator, its
  author, retention), the undo is refused with 409 and nothing else happens. The lesson is taken
  back (`CheckService.unlearn`): a reverse feedback event every worker replays, so every model steps
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

The notifier (mail/notify.py) hears about comments this makes public: an approved held comment
(`published`) and a site reply (`posted`); a failing notifier never fails the action.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol
from urllib.parse import urlsplit

from ...config import Settings
from ...store import Site, Store
from .checking import CheckService
from .errors import Refused
from .posting import check_parent, reply_position, stored_fields
from .render import render
from .sitesettings import CommentSettings

log = logging.getLogger("porch.moderation")

ACTIONS = ("approve", "spam", "ham", "delete")
UNDO_SECONDS = 3600.0
MAX_BULK = 500


class Notifies(Protocol):
    """What moderation tells the notifier (mail/notify.py `Notifier`)."""

    def posted(self, site: Site, comment_ids: list[int]) -> None: ...

    def published(self, site: Site, comment_id: int) -> None: ...


class Moderation:
    def __init__(self, settings: Settings, store: Store, checking: CheckService, notifier: Notifies):
        self.settings = settings
        self.store = store
        self.comments = store.comments
        self.actions = store.actions
        self.checking = checking
        self.notifier = notifier

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
        row = self._row(site, comment_id)
        if row.status == "deleted":
            raise Refused(409, "the comment was deleted")
        if action == "delete":  # kept, html emptied, for the "deleted" queue and undo
            if not self.comments.change(row, status="deleted", html="", modified_at=_now()):
                raise Refused(409, "the comment changed meanwhile; try again")
            status, learned, event_id = "deleted", None, None
        else:
            status, learned, event_id = self._decide(site, row, action)
        action_id = self.actions.log(
            site_id=site.id,
            account_id=account_id,
            comment_id=comment_id,
            action=action,
            from_status=row.status,
            to_status=status,
            event_id=event_id,
            now=at or _now(),
        )
        if status == "approved" and row.status != "approved":
            self._notify("published", site, comment_id)
        return {"id": row.id, "status": status, "learned": learned, "action_id": action_id}

    def _decide(self, site: Site, row: Any, action: str) -> tuple[str, str | None, int | None]:
        """Approve, spam or ham: the new status, and the lesson (label and feedback event) if any."""
        label: str | None
        if action == "spam":
            status, label = "spam", "spam"
        elif action == "ham":
            status, label = "approved", "ham"
        else:  # approve
            status, label = "approved", ("ham" if row.verdict in ("spam", "discard") else None)
        if not self.comments.change(row, status=status, expires_at=None):
            raise Refused(409, "the comment changed meanwhile; try again")
        if label is None:
            return status, None, None
        result = self.checking.feedback(site, label, stored_fields(site, row), "moderation", guid=row.guid)
        return status, (label if result.accepted else None), result.event_id

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
        last = self.actions.last(site.id, account_id, now - timedelta(seconds=UNDO_SECONDS))
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
        if not self.actions.claim(last.id, now):
            raise Refused(409, "that action is being undone already")
        try:
            row = self.comments.get(last.comment_id)
            if row is None or row.site_id != site.id:
                raise Refused(409, "the comment is gone; nothing to undo")
            if row.status != last.to_status:
                raise Refused(409, f"the comment changed since ({last.to_status} → {row.status}); not undone")
            restored = self._restore(site, row, last)
        except BaseException:
            self.actions.release(last.id)
            raise
        reverse = None
        if last.event_id is not None:
            reverse = self.checking.unlearn(site, int(last.event_id), stored_fields(site, row))
        undo_id = self.actions.log(
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
            gone = self.comments.remove(row)  # gone, or a placeholder if someone answered it meanwhile
            if gone is None:
                raise Refused(409, "the comment changed meanwhile; try again")
            return gone
        values: dict[str, Any] = {"status": last.from_status}
        if row.status == "deleted":
            if not row.text:
                raise Refused(409, "the comment's text was erased; it cannot be restored")
            values["html"] = render(row.text)
        if last.from_status == "spam" and row.verdict == "discard":  # blatant spam expires again
            values["expires_at"] = _now() + timedelta(days=self.settings.discard_retention_days)
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
        conf = CommentSettings.of(site)
        if len(text) > conf.max_length:
            raise Refused(413, f"the reply is longer than {conf.max_length:,} characters")
        parent = check_parent(self.comments.parent(parent.id), site, parent.uri, parent.id)  # published
        parent_ref, depth, root_id = reply_position(parent, conf)  # as a reader's reply
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
        action_id = self.actions.log(
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
        try:
            getattr(self.notifier, what)(site, arg)
        except Exception as exc:  # noqa: BLE001 - mail is best effort; the action stands
            log.warning("notification (%s) failed: %s", what, type(exc).__name__)


def _site_name(site: Site) -> str:
    return (site.name or urlsplit(site.url).hostname or site.url)[:200]


def _now() -> datetime:
    return datetime.now(timezone.utc)
