"""What the comment server signs with its own secret: edit tokens, the form's render stamp, visitors.

All three are signed, not stored, so they cost no table and no lookup, and they die with the
secret (`Signer` is given `site_secret(0) + "comments"`, derived from the server secret):

* **edit tokens** `ID.HMAC(secret, "edit", ID)`: the author of comment ID gets one on posting (in
  the answer and as the HttpOnly cookie `porch_edit_ID`) and may edit or delete within the site's
  edit window (discussion.py);
* **the render stamp** of the comment form: "posted 2 s after page load" that a bot cannot fake.
  The widget asks `/api/v1/sites/SITE/config` for its settings when it renders the form; the answer
  carries `rendered_at`, a stamp `UNIX_SECONDS.SIGNATURE` (HMAC-SHA256 of the time, 24 hex
  digits). The widget sends it back unchanged with the comment, and preparing the comment
  (posting.py) turns a stamp with a good signature into the ISO time the engine's timing signal
  reads. A stamp whose signature does not verify is dropped, so a bot cannot move the time back to
  look patient. A plain ISO time (an API client that renders its own form) passes through: the
  engine weighs it the same way, it is just not vouched for by this server;
* **a visitor** (for "one like per visitor"): a keyed hash of the client's IP and user agent, so
  the same person in the same browser likes once and nothing stored names them.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timezone

_STAMP = re.compile(r"(\d{9,11})\.([0-9a-f]{24})", re.ASCII)


class Signer:
    def __init__(self, secret: bytes):
        self.secret = secret

    # -- edit tokens -------------------------------------------------------------------------
    def edit_token(self, comment_id: int) -> str:
        sig = hmac.new(self.secret, f"edit\0{comment_id}".encode(), hashlib.sha256).hexdigest()[:32]
        return f"{comment_id}.{sig}"

    def token_id(self, token: str) -> int | None:
        """The comment id an edit token is good for, or None."""
        head, _, sig = token.strip().partition(".")
        if not head.isdigit() or len(head) > 18 or not sig:
            return None
        return int(head) if hmac.compare_digest(self.edit_token(int(head)), token.strip()) else None

    # -- the form's render stamp -------------------------------------------------------------
    def stamp(self, now: datetime | None = None) -> str:
        """A signed stamp of `now` (default: this moment) for the widget to send back."""
        return make_stamp(self.secret, now)

    def read_stamp(self, value: str) -> str | None:
        return read_stamp(self.secret, value)

    # -- visitors ----------------------------------------------------------------------------
    def visitor(self, ip: str, user_agent: str) -> str:
        return hmac.new(self.secret, f"visitor\0{ip}\0{user_agent}".encode(), hashlib.sha256).hexdigest()[:32]


def _sign(secret: bytes, seconds: int) -> str:
    return hmac.new(secret, f"rendered\0{seconds}".encode(), hashlib.sha256).hexdigest()[:24]


def make_stamp(secret: bytes, now: datetime | None = None) -> str:
    """A signed stamp of `now` (default: this moment)."""
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
