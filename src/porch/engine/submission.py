"""What the engine is asked about: one comment, as the Akismet protocol describes it.

A `Submission` holds the fields an Akismet client sends with `comment-check` (the same names, so a
WordPress plugin's form, a JSONL line and the widget's POST all map onto it without renaming), plus
two things Akismet has no field for but porch's own form sends: the time the page with the form was
rendered (for "posted 2 s after page load") and the value of the honeypot field.

Everything arrives as text from the outside world, so `Submission.from_mapping` is forgiving: values
are coerced to `str`, unknown fields are kept as-is in `extra` (WordPress sends dozens), and dates
that cannot be read, or that are absurd, become `None` rather than an error. A submission never fails
to build; the signals decide what an odd value means.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

FIELDS = (
    "blog",
    "user_ip",
    "user_agent",
    "referrer",
    "permalink",
    "comment_type",
    "comment_author",
    "comment_author_email",
    "comment_author_url",
    "comment_content",
    "blog_lang",
    "blog_charset",
    "user_role",
    "honeypot_field_name",
    "recheck_reason",
)
DATE_FIELDS = ("comment_date_gmt", "comment_post_modified_gmt", "rendered_at")
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
# Dates before the web or far in the future are typos or tricks; treat them as unknown.
_EARLIEST = datetime(1990, 1, 1, tzinfo=timezone.utc)
_LATEST = datetime(2200, 1, 1, tzinfo=timezone.utc)


def parse_date(value: Any) -> datetime | None:
    """A timezone-aware UTC datetime from an ISO 8601 string or a Unix timestamp, else None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        try:
            number = float(text)
        except ValueError:
            number = None
        try:
            if number is not None:
                if not math.isfinite(number):
                    return None
                # Milliseconds since the epoch are common from JavaScript (Date.now()).
                moment = datetime.fromtimestamp(number / 1000 if number > 1e11 else number, timezone.utc)
            else:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
        except (ValueError, OverflowError, OSError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc)
    return moment if _EARLIEST <= moment <= _LATEST else None


def _text(value: Any) -> str:
    """Any value as text; lone surrogates (not encodable, so not real text) become U+FFFD."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    text = value if isinstance(value, str) else str(value)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = text.encode("utf-8", "replace").decode("utf-8")
    return text


@dataclass(frozen=True, slots=True)
class Submission:
    """One comment with the context it arrived in. Field names are Akismet's."""

    comment_content: str = ""
    comment_author: str = ""
    comment_author_email: str = ""
    comment_author_url: str = ""
    user_ip: str = ""
    user_agent: str = ""
    referrer: str = ""
    blog: str = ""
    permalink: str = ""
    comment_type: str = ""
    blog_lang: str = ""
    blog_charset: str = ""
    user_role: str = ""
    honeypot_field_name: str = ""
    recheck_reason: str = ""
    is_test: bool = False
    comment_date_gmt: datetime | None = None
    comment_post_modified_gmt: datetime | None = None
    #: When the page holding the comment form was rendered (porch's signed form timestamp).
    rendered_at: datetime | None = None
    #: Every other field the client sent, kept as text.
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Submission:
        """Build a submission from Akismet-style fields; never raises for odd values."""
        known: dict[str, Any] = {}
        extra: dict[str, str] = {}
        for key, value in data.items():
            key = _text(key)
            if key in FIELDS:
                known[key] = _text(value)
            elif key in DATE_FIELDS:
                known[key] = parse_date(value)
            elif key == "is_test":
                known[key] = value is True or _text(value).strip().lower() in TRUE_WORDS
            else:
                extra[key] = _text(value)
        return cls(**known, extra=extra)

    @property
    def honeypot_value(self) -> str:
        """What a bot typed into the field named by `honeypot_field_name` ('' if none)."""
        name = self.honeypot_field_name
        return self.extra.get(name, "") if name else ""

    def to_mapping(self) -> dict[str, Any]:
        """The Akismet fields back as plain JSON-able values (dates as ISO 8601)."""
        out: dict[str, Any] = {name: getattr(self, name) for name in FIELDS if getattr(self, name)}
        for name in DATE_FIELDS:
            value = getattr(self, name)
            if value is not None:
                out[name] = value.isoformat()
        if self.is_test:
            out["is_test"] = True
        out.update(self.extra)
        return out
