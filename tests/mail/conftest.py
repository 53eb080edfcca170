"""Fixtures for the e-mail tests: a real SMTP server (aiosmtpd) on loopback that keeps what it
receives, and a real `porch serve` whose PORCH_SMTP_* settings point at it.

The suite's fixtures (support/fixtures.py) give the backends, so every test runs on SQLite and,
with PORCH_TEST_POSTGRES_URL, PostgreSQL; `make_site` here makes sites in the mail server's database. Tests tell their mails
apart by recipient: each test makes its own site and addresses (uuid), so the shared inbox and the
shared server do not couple them.
"""

from __future__ import annotations

import email
import threading
import time
from email import policy

import pytest

from mail_helpers import free_port, mail_env, start_server, store_for
from support.servers import comment_site


class Inbox:
    """What the SMTP server received: parsed messages, each with its envelope recipients."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(([r.lower() for r in envelope.rcpt_tos], msg))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        with self.lock:
            return [m for rcpt, m in self.messages if address.lower() in rcpt]

    def wait(self, address: str, count: int = 1, timeout: float = 30.0) -> list[email.message.EmailMessage]:
        """Poll until `address` has at least `count` mails; returns them (fails on timeout)."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.to(address)
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(found)} mail(s) to {address}, expected {count}")
            time.sleep(0.05)


@pytest.fixture(scope="session")
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture(scope="session")
def mail_server(backend, smtp):
    s = start_server(backend.database("mail"), backend.tmp / "mail", env=mail_env(smtp.port))
    yield s
    s.stop()


@pytest.fixture(scope="session")
def mail_store(mail_server):
    s = store_for(mail_server.database_url)
    yield s
    s.engine.dispose()


@pytest.fixture
def make_site(mail_store):
    def make(**comments):
        return comment_site(mail_store, "Test blog", **comments)

    return make
