"""Fixtures for the comment server tests: the service tests' real `porch serve` fixtures, plus sites
with comment settings and a second server that trusts a proxy and sweeps retention every half second.

The fixtures of tests/server/conftest.py come from tests/conftest.py (both directories have a conftest.py and
neither is a package), so these tests run on SQLite and, with PORCH_TEST_POSTGRES_URL, PostgreSQL.
"""

from __future__ import annotations

import sys

import pytest

fixtures = sys.modules["porch_server_fixtures"]  # tests/server/conftest.py, loaded by tests/conftest.py

backend = fixtures.backend
main_db = fixtures.main_db
server = fixtures.server
store = fixtures.store
api_key = fixtures.api_key
wait_for = fixtures.wait_for
store_for = fixtures.store_for
start_server = fixtures.start_server


configure = fixtures.configure


make_site = fixtures.make_site


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
def proxy_store(proxy_server):
    s = store_for(proxy_server.database_url)
    yield s
    s.engine.dispose()
