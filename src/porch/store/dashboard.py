"""The moderation dashboard's reads: queues, counts, search, one commenter's history, reasons.

Kept apart from store/comments.py (the widget's hot path) because the dashboard reads differently:
a moderator pages through one status of one site, newest first, and wants everything about each
comment — its page, its e-mail and IP, and what the engine said about it. Choices:

* Queues page by keyset, not OFFSET: `WHERE site_id = ? AND status = ? AND id < :before ORDER BY
  id DESC LIMIT n` walks the `(site_id, status, id)` index from where the last page stopped, so the
  tenth page of a 50,000-comment spam queue costs what the first does.
* The engine's reasons live in the check log (`checks.reasons`, a JSON list of sentences such as
  "too many links: 5 links in 40 words", "content model: 93% spam", "words that look like spam:
  “cheap”, …"), keyed by the comment's `guid`. A page of comments fetches them in one `IN` query on
  the unique `checks.guid` index rather than joining every queue read to the log.
* Counts per queue: pending, spam and deleted are counted on the `(site_id, status, id)` index;
  approved is the sum of `threads.approved`, which the comment store keeps exact in the same
  transaction as every status change, so a site with a million published comments costs one row
  per page instead of a million index entries.
* Search is a substring match (case-insensitive, `%` and `_` taken literally) on one field, within
  one site, newest first and bounded: it walks the site's comments by id, which is fine for a
  moderator's occasional search and needs no full-text index. An IP matches by prefix, so a
  network ("203.0.113.") finds its neighbours. One commenter's history uses the
  `(site_id, email_hash, status)` index; by IP it is a bounded walk like search.

Everything is SQLAlchemy Core and runs unchanged on SQLite and PostgreSQL; times come back UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.engine import Connection, Engine

from . import schema as t
from .db import utc

STATUSES = ("pending", "spam", "approved", "deleted")
SEARCH_FIELDS = ("text", "author", "email", "ip", "page")
c = t.comments.c
th = t.threads.c
# What a dashboard row shows: everything but the user agent and the raw text.
ROW_COLUMNS = (
    c.id,
    c.site_id,
    c.thread_id,
    c.parent_id,
    c.status,
    c.created_at,
    c.modified_at,
    c.author,
    c.email,
    c.email_hash,
    c.website,
    c.html,
    c.text,
    c.ip,
    c.ip_cut,
    c.guid,
    c.verdict,
    c.score,
    c.likes,
    th.uri,
    th.title,
)


@dataclass
class Listed:
    """One comment as the dashboard shows it: the row, and the engine's reasons for its verdict."""

    row: Any
    reasons: list[str]

    def __getattr__(self, name: str) -> Any:  # row fields read through: item.author, item.uri …
        return getattr(self.row, name)

    @property
    def created(self) -> datetime:
        return utc(self.row.created_at)


@dataclass
class Page:
    items: list[Listed]
    next_before: int | None  # pass as `before` for the next (older) page; None on the last


