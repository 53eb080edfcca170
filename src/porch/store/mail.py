"""The outgoing mail queue, reply-notification subscribers, digests: the store side of e-mail.

Mail is queued in the database, not in memory, so that sending happens off the request path and
survives a restart: whatever is queued and unsent when a server stops is sent by the next one.

* **Claiming** is a compare-and-set that behaves the same on SQLite and PostgreSQL: read a few
  due ids, then `UPDATE … SET claimed_until = now + lease WHERE id = ? AND sent_at IS NULL AND
  (claimed_until IS NULL OR claimed_until < now)` one by one; only the worker whose update
  changed the row sends it. On PostgreSQL a second worker's update waits for the first one's row
  lock and then re-checks the condition (READ COMMITTED), so it finds the row claimed and skips
  it. A worker that dies while sending leaves a lease that runs out: the mail is sent later by
  someone else (at-least-once; an SMTP server that accepted a mail just before the crash may get
  it twice, which is the usual trade and better than losing it).
* **Failures** back off: the next attempt after `retry * 2**attempts` seconds (capped at an hour);
  after `max_attempts` the row is given up. `last_error` holds the exception's class and SMTP
  code only, never the server's reply text (it can echo the recipient).
* **Retention**: a sent or given-up mail holds comment text and an address, so its row is deleted
  `mail_retention_days` after it was created (the retention sweep calls `sweep`). Unconfirmed
  subscribers are deleted once their confirmation link has expired; unsubscribing blanks the
  address and keeps only its keyed hash, so that the block holds without keeping the address.
* **Subscribers** are per site and keyed hash of the address (server/domain/identity.py `email_hash`): `pending`
  after the commenter ticked "notify me", `confirmed` after the link in the confirmation mail was
  followed, `unsubscribed` after a one-click unsubscribe (which also stops moderator mail to that
  address on that site). At most one confirmation mail per address and site per hour.
  (Who moderates a site, and so gets notices, is AccountStore's: store/accounts.py.)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.engine import Engine

from . import schema as t
from .db import new_id, upsert, utc, writing

q = t.mail_queue.c
sub = t.subscribers.c
KINDS = ("moderation", "digest", "confirm", "reply")
CONFIRM_DAYS = 7  # a confirmation link lasts this long; an address still unconfirmed then is deleted
CONFIRM_INTERVAL = timedelta(hours=1)
DIGEST_MARGIN = timedelta(seconds=5)
MAX_BACKOFF = 3600.0


def _now() -> datetime:
    return datetime.now(timezone.utc)


class MailStore:
    def __init__(self, engine: Engine, max_attempts: int = 8, retry_seconds: float = 60.0):
        self.engine = engine
        self.dialect = engine.dialect.name
        self.max_attempts = max_attempts
        self.retry_seconds = retry_seconds

    def enqueue(self, mails: list[dict[str, Any]]) -> list[int]:
        """Queue mails (site_id, kind, recipient, subject, body, headers) in one transaction."""
        if not mails:
            return []
        now = _now()
        ids = []
        with writing(self.engine) as conn:
            for mail in mails:
                assert mail["kind"] in KINDS
                ids.append(
                    new_id(
                        conn.execute(
                            t.mail_queue.insert().values(
                                site_id=mail.get("site_id"),
                                kind=mail["kind"],
                                recipient=mail["recipient"][:254],
                                subject=mail["subject"],
                                body=mail["body"],
                                headers=mail.get("headers") or {},
                                created_at=now,
                                send_after=mail.get("send_after") or now,
                                attempts=0,
                            )
                        )
                    )
                )
        return ids

    def claim(self, lease_seconds: float = 300.0, limit: int = 20) -> Sequence[Any]:
        """Due, unsent mails this worker now holds for `lease_seconds` (see the module docstring)."""
        now = _now()
        free = or_(q.claimed_until.is_(None), q.claimed_until < now)
        with self.engine.connect() as conn:
            ids = (
                conn.execute(
                    select(q.id)
                    .where(q.sent_at.is_(None), q.send_after <= now, q.attempts < self.max_attempts, free)
                    .order_by(q.send_after, q.id)
                    .limit(limit)
                )
                .scalars()
                .all()
            )
        if not ids:
            return []
        won = []
        with writing(self.engine) as conn:
            for mail_id in ids:
                done = conn.execute(
                    update(t.mail_queue)
                    .where(q.id == mail_id, q.sent_at.is_(None), free)
                    .values(claimed_until=now + timedelta(seconds=lease_seconds))
                ).rowcount
                if done:
                    won.append(mail_id)
        if not won:
            return []
        with self.engine.connect() as conn:
            return conn.execute(select(t.mail_queue).where(q.id.in_(won)).order_by(q.id)).fetchall()

    def release(self, ids: list[int]) -> None:
        """Hand claimed mails back to the queue (a worker stopping before it sent them)."""
        with writing(self.engine) as conn:
            conn.execute(
                update(t.mail_queue).where(q.id.in_(ids), q.sent_at.is_(None)).values(claimed_until=None)
            )

    def sent(self, mail_id: int, note: str | None = None) -> None:
        """Mark a mail sent (or dropped, with a `note` saying why)."""
        with writing(self.engine) as conn:
            conn.execute(
                update(t.mail_queue)
                .where(q.id == mail_id)
                .values(sent_at=_now(), claimed_until=None, last_error=note[:200] if note else None)
            )

    def failed(self, mail_id: int, error: str) -> bool:
        """Count a failed attempt and schedule the next; False when the mail is given up."""
        now = _now()
        with writing(self.engine) as conn:
            attempts = conn.execute(select(q.attempts).where(q.id == mail_id)).scalar() or 0
            attempts += 1
            delay = min(self.retry_seconds * 2 ** (attempts - 1), MAX_BACKOFF)
            conn.execute(
                update(t.mail_queue)
                .where(q.id == mail_id)
                .values(
                    attempts=attempts,
                    claimed_until=None,
                    last_error=error[:200],
                    send_after=now + timedelta(seconds=delay),
                )
            )
        return attempts < self.max_attempts

    def unsent(self) -> int:
        """Mails waiting to be sent (not given up): for the dashboard and the tests."""
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(t.mail_queue)
                    .where(q.sent_at.is_(None), q.attempts < self.max_attempts)
                ).scalar()
                or 0
            )

    def next_due(self) -> datetime | None:
        """When the earliest unsent mail nobody holds is due (None: nothing waits)."""
        with self.engine.connect() as conn:
            due = conn.execute(
                select(func.min(q.send_after)).where(
                    q.sent_at.is_(None),
                    q.attempts < self.max_attempts,
                    or_(q.claimed_until.is_(None), q.claimed_until < _now()),
                )
            ).scalar()
        return None if due is None else utc(due)

    # -- subscribers -------------------------------------------------------------------------
    def status(self, site_id: int, email_hash: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(
                select(sub.status).where(sub.site_id == site_id, sub.email_hash == email_hash)
            ).scalar()

    def statuses(self, site_id: int, hashes: list[str]) -> dict[str, str]:
        if not hashes:
            return {}
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(sub.email_hash, sub.status).where(sub.site_id == site_id, sub.email_hash.in_(hashes))
            ).fetchall()
        return {row.email_hash: row.status for row in rows}

    def request(self, site_id: int, email_hash: str, email: str) -> tuple[str, bool]:
        """The commenter asked for reply notifications: (status now, whether to send a
        confirmation mail). A confirmed address stays confirmed; otherwise the row is `pending`
        and a confirmation is due unless one went to this address in the last hour."""
        now = _now()
        with writing(self.engine) as conn:
            inserted = conn.execute(
                upsert(self.engine, t.subscribers)
                .values(
                    site_id=site_id,
                    email_hash=email_hash,
                    email=email[:254],
                    status="pending",
                    created_at=now,
                    updated_at=now,
                    confirm_sent_at=now,
                )
                .on_conflict_do_nothing(index_elements=["site_id", "email_hash"])
            ).rowcount
            if inserted:
                return "pending", True
            row = conn.execute(
                select(sub.status, sub.confirm_sent_at).where(
                    sub.site_id == site_id, sub.email_hash == email_hash
                )
            ).one()
            if row.status == "confirmed":
                return "confirmed", False
            last = utc(row.confirm_sent_at)
            due = last is None or now - last >= CONFIRM_INTERVAL
            values = {"status": "pending", "email": email[:254], "updated_at": now}
            if due:
                values["confirm_sent_at"] = now
            # compare-and-set on confirm_sent_at: two workers cannot both decide to send
            same = (
                sub.confirm_sent_at.is_(None)
                if row.confirm_sent_at is None
                else sub.confirm_sent_at == row.confirm_sent_at
            )
            done = conn.execute(
                update(t.subscribers)
                .where(sub.site_id == site_id, sub.email_hash == email_hash, sub.status != "confirmed", same)
                .values(**values)
            ).rowcount
            return "pending", bool(due and done)

    def confirm(self, site_id: int, email_hash: str) -> str | None:
        """Follow a confirmation link: pending → confirmed. Returns the status afterwards (None:
        no such subscriber, e.g. expired and swept). An unsubscribed address stays unsubscribed."""
        with writing(self.engine) as conn:
            conn.execute(
                update(t.subscribers)
                .where(sub.site_id == site_id, sub.email_hash == email_hash, sub.status == "pending")
                .values(status="confirmed", updated_at=_now())
            )
            return conn.execute(
                select(sub.status).where(sub.site_id == site_id, sub.email_hash == email_hash)
            ).scalar()

    def unsubscribe(self, site_id: int, email_hash: str) -> None:
        """Stop every mail to this address on this site; the address itself is blanked."""
        now = _now()
        with writing(self.engine) as conn:
            done = conn.execute(
                update(t.subscribers)
                .where(sub.site_id == site_id, sub.email_hash == email_hash)
                .values(status="unsubscribed", email="", updated_at=now)
            ).rowcount
            if not done:
                conn.execute(
                    upsert(self.engine, t.subscribers)
                    .values(
                        site_id=site_id,
                        email_hash=email_hash,
                        email="",
                        status="unsubscribed",
                        created_at=now,
                        updated_at=now,
                    )
                    .on_conflict_do_nothing(index_elements=["site_id", "email_hash"])
                )
                conn.execute(
                    update(t.subscribers)
                    .where(sub.site_id == site_id, sub.email_hash == email_hash)
                    .values(status="unsubscribed", email="", updated_at=now)
                )

    def resubscribe(self, site_id: int, email_hash: str) -> bool:
        """Undo an unsubscribe (a moderator turning notices back on from the dashboard): the row
        goes, so the address is as if it never asked for anything. False if it was not unsubscribed."""
        with writing(self.engine) as conn:
            return bool(
                conn.execute(
                    delete(t.subscribers).where(
                        sub.site_id == site_id, sub.email_hash == email_hash, sub.status == "unsubscribed"
                    )
                ).rowcount
            )

    # -- what notifications are about --------------------------------------------------------
    def comments(self, ids: list[int]) -> Sequence[Any]:
        """The comments notifications are about (with their page), in id order."""
        c = t.comments.c
        if not ids:
            return []
        with self.engine.connect() as conn:
            return conn.execute(
                select(
                    c.id,
                    c.site_id,
                    c.parent_id,
                    c.status,
                    c.author,
                    c.email,
                    c.email_hash,
                    c.text,
                    c.notify,
                    c.created_at,
                    t.threads.c.uri,
                    t.threads.c.title,
                )
                .join(t.threads, t.threads.c.id == c.thread_id)
                .where(c.id.in_(ids))
                .order_by(c.id)
            ).fetchall()

    def held_since(
        self, site_id: int, since: datetime, until: datetime | None = None, limit: int = 200
    ) -> Sequence[Any]:
        """Comments of a site held for moderation (pending) that arrived after `since` (and by `until`)."""
        c = t.comments.c
        with self.engine.connect() as conn:
            return conn.execute(
                select(c.id, c.author, c.text, c.created_at, t.threads.c.uri, t.threads.c.title)
                .join(t.threads, t.threads.c.id == c.thread_id)
                .where(
                    c.site_id == site_id,
                    c.status == "pending",
                    c.created_at > since,
                    c.created_at <= (until or _now()),
                )
                .order_by(c.id)
                .limit(limit)
            ).fetchall()

    # -- digests -----------------------------------------------------------------------------
    def sites(self) -> list[tuple[int, dict]]:
        """(id, settings) of every site, for the digest round."""
        with self.engine.connect() as conn:
            return [
                (int(r.id), r.settings or {}) for r in conn.execute(select(t.sites.c.id, t.sites.c.settings))
            ]

    def claim_digest(self, site_id: int, every: timedelta) -> tuple[datetime, datetime] | None:
        """If this site's digest is due, take it (compare-and-set on `last_sent_at`, so one worker
        sends it) and return the span of arrival times it covers; None when it is not due.

        The span ends `DIGEST_MARGIN` ago, not now: a comment's `created_at` is set just before its
        insert commits, so one arriving during the round could otherwise fall between two digests."""
        d = t.digests.c
        until = _now() - DIGEST_MARGIN
        with writing(self.engine) as conn:
            last = conn.execute(select(d.last_sent_at).where(d.site_id == site_id)).scalar()
            if last is None:  # the first digest covers one interval back
                done = conn.execute(
                    upsert(self.engine, t.digests)
                    .values(site_id=site_id, last_sent_at=until)
                    .on_conflict_do_nothing(index_elements=["site_id"])
                ).rowcount
                return (until - every, until) if done else None
            if until - utc(last) < every:
                return None
            done = conn.execute(
                update(t.digests)
                .where(d.site_id == site_id, d.last_sent_at == last)
                .values(last_sent_at=until)
            ).rowcount
            return (utc(last), until) if done else None

    # -- retention ---------------------------------------------------------------------------
    def sweep(self, *, sent_before: datetime, pending_before: datetime) -> dict[str, int]:
        """Delete sent or given-up mails created before `sent_before`, and subscribers still
        unconfirmed whose confirmation mail went out before `pending_before`."""
        with writing(self.engine) as conn:
            mails = conn.execute(
                delete(t.mail_queue).where(
                    q.created_at < sent_before, or_(q.sent_at.is_not(None), q.attempts >= self.max_attempts)
                )
            ).rowcount
            subs = conn.execute(
                delete(t.subscribers).where(
                    sub.status == "pending",
                    or_(sub.confirm_sent_at.is_(None), sub.confirm_sent_at < pending_before),
                    sub.updated_at < pending_before,
                )
            ).rowcount
        return {"sent_mails": mails, "unconfirmed_subscribers": subs}


__all__ = ["MailStore", "KINDS"]
