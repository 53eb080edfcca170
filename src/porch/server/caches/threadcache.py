"""Each worker's cache of rendered public threads: the JSON bytes of a page, kept while current.

A 1,000-comment thread costs ~15 ms to read and serialise and ~1 ms to serve from memory, and
threads are read far more often than written. So the answer a public reader gets (approved
comments and "deleted" placeholders, no caller-specific parts) is kept here under its key —
thread, sort, cursor, limit, and whether avatars are on — together with the thread's `version`
at the time it was read. `threads.version` is bumped in the same transaction as every change a
public reader could see (store/comments.py), so a read checks one indexed row and serves the bytes
only if the version still matches: an edit, delete, like, approval or new reply made through any
worker is visible on the next read. The version is read *before* the comments, so an entry can
only ever be newer than its version says, never older.

What is not cached: moderators' reads (they see held comments) and a caller whose own held
comments are in the thread (they see theirs, with their edit token); both are read fresh.

The cache is bounded by bytes (least recently used out first), so memory stays flat however many
pages are read.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

MAX_BYTES = 64 * 2**20


class ThreadCache:
    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, tuple[int, bytes]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: int) -> bytes | None:
        """The cached answer for key if it was read at this version, else None."""
        with self._lock:
            found = self._entries.get(key)
            if found is None or found[0] != version:
                return None
            self._entries.move_to_end(key)
            return found[1]

    def put(self, key: Hashable, version: int, body: bytes) -> None:
        if len(body) > self.max_bytes // 4:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                if old[0] > version:  # a newer read got here first: keep it
                    self._entries[key] = old
                    return
                self._size -= len(old[1])
            self._entries[key] = (version, body)
            self._size += len(body)
            while self._size > self.max_bytes and self._entries:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._size -= len(dropped)
