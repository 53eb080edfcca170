"""What porch mails, to whom and when: moderator notices, digests, opt-in confirmations, replies.

`Notifier.posted(site, ids)` is called by `Discussion.store_many` after new comments are committed,
`Notifier.published(site, id)` by `Moderation` (moderation.py) when a moderator publishes a held comment.
Both only put the ids on an in-memory list and wake the sender task (server/mail.py), which turns
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

Links are signed, not stored: `KIND.SITE.SUBJECT.EXPIRY.SIG` with an HMAC under a key derived
from the server secret (as edit tokens are, discussion.py). Moderation links carry the comment,
the action and the member's account (so a member removed from the site holds dead links) and
expire after `MODERATION_DAYS`; confirmation links after `CONFIRM_DAYS`; unsubscribe links never.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import timedelta
from importlib import resources
from typing import Any
from urllib.parse import urljoin

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..store.accounts import AccountStore
from ..store.mail import MailStore
from ..store.queries import Site, SiteNotFound, utc

log = logging.getLogger("porch.mail")
MODERATION_DAYS = 7
CONFIRM_DAYS = 7
MAX_TEXT = 3000  # characters of a comment quoted in a mail


# -- signed links ---------------------------------------------------------------------------------
class BadLink(Exception):
    """A link that cannot be used, with the HTTP status and a message for people."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Link:
    kind: str
    site_id: int
    subject: str


class Links:
    KINDS = {"c": "confirm", "u": "unsubscribe", "m": "moderate"}

    def __init__(self, secret: bytes, base_url: str):
        self._key = hmac.new(secret, b"porch mail links", hashlib.sha256).digest()
        self.base = base_url.rstrip("/")

    def _sig(self, payload: str) -> str:
        raw = hmac.new(self._key, payload.encode(), hashlib.sha256).digest()[:18]
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def token(self, kind: str, site_id: int, subject: str, days: float | None) -> str:
        expiry = int(time.time() + days * 86400) if days else 0
        payload = f"{kind}.{site_id}.{subject}.{expiry:x}"
        return f"{payload}.{self._sig(payload)}"

    def url(self, kind: str, site_id: int, subject: str, days: float | None) -> str:
        return f"{self.base}/mail/{self.KINDS[kind]}/{self.token(kind, site_id, subject, days)}"

    def read(self, kind: str, token: str) -> Link:
        parts = token.strip().split(".")
        if len(parts) != 5 or parts[0] != kind or not parts[1].isdigit() or len(token) > 300:
            raise BadLink(
                400, "This link is not valid. Copy the whole link from the e-mail, or ask for a new one."
            )
        payload = ".".join(parts[:4])
        if not hmac.compare_digest(self._sig(payload), parts[4]):
            raise BadLink(400, "This link is not valid: it was changed or belongs to another server.")
        try:
            expiry = int(parts[3], 16)
        except ValueError:
            raise BadLink(400, "This link is not valid.") from None
        if expiry and expiry < time.time():
            raise BadLink(
                400,
                "This link has expired. Links in moderation and confirmation e-mails last "
                f"{MODERATION_DAYS} days.",
            )
        return Link(kind, int(parts[1]), parts[2])


# -- templates ------------------------------------------------------------------------------------
_env: Environment | None = None


