"""Fixtures for the moderation tests: the service tests' real `porch serve` fixtures (SQLite and,
with PORCH_TEST_POSTGRES_URL, PostgreSQL), sites with comment settings, and moderator accounts.

`moderator(site, role)` makes a real account in the server's database and a real session for it
(through the same AccountStore the server uses), and returns an httpx client that carries the
session cookie, with the session's CSRF token at hand — so tests of the dashboard and of the
moderator API do not depend on the login form; tests of the login form use it directly.
"""

from __future__ import annotations

import sys
import uuid
from dataclasses import dataclass

import httpx
import pytest

fixtures = sys.modules["porch_server_fixtures"]  # tests/server/conftest.py, loaded by tests/conftest.py

backend = fixtures.backend
main_db = fixtures.main_db
server = fixtures.server
store = fixtures.store
wait_for = fixtures.wait_for
store_for = fixtures.store_for
start_server = fixtures.start_server
PASSWORD = "correct horse battery staple"


configure = fixtures.configure


make_site = fixtures.make_site


@pytest.fixture(scope="session")
def accounts(store):
    from porch.store.accounts import AccountStore

    return AccountStore.of(store)


@dataclass
class Moderator:
    client: httpx.Client
    account_id: int
    email: str
    password: str
    csrf: str

    def post(self, url: str, **kw) -> httpx.Response:
        """A state-changing call as this moderator, with the CSRF header."""
        headers = {"X-CSRF-Token": self.csrf, **kw.pop("headers", {})}
        return self.client.post(url, headers=headers, **kw)


@pytest.fixture
def moderator(server, accounts):
    """moderator(site, role="moderator") → a logged-in Moderator (roles on more sites: pass a list)."""
    from porch.server.auth import SESSION_COOKIE

    clients: list[httpx.Client] = []

    def make(sites=(), role: str = "moderator") -> Moderator:
        email = f"mod-{uuid.uuid4().hex[:10]}@example.org"
        account = accounts.create(email, PASSWORD)
        for site in sites if isinstance(sites, (list, tuple)) else [sites]:
            accounts.grant(account.id, site.id, role)
        token = accounts.new_session(account.id)
        client = server.client(follow_redirects=False)
        client.cookies.set(SESSION_COOKIE, token)
        clients.append(client)
        return Moderator(client, account.id, email, PASSWORD, accounts.session_secret(token)[:40])

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def post_comment(server):
    """post_comment(site, text, **fields) → the JSON answer of POST /api/v1/comments (as a reader)."""
    with server.client() as client:

        def post(site, text="Nice article, thank you.", **fields):
            body = {
                "site": site.public_id,
                "uri": fields.pop("uri", "/post/1"),
                "author": "Ann",
                "text": text,
                **fields,
            }
            r = client.post("/api/v1/comments", json=body)
            assert r.status_code == 201, r.text
            return r.json()

        yield post
