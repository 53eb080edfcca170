"""What porch mails, to whom and when: moderator notices, digests, opt-in confirmations, replies.

`Notifier.posted(site, ids)` is called by the `Poster` (domain/posting.py) after new comments are
committed, `Notifier.published(site, id)` by `Moderation` (domain/moderation.py) when a moderator
publishes a held comment. Both only put the ids on an in-memory list and wake the sender task
(sender.py), which turns
them into rows of the mail queue in its own thread: the request that stored the comment never
waits for mail, and nothing happens at all when no SMTP host is configured. (A worker killed
between the comment's commit and that hand-off loses those notifications; a normal stop drains
the list first. Queued rows survive anything.)

* **Held comment** (`pending`): with the site's `notify_moderators = immediate`, every member of
  the site (owners and moderators) gets a notice with the comment and two signed one-click links,
  approve and spam; with `digest`, the sender's digest round sends one mail per member every
  `digest_hours` listing the comments held since the last digest, each with its links.
* **Opt-in**: a comment posted with `notify` and an address asks for reply notifications; unless
  the address is already confirmed on this site, a confirmation mail with a link goes out (at
  most one per address and hour; none for a comment the filter called spam). Double opt-in: an
  unconfirmed address never gets any other mail.
* **Reply**: when a reply is published (stored approved, or approved later), the author of the
  comment replied to gets a mail if that comment asked for notifications, the address is
  `confirmed` on the site, and the reply is not by the same address.

Privacy rules every mail keeps: it goes to one recipient; it never contains a commenter's e-mail
address (not even in a moderator's notice: the dashboard shows that); it has a one-click
unsubscribe link in its text and as List-Unsubscribe / List-Unsubscribe-Post (RFC 8058), which stops
every mail to that address for that site. Failures are logged by kind, never with addresses.

The links in these mails are signed (links.py); the pages they open are routes/mail_links.py.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict, deque
from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import urljoin

from ...config import Settings
from ...store import Site, SiteNotFound, Store
from ...store.db import utc
from ..domain.identity import email_hash
from ..domain.sitesettings import CommentSettings
from .links import CONFIRM_DAYS, MODERATION_DAYS, Links
from .templates import one_line, quoted, templates

log = logging.getLogger("porch.mail")


class Notifier:
    def __init__(self, settings: Settings, store: Store):
        self.settings = settings
        self.store = store
        self.enabled = settings.mail_enabled
        self.mail = store.mail
        self.accounts = store.accounts  # the site's members get the moderator notices
        self.links = Links(settings.secret(), settings.base_url)
        self._work: deque[tuple[str, int, list[int]]] = deque()
        self._waker: tuple[asyncio.AbstractEventLoop, asyncio.Event] | None = None  # of the sender task
        self._lock = threading.Lock()
        self._replied: OrderedDict[int, None] = OrderedDict()  # replies already announced by this worker
        self.held: set[int] = set()  # mails this worker claimed and has not started sending (mail.py)
        self.stopping = False

    # -- called by posting and moderation (any thread) ----------------------------------------
    def posted(self, site: Site, comment_ids: list[int]) -> None:
        if self.enabled and comment_ids:
            self._work.append(("posted", site.id, list(comment_ids)))
            self.wake()

    def published(self, site: Site, comment_id: int) -> None:
        if self.enabled:
            self._work.append(("published", site.id, [comment_id]))
            self.wake()

    def attach(self, loop: asyncio.AbstractEventLoop, event: asyncio.Event) -> None:
        self._waker = (loop, event)

    def wake(self) -> None:
        if self._waker is not None:
            loop, event = self._waker
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:  # the loop is closing: the list is drained on stop
                pass

    # -- called by the sender (its thread) -----------------------------------------------------
    def hold(self, ids: list[int]) -> bool:
        """The sender claimed these mails; False (and they are handed back) if the worker is stopping."""
        with self._lock:
            if not self.stopping:
                self.held.update(ids)
                return True
        self.mail.release(ids)
        return False

    def take(self, mail_id: int) -> bool:
        """The sender starts on a claimed mail: False if the worker is stopping (it was handed back)."""
        with self._lock:
            if self.stopping:
                return False
            self.held.discard(mail_id)
            return True

    def stop(self) -> None:
        """On the worker's stop: queue what was handed over, hand back claimed mails not started."""
        with self._lock:
            self.stopping = True
            held, self.held = list(self.held), set()
        if held:
            self.mail.release(held)
        self.process()

    def process(self) -> int:
        """Turn the handed-over comment ids into queued mails; the number of mails queued."""
        queued = 0
        with self._lock:
            while self._work:
                what, site_id, ids = self._work.popleft()
                try:
                    site = self.site(site_id)
                    mails = self._posted(site, ids) if what == "posted" else self._published(site, ids[0])
                    queued += len(self.mail.enqueue(mails))
                except SiteNotFound:
                    continue
                except Exception as exc:  # noqa: BLE001 - one bad batch must not stop the others
                    log.warning("could not queue notifications (%s): %s", what, type(exc).__name__)
        return queued

    def digests(self) -> int:
        """Queue the moderator digests that are due; the number of mails queued."""
        queued = 0
        for site_id, raw in self.mail.sites():
            try:
                conf = CommentSettings.from_dict((raw.get("comments") or {}) if isinstance(raw, dict) else {})
                if conf.notify_moderators != "digest":
                    continue
                hours = float(conf.digest_hours)
                span = self.mail.claim_digest(site_id, timedelta(hours=max(hours, 1 / 3600)))
                if span is None:
                    continue
                held = self.mail.held_since(site_id, *span)
                if held:
                    site = self.site(site_id)
                    queued += len(self.mail.enqueue(self._moderators(site, held, digest=True)))
            except Exception as exc:  # noqa: BLE001
                log.warning("digest for site %s failed: %s", site_id, type(exc).__name__)
        return queued

    # -- what to send ------------------------------------------------------------------------
    def site(self, site_id: int) -> Site:
        return self.store.sites.get(site_id)

    def hash(self, site: Site, email: str) -> str:
        """An address as the site's subscribers are keyed (identity.email_hash)."""
        return email_hash(self.store.sites.site_secret(site.id), email)

    def _posted(self, site: Site, ids: list[int]) -> list[dict[str, Any]]:
        conf = CommentSettings.of(site)
        rows = self.mail.comments(ids)
        mails: list[dict[str, Any]] = []
        held = [r for r in rows if r.status == "pending"]
        if held and conf.notify_moderators == "immediate":
            mails += self._moderators(site, held, digest=False)
        for row in rows:
            if row.status == "approved" and row.parent_id:
                mails += self._reply(site, conf, row)
            if row.notify and row.email and row.email_hash and row.status in ("approved", "pending"):
                mails += self._confirmation(site, conf, row)
        return mails

    def _published(self, site: Site, comment_id: int) -> list[dict[str, Any]]:
        rows = self.mail.comments([comment_id])
        if not rows or rows[0].status != "approved" or not rows[0].parent_id:
            return []
        return self._reply(site, CommentSettings.of(site), rows[0])

    def notices_stopped(self, site: Site, email: str) -> bool:
        """Did this member stop moderator notices for the site (the unsubscribe link of a mail)?"""
        return self.enabled and self.mail.status(site.id, self.hash(site, email)) == "unsubscribed"

    def resume_notices(self, site: Site, email: str) -> bool:
        return self.mail.resubscribe(site.id, self.hash(site, email))

    def _mail(
        self, site: Site, kind: str, to: str, to_hash: str, subject: str, template: str, **context: Any
    ) -> dict[str, Any]:
        unsubscribe = self.links.url("u", site.id, to_hash, None)
        body = (
            templates()
            .get_template(template)
            .render(site_name=site.name or site.url, site_url=site.url, unsubscribe=unsubscribe, **context)
        )
        return {
            "site_id": site.id,
            "kind": kind,
            "recipient": to,
            "subject": one_line(subject, 200),
            "body": body,
            "headers": {
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Auto-Submitted": "auto-generated",
            },
        }

    def _moderators(self, site: Site, held: Sequence[Any], digest: bool) -> list[dict[str, Any]]:
        members = self.accounts.members(site.id)
        hashes = {email: self.hash(site, email) for _, email, _ in members}
        blocked = self.mail.statuses(site.id, list(hashes.values()))
        name = one_line(site.name or site.url, 60)
        items = [
            {
                "author": one_line(r.author or "Anonymous", 80),
                "page": urljoin(site.url, r.uri),
                "title": one_line(r.title or r.uri, 120),
                "text": quoted(r.text or ""),
                "created": utc(r.created_at).strftime("%Y-%m-%d %H:%M UTC"),
                "id": r.id,
            }
            for r in held
        ]
        mails = []
        for account_id, email, _role in members:
            if blocked.get(hashes[email]) == "unsubscribed":
                continue
            for item in items:
                for action in ("approve", "spam"):
                    item[action] = self.links.url(
                        "m", site.id, f"{item['id']}-{action}-{account_id}", MODERATION_DAYS
                    )
            dashboard = f"{self.links.base}/admin/"
            if digest:
                subject = f"[{name}] {len(items)} comment{'s' if len(items) != 1 else ''} held for moderation"
                mails.append(
                    self._mail(
                        site,
                        "digest",
                        email,
                        hashes[email],
                        subject,
                        "digest.txt",
                        items=[dict(i) for i in items],
                        dashboard=dashboard,
                    )
                )
            else:
                for item in items:
                    subject = f"[{name}] Comment by {item['author']} held for moderation"
                    mails.append(
                        self._mail(
                            site,
                            "moderation",
                            email,
                            hashes[email],
                            subject,
                            "notice.txt",
                            item=dict(item),
                            dashboard=dashboard,
                        )
                    )
        return mails

    def _confirmation(self, site: Site, conf: CommentSettings, row: Any) -> list[dict[str, Any]]:
        if not conf.reply_notifications:
            return []
        status, send = self.mail.request(site.id, row.email_hash, row.email)
        if not send:
            return []
        link = self.links.url("c", site.id, row.email_hash, CONFIRM_DAYS)
        subject = f"[{one_line(site.name or site.url, 60)}] Confirm reply notifications"
        return [
            self._mail(
                site,
                "confirm",
                row.email,
                row.email_hash,
                subject,
                "confirm.txt",
                confirm=link,
                days=CONFIRM_DAYS,
                page=urljoin(site.url, row.uri),
            )
        ]

    def _reply(self, site: Site, conf: CommentSettings, reply: Any) -> list[dict[str, Any]]:
        if not conf.reply_notifications:
            return []
        parents = self.mail.comments([reply.parent_id])
        if not parents:
            return []
        parent = parents[0]
        if not (parent.notify and parent.email and parent.email_hash) or parent.status != "approved":
            return []
        if reply.email_hash and reply.email_hash == parent.email_hash:
            return []  # one's own reply
        if self.mail.status(site.id, parent.email_hash) != "confirmed":
            return []
        if reply.id in self._replied:  # published twice (approve, spam, approve; or told twice)
            return []
        self._replied[reply.id] = None
        while len(self._replied) > 10_000:
            self._replied.popitem(last=False)
        author = one_line(reply.author or "Someone", 80)
        link = urljoin(site.url, reply.uri) + f"#porch-comment-{reply.id}"
        subject = f"[{one_line(site.name or site.url, 60)}] {author} replied to your comment"
        return [
            self._mail(
                site,
                "reply",
                parent.email,
                parent.email_hash,
                subject,
                "reply.txt",
                author=author,
                link=link,
                title=one_line(reply.title or reply.uri, 120),
                text=quoted(reply.text or ""),
                yours=quoted(parent.text or "")[:300],
            )
        ]
