"""The reader's side of issue 12, in a real browser: what a commenter notices between two visits.

Remembered name, e-mail and website (only when the box is ticked, only in the reader's browser,
and the processing page says so in the box's own words); one editor per comment, Save and Cancel
side by side, and an edit held for moderation says so; Markdown that looks like code and quotes;
focus that stays in the thread after a delete; "3 hours ago" with the full date on hover, in the
five languages; and a badge on the site's own replies.
"""

from __future__ import annotations

import json
import re
import time
from datetime import timedelta

import httpx
from playwright.sync_api import expect

from widget_helpers import (
    HAM,
    age,
    box,
    moderator_reply,
    open_article,
    post,
    read_like_a_person,
    seed,
    settings,
    styled_article,
)

LANGS = ("en", "de", "fr", "es", "pt")


def comment(page, text):
    return page.locator(".porch-comment").filter(has_text=text).first


# -- remember me ----------------------------------------------------------------------------------
def test_remember_me_keeps_name_email_and_website_in_this_browser_only(page, porch, pages, site):
    site, _key = site
    url = open_article(page, porch, pages, site)
    remember = page.get_by_role("checkbox", name="Remember me in this browser")
    expect(remember).to_be_visible()
    expect(remember).not_to_be_checked()  # off unless the reader asks

    read_like_a_person(page)
    remember.check()
    post(page, HAM, name="Ann", email="ann@example.org", website="https://ann.example.org")
    expect(comment(page, "garden path")).to_be_visible()
    stored = json.loads(page.evaluate(f"localStorage.getItem('porch:{site.public_id}')"))
    assert stored["me"] == {"author": "Ann", "email": "ann@example.org", "website": "https://ann.example.org"}

    page.reload()  # a later visit: the form is filled in, and a reply is not "Anonymous"
    page.porch_loaded = time.monotonic()
    expect(box(page, "Name")).to_have_value("Ann")
    expect(box(page, "Email")).to_have_value("ann@example.org")
    expect(box(page, "Website")).to_have_value("https://ann.example.org")
    expect(page.get_by_role("checkbox", name="Remember me in this browser")).to_be_checked()
    read_like_a_person(page)
    comment(page, "garden path").get_by_role("button", name="Reply").first.click()
    box(page, "Comment").fill("And a reply after coming back, with my name on it.")
    page.get_by_role("button", name="Post Comment").click()
    reply = page.locator(".porch-replies > .porch-comment").filter(has_text="coming back")
    expect(reply.locator(":scope > article .porch-author")).to_have_text("Ann")

    page.get_by_role("checkbox", name="Remember me in this browser").uncheck()  # forgets at once
    stored = json.loads(page.evaluate(f"localStorage.getItem('porch:{site.public_id}')"))
    assert "me" not in stored and "ann@example.org" not in json.dumps(stored)
    page.goto(url)
    expect(box(page, "Name")).to_have_value("")
    expect(box(page, "Email")).to_have_value("")


def test_without_the_box_nothing_is_remembered(page, porch, pages, site):
    site, _key = site
    open_article(page, porch, pages, site)
    read_like_a_person(page)
    post(page, HAM, name="Bea", email="bea@example.org")
    expect(comment(page, "garden path")).to_be_visible()
    assert "bea@example.org" not in (page.evaluate(f"localStorage.getItem('porch:{site.public_id}')") or "")
    page.reload()
    expect(box(page, "Name")).to_have_value("")


def test_the_processing_page_names_the_box_in_each_language(browser, porch, pages, site):
    """The privacy page says, in the box's own words, that the three fields stay in the browser."""
    site, _key = site
    for lang in LANGS:
        ctx = browser.new_context()
        try:
            page = ctx.new_page()
            page.goto(pages.article(porch.url, site.public_id, lang=lang))
            checkbox = page.locator("#porch-remember")
            expect(checkbox).to_be_visible()
            label = page.locator("label[for=porch-remember]").inner_text().strip()
            page.goto(f"{porch.url}/privacy/{site.public_id}?lang={lang}")
            text = page.locator("main").inner_text()
            assert label in text, (lang, label)
            sentence = next(line for line in text.splitlines() if label in line)
            assert re.search(r"browser|navegador|navigateur", sentence, re.I), sentence
        finally:
            ctx.close()


