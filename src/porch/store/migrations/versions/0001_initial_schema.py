"""Initial schema: sites, API keys, check log, feedback events, reputation, fingerprints, counts, snapshots.

Revision ID: 0001
Revises:
Create Date: 2026-11-29 07:57:46.051659
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_snapshots",
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("last_event_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("model", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_model_snapshots")),
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), server_default="", nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("public_id", name=op.f("uq_sites_public_id")),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_api_keys_site_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_keys_site_id"), ["site_id"], unique=False)

    op.create_table(
        "checks",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("verdict", sa.String(length=8), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("is_test", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("recheck", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("fingerprint", sa.BigInteger(), nullable=True),
        sa.Column("network_hash", sa.String(length=32), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("ip_cut", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("submission", sa.JSON(), nullable=True),
        sa.Column("feedback", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_checks_site_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checks")),
        sa.UniqueConstraint("guid", name=op.f("uq_checks_guid")),
    )
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checks_site_id_created_at"), ["site_id", "created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_checks_site_id_network_hash_created_at"),
            ["site_id", "network_hash", "created_at"],
            unique=False,
        )

    op.create_table(
        "daily_counts",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("checks", sa.Integer(), server_default="0", nullable=False),
        sa.Column("ham", sa.Integer(), server_default="0", nullable=False),
        sa.Column("spam", sa.Integer(), server_default="0", nullable=False),
        sa.Column("discard", sa.Integer(), server_default="0", nullable=False),
        sa.Column("missed_spam", sa.Integer(), server_default="0", nullable=False),
        sa.Column("false_positives", sa.Integer(), server_default="0", nullable=False),
        sa.Column("submitted_spam", sa.Integer(), server_default="0", nullable=False),
        sa.Column("submitted_ham", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_daily_counts_site_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("site_id", "day", name=op.f("pk_daily_counts")),
    )
    op.create_table(
        "feedback_events",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("label", sa.String(length=4), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=True),
        sa.Column("submission", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_feedback_events_site_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_events")),
    )
    with op.batch_alter_table("feedback_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_events_site_id"), ["site_id"], unique=False)

    op.create_table(
        "fingerprints",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fingerprint", sa.BigInteger(), nullable=False),
        sa.Column("band0", sa.Integer(), nullable=False),
        sa.Column("band1", sa.Integer(), nullable=False),
        sa.Column("band2", sa.Integer(), nullable=False),
        sa.Column("band3", sa.Integer(), nullable=False),
        sa.Column("network_hash", sa.String(length=32), nullable=True),
        sa.Column("page_hash", sa.String(length=32), nullable=True),
        sa.Column("label", sa.String(length=4), nullable=True),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_fingerprints_site_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fingerprints")),
    )
    with op.batch_alter_table("fingerprints", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fingerprints_site_id_band0_id"), ["site_id", "band0", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fingerprints_site_id_band1_id"), ["site_id", "band1", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fingerprints_site_id_band2_id"), ["site_id", "band2", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fingerprints_site_id_band3_id"), ["site_id", "band3", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fingerprints_site_id_created_at"), ["site_id", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_fingerprints_site_id_label"), ["site_id", "label"], unique=False)

    op.create_table(
        "reputation",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=32), nullable=False),
        sa.Column("spam", sa.Float(), nullable=False),
        sa.Column("ham", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_reputation_site_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("site_id", "kind", "key_hash", name=op.f("pk_reputation")),
    )


def downgrade() -> None:
    op.drop_table("reputation")
    with op.batch_alter_table("fingerprints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fingerprints_site_id_label"))
        batch_op.drop_index(batch_op.f("ix_fingerprints_site_id_created_at"))
        batch_op.drop_index(batch_op.f("ix_fingerprints_site_id_band3_id"))
        batch_op.drop_index(batch_op.f("ix_fingerprints_site_id_band2_id"))
        batch_op.drop_index(batch_op.f("ix_fingerprints_site_id_band1_id"))
        batch_op.drop_index(batch_op.f("ix_fingerprints_site_id_band0_id"))

    op.drop_table("fingerprints")
    with op.batch_alter_table("feedback_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_events_site_id"))

    op.drop_table("feedback_events")
    op.drop_table("daily_counts")
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checks_site_id_network_hash_created_at"))
        batch_op.drop_index(batch_op.f("ix_checks_site_id_created_at"))

    op.drop_table("checks")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_keys_site_id"))

    op.drop_table("api_keys")
    op.drop_table("sites")
    op.drop_table("model_snapshots")
