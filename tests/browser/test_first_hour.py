"""A new site owner's first hour, in Debian's Chromium against real porch servers (issue 12).

* Every page porch serves — the front page, the demo article with the widget, the processing page,
  the API docs, every dashboard page and the pages of the links in porch's mails — loads with the
  browser's network limited to porch itself: a request anywhere else is aborted and recorded, and
  the test fails on it, as on any failed request or console error (a 404 favicon included).
* The settings form saves as it was shipped (the digest interval was "24.0", which it refused),
  and its "Show avatars" switch really switches the widget's avatars.
* The dashboard at a phone's width (375 px): no horizontal overflow, a header whose parts do not
  overlap, the report card's six tiles in even rows (also at desktop width: not 5 + 1).
* The empty queue needs no emoji font; search marks its matches; undoing a bulk action says how
  many comments it put back; periods on the settings page say "1 day", not "1 days".
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import unicodedata
import uuid

import httpx
import pytest
from playwright.sync_api import expect
from test_dashboard import COMMENTS, PASSWORD, held_site, log_in, post

from browser_helpers import free_port, start_server, store_for
from support.servers import SECRET

PHONE = {"width": 375, "height": 800}


@pytest.fixture(scope="module")
def owner_server(tmp_path_factory):
    """A server whose operator set short periods: 1 day for blatant spam, half a day of raw log."""
    tmp = tmp_path_factory.mktemp("firsthour")
    server = start_server(
        f"sqlite:///{tmp / 'firsthour.db'}",
        tmp / "data",
        env={"PORCH_DISCARD_RETENTION_DAYS": "1", "PORCH_RAW_RETENTION_DAYS": "0.5"},
    )
    store = store_for(server.database_url)
    yield server, store
    store.engine.dispose()
    server.stop()


@pytest.fixture
def owned(owner_server, pages):
    """(server, store, site, the owner's e-mail): a new site whose article server is `pages`."""
    server, store = owner_server
    site, _key = store.sites.add(pages.url, "first hour " + uuid.uuid4().hex[:6], "own")
    return server, store, site, held_site(store, site)


def logged_in(browser, server, email, **context):
    ctx = browser.new_context(**context)
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    log_in(page, server, email)
    return ctx, page


# -- settings: saved as shipped, and "Show avatars" switches the widget's avatars ------------------
def test_settings_save_as_shipped_and_show_avatars_switches_the_widget(browser, owned, pages):
    server, store, site, email = owned
    url = pages.article(server.url, site.public_id)
    uri = url.removeprefix(pages.url)
    store.sites.save_settings(site.id, {**store.sites.get(site.id).settings, "comments": {}})  # no holding
    post(server, site, uri, "Ann", "ann@example.org", COMMENTS[0][2])
    ctx, page = logged_in(browser, server, email)
    reader = browser.new_context()
    try:
        page.goto(f"{server.url}/admin/{site.public_id}/settings")
        expect(page.get_by_label("Digest every (hours)")).to_have_value("24")
        page.get_by_label("Show avatars").check()
        page.get_by_role("button", name="Save settings").click()
        expect(page.locator("p.banner")).to_contain_text("Saved.")
        expect(page.locator("#settings-error")).to_have_count(0)
        assert store.sites.get(site.id).settings["comments"]["avatars"] is True

        article = reader.new_page()
        article.goto(url)
        expect(article.locator(".porch-comment")).to_have_count(1)
        expect(article.locator("img.porch-avatar")).to_have_count(1)

        page.get_by_label("Show avatars").uncheck()
        page.get_by_role("button", name="Save settings").click()
        expect(page.locator("p.banner")).to_contain_text("Saved.")
        time.sleep(1.1)  # the widget's site settings are cached for a second (discussion.py)
        article.reload()
        expect(article.locator(".porch-comment")).to_have_count(1)
        expect(article.locator(".porch-avatar")).to_have_count(0)

        # a half-hour digest is a period like any other, and is kept as typed
        page.get_by_label("Digest every (hours)").fill("1.5")
        page.get_by_role("button", name="Save settings").click()
        expect(page.get_by_label("Digest every (hours)")).to_have_value("1.5")
        assert store.sites.get(site.id).settings["comments"]["digest_hours"] == 1.5
    finally:
        reader.close()
        ctx.close()


def test_periods_on_the_settings_page_are_said_as_people_say_them(browser, owned):
    server, _store, site, email = owned
    ctx, page = logged_in(browser, server, email)
    try:
        page.goto(f"{server.url}/admin/{site.public_id}/settings")
        kept = page.locator("section.readonly").inner_text()
        assert "Blatant spam is deleted after\n1 day" in kept, kept
        assert "keeps the full submission for\n12 hours" in kept, kept
        assert not re.search(r"\b1 (days|hours|minutes)\b", page.locator("main").inner_text())
    finally:
        ctx.close()


# -- the queue --------------------------------------------------------------------------------------
def test_the_empty_queue_needs_no_emoji_font(browser, owned):
    server, _store, site, email = owned
    ctx, page = logged_in(browser, server, email)
    try:
        page.goto(f"{server.url}/admin/{site.public_id}/")
        empty = page.locator("p.empty")
        expect(empty).to_contain_text("Nothing is waiting for you")
        expect(empty.locator("svg")).to_be_visible()
        pictographs = [
            ch for ch in empty.inner_text() if ord(ch) > 0x2100 and unicodedata.category(ch) == "So"
        ]
        assert pictographs == []  # a 🎉 is a box on a system without an emoji font
    finally:
        ctx.close()


def test_search_marks_what_it_found(browser, owned):
    server, store, site, email = owned
    for c in COMMENTS:
        post(server, site, "/search", *c)
    ctx, page = logged_in(browser, server, email)
    try:
        page.goto(f"{server.url}/admin/{site.public_id}/search?q=THANKS+for&field=text")
        expect(page.locator(".comments .comment")).to_have_count(2)
        marks = page.locator(".comments .body mark")
        expect(marks).to_have_count(2)
        assert {m.lower() for m in marks.all_inner_texts()} == {"thanks for"}
        expect(page.locator(".comments .meta mark")).to_have_count(0)  # only the field searched in
        page.goto(f"{server.url}/admin/{site.public_id}/search?q=ben&field=author")
        expect(page.locator(".meta .who mark")).to_have_text("Ben")
        expect(page.locator(".body mark")).to_have_count(0)
    finally:
        ctx.close()


def test_undoing_a_bulk_action_says_how_many_came_back(browser, owned):
    server, store, site, email = owned
    ids = [post(server, site, "/bulk", *c)["id"] for c in COMMENTS]
    ctx, page = logged_in(browser, server, email)
    try:
        page.goto(f"{server.url}/admin/{site.public_id}/")
        page.get_by_label("Select all comments on this page").check()
        page.get_by_role("button", name="Spam selected").click()
        expect(page.locator("#banner-message")).to_contain_text("Marked as spam: 3 comments.")
        page.get_by_role("button", name="Undo").click()
        expect(page.locator("#banner-message")).to_have_text(
            "Undone: 3 comments are back where they were, and the lessons were taken back."
        )
        assert {store.comments.get(i).status for i in ids} == {"pending"}
    finally:
        ctx.close()


# -- a phone's width ------------------------------------------------------------------------------
OVERLAPS = """(selectors) => {
  // The painted extent of each element's text (a Range, not the box: text can overflow its box).
  const rects = [];
  for (const sel of selectors) for (const el of document.querySelectorAll(sel)) {
    const range = document.createRange(); range.selectNodeContents(el);
    const r = range.getBoundingClientRect();
    if (r.width && r.height) rects.push({sel, text: el.textContent.trim().slice(0, 30), r});
  }
  const hits = [];
  for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) {
    const a = rects[i].r, b = rects[j].r;
    if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
      hits.push(rects[i].text + " / " + rects[j].text);
  }
  return hits;
}"""
HEADER = [
    ".top .brand",
    ".top .who",
    ".top button",
    ".sitenav .sitename a",
    ".sitenav .role",
    ".sitenav li a",
]


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def tile_rows(page) -> list[int]:
    tops = page.locator(".figures .figure").evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    return [tops.count(top) for top in sorted(set(tops))]


def test_the_dashboard_fits_a_phone(browser, owned):
    server, store, site, email = owned
    long = f"a-rather-long-address-{uuid.uuid4().hex[:6]}@moderators.example.org"
    store.accounts.grant(store.accounts.create(long, PASSWORD).id, site.id, "owner")
    for c in COMMENTS:
        post(server, site, "/phone", *c)
    ctx, page = logged_in(browser, server, long, viewport=PHONE)
    try:
        for path in (
            "/admin/",
            "/",
            "?status=approved",
            "search?q=garden",
            "report",
            "settings",
            "keys",
            "moderators",
        ):
            url = path if path.startswith("/") else f"/admin/{site.public_id}/{path}"
            page.goto(server.url + url)
            expect(page.locator("main")).to_be_visible()
            assert overflow(page) <= 0, f"{url} is wider than the phone"
            assert page.evaluate(OVERLAPS, HEADER) == [], url
        page.goto(f"{server.url}/admin/{site.public_id}/report")
        assert tile_rows(page) == [2, 2, 2]
    finally:
        ctx.close()
    ctx, page = logged_in(browser, server, email, viewport={"width": 1100, "height": 900})
    try:
        page.goto(f"{server.url}/admin/{site.public_id}/report")
        assert tile_rows(page) == [6]
    finally:
        ctx.close()


# -- every page, with the network limited to porch -------------------------------------------------
def run_demo(data_dir, port):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORCH_")}
    env["PORCH_SECRET_KEY"] = SECRET  # so the test can sign mail links as the server does
    proc = subprocess.Popen(
        [sys.executable, "-m", "porch.cli", "demo", "--port", str(port), "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=str(data_dir.parent),
    )
    lines = []
    while not lines or "log in as" not in lines[-1]:
        line = proc.stdout.readline().decode()
        assert line, "porch demo printed no login:\n" + "".join(lines)
        lines.append(line)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    login, password = re.search(r"log in as (\S+) with password (\S+)", lines[-1]).groups()
    return proc, login, password


def test_every_page_porch_serves_asks_nothing_of_anyone_else(browser, tmp_path):
    from porch.server.demo import DEMO_MODERATOR
    from porch.server.mail.links import Links

    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    proc, login, password = run_demo(tmp_path / "data", port)
    store = store_for(f"sqlite:///{(tmp_path / 'data' / 'porch.db').resolve()}")
    try:
        site = store.sites.find(origin)
        spam = httpx.post(
            origin + "/api/v1/comments",
            timeout=60,  # a busy machine: generous timeouts throughout
            json={
                "site": site.public_id,
                "uri": "/demo/",
                "author": "akismet-guaranteed-spam",
                "text": "Buy now",
            },
        ).json()["id"]
        subscriber = uuid.uuid4().hex
        store.mail.request(site.id, subscriber, "reader@example.org")
        links = Links(SECRET.encode(), origin)
        moderator = store.accounts.by_email(DEMO_MODERATOR).id
        admin = f"/admin/{site.public_id}"
        pages = {  # path: what shows the page is there (its scripts ran, its styles and images loaded)
            "/": "a[href='/admin/']",
            "/demo/": ".porch-comment",
            f"/privacy/{site.public_id}": "#contact",
            f"/privacy/{site.public_id}?lang=pt": "#contact",
            "/api/docs": ".opblock",
            "/admin/login": "#password",
            "/admin/": "table.grid",
            f"{admin}/": "p.empty svg",
            f"{admin}/?status=spam": ".comments .comment",
            f"{admin}/?status=approved": ".comments .comment",
            f"{admin}/?status=deleted": "p.empty",
            f"{admin}/search?q=porch": ".comments mark",
            f"{admin}/history?comment={spam}&by=ip": ".comments .comment",
            f"{admin}/report": "svg.porch-chart",
            f"{admin}/settings": "#digest_hours",
            f"{admin}/keys": "#keys",
            f"{admin}/moderators": "#members",
            "/mail/confirm/" + links.token("c", site.id, subscriber, 1): "form button",
            "/mail/unsubscribe/" + links.token("u", site.id, subscriber, None): "form button",
            "/mail/moderate/" + links.token("m", site.id, f"{spam}-approve-{moderator}", 1): "blockquote",
        }
        refused = {"/admin/no-such-site/": 404, "/mail/confirm/not-a-token": 400}
        ctx = browser.new_context()
        outside, failed, errors = [], [], []

        def only_porch(route):
            if route.request.url.startswith(origin + "/"):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        ctx.route("**/*", only_porch)
        page = ctx.new_page()
        page.set_default_timeout(20_000)
        page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
        page.on(
            "response",
            lambda r: (
                failed.append(f"{r.status} {r.url}")
                if r.status >= 400 and r.request.resource_type != "document"
                else None
            ),
        )
        page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
        seen = 0
        for path, shown in pages.items():
            if path == "/admin/login":
                page.goto(origin + path)
                page.get_by_label("E-mail address").fill(login)
                page.get_by_label("Password").fill(password)
                page.get_by_role("button", name="Log in").click()
                expect(page.get_by_role("heading", name="Your sites")).to_be_visible()
                continue
            answer = page.goto(origin + path)
            assert answer.status == 200, path
            expect(page.locator(shown).first).to_be_visible(timeout=30_000)  # Swagger UI is 1.5 MB of script
            page.wait_for_load_state("networkidle")
            seen += 1
        for path, status in refused.items():
            assert page.goto(origin + path).status == status
            page.wait_for_load_state("networkidle")
        ctx.close()
        assert seen == len(pages) - 1
        assert outside == []
        assert failed == []
        assert [e for e in errors if "status of 404" not in e and "status of 400" not in e] == []
        icon = httpx.get(origin + "/favicon.ico", timeout=30)
        assert icon.status_code == 200 and icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    finally:
        store.engine.dispose()
        proc.terminate()
        proc.wait(timeout=20)


def test_the_front_page_leads_to_the_demo_the_dashboard_and_the_docs(page, porch):
    page.goto(porch.url + "/")
    expect(page.get_by_role("link", name="The moderation dashboard")).to_have_attribute("href", "/admin/")
    expect(page.get_by_role("link", name="The API documentation")).to_have_attribute("href", "/api/docs")
    expect(page.get_by_role("link", name="The demo article")).to_have_count(0)  # not a `porch demo`
    page.get_by_role("link", name="The API documentation").click()
    expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)  # 1.5 MB of Swagger UI