def templates() -> Environment:
    """Jinja2 templates under web/templates/mail: pages (.html, autoescaped) and mail texts (.txt)."""
    global _env
    if _env is None:
        path = resources.files("porch.web") / "templates" / "mail"
        _env = Environment(
            loader=FileSystemLoader(str(path)),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
    return _env


def one_line(text: str, limit: int = 120) -> str:
    """Text for a header or a subject: no line breaks, not too long."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quoted(text: str) -> str:
    text = text.strip()
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + " […]"


# -- the notifier ---------------------------------------------------------------------------------
def notifier(request_or_state: Any) -> Notifier:
    """The app's Notifier (one per worker), from a request or the app's state dict."""
    state = request_or_state if isinstance(request_or_state, dict) else request_or_state.app.state.porch
    found = state.get("notifier")
    if found is None:
        found = state.setdefault("notifier", Notifier(state))
    return found


class Notifier:
    def __init__(self, state: dict[str, Any]):
        self.state = state
        self.settings = state["settings"]
        self.enabled = self.settings.mail_enabled
        self.mail = MailStore(
            state["store"].engine, self.settings.mail_max_attempts, self.settings.mail_retry_seconds
        )
        self.accounts = AccountStore.of(state["store"])  # the site's members get the moderator notices
        self.links = Links(self.settings.secret(), self.settings.base_url)
        self._work: deque[tuple[str, int, list[int]]] = deque()
        self._waker: tuple[Any, Any] | None = None  # (event loop, asyncio.Event) of the sender task
        self._lock = threading.Lock()
        self._replied: OrderedDict[int, None] = OrderedDict()  # replies already announced by this worker
        self.held: set[int] = set()  # mails this worker claimed and has not started sending (mail.py)
        self.stopping = False

    # -- called by discussion.py (any thread) --------------------------------------------------
    def posted(self, site: Site, comment_ids: list[int]) -> None:
        if self.enabled and comment_ids:
            self._work.append(("posted", site.id, list(comment_ids)))
            self.wake()

    def published(self, site: Site, comment_id: int) -> None:
        if self.enabled:
            self._work.append(("published", site.id, [comment_id]))
            self.wake()

    def attach(self, loop: Any, event: Any) -> None:
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
                    site = self._discussion().site_by_id(site_id)
                    mails = self._posted(site, ids) if what == "posted" else self._published(site, ids[0])
                    queued += len(self.mail.enqueue(mails))
                except SiteNotFound:
                    continue
                except Exception as exc:  # noqa: BLE001 - one bad batch must not stop the others
                    log.warning("could not queue notifications (%s): %s", what, type(exc).__name__)
        return queued

    def digests(self) -> int:
        """Queue the moderator digests that are due; the number of mails queued."""
        from .discussion import CommentSettings

        queued = 0
        for site_id, raw in self.mail.sites():
            conf = (raw.get("comments") or {}) if isinstance(raw, dict) else {}
            if conf.get("notify_moderators", CommentSettings.notify_moderators) != "digest":
                continue
            try:
                hours = float(conf.get("digest_hours", CommentSettings.digest_hours))
                span = self.mail.claim_digest(site_id, timedelta(hours=max(hours, 1 / 3600)))
                if span is None:
                    continue
                held = self.mail.held_since(site_id, *span)
                if held:
                    site = self._discussion().site_by_id(site_id)
                    queued += len(self.mail.enqueue(self._moderators(site, held, digest=True)))
            except Exception as exc:  # noqa: BLE001
                log.warning("digest for site %s failed: %s", site_id, type(exc).__name__)
        return queued

    # -- what to send ------------------------------------------------------------------------
    def _discussion(self):
        from .comments import discussion_of

        return discussion_of(self.state)

    def _posted(self, site: Site, ids: list[int]) -> list[dict]:
        from .discussion import CommentSettings

        conf = CommentSettings.of(site)
        rows = self.mail.comments(ids)
        mails: list[dict] = []
        held = [r for r in rows if r.status == "pending"]
        if held and conf.notify_moderators == "immediate":
            mails += self._moderators(site, held, digest=False)
        for row in rows:
            if row.status == "approved" and row.parent_id:
                mails += self._reply(site, conf, row)
            if row.notify and row.email and row.email_hash and row.status in ("approved", "pending"):
                mails += self._confirmation(site, conf, row)
        return mails

    def _published(self, site: Site, comment_id: int) -> list[dict]:
        from .discussion import CommentSettings

        rows = self.mail.comments([comment_id])
        if not rows or rows[0].status != "approved" or not rows[0].parent_id:
            return []
        return self._reply(site, CommentSettings.of(site), rows[0])

    def notices_stopped(self, site: Site, email: str) -> bool:
        """Did this member stop moderator notices for the site (the unsubscribe link of a mail)?"""
        return self.enabled and self.mail.status(site.id, self._hash(site, email)) == "unsubscribed"

    def resume_notices(self, site: Site, email: str) -> bool:
        return self.mail.resubscribe(site.id, self._hash(site, email))

    def _hash(self, site: Site, email: str) -> str:
        return self._discussion().email_hash(site, email)

    def _mail(
        self, site: Site, kind: str, to: str, to_hash: str, subject: str, template: str, **context
    ) -> dict:
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

    def _moderators(self, site: Site, held: list[Any], digest: bool) -> list[dict]:
        members = self.accounts.members(site.id)
        hashes = {email: self._hash(site, email) for _, email, _ in members}
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

    def _confirmation(self, site: Site, conf: Any, row: Any) -> list[dict]:
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

    def _reply(self, site: Site, conf: Any, reply: Any) -> list[dict]:
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


def sweep_mail(store: Any, settings: Any, now: Any) -> dict[str, int]:
    """Retention for mail (called from retention.sweep): sent mails after `mail_retention_days`,
    unconfirmed subscribers once their confirmation link has expired."""
    mail = MailStore(store.engine, settings.mail_max_attempts, settings.mail_retry_seconds)
    return mail.sweep(
        sent_before=now - timedelta(days=settings.mail_retention_days),
        pending_before=now - timedelta(days=CONFIRM_DAYS),
    )
