"""porch's storage: SQLAlchemy 2 tables, Alembic migrations shipped in the package, and queries.

`Store` is the one face of it: built once at start-up (server/context.py, or `open_store` in the
CLI), it holds the database engine and one object per area, each a class over that engine:

    store.sites       sites, API keys, site settings, keyed-hash secrets       sites.py
    store.checks      the check log, history reads, feedback, snapshots, counts  checks.py
    store.comments    threads, comments, likes, counts, feeds, their retention  comments.py
    store.accounts    moderator accounts, roles, sessions, login throttling     accounts.py
    store.actions     the moderation action log (undo)                         actions.py
    store.dashboard   the moderation dashboard's reads                         dashboard.py
    store.mail        the outgoing mail queue, subscribers, digests            mail.py
    store.reports     the engine's report card                                 reportcard.py

Nothing outside this package writes SQL. SQLite (WAL) by default, PostgreSQL through the same code
(db.py opens either and applies the migrations).
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from .accounts import AccountStore
from .actions import ActionLog
from .checks import CheckStore
from .comments import CommentStore
from .dashboard import Dashboard
from .db import StoreError, migrate, open_database
from .mail import MailStore
from .reportcard import ReportCards
from .sites import Site, SiteNotFound, SiteStore

__all__ = ["Site", "SiteNotFound", "Store", "StoreError", "migrate", "open_database", "open_store"]


class Store:
    def __init__(
        self, engine: Engine, secret: bytes, *, mail_max_attempts: int = 8, mail_retry_seconds: float = 60.0
    ):
        self.engine = engine
        self.dialect = engine.dialect.name
        self.sites = SiteStore(engine, secret)
        self.checks = CheckStore(engine)
        self.comments = CommentStore(engine)
        self.accounts = AccountStore(engine, self.sites.site_secret(0) + b"accounts")
        self.actions = ActionLog(engine)
        self.dashboard = Dashboard(engine)
        self.mail = MailStore(engine, mail_max_attempts, mail_retry_seconds)
        self.reports = ReportCards(engine)

    def close(self) -> None:
        self.engine.dispose()


def open_store(
    url: str,
    secret: bytes,
    *,
    pool_size: int = 5,
    mail_max_attempts: int = 8,
    mail_retry_seconds: float = 60.0,
) -> Store:
    """Open the database at `url`, bring its schema up to date, and give the Store over it."""
    engine = open_database(url, pool_size=pool_size)
    migrate(engine)
    return Store(engine, secret, mail_max_attempts=mail_max_attempts, mail_retry_seconds=mail_retry_seconds)
