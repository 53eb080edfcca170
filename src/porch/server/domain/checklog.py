"""The check log's writer: rows are queued by the request and written in batches by a thread.

A check must answer in about a millisecond, and a durable SQLite commit (WAL, synchronous=FULL)
costs an fsync. So a batch of Akismet or API checks puts its log rows, fingerprint rows and count
increments on a queue and returns; this thread writes whatever has gathered every `interval`
seconds (50 ms) in one transaction, summing the counts per site and day. The price is that a
check's guid reaches the database up to ~50 ms after its answer: feedback that quotes the guid
still finds the comment by its fields (submit-spam carries them, as Akismet requires) and by its
fingerprint, and feedback flushes the writer first. If the database refuses a batch (disk full, a
PostgreSQL restart), the batch is kept and retried, up to `max_pending` rows, beyond which the
oldest are counted as lost and logged — a check answer is never held up by the log (the counts of
lost rows are kept: the report card still counts those checks).

A new comment's check does not come here: its rows are written in the transaction that stores the
comment (domain/posting.py).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import date

from ...store import Store
from ...store.checks import CheckLog, tally

log = logging.getLogger("porch.checklog")


class CheckLogWriter:
    def __init__(self, store: Store, interval: float = 0.05, max_pending: int = 100_000):
        self.store = store
        self.interval = interval
        self.max_pending = max_pending
        self._lock = threading.Lock()  # guards the queues
        self._flush_lock = threading.Lock()  # one batch at a time, so flush() means "stored"
        self._log = CheckLog()
        self._counts: dict[tuple[int, date], dict[str, int]] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.lost = 0

    def add(self, entries: CheckLog) -> None:
        """Queue a batch of checks' log rows; each counts as one check and one of its verdict."""
        with self._lock:
            self._log.rows += entries.rows
            self._log.prints += entries.prints
            tally(entries.rows, self._counts)

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
            batch, counts = self._log, self._counts
            self._log, self._counts = CheckLog(), {}
        if not batch and not counts:
            return 0
        try:
            self.store.checks.write(batch, counts)
        except Exception as exc:  # noqa: BLE001 - keep the batch for the next round, within bounds
            log.error(
                "could not write %d check-log rows, will retry: %s", len(batch.rows), type(exc).__name__
            )
            with self._lock:
                self._log.rows[:0], self._log.prints[:0] = batch.rows, batch.prints
                for key, values in counts.items():
                    bucket = self._counts.setdefault(key, {})
                    for name, value in values.items():
                        bucket[name] = bucket.get(name, 0) + value
                overflow = len(self._log.rows) - self.max_pending
                if overflow > 0:
                    self.lost += overflow
                    del self._log.rows[:overflow]
                    del self._log.prints[: max(0, len(self._log.prints) - self.max_pending)]
            time.sleep(min(1.0, self.interval * 10))
            return 0
        return len(batch.rows)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
