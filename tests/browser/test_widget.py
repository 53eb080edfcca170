"""The reader's side in a real browser: the widget on an article served from another origin.

Each test creates its own site (origin: the article server) and its own article page, loads it in
Chromium and works the form through its labels, as a reader with a mouse or a screen reader would.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from playwright.sync_api import expect

from browser_helpers import axe_path
from widget_helpers import HAM, box, open_article, post, read_like_a_person, seed

VECTORS = [
    line.replace("\\n", "\n").replace("\\t", "\t").replace("\\u0000", "\x00")
    for line in (Path(__file__).resolve().parents[1] / "data" / "xss-vectors.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]


def test_post_reply_like_edit_delete_and_reload(page, porch, pages, site):
    """The whole life of a comment through the labelled form, and the state survives a reload."""
    site, _key = site
    url = open_article(page, porch, pages, site)
    read_like_a_person(page)
    post(page, HAM, name="Ann", website="https://ann.example.org")
    mine = page.locator(".porch-list > .porch-comment").filter(has_text="garden path")
    expect(mine).to_be_visible()
    expect(mine.get_by_role("link", name="Ann")).to_have_attribute("href", "https://ann.example.org")
    expect(page.locator("#porch-count")).to_have_text("1 comment")

    mine.get_by_role("button", name="Reply").click()
    expect(mine.locator("form")).to_be_visible()  # the form moved under the comment
    expect(box(page, "Comment")).to_be_focused()
    box(page, "Name").fill("Ben")
    box(page, "Comment").fill("Agreed, the garden path section made me rethink our front door.")
    page.get_by_role("button", name="Post Comment").click()
    reply = mine.locator(".porch-replies > .porch-comment").filter(has_text="front door")
    expect(reply).to_be_visible()

    mine.locator(":scope > article").get_by_role("button", name="Like").click()
    expect(mine.locator(":scope > article .porch-like")).to_have_attribute("aria-pressed", "true")

    page.reload()
    mine = page.locator(".porch-list > .porch-comment").filter(has_text="garden path")
    expect(mine.locator(":scope > article .porch-like")).to_contain_text("1")
    expect(mine.locator(".porch-replies").filter(has_text="front door")).to_be_visible()
    expect(page.locator("#porch-count")).to_have_text("2 comments")

    reply = mine.locator(".porch-replies > .porch-comment").filter(has_text="front door")
    reply.get_by_role("button", name="Edit").click()
    page.locator(".porch-editing textarea").fill("Agreed, and the *front door* part too.")
    page.get_by_role("button", name="Save").click()
    expect(reply.locator(".porch-body em")).to_have_text("front door")

    page.on("dialog", lambda dialog: dialog.accept())
    reply.get_by_role("button", name="Delete").click()
    expect(page.locator(".porch-comment").filter(has_text="front door")).to_have_count(0)
    page.goto(url)
    expect(page.locator(".porch-comment").filter(has_text="garden path")).to_be_visible()
    expect(page.locator(".porch-comment").filter(has_text="front door")).to_have_count(0)


def test_spam_is_shown_only_to_its_author(browser, page, porch, pages, site):
    site, _key = site
    url = open_article(page, porch, pages, site)
    post(page, HAM, name="akismet-guaranteed-spam")
    own = page.locator(".porch-comment").filter(has_text="garden path")
    expect(own.locator(".porch-pending")).to_have_text("Your comment is awaiting moderation.")
    page.reload()  # the author still sees it, by the edit token kept in localStorage
    expect(
        page.locator(".porch-comment").filter(has_text="garden path").locator(".porch-pending")
    ).to_be_visible()

    other = browser.new_context()
    try:
        visitor = other.new_page()
        visitor.goto(url)
        expect(visitor.locator("#porch-count")).to_have_text("0 comments")
        expect(visitor.locator(".porch-comment")).to_have_count(0)
    finally:
        other.close()


def test_xss_vectors_posted_through_the_form_render_inert(browser, page, porch, pages, site):
    site, _key = site
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    url = open_article(page, porch, pages, site)
    read_like_a_person(page)
    for vector in VECTORS:
        box(page, "Name").fill(vector[:200])
        box(page, "Comment").fill(vector)
        page.get_by_role("button", name="Post Comment").click()
        expect(box(page, "Comment")).to_have_value("", timeout=15_000)
    count = page.locator(".porch-list > .porch-comment").count()
    assert count == len(VECTORS)
    assert (
        page.locator(".porch-body script, .porch-body iframe, .porch-body img, .porch-body svg").count() == 0
    )
    assert dialogs == []

    other = browser.new_context()  # and a visitor reading the thread from the server
    try:
        visitor = other.new_page()
        visitor.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        visitor.goto(url)
        expect(visitor.locator(".porch-list > .porch-comment").first).to_be_visible()
        visitor.wait_for_timeout(500)  # let any injected handler (onload, onerror, autofocus) fire
        assert visitor.locator(".porch-body script, .porch-body iframe").count() == 0
    finally:
        other.close()
    assert dialogs == []


def test_typed_text_survives_a_server_that_is_down(browser, page, pages, tmp_path):
    from browser_helpers import start_server, store_for

    server = start_server(f"sqlite:///{tmp_path / 'down.db'}", tmp_path / "down")
    try:
        store = store_for(server.database_url)
        site, _ = store.sites.add(pages.url, "down")
        store.engine.dispose()
        open_article(page, server, pages, site)
    finally:
        server.stop()
    post(page, "This text must not be lost when the server is gone.", name="Cat")
    expect(page.locator("#porch-error")).to_contain_text("cannot be reached")
    expect(box(page, "Comment")).to_have_value("This text must not be lost when the server is gone.")
    expect(box(page, "Name")).to_have_value("Cat")


def test_honeypot_filled_by_a_script_is_caught(browser, page, porch, pages, site):
    site, key = site
    url = open_article(page, porch, pages, site)
    hp = page.locator("#porch-hp")
    assert hp.get_attribute("tabindex") == "-1" and hp.get_attribute("autocomplete") == "off"
    assert page.locator(".porch-hp").get_attribute("aria-hidden") == "true"
    assert not hp.is_visible() or hp.bounding_box()["x"] < -1000
    read_like_a_person(page)  # so that the honeypot alone is what catches it
    page.evaluate("document.getElementById('porch-hp').value = 'http://cheap-pills.example'")
    post(page, HAM, name="Dora")
    expect(page.locator(".porch-comment .porch-pending")).to_be_visible()
    queue = httpx.get(
        porch.url + "/api/v1/moderation?status=spam", headers={"Authorization": f"Bearer {key}"}
    ).json()
    assert [c["author"] for c in queue["comments"]] == ["Dora"]

    other = browser.new_context()
    try:
        visitor = other.new_page()
        visitor.goto(url)
        expect(visitor.locator("#porch-count")).to_have_text("0 comments")
    finally:
        other.close()


def test_no_serious_accessibility_violations(page, porch, pages, site):
    site, _key = site
    open_article(page, porch, pages, site)
    post(page, HAM, name="Eve")
    expect(page.locator(".porch-comment")).to_have_count(1)
    page.add_script_tag(path=str(axe_path()))
    result = page.evaluate("axe.run(document.getElementById('porch-thread'))")
    bad = [
        (v["id"], v["impact"], v["help"])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []


def test_privacy_page_lists_the_configured_retention(page, porch, pages, site, porch_store):

    site, _key = site
    porch_store.sites.save_settings(site.id, {**site.settings, "contact": "privacy@example.org"})
    open_article(page, porch, pages, site)
    link = page.get_by_role("link", name="Learn how your comment data is processed.")
    expect(page.locator(".porch-privacy")).to_contain_text("This site uses porch to reduce spam.")
    link.click()
    expect(page).to_have_url(re.compile(f"/privacy/{site.public_id}$"))
    text = page.locator("main").inner_text()
    assert "12 days" in text  # comment_ip_retention_days
    assert "3 days" in text  # discard_retention_days
    assert "for 9 days" in text and "for 4 days" in text  # check log: raw, and the IP in it
    assert "15 minutes" in text  # the edit window
    assert "30 days" in text  # the edit-token cookie
    expect(page.get_by_role("link", name="privacy@example.org")).to_have_attribute(
        "href", "mailto:privacy@example.org"
    )
    page.goto(page.url + "?lang=de")
    expect(page.locator("h1")).to_contain_text("Wie Ihre Kommentardaten")
    assert "12 Tage" in page.locator("main").inner_text()


def test_german_widget_and_count_links(page, porch, pages, site):
    """<html lang="de"> picks the German texts; the count link is filled in (one /counts call)."""
    site, _key = site
    url = pages.article(porch.url, site.public_id, lang="de")
    seed(porch, site, url.removeprefix(pages.url))
    calls = []
    page.on("request", lambda r: calls.append(r.url) if "/api/v1/counts" in r.url else None)
    page.goto(url)
    expect(page.get_by_role("button", name="Kommentar abschicken")).to_be_visible()
    for label in ("Name", "E-Mail", "Website", "Kommentar"):
        expect(box(page, label)).to_be_visible()
    expect(page.locator("a[data-porch-count]")).to_have_text("1 Kommentar")
    expect(page.locator("#porch-count")).to_have_text("1 Kommentar")
    assert len(calls) == 1
