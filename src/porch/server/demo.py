"""What `porch demo` sets up: a demo site whose allowed origin is the server's own, a demo article
(web/demo.html, served at /demo/ by routes/widget.py) with a seeded thread, and a demo moderator.

It is idempotent: a second run finds the site and its thread and adds nothing, and gives the demo
moderator a fresh password.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone
from typing import Any

from ..store import Site, SiteNotFound, Store
from .domain.render import render
from .domain.sitesettings import CommentSettings, change_settings, validate_settings

DEMO_URI = "/demo/"
DEMO_MODERATOR = "moderator@demo.porch.invalid"
DEMO_TITLE = "Porches, and why we sit on them"
DEMO_THREAD: list[tuple[str, str | None, str, list[Any]]] = [  # (author, website, text, replies)
    (
        "Maren",
        "https://maren.example.org",
        "Lovely piece. Our porch faces west, so it is the **best** place for the last hour of sun.",
        [
            ("Tom", None, "Same here! We put a small table out there every spring.", []),
            ("Maren", None, "@Tom a table is a good idea — the railing is not a great shelf.", []),
        ],
    ),
    (
        "Ravi",
        None,
        "I never thought of a comment section as a porch, but it fits. The good ones feel like a street where people know each other.",
        [
            ("Ines", "https://ines.example.org", "And the bad ones like a street where nobody sweeps.", []),
        ],
    ),
    (
        "Jo",
        None,
        "Is there a word for a porch that wraps around two sides of a house? Asking for a friend with *opinions*.",
        [],
    ),
]


def demo_site(store: Store, url: str) -> Site:
    """The demo site for URL, created on the first run (its origin allowed, a contact set, avatars on)."""
    changes: dict[str, Any] = {"allowed_origins": [url]}
    try:
        site = store.sites.find(url)
    except SiteNotFound:
        site, _key = store.sites.add(url, "porch demo", "own")
        changes["avatars"] = True  # a new demo shows the generated avatars; the dashboard can turn them off
    conf = validate_settings(changes, CommentSettings.of(site))
    contact = site.settings.get("contact") or "the person running this demo (nobody else sees this data)"
    return change_settings(store, site, comments=conf, contact=contact)


def seed_demo(store: Store, site: Site) -> int:
    """Seed the demo article's thread once: nothing is added when it already has comments."""
    comments = store.comments
    if comments.thread_id(site.id, DEMO_URI) is not None:
        return 0
    moment = datetime.now(timezone.utc) - timedelta(days=2)
    added = 0

    def add(
        author: str,
        website: str | None,
        text: str,
        parent: int | None = None,
        root: int | None = None,
        depth: int = 0,
    ) -> int:
        nonlocal moment, added
        moment += timedelta(minutes=47)
        added += 1
        return comments.insert(
            site.id,
            DEMO_URI,
            DEMO_TITLE,
            {
                "parent_id": parent,
                "root_id": root,
                "depth": depth,
                "status": "approved",
                "created_at": moment,
                "author": author,
                "website": website,
                "text": text,
                "html": render(text),
                "verdict": "ham",
                "score": 0.0,
            },
        )

    for author, website, text, replies in DEMO_THREAD:
        top = add(author, website, text)
        for r_author, r_website, r_text, _ in replies:
            add(r_author, r_website, r_text, parent=top, root=top, depth=1)
    return added


def demo_login(store: Store, site: Site) -> tuple[str, str]:
    """The demo moderator (owner of the demo site), with a fresh password on every run."""
    accounts = store.accounts
    password = secrets.token_urlsafe(12)
    account = accounts.by_email(DEMO_MODERATOR)
    if account is None:
        account = accounts.create(DEMO_MODERATOR, password)
    else:
        accounts.set_password(account.id, password)
    accounts.grant(account.id, site.id, "owner")
    return DEMO_MODERATOR, password
