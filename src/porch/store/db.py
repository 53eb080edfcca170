"""Opening the database: the SQLAlchemy engine, SQLite's pragmas, and Alembic migrations in code.

SQLite is the zero-set-up default, so it is tuned for a server rather than left at its defaults:

* `journal_mode=WAL` lets readers (every check) run while a writer commits (feedback, the batched
  check log), across worker processes;
* `synchronous=FULL`: a commit is on disk when it returns — the check log is written in batches
  (see server/domain/checklog.py), so the fsync is paid a few times a second, not per check;
* `busy_timeout` makes a writer wait for another process's commit instead of failing at once;
* `foreign_keys=ON`, which SQLite leaves off.

JSON columns (a check's reasons and submission, a site's settings…) go through orjson rather than
the standard library: a check-log row is written for every check, and its two JSON values cost
more to encode with `json.dumps` than the rest of the insert.

`writing(engine)` is `engine.begin()` behind one lock per engine on SQLite. SQLite has one writer at
a time, and a writer that finds the database locked waits in SQLite's busy handler, which *sleeps*
(1, 2, 5, 10 … 100 ms) rather than queueing: two threads of one worker writing at once (a comment
insert and the check-log flush) cost the second several milliseconds for a sub-millisecond wait.
Taking a Python lock first hands the database over the moment the other commit returns. Other
processes still meet the busy handler; PostgreSQL locks rows and needs no such lock.

PostgreSQL URLs (`postgresql://`) are mapped to psycopg 3 in config.py. Migrations ship inside the
package (`porch/store/migrations`) and are applied programmatically by `migrate()`, on `porch
serve` and `porch site …` and in the tests, so a newcomer never runs `alembic` by hand.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, CursorResult, Engine

from ..config import normalise_database_url

BUSY_TIMEOUT_MS = 10_000


class StoreError(Exception):
    """The database cannot be opened or migrated (a clear message for the CLI)."""


def _json_dumps(value: Any) -> str:
    # like json.dumps: int keys become strings; unlike it, NaN becomes null (valid JSON)
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


JSON_CODEC = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}


def open_database(url: str, *, pool_size: int = 5) -> Engine:
    url = normalise_database_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
            pool_size=pool_size,
            max_overflow=10,
            **JSON_CODEC,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql"):
        return create_engine(url, pool_size=pool_size, max_overflow=10, pool_pre_ping=True, **JSON_CODEC)
    try:
        return create_engine(url)
    except Exception as exc:  # noqa: BLE001 - an unknown dialect or a malformed URL
        raise StoreError(f"cannot use database URL: {exc}") from None


_WRITE_LOCKS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_WRITE_LOCKS_GUARD = threading.Lock()


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction (`engine.begin()`), one at a time per engine on SQLite (see above)."""
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            yield conn
        return
    lock = _WRITE_LOCKS.get(engine)
    if lock is None:
        with _WRITE_LOCKS_GUARD:
            lock = _WRITE_LOCKS.setdefault(engine, threading.Lock())
    with lock, engine.begin() as conn:
        yield conn


def new_id(result: CursorResult[Any]) -> int:
    """The primary key an INSERT of one row made."""
    key = result.inserted_primary_key
    assert key is not None  # an INSERT of one row into a table with an autoincrement key
    return int(key[0])


def upsert(engine: Engine | Connection, table: Table) -> Any:
    """`INSERT … ON CONFLICT` for this database: `.on_conflict_do_nothing/…do_update` read the same
    on SQLite and PostgreSQL, but each dialect has its own insert construct."""
    return (postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert)(table)


def utc(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back; every time porch stores is UTC."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def to_signed64(value: int) -> int:
    """A 64-bit fingerprint as the signed BIGINT both databases store."""
    return value - (1 << 64) if value >= (1 << 63) else value


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _alembic_config(connection: Connection | None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("porch.store") / "migrations"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config(None)).get_current_head()
    assert head is not None  # the migrations ship with the package
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (a no-op when it is there already)."""
    from alembic import command

    try:
        if current_revision(engine) == head_revision():
            return
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # two servers starting at once migrate one by one
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7450981)")
            command.upgrade(_alembic_config(conn), "head")
    except StoreError:
        raise
    except Exception as exc:
        raise StoreError(f"cannot open or migrate the database: {exc}") from exc


__all__ = [
    "Engine",
    "StoreError",
    "migrate",
    "new_id",
    "open_database",
    "to_signed64",
    "upsert",
    "utc",
    "writing",
]
