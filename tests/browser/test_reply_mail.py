"""Reply notifications from the reader's side: with SMTP configured, the widget offers "Notify me
of replies by email"; ticking it sends a confirmation mail (double opt-in) to a real SMTP server
(aiosmtpd on loopback), and nothing else reaches the address until the link is followed."""

from __future__ import annotations

import re
import time
import uuid
from email import message_from_bytes, policy

import httpx
import pytest
from playwright.sync_api import expect
from test_widget import HAM, box, open_article, post, read_like_a_person

from browser_helpers import free_port, start_server, store_for


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"

    def to(self, address):
        return [m for rcpt, m in self.messages if address in rcpt]


@pytest.fixture(scope="module")
def mailing(tmp_path_factory):
    """(porch server with SMTP settings, its store, the inbox)."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    tmp = tmp_path_factory.mktemp("mailing")
    server = start_server(
        f"sqlite:///{tmp / 'mail.db'}",
        tmp / "data",
        env={
            "PORCH_SMTP_HOST": "127.0.0.1",
            "PORCH_SMTP_PORT": str(smtp.port),
            "PORCH_SMTP_STARTTLS": "false",
            "PORCH_MAIL_FROM": "comments@example.org",
            "PORCH_MAIL_POLL_SECONDS": "0.2",
        },
    )
    store = store_for(server.database_url)
    yield server, store, inbox
    store.engine.dispose()
    server.stop()
    smtp.stop()


def wait_for_mail(inbox, address, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not inbox.to(address):
        assert time.monotonic() < deadline, f"no mail to {address}"
        time.sleep(0.1)
    return inbox.to(address)


def test_ticking_notify_sends_a_confirmation_first(page, pages, mailing):
    server, store, inbox = mailing
    site, _ = store.sites.add(pages.url, "mail test " + uuid.uuid4().hex[:6], "own")
    address = f"reader-{uuid.uuid4().hex[:8]}@example.org"
    open_article(page, server, pages, site)
    notify = page.get_by_role("checkbox", name=re.compile("Notify me of replies"))
    expect(notify).to_be_visible()
    read_like_a_person(page)
    notify.check()
    post(page, HAM, email=address)
    expect(page.locator(".porch-comment").filter(has_text="garden path")).to_be_visible()

    (mail,) = wait_for_mail(inbox, address)
    assert (
        "confirm" in mail["Subject"].lower() and mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    )
    link = re.search(r"https?://\S+/mail/confirm/\S+", mail.get_body(("plain",)).get_content()).group(0)
    path = link[link.index("/mail/") :]
    # The link's page asks for one click (a mail scanner's GET confirms nothing); the click confirms.
    assert "Confirm reply notifications" in httpx.get(server.url + path).text
    assert "Confirm reply notifications" in httpx.get(server.url + path).text  # still: GET changed nothing
    assert "Reply notifications are on" in httpx.post(server.url + path).text
    assert len(inbox.to(address)) == 1  # the confirmation was the only mail


def test_without_an_email_address_the_box_does_nothing(page, pages, mailing):
    server, store, inbox = mailing
    site, _ = store.sites.add(pages.url, "mail test " + uuid.uuid4().hex[:6], "own")
    open_article(page, server, pages, site)
    read_like_a_person(page)
    page.get_by_role("checkbox", name=re.compile("Notify me of replies")).check()
    before = len(inbox.messages)
    post(page, HAM, email="")
    expect(page.locator(".porch-comment").filter(has_text="garden path")).to_be_visible()
    time.sleep(1.0)  # a sender round or two: nothing may arrive
    assert len(inbox.messages) == before
    assert box(page, "Comment").input_value() == ""
