"""Queries of the comment server: threads, comments, likes, counts, feeds and their retention.

Kept apart from checks.py (the spam service's hot path) on purpose: the two change for different
reasons. Choices that keep the reads cheap:

* A page of a thread is two indexed queries whatever its depth: the top-level comments of the page
  (`thread_id, parent_id, id` or `…, likes, id` for "top"), then every reply under them at once by
  `root_id` (each comment records its top-level ancestor). The tree is assembled in Python.
* `threads.approved` is the number of approved comments, changed in the same transaction as every
  status change (`_touch`), so the counts call reads one row per page (`site_id, uri` is unique).
* `threads.version` is bumped in that same transaction by every change a public reader could see
  (a published comment, an edit, a delete, a like, a moderation), so the server's per-worker cache
  of rendered threads (server/caches/threadcache.py) knows from one indexed row whether it is current.
  Inserting a held or spam comment does not bump it: nobody else sees those.
* Writes go through `writing()` (store/db.py): on SQLite one writer per worker at a time, queued
  on a lock instead of SQLite's sleeping busy handler.
* Status changes are compare-and-set (`WHERE status = old`): two moderators acting at once cannot
  count a comment twice.

* A new comment and its spam check's log row go in one transaction (`insert_many` with a
  `CheckLog`), and so do an edit and its re-check (`change`): one commit each, and a comment is
  never stored without the check that decided it.

What a caller may refuse (a parent on another page, a comment that changed meanwhile) the store
reports as a value — a row, None, False — and the caller words the refusal (server/domain).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, UnaryExpression, and_, bindparam, delete, func, or_, select, update
from sqlalchemy.engine import Connection, Engine

from . import schema as t
from .checks import CheckLog, tally, write_checks
from .db import new_id, upsert, writing

VISIBLE = ("approved", "deleted")
c = t.comments.c
# A reply a moderator posted from the dashboard (as the site): its "reply" action is in the log.
BY_MODERATOR = (
    select(t.moderation_actions.c.id)
    .where(t.moderation_actions.c.comment_id == c.id, t.moderation_actions.c.action == "reply")
    .exists()
    .label("moderator")
)
PUBLIC_COLUMNS = (
    c.id,
    c.parent_id,
    c.root_id,
    c.status,
    c.created_at,
    c.modified_at,
    c.author,
    c.email_hash,
    c.website,
    c.html,
    c.likes,
    BY_MODERATOR,
)


# The statements of posting, built once: SQLAlchemy caches their compiled form, but building a
# statement (`.where(…)`, `.values(…)`) on every call costs as much as running it on SQLite.
INSERT_COMMENT = t.comments.insert()
THREAD_ID = select(t.threads.c.id).where(
    t.threads.c.site_id == bindparam("site_id"), t.threads.c.uri == bindparam("uri")
)
TOUCH = (
    update(t.threads)
    .where(t.threads.c.id == bindparam("thread_id"))
    .values(approved=t.threads.c.approved + bindparam("delta"), version=t.threads.c.version + 1)
)


class ThreadState(NamedTuple):
    id: int
    version: int
    approved: int


class CommentStore:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.dialect = engine.dialect.name
        self._ph = "?" if self.dialect == "sqlite" else "%s"  # the driver's placeholder (sqlite3 / psycopg)

    # -- threads -----------------------------------------------------------------------------
    def _thread(self, conn: Connection, site_id: int, uri: str, title: str) -> int:
        th = t.threads.c
        found = conn.execute(THREAD_ID, {"site_id": site_id, "uri": uri}).scalar()
        if found is not None:
            return int(found)
        conn.execute(
            upsert(conn, t.threads)
            .values(site_id=site_id, uri=uri, title=title, created_at=datetime.now(timezone.utc))
            .on_conflict_do_nothing(index_elements=["site_id", "uri"])
        )
        return int(conn.execute(select(th.id).where(th.site_id == site_id, th.uri == uri)).scalar_one())

    def thread_id(self, site_id: int, uri: str) -> int | None:
        th = t.threads.c
        with self.engine.connect() as conn:
            return conn.execute(select(th.id).where(th.site_id == site_id, th.uri == uri)).scalar()

    # -- writing -----------------------------------------------------------------------------
    def parent(self, parent_id: int) -> Any:
        """The comment replied to, with its page's uri (whether it may be replied to is the caller's
        question: server/domain/posting.py)."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(c.id, c.site_id, c.parent_id, c.root_id, c.depth, c.status, t.threads.c.uri)
                .join(t.threads, t.threads.c.id == c.thread_id)
                .where(c.id == parent_id)
            ).first()

    def insert(self, site_id: int, uri: str, title: str, values: dict[str, Any]) -> int:
        """Store a new comment (and its page, the first time); returns its id."""
        return self.insert_many([(site_id, uri, title, values)])[0]

    def insert_many(
        self, rows: list[tuple[int, str, str, dict[str, Any]]], checks: CheckLog | None = None
    ) -> list[int]:
        """Store new comments (site id, page, page title, values) and the log rows of the checks
        that decided them in one transaction: one commit (one fsync on SQLite) for a batch of
        posts; their ids in order."""
        ids = []
        with writing(self.engine) as conn:
            if checks:
                write_checks(conn, checks, tally(checks.rows))
            for site_id, uri, title, values in rows:
                thread = self._thread(conn, site_id, uri, title)
                ids.append(
                    new_id(conn.execute(INSERT_COMMENT, {**values, "site_id": site_id, "thread_id": thread}))
                )
                if values["status"] == "approved":
                    self._touch(conn, thread, 1)
        return ids

    def _touch(self, conn: Connection, thread_id: int, delta: int = 0) -> None:
        """Bump the thread's version (readers' caches are stale now) and its approved count by delta."""
        conn.execute(TOUCH, {"thread_id": thread_id, "delta": delta})

    def get(self, comment_id: int) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(
                select(t.comments, t.threads.c.uri, BY_MODERATOR)
                .join(t.threads, t.threads.c.id == c.thread_id)
                .where(c.id == comment_id)
            ).first()

    def change(self, row: Any, checks: CheckLog | None = None, **values: Any) -> bool:
        """Update a comment whose status is still `row.status`; keeps the thread's count right.
        False if someone else changed its status first (and then nothing is written, `checks`
        neither: the log rows of the re-check that decided the change)."""
        new_status = values.get("status", row.status)
        with writing(self.engine) as conn:
            done = conn.execute(
                update(t.comments).where(c.id == row.id, c.status == row.status).values(**values)
            ).rowcount
            if done:
                self._touch(conn, row.thread_id, (new_status == "approved") - (row.status == "approved"))
                if checks:
                    write_checks(conn, checks, tally(checks.rows))
        return bool(done)

    def remove(self, row: Any) -> str | None:
        """Delete a comment: "removed" (gone) if nothing replies to it, else "deleted" (a
        placeholder); None if its status changed meanwhile (nothing was done)."""
        with writing(self.engine) as conn:
            has_replies = conn.execute(select(c.id).where(c.parent_id == row.id).limit(1)).first() is not None
            if has_replies:
                done = conn.execute(
                    update(t.comments)
                    .where(c.id == row.id, c.status == row.status)
                    .values(
                        status="deleted",
                        text="",
                        html="",
                        author="",
                        email=None,
                        email_hash=None,
                        website=None,
                        modified_at=datetime.now(timezone.utc),
                        expires_at=None,
                    )
                ).rowcount
            else:
                done = conn.execute(delete(t.comments).where(c.id == row.id, c.status == row.status)).rowcount
            if not done:
                return None
            self._touch(conn, row.thread_id, -(row.status == "approved"))
        return "deleted" if has_replies else "removed"

    def has_approved(self, site_id: int, email_hash: str) -> bool:
        with self.engine.connect() as conn:
            return (
                conn.execute(
                    select(c.id)
                    .where(c.site_id == site_id, c.email_hash == email_hash, c.status == "approved")
                    .limit(1)
                ).first()
                is not None
            )

    # -- likes -------------------------------------------------------------------------------
    def toggle_like(self, comment_id: int, visitor: str) -> tuple[bool, int]:
        """Like, or take a like back; returns (liked now, number of likes)."""
        lk = t.likes.c
        with writing(self.engine) as conn:
            gone = conn.execute(
                delete(t.likes).where(lk.comment_id == comment_id, lk.visitor == visitor)
            ).rowcount
            if not gone:
                conn.execute(
                    t.likes.insert().values(
                        comment_id=comment_id, visitor=visitor, created_at=datetime.now(timezone.utc)
                    )
                )
            conn.execute(
                update(t.comments).where(c.id == comment_id).values(likes=c.likes + (-1 if gone else 1))
            )
            likes, thread_id = conn.execute(select(c.likes, c.thread_id).where(c.id == comment_id)).one()
            self._touch(conn, thread_id)
        return not gone, int(likes)

    # -- reading -----------------------------------------------------------------------------
    def page(
        self,
        thread_id: int,
        *,
        sort: str,
        after: tuple[int, int] | None,
        limit: int,
        own: Iterable[int] = (),
        moderator: bool = False,
    ) -> tuple[Sequence[Any], Sequence[Any], bool]:
        """(top-level comments of the page, every reply under them, whether more pages follow)."""
        own = [int(i) for i in own][:100]
        statuses = ("approved", "deleted", "pending") if moderator else VISIBLE
        visible: ColumnElement[bool] = c.status.in_(statuses)
        if own:
            visible = or_(visible, and_(c.id.in_(own), c.status == "pending"))
        query = select(*PUBLIC_COLUMNS).where(c.thread_id == thread_id, c.parent_id.is_(None), visible)
        order: tuple[UnaryExpression[Any], ...]
        if sort == "oldest":
            order = (c.id.asc(),)
            if after:
                query = query.where(c.id > after[1])
        elif sort == "newest":
            order = (c.id.desc(),)
            if after:
                query = query.where(c.id < after[1])
        else:
            order = (c.likes.desc(), c.id.desc())
            if after:
                query = query.where(or_(c.likes < after[0], and_(c.likes == after[0], c.id < after[1])))
        with self.engine.connect() as conn:
            roots = conn.execute(query.order_by(*order).limit(limit + 1)).fetchall()
            more = len(roots) > limit
            roots = roots[:limit]
            if not roots:
                return [], [], False
            replies_query = select(*PUBLIC_COLUMNS).where(c.thread_id == thread_id, visible)
            if after is None and not more:
                replies_query = replies_query.where(c.root_id.is_not(None))
            else:
                replies_query = replies_query.where(c.root_id.in_([r.id for r in roots]))
            replies = conn.execute(replies_query.order_by(c.id)).fetchall()
        return roots, replies, more

    def thread_state(self, site_id: int, uri: str) -> ThreadState | None:
        """(id, version, approved) of a page's thread, or None: what a cached read checks."""
        ph = self._ph
        rows = self._fetch(
            f"SELECT id, version, approved FROM threads WHERE site_id = {ph} AND uri = {ph}", (site_id, uri)
        )
        return ThreadState(*rows[0]) if rows else None

    def _fetch(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """A hot read straight through the driver: the counts call and the thread-cache check are
        one indexed lookup each, and SQLAlchemy's statement building, cache-key and result layers
        cost several times the lookup itself. Plain SQL, the same on both databases."""
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            try:
                cursor.execute(sql, params)
                return list(cursor.fetchall())
            finally:
                cursor.close()
        finally:
            raw.close()

    def pending_among(self, thread_id: int, ids: Iterable[int]) -> bool:
        """Whether any of these comments (the caller's own) is held in this thread."""
        ids = [int(i) for i in ids][:100]
        if not ids:
            return False
        with self.engine.connect() as conn:
            return (
                conn.execute(
                    select(c.id)
                    .where(c.id.in_(ids), c.thread_id == thread_id, c.status == "pending")
                    .limit(1)
                ).first()
                is not None
            )

    def counts(self, site_id: int, uris: list[str]) -> dict[str, int]:
        """Approved comments per page (0 for a page nobody has commented on): one indexed query."""
        if not uris:
            return {}
        ph = self._ph
        rows = self._fetch(
            f"SELECT uri, approved FROM threads WHERE site_id = {ph} AND uri IN ({', '.join([ph] * len(uris))})",
            (site_id, *uris),
        )
        found = {uri: int(approved) for uri, approved in rows}
        return {uri: found.get(uri, 0) for uri in uris}

    def recent(self, site_id: int, thread_id: int | None, limit: int = 50) -> Sequence[Any]:
        """Newest approved comments of a site or of one page (for the Atom feeds)."""
        query = (
            select(c.id, c.created_at, c.modified_at, c.author, c.html, t.threads.c.uri, t.threads.c.title)
            .join(t.threads, t.threads.c.id == c.thread_id)
            .where(c.site_id == site_id, c.status == "approved")
        )
        if thread_id is not None:
            query = query.where(c.thread_id == thread_id)
        with self.engine.connect() as conn:
            return conn.execute(query.order_by(c.id.desc()).limit(limit)).fetchall()

    def queue(self, site_id: int, status: str, limit: int = 100) -> Sequence[Any]:
        """Comments of a site in one status, newest first (the moderation queue)."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(t.comments, t.threads.c.uri, BY_MODERATOR)
                .join(t.threads, t.threads.c.id == c.thread_id)
                .where(c.site_id == site_id, c.status == status)
                .order_by(c.id.desc())
                .limit(limit)
            ).fetchall()

    # -- retention ---------------------------------------------------------------------------
    def sweep(
        self,
        *,
        ip_before: datetime,
        now: datetime,
        cut_ip: Callable[[str | None], str | None],
        deleted_before: datetime | None = None,
        site_id: int | None = None,
    ) -> dict[str, int]:
        """Cut IPs (and drop user agents) of comments older than `ip_before`; delete expired spam;
        erase comments a moderator deleted before `deleted_before` (kept until then for undo and
        the dashboard's deleted queue): gone when nothing replies, else an anonymous placeholder.
        With `site_id`, only that site's comments (a site that keeps less than the server)."""
        done = {"comment_ips": 0, "expired_spam": 0, "deleted_erased": 0}
        only = [c.site_id == site_id] if site_id is not None else []
        if deleted_before is not None:
            with self.engine.connect() as conn:
                kept = conn.execute(
                    select(c.id, c.status, c.thread_id)
                    .where(c.status == "deleted", c.text != "", c.modified_at < deleted_before, *only)
                    .limit(5_000)
                ).fetchall()
            for old in kept:
                if self.remove(old) is not None:  # else changed meanwhile (undone, or erased elsewhere)
                    done["deleted_erased"] += 1
        with writing(self.engine) as conn:
            rows = conn.execute(
                select(c.id, c.ip).where(c.ip_cut.is_(False), c.created_at < ip_before, *only).limit(20_000)
            ).fetchall()
            for row in rows:
                conn.execute(
                    update(t.comments)
                    .where(c.id == row.id)
                    .values(ip=cut_ip(row.ip), ip_cut=True, user_agent=None)
                )
            done["comment_ips"] = len(rows)
            expired = (
                conn.execute(select(c.id).where(c.expires_at < now, c.status == "spam").limit(20_000))
                .scalars()
                .all()
            )
            if expired:
                # only leaves: a reply keeps its parent (it is then a placeholder-to-be)
                parents = set(conn.execute(select(c.parent_id).where(c.parent_id.in_(expired))).scalars())
                doomed = [i for i in expired if i not in parents]
                if doomed:
                    done["expired_spam"] = conn.execute(delete(t.comments).where(c.id.in_(doomed))).rowcount
        return done

    def count(self, site_id: int) -> int:
        """How many comments a site has, in any status."""
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count()).select_from(t.comments).where(c.site_id == site_id)
                ).scalar()
                or 0
            )
