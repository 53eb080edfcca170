"""Alembic environment for porch: run against the connection porch hands over (see store/db.py).

porch applies its migrations itself, on start and in tests, so there is no alembic.ini: `db.migrate`
builds the Alembic config in code and passes an open connection in `config.attributes`.
"""

from alembic import context

from porch.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only `alembic` run by hand gets here
    raise SystemExit("run porch's migrations through porch (they are applied on `porch serve`)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
