"""porch's settings: one object, read from the environment (`PORCH_*`) and an optional TOML file.

Precedence, highest first: values passed in code (the CLI's flags), environment variables
(`PORCH_DATA_DIR`, `PORCH_DATABASE_URL`, …), the TOML file named by `PORCH_CONFIG` or `--config`
(keys are the field names below, at the top level or under a `[porch]` table), then the defaults.

Everything has a default that works on a laptop: the data directory is `./porch-data`, the database
is one SQLite file inside it, and the server secret (used to hash API keys and the keyed hashes of
IP networks and e-mail addresses) is generated once and kept in the data directory with mode 0600.
Losing that file invalidates every API key and every reputation record, so back it up with the
database; setting `PORCH_SECRET_KEY` explicitly is the way to share one secret between machines.

The CLI and the server read it; the store only borrows `normalise_database_url`; the engine never
imports it (docs/architecture.md: the engine imports nothing of porch).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

SECRET_FILE = "secret.key"
DATABASE_FILE = "porch.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PORCH_", extra="ignore", validate_default=True)

    #: Where the SQLite database, the server secret and the metrics files live.
    data_dir: Path = Path("porch-data")
    #: SQLAlchemy URL; `postgresql://…` is read as psycopg 3. Default: SQLite in data_dir.
    database_url: str | None = None
    #: Secret for hashing API keys and reputation keys; generated into data_dir if unset.
    secret_key: str | None = Field(default=None, repr=False)
    #: Optional Redis for rate limits shared by all workers and servers (off by default).
    redis_url: str | None = None

    # -- retention (privacy) -----------------------------------------------------------------
    #: Days the check log keeps a raw submission (text, e-mail, …); counts are kept for ever.
    raw_retention_days: float = 15.0
    #: Days before the IP address stored with a check is cut to its network (/24, /48).
    ip_retention_days: float = 2.0
    #: Days of comments kept for near-duplicate (campaign) detection, and the cap per site.
    campaign_window_days: float = 7.0
    campaign_max_per_site: int = 20000
    #: How often each worker runs the retention sweep (seconds).
    retention_interval_seconds: float = 3600.0

    #: Days before the IP address stored with a comment is cut to its network and its user agent cleared.
    comment_ip_retention_days: float = 30.0
    #: Days a comment the engine discarded (blatant spam) is kept, as spam, before it is deleted.
    discard_retention_days: float = 1.0
    #: Days a comment a moderator deleted keeps its text for the dashboard's "deleted" queue (and undo);
    #: then it is erased (or, if replies hang under it, left as an anonymous placeholder). Like a trash bin.
    deleted_retention_days: float = 30.0

    # -- limits ------------------------------------------------------------------------------
    #: Requests per second allowed per API key (0 = unlimited), and the burst above it.
    key_rate_per_second: float = 200.0
    key_burst: int = 400
    #: Largest request body accepted (bytes); larger gets 413.
    max_body_bytes: int = 1024 * 1024
    #: Window of the per-network burst signal ("9 comments from this network in the last minute").
    burst_window_seconds: int = 60

    # -- learning ----------------------------------------------------------------------------
    #: Default learning mode for new sites: "own" (only its own feedback) or "shared".
    learning: Literal["own", "shared"] = "own"
    #: How often each worker looks for feedback applied by other workers (seconds).
    feedback_poll_seconds: float = 0.1
    #: Write a model snapshot after this many new feedback events in one scope.
    snapshot_every: int = 50
    #: Path of a model file to start from instead of the one that ships with porch.
    model_path: Path | None = None

    # -- server ------------------------------------------------------------------------------
    #: The site whose demo article `/demo/` shows (set by `porch demo`; empty: no demo page).
    demo_site: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    #: Proxies whose X-Forwarded-For / Forwarded headers are believed (comma-separated addresses or
    #: networks, e.g. "127.0.0.1,10.0.0.0/8"); from anyone else the socket address is the client.
    trusted_proxies: str = ""
    #: Log commenter data (IPs, e-mail, text) — off unless an operator is debugging.
    debug_log_commenter_data: bool = False
    log_level: str = "info"

    # -- e-mail (docs/email.md) ---------------------------------------------------------------
    #: SMTP server for notifications; empty: porch sends no mail at all and opens no connection.
    smtp_host: str = ""
    smtp_port: int = 587
    #: Upgrade the connection with STARTTLS (port 587); ignored with `smtp_ssl`.
    smtp_starttls: bool = True
    #: Implicit TLS from the first byte (port 465) instead of STARTTLS.
    smtp_ssl: bool = False
    smtp_user: str = ""
    smtp_password: str = Field(default="", repr=False)
    #: The From: address of every mail; default porch@ the host of `public_url`.
    mail_from: str = ""
    #: The server's address as readers reach it, for links in mails; default http://host:port.
    public_url: str = ""
    #: How often the sender looks for due mail queued by other workers, and for digests (seconds).
    mail_poll_seconds: float = 5.0
    #: First retry of a failed send after this many seconds, doubling per attempt (capped at an hour).
    mail_retry_seconds: float = 60.0
    #: Attempts before a mail is given up.
    mail_max_attempts: int = 8
    #: Days a sent (or given-up) mail stays in the queue before it is deleted: it holds comment text.
    mail_retention_days: float = 3.0

    #: The TOML file this object was read from (set by `load_settings`).
    config_file: Path | None = None

    @field_validator("database_url")
    @classmethod
    def _driver(cls, url: str | None) -> str | None:
        return normalise_database_url(url) if url else url

    @field_validator(
        "raw_retention_days",
        "ip_retention_days",
        "campaign_window_days",
        "comment_ip_retention_days",
        "discard_retention_days",
        "mail_retention_days",
        "deleted_retention_days",
    )
    @classmethod
    def _positive(cls, value: float) -> float:
        if value < 0:
            raise ValueError("must be zero or more")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = os.environ.get("PORCH_CONFIG")
        if path:
            sources.append(_TomlSource(settings_cls, Path(path)))
        return tuple(sources)

    # -- derived -----------------------------------------------------------------------------
    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / DATABASE_FILE).resolve()}"

    @property
    def mail_enabled(self) -> bool:
        """Whether porch sends mail at all (an SMTP host is configured)."""
        return bool(self.smtp_host.strip())

    @property
    def base_url(self) -> str:
        """`public_url`, or http://host:port (a wildcard address shown as localhost)."""
        if self.public_url.strip():
            return self.public_url.strip().rstrip("/")
        host = "localhost" if self.host in ("0.0.0.0", "::", "") else self.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    @property
    def sender_address(self) -> str:
        from urllib.parse import urlsplit

        return self.mail_from.strip() or f"porch@{urlsplit(self.base_url).hostname or 'localhost'}"

    def secret(self) -> bytes:
        """The server secret, creating `data_dir/secret.key` (0600) on first use."""
        if self.secret_key:
            return self.secret_key.encode()
        path = self.data_dir / SECRET_FILE
        try:
            return path.read_text().strip().encode()
        except FileNotFoundError:
            pass
        self.data_dir.mkdir(parents=True, exist_ok=True)
        value = secrets.token_hex(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process won the race: use its secret
            return path.read_text().strip().encode()
        with os.fdopen(fd, "w") as out:
            out.write(value + "\n")
        return value.encode()


class _TomlSource(TomlConfigSettingsSource):
    """The TOML file, at top level or under `[porch]`; a missing file is an error, not a no-op."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path):
        if not path.is_file():
            raise ConfigError(f"config file {path} does not exist")
        super().__init__(settings_cls, toml_file=path)
        if isinstance(self.toml_data.get("porch"), dict):
            self.toml_data = {**self.toml_data, **self.toml_data["porch"]}
        self.toml_data["config_file"] = str(path)

    def __call__(self) -> dict[str, Any]:
        return dict(self.toml_data)


class ConfigError(Exception):
    """Settings that cannot be used (a missing config file, a bad value)."""


def normalise_database_url(url: str) -> str:
    """`postgresql://` and `postgres://` mean psycopg 3 (the only PostgreSQL driver porch ships)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """Settings from flags (`overrides`, None values ignored), environment and the TOML file."""
    if config is not None:
        os.environ["PORCH_CONFIG"] = str(config)
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)
    except ValueError as exc:  # pydantic.ValidationError and TOML errors
        raise ConfigError(str(exc)) from None
