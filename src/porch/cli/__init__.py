"""porch's command line: check comments, train and measure the engine, run and manage the service.

    porch check | train | eval | backtest     the engine alone (engine.py)
    porch serve                               the service (service.py)
    porch demo                                the first run: a demo article and dashboard (demo.py)
    porch site add | key | list | revoke | set     sites, keys, settings (sites.py)
    porch admin create | grant | revoke | password | list   moderator accounts (admin.py)

Every command is a plain function in its module, registered here; what they share (`fail`, the
common options, opening the store) is common.py. Nothing heavy is imported until a command runs,
so `porch check` starts fast (common.py says why).
"""

from __future__ import annotations

import typer

from . import admin, demo, engine, service, sites

app = typer.Typer(
    help="porch: self-hosted comments with a spam filter that learns and explains.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(engine.check)
app.command()(engine.train)
app.command("eval")(engine.evaluate)
app.command()(engine.backtest)
app.command()(service.serve)
app.command()(demo.demo)
app.add_typer(sites.app, name="site")
app.add_typer(admin.app, name="admin")


def main() -> None:
    app()
