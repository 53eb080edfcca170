"""threads.version: bumped with every change a public reader of the thread could see.

The comment server keeps each worker's rendered public thread in memory and checks this one
indexed column before serving it (server/threadcache.py), so a cached read is one tiny query and
any worker's edit, delete, like or approval is visible on the next read everywhere.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("threads") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("threads") as batch:
        batch.drop_column("version")
