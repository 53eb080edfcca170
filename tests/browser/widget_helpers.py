"""Helpers for the widget's browser tests: the labelled form, a seeded thread, a styled article page.

A module of its own (not conftest, not a test module) so that test_widget.py, test_widget_readers.py
and test_widget_look.py share them without importing each other. Everything goes through the real
server: comments are posted through the comment API, moderator replies through the dashboard's
route with a real session, likes through the like route; only the comments' ages are set in the
database afterwards, because "3 hours ago" cannot be waited for.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta, timezone

import httpx
from playwright.sync_api import expect

READING_TIME = 9.0  # seconds: the engine weighs a post within 8 s of page load as "posted too fast"
HAM = "Thanks for writing this up, the part about the garden path was really useful to me."

# An article page that follows the reader's colour scheme, as a real blog theme does (the widget
# follows the page, so this is the page to show it in light and dark).
STYLED = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Porches, and why we sit on them</title>
<style>
  body {{ font: 1.05rem/1.6 Georgia, serif; max-width: 44rem; margin: 0 auto; padding: 1rem; color: #222; background: #fdfcf9; }}
  @media (prefers-color-scheme: dark) {{ body {{ color: #e6e6e6; background: #17181b; }} a {{ color: #8ab4f8; }} }}
</style></head>
<body><main><article><h1>Porches, and why we sit on them</h1>
<p>A porch is the part of a house that belongs a little to the street.</p></article>
<section id="comments"><div id="porch-thread"></div></section></main>
<script src="{porch}/js/embed.js" data-porch-site="{site}" data-porch-uri="{uri}" async></script></body></html>
"""


def box(page, label):
    """A form field found by its label, as assistive technology names it."""
    return page.get_by_role("textbox", name=label, exact=True)


def open_article(page, porch, pages, site, **kw):
    url = pages.article(porch.url, site.public_id, **kw)
    page.goto(url)
    expect(page.get_by_role("button", name="Post Comment")).to_be_visible()
    page.porch_loaded = time.monotonic()
    return url


def styled_article(pages, porch, site, lang: str = "en", uri: str | None = None) -> str:
    """A page in the STYLED template on the article server; its URL. With `uri`, the page shows
    that page's thread (as `data-porch-uri` does for one article under several URLs)."""
    name = f"{uuid.uuid4().hex[:10]}.html"
    text = STYLED.format(porch=porch.url, site=site.public_id, lang=lang, uri=uri or "/" + name)
    (pages.root / name).write_text(text)
    return f"{pages.url}/{name}"


def read_like_a_person(page):
    """Wait until a reader could have read the article: the form's signed timestamp is real, and the
    engine counts a post within seconds of page load against the comment (a signal, not a wall)."""
    left = READING_TIME - (time.monotonic() - page.porch_loaded)
    if left > 0:
        page.wait_for_timeout(left * 1000)


def post(page, text, name="Ann", email="ann@example.org", website=""):
    box(page, "Name").fill(name)
    box(page, "Email").fill(email)
    box(page, "Website").fill(website)
    box(page, "Comment").fill(text)
    page.get_by_role("button", name="Post Comment").click()


def seed(porch, site, uri, text=HAM, author="Finn", email=None, parent=None, key=None) -> dict:
    """A published comment posted through the API (as another reader did earlier). With the
    site's API `key`, a comment the engine held is approved, as a moderator would."""
    r = httpx.post(
        porch.url + "/api/v1/comments",
        json={
            "site": site.public_id,
            "uri": uri,
            "author": author,
            "email": email,
            "text": text,
            "parent": parent,
        },
    )
    if key and r.status_code == 201 and r.json()["status"] != "approved":
        made = r.json()
        ok = httpx.post(
            f"{porch.url}/api/v1/comments/{made['id']}/approve", headers={"Authorization": f"Bearer {key}"}
        )
        assert ok.status_code == 200, ok.text
        return {**made, "status": "approved"}
    assert r.status_code == 201 and r.json()["status"] == "approved", r.text
    return r.json()


def settings(porch_store, site, **comments) -> None:
    """Change the site's comment settings in its database (the dashboard's settings form does the
    same); the server sees the change within its one-second site cache."""
    current = porch_store.sites.get(site.id).settings
    porch_store.sites.save_settings(
        site.id, {**current, "comments": {**(current.get("comments") or {}), **comments}}
    )
    time.sleep(1.1)


