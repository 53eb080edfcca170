"""The spam service's records: the check log, feedback events, reputation, model snapshots, counts.

Everything the checking service (server/domain/checking.py) reads and writes, behind one
`CheckStore`:

* **what a check reads**: the history of a batch of checks — reputation, near-duplicates, recent
  traffic from a network — in three statements (history.py), and a check by its guid;
* **the check log**: one row per check (verdict, score, reasons, and for `raw_retention_days` the
  submission), its fingerprint row for campaign detection, and the per-site daily counts. Written
  in batches: by the check-log writer (server/domain/checklog.py) for the Akismet and JSON API
  checks, and by the comment store in the transaction that stores the comments (comments.py), both
  through `write_checks`;
* **feedback**: an append-only event log every worker replays into its model (in id order:
  appends are serialised on PostgreSQL), with reputation, campaign marks and counts updated in the
  same transaction — and `take_back`, its inverse, for a moderator's undo;
* **model snapshots**, so a new worker replays only what came after;
* **counts** per site and day (the report card and Akismet's key-sites), and the **retention**
  sweep of the check log.

Reputation keys (an IP network, an e-mail address…) are stored as keyed hashes under the site's
secret (sites.py), never in the clear.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Date, and_, bindparam, func, select, text, update
from sqlalchemy.engine import Connection, Engine

from . import schema as t
from .db import new_id, upsert, utc, writing
from .history import HistoryAnswer, HistoryQuery, read_history
from .schema import COUNT_COLUMNS
from .sites import Site

a = t.moderation_actions.c
e = t.feedback_events.c


@dataclass(slots=True)
class CheckLog:
    """Check-log rows to write in one go: each check's row, the fingerprint rows of those that can
    be matched as copies later, and the daily counts they add up to (`tally`)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    prints: list[dict[str, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.rows or self.prints)


def tally(
    rows: Sequence[dict[str, Any]], counts: dict[tuple[int, date], dict[str, int]] | None = None
) -> dict[tuple[int, date], dict[str, int]]:
    """Add check-log rows to daily counts per (site, day): one check, and one of its verdict, each.
    `is_test` checks count nowhere (they are logged, but the report card and usage are real traffic)."""
    counts = counts if counts is not None else {}
    for row in rows:
        if row.get("is_test"):
            continue
        bucket = counts.setdefault((row["site_id"], row["created_at"].date()), {})
        bucket["checks"] = bucket.get("checks", 0) + 1
        bucket[row["verdict"]] = bucket.get(row["verdict"], 0) + 1
    return counts


def write_checks(conn: Connection, log: CheckLog, counts: dict[tuple[int, date], dict[str, int]]) -> None:
    """Write check-log rows, fingerprint rows and count increments in the caller's transaction."""
    if log.rows:
        conn.execute(t.checks.insert(), log.rows)
    if log.prints:
        conn.execute(t.fingerprints.insert(), log.prints)
    bumps = [b for b in (_bump_row(site_id, day, values) for (site_id, day), values in counts.items()) if b]
    if bumps:
        conn.execute(BUMP, bumps)


class CheckStore:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.dialect = engine.dialect.name

    # -- what a check reads ------------------------------------------------------------------
    def history_many(self, queries: Sequence[HistoryQuery], *, burst_since: datetime) -> list[HistoryAnswer]:
        """The history of a batch of checks (any mix of sites), in three statements (history.py)."""
        with self.engine.connect() as conn:
            return read_history(conn, queries, burst_since=burst_since)

    def _near(
        self, conn: Connection, site_id: int, bands: list[int], since: datetime, limit: int = 50
    ) -> Sequence[Any]:
        """Candidates sharing a band: the most recent `limit` per band, plus any a moderator labelled.

        Bounded on purpose: a campaign of ten thousand copies must not make each new copy fetch
        ten thousand rows: at most `limit` (50) per band, newest first (the campaign signal
        saturates at 48 copies). Labelled copies are few and fetched too, so that a mark is not
        pushed out by the copies that followed it. `since` is kept by the retention sweep.
        """
        if len(bands) < 4:
            return []
        rows: dict[int, Any] = {}
        wanted = set(bands[:4])
        params = {"site": site_id, "limit": limit, **{f"b{i}": band for i, band in enumerate(bands[:4])}}
        for row in conn.execute(_NEAR_SQL, params):
            if row.id not in rows and (
                row.label is None or {row.band0, row.band1, row.band2, row.band3} & wanted
            ):
                rows[row.id] = row
        return sorted(rows.values(), key=lambda r: -r.id)

    # -- the check log (written in batches) --------------------------------------------------
    def write(self, log: CheckLog, counts: dict[tuple[int, date], dict[str, int]] | None = None) -> None:
        """Write a batch of check-log rows in a transaction of their own (the check-log writer,
        which passes the counts it kept for them: they survive a failed write, see checklog.py)."""
        with writing(self.engine) as conn:
            write_checks(conn, log, tally(log.rows) if counts is None else counts)

    def _bump(self, conn: Connection, site_id: int, day: date, values: dict[str, int]) -> None:
        row = _bump_row(site_id, day, values)
        if row:
            conn.execute(BUMP, row)

    def find(self, site_id: int, guid: str) -> Any:
        """A check of this site by guid (another site's guid is as good as unknown)."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(t.checks).where(t.checks.c.guid == guid, t.checks.c.site_id == site_id)
            ).first()

    def near_duplicates(self, site_id: int, bands: list[int], since: datetime) -> Sequence[Any]:
        """For marking a campaign: up to 2,000 recent copies (older ones stay unmarked)."""
        with self.engine.connect() as conn:
            return self._near(conn, site_id, bands, since, limit=2000)

    # -- feedback ----------------------------------------------------------------------------
    def record_feedback(
        self,
        site: Site,
        *,
        label: str,
        source: str,
        guid: str | None,
        submission: dict | None,
        rep_hashes: list[tuple[str, str]],
        mark_prints: list[int],
        earlier_verdict: str | None,
        now: datetime,
        combine: Callable[[tuple[float, float], bool, float], tuple[float, float]],
    ) -> int:
        """Append one feedback event; update reputation, campaign marks and counts atomically.

        `combine((spam, ham), is_spam, age_seconds)` decays a stored standing and adds one decision."""
        is_spam = label == "spam"
        with self.engine.begin() as conn:
            if self.dialect == "postgresql":
                # Serialise appends so ids commit in order: a worker reading `id > last` never
                # skips an event that commits late.
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7450982)")
            event_id = new_id(
                conn.execute(
                    t.feedback_events.insert().values(
                        site_id=site.id,
                        scope=site.scope,
                        created_at=now,
                        label=label,
                        source=source,
                        guid=guid,
                        submission=submission,
                    )
                )
            )
            for kind, key_hash in rep_hashes:
                self._learn_reputation(conn, site.id, kind, key_hash, is_spam, now, combine)
            if mark_prints:
                conn.execute(
                    update(t.fingerprints).where(t.fingerprints.c.id.in_(mark_prints)).values(label=label)
                )
            if guid:
                conn.execute(
                    update(t.checks)
                    .where(t.checks.c.guid == guid, t.checks.c.site_id == site.id)
                    .values(feedback=label)
                )
            bump = {"submitted_spam" if is_spam else "submitted_ham": 1}
            if earlier_verdict == "ham" and is_spam:
                bump["missed_spam"] = 1
            elif earlier_verdict in ("spam", "discard") and not is_spam:
                bump["false_positives"] = 1
            self._bump(conn, site.id, now.date(), bump)
        return int(event_id)

    def _learn_reputation(
        self,
        conn: Connection,
        site_id: int,
        kind: str,
        key_hash: str,
        is_spam: bool,
        now: datetime,
        combine: Callable[[tuple[float, float], bool, float], tuple[float, float]],
    ) -> None:
        c = t.reputation.c
        row = conn.execute(
            select(c.spam, c.ham, c.updated_at).where(
                c.site_id == site_id, c.kind == kind, c.key_hash == key_hash
            )
        ).first()
        before = (0.0, 0.0) if row is None else (row.spam, row.ham)
        age = 0.0 if row is None else (now - utc(row.updated_at)).total_seconds()
        spam, ham = combine(before, is_spam, age)
        stmt = upsert(conn, t.reputation).values(
            site_id=site_id, kind=kind, key_hash=key_hash, spam=spam, ham=ham, updated_at=now
        )
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["site_id", "kind", "key_hash"],
                set_={"spam": spam, "ham": ham, "updated_at": now},
            )
        )

    def max_event_id(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.max(t.feedback_events.c.id))).scalar() or 0)

    def events_after(self, last_id: int, limit: int = 500) -> Sequence[Any]:
        e = t.feedback_events.c
        with self.engine.connect() as conn:
            return conn.execute(
                select(e.id, e.scope, e.label, e.submission).where(e.id > last_id).order_by(e.id).limit(limit)
            ).fetchall()

    def event(self, event_id: int) -> Any:
        """One feedback event (what an undo takes back)."""
        with self.engine.connect() as conn:
            return conn.execute(select(t.feedback_events).where(e.id == event_id)).first()

    def take_back(
        self,
        original: Any,
        *,
        rep_hashes: list[tuple[str, str]],
        mark_prints: list[int],
        step: float | None,
        now: datetime,
        retract: Callable[[tuple[float, float], bool, float, float], tuple[float, float]],
    ) -> int:
        """Reverse feedback event `original` (a feedback_events row); returns the new event's id.

        `retract((spam, ham), was_spam, decision_age_s, age_s)` takes one decayed decision back out
        of a stored standing (engine.reputation.retract)."""
        was_spam = original.label == "spam"
        reverse = "ham" if was_spam else "spam"
        submission = None
        if original.submission:
            submission = {**original.submission, "porch_undo_of": int(original.id)}
            if step is not None:
                submission["porch_undo_step"] = float(step)
        with writing(self.engine) as conn:
            if self.dialect == "postgresql":
                conn.exec_driver_sql(
                    "SELECT pg_advisory_xact_lock(7450982)"
                )  # as record_feedback: ids in order
            reverse_id = new_id(
                conn.execute(
                    t.feedback_events.insert().values(
                        site_id=original.site_id,
                        scope=original.scope,
                        created_at=now,
                        label=reverse,
                        source="undo",
                        guid=original.guid,
                        submission=submission,
                    )
                )
            )
            decision_age = (now - utc(original.created_at)).total_seconds()
            r = t.reputation.c
            for kind, key_hash in rep_hashes:
                row = conn.execute(
                    select(r.spam, r.ham, r.updated_at).where(
                        r.site_id == original.site_id, r.kind == kind, r.key_hash == key_hash
                    )
                ).first()
                if row is None:
                    continue
                spam, ham = retract(
                    (row.spam, row.ham), was_spam, decision_age, (now - utc(row.updated_at)).total_seconds()
                )
                conn.execute(
                    update(t.reputation)
                    .where(
                        r.site_id == original.site_id,
                        r.kind == kind,
                        r.key_hash == key_hash,
                    )
                    .values(spam=spam, ham=ham, updated_at=now)
                )
            before = _label_before(conn, original) if original.guid else None
            if mark_prints:
                f = t.fingerprints.c
                conn.execute(
                    update(t.fingerprints)
                    .where(f.id.in_(mark_prints), f.label == original.label)
                    .values(label=before)
                )
            verdict = None
            if original.guid:
                ch = t.checks.c
                verdict = conn.execute(
                    select(ch.verdict).where(ch.guid == original.guid, ch.site_id == original.site_id)
                ).scalar()
                conn.execute(
                    update(t.checks)
                    .where(ch.guid == original.guid, ch.site_id == original.site_id)
                    .values(feedback=before)
                )
            # exactly what record_feedback bumped, subtracted on the day it was bumped
            bump = {"submitted_spam" if was_spam else "submitted_ham": -1}
            if verdict == "ham" and was_spam:
                bump["missed_spam"] = -1
            elif verdict in ("spam", "discard") and not was_spam:
                bump["false_positives"] = -1
            self._bump(conn, original.site_id, utc(original.created_at).astimezone(timezone.utc).date(), bump)
        return reverse_id

    # -- model snapshots ---------------------------------------------------------------------
    def snapshots(self) -> Sequence[Any]:
        with self.engine.connect() as conn:
            return conn.execute(select(t.model_snapshots)).fetchall()

    def save_snapshot(self, scope: str, last_event_id: int, model: bytes) -> None:
        now = datetime.now(timezone.utc)
        stmt = upsert(self.engine, t.model_snapshots).values(
            scope=scope, last_event_id=last_event_id, created_at=now, model=model
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["scope"],
            set_={"last_event_id": last_event_id, "created_at": now, "model": model},
            where=t.model_snapshots.c.last_event_id < last_event_id,
        )
        with self.engine.begin() as conn:
            conn.execute(stmt)

    # -- counts ------------------------------------------------------------------------------
    def counts(self, site_id: int, first: date, last: date) -> dict[str, int]:
        d = t.daily_counts.c
        with self.engine.connect() as conn:
            row = conn.execute(
                select(*(func.coalesce(func.sum(getattr(d, k)), 0).label(k) for k in COUNT_COLUMNS)).where(
                    d.site_id == site_id, d.day >= first, d.day <= last
                )
            ).first()
        return {k: int(getattr(row, k)) for k in COUNT_COLUMNS}

    # -- retention ---------------------------------------------------------------------------
    def purge(
        self,
        *,
        raw_before: datetime,
        ip_before: datetime,
        prints_before: datetime,
        prints_cap: int,
        cut_ip: Any,
    ) -> dict[str, int]:
        """Null raw submissions and cut IPs past their time; bound the fingerprint window."""
        c = t.checks.c
        done = {"raw": 0, "ip": 0, "fingerprints": 0, "events": 0}
        with self.engine.begin() as conn:
            done["raw"] = conn.execute(
                update(t.checks)
                .where(c.created_at < raw_before, c.submission.is_not(None))
                .values(submission=None)
            ).rowcount
            rows = conn.execute(
                select(c.id, c.ip).where(c.created_at < ip_before, c.ip_cut.is_(False)).limit(50_000)
            ).fetchall()
            for row in rows:
                conn.execute(update(t.checks).where(c.id == row.id).values(ip=cut_ip(row.ip), ip_cut=True))
            done["ip"] = len(rows)
            f = t.fingerprints.c
            done["fingerprints"] = conn.execute(
                t.fingerprints.delete().where(f.created_at < prints_before)
            ).rowcount
            for (site_id,) in conn.execute(
                select(f.site_id).group_by(f.site_id).having(func.count() > prints_cap)
            ):
                cutoff = conn.execute(
                    select(f.id).where(f.site_id == site_id).order_by(f.id.desc()).offset(prints_cap).limit(1)
                ).scalar()
                if cutoff is not None:
                    done["fingerprints"] += conn.execute(
                        t.fingerprints.delete().where(f.site_id == site_id, f.id <= cutoff)
                    ).rowcount
            # Feedback text is needed only until a snapshot covers it.
            e = t.feedback_events.c
            for snap in conn.execute(select(t.model_snapshots.c.scope, t.model_snapshots.c.last_event_id)):
                done["events"] += conn.execute(
                    update(t.feedback_events)
                    .where(
                        and_(e.scope == snap.scope, e.id <= snap.last_event_id, e.created_at < raw_before),
                        e.submission.is_not(None),
                    )
                    .values(submission=None)
                ).rowcount
        return done


_COLUMNS = "id, guid, fingerprint, network_hash, page_hash, label, band0, band1, band2, band3"
# One statement for all candidates (one round trip): the newest `limit` rows per band, each a walk
# down its (site_id, band, id) index, plus the newest labelled rows (few) via (site_id, label).
# No time condition: it would tempt SQLite's planner onto (site_id, created_at) and a sort; the
# window is kept by the retention sweep, which deletes fingerprints older than it.
_NEAR_SQL = text(
    " UNION ALL ".join(
        [
            f"SELECT * FROM (SELECT {_COLUMNS} FROM fingerprints WHERE site_id = :site AND band{i} = :b{i} "
            "ORDER BY id DESC LIMIT :limit) AS q" + str(i)
            for i in range(4)
        ]
        + [
            f"SELECT * FROM (SELECT {_COLUMNS} FROM fingerprints WHERE site_id = :site AND label IS NOT NULL "
            "ORDER BY id DESC LIMIT 200) AS q4"
        ]
    )
)


# Add to a site's counts of one day: one statement for every combination of counts, so it is
# compiled once (building an on_conflict_do_update per call cost more than the write itself).
# `excluded` upserts read the same on SQLite (>= 3.24) and PostgreSQL.
BUMP = text(
    f"INSERT INTO daily_counts (site_id, day, {', '.join(COUNT_COLUMNS)}) "
    f"VALUES (:site_id, :day, {', '.join(':' + k for k in COUNT_COLUMNS)}) "
    f"ON CONFLICT (site_id, day) DO UPDATE SET "
    + ", ".join(f"{k} = daily_counts.{k} + excluded.{k}" for k in COUNT_COLUMNS)
).bindparams(bindparam("day", type_=Date))


def _bump_row(site_id: int, day: date, values: dict[str, int]) -> dict[str, Any] | None:
    if not any(values.get(k) for k in COUNT_COLUMNS):
        return None
    return {"site_id": site_id, "day": day, **{k: int(values.get(k) or 0) for k in COUNT_COLUMNS}}


def day_range(month: str | None, today: date) -> tuple[date, date, str]:
    """The first and last day of a `YYYY-MM` month (default: this month), and its label."""
    if month:
        year, mon = (int(x) for x in month.split("-", 1))
        first = date(year, mon, 1)
    else:
        first = today.replace(day=1)
    nxt = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, nxt - timedelta(days=1), first.strftime("%Y-%m")


def _label_before(conn: Connection, original: Any) -> str | None:
    """The guid's label before `original`: its latest earlier event that stands (not an undo, not
    taken back by one)."""
    rows = conn.execute(
        select(e.id, e.label, e.source, e.submission)
        .where(e.site_id == original.site_id, e.guid == original.guid, e.id < original.id)
        .order_by(e.id.desc())
        .limit(50)
    ).fetchall()
    undone = {
        int(r.submission["porch_undo_of"])
        for r in rows
        if r.source == "undo" and r.submission and r.submission.get("porch_undo_of") is not None
    }
    undone |= set(
        conn.execute(
            select(a.event_id).where(a.event_id.in_([r.id for r in rows] or [0]), a.undone_at.is_not(None))
        ).scalars()
    )
    for r in rows:
        if r.source != "undo" and r.id not in undone:
            return r.label
    return None
