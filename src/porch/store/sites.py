"""Sites and their API keys: who may use porch, with which key, and each site's settings.

A site is what an API key belongs to and what comments, accounts' roles and the check log are
kept under: a numeric id for joins, a `public_id` safe to show in URLs (the widget's
`data-porch-site`), its URL and name, and one JSON `settings` value — `learning` ("own" or
"shared": which model its checks use and its feedback trains), `comments` (the comment server's
settings, server/domain/sitesettings.py gives them their types and validation) and `contact` (for
the privacy page). `save_settings` is the one writer of that value.

Keyed hashes: API keys are stored as HMAC-SHA256(server secret, key), so a stolen database holds
no usable key; `site_secret(id)` derives each site's own key from the server secret, for the
keyed hashes of reputation keys and e-mail addresses — one address hashes differently per site.
Keys are 128 random bits as lowercase hex: a valid DNS label, for the legacy `KEY.rest.akismet.com`
form some clients still send.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.engine import Connection, Engine

from . import schema as t
from .db import new_id, utc, writing

LEARNING_MODES = ("own", "shared")


@dataclass(frozen=True, slots=True)
class Site:
    id: int
    public_id: str
    url: str
    name: str
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def learning(self) -> str:
        mode = self.settings.get("learning", "own")
        return mode if mode in LEARNING_MODES else "own"

    @property
    def scope(self) -> str:
        """Which model this site's checks use and its feedback trains."""
        return "shared" if self.learning == "shared" else f"site:{self.id}"


class SiteNotFound(LookupError):
    pass


