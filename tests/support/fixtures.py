"""The fixtures every test directory shares, registered once by tests/conftest.py (`pytest_plugins`).

Servers: `server` (and `second_server` on the same database, `strict_server` with tiny limits and
retention, `proxy_server` behind a trusted proxy) are real `porch serve` processes, one per test
session and backend, because each takes seconds to start; every test that takes one runs on SQLite
and, with PORCH_TEST_POSTGRES_URL set, again on PostgreSQL. Tests keep out of each other's way by
making their own site: `new_site()` / `make_site(**comment_settings)` → (site, api_key).

Moderators: `moderator(site, role)` makes a real account and a real session (through the same
AccountStore the server uses) and returns an httpx client carrying the session cookie, with its
CSRF token at hand; `post_comment(site, text)` posts as a reader.

In process: `in_process` is porch built exactly as a server process builds it (server/context.py),
on a database of its own, without HTTP or a subprocess — for fast tests of the posting path and
the checking service; the HTTP contract is tested against the real servers.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

import httpx
import pytest

from .servers import (
    PG_ENV,
    SECRET,
    Backend,
    comment_site,
    model_available,
    start_server,
    store_for,
)

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request, tmp_path_factory):
    if not model_available():
        # The model ships in the repository: its absence is a broken checkout, not a reason to skip.
        pytest.fail("the default model is missing (src/porch/data/default-model.porch): run `make model`")
    if request.param == "postgresql":
        url = os.environ.get(PG_ENV)
        if not url:
            pytest.skip(
                f"PostgreSQL tests are off: set {PG_ENV}=postgresql://postgres@127.0.0.1:5432/test (.ci/run does)"
            )
        b = Backend(
            "postgresql", tmp_path_factory.mktemp("pg"), url.replace("postgresql+psycopg://", "postgresql://")
        )
    else:
        b = Backend("sqlite", tmp_path_factory.mktemp("sqlite"))
    yield b
    b.drop()


@pytest.fixture(scope="session")
def main_db(backend) -> str:
    return backend.database("main")


@pytest.fixture(scope="session")
def server(backend, main_db):
    s = start_server(main_db, backend.tmp / "main")
    yield s
    s.stop()


@pytest.fixture(scope="session")
def second_server(backend, main_db, server):
    """Another server on the same database: stands for a second worker or a second machine."""
    s = start_server(main_db, backend.tmp / "second")
    yield s
    s.stop()


@pytest.fixture(scope="session")
def strict_server(backend):
    """A server with tiny limits and retention, on its own database."""
    s = start_server(
        backend.database("strict"),
        backend.tmp / "strict",
        env={
            "PORCH_KEY_RATE_PER_SECOND": "2",
            "PORCH_KEY_BURST": "4",
            "PORCH_RAW_RETENTION_DAYS": str(2 / 86400),  # two seconds
            "PORCH_IP_RETENTION_DAYS": str(1 / 86400),
            "PORCH_RETENTION_INTERVAL_SECONDS": "0.5",
        },
    )
    yield s
    s.stop()


@pytest.fixture(scope="session")
def proxy_server(backend):
    """Trusts 127.0.0.1 as a proxy; cuts comment IPs after a second; sweeps every half second."""
    s = start_server(
        backend.database("proxy"),
        backend.tmp / "proxy",
        env={
            "PORCH_TRUSTED_PROXIES": "127.0.0.1",
            "PORCH_COMMENT_IP_RETENTION_DAYS": str(1 / 86400),
            "PORCH_DISCARD_RETENTION_DAYS": str(1 / 86400),
            "PORCH_RETENTION_INTERVAL_SECONDS": "0.5",
        },
    )
    yield s
    s.stop()


@pytest.fixture(scope="session")
def store(server):
    s = store_for(server.database_url)
    yield s
    s.engine.dispose()


@pytest.fixture(scope="session")
def proxy_store(proxy_server):
    s = store_for(proxy_server.database_url)
    yield s
    s.engine.dispose()


@pytest.fixture
def new_site(store):
    """Create a site in the server's database and return (site, api_key)."""

    def make(url: str | None = None, learning: str = "own"):
        return store.sites.add(url or f"https://{uuid.uuid4().hex[:8]}.example.org", "test", learning)

    return make


@pytest.fixture
def make_site(store):
    """make_site(**comment_settings) → (site, api_key): a new site in the server's database."""

    def make(**comments):
        return comment_site(store, **comments)

    return make


@pytest.fixture(scope="session")
def api_key(store) -> str:
    return store.sites.add("https://fuzz.example", "fuzz")[1]


# -- in process ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def in_process(backend, tmp_path_factory):
    """porch built as a server's worker builds it (server/context.py `build`), on a database of its
    own for the module, without HTTP: for fast tests of the posting path and the checking service."""
    from porch.config import load_settings
    from porch.server.context import build

    settings = load_settings(
        database_url=backend.database(f"inproc_{uuid.uuid4().hex[:6]}"),
        data_dir=tmp_path_factory.mktemp("inproc"),
        secret_key=SECRET,
    )
    porch = build(settings)
    yield porch
    porch.close()


# -- moderators ----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def accounts(store):

    return store.accounts


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
    from porch.server.routes.sessions import SESSION_COOKIE

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