# -- editing --------------------------------------------------------------------------------------
def test_edit_opens_one_editor_with_save_and_cancel_side_by_side(page, porch, pages, site):
    site, _key = site
    open_article(page, porch, pages, site)
    read_like_a_person(page)
    post(page, HAM, name="Cora")
    mine = comment(page, "garden path")
    edit = mine.get_by_role("button", name="Edit")
    edit.click()
    edit.click()  # a second click, before or after the editor arrived
    expect(mine.locator("textarea")).to_have_count(1)
    page.wait_for_timeout(500)  # a late answer to the second click would add an editor now
    expect(page.locator("textarea[id^=porch-edit-]")).to_have_count(1)
    expect(mine.locator("textarea")).to_be_focused()

    save = mine.get_by_role("button", name="Save")
    cancel = mine.get_by_role("button", name="Cancel")
    a, b = save.bounding_box(), cancel.bounding_box()
    assert abs(a["y"] - b["y"]) < 1 and abs(a["height"] - b["height"]) < 1, (a, b)  # one row, one height
    assert b["x"] > a["x"] + a["width"]  # Cancel right of Save
    text = mine.locator("textarea")
    assert a["x"] >= text.bounding_box()["x"] - 1  # aligned with the editor, not adrift
    post_button = page.get_by_role("button", name="Post Comment")
    look = "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).borderTopColor]"
    assert save.evaluate(look) == post_button.evaluate(look)  # Save is the form's primary button
    assert cancel.evaluate(look)[1] not in ("rgba(0, 0, 0, 0)", cancel.evaluate(look)[0])  # Cancel: outlined

    text.fill("Thanks for writing this up; the garden path part was the most useful for me.")
    save.click()
    expect(page.locator(".porch-status")).to_have_text("Your changes were saved.")
    expect(mine.locator(".porch-body")).to_contain_text("the most useful for me")
    expect(mine.get_by_role("button", name="Edit")).to_be_focused()


def test_an_edit_held_for_moderation_says_so(page, porch, pages, porch_store, site):
    site, _key = site
    settings(porch_store, site, moderation="links")  # a comment with a link waits for a moderator
    open_article(page, porch, pages, site)
    read_like_a_person(page)
    post(page, HAM, name="Dina")
    mine = comment(page, "garden path")
    expect(page.locator("#porch-count")).to_have_text("1 comment")
    mine.get_by_role("button", name="Edit").click()
    mine.locator("textarea").fill(HAM + " More at https://dina.example.org/garden")
    mine.get_by_role("button", name="Save").click()
    expect(page.locator(".porch-status")).to_have_text("Your comment is awaiting moderation.")
    expect(mine.locator(".porch-pending")).to_have_count(1)
    expect(mine.locator(".porch-pending")).to_have_text("Your comment is awaiting moderation.")
    expect(page.locator("#porch-count")).to_have_text("0 comments")  # no longer public
    mine.get_by_role("button", name="Edit").click()  # editing again does not stack a second note
    mine.get_by_role("button", name="Save").click()
    expect(page.locator(".porch-status")).to_have_text("Your comment is awaiting moderation.")
    expect(mine.locator(".porch-pending")).to_have_count(1)


# -- Markdown -------------------------------------------------------------------------------------
MARKDOWN = (
    "> the part about the garden path\n\nYes! Run `make garden` and then:\n\n"
    "```\nfor bed in beds:\n    water(bed)\n```\n\n![our porch at dusk](https://photos.example.org/porch.jpg)"
)


def test_markdown_code_quotes_and_images_look_the_part(page, porch, pages, site):
    site, key = site
    url = pages.article(porch.url, site.public_id)
    seed(porch, site, url.removeprefix(pages.url), MARKDOWN, "Eli", key=key)
    page.goto(url)
    body = page.locator(".porch-body").first
    expect(body.locator("pre")).to_be_visible()

    def style(selector, prop):
        return body.locator(selector).first.evaluate(f"e => getComputedStyle(e)['{prop}']")

    transparent = "rgba(0, 0, 0, 0)"
    assert style("pre", "backgroundColor") != transparent
    assert float(style("pre", "paddingLeft").removesuffix("px")) >= 6
    assert "mono" in style("pre", "fontFamily").lower()
    assert style(":scope > p code", "backgroundColor") != transparent  # inline code
    assert float(style("blockquote", "borderLeftWidth").removesuffix("px")) >= 2
    assert style("blockquote", "backgroundColor") != transparent
    # images are off: a link named by its alt text, no "!" before it, and the form says so
    link = body.get_by_role("link", name="our porch at dusk")
    expect(link).to_have_attribute("href", "https://photos.example.org/porch.jpg")
    assert body.locator("img").count() == 0 and "!" not in body.inner_text().replace("Yes!", "")
    expect(page.locator("#porch-md")).to_contain_text("Images are shown as links")


