"""What the tests run porch on: real `porch serve` processes on loopback, on SQLite and PostgreSQL.

`start_server` runs `python -m porch.cli serve` on a free loopback port and waits for /health;
`Backend` hands out fresh databases — a SQLite file in a temporary directory, or a schema of its
own in the PostgreSQL of `PORCH_TEST_POSTGRES_URL` (dropped at the end of the session);
`store_for` opens a server's database as the tests' own `Store`, with the one secret every server
of the test process shares (`SECRET`). The fixtures built on these are in support/fixtures.py.
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

PG_ENV = "PORCH_TEST_POSTGRES_URL"
# One secret per test process (and its xdist workers' servers): a store the tests open reads what
# any of the servers wrote.
SECRET = os.environ.setdefault("PORCH_TEST_SECRET", "porch-test-secret-" + secrets.token_hex(8))
ROOT = Path(__file__).resolve().parents[2]


def model_available() -> bool:
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


def store_for(database_url: str):
    """A Store on a server's database (migrated), with the servers' secret: what the tests read and
    arrange directly."""
    from porch.store import Store, migrate, open_database

    engine = open_database(database_url, pool_size=1)
    migrate(engine)
    return Store(engine, SECRET.encode())


def configure(store, site, **comments):
    """Give a site comment settings (as `porch site set` does); the site as stored now."""
    settings = {**site.settings, "comments": {**site.settings.get("comments", {}), **comments}}
    store.sites.save_settings(site.id, settings)
    return store.sites.get(site.id)


def comment_site(store, name: str = "test", **comments):
    """A new site with these comment settings: (site, api_key)."""
    site, key = store.sites.add(f"https://{uuid.uuid4().hex[:8]}.example.org", name)
    return (configure(store, site, **comments) if comments else site), key


def wait_for(predicate, timeout: float = 15.0, interval: float = 0.05):
    """Poll until predicate() is truthy; returns its value (tests never assert on timing)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
