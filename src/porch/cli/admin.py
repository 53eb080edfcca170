"""`porch admin …`: moderator accounts and their roles, from the command line.

    porch admin create EMAIL [--password-stdin] [--site SITE --role owner|moderator]
    porch admin grant EMAIL SITE [--role moderator]     porch admin revoke EMAIL SITE
    porch admin password EMAIL [--password-stdin]       porch admin list [--json]

The password comes from a hidden prompt (asked twice) or, for scripts, from the first line of
standard input with `--password-stdin`; it never appears in the process list or the shell history.
Owners add moderators in the dashboard too; the first owner of a site is made here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from .common import ConfigOption, DatabaseOption, DataDirOption, fail, for_site, open_store

app = typer.Typer(help="Moderator accounts and their roles per site.", no_args_is_help=True)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    answer: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return answer


@app.command("create")
def create(
    email: str = typer.Argument(..., help="The moderator's e-mail address (their login)."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin."),
    site: str | None = typer.Option(None, "--site", help="Give a role on this site (id or URL)."),
    role: str = typer.Option("owner", "--role", help="owner (settings, keys, moderators) or moderator."),
    config: Path | None = ConfigOption,
    database_url: str | None = DatabaseOption,
    data_dir: Path | None = DataDirOption,
) -> None:
    """Create an account (argon2id-hashed password), optionally with a role on a site."""
    from ..store.accounts import ROLES, AccountError

    if role not in ROLES:
        raise fail(f"--role must be one of {', '.join(ROLES)}")
    store = open_store(config, database_url, data_dir)
    accounts = store.accounts
    found = for_site(store.sites.find, site) if site else None
    try:
        account = accounts.create(email, _password(password_stdin))
        if found is not None:
            accounts.grant(account.id, found.id, role)
    except AccountError as exc:
        raise fail(str(exc)) from None
    where = f" ({role} of {found.public_id}, {found.url})" if found is not None else ""
    typer.echo(f"account {account.email} created{where}; log in at /admin/")


@app.command("grant")
def grant(
    email: str = typer.Argument(...),
    site: str = typer.Argument(..., help="Site id or URL."),
    role: str = typer.Option("moderator", "--role", help="owner or moderator."),
    config: Path | None = ConfigOption,
    database_url: str | None = DatabaseOption,
    data_dir: Path | None = DataDirOption,
) -> None:
    """Give an account a role on a site (or change its role there)."""
    from ..store.accounts import AccountError

    store = open_store(config, database_url, data_dir)
    accounts = store.accounts
    found = for_site(store.sites.find, site)
    account = accounts.by_email(email)
    if account is None:
        raise fail(f"no account {email!r} (create it with `porch admin create`)")
    try:
        accounts.grant(account.id, found.id, role)
    except AccountError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"{account.email} is now {role} of {found.public_id} ({found.url})")


@app.command("revoke")
def revoke(
    email: str = typer.Argument(...),
    site: str = typer.Argument(..., help="Site id or URL."),
    config: Path | None = ConfigOption,
    database_url: str | None = DatabaseOption,
    data_dir: Path | None = DataDirOption,
) -> None:
    """Take an account's role on a site away."""
    store = open_store(config, database_url, data_dir)
    accounts = store.accounts
    found = for_site(store.sites.find, site)
    account = accounts.by_email(email)
    if account is None or not accounts.revoke(account.id, found.id):
        raise fail(f"{email!r} has no role on {found.public_id}")
    typer.echo(f"{account.email} has no role on {found.public_id} any more")


@app.command("password")
def password(
    email: str = typer.Argument(...),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin."),
    config: Path | None = ConfigOption,
    database_url: str | None = DatabaseOption,
    data_dir: Path | None = DataDirOption,
) -> None:
    """Set a new password (this logs the account out everywhere)."""
    from ..store.accounts import AccountError

    accounts = open_store(config, database_url, data_dir).accounts
    account = accounts.by_email(email)
    if account is None:
        raise fail(f"no account {email!r}")
    try:
        accounts.set_password(account.id, _password(password_stdin))
    except AccountError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"password of {account.email} changed; its sessions are closed")


@app.command("list")
def list_accounts(
    as_json: bool = typer.Option(False, "--json"),
    config: Path | None = ConfigOption,
    database_url: str | None = DatabaseOption,
    data_dir: Path | None = DataDirOption,
) -> None:
    """The accounts and their roles."""
    store = open_store(config, database_url, data_dir)
    accounts = store.accounts
    rows: list[dict[str, Any]] = [
        {"email": a.email, "roles": {store.sites.get(i).public_id: r for i, r in a.roles.items()}}
        for a in accounts.list_accounts()
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
    elif not rows:
        typer.echo("no accounts yet: add one with `porch admin create EMAIL --site SITE`", err=True)
    for row in rows if not as_json else []:
        roles = ", ".join(f"{r} of {s}" for s, r in row["roles"].items()) or "no role on any site"
        typer.echo(f"{row['email']}  {roles}")
