"""The signed render timestamp of the comment form: "posted 2 s after page load" that a bot cannot fake.

The widget asks `/api/v1/sites/SITE/config` for its settings when it renders the form; the answer
carries `rendered_at`, a stamp `UNIX_SECONDS.SIGNATURE` (HMAC-SHA256 of the time under the server's
comment secret, 24 hex digits). The widget sends it back unchanged with the comment, and
`Discussion.prepare` turns a stamp with a good signature into the ISO time the engine's timing signal
reads. A stamp whose signature does not verify is dropped, so a bot cannot move the time back to
look patient. A plain ISO time (an API client that renders its own form) passes through as before:
the engine weighs it the same way, it is just not vouched for by this server.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timezone

_STAMP = re.compile(r"(\d{9,11})\.([0-9a-f]{24})", re.ASCII)


def _sign(secret: bytes, seconds: int) -> str:
    return hmac.new(secret, f"rendered\0{seconds}".encode(), hashlib.sha256).hexdigest()[:24]


def make_stamp(secret: bytes, now: datetime | None = None) -> str:
    """A signed stamp of `now` (default: this moment) for the widget to send back."""
    seconds = int((now or datetime.now(timezone.utc)).timestamp())
    return f"{seconds}.{_sign(secret, seconds)}"


def read_stamp(secret: bytes, value: str) -> str | None:
    """The ISO time of a signed stamp; None for a forged one; other values unchanged."""
    found = _STAMP.fullmatch(value.strip())
    if found is None:
        return value
    seconds = int(found.group(1))
    if not hmac.compare_digest(_sign(secret, seconds), found.group(2)):
        return None
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat()
