"""A site's settings: what each one is, its default, what values it may take — and changing them.

A site's settings are one JSON value in the store (store/sites.py): `learning` (which model the
site's checks use: its "own", or the one "shared" by every site that says so), `contact` (the
operator's address on the privacy page) and `comments`, the comment server's settings, which
`CommentSettings` below defines field by field with its default. Every reader takes them through
`CommentSettings.of(site)`, and every writer — `porch site set`, the dashboard's settings form,
`porch demo` — through `change_settings`, which validates (`validate_settings`: the same rules,
so the CLI, the form and any later API agree on what is valid) and writes the whole value once.

A site may keep commenter IPs and deleted comments for less time than the server does (never
more): `comment_ip_retention_days` and `deleted_retention_days` are None ("the server's") or a
shorter period, read through `CommentSettings.retention`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any
from urllib.parse import urlsplit

from ...config import Settings
from ...store import Site, Store
from ...store.sites import LEARNING_MODES
from . import siterules

MODERATION = ("none", "links", "first", "all")
NOTIFY_MODERATORS = ("off", "immediate", "digest")
SITE_RETENTION = ("comment_ip_retention_days", "deleted_retention_days")
SORTS = ("oldest", "newest", "top")
LISTS = ("allowed_origins", *siterules.LISTS)  # settings that are lists of strings
SWITCHES = ("require_name", "require_email", "avatars", "reply_notifications")  # yes/no settings
MAX_CONTACT = 500


@dataclass
class CommentSettings:
    """A site's comment settings (stored under `comments` in the site's settings)."""

    moderation: str = "none"  # none | links | first | all
    require_email: bool = False
    require_name: bool = False
    edit_window_seconds: float = 900.0
    reply_depth: int = 5  # deeper replies are attached to the deepest allowed ancestor
    default_sort: str = "oldest"
    max_length: int = 10_000
    allowed_origins: list[str] = field(default_factory=list)  # empty: the site URL's origin
    avatars: bool = False  # comments carry an avatar hash (identity.email_hash), drawn by avatars.py
    # e-mail (mail/notify.py; only when the operator configured SMTP)
    notify_moderators: str = "immediate"  # off | immediate | digest: mail members about held comments
    digest_hours: float = 24.0  # how often the digest goes out
    reply_notifications: bool = True  # commenters may ask for replies by mail (double opt-in)
    blocked_words: list[str] = field(default_factory=list)  # site rules (siterules.py): → spam
    blocked_ips: list[str] = field(default_factory=list)  # addresses or networks (203.0.113.0/24)
    blocked_emails: list[str] = field(default_factory=list)  # addresses or @domain
    allowed_emails: list[str] = field(default_factory=list)  # → never held, never spam unless discard
    allowed_ips: list[str] = field(default_factory=list)
    # retention a site may shorten (never lengthen) below the operator's: None = the server's
    comment_ip_retention_days: float | None = None
    deleted_retention_days: float | None = None

    def retention(self, settings: Settings, name: str) -> float:
        """The site's period for `name` (comment_ip_retention_days | deleted_retention_days), in
        days: its own if set and shorter than the server's, else the server's."""
        server = float(getattr(settings, name))
        mine = getattr(self, name)
        return server if mine is None else min(server, float(mine))

    @classmethod
    def of(cls, site: Site) -> CommentSettings:
        return cls.from_dict(site.settings.get("comments") or {})

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> CommentSettings:
        """From the stored value: unknown keys (of an older or newer porch) are ignored."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in names})

    def origins(self, site_url: str) -> set[str]:
        return set(self.allowed_origins) if self.allowed_origins else {origin_of(site_url)}


def validate_settings(changes: dict[str, Any], current: CommentSettings) -> CommentSettings:
    """Apply changes to a site's settings, or raise ValueError with a message for people.
    A change to None leaves the setting as it is."""
    out = asdict(current)
    for key, value in changes.items():
        if value is None:
            continue
        if key == "moderation" and value not in MODERATION:
            raise ValueError(f"moderation must be one of {', '.join(MODERATION)}")
        if key == "default_sort" and value not in SORTS:
            raise ValueError(f"default sort must be one of {', '.join(SORTS)}")
        if key == "edit_window_seconds" and not 0 <= float(value) <= 365 * 86400:
            raise ValueError("edit window must be between 0 seconds and a year")
        if key == "reply_depth" and not 0 <= int(value) <= 50:
            raise ValueError("reply depth must be between 0 and 50")
        if key == "max_length" and not 1 <= int(value) <= 100_000:
            raise ValueError("maximum length must be between 1 and 100,000 characters")
        if key in siterules.LISTS:
            value = siterules.validate(key, value)
        if key == "notify_moderators" and value not in NOTIFY_MODERATORS:
            raise ValueError(f"moderator notifications must be one of {', '.join(NOTIFY_MODERATORS)}")
        if key in SITE_RETENTION and not 0 <= float(value) <= 3650:
            raise ValueError("retention periods are between 0 and 3,650 days")
        if key == "digest_hours" and not 1 <= float(value) <= 24 * 31:
            raise ValueError("the digest interval must be between 1 hour and 31 days")
        if key == "allowed_origins":
            value = [origin_of(o) for o in value if o.strip()]
            if any(not o for o in value):
                raise ValueError("allowed origins are like https://blog.example.org")
        out[key] = value
    return CommentSettings(**out)


def change_settings(
    store: Store,
    site: Site,
    *,
    comments: CommentSettings | None = None,
    learning: str | None = None,
    contact: str | None = None,
) -> Site:
    """Write a site's settings: new comment settings (validated already: `validate_settings`), a
    learning mode, a contact; None leaves each as it is. Reads the site as stored now, so a change
    made meanwhile to another part is kept. Raises ValueError for a value people can fix."""
    if learning is not None and learning not in LEARNING_MODES:
        raise ValueError(f"learning must be one of {', '.join(LEARNING_MODES)}")
    if contact is not None and len(contact) > MAX_CONTACT:
        raise ValueError(f"the contact is longer than {MAX_CONTACT} characters")
    current = store.sites.get(site.id).settings
    changed = dict(current)
    if comments is not None:
        changed["comments"] = {**(current.get("comments") or {}), **asdict(comments)}
    if learning is not None:
        changed["learning"] = learning
    if contact is not None:
        changed["contact"] = contact.strip()
    return store.sites.save_settings(site.id, changed)


def origin_of(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}".lower()
