"""`porch serve`, `porch demo` and `porch site …`: run the service and manage the sites and keys it knows.

Only typer and the standard library are imported at module level: porch/cli.py registers these
commands on every start, and `porch check` must not pay for FastAPI, SQLAlchemy and uvicorn. Each
command imports what it needs when it runs.

`serve` applies the migrations once, then hands uvicorn the app factory; settings reach the worker
processes as `PORCH_*` environment variables (that is how uvicorn's workers are configured), and
with more than one worker the Prometheus metrics are shared through files in the data directory.

`demo` is the first run: the same server on a SQLite file in the data directory, plus a demo site
whose allowed origin is the server's own, a demo article at /demo/ (src/porch/web/demo.html) and a
seeded thread. It is idempotent: a second run finds the site and its thread and adds nothing.
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
DataDirOption = typer.Option(
    None, "--data-dir", help="Data directory (default ./porch-data, or PORCH_DATA_DIR)."
)


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


def _for_site(call, ref: str):
    """`call(ref)` for a store method that takes a site id or URL; an unknown site is a CLI error."""
    from ..store.queries import SiteNotFound

    try:
        return call(ref)
    except SiteNotFound as exc:
        raise _fail(str(exc)) from None


def _run(
    settings, host: str, port: int, workers: int, access_log: bool, extra_env: dict | None = None
) -> None:
    """Hand the app factory to uvicorn; settings reach the workers as PORCH_* variables."""
    env = {
        "PORCH_DATA_DIR": str(settings.data_dir.resolve()),
        "PORCH_DATABASE_URL": settings.effective_database_url,
        "PORCH_WORKERS": str(workers),
        "PORCH_HOST": host,
        "PORCH_PORT": str(port),
    }
    os.environ.update({**env, **(extra_env or {})})
    if workers > 1:
        metrics_dir = settings.data_dir.resolve() / f"metrics-{port}"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    import uvicorn

    typer.echo(
        f"porch: serving on http://{host}:{port} with {workers} worker(s); data in {settings.data_dir}",
        err=True,
    )
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


DEMO_URI = "/demo/"
DEMO_MODERATOR = "moderator@demo.porch.invalid"
DEMO_TITLE = "Porches, and why we sit on them"
DEMO_THREAD = [  # (author, website, text, replies)
    (
        "Maren",
        "https://maren.example.org",
        "Lovely piece. Our porch faces west, so it is the **best** place for the last hour of sun.",
        [
            ("Tom", None, "Same here! We put a small table out there every spring.", []),
            ("Maren", None, "@Tom a table is a good idea — the railing is not a great shelf.", []),
        ],
    ),
    (
        "Ravi",
        None,
        "I never thought of a comment section as a porch, but it fits. The good ones feel like a street where people know each other.",
        [
            ("Ines", "https://ines.example.org", "And the bad ones like a street where nobody sweeps.", []),
        ],
    ),
    (
        "Jo",
        None,
        "Is there a word for a porch that wraps around two sides of a house? Asking for a friend with *opinions*.",
        [],
    ),
]


def demo_site(store, url: str):
    """The demo site for URL, created on the first run (its origin allowed, a contact set, avatars on)."""
    from ..server.discussion import CommentSettings, validate_settings
    from ..store.comments import CommentStore
    from ..store.queries import SiteNotFound

    changes: dict = {"allowed_origins": [url]}
    try:
        site = store.find_site(url)
    except SiteNotFound:
        site, _key = store.add_site(url, "porch demo", "own")
        changes["avatars"] = True  # a new demo shows the generated avatars; the dashboard can turn them off
    conf = validate_settings(changes, CommentSettings.of(site))
    CommentStore(store.engine).save_site_settings(
        site.id,
        {
            **site.settings,
            "comments": vars(conf),
            "contact": site.settings.get("contact")
            or "the person running this demo (nobody else sees this data)",
        },
    )
    return store.site(site.id)


def seed_demo(store, site) -> int:
    """Seed the demo article's thread once: nothing is added when it already has comments."""
    from datetime import datetime, timedelta, timezone

    from ..server.render import render
    from ..store.comments import CommentStore

    comments = CommentStore(store.engine)
    if comments.thread_id(site.id, DEMO_URI) is not None:
        return 0
    moment = datetime.now(timezone.utc) - timedelta(days=2)
    added = 0

    def add(author, website, text, parent=None, root=None, depth=0):
        nonlocal moment, added
        moment += timedelta(minutes=47)
        added += 1
        return comments.insert(
            site.id,
            DEMO_URI,
            DEMO_TITLE,
            {
                "parent_id": parent,
                "root_id": root,
                "depth": depth,
                "status": "approved",
                "created_at": moment,
                "author": author,
                "website": website,
                "text": text,
                "html": render(text),
                "verdict": "ham",
                "score": 0.0,
            },
        )

    for author, website, text, replies in DEMO_THREAD:
        top = add(author, website, text)
        for r_author, r_website, r_text, _ in replies:
            add(r_author, r_website, r_text, parent=top, root=top, depth=1)
    return added


