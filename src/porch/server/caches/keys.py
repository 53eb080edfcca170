"""API key → site, cached for a second, so a check costs no key query; a revocation shows in ≤ 1 s."""

from __future__ import annotations

from ...store import Site, Store
from .shortcache import ShortCache

KEY_CACHE_SECONDS = 1.0


class ApiKeys:
    def __init__(self, store: Store):
        self.store = store
        self._cache: ShortCache[str, Site | None] = ShortCache(KEY_CACHE_SECONDS)

    def site(self, key: str) -> Site | None:
        """The site of an active API key, or None (blank, too long, unknown or revoked)."""
        key = key.strip().lower()
        if not key or len(key) > 128:
            return None
        return self._cache.get(key, self.store.sites.by_key)
