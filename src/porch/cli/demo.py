"""`porch demo`: the first run — a demo article with the comment widget, on a SQLite file.

The same server as `porch serve`, plus what server/demo.py sets up: a demo site whose allowed
origin is the server's own, the article at /demo/ with a seeded thread, and a demo moderator
whose fresh password is printed with the addresses.

The port is checked first, before the database is touched: a second `porch demo` while one runs
would otherwise give the demo moderator a new password (the first demo's login stops working),
print addresses it cannot serve, and die on uvicorn's "address already in use". Now it says in one
line what to do, and changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import typer

from .common import DataDirOption, fail, settings, store_for
from .service import run


def demo(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    data_dir: Path | None = DataDirOption,
) -> None:
    """First run: a SQLite store, a demo site and article with comments at http://HOST:PORT/demo/."""
    taken = port_taken(host, port)
    if taken:
        raise fail(taken)
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
    typer.echo(f"  the front page:   {url}/")
    typer.echo(f"  the article:      {url}{DEMO_URI}")
    typer.echo(f"  privacy page:     {url}/privacy/{site.public_id}")
    typer.echo(f"  the widget:       {url}/js/embed.js")
    typer.echo(f"  the API docs:     {url}/api/docs")
    typer.echo(f"  the dashboard:    {url}/admin/   log in as {login} with password {password}")
    typer.echo("                    (a new password on every `porch demo`)")
    typer.echo("Stop with Ctrl-C; the data stays in " + str(found.data_dir))
    run(found, host, port, 1, False, {"PORCH_DEMO_SITE": site.public_id})


def port_taken(host: str, port: int) -> str | None:
    """Why the demo cannot listen on HOST:PORT (a message for people), or None when it can. Binds
    the way uvicorn will (SO_REUSEADDR, so a demo stopped a moment ago does not count)."""
    import socket

    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        return f"cannot listen on {host!r}: {exc}"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError:
            other = port + 1 if port < 65535 else 8000
            return (
                f"port {port} is in use (another porch demo?): stop that one, "
                f"or start this one on another: porch demo --port {other} (make demo DEMO_ARGS=--port={other})"
            )
    return None
