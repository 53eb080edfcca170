"""Moderator accounts, their roles per site, login sessions and failed-login counts.

* Passwords are hashed with argon2id (argon2-cffi's `PasswordHasher`, RFC 9106 parameters); the
  encoded hash carries its parameters, so raising them later needs no migration — a login with an
  outdated hash rehashes it. Verifying an unknown address still costs one argon2 verification, so
  the time of a failed login does not tell whether the account exists.
* A session is 256 random bits in a cookie; the table keeps only its HMAC under the server secret,
  so a copy of the database logs nobody in. Sessions last `SESSION_DAYS`; logout deletes the row.
* Roles are per site: `owner` (settings, keys, moderators) and `moderator` (the queues). An owner
  can do everything a moderator can.
* Failed logins are counted per keyed hash (of the address, and of the client's network) in the
  store, so every worker and server sees the same count. After `FREE_FAILURES` failures within
  `WINDOW` the key is locked for a time that doubles with each further failure (capped at
  `MAX_LOCK`); a successful login clears the address's count.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from . import schema as t
from .db import new_id, utc, writing

ROLES = ("owner", "moderator")
SESSION_DAYS = 14
MIN_PASSWORD = 10
FREE_FAILURES = 5
WINDOW = timedelta(minutes=15)
FIRST_LOCK = timedelta(seconds=30)
MAX_LOCK = timedelta(minutes=15)

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("porch: no such account")


class AccountError(ValueError):
    """Input a person can fix (a malformed address, a short password, an unknown account)."""


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    roles: dict[int, str] = field(default_factory=dict)  # site id → owner | moderator

    def role(self, site_id: int) -> str | None:
        return self.roles.get(site_id)

    def can(self, site_id: int, role: str = "moderator") -> bool:
        have = self.roles.get(site_id)
        return have == "owner" or (have is not None and have == role)


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    local, at, domain = email.rpartition("@")
    if not at or not local or "." not in domain or len(email) > 254 or any(ch.isspace() for ch in email):
        raise AccountError(f"{email[:100]!r} does not look like an e-mail address")
    return email


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password) > 1024:
        raise AccountError("the password is longer than 1,024 characters")


def _now() -> datetime:
    return datetime.now(timezone.utc)


class AccountStore:
    def __init__(self, engine: Engine, secret: bytes):
        self.engine = engine
        self._secret = secret

    def _hash(self, purpose: str, value: str) -> str:
        return hmac.new(self._secret, f"{purpose}\0{value}".encode(), hashlib.sha256).hexdigest()

    # -- accounts ----------------------------------------------------------------------------
    def create(self, email: str, password: str) -> Account:
        email = normalise_email(email)
        check_password(password)
        try:
            with writing(self.engine) as conn:
                account_id = new_id(
                    conn.execute(
                        t.accounts.insert().values(
                            email=email, password_hash=_hasher.hash(password), created_at=_now()
                        )
                    )
                )
        except IntegrityError:
            raise AccountError(f"an account for {email} exists already") from None
        return Account(account_id, email, {})

    def set_password(self, account_id: int, password: str) -> None:
        check_password(password)
        with writing(self.engine) as conn:
            conn.execute(
                update(t.accounts)
                .where(t.accounts.c.id == account_id)
                .values(password_hash=_hasher.hash(password))
            )
            conn.execute(delete(t.sessions).where(t.sessions.c.account_id == account_id))

    def get(self, account_id: int) -> Account | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.accounts.c.id, t.accounts.c.email).where(t.accounts.c.id == account_id)
            ).first()
            return None if row is None else self._with_roles(conn, row.id, row.email)

    def by_email(self, email: str) -> Account | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.accounts.c.id, t.accounts.c.email).where(t.accounts.c.email == email.strip().lower())
            ).first()
            return None if row is None else self._with_roles(conn, row.id, row.email)

    def _with_roles(self, conn: Connection, account_id: int, email: str) -> Account:
        m = t.memberships.c
        rows = conn.execute(select(m.site_id, m.role).where(m.account_id == account_id)).fetchall()
        return Account(account_id, email, {r.site_id: r.role for r in rows})

    def list_accounts(self) -> list[Account]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.accounts.c.id, t.accounts.c.email).order_by(t.accounts.c.email)
            ).fetchall()
            return [self._with_roles(conn, r.id, r.email) for r in rows]

    def verify(self, email: str, password: str) -> Account | None:
        """The account if the password is right (rehashing an outdated hash), else None."""
        try:
            email = normalise_email(email)
        except AccountError:
            email = ""
        with self.engine.connect() as conn:
            row = (
                conn.execute(select(t.accounts).where(t.accounts.c.email == email)).first() if email else None
            )
        try:
            _hasher.verify(row.password_hash if row is not None else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        with writing(self.engine) as conn:
            values: dict[str, Any] = {"last_login_at": _now()}
            if _hasher.check_needs_rehash(row.password_hash):
                values["password_hash"] = _hasher.hash(password)
            conn.execute(update(t.accounts).where(t.accounts.c.id == row.id).values(**values))
        return self.get(row.id)

    # -- roles -------------------------------------------------------------------------------
    def grant(self, account_id: int, site_id: int, role: str) -> None:
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        m = t.memberships.c
        with writing(self.engine) as conn:
            done = conn.execute(
                update(t.memberships)
                .where(m.account_id == account_id, m.site_id == site_id)
                .values(role=role)
            ).rowcount
            if not done:
                conn.execute(
                    t.memberships.insert().values(
                        account_id=account_id, site_id=site_id, role=role, created_at=_now()
                    )
                )

    def revoke(self, account_id: int, site_id: int) -> bool:
        m = t.memberships.c
        with writing(self.engine) as conn:
            return bool(
                conn.execute(
                    delete(t.memberships).where(m.account_id == account_id, m.site_id == site_id)
                ).rowcount
            )

    def members(self, site_id: int) -> list[tuple[int, str, str]]:
        """(account id, e-mail, role) of everyone with a role on the site, owners first."""
        a, m = t.accounts.c, t.memberships.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(a.id, a.email, m.role)
                .join_from(t.memberships, t.accounts, m.account_id == a.id)
                .where(m.site_id == site_id)
                .order_by(m.role.desc(), a.email)
            ).fetchall()
        return [(r.id, r.email, r.role) for r in rows]

    # -- sessions ----------------------------------------------------------------------------
    def new_session(self, account_id: int) -> str:
        token = secrets.token_urlsafe(32)
        now = _now()
        with writing(self.engine) as conn:
            conn.execute(delete(t.sessions).where(t.sessions.c.expires_at < now))
            conn.execute(
                t.sessions.insert().values(
                    token_hash=self._hash("session", token),
                    account_id=account_id,
                    created_at=now,
                    expires_at=now + timedelta(days=SESSION_DAYS),
                )
            )
        return token

    def session_account(self, token: str) -> Account | None:
        if not token or len(token) > 100:
            return None
        s = t.sessions.c
        with self.engine.connect() as conn:
            row = conn.execute(
                select(s.account_id, s.expires_at).where(s.token_hash == self._hash("session", token))
            ).first()
        if row is None or utc(row.expires_at) < _now():
            return None
        return self.get(row.account_id)

    def end_session(self, token: str) -> None:
        with writing(self.engine) as conn:
            conn.execute(delete(t.sessions).where(t.sessions.c.token_hash == self._hash("session", token)))

    def session_secret(self, token: str) -> str:
        """A value bound to one session (the CSRF token is derived from it)."""
        return self._hash("csrf", token)

    # -- throttling --------------------------------------------------------------------------
    def locked_for(self, keys: list[str]) -> float:
        """Seconds until every one of these throttle keys may try again (0: now)."""
        f = t.login_failures.c
        hashes = [self._hash("login", k) for k in keys]
        with self.engine.connect() as conn:
            rows = conn.execute(select(f.locked_until).where(f.key_hash.in_(hashes))).fetchall()
        now = _now()
        return max([(utc(r.locked_until) - now).total_seconds() for r in rows if r.locked_until] + [0.0])

    def failed(self, keys: list[tuple[str, int]]) -> float:
        """Count a failed login against each (key, free failures); seconds locked afterwards."""
        f = t.login_failures.c
        now = _now()
        locked = 0.0
        with writing(self.engine) as conn:
            for key, free in keys:
                h = self._hash("login", key)
                row = conn.execute(select(f.failures, f.first_at).where(f.key_hash == h)).first()
                if row is None or utc(row.first_at) < now - WINDOW:
                    failures, first = 1, now
                    conn.execute(delete(t.login_failures).where(f.key_hash == h))
                    conn.execute(t.login_failures.insert().values(key_hash=h, failures=1, first_at=now))
                else:
                    failures, first = row.failures + 1, utc(row.first_at)
                until = None
                if failures > free:
                    lock = min(FIRST_LOCK * 2 ** (failures - free - 1), MAX_LOCK)
                    until = now + lock
                    locked = max(locked, lock.total_seconds())
                conn.execute(
                    update(t.login_failures)
                    .where(f.key_hash == h)
                    .values(failures=failures, first_at=first, locked_until=until)
                )
        return locked

    def succeeded(self, key: str) -> None:
        with writing(self.engine) as conn:
            conn.execute(
                delete(t.login_failures).where(t.login_failures.c.key_hash == self._hash("login", key))
            )
