"""`porch site …`: the sites porch serves, their API keys and their settings.

    porch site add URL [--name N] [--learning own|shared] [--json]    a site and its first key
    porch site key SITE | revoke SITE                                 another key; revoke them all
    porch site list [--json]                                          sites, keys, checks made
    porch site set SITE [--learning …] [--moderation …] [--contact …] …   its settings

A key is shown once: porch keeps only its hash. `site set` goes through the same validation as the
dashboard's settings form (server/domain/sitesettings.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from .common import (
    ConfigOption,
    DatabaseOption,
    DataDirOption,
    fail,
    for_site,
    open_store,
    settings,
    store_for,
)

app = typer.Typer(help="Sites and their API keys.", no_args_is_help=True)


@app.command("add")
def site_add(
    url: str = typer.Argument(..., help="The site's address, e.g. https://blog.example.org"),
    name: str = typer.Option("", "--name", help="A name for people (default: the URL)."),
    learning: str | None = typer.Option(None, "--learning", help="own (default) or shared."),
    as_json: bool = typer.Option(False, "--json", help='Print {"site": ..., "api_key": ...}.'),
    config: Path | None = ConfigOption,
    database_url: str | None = DatabaseOption,
    data_dir: Path | None = DataDirOption,
) -> None:
    """Create a site and print its API key (shown once: porch keeps only a hash)."""
    if not url.strip() or len(url) > 2000:
        raise fail("give the site's URL, e.g. https://blog.example.org")
    if learning not in (None, "own", "shared"):
        raise fail("--learning must be own or shared")
    found = settings(config, database_url=database_url, data_dir=data_dir)
    site, key = store_for(found).sites.add(url.strip(), name or url.strip(), learning or found.learning)
    if as_json:
        typer.echo(json.dumps({"site": site.public_id, "url": site.url, "name": site.name, "api_key": key}))
    else:
        typer.echo(f"site {site.public_id} ({site.url})\napi key: {key}")
        typer.echo(
            "Keep the key: porch stores only its hash. Point your Akismet client at this server.",
            err=True,
        )


@app.command("key")
def site_key(
    site: str = typer.Argument(..., help="Site id or URL."),
    as_json: bool = typer.Option(False, "--json"),
    config: Path | None = ConfigOption,
    database_url: str | None = DatabaseOption,
    data_dir: Path | None = DataDirOption,
) -> None:
    """Issue another API key for a site (e.g. after `site revoke`)."""
    store = open_store(config, database_url, data_dir)
    found, key = for_site(store.sites.new_key, site)
    typer.echo(json.dumps({"site": found.public_id, "api_key": key}) if as_json else f"api key: {key}")


@app.command("list")
def site_list(
    as_json: bool = typer.Option(False, "--json"),
    config: Path | None = ConfigOption,
    database_url: str | None = DatabaseOption,
    data_dir: Path | None = DataDirOption,
) -> None:
    """List the sites, their active keys (by prefix) and how many comments they checked."""
    sites = open_store(config, database_url, data_dir).sites.overview()
    if as_json:
        typer.echo(json.dumps(sites, indent=2))
        return
    if not sites:
        typer.echo("no sites yet: add one with `porch site add URL`", err=True)
        return
    for s in sites:
        keys = ", ".join(s["active_keys"]) or "none (revoked)"
        typer.echo(f"{s['id']}  {s['url']}  learning={s['learning']}  keys: {keys}  checks: {s['checks']}")


@app.command("revoke")
def site_revoke(
    site: str = typer.Argument(..., help="Site id or URL."),
    config: Path | None = ConfigOption,
    database_url: str | None = DatabaseOption,
    data_dir: Path | None = DataDirOption,
) -> None:
    """Revoke every API key of a site (its data stays; `site key` issues a new one)."""
    store = open_store(config, database_url, data_dir)
    found, count = for_site(store.sites.revoke, site)
    typer.echo(
        f"revoked {count} key(s) of {found.public_id} ({found.url}); servers stop accepting them within 1 s"
    )


@app.command("set")
def site_set(
    site: str = typer.Argument(..., help="Site id or URL."),
    learning: str | None = typer.Option(
        None, "--learning", help="own: learn only from this site; shared: from all sharing sites."
    ),
    moderation: str | None = typer.Option(
        None, "--moderation", help="Hold comments: none | links | first | all."
    ),
    require_email: bool | None = typer.Option(None, "--require-email/--no-require-email"),
    require_name: bool | None = typer.Option(None, "--require-name/--no-require-name"),
    edit_window: float | None = typer.Option(
        None, "--edit-window", help="Seconds an author may edit (default 900)."
    ),
    reply_depth: int | None = typer.Option(None, "--reply-depth", help="Deepest reply level (default 5)."),
    default_sort: str | None = typer.Option(None, "--sort", help="oldest | newest | top."),
    max_length: int | None = typer.Option(
        None, "--max-length", help="Longest comment in characters (default 10,000)."
    ),
    origin: list[str] | None = typer.Option(
        None, "--origin", help="Allowed origin for the widget (repeat; default: the site URL's)."
    ),
    avatars: bool | None = typer.Option(
        None, "--avatars/--no-avatars", help="Send an avatar hash with comments."
    ),
    contact: str | None = typer.Option(
        None, "--contact", help="Operator contact shown on the privacy page (e-mail or URL)."
    ),
    config: Path | None = ConfigOption,
    database_url: str | None = DatabaseOption,
    data_dir: Path | None = DataDirOption,
) -> None:
    """Change a site's settings (learning, and the comment settings)."""
    from ..server.domain.sitesettings import CommentSettings, change_settings, validate_settings

    store = open_store(config, database_url, data_dir)
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
    changes_comments = any(v is not None for v in comments.values())
    if learning is None and contact is None and not changes_comments:
        raise fail("nothing to change: give --learning, --contact or a comment setting (see --help)")
    found = for_site(store.sites.find, site)
    try:
        merged = validate_settings(comments, CommentSettings.of(found)) if changes_comments else None
        found = change_settings(store, found, comments=merged, learning=learning, contact=contact)
    except ValueError as exc:
        raise fail(str(exc)) from None
    shown = ", ".join(f"{k}={v}" for k, v in found.settings.get("comments", {}).items())
    if found.settings.get("contact"):
        shown += (", " if shown else "") + f"contact={found.settings['contact']}"
    typer.echo(
        f"{found.public_id}: learning={found.learning}{'; ' + shown if shown else ''} "
        "(running servers pick it up within 1 s)"
    )
