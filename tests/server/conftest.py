"""Fixtures for the service tests: real `porch serve` processes on loopback, on SQLite and PostgreSQL.

Every test that takes `backend` runs twice: on a SQLite file in a temporary directory, and on
PostgreSQL (a fresh schema per test session, dropped afterwards) when `PORCH_TEST_POSTGRES_URL`
is set — `.ci/run` sets it; without it the PostgreSQL half is skipped with a note saying how to
enable it. Servers are real subprocesses (`python -m porch.cli serve`) on a free loopback port,
shared per session and backend because each takes seconds to start; tests keep out of each
other's way by creating their own site (and so their own key) with `new_site`.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

PG_ENV = "PORCH_TEST_POSTGRES_URL"
# One secret per test process, even though tests/comments and tests/admin load this module again:
# a store built by one directory's fixtures must read what the other's servers wrote.
SECRET = os.environ.setdefault("PORCH_TEST_SECRET", "porch-test-secret-" + secrets.token_hex(8))
ROOT = Path(__file__).resolve().parents[2]


def _model_available() -> bool:
    from porch.engine import default_model_path

    return bool(os.environ.get("PORCH_MODEL_PATH")) or default_model_path().exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    port: int
    process: subprocess.Popen
    database_url: str
    data_dir: Path
    log: Path

    def client(self, **kw) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, **kw)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(database_url: str, data_dir: Path, *, workers: int = 1, env: dict | None = None) -> Server:
    port = free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir / f"server-{port}.log"
    full_env = {
        **os.environ,
        "PORCH_SECRET_KEY": SECRET,
        "PORCH_DATA_DIR": str(data_dir),
        "PORCH_FEEDBACK_POLL_SECONDS": "0.1",
        **(env or {}),
    }
    full_env.pop("PORCH_CONFIG", None)
    cmd = [
        sys.executable,
        "-m",
        "porch.cli",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--database-url",
        database_url,
    ]
    with open(log, "wb") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=full_env, cwd=str(data_dir))
    server = Server(f"http://127.0.0.1:{port}", port, process, database_url, data_dir, log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"porch serve exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(server.url + "/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"porch serve did not start:\n{log.read_text()[-3000:]}")


@dataclass
class Backend:
    name: str
    tmp: Path
    pg_url: str | None = None
    _schemas: list[str] = field(default_factory=list)

    def database(self, label: str) -> str:
        """A fresh, empty database URL for this session."""
        if self.name == "sqlite":
            return f"sqlite:///{self.tmp / (label + '.db')}"
        schema = f"porch_{label}_{uuid.uuid4().hex[:10]}"
        import psycopg

        with psycopg.connect(self.pg_url, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        self._schemas.append(schema)
        sep = "&" if "?" in self.pg_url else "?"
        return f"{self.pg_url}{sep}options=-csearch_path%3D{schema}"

    def drop(self) -> None:
        if not self._schemas:
            return
        import psycopg

        with psycopg.connect(self.pg_url, autocommit=True) as conn:
            for schema in self._schemas:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request, tmp_path_factory):
    if not _model_available():
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


def store_for(database_url: str):
    from porch.store import Store, migrate, open_database

    engine = open_database(database_url, pool_size=1)
    migrate(engine)
    return Store(engine, SECRET.encode())


@pytest.fixture(scope="session")
def store(server):
    s = store_for(server.database_url)
    yield s
    s.engine.dispose()


@pytest.fixture
def new_site(store):
    """Create a site in the server's database and return (site, api_key)."""

    def make(url: str | None = None, learning: str = "own"):
        return store.add_site(url or f"https://{uuid.uuid4().hex[:8]}.example.org", "test", learning)

    return make


def configure(store, site, **comments):
    """Give a site comment settings (as `porch site set` does); the site as stored now."""
    from porch.store.comments import CommentStore

    settings = {**site.settings, "comments": {**site.settings.get("comments", {}), **comments}}
    CommentStore(store.engine).save_site_settings(site.id, settings)
    return store.site(site.id)


def comment_site(store, name: str = "test", **comments):
    """A new site with these comment settings: (site, api_key)."""
    site, key = store.add_site(f"https://{uuid.uuid4().hex[:8]}.example.org", name)
    return (configure(store, site, **comments) if comments else site), key


@pytest.fixture
def make_site(store):
    """make_site(**comment_settings) → (site, api_key): a new site in the server's database."""

    def make(**comments):
        return comment_site(store, **comments)

    return make


def wait_for(predicate, timeout: float = 15.0, interval: float = 0.05):
    """Poll until predicate() is truthy; returns its value (tests never assert on timing)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


@pytest.fixture(scope="session")
def api_key(store) -> str:
    return store.add_site("https://fuzz.example", "fuzz")[1]
