"""Who is logged in: logins with throttling, sessions and their CSRF tokens.

A moderator logs in at /admin/login with an e-mail address and a password (store/accounts.py
hashes it with argon2id) and gets a session token, which the dashboard keeps in a cookie
(routes/sessions.py sets it and reads it: HttpOnly, SameSite=Lax, Secure behind HTTPS). Each
worker caches token → account for a second (`CACHE_SECONDS`), so a page costs no session query; a
logout here forgets its own entry at once, others within the second.

CSRF: every state-changing request made with a session must carry the session's CSRF token — an
HMAC of the session token, so it needs no storage and dies with the session.

Throttling: a failed login counts against the address and against the client's network (/24 or
/48); after a few failures each is locked for a time that doubles (store/accounts.py). A locked
login is refused before the password is checked, with the time to wait, and the answer never says
whether the address has an account.
"""

from __future__ import annotations

import hmac

from ...store.accounts import Account, AccountStore
from ..caches.shortcache import ShortCache
from .identity import cut_ip

CACHE_SECONDS = 1.0
ADDRESS_FREE_FAILURES = 5
NETWORK_FREE_FAILURES = 20


class LoginRefused(Exception):
    def __init__(self, message: str, retry_after: float = 0.0):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class Auth:
    def __init__(self, accounts: AccountStore):
        self.accounts = accounts
        self._cache: ShortCache[str, Account | None] = ShortCache(CACHE_SECONDS)

    def account(self, token: str | None) -> Account | None:
        """The account a session token belongs to (None: no session, or an ended one)."""
        if not token:
            return None
        return self._cache.get(token, self.accounts.session_account)

    def login(self, email: str, password: str, client_ip: str) -> str:
        """A new session token, or LoginRefused with a message for people (and the wait, if locked)."""
        keys = [
            ("address\0" + email.strip().lower(), ADDRESS_FREE_FAILURES),
            ("network\0" + (cut_ip(client_ip) or ""), NETWORK_FREE_FAILURES),
        ]
        wait = self.accounts.locked_for([k for k, _ in keys])
        if wait > 0:
            raise LoginRefused(_locked_message(wait), wait)
        account = self.accounts.verify(email, password)
        if account is None:
            wait = self.accounts.failed(keys)
            if wait > 0:
                raise LoginRefused("Wrong e-mail address or password. " + _locked_message(wait), wait)
            raise LoginRefused("Wrong e-mail address or password.")
        self.accounts.succeeded(keys[0][0])
        return self.accounts.new_session(account.id)

    def logout(self, token: str) -> None:
        self.accounts.end_session(token)
        self._cache.forget(token)

    def csrf_token(self, token: str | None) -> str:
        """The CSRF token of a session ("" without one)."""
        return self.accounts.session_secret(token)[:40] if token else ""

    def csrf_ok(self, token: str | None, sent: str | None) -> bool:
        expected = self.csrf_token(token)
        return bool(expected and sent and hmac.compare_digest(expected, sent.strip()))


def _locked_message(seconds: float) -> str:
    wait = max(1, round(seconds))
    shown = f"{wait} seconds" if wait < 120 else f"{round(wait / 60)} minutes"
    return f"Too many failed logins: try again in {shown}."
