"""porch's storage: SQLAlchemy 2 tables, Alembic migrations shipped in the package, and queries.

`open_database(url)` + `migrate(engine)` (db.py) give a ready database; `Store` (queries.py) is the
only thing the server talks to. SQLite (WAL) by default, PostgreSQL through the same code.
"""

from .db import StoreError, migrate, open_database
from .queries import Store

__all__ = ["Store", "StoreError", "migrate", "open_database"]