class Dashboard:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.dialect = engine.dialect.name

    def counts(self, site_ids: Iterable[int]) -> dict[int, dict[str, int]]:
        """Comments per status for each site: {site_id: {"pending": n, "spam": n, …}}."""
        ids = sorted({int(i) for i in site_ids})
        out = {i: dict.fromkeys(STATUSES, 0) for i in ids}
        if not ids:
            return out
        with self.engine.connect() as conn:
            for site_id, status, n in conn.execute(
                select(c.site_id, c.status, func.count())
                .where(c.site_id.in_(ids), c.status.in_(("pending", "spam", "deleted")))
                .group_by(c.site_id, c.status)
            ):
                out[site_id][status] = int(n)
            for site_id, n in conn.execute(
                select(th.site_id, func.coalesce(func.sum(th.approved), 0))
                .where(th.site_id.in_(ids))
                .group_by(th.site_id)
            ):
                out[site_id]["approved"] = int(n)
        return out

    # -- queues ------------------------------------------------------------------------------
    def queue(self, site_id: int, status: str, *, before: int | None = None, limit: int = 50) -> Page:
        """One page of a queue, newest first; `before` is the previous page's `next_before`."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}")
        query = self._base().where(c.site_id == site_id, c.status == status)
        return self._page(query, before, limit)

    def search(
        self,
        site_id: int,
        field: str,
        needle: str,
        *,
        status: str | None = None,
        before: int | None = None,
        limit: int = 50,
    ) -> Page:
        """Comments of a site whose `field` contains `needle` (an IP: starts with it), newest first."""
        if field not in SEARCH_FIELDS:
            raise ValueError(f"search in one of {', '.join(SEARCH_FIELDS)}")
        needle = needle.replace("\x00", "").strip()[:500]
        query = self._base().where(c.site_id == site_id)
        if status:
            query = query.where(c.status == status)
        if field == "ip":
            query = query.where(c.ip.startswith(needle, autoescape=True))
        else:
            column = {"text": c.text, "author": c.author, "email": c.email, "page": th.uri}[field]
            query = query.where(column.icontains(needle, autoescape=True))
        return self._page(query, before, limit)

    def history(
        self,
        site_id: int,
        *,
        email_hash: str | None = None,
        ip: str | None = None,
        before: int | None = None,
        limit: int = 100,
    ) -> Page:
        """Every comment by one commenter on a site: the same e-mail (by its hash) or the same IP."""
        query = self._base().where(c.site_id == site_id)
        if email_hash:
            query = query.where(c.email_hash == email_hash)
        elif ip:
            query = query.where(c.ip == ip)
        else:
            return Page([], None)
        return self._page(query, before, limit)

    def status_totals(
        self, site_id: int, *, email_hash: str | None = None, ip: str | None = None
    ) -> dict[str, int]:
        """How many of one commenter's comments are in each status (for the history's summary)."""
        query = select(c.status, func.count()).where(c.site_id == site_id)
        if email_hash:
            query = query.where(c.email_hash == email_hash)
        elif ip:
            query = query.where(c.ip == ip)
        else:
            return {}
        with self.engine.connect() as conn:
            found = {status: int(n) for status, n in conn.execute(query.group_by(c.status))}
        return {s: found.get(s, 0) for s in STATUSES}

    def comment(self, site_id: int, comment_id: int) -> Listed | None:
        """One comment of this site (None for another site's: ids are not secrets, sites are)."""
        with self.engine.connect() as conn:
            row = conn.execute(self._base().where(c.id == comment_id, c.site_id == site_id)).first()
            if row is None:
                return None
            return Listed(row, self._reasons(conn, site_id, [row.guid]).get(row.guid, []))

    def _base(self) -> Select[Any]:
        return select(*ROW_COLUMNS).join(t.threads, th.id == c.thread_id)

    def _page(self, query: Select[Any], before: int | None, limit: int) -> Page:
        limit = max(1, min(int(limit), 500))
        if before is not None:
            query = query.where(c.id < before)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(c.id.desc()).limit(limit + 1)).fetchall()
            more = len(rows) > limit
            rows = rows[:limit]
            reasons = self._reasons(conn, rows[0].site_id if rows else 0, [r.guid for r in rows])
        items = [Listed(r, reasons.get(r.guid, [])) for r in rows]
        return Page(items, rows[-1].id if more and rows else None)

    @staticmethod
    def _reasons(conn: Connection, site_id: int, guids: Iterable[str | None]) -> dict[str, list[str]]:
        wanted = sorted({g for g in guids if g})
        if not wanted:
            return {}
        k = t.checks.c
        rows = conn.execute(select(k.guid, k.reasons).where(k.guid.in_(wanted), k.site_id == site_id))
        return {guid: [str(r) for r in (reasons or [])] for guid, reasons in rows}
