"""Every query the server makes, behind one `Store` object (SQLite and PostgreSQL alike).

The server never writes SQL itself: it asks the store for a site by key, for a site's history
(reputation, near-duplicates, recent traffic from a network), and hands it batches of check-log rows
and single feedback events. Keeping the queries here keeps the hot path's cost visible: a batch of
checks reads its history in three statements (history.py), and its log rows are written later in
a batch.

Keyed hashes: API keys are stored as HMAC-SHA256(secret, key); reputation keys (an IP network, an
e-mail address…) as `reputation.hashed_key(site secret, kind, key)`, the site secret being derived
from the server secret and the site id, so a stolen database names no one and the same address
gives unrelated hashes on two sites.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Date, and_, bindparam, func, or_, select, text, update
from sqlalchemy.engine import Engine

from . import schema as t
from .db import writing
from .history import HistoryAnswer, HistoryQuery, read_history
from .schema import COUNT_COLUMNS

LEARNING_MODES = ("own", "shared")


def utc(moment: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back; every time porch stores is UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def to_signed64(value: int) -> int:
    return value - (1 << 64) if value >= (1 << 63) else value


def to_unsigned64(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


@dataclass(frozen=True, slots=True)
class Site:
    id: int
    public_id: str
    url: str
    name: str
    settings: dict = field(default_factory=dict)

    @property
    def learning(self) -> str:
        mode = self.settings.get("learning", "own")
        return mode if mode in LEARNING_MODES else "own"

    @property
    def scope(self) -> str:
        """Which model this site's checks use and its feedback trains."""
        return "shared" if self.learning == "shared" else f"site:{self.id}"


class SiteNotFound(LookupError):
    pass


