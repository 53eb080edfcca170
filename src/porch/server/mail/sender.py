"""The mail sender: a background task of each worker that sends the queued mail over SMTP.

Started by the app's lifespan (app.py) only when `smtp_host` is set: without it porch opens no outbound
connection at all. Each round it

1. turns the comments handed over by the Notifier (notify.py) into queued mails,
2. queues the moderator digests that are due (at most once per `mail_poll_seconds`),
3. claims due mails from the queue (store/mail.py: a lease, so two workers never send one mail)
   and sends them over one SMTP connection, in a thread (`asyncio.to_thread`: smtplib blocks).

It then sleeps until it is woken (a comment was stored in this worker), the next retry is due,
or `mail_poll_seconds` have passed (mail queued by other workers). Whatever is queued survives a
restart: the next start sends it. On a normal stop the worker hands back the mails it claimed
but has not started sending (their lease is lifted), so a restart does not wait for the lease. A failed send is retried with backoff (store/mail.py); a mail
to an address that was unsubscribed after it was queued is dropped instead of sent.

The connection follows the settings: implicit TLS (`smtp_ssl`, port 465), else STARTTLS when
`smtp_starttls` (refusing to go on in clear text if the server does not offer it), then LOGIN
when `smtp_user` is set. Messages are `email.message.EmailMessage` (UTF-8, Message-ID, Date),
plain text, one recipient each. Log lines name counts and error classes, never addresses.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
import time
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any
from urllib.parse import urlsplit

from ...config import Settings
from .notify import Notifier

log = logging.getLogger("porch.mail")
LEASE_SECONDS = 300.0
BATCH = 20


class MailConfigError(Exception):
    """The SMTP server cannot be used as configured (e.g. STARTTLS asked for but not offered)."""


def message(settings: Settings, row: Any) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.sender_address
    msg["To"] = row.recipient
    msg["Subject"] = row.subject
    msg["Date"] = format_datetime(datetime.now(timezone.utc))
    domain = settings.sender_address.rpartition("@")[2] or urlsplit(settings.base_url).hostname or "localhost"
    msg["Message-ID"] = make_msgid("porch", domain=domain)
    for name, value in (row.headers or {}).items():
        msg[name] = value
    msg.set_content(row.body, charset="utf-8")
    return msg


def connect(settings: Settings) -> smtplib.SMTP:
    timeout = 30
    context = ssl.create_default_context()
    if settings.smtp_ssl:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
        if settings.smtp_starttls:
            smtp.ehlo()
            if not smtp.has_extn("starttls"):
                smtp.close()
                raise MailConfigError(
                    "the SMTP server does not offer STARTTLS (set smtp_starttls = false to send "
                    "without it, or smtp_ssl = true for port 465)"
                )
            smtp.starttls(context=context)
    if settings.smtp_user:
        smtp.login(settings.smtp_user, settings.smtp_password)
    return smtp


def _error(exc: BaseException) -> str:
    """What goes into last_error and the log: the class and SMTP code, not the server's text."""
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [v[0] for v in exc.recipients.values()]
        code = codes[0] if codes else None
    return type(exc).__name__ + (f" {code}" if code else "")


def send_due(settings: Settings, note: Notifier) -> dict[str, int]:
    """Claim and send due mail until none is left; counts of sent, failed, dropped."""
    mail = note.mail
    done = {"sent": 0, "failed": 0, "dropped": 0}
    while True:
        if note.stopping:
            return done
        rows = mail.claim(LEASE_SECONDS, BATCH)
        if not rows:
            return done
        if not note.hold([row.id for row in rows]):
            return done
        todo = []
        for row in rows:
            if _unsubscribed(note, row) and note.take(row.id):
                mail.sent(row.id, "dropped: unsubscribed")
                done["dropped"] += 1
            else:
                todo.append(row)
        if not todo:
            continue
        try:
            smtp = connect(settings)
        except Exception as exc:  # noqa: BLE001 - unreachable, refused, TLS, login
            error = _error(exc)
            for row in todo:
                if note.take(row.id):
                    mail.failed(row.id, error)
            done["failed"] += len(todo)
            log.warning(
                "mail: cannot reach the SMTP server (%s); %d mail(s) will be retried", error, len(todo)
            )
            if isinstance(exc, MailConfigError):
                log.warning("mail: %s", exc)
            return done
        try:
            for row in todo:
                if not note.take(row.id):  # stopping: the row was handed back to the queue
                    return done
                try:
                    smtp.send_message(
                        message(settings, row), from_addr=settings.sender_address, to_addrs=[row.recipient]
                    )
                except (smtplib.SMTPServerDisconnected, OSError) as exc:
                    mail.failed(row.id, _error(exc))
                    done["failed"] += 1
                    log.warning("mail: connection lost (%s)", _error(exc))
                    for rest in todo[todo.index(row) + 1 :]:
                        if note.take(rest.id):
                            mail.failed(rest.id, _error(exc))
                            done["failed"] += 1
                    return done
                except Exception as exc:  # noqa: BLE001 - this recipient or message only
                    kept = mail.failed(row.id, _error(exc))
                    done["failed"] += 1
                    log.warning(
                        "mail: a %s mail was refused (%s)%s",
                        row.kind,
                        _error(exc),
                        "" if kept else "; given up",
                    )
                else:
                    mail.sent(row.id)
                    done["sent"] += 1
        finally:
            try:
                smtp.quit()
            except Exception:  # noqa: BLE001
                smtp.close()


def _unsubscribed(note: Notifier, row: Any) -> bool:
    if row.site_id is None:
        return False
    try:
        site = note.site(row.site_id)
    except Exception:  # noqa: BLE001 - the site is gone: its mail goes nowhere
        return True
    return note.mail.status(site.id, note.hash(site, row.recipient)) == "unsubscribed"


async def sender(settings: Settings, note: Notifier) -> None:
    """The background task (the app's lifespan starts it when smtp_host is set)."""
    event = asyncio.Event()
    note.attach(asyncio.get_running_loop(), event)
    poll = max(settings.mail_poll_seconds, 0.05)
    last_digest = 0.0
    while True:
        wait = poll
        event.clear()
        try:
            await asyncio.to_thread(note.process)
            if time.monotonic() - last_digest >= poll:
                last_digest = time.monotonic()
                await asyncio.to_thread(note.digests)
            done = await asyncio.to_thread(send_due, settings, note)
            if done["sent"] or done["failed"] or done["dropped"]:
                log.info("mail: %s", ", ".join(f"{k} {v}" for k, v in done.items() if v))
            due = await asyncio.to_thread(note.mail.next_due)
            if due is not None:
                wait = min(poll, max((due - datetime.now(timezone.utc)).total_seconds(), 0.05))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the database went away for a moment
            log.warning("mail round failed: %s", type(exc).__name__)
        try:
            await asyncio.wait_for(event.wait(), timeout=wait)
        except TimeoutError:
            pass