def demo_login(store, site) -> tuple[str, str]:
    """The demo moderator (owner of the demo site), with a fresh password on every run."""
    import secrets

    from ..store.accounts import AccountStore

    accounts = AccountStore.of(store)
    password = secrets.token_urlsafe(12)
    account = accounts.by_email(DEMO_MODERATOR)
    if account is None:
        account = accounts.create(DEMO_MODERATOR, password)
    else:
        accounts.set_password(account.id, password)
    accounts.grant(account.id, site.id, "owner")
    return DEMO_MODERATOR, password


def register(app: typer.Typer) -> None:
    from .admin_cli import register as register_admin

    site_app = typer.Typer(help="Sites and their API keys.", no_args_is_help=True)
    app.add_typer(site_app, name="site")
    register_admin(app)

    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
        port: int = typer.Option(8000, "--port", help="Port to listen on."),
        database_url: Optional[str] = DatabaseOption,
        workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes (one per core)."),
        config: Optional[Path] = ConfigOption,
        data_dir: Optional[Path] = DataDirOption,
        access_log: bool = typer.Option(
            False, "--access-log", help="Log every request (off: it costs time)."
        ),
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
        _run(settings, host, port, workers, access_log)

    @app.command()
    def demo(
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
        port: int = typer.Option(8000, "--port", help="Port to listen on."),
        data_dir: Optional[Path] = DataDirOption,
    ) -> None:
        """First run: a SQLite store, a demo site and article with comments at http://HOST:PORT/demo/."""
        settings = _settings(None, data_dir=data_dir)
        if settings.database_url:
            settings = _settings(
                None,
                data_dir=data_dir,
                database_url=f"sqlite:///{(settings.data_dir / 'porch.db').resolve()}",
            )
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        url = f"http://{shown}:{port}"
        store = _store(settings)
        site = demo_site(store, url)
        added = seed_demo(store, site)
        login, password = demo_login(store, site)
        store.engine.dispose()
        typer.echo(f"porch demo: site {site.public_id}" + (f", {added} comments seeded" if added else ""))
        typer.echo(f"  the article:      {url}{DEMO_URI}")
        typer.echo(f"  privacy page:     {url}/privacy/{site.public_id}")
        typer.echo(f"  the widget:       {url}/js/embed.js")
        typer.echo(f"  the API docs:     {url}/api/docs")
        typer.echo(f"  the dashboard:    {url}/admin/   log in as {login} with password {password}")
        typer.echo("                    (a new password on every `porch demo`)")
        typer.echo("Stop with Ctrl-C; the data stays in " + str(settings.data_dir))
        _run(settings, host, port, 1, False, {"PORCH_DEMO_SITE": site.public_id})

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
            typer.echo(
                json.dumps({"site": site.public_id, "url": site.url, "name": site.name, "api_key": key})
            )
        else:
            typer.echo(f"site {site.public_id} ({site.url})\napi key: {key}")
            typer.echo(
                "Keep the key: porch stores only its hash. Point your Akismet client at this server.",
                err=True,
            )

    @site_app.command("key")
    def site_key(
        site: str = typer.Argument(..., help="Site id or URL."),
        as_json: bool = typer.Option(False, "--json"),
        config: Optional[Path] = ConfigOption,
        database_url: Optional[str] = DatabaseOption,
        data_dir: Optional[Path] = DataDirOption,
    ) -> None:
        """Issue another API key for a site (e.g. after `site revoke`)."""
        store = _store(_settings(config, database_url=database_url, data_dir=data_dir))
        found, key = _for_site(store.new_key, site)
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
            typer.echo(
                f"{s['id']}  {s['url']}  learning={s['learning']}  keys: {keys}  checks: {s['checks']}"
            )

    @site_app.command("revoke")
    def site_revoke(
        site: str = typer.Argument(..., help="Site id or URL."),
        config: Optional[Path] = ConfigOption,
        database_url: Optional[str] = DatabaseOption,
        data_dir: Optional[Path] = DataDirOption,
    ) -> None:
        """Revoke every API key of a site (its data stays; `site key` issues a new one)."""
        store = _store(_settings(config, database_url=database_url, data_dir=data_dir))
        found, count = _for_site(store.revoke, site)
        typer.echo(
            f"revoked {count} key(s) of {found.public_id} ({found.url}); servers stop accepting them within 1 s"
        )

    @site_app.command("set")
    def site_set(
        site: str = typer.Argument(..., help="Site id or URL."),
        learning: Optional[str] = typer.Option(
            None, "--learning", help="own: learn only from this site; shared: from all sharing sites."
        ),
        moderation: Optional[str] = typer.Option(
            None, "--moderation", help="Hold comments: none | links | first | all."
        ),
        require_email: Optional[bool] = typer.Option(None, "--require-email/--no-require-email"),
        require_name: Optional[bool] = typer.Option(None, "--require-name/--no-require-name"),
        edit_window: Optional[float] = typer.Option(
            None, "--edit-window", help="Seconds an author may edit (default 900)."
        ),
        reply_depth: Optional[int] = typer.Option(
            None, "--reply-depth", help="Deepest reply level (default 5)."
        ),
        default_sort: Optional[str] = typer.Option(None, "--sort", help="oldest | newest | top."),
        max_length: Optional[int] = typer.Option(
            None, "--max-length", help="Longest comment in characters (default 10,000)."
        ),
        origin: Optional[list[str]] = typer.Option(
            None, "--origin", help="Allowed origin for the widget (repeat; default: the site URL's)."
        ),
        avatars: Optional[bool] = typer.Option(
            None, "--avatars/--no-avatars", help="Send an avatar hash with comments."
        ),
        contact: Optional[str] = typer.Option(
            None, "--contact", help="Operator contact shown on the privacy page (e-mail or URL)."
        ),
        config: Optional[Path] = ConfigOption,
        database_url: Optional[str] = DatabaseOption,
        data_dir: Optional[Path] = DataDirOption,
    ) -> None:
        """Change a site's settings (learning, and the comment settings)."""
        from ..store.queries import SiteNotFound

        store = _store(_settings(config, database_url=database_url, data_dir=data_dir))
        comments = {
            "moderation": moderation,
            "require_email": require_email,
            "require_name": require_name,
            "edit_window_seconds": edit_window,
            "reply_depth": reply_depth,
            "default_sort": default_sort,
            "max_length": max_length,
            "allowed_origins": origin or None,
            "avatars": avatars,
        }
        if learning is None and contact is None and all(v is None for v in comments.values()):
            raise _fail("nothing to change: give --learning, --contact or a comment setting (see --help)")
        if contact is not None and len(contact) > 500:
            raise _fail("--contact is longer than 500 characters")
        try:
            found = store.set_learning(site, learning) if learning is not None else store.find_site(site)
            if any(v is not None for v in comments.values()):
                from ..server.discussion import CommentSettings, validate_settings
                from ..store.comments import CommentStore

                merged = validate_settings(comments, CommentSettings.of(found))
                CommentStore(store.engine).save_site_settings(
                    found.id, {**found.settings, "comments": vars(merged)}
                )
                found = store.site(found.id)
            if contact is not None:
                from ..store.comments import CommentStore

                CommentStore(store.engine).save_site_settings(
                    found.id, {**found.settings, "contact": contact.strip()}
                )
                found = store.site(found.id)
        except (SiteNotFound, ValueError) as exc:
            raise _fail(str(exc)) from None
        shown = ", ".join(f"{k}={v}" for k, v in found.settings.get("comments", {}).items())
        if found.settings.get("contact"):
            shown += (", " if shown else "") + f"contact={found.settings['contact']}"
        typer.echo(
            f"{found.public_id}: learning={found.learning}{'; ' + shown if shown else ''} "
            "(running servers pick it up within 1 s)"
        )


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use the `porch` command")
