"""Request rate limits per API key: a token bucket in each worker, or a shared window in Redis.

A key may make `key_rate_per_second` requests a second on average with bursts up to `key_burst`;
past that the server answers 429 with `Retry-After` (whole seconds, at least 1), which Akismet
clients treat as an error to retry later rather than as a verdict.

Without Redis each worker keeps its own buckets and is given its share of the rate (rate ÷ workers;
uvicorn spreads connections over the workers), so the total is right on average and never more
than the configured burst per worker off. With `redis_url` the workers and servers share one
counter per key and second (INCR + EXPIRE): at most `key_rate_per_second` in any calendar second,
exact across machines (the burst allowance does not apply there). If Redis is down the limiter
lets requests through and logs it once: a broken limiter must not take the spam filter down.

Per-IP *bursts* are not limited here: a commenter's network posting many comments a minute is
evidence, not an error, and is passed to the engine as history (`recent_from_network`).
"""

from __future__ import annotations

import logging
import math
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import redis

log = logging.getLogger("porch.limits")


class RateLimiter:
    def __init__(self, rate: float, burst: int, workers: int = 1, redis_url: str | None = None):
        self.rate = rate / max(1, workers) if rate > 0 else 0.0
        self.shared_rate = rate
        self.burst = max(1, burst // max(1, workers)) if rate > 0 else 0
        self._buckets: dict[str, tuple[float, float]] = {}
        self._redis: redis.Redis | None = None
        self._redis_failed = False
        if redis_url and rate > 0:
            import redis  # only when configured: most servers never load it

            self._redis = redis.Redis.from_url(redis_url, socket_timeout=0.05, socket_connect_timeout=0.2)

    def check(self, key: str) -> float:
        """0 if the request may go ahead, else the seconds to wait before retrying."""
        if self.rate <= 0:
            return 0.0
        if self._redis is not None:
            return self._check_redis(self._redis, key)
        now = time.monotonic()
        tokens, then = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * self.rate)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > 100_000:  # forget idle keys rather than grow for ever
                self._buckets.clear()
            return 0.0
        self._buckets[key] = (tokens, now)
        return (1.0 - tokens) / self.rate

    def _check_redis(self, client: redis.Redis, key: str) -> float:
        window = int(time.time())
        name = f"porch:rate:{key[:32]}:{window}"
        try:
            pipe = client.pipeline()
            pipe.incr(name)
            pipe.expire(name, 2)
            count = pipe.execute()[0]
        except Exception as exc:  # noqa: BLE001 - Redis down: do not block checks
            if not self._redis_failed:
                log.error("rate limiter cannot reach Redis, letting requests through: %s", type(exc).__name__)
                self._redis_failed = True
            return 0.0
        self._redis_failed = False
        allowed = max(self.shared_rate, 1.0)
        return 0.0 if count <= allowed else (window + 1) - time.time()


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
