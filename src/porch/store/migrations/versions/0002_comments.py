"""The comment server: threads, comments, likes, and the indexes a 10,000-comment thread needs.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "threads",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("uri", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), server_default="", nullable=False),
        sa.Column("approved", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_threads_site_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threads")),
    )
    op.create_index(op.f("ix_threads_site_id_uri"), "threads", ["site_id", "uri"], unique=True)
    op.create_table(
        "comments",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", BigId, nullable=False),
        sa.Column("parent_id", sa.BigInteger(), nullable=True),
        sa.Column("root_id", sa.BigInteger(), nullable=True),
        sa.Column("depth", sa.Integer(), server_default="0", nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("author", sa.Text(), server_default="", nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("email_hash", sa.String(length=32), nullable=True),
        sa.Column("website", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("likes", sa.Integer(), server_default="0", nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("ip_cut", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("user_agent", sa.Text(), nullable=True),
        sa.Column("guid", sa.String(length=36), nullable=True),
        sa.Column("verdict", sa.String(length=8), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_comments_site_id_sites"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["threads.id"], name=op.f("fk_comments_thread_id_threads"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    for cols in (
        ["thread_id", "parent_id", "id"],
        ["thread_id", "parent_id", "likes", "id"],
        ["thread_id", "root_id"],
        ["site_id", "status", "id"],
        ["site_id", "email_hash", "status"],
        ["ip_cut", "created_at"],
        ["expires_at"],
    ):
        op.create_index(op.f("ix_comments_" + "_".join(cols)), "comments", cols, unique=False)
    op.create_table(
        "likes",
        sa.Column("comment_id", BigId, nullable=False),
        sa.Column("visitor", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"], ["comments.id"], name=op.f("fk_likes_comment_id_comments"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("comment_id", "visitor", name=op.f("pk_likes")),
    )


def downgrade() -> None:
    op.drop_table("likes")
    op.drop_table("comments")
    op.drop_table("threads")
