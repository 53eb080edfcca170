"""The check log's writer: rows are queued by the request and written in batches by a thread.

A check must answer in about a millisecond, and a durable SQLite commit (WAL, synchronous=FULL)
costs an fsync. So a batch of checks puts its log rows, fingerprint rows and count increments
on a queue and returns; this thread writes whatever has gathered every `interval` seconds (50 ms) in one
transaction, summing the counts per site and day. The price is that a check's guid reaches the
database up to ~50 ms after its answer: feedback that quotes the guid still finds the comment by
its fields (submit-spam carries them, as Akismet requires) and by its fingerprint, and the writer
is flushed on shutdown. If the database refuses a batch (disk full, a PostgreSQL restart), the
batch is kept and retried, up to `max_pending` rows, beyond which the oldest are counted as lost
and logged — a check answer is never held up by the log.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..store import Store

log = logging.getLogger("porch.checklog")


def tally(rows: list[dict], counts: dict | None = None) -> dict[tuple[int, date], dict[str, int]]:
    """Add check-log rows to daily counts per (site, day): one check, and one of its verdict, each.
    `is_test` checks count nowhere (they are logged, but the report card and usage are real traffic)."""
    counts = counts if counts is not None else defaultdict(lambda: defaultdict(int))
    for row in rows:
        if row.get("is_test"):
            continue
        bucket = counts[(row["site_id"], row["created_at"].date())]
        bucket["checks"] += 1
        bucket[row["verdict"]] += 1
    return counts


class CheckLogWriter:
    def __init__(self, store: Store, interval: float = 0.05, max_pending: int = 100_000):
        self.store = store
        self.interval = interval
        self.max_pending = max_pending
        self._lock = threading.Lock()  # guards the queues
        self._flush_lock = threading.Lock()  # one batch at a time, so flush() means "stored"
        self._rows: list[dict] = []
        self._prints: list[dict] = []
        self._counts: dict[tuple[int, date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.lost = 0

    def add_many(self, rows: list[dict], fingerprints: list[dict]) -> None:
        """Queue a batch of checks' log rows; each counts as one check and one of its verdict."""
        with self._lock:
            self._rows += rows
            self._prints += fingerprints
            tally(rows, self._counts)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="porch-checklog", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.flush()
        self.flush()

    def flush(self) -> int:
        """Write what is queued; returns once it (and any batch already being written) is stored."""
        with self._flush_lock:
            return self._flush()

    def _flush(self) -> int:
        with self._lock:
            rows, prints, counts = self._rows, self._prints, self._counts
            self._rows, self._prints = [], []
            self._counts = defaultdict(lambda: defaultdict(int))
        if not rows and not prints and not counts:
            return 0
        try:
            self.store.write_checks(rows, prints, {k: dict(v) for k, v in counts.items()})
        except Exception as exc:  # noqa: BLE001 - keep the batch for the next round, within bounds
            log.error("could not write %d check-log rows, will retry: %s", len(rows), type(exc).__name__)
            with self._lock:
                self._rows[:0], self._prints[:0] = rows, prints
                for key, values in counts.items():
                    for name, value in values.items():
                        self._counts[key][name] += value
                overflow = len(self._rows) - self.max_pending
                if overflow > 0:
                    self.lost += overflow
                    del self._rows[:overflow]
                    del self._prints[: max(0, len(self._prints) - self.max_pending)]
            time.sleep(min(1.0, self.interval * 10))
            return 0
        return len(rows)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
