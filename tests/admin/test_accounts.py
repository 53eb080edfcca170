"""Accounts and sessions: argon2id passwords, the `porch admin` commands, login throttling, and the
moderator API routes accepting a session (with its CSRF token) as well as the site's API key."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from porch.store.accounts import AccountError

from support.servers import SECRET

HAM = "Thanks for the thoughtful write-up, I learned a lot from the section on soil."


def porch(server, *args, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PORCH_SECRET_KEY": SECRET,
        "PORCH_DATA_DIR": str(server.data_dir),
    }
    return subprocess.run(
        [sys.executable, "-m", "porch.cli", *args, "--database-url", server.database_url],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_passwords_are_argon2id_and_never_stored_in_clear(store, accounts):
    from sqlalchemy import select

    from porch.store import schema as t

    accounts.create("Hash.Check@Example.org", "a long enough password")
    with store.engine.connect() as conn:
        stored = conn.execute(
            select(t.accounts.c.email, t.accounts.c.password_hash).where(
                t.accounts.c.email == "hash.check@example.org"
            )
        ).one()
    assert stored.password_hash.startswith("$argon2id$")
    assert "a long enough password" not in stored.password_hash
    assert accounts.verify("hash.check@example.org", "a long enough password") is not None
    assert accounts.verify("HASH.CHECK@example.org ", "a long enough password") is not None
    assert accounts.verify("hash.check@example.org", "a long enough passwor") is None
    with pytest.raises(AccountError, match="exists already"):
        accounts.create("hash.check@example.org", "another long password")
    with pytest.raises(AccountError, match="at least 10"):
        accounts.create("short@example.org", "short")
    with pytest.raises(AccountError, match="does not look like"):
        accounts.create("not an address", "a long enough password")


def test_admin_cli_creates_grants_lists_and_revokes(server, make_site, accounts):
    site, _ = make_site()
    r = porch(
        server,
        "admin",
        "create",
        "Owner.CLI@example.org",
        "--password-stdin",
        "--site",
        site.public_id,
        stdin="cli password 123\n",
    )
    assert r.returncode == 0, r.stderr
    assert "owner of " + site.public_id in r.stdout
    owner = accounts.by_email("owner.cli@example.org")
    assert owner is not None and owner.role(site.id) == "owner"
    assert "cli password" not in r.stdout + r.stderr

    r = porch(
        server, "admin", "create", "owner.cli@example.org", "--password-stdin", stdin="cli password 123\n"
    )
    assert r.returncode == 2 and "exists already" in r.stderr and "Traceback" not in r.stderr
    r = porch(server, "admin", "create", "weak@example.org", "--password-stdin", stdin="123\n")
    assert r.returncode == 2 and "at least 10 characters" in r.stderr

    r = porch(
        server, "admin", "create", "mod.cli@example.org", "--password-stdin", stdin="mod password 123\n"
    )
    assert r.returncode == 0, r.stderr
    assert porch(server, "admin", "grant", "mod.cli@example.org", site.public_id).returncode == 0
    assert accounts.by_email("mod.cli@example.org").role(site.id) == "moderator"
    listed = porch(server, "admin", "list").stdout
    assert f"mod.cli@example.org  moderator of {site.public_id}" in listed
    assert porch(server, "admin", "grant", "nobody@example.org", site.public_id).returncode == 2
    assert porch(server, "admin", "grant", "mod.cli@example.org", "no-such-site").returncode == 2
    assert porch(server, "admin", "revoke", "mod.cli@example.org", site.public_id).returncode == 0
    assert accounts.by_email("mod.cli@example.org").role(site.id) is None


def test_password_change_ends_every_session(accounts):
    account = accounts.create("sessions@example.org", "first password 1")
    token = accounts.new_session(account.id)
    assert accounts.session_account(token).id == account.id
    accounts.set_password(account.id, "second password 2")
    assert accounts.session_account(token) is None
    assert accounts.session_account("forged-token") is None


def test_failed_logins_are_throttled_per_address(accounts):
    from porch.server.domain.auth import ADDRESS_FREE_FAILURES, Auth, LoginRefused

    auth = Auth(accounts)
    accounts.create("throttle@example.org", "the right password")
    for i in range(ADDRESS_FREE_FAILURES):
        with pytest.raises(LoginRefused) as refused:
            auth.login("throttle@example.org", f"wrong {i}", "198.51.100.7")
        assert refused.value.retry_after == 0 and "Wrong e-mail address or password" in refused.value.message
    with pytest.raises(LoginRefused) as refused:
        auth.login("throttle@example.org", "still wrong", "198.51.100.7")
    assert refused.value.retry_after > 0 and "try again in" in refused.value.message
    # Locked: even the right password is refused until the lock ends (from any network).
    with pytest.raises(LoginRefused, match="Too many failed logins"):
        auth.login("throttle@example.org", "the right password", "203.0.113.9")
    # Another address is not affected; an unknown address gets the same answer as a wrong password.
    accounts.create("other@example.org", "the right password")
    assert auth.login("other@example.org", "the right password", "203.0.113.9")
    with pytest.raises(LoginRefused, match="Wrong e-mail address or password"):
        auth.login("nobody@example.org", "whatever it is", "203.0.113.9")


def test_failed_logins_are_throttled_per_network(accounts):
    from porch.server.domain.auth import NETWORK_FREE_FAILURES, Auth, LoginRefused

    auth = Auth(accounts)
    for i in range(NETWORK_FREE_FAILURES + 1):
        with pytest.raises(LoginRefused):
            auth.login(f"spray{i}@example.org", "guess 1234567", "192.0.2.77")
    accounts.create("victim@example.org", "the right password")
    with pytest.raises(LoginRefused, match="Too many failed logins"):
        auth.login("victim@example.org", "the right password", "192.0.2.78")  # same /24
    assert auth.login("victim@example.org", "the right password", "192.0.3.1")


def test_moderator_api_takes_a_session_with_csrf(server, make_site, moderator, post_comment):
    site, _ = make_site(moderation="all")
    other, _ = make_site(moderation="all")
    mod = moderator(site)
    held = post_comment(site, HAM)
    assert held["status"] == "pending"

    queue = mod.client.get("/api/v1/moderation", params={"site": site.public_id})
    assert queue.status_code == 200 and [c["id"] for c in queue.json()["comments"]] == [held["id"]]
    # Without the CSRF header the session does not count: nothing changes.
    assert mod.client.post(f"/api/v1/comments/{held['id']}/approve").status_code == 403
    assert (
        mod.client.post(
            f"/api/v1/comments/{held['id']}/approve", headers={"X-CSRF-Token": "0" * 40}
        ).status_code
        == 403
    )
    assert mod.client.get(f"/api/v1/comments/{held['id']}").json()["status"] == "pending"
    r = mod.post(f"/api/v1/comments/{held['id']}/approve")
    assert r.status_code == 200 and r.json()["status"] == "approved"

    # A moderator of one site is nobody on another.
    theirs = post_comment(other, HAM)
    assert mod.post(f"/api/v1/comments/{theirs['id']}/spam").status_code == 403
    assert mod.client.get("/api/v1/moderation", params={"site": other.public_id}).status_code == 401
    assert mod.client.get(f"/api/v1/comments/{theirs['id']}").status_code == 404


def test_no_session_no_moderation(server, make_site, post_comment):
    site, _ = make_site(moderation="all")
    held = post_comment(site, HAM)
    with server.client() as c:
        c.cookies.set("porch_session", "made-up")
        assert c.get("/api/v1/moderation", params={"site": site.public_id}).status_code == 401
        assert (
            c.post(f"/api/v1/comments/{held['id']}/approve", headers={"X-CSRF-Token": "x"}).status_code == 403
        )
        assert c.delete(f"/api/v1/comments/{held['id']}").status_code == 403
