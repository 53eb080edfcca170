"""What every command shares: `fail`, the common options, and opening the settings, store and engine.

Only typer and the standard library are imported at module level, here and in every module of this
package: `porch check` must not pay for FastAPI, SQLAlchemy and uvicorn, so each command imports
what it needs when it runs (tests/server/test_cli_store.py holds it to that).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

if TYPE_CHECKING:
    from ..config import Settings
    from ..engine import Engine
    from ..store import Store

T = TypeVar("T")

ConfigOption = typer.Option(None, "--config", help="TOML settings file (also PORCH_CONFIG).")
DatabaseOption = typer.Option(None, "--database-url", help="Database URL (default: SQLite in the data dir).")
DataDirOption = typer.Option(
    None, "--data-dir", help="Data directory (default ./porch-data, or PORCH_DATA_DIR)."
)
ModelOption = typer.Option(
    None, "--model", help="Model file to use instead of the one that ships with porch."
)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print `error: message` in red on stderr; the exit to raise (`raise fail(...)`)."""
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code)


def settings(config: Path | None = None, **overrides: Any) -> Settings:
    """The settings from flags (None values ignored), environment and TOML file; a CLI error if bad."""
    from ..config import ConfigError, load_settings

    try:
        return load_settings(config, **overrides)
    except ConfigError as exc:
        raise fail(str(exc)) from None


def open_store(config: Path | None, database_url: str | None, data_dir: Path | None) -> Store:
    """The store of the database the settings name, migrated; a CLI error if it cannot be opened."""
    return store_for(settings(config, database_url=database_url, data_dir=data_dir))


def store_for(found: Settings) -> Store:
    from ..store import StoreError, open_store

    try:
        return open_store(found.effective_database_url, found.secret())
    except StoreError as exc:
        raise fail(str(exc)) from None


def for_site(call: Callable[[str], T], ref: str) -> T:
    """`call(ref)` for a store method that takes a site id or URL; an unknown site is a CLI error."""
    from ..store import SiteNotFound

    try:
        return call(ref)
    except SiteNotFound as exc:
        raise fail(str(exc)) from None


def load_engine(model: Path | None) -> Engine:
    from ..engine import Engine, ModelError

    try:
        return Engine.from_file(model)
    except ModelError as exc:
        raise fail(str(exc)) from None
