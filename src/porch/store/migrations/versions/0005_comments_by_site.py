"""comments (site_id, id): the dashboard's search walks a site's comments newest first and stops
at a page of matches, instead of matching all of them and sorting (measured: bench/dashboard.py).

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f("ix_comments_site_id_id"), "comments", ["site_id", "id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_comments_site_id_id"), table_name="comments")
