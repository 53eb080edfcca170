"""The tables, as SQLAlchemy Core metadata (the migrations in migrations/ create the same tables).

One schema serves SQLite and PostgreSQL. Choices that matter:

* `sites` is shared by every part of porch (the Akismet service now, the comment server and the
  moderation dashboard next): a numeric id for joins, a `public_id` safe to show in URLs, and a
  JSON `settings` column that later features extend without a migration (`learning` lives there).
* API keys are stored only as HMAC-SHA256 hashes under the server secret (keys are 128 random
  bits, so a fast keyed hash is enough; argon2 is for passwords). `prefix` is for people to tell
  keys apart in `porch site list`.
* The check log keeps the raw submission only until the retention sweep nulls it; the IP address
  sits in its own column so it can be cut to its network sooner. Counts live in `daily_counts`,
  which retention never touches.
* `feedback_events` is append-only with an ordered id: every worker replays it into its in-memory
  models. `scope` records which model an event trains ("site:12" or "shared") at the time it was
  given, so replay does not depend on settings that change later.
* Reputation and campaign rows hold keyed hashes, never an address or a network in the clear.
* Times are timezone-aware UTC (`DateTime(timezone=True)`); SQLite hands them back naive, and the
  queries treat naive as UTC.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
BigId = BigInteger().with_variant(Integer, "sqlite")

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

sites = Table(
    "sites",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("public_id", String(32), nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("name", Text, nullable=False, server_default=""),
    Column("settings", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(8), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

checks = Table(
    "checks",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("guid", String(36), nullable=False, unique=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("source", String(16), nullable=False),  # akismet | api
    Column("verdict", String(8), nullable=False),  # ham | spam | discard
    Column("score", Float, nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("is_test", Boolean, nullable=False, server_default="0"),
    Column("recheck", Boolean, nullable=False, server_default="0"),
    Column("fingerprint", BigInteger),  # SimHash as a signed 64-bit integer
    Column("network_hash", String(32)),  # for the burst count; NULL for rechecks (they do not count)
    Column("ip", String(64)),  # cut to the network after ip_retention_days
    Column("ip_cut", Boolean, nullable=False, server_default="0"),
    Column("submission", JSON(none_as_null=True)),  # raw fields without the IP; NULL after raw_retention_days
    Column("feedback", String(8)),  # spam | ham, once a moderator said so
    Index(None, "site_id", "created_at"),
    Index(None, "site_id", "network_hash", "created_at"),
)

feedback_events = Table(
    "feedback_events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("scope", String(32), nullable=False),  # "site:<id>" or "shared"
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("label", String(4), nullable=False),  # spam | ham
    Column("source", String(16), nullable=False),
    Column("guid", String(36)),
    Column(
        "submission", JSON(none_as_null=True)
    ),  # what the model learns from; NULL once snapshotted and expired
)

reputation = Table(
    "reputation",
    metadata,
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("key_hash", String(32), primary_key=True),
    Column("spam", Float, nullable=False),
    Column("ham", Float, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

fingerprints = Table(
    "fingerprints",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("guid", String(36), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("fingerprint", BigInteger, nullable=False),
    Column("band0", Integer, nullable=False),
    Column("band1", Integer, nullable=False),
    Column("band2", Integer, nullable=False),
    Column("band3", Integer, nullable=False),
    Column("network_hash", String(32)),
    Column("page_hash", String(32)),
    Column("label", String(4)),  # spam | ham once a copy was marked
    Index(None, "site_id", "band0", "id"),
    Index(None, "site_id", "band1", "id"),
    Index(None, "site_id", "band2", "id"),
    Index(None, "site_id", "band3", "id"),
    Index(None, "site_id", "created_at"),
    Index(None, "site_id", "label"),
)

daily_counts = Table(
    "daily_counts",
    metadata,
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("checks", Integer, nullable=False, server_default="0"),
    Column("ham", Integer, nullable=False, server_default="0"),
    Column("spam", Integer, nullable=False, server_default="0"),
    Column("discard", Integer, nullable=False, server_default="0"),
    Column("missed_spam", Integer, nullable=False, server_default="0"),
    Column("false_positives", Integer, nullable=False, server_default="0"),
    Column("submitted_spam", Integer, nullable=False, server_default="0"),
    Column("submitted_ham", Integer, nullable=False, server_default="0"),
)

model_snapshots = Table(
    "model_snapshots",
    metadata,
    Column("scope", String(32), primary_key=True),
    Column("last_event_id", BigInteger, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("model", LargeBinary, nullable=False),
)

COUNT_COLUMNS = (
    "checks",
    "ham",
    "spam",
    "discard",
    "missed_spam",
    "false_positives",
    "submitted_spam",
    "submitted_ham",
)

# -- the comment server (migration 0002) ------------------------------------------------------
# A thread is one page of a site (`uri` as the widget sends it, usually the path). `approved` is
# the number of approved comments, kept in the same transaction as every status change, so the
# counts call reads one indexed row per page instead of counting a 10,000-comment thread.
threads = Table(
    "threads",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("uri", Text, nullable=False),
    Column("title", Text, nullable=False, server_default=""),
    Column("approved", Integer, nullable=False, server_default="0"),
    # bumped in the transaction of every change a public reader could see (the thread cache's key)
    Column("version", Integer, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index(None, "site_id", "uri", unique=True),
)

# Comments: `root_id` is the top-level ancestor (NULL for a top-level comment), so one indexed
# query fetches every reply of a page of top-level comments whatever the depth. `html` is rendered
# once on write. `email` and `ip` never leave the server in public answers; `ip`/`user_agent` are
# cut/cleared by the retention sweep; `expires_at` is set on blatant (discard) spam.
comments = Table(
    "comments",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column(
        "thread_id",
        BigInteger().with_variant(Integer, "sqlite"),
        ForeignKey("threads.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("parent_id", BigInteger),
    Column("root_id", BigInteger),
    Column("depth", Integer, nullable=False, server_default="0"),
    Column("status", String(8), nullable=False),  # approved | pending | spam | deleted
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("modified_at", DateTime(timezone=True)),
    Column("author", Text, nullable=False, server_default=""),
    Column("email", Text),
    Column("email_hash", String(32)),
    Column("website", Text),
    Column("text", Text, nullable=False),
    Column("html", Text, nullable=False),
    Column("likes", Integer, nullable=False, server_default="0"),
    Column("ip", String(64)),
    Column("ip_cut", Boolean, nullable=False, server_default="0"),
    Column("user_agent", Text),
    Column("guid", String(36)),
    Column("verdict", String(8)),
    Column("score", Float),
    Column("expires_at", DateTime(timezone=True)),
    Column("notify", Boolean, nullable=False, server_default="0"),  # replies by mail (after double opt-in)
    Index(None, "thread_id", "parent_id", "id"),
    Index(None, "thread_id", "parent_id", "likes", "id"),
    Index(None, "thread_id", "root_id"),
    Index(None, "site_id", "status", "id"),
    Index(None, "site_id", "id"),  # the dashboard's search: newest first, stopping at a page of matches
    Index(None, "site_id", "email_hash", "status"),
    Index(None, "ip_cut", "created_at"),
    Index(None, "expires_at"),
)

likes = Table(
    "likes",
    metadata,
    Column(
        "comment_id",
        BigInteger().with_variant(Integer, "sqlite"),
        ForeignKey("comments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("visitor", String(32), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# -- moderation: accounts, sessions, the action log, e-mail (migration 0004) -------------------
# People who moderate. `email` is stored lower-cased; `password_hash` is argon2id (argon2-cffi's
# encoded form, parameters included, so they can be raised later without a migration).
accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_login_at", DateTime(timezone=True)),
)

# Who may do what where: owner (settings, keys, moderators) or moderator (the queues).
memberships = Table(
    "memberships",
    metadata,
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("role", String(16), nullable=False),  # owner | moderator
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Login sessions: only the HMAC of the cookie's random token is stored, so a copy of the database
# does not log anyone in. Logout deletes the row.
sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)

# Failed logins per keyed hash of the e-mail address and of the client network, for throttling
# (shared by every worker and server, unlike an in-memory counter).
login_failures = Table(
    "login_failures",
    metadata,
    Column("key_hash", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("first_at", DateTime(timezone=True), nullable=False),
    Column("locked_until", DateTime(timezone=True)),
)

# Every moderator decision, for the dashboard's undo and a comment's history. `event_id` is the
# feedback event the decision taught the engine (NULL when it taught nothing).
moderation_actions = Table(
    "moderation_actions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="SET NULL")),
    Column("comment_id", BigInteger, nullable=False),
    Column("action", String(16), nullable=False),  # approve | spam | ham | delete | reply | undo
    Column("from_status", String(8), nullable=False),
    Column("to_status", String(8), nullable=False),
    Column("event_id", BigInteger),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("undone_at", DateTime(timezone=True)),
    Index(None, "site_id", "account_id", "id"),
    Index(None, "comment_id"),
)

# Outgoing mail, queued in the store so sending happens off the request path and survives a
# restart. A worker claims a row (`claimed_until`) before sending, so two workers never send one mail.
mail_queue = Table(
    "mail_queue",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE")),
    Column("kind", String(24), nullable=False),  # moderation | digest | confirm | reply
    Column("recipient", String(254), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("headers", JSON, nullable=False),  # extra headers (List-Unsubscribe, …)
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("send_after", DateTime(timezone=True), nullable=False),
    Column("claimed_until", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("sent_at", DateTime(timezone=True)),
    Column("last_error", String(200)),
    Index(None, "sent_at", "send_after"),
)

# Commenters who asked for reply notifications, per site and address (double opt-in: `pending`
# until the link in the confirmation mail is followed; `unsubscribed` stops every mail).
subscribers = Table(
    "subscribers",
    metadata,
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    Column("email_hash", String(32), primary_key=True),
    Column("email", String(254), nullable=False),
    Column("status", String(16), nullable=False),  # pending | confirmed | unsubscribed
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("confirm_sent_at", DateTime(timezone=True)),
)

# When each site's moderator digest last went out.
digests = Table(
    "digests",
    metadata,
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    Column("last_sent_at", DateTime(timezone=True), nullable=False),
)