def moderator_reply(porch, porch_store, site, parent: int, text: str) -> int:
    """A reply from the dashboard (posted as the site), by a real moderator session; its id."""
    from porch.server.routes.sessions import SESSION_COOKIE

    accounts = porch_store.accounts
    account = accounts.create(f"mod-{uuid.uuid4().hex[:10]}@example.org", "correct horse battery staple")
    accounts.grant(account.id, site.id, "moderator")
    token = accounts.new_session(account.id)
    with httpx.Client(base_url=porch.url, cookies={SESSION_COOKIE: token}) as client:
        r = client.post(
            f"/admin/{site.public_id}/comments/{parent}/reply",
            data={"text": text},
            headers={"X-CSRF-Token": accounts.session_secret(token)[:40], "Accept": "application/json"},
        )
    assert r.status_code == 200, r.text
    return r.json()["reply"]["id"]


def like(porch, comment_id: int, times: int) -> None:
    """`times` likes from as many visitors (a visitor is an IP and a user agent)."""
    for i in range(times):
        r = httpx.post(
            f"{porch.url}/api/v1/comments/{comment_id}/like", headers={"User-Agent": f"reader-{i}"}
        )
        assert r.status_code == 200, r.text


def age(porch_store, ages: dict[int, timedelta]) -> None:
    """Make comments older (created_at = now - age): relative dates need comments from the past."""
    from sqlalchemy import select, update

    from porch.store import schema as t

    now = datetime.now(timezone.utc)
    with porch_store.engine.begin() as conn:
        for comment_id, delta in ages.items():
            conn.execute(
                update(t.comments).where(t.comments.c.id == comment_id).values(created_at=now - delta)
            )
        threads = select(t.comments.c.thread_id).where(t.comments.c.id.in_(list(ages)))
        conn.execute(
            update(t.threads).where(t.threads.c.id.in_(threads)).values(version=t.threads.c.version + 1)
        )


def seed_thread(porch, porch_store, site, uri) -> dict[str, int]:
    """A thread as readers find it a few days in: likes, a quote, code, a moderator's reply and a
    chain of replies five deep. Returns the comments' ids by name."""
    h = timedelta(hours=1)
    ids: dict[str, int] = {}
    ids["ann"] = seed(
        porch,
        site,
        uri,
        "Thanks for writing this up. The part about the **garden path** was really useful: "
        "we moved ours last spring and the porch finally feels like part of the house.",
        "Ann Example",
        "ann@example.org",
    )["id"]
    ids["ben"] = seed(
        porch,
        site,
        uri,
        "> we moved ours last spring\n\nHow did you deal with the roots? We have an old `oak` right next to it.",
        "Ben",
        "ben@example.org",
        ids["ann"],
    )["id"]
    ids["site"] = moderator_reply(
        porch,
        porch_store,
        site,
        ids["ben"],
        "Good question, Ben! We dug a root barrier first; the next article has the details.",
    )
    ids["ann2"] = seed(
        porch, site, uri, "Same here: a barrier, then gravel.", "Ann Example", "ann@example.org", ids["site"]
    )["id"]
    ids["ben2"] = seed(
        porch,
        site,
        uri,
        "Thanks both, that settles it. Ordering the barrier today and I will report back.",
        "Ben",
        "ben@example.org",
        ids["ann2"],
    )["id"]
    ids["deep"] = seed(
        porch,
        site,
        uri,
        "For anyone who finds this later: our barrier went 60 cm deep and the oak is fine three years on.",
        "Cat",
        "cat@example.org",
        ids["ben2"],
    )["id"]
    ids["cat"] = seed(
        porch,
        site,
        uri,
        "If you keep notes like I do, a tiny script helps:\n\n```\nfor bed in beds:\n    water(bed, litres=2)\n```",
        "Cat",
        "cat@example.org",
    )["id"]
    ids["dan"] = seed(porch, site, uri, "Lovely article. Bookmarked for the weekend.", "Dan")["id"]
    like(porch, ids["ann"], 4)
    like(porch, ids["ben"], 1)
    age(
        porch_store,
        {
            ids["ann"]: 50 * h,
            ids["ben"]: 26 * h,
            ids["site"]: 20 * h,
            ids["ann2"]: 6 * h,
            ids["ben2"]: 5 * h,
            ids["deep"]: 4 * h,
            ids["cat"]: 3 * h,
            ids["dan"]: timedelta(minutes=25),
        },
    )
    return ids