# -- focus after a delete -------------------------------------------------------------------------
def test_focus_stays_in_the_thread_after_deleting_ones_own_comment(page, porch, pages, site):
    site, _key = site
    url = pages.article(porch.url, site.public_id)
    seed(porch, site, url.removeprefix(pages.url), "An earlier comment by somebody else.", "Finn")
    page.goto(url)
    page.porch_loaded = time.monotonic()
    expect(page.locator(".porch-comment")).to_have_count(1)
    read_like_a_person(page)
    post(page, HAM, name="Gus")
    mine = comment(page, "garden path")
    expect(mine).to_be_focused()
    page.on("dialog", lambda d: d.accept())
    mine.get_by_role("button", name="Delete").click()
    expect(page.locator(".porch-comment").filter(has_text="garden path")).to_have_count(0)
    expect(page.locator(".porch-status")).to_have_text("Comment deleted.")
    focused = page.evaluate(
        "() => { const a = document.activeElement; return [a.tagName, a.id, a.closest('#porch-thread') !== null] }"
    )
    assert focused[0] != "BODY" and focused[2], focused
    expect(comment(page, "earlier comment")).to_be_focused()  # the neighbour that is left


def test_deleting_the_only_comment_moves_focus_to_the_thread_heading(page, porch, pages, site):
    site, _key = site
    open_article(page, porch, pages, site)
    read_like_a_person(page)
    post(page, HAM, name="Hal")
    page.on("dialog", lambda d: d.accept())
    comment(page, "garden path").get_by_role("button", name="Delete").click()
    expect(page.locator(".porch-comment")).to_have_count(0)
    expect(page.locator("#porch-count")).to_be_focused()
    expect(page.locator("#porch-count")).to_have_text("0 comments")


# -- relative dates -------------------------------------------------------------------------------
AGO = {
    "en": "3 hours ago",
    "de": "vor 3 Stunden",
    "fr": "il y a 3 heures",
    "es": "hace 3 horas",
    "pt": "há 3 horas",
}


def test_relative_dates_with_the_full_date_on_hover_in_five_languages(
    browser, porch, porch_store, pages, site
):
    site, _key = site
    for lang in LANGS:
        url = pages.article(porch.url, site.public_id, lang=lang)
        made = seed(porch, site, url.removeprefix(pages.url), HAM, "Ivy")
        age(porch_store, {made["id"]: timedelta(hours=3, minutes=5)})
        created = httpx.get(f"{porch.url}/api/v1/comments/{made['id']}").json()["created"]
        ctx = browser.new_context(locale=lang)
        try:
            page = ctx.new_page()
            page.goto(url)
            when = page.locator(".porch-comment time")
            expect(when).to_have_text(AGO[lang])
            assert when.get_attribute("datetime") == created
            title = when.get_attribute("title")
            assert title and re.search(r"20\d\d", title) and AGO[lang] not in title, title
        finally:
            ctx.close()


# -- the site's own replies -----------------------------------------------------------------------
def test_a_moderators_reply_carries_a_badge(browser, porch, porch_store, pages, site):
    site, _key = site
    url = pages.article(porch.url, site.public_id)
    uri = url.removeprefix(pages.url)
    question = seed(porch, site, uri, "Which wood did you use for the steps?", "Jo")
    answer = moderator_reply(porch, porch_store, site, question["id"], "Larch, left to grey.")
    seed(porch, site, uri, "I would like to know too.", "Kim", parent=question["id"])
    listed = httpx.get(f"{porch.url}/api/v1/comments", params={"site": site.public_id, "uri": uri}).json()
    by_id = {r["id"]: r["moderator"] for r in listed["comments"][0]["replies"]}
    assert by_id[answer] is True and list(by_id.values()).count(False) == 1
    assert listed["comments"][0]["moderator"] is False

    for lang, badge in (("en", "Moderator"), ("de", "Moderation")):
        ctx = browser.new_context()
        try:
            page = ctx.new_page()
            page.goto(styled_article(pages, porch, site, lang=lang, uri=uri))
            reply = page.locator(f"#porch-comment-{answer}")
            expect(reply.locator(":scope > article .porch-badge")).to_have_text(badge)
            expect(page.locator(".porch-badge")).to_have_count(1)  # only on the site's reply
        finally:
            ctx.close()