class SiteStore:
    def __init__(self, engine: Engine, secret: bytes):
        self.engine = engine
        self._secret = secret
        self._site_secrets: dict[int, bytes] = {}

    # -- hashing -----------------------------------------------------------------------------
    def key_hash(self, key: str) -> str:
        return hmac.new(self._secret, b"api-key\0" + key.strip().lower().encode(), hashlib.sha256).hexdigest()

    def site_secret(self, site_id: int) -> bytes:
        """Each site's own key for keyed hashes (site 0: the server's own purposes)."""
        found = self._site_secrets.get(site_id)
        if found is None:
            found = hmac.new(self._secret, f"site\0{site_id}".encode(), hashlib.sha256).digest()
            self._site_secrets[site_id] = found
        return found

    # -- sites -------------------------------------------------------------------------------
    def add(self, url: str, name: str = "", learning: str = "own") -> tuple[Site, str]:
        """A new site and its first API key (the key is shown once: only its hash is kept)."""
        now = datetime.now(timezone.utc)
        settings = {"learning": learning if learning in LEARNING_MODES else "own"}
        with writing(self.engine) as conn:
            site_id = new_id(
                conn.execute(
                    t.sites.insert().values(
                        public_id=secrets.token_urlsafe(9),
                        url=url,
                        name=name,
                        settings=settings,
                        created_at=now,
                        updated_at=now,
                    )
                )
            )
            key = self._new_key(conn, site_id, now)
        return self.get(site_id), key

    def get(self, site_id: int) -> Site:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.sites).where(t.sites.c.id == site_id)).first()
        if row is None:
            raise SiteNotFound(f"no site with id {site_id}")
        return _site(row)

    def find(self, ref: str) -> Site:
        """A site by its public id, its numeric id or its URL (exactly one must match)."""
        with self.engine.connect() as conn:
            query = select(t.sites).where(or_(t.sites.c.public_id == ref, t.sites.c.url == ref))
            rows = conn.execute(query).fetchall()
            # '²5' is a digit to isdigit, not to int; past 2**63 no id can match (and SQLite would overflow)
            if not rows and ref.isascii() and ref.isdigit() and int(ref) < 2**63:
                rows = conn.execute(select(t.sites).where(t.sites.c.id == int(ref))).fetchall()
        if not rows:
            raise SiteNotFound(f"no site {ref!r} (give its id or URL, see `porch site list`)")
        if len(rows) > 1:
            raise SiteNotFound(f"{len(rows)} sites have the URL {ref!r}; give the site id instead")
        return _site(rows[0])

    def by_ids(self, site_ids: Sequence[int]) -> list[Site]:
        """These sites, by name (the dashboard's list of an account's sites)."""
        ids = sorted({int(i) for i in site_ids})
        if not ids:
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.sites).where(t.sites.c.id.in_(ids)).order_by(t.sites.c.name, t.sites.c.id)
            )
            return [_site(r) for r in rows]

    def overview(self) -> list[dict[str, Any]]:
        """Every site with its keys (by prefix) and how many comments it checked (`porch site list`)."""
        with self.engine.connect() as conn:
            sites = conn.execute(select(t.sites).order_by(t.sites.c.id)).fetchall()
            keys = conn.execute(select(t.api_keys).order_by(t.api_keys.c.id)).fetchall()
            totals = dict(
                conn.execute(
                    select(t.daily_counts.c.site_id, func.sum(t.daily_counts.c.checks)).group_by(
                        t.daily_counts.c.site_id
                    )
                ).all()
            )
        out = []
        for row in sites:
            site = _site(row)
            mine = [k for k in keys if k.site_id == site.id]
            out.append(
                {
                    "id": site.public_id,
                    "url": site.url,
                    "name": site.name,
                    "learning": site.learning,
                    "created_at": utc(row.created_at).isoformat(),
                    "active_keys": [k.prefix + "…" for k in mine if k.revoked_at is None],
                    "revoked_keys": sum(1 for k in mine if k.revoked_at is not None),
                    "checks": int(totals.get(site.id) or 0),
                }
            )
        return out

    def keeping_less(self, names: Sequence[str]) -> list[Site]:
        """Sites whose comment settings set any of these retention periods (the sweep's extra round)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.sites)).fetchall()
        out = [_site(r) for r in rows]
        return [s for s in out if any((s.settings.get("comments") or {}).get(n) is not None for n in names)]

    def save_settings(self, site_id: int, settings: dict[str, Any]) -> Site:
        """Store a site's whole settings value (the one writer of it); the site as stored now."""
        with writing(self.engine) as conn:
            conn.execute(
                update(t.sites)
                .where(t.sites.c.id == site_id)
                .values(settings=settings, updated_at=datetime.now(timezone.utc))
            )
        return self.get(site_id)

    # -- keys --------------------------------------------------------------------------------
    def _new_key(self, conn: Connection, site_id: int, now: datetime) -> str:
        key = secrets.token_hex(16)
        conn.execute(
            t.api_keys.insert().values(
                site_id=site_id, key_hash=self.key_hash(key), prefix=key[:6], created_at=now
            )
        )
        return key

    def new_key(self, ref: str) -> tuple[Site, str]:
        site = self.find(ref)
        with writing(self.engine) as conn:
            key = self._new_key(conn, site.id, datetime.now(timezone.utc))
        return site, key

    def by_key(self, key: str) -> Site | None:
        """The site an active API key belongs to, or None (the hash is compared in constant time)."""
        wanted = self.key_hash(key)
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.api_keys.c.key_hash, t.sites)
                .join(t.sites, t.sites.c.id == t.api_keys.c.site_id)
                .where(t.api_keys.c.key_hash == wanted, t.api_keys.c.revoked_at.is_(None))
            ).first()
        if row is None or not hmac.compare_digest(row.key_hash, wanted):
            return None
        return _site(row)

    def keys(self, site_id: int) -> Sequence[Any]:
        """A site's keys, newest first: id, prefix, created_at, revoked_at (never the key itself)."""
        k = t.api_keys.c
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(k.id, k.prefix, k.created_at, k.revoked_at)
                    .where(k.site_id == site_id)
                    .order_by(k.id.desc())
                ).all()
            )

    def revoke(self, ref: str) -> tuple[Site, int]:
        """Revoke every active key of a site (`porch site revoke`); its data stays."""
        site = self.find(ref)
        with writing(self.engine) as conn:
            count = conn.execute(
                update(t.api_keys)
                .where(t.api_keys.c.site_id == site.id, t.api_keys.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(timezone.utc))
            ).rowcount
        return site, count

    def revoke_key(self, site_id: int, key_id: int) -> bool:
        """Revoke one active key of this site (the dashboard); False if there is no such active key.
        Matched by id *and* site, so an owner of one site cannot touch another's keys."""
        k = t.api_keys.c
        with writing(self.engine) as conn:
            done = conn.execute(
                update(t.api_keys)
                .where(k.id == key_id, k.site_id == site_id, k.revoked_at.is_(None))
                .values(revoked_at=datetime.now(timezone.utc))
            ).rowcount
        return bool(done)


def _site(row: Any) -> Site:
    return Site(row.id, row.public_id, row.url, row.name, dict(row.settings or {}))
