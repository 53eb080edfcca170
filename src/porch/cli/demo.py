"""`porch demo`: the first run — a demo article with the comment widget, on a SQLite file.

The same server as `porch serve`, plus what server/demo.py sets up: a demo site whose allowed
origin is the server's own, the article at /demo/ with a seeded thread, and a demo moderator
whose fresh password is printed with the addresses.
"""

from __future__ import annotations

from pathlib import Path

import typer

from .common import DataDirOption, settings, store_for
from .service import run


def demo(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    data_dir: Path | None = DataDirOption,
) -> None:
    """First run: a SQLite store, a demo site and article with comments at http://HOST:PORT/demo/."""
    from ..server.demo import DEMO_URI, demo_login, demo_site, seed_demo

    found = settings(None, data_dir=data_dir)
    if found.database_url:  # the demo is always the data directory's SQLite file
        found = settings(
            None,
            data_dir=data_dir,
            database_url=f"sqlite:///{(found.data_dir / 'porch.db').resolve()}",
        )
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    url = f"http://{shown}:{port}"
    store = store_for(found)
    site = demo_site(store, url)
    added = seed_demo(store, site)
    login, password = demo_login(store, site)
    store.close()
    typer.echo(f"porch demo: site {site.public_id}" + (f", {added} comments seeded" if added else ""))
    typer.echo(f"  the article:      {url}{DEMO_URI}")
    typer.echo(f"  privacy page:     {url}/privacy/{site.public_id}")
    typer.echo(f"  the widget:       {url}/js/embed.js")
    typer.echo(f"  the API docs:     {url}/api/docs")
    typer.echo(f"  the dashboard:    {url}/admin/   log in as {login} with password {password}")
    typer.echo("                    (a new password on every `porch demo`)")
    typer.echo("Stop with Ctrl-C; the data stays in " + str(found.data_dir))
    run(found, host, port, 1, False, {"PORCH_DEMO_SITE": site.public_id})
