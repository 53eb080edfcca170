"""Helpers for the e-mail tests (a module of its own: `conftest` names two modules in this suite)."""

from __future__ import annotations

import re
import uuid

from support import servers
from support.servers import SECRET, configure, free_port, start_server, store_for

__all__ = ["SECRET", "configure", "free_port", "start_server", "store_for"]


def mail_env(port: int) -> dict[str, str]:
    """Settings for a server that mails through the test's SMTP server on `port` (no TLS there)."""
    return {
        "PORCH_SMTP_HOST": "127.0.0.1",
        "PORCH_SMTP_PORT": str(port),
        "PORCH_SMTP_STARTTLS": "false",
        "PORCH_MAIL_FROM": "comments@example.org",
        "PORCH_MAIL_POLL_SECONDS": "0.2",
        "PORCH_MAIL_RETRY_SECONDS": "0.2",
    }


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.05):
    """Poll until predicate() is truthy (mail takes a sender round or two: 30 s by default)."""
    return servers.wait_for(predicate, timeout, interval)


def add_member(store, site, address: str, role: str = "moderator") -> int:
    """An account (with a real argon2id password) that has `role` on the site."""

    accounts = store.accounts
    account = accounts.create(address, "a member's long password")
    accounts.grant(account.id, site.id, role)
    return account.id


def address(who: str) -> str:
    return f"{who}-{uuid.uuid4().hex[:8]}@example.net"


def links(msg, path: str) -> list[str]:
    """The porch links of one kind in a mail's text (e.g. "/mail/confirm/")."""
    return re.findall(r"https?://\S+" + re.escape(path) + r"[A-Za-z0-9._~%-]+", msg.get_content())


def whole(msg) -> str:
    """Every header and the text of a mail, for "does not contain" checks."""
    return "\n".join(f"{k}: {v}" for k, v in msg.items()) + "\n" + msg.get_content()
