"""A per-worker cache of store lookups that may be a second out of date.

API key → site, public id → site, session token → account: each request needs one, they change
rarely, and a second's delay before a revocation, a settings change or a logout reaches every
worker is acceptable (the worker that made the change drops its own entry at once). So each is
kept for `seconds` after it was read. The cache is bounded the blunt way: past `max_items`
entries it starts over, which only costs the next lookups a query each.

A `load` that raises stores nothing, so a refusal (unknown site) is asked again next time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ShortCache(Generic[K, V]):
    def __init__(self, seconds: float = 1.0, max_items: int = 10_000):
        self.seconds = seconds
        self.max_items = max_items
        self._items: dict[K, tuple[float, V]] = {}

    def get(self, key: K, load: Callable[[K], V]) -> V:
        now = time.monotonic()
        hit = self._items.get(key)
        if hit is not None and now - hit[0] < self.seconds:
            return hit[1]
        value = load(key)
        if len(self._items) > self.max_items:
            self._items.clear()
        self._items[key] = (now, value)
        return value

    def forget(self, key: K) -> None:
        self._items.pop(key, None)
