"""`porch serve` and `porch site …`: run the service and manage the sites and keys it knows.

Only typer and the standard library are imported at module level: porch/cli.py registers these
commands on every start, and `porch check` must not pay for FastAPI, SQLAlchemy and uvicorn. Each
command imports what it needs when it runs.

`serve` applies the migrations once, then hands uvicorn the app factory; settings reach the worker
processes as `PORCH_*` environment variables (that is how uvicorn's workers are configured), and
with more than one worker the Prometheus metrics are shared through files in the data directory.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Optional

import typer

ConfigOption = typer.Option(None, "--config", help="TOML settings file (also PORCH_CONFIG).")
DatabaseOption = typer.Option(None, "--database-url", help="Database URL (default: SQLite in the data dir).")
DataDirOption = typer.Option(None, "--data-dir", help="Data directory (default ./porch-data, or PORCH_DATA_DIR).")


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code)


def _settings(config: Optional[Path], **overrides):
    from ..config import ConfigError, load_settings

    try:
        return load_settings(config, **overrides)
    except ConfigError as exc:
        raise _fail(str(exc)) from None


def _store(settings):
    from ..store import Store, StoreError, migrate, open_database

    try:
        engine = open_database(settings.effective_database_url)
        migrate(engine)
    except StoreError as exc:
        raise _fail(str(exc)) from None
    return Store(engine, settings.secret())


def register(app: typer.Typer) -> None:
    site_app = typer.Typer(help="Sites and their API keys.", no_args_is_help=True)
    app.add_typer(site_app, name="site")

    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
        port: int = typer.Option(8000, "--port", help="Port to listen on."),
        database_url: Optional[str] = DatabaseOption,
        workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes (one per core)."),
        config: Optional[Path] = ConfigOption,
        data_dir: Optional[Path] = DataDirOption,
        access_log: bool = typer.Option(False, "--access-log", help="Log every request (off: it costs time)."),
    ) -> None:
        """Run the Akismet-compatible spam service (and the JSON API) on HOST:PORT."""
        settings = _settings(config, database_url=database_url, data_dir=data_dir)
        store = _store(settings)  # migrate once, before any worker starts
        store.engine.dispose()
        try:
            from ..engine import Engine, ModelError

            Engine.from_file(settings.model_path)
        except ModelError as exc:
            raise _fail(str(exc)) from None
        env = {
            "PORCH_DATA_DIR": str(settings.data_dir.resolve()),
            "PORCH_DATABASE_URL": settings.effective_database_url,
            "PORCH_WORKERS": str(workers),
            "PORCH_HOST": host,
            "PORCH_PORT": str(port),
        }
        os.environ.update(env)
        if workers > 1:
            metrics_dir = settings.data_dir.resolve() / f"metrics-{port}"
            shutil.rmtree(metrics_dir, ignore_errors=True)
            metrics_dir.mkdir(parents=True)
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
        import uvicorn

        typer.echo(f"porch: serving on http://{host}:{port} with {workers} worker(s); data in {settings.data_dir}", err=True)
        uvicorn.run(
            "porch.server.app:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            access_log=access_log,
            log_level=settings.log_level,
            server_header=False,
            proxy_headers=False,
        )

    @site_app.command("add")
    def site_add(
        url: str = typer.Argument(..., help="The site's address, e.g. https://blog.example.org"),
        name: str = typer.Option("", "--name", help="A name for people (default: the URL)."),
        learning: Optional[str] = typer.Option(None, "--learning", help="own (default) or shared."),
        as_json: bool = typer.Option(False, "--json", help='Print {"site": ..., "api_key": ...}.'),
        config: Optional[Path] = ConfigOption,
        database_url: Optional[str] = DatabaseOption,
        data_dir: Optional[Path] = DataDirOption,
    ) -> None:
        """Create a site and print its API key (shown once: porch keeps only a hash)."""
        if not url.strip() or len(url) > 2000:
            raise _fail("give the site's URL, e.g. https://blog.example.org")
        if learning not in (None, "own", "shared"):
            raise _fail("--learning must be own or shared")
        settings = _settings(config, database_url=database_url, data_dir=data_dir)
        store = _store(settings)
        site, key = store.add_site(url.strip(), name or url.strip(), learning or settings.learning)
        if as_json:
            typer.echo(json.dumps({"site": site.public_id, "url": site.url, "name": site.name, "api_key": key}))
        else:
            typer.echo(f"site {site.public_id} ({site.url})\napi key: {key}")
            typer.echo("Keep the key: porch stores only its hash. Point your Akismet client at this server.", err=True)

    @site_app.command("key")
    def site_key(
        site: str = typer.Argument(..., help="Site id or URL."),
        as_json: bool = typer.Option(False, "--json"),
        config: Optional[Path] = ConfigOption,
        database_url: Optional[str] = DatabaseOption,
        data_dir: Optional[Path] = DataDirOption,
    ) -> None:
        """Issue another API key for a site (e.g. after `site revoke`)."""
        from ..store.queries import SiteNotFound

        store = _store(_settings(config, database_url=database_url, data_dir=data_dir))
        try:
            found, key = store.new_key(site)
        except SiteNotFound as exc:
            raise _fail(str(exc)) from None
        typer.echo(json.dumps({"site": found.public_id, "api_key": key}) if as_json else f"api key: {key}")

    @site_app.command("list")
    def site_list(
        as_json: bool = typer.Option(False, "--json"),
        config: Optional[Path] = ConfigOption,
        database_url: Optional[str] = DatabaseOption,
        data_dir: Optional[Path] = DataDirOption,
    ) -> None:
        """List the sites, their active keys (by prefix) and how many comments they checked."""
        sites = _store(_settings(config, database_url=database_url, data_dir=data_dir)).list_sites()
        if as_json:
            typer.echo(json.dumps(sites, indent=2))
            return
        if not sites:
            typer.echo("no sites yet: add one with `porch site add URL`", err=True)
            return
        for s in sites:
            keys = ", ".join(s["active_keys"]) or "none (revoked)"
            typer.echo(f"{s['id']}  {s['url']}  learning={s['learning']}  keys: {keys}  checks: {s['checks']}")

    @site_app.command("revoke")
    def site_revoke(
        site: str = typer.Argument(..., help="Site id or URL."),
        config: Optional[Path] = ConfigOption,
        database_url: Optional[str] = DatabaseOption,
        data_dir: Optional[Path] = DataDirOption,
    ) -> None:
        """Revoke every API key of a site (its data stays; `site key` issues a new one)."""
        from ..store.queries import SiteNotFound

        store = _store(_settings(config, database_url=database_url, data_dir=data_dir))
        try:
            found, count = store.revoke(site)
        except SiteNotFound as exc:
            raise _fail(str(exc)) from None
        typer.echo(f"revoked {count} key(s) of {found.public_id} ({found.url}); servers stop accepting them within 1 s")

    @site_app.command("set")
    def site_set(
        site: str = typer.Argument(..., help="Site id or URL."),
        learning: Optional[str] = typer.Option(None, "--learning", help="own: learn only from this site; shared: from all sharing sites."),
        moderation: Optional[str] = typer.Option(None, "--moderation", help="Hold comments: none | links | first | all."),
        require_email: Optional[bool] = typer.Option(None, "--require-email/--no-require-email"),
        require_name: Optional[bool] = typer.Option(None, "--require-name/--no-require-name"),
        edit_window: Optional[float] = typer.Option(None, "--edit-window", help="Seconds an author may edit (default 900)."),
        reply_depth: Optional[int] = typer.Option(None, "--reply-depth", help="Deepest reply level (default 5)."),
        default_sort: Optional[str] = typer.Option(None, "--sort", help="oldest | newest | top."),
        max_length: Optional[int] = typer.Option(None, "--max-length", help="Longest comment in characters (default 10,000)."),
        origin: Optional[list[str]] = typer.Option(None, "--origin", help="Allowed origin for the widget (repeat; default: the site URL's)."),
        avatars: Optional[bool] = typer.Option(None, "--avatars/--no-avatars", help="Send an avatar hash with comments."),
        config: Optional[Path] = ConfigOption,
        database_url: Optional[str] = DatabaseOption,
        data_dir: Optional[Path] = DataDirOption,
    ) -> None:
        """Change a site's settings (learning, and the comment settings)."""
        from ..store.queries import SiteNotFound

        store = _store(_settings(config, database_url=database_url, data_dir=data_dir))
        comments = {
            "moderation": moderation, "require_email": require_email, "require_name": require_name,
            "edit_window_seconds": edit_window, "reply_depth": reply_depth, "default_sort": default_sort,
            "max_length": max_length, "allowed_origins": origin or None, "avatars": avatars,
        }
        if learning is None and all(v is None for v in comments.values()):
            raise _fail("nothing to change: give --learning or a comment setting (see --help)")
        try:
            found = store.set_learning(site, learning) if learning is not None else store.find_site(site)
            if any(v is not None for v in comments.values()):
                from ..server.discussion import CommentSettings, validate_settings
                from ..store.comments import CommentStore

                merged = validate_settings(comments, CommentSettings.of(found))
                CommentStore(store.engine).save_site_settings(found.id, {**found.settings, "comments": vars(merged)})
                found = store.site(found.id)
        except (SiteNotFound, ValueError) as exc:
            raise _fail(str(exc)) from None
        shown = ", ".join(f"{k}={v}" for k, v in found.settings.get("comments", {}).items())
        typer.echo(f"{found.public_id}: learning={found.learning}{'; ' + shown if shown else ''} "
                   "(running servers pick it up within 1 s)")


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use the `porch` command")
