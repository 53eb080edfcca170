"""The moderator's side in a real browser: the dashboard in Debian's Chromium, against a real server.

A moderator logs in through the form, finds the held comment, reads the engine's reasons, approves
it and sees it published in the widget on the article; marks another as spam with the keyboard
(j/k, then s) and takes it back with u. The screenshots in docs/moderation.md are taken here, in
the light and the dark scheme, and axe-core checks the queue page.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
from playwright.sync_api import expect

from browser_helpers import ROOT, axe_path

IMG = ROOT / "docs" / "img"
PASSWORD = "correct horse battery staple"
COMMENTS = [
    (
        "Ann",
        "ann@example.org",
        "Thanks for writing this up, the part about the garden path was really useful to me.",
    ),
    (
        "Ben",
        "ben@example.org",
        "I planted tulips last autumn after reading this, and they came up beautifully.",
    ),
    (
        "Cat",
        "cat@example.org",
        "Thanks for writing this up, the bit about roses was really useful in my own garden.",
    ),
]


def held_site(porch_store, site):
    """The site holds every comment for moderation; an owner account for it. Returns the e-mail."""

    porch_store.sites.save_settings(site.id, {**site.settings, "comments": {"moderation": "all"}})
    accounts = porch_store.accounts
    email = f"owner-{uuid.uuid4().hex[:8]}@example.org"
    account = accounts.create(email, PASSWORD)
    accounts.grant(account.id, site.id, "owner")
    return email


def post(porch, site, uri, author, email, text) -> dict:
    r = httpx.post(
        porch.url + "/api/v1/comments",
        json={"site": site.public_id, "uri": uri, "author": author, "email": email, "text": text},
    )
    assert r.status_code == 201, r.text
    return r.json()


def log_in(page, porch, email):
    page.goto(porch.url + "/admin/")
    expect(page.get_by_role("heading", name="Log in to porch")).to_be_visible()
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your sites")).to_be_visible()


def status_of(porch_store, comment_id):

    return porch_store.comments.get(comment_id).status


def test_approve_from_the_queue_then_spam_and_undo_with_the_keyboard(
    browser, page, porch, porch_store, pages, site
):
    site, _key = site
    email = held_site(porch_store, site)
    article = pages.article(porch.url, site.public_id)
    uri = article.removeprefix(pages.url)
    ids = [post(porch, site, uri, *c)["id"] for c in COMMENTS]
    assert {status_of(porch_store, i) for i in ids} == {"pending"}

    log_in(page, porch, email)
    page.get_by_role("link", name=site.name).click()
    expect(page.get_by_role("heading", name="Held for moderation")).to_be_visible()
    ann = page.locator(f"#c{ids[0]}")
    expect(ann).to_contain_text("garden path")
    expect(ann).to_contain_text("ann@example.org")
    reasons = ann.locator("details.reasons")
    expect(reasons).to_contain_text("The engine said ham")
    expect(reasons.locator("li").first).to_be_visible()
    expect(reasons).to_contain_text("content model:")

    ann.get_by_role("button", name="Approve").click()
    expect(page.locator("#banner-message")).to_have_text(
        "Approved. The engine had not called it spam, so there was nothing to teach."
    )
    expect(page.locator("#live")).to_contain_text("Approved.")
    expect(page.locator(f"#c{ids[0]}")).to_have_count(0)
    expect(page.locator('[data-count="approved"]')).to_have_text("1")
    assert status_of(porch_store, ids[0]) == "approved"

    reader = browser.new_context()
    try:
        visitor = reader.new_page()
        visitor.goto(article)
        expect(visitor.locator(".porch-comment").filter(has_text="garden path")).to_be_visible()
        expect(visitor.locator(".porch-comment")).to_have_count(1)  # the held ones stay hidden
    finally:
        reader.close()
    page.bring_to_front()

    # newest first: Cat, Ben (Ann was last): the focus moved up to Ben. k, j, k lands on Cat; s marks it spam
    expect(page.locator(f"#c{ids[1]}")).to_be_focused()
    page.keyboard.press("k")
    expect(page.locator(f"#c{ids[2]}")).to_be_focused()
    page.keyboard.press("j")
    expect(page.locator(f"#c{ids[1]}")).to_be_focused()
    page.keyboard.press("k")
    expect(page.locator(f"#c{ids[2]}")).to_be_focused()
    page.keyboard.press("s")
    expect(page.locator(f"#c{ids[2]}")).to_have_count(0)
    expect(page.locator("#banner-message")).to_contain_text("Marked as spam.")
    expect(page.locator(f"#c{ids[1]}")).to_be_focused()  # the focus moves on to the next comment
    assert status_of(porch_store, ids[2]) == "spam"
    assert status_of(porch_store, ids[1]) == "pending"

    page.keyboard.press("u")
    expect(page.locator("#banner-message")).to_contain_text("Undone")
    expect(page.locator(f"#c{ids[2]}")).to_be_visible()
    assert status_of(porch_store, ids[2]) == "pending"

    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    page.keyboard.press("Escape")

    # bulk: select all, then approve the selection
    page.get_by_label("Select all comments on this page").check()
    expect(page.locator("#selected-count")).to_have_text("2 selected:")
    page.get_by_role("button", name="Approve selected").click()
    expect(page.locator("#banner-message")).to_contain_text("Approved: 2 comments.")
    expect(page.locator(".comments .comment")).to_have_count(0)
    assert {status_of(porch_store, i) for i in ids} == {"approved"}


def test_the_dashboard_works_without_javascript(browser, porch, porch_store, pages, site):
    site, _key = site
    email = held_site(porch_store, site)
    held = post(porch, site, "/no-js", *COMMENTS[1])
    ctx = browser.new_context(java_script_enabled=False)
    try:
        page = ctx.new_page()
        log_in(page, porch, email)
        page.goto(f"{porch.url}/admin/{site.public_id}/")
        page.locator(f"#c{held['id']}").get_by_role("button", name="Spam").click()
        expect(page.locator("#banner-message")).to_have_text("Marked as spam.")
        # one mark does not turn the engine against a comment that reads as a real one: it says so
        expect(page.locator("#banner-note")).to_contain_text("one mark moves the model a bounded step")
        assert status_of(porch_store, held["id"]) == "spam"
        page.get_by_role("button", name="Undo").click()
        expect(page.locator("#banner-message")).to_contain_text("Undone")
        assert status_of(porch_store, held["id"]) == "pending"
    finally:
        ctx.close()


def test_no_serious_accessibility_violations_on_the_queue(page, porch, porch_store, pages, site):
    site, _key = site
    email = held_site(porch_store, site)
    for c in COMMENTS[:2]:
        post(porch, site, "/a11y", *c)
    log_in(page, porch, email)
    page.goto(f"{porch.url}/admin/{site.public_id}/")
    expect(page.locator(".comments .comment")).to_have_count(2)
    axe = Path(axe_path()).read_text()
    for url in (
        f"/admin/{site.public_id}/",
        f"/admin/{site.public_id}/settings",
        f"/admin/{site.public_id}/report",
    ):
        page.goto(porch.url + url)
        page.evaluate(axe)  # through the DevTools channel: the page's CSP admits only its own scripts
        result = page.evaluate("axe.run(document)")
        bad = [
            (v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert bad == [], url


def test_screenshots_for_the_docs_light_and_dark(browser, porch, porch_store, pages, site):
    site, _key = site
    email = held_site(porch_store, site)
    article = pages.article(porch.url, site.public_id)
    uri = article.removeprefix(pages.url)
    for c in COMMENTS:
        post(porch, site, uri, *c)
    post(
        porch,
        site,
        uri,
        "akismet-guaranteed-spam",
        "deals@example.net",
        "Best prices on watches, visit https://cheap-watches.example for a discount today!",
    )
    IMG.mkdir(parents=True, exist_ok=True)
    colours = {}
    for scheme in ("light", "dark"):
        ctx = browser.new_context(color_scheme=scheme, viewport={"width": 1100, "height": 900})
        try:
            page = ctx.new_page()
            log_in(page, porch, email)
            suffix = "" if scheme == "light" else "-dark"
            page.goto(f"{porch.url}/admin/{site.public_id}/")
            expect(page.locator(".comments .comment")).to_have_count(3)
            colours[scheme] = page.locator("body").evaluate("e => getComputedStyle(e).backgroundColor")
            page.locator("#c" + page.locator(".comments .comment").first.get_attribute("data-id")).focus()
            page.screenshot(path=str(IMG / f"dashboard-queue{suffix}.png"))
            page.goto(f"{porch.url}/admin/{site.public_id}/?status=spam")
            expect(page.locator(".comments .comment")).to_have_count(1)
            page.screenshot(path=str(IMG / f"dashboard-spam{suffix}.png"))
            page.goto(f"{porch.url}/admin/{site.public_id}/report")
            expect(page.locator("svg.porch-chart")).to_be_visible()
            page.screenshot(path=str(IMG / f"dashboard-report{suffix}.png"))
            if scheme == "light":
                page.goto(f"{porch.url}/admin/{site.public_id}/settings")
                page.screenshot(path=str(IMG / "dashboard-settings.png"), full_page=True)
        finally:
            ctx.close()
    assert colours["light"] != colours["dark"]
    for name in (
        "dashboard-queue.png",
        "dashboard-queue-dark.png",
        "dashboard-report.png",
        "dashboard-settings.png",
    ):
        assert (IMG / name).stat().st_size > 5000, name
