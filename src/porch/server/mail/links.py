"""Signed links in porch's mails: confirm reply notifications, unsubscribe, one-click moderation.

Links are signed, not stored: `KIND.SITE.SUBJECT.EXPIRY.SIG` with an HMAC under a key derived from
the server secret (as edit tokens are, domain/signing.py). Moderation links carry the comment, the
action and the member's account (so a member removed from the site holds dead links) and expire
after `MODERATION_DAYS`; confirmation links after `CONFIRM_DAYS`; unsubscribe links never. The
pages they open are routes/mail_links.py.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass

from ...store.mail import CONFIRM_DAYS

__all__ = ["CONFIRM_DAYS", "MODERATION_DAYS", "BadLink", "Link", "Links"]

MODERATION_DAYS = 7


class BadLink(Exception):
    """A link that cannot be used, with the HTTP status and a message for people."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Link:
    kind: str
    site_id: int
    subject: str


class Links:
    KINDS = {"c": "confirm", "u": "unsubscribe", "m": "moderate"}

    def __init__(self, secret: bytes, base_url: str):
        self._key = hmac.new(secret, b"porch mail links", hashlib.sha256).digest()
        self.base = base_url.rstrip("/")

    def _sig(self, payload: str) -> str:
        raw = hmac.new(self._key, payload.encode(), hashlib.sha256).digest()[:18]
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def token(self, kind: str, site_id: int, subject: str, days: float | None) -> str:
        expiry = int(time.time() + days * 86400) if days else 0
        payload = f"{kind}.{site_id}.{subject}.{expiry:x}"
        return f"{payload}.{self._sig(payload)}"

    def url(self, kind: str, site_id: int, subject: str, days: float | None) -> str:
        return f"{self.base}/mail/{self.KINDS[kind]}/{self.token(kind, site_id, subject, days)}"

    def read(self, kind: str, token: str) -> Link:
        parts = token.strip().split(".")
        if len(parts) != 5 or parts[0] != kind or not parts[1].isdigit() or len(token) > 300:
            raise BadLink(
                400, "This link is not valid. Copy the whole link from the e-mail, or ask for a new one."
            )
        payload = ".".join(parts[:4])
        if not hmac.compare_digest(self._sig(payload), parts[4]):
            raise BadLink(400, "This link is not valid: it was changed or belongs to another server.")
        try:
            expiry = int(parts[3], 16)
        except ValueError:
            raise BadLink(400, "This link is not valid.") from None
        if expiry and expiry < time.time():
            raise BadLink(
                400,
                "This link has expired. Links in moderation and confirmation e-mails last "
                f"{MODERATION_DAYS} days.",
            )
        return Link(kind, int(parts[1]), parts[2])
