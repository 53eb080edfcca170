"""What a batch of checks reads from the store: reputation, near-duplicates, recent traffic.

The service checks comments in batches (server/domain/batching.py), and each comment needs three kinds of
history: the standing of its reputation keys, the recent near-duplicates of its text (candidates
that share a SimHash band), and how many checks its IP network made in the burst window. Asked
comment by comment that is three statements each, and at a few thousand checks a second the
statements (SQLAlchemy compiling them, the driver running them) cost more than the engine. So
`read_history` asks for a whole batch in three statements, whatever its size and however many
sites it mixes, each a UNION ALL of small indexed lookups:

* reputation: per (site, kind), `key_hash IN (…)` — the whole primary key, an index seek each;
* near-duplicates: per distinct (site, band position, band value), the newest 50 rows down the
  (site_id, bandN, id) index, plus per site the newest 200 labelled rows (a mark must not be
  pushed out by the copies that followed it) — the same bounded candidates as a lone check;
* recent traffic: per (site, network), the checks since the burst window began, read from the
  (site_id, network_hash, created_at) index alone — rechecks, which do not count, are logged
  without a network (server/domain/checking.py) — and counted up to `RECENT_CAP` (100). Bounded on purpose,
  like the near-duplicates: a flood of ten thousand comments from one network must not make each
  of its next comments count ten thousand rows. The burst signal's weight saturates at about 32
  a minute, so the cap changes no verdict; only the evidence of a larger flood reads "100 other
  comments".

The statements are plain SQL run through `exec_driver_sql` (no expression compiling on the hot
path) with the driver's own placeholders; the SQL text depends only on the shape of the batch.
Each answer is tagged so that its rows go back to the comments that asked, and a comment sees
only rows of its own site. Rows are named tuples, not ORM objects.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.engine import Connection

T = TypeVar("T")

NEAR_PER_BAND = 50  # newest candidates per band; the campaign signal saturates at 48 copies
LABELLED_PER_SITE = 200
RECENT_CAP = 100  # checks counted per network: the burst signal saturates at ~32 a minute
MAX_COMPOUND = 200  # SELECTs per UNION ALL statement (SQLite allows 500)

RepRow = namedtuple("RepRow", "site_id kind key_hash spam ham updated_at")
NearRow = namedtuple("NearRow", "id guid fingerprint network_hash page_hash label band0 band1 band2 band3")


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    """What one comment needs to know: its site, hashed reputation keys, SimHash bands, network."""

    site_id: int
    rep_hashes: Sequence[tuple[str, str]]  # (kind, key hash)
    bands: Sequence[int] | None  # the 4 bands of its fingerprint, None if it has none
    network_hash: str | None


@dataclass(slots=True)
class HistoryAnswer:
    reputation: list[RepRow]
    near: list[NearRow]  # candidates sharing a band, newest first (not yet tested for nearness)
    recent: int  # checks from the same network in the burst window


def read_history(
    conn: Connection, queries: Sequence[HistoryQuery], *, burst_since: datetime
) -> list[HistoryAnswer]:
    """One answer per query, in order, from (at most) three statements."""
    sqlite = conn.dialect.name == "sqlite"
    ph = "?" if sqlite else "%s"
    answers = [HistoryAnswer([], [], 0) for _ in queries]
    _reputation(conn, ph, queries, answers)
    _near(conn, ph, queries, answers)
    since: Any = burst_since.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else burst_since
    _recent(conn, ph, queries, answers, since)
    return answers


def _reputation(
    conn: Connection, ph: str, queries: Sequence[HistoryQuery], answers: list[HistoryAnswer]
) -> None:
    groups: dict[tuple[int, str], set[str]] = {}
    for q in queries:
        for kind, key_hash in q.rep_hashes:
            groups.setdefault((q.site_id, kind), set()).add(key_hash)
    if not groups:
        return
    found: dict[tuple[int, str, str], RepRow] = {}
    for chunk in _chunks(list(groups.items())):
        parts, params = [], []
        for (site_id, kind), hashes in chunk:
            parts.append(
                "SELECT site_id, kind, key_hash, spam, ham, updated_at FROM reputation "
                f"WHERE site_id = {ph} AND kind = {ph} AND key_hash IN ({', '.join([ph] * len(hashes))})"
            )
            params += [site_id, kind, *hashes]
        for raw in conn.exec_driver_sql(" UNION ALL ".join(parts), tuple(params)):
            updated = raw[5]
            if isinstance(updated, str):  # SQLite keeps datetimes as text
                updated = datetime.fromisoformat(updated)
            found[(raw[0], raw[1], raw[2])] = RepRow(raw[0], raw[1], raw[2], raw[3], raw[4], updated)
    for q, answer in zip(queries, answers):
        for kind, key_hash in q.rep_hashes:
            row = found.get((q.site_id, kind, key_hash))
            if row is not None:
                answer.reputation.append(row)


_NEAR_COLUMNS = "id, guid, fingerprint, network_hash, page_hash, label, band0, band1, band2, band3"


def _near(conn: Connection, ph: str, queries: Sequence[HistoryQuery], answers: list[HistoryAnswer]) -> None:
    # One subquery per distinct (site, band position, value), one per site for labelled rows.
    lookups: dict[tuple[int, int, int], int] = {}  # (site, position, value) -> tag
    sites: dict[int, int] = {}  # site -> tag of its labelled rows
    for q in queries:
        if q.bands is None or len(q.bands) < 4:
            continue
        for i, band in enumerate(q.bands[:4]):
            lookups.setdefault((q.site_id, i, band), len(lookups))
        sites.setdefault(q.site_id, -1)
    if not lookups:
        return
    for site_id in sites:
        sites[site_id] = len(lookups) + len(sites)  # tags after the band lookups, all distinct
    subqueries = [
        (
            tag,
            f"SELECT {tag} AS q, {_NEAR_COLUMNS} FROM fingerprints WHERE site_id = {ph} AND band{i} = {ph} "
            f"ORDER BY id DESC LIMIT {NEAR_PER_BAND}",
            (site_id, band),
        )
        for (site_id, i, band), tag in lookups.items()
    ] + [
        (
            tag,
            f"SELECT {tag} AS q, {_NEAR_COLUMNS} FROM fingerprints WHERE site_id = {ph} AND label IS NOT NULL "
            f"ORDER BY id DESC LIMIT {LABELLED_PER_SITE}",
            (site_id,),
        )
        for site_id, tag in sites.items()
    ]
    rows_by_tag: dict[int, list[NearRow]] = {}
    for chunk in _chunks(subqueries):
        sql = " UNION ALL ".join(f"SELECT * FROM ({sql}) AS q{tag}" for tag, sql, _ in chunk)
        params = tuple(p for _, _, ps in chunk for p in ps)
        for raw in conn.exec_driver_sql(sql, params):
            rows_by_tag.setdefault(raw[0], []).append(NearRow(*raw[1:]))
    for q, answer in zip(queries, answers):
        if q.bands is None or len(q.bands) < 4:
            continue
        wanted = set(q.bands[:4])
        rows: dict[int, NearRow] = {}
        for i, band in enumerate(q.bands[:4]):
            for row in rows_by_tag.get(lookups[(q.site_id, i, band)], ()):
                rows.setdefault(row.id, row)
        for row in rows_by_tag.get(sites[q.site_id], ()):
            if row.id not in rows and {row.band0, row.band1, row.band2, row.band3} & wanted:
                rows[row.id] = row
        answer.near = sorted(rows.values(), key=lambda r: -r.id)


def _recent(
    conn: Connection, ph: str, queries: Sequence[HistoryQuery], answers: list[HistoryAnswer], since: Any
) -> None:
    pairs = sorted({(q.site_id, q.network_hash) for q in queries if q.network_hash})
    if not pairs:
        return
    counts: dict[tuple[int, str], int] = {}
    for start, chunk in zip(range(0, len(pairs), MAX_COMPOUND), _chunks(pairs)):
        parts = [
            f"SELECT {start + k} AS q, COUNT(*) FROM (SELECT 1 FROM checks WHERE site_id = {ph} "
            f"AND network_hash = {ph} AND created_at >= {ph} LIMIT {RECENT_CAP}) AS c{k}"
            for k in range(len(chunk))
        ]
        params = tuple(p for site_id, network_hash in chunk for p in (site_id, network_hash, since))
        for tag, count in conn.exec_driver_sql(" UNION ALL ".join(parts), params):
            counts[pairs[tag]] = int(count)
    for q, answer in zip(queries, answers):
        if q.network_hash:
            answer.recent = counts.get((q.site_id, q.network_hash), 0)


def _chunks(items: list[T]) -> list[list[T]]:
    return [items[i : i + MAX_COMPOUND] for i in range(0, len(items), MAX_COMPOUND)]