class Store:
    def __init__(self, engine: Engine, secret: bytes):
        self.engine = engine
        self._secret = secret
        self.dialect = engine.dialect.name

    # -- hashing -----------------------------------------------------------------------------
    def key_hash(self, key: str) -> str:
        return hmac.new(self._secret, b"api-key\0" + key.strip().lower().encode(), hashlib.sha256).hexdigest()

    def site_secret(self, site_id: int) -> bytes:
        """Each site's own key for hashing reputation keys: one address hashes differently per site."""
        return hmac.new(self._secret, f"site\0{site_id}".encode(), hashlib.sha256).digest()

    def _insert(self, table):
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    # -- sites and keys ----------------------------------------------------------------------
    def add_site(self, url: str, name: str = "", learning: str = "own") -> tuple[Site, str]:
        now = datetime.now(timezone.utc)
        settings = {"learning": learning if learning in LEARNING_MODES else "own"}
        with self.engine.begin() as conn:
            site_id = conn.execute(
                t.sites.insert().values(
                    public_id=secrets.token_urlsafe(9),
                    url=url,
                    name=name,
                    settings=settings,
                    created_at=now,
                    updated_at=now,
                )
            ).inserted_primary_key[0]
            key = self._new_key(conn, site_id, now)
        return self.site(site_id), key

    def _new_key(self, conn, site_id: int, now: datetime) -> str:
        # 128 random bits as lowercase hex: a valid DNS label, for the legacy KEY.host form.
        key = secrets.token_hex(16)
        conn.execute(
            t.api_keys.insert().values(
                site_id=site_id, key_hash=self.key_hash(key), prefix=key[:6], created_at=now
            )
        )
        return key

    def new_key(self, ref: str) -> tuple[Site, str]:
        site = self.find_site(ref)
        with self.engine.begin() as conn:
            key = self._new_key(conn, site.id, datetime.now(timezone.utc))
        return site, key

    def site(self, site_id: int) -> Site:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.sites).where(t.sites.c.id == site_id)).first()
        if row is None:
            raise SiteNotFound(f"no site with id {site_id}")
        return _site(row)

    def find_site(self, ref: str) -> Site:
        """A site by its public id, its numeric id or its URL (exactly one must match)."""
        with self.engine.connect() as conn:
            query = select(t.sites).where(or_(t.sites.c.public_id == ref, t.sites.c.url == ref))
            rows = conn.execute(query).fetchall()
            # '²5' is a digit to isdigit, not to int; past 2**63 no id can match (and SQLite would overflow)
            if not rows and ref.isascii() and ref.isdigit() and int(ref) < 2**63:
                rows = conn.execute(select(t.sites).where(t.sites.c.id == int(ref))).fetchall()
        if not rows:
            raise SiteNotFound(f"no site {ref!r} (give its id or URL, see `porch site list`)")
        if len(rows) > 1:
            raise SiteNotFound(f"{len(rows)} sites have the URL {ref!r}; give the site id instead")
        return _site(rows[0])

    def list_sites(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            sites = conn.execute(select(t.sites).order_by(t.sites.c.id)).fetchall()
            keys = conn.execute(select(t.api_keys).order_by(t.api_keys.c.id)).fetchall()
            totals = dict(
                conn.execute(
                    select(t.daily_counts.c.site_id, func.sum(t.daily_counts.c.checks)).group_by(
                        t.daily_counts.c.site_id
                    )
                ).fetchall()
            )
        out = []
        for row in sites:
            site = _site(row)
            mine = [k for k in keys if k.site_id == site.id]
            out.append(
                {
                    "id": site.public_id,
                    "url": site.url,
                    "name": site.name,
                    "learning": site.learning,
                    "created_at": utc(row.created_at).isoformat(),
                    "active_keys": [k.prefix + "…" for k in mine if k.revoked_at is None],
                    "revoked_keys": sum(1 for k in mine if k.revoked_at is not None),
                    "checks": int(totals.get(site.id) or 0),
                }
            )
        return out

    def sites_keeping_less(self, names: Sequence[str]) -> list[Site]:
        """Sites whose comment settings set any of these retention periods (the sweep's extra round)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.sites)).fetchall()
        out = [_site(r) for r in rows]
        return [s for s in out if any((s.settings.get("comments") or {}).get(n) is not None for n in names)]

    def revoke(self, ref: str) -> tuple[Site, int]:
        """Revoke every active key of a site; its data stays."""
        site = self.find_site(ref)
        with self.engine.begin() as conn:
            count = conn.execute(
                update(t.api_keys)
                .where(t.api_keys.c.site_id == site.id, t.api_keys.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(timezone.utc))
            ).rowcount
        return site, count

    def set_learning(self, ref: str, mode: str) -> Site:
        if mode not in LEARNING_MODES:
            raise ValueError(f"learning must be one of {', '.join(LEARNING_MODES)}")
        site = self.find_site(ref)
        with self.engine.begin() as conn:
            conn.execute(
                update(t.sites)
                .where(t.sites.c.id == site.id)
                .values(settings={**site.settings, "learning": mode}, updated_at=datetime.now(timezone.utc))
            )
        return self.site(site.id)

    def site_by_key(self, key: str) -> Site | None:
        """The site an active API key belongs to, or None (the hash is compared in constant time)."""
        wanted = self.key_hash(key)
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.api_keys.c.key_hash, t.sites)
                .join(t.sites, t.sites.c.id == t.api_keys.c.site_id)
                .where(t.api_keys.c.key_hash == wanted, t.api_keys.c.revoked_at.is_(None))
            ).first()
        if row is None or not hmac.compare_digest(row.key_hash, wanted):
            return None
        return Site(row.id, row.public_id, row.url, row.name, dict(row.settings or {}))

    # -- what a check reads ------------------------------------------------------------------
    def history_many(self, queries: Sequence[HistoryQuery], *, burst_since: datetime) -> list[HistoryAnswer]:
        """The history of a batch of checks (any mix of sites), in three statements (history.py)."""
        with self.engine.connect() as conn:
            return read_history(conn, queries, burst_since=burst_since)

    def _near(self, conn, site_id: int, bands: list[int], since: datetime, limit: int = 50) -> list[Any]:
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
    def write_checks(
        self, rows: list[dict], prints: list[dict], counts: dict[tuple[int, date], dict]
    ) -> None:
        with writing(self.engine) as conn:
            self.write_checks_on(conn, rows, prints, counts)

    def write_checks_on(
        self, conn, rows: list[dict], prints: list[dict], counts: dict[tuple[int, date], dict]
    ) -> None:
        """`write_checks` inside the caller's transaction (the comment server's inserts)."""
        if rows:
            conn.execute(t.checks.insert(), rows)
        if prints:
            conn.execute(t.fingerprints.insert(), prints)
        bumps = [_bump_row(site_id, day, values) for (site_id, day), values in counts.items()]
        if any(bumps):
            conn.execute(BUMP, [b for b in bumps if b])

    def _bump(self, conn, site_id: int, day: date, values: dict[str, int]) -> None:
        row = _bump_row(site_id, day, values)
        if row:
            conn.execute(BUMP, row)

    def find_check(self, site_id: int, guid: str) -> Any | None:
        """A check of this site by guid (another site's guid is as good as unknown)."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(t.checks).where(t.checks.c.guid == guid, t.checks.c.site_id == site_id)
            ).first()

    def near_duplicates(self, site_id: int, bands: list[int], since: datetime) -> list[Any]:
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
            event_id = conn.execute(
                t.feedback_events.insert().values(
                    site_id=site.id,
                    scope=site.scope,
                    created_at=now,
                    label=label,
                    source=source,
                    guid=guid,
                    submission=submission,
                )
            ).inserted_primary_key[0]
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

    def _learn_reputation(self, conn, site_id, kind, key_hash, is_spam, now, combine) -> None:
        c = t.reputation.c
        row = conn.execute(
            select(c.spam, c.ham, c.updated_at).where(
                c.site_id == site_id, c.kind == kind, c.key_hash == key_hash
            )
        ).first()
        before = (0.0, 0.0) if row is None else (row.spam, row.ham)
        age = 0.0 if row is None else (now - utc(row.updated_at)).total_seconds()
        spam, ham = combine(before, is_spam, age)
        stmt = self._insert(t.reputation).values(
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

    def events_after(self, last_id: int, limit: int = 500) -> list[Any]:
        e = t.feedback_events.c
        with self.engine.connect() as conn:
            return conn.execute(
                select(e.id, e.scope, e.label, e.submission).where(e.id > last_id).order_by(e.id).limit(limit)
            ).fetchall()

    # -- model snapshots ---------------------------------------------------------------------
    def snapshots(self) -> list[Any]:
        with self.engine.connect() as conn:
            return conn.execute(select(t.model_snapshots)).fetchall()

    def save_snapshot(self, scope: str, last_event_id: int, model: bytes) -> None:
        now = datetime.now(timezone.utc)
        stmt = self._insert(t.model_snapshots).values(
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

    def raw_submission_count(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count()).select_from(t.checks).where(t.checks.c.submission.is_not(None))
                ).scalar()
            )


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


def _site(row: Any) -> Site:
    return Site(row.id, row.public_id, row.url, row.name, dict(row.settings or {}))


def day_range(month: str | None, today: date) -> tuple[date, date, str]:
    """The first and last day of a `YYYY-MM` month (default: this month), and its label."""
    if month:
        year, mon = (int(x) for x in month.split("-", 1))
        first = date(year, mon, 1)
    else:
        first = today.replace(day=1)
    nxt = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, nxt - timedelta(days=1), first.strftime("%Y-%m")
