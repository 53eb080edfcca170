"""The widget's look, in a real browser: what a reader sees of a thread a few days old.

The screenshots in docs/embed.md are taken here (light, dark, phone width) from the same seeded
thread. They go to artifacts/ on every run; with PORCH_DOC_SCREENSHOTS=NAME set they are also
written to docs/img/NAME-{light,dark,phone}.png (`widget` for the docs; `widget-before` was taken
once from the widget as it was before issue 12).
"""

from __future__ import annotations

import gzip
import os
import re
import uuid

import httpx
from playwright.sync_api import expect

from browser_helpers import ARTIFACTS, ROOT, axe_path
from widget_helpers import (
    HAM,
    open_article,
    post,
    read_like_a_person,
    seed_thread,
    settings,
    styled_article,
)

IMG = ROOT / "docs" / "img"
SHOTS = {  # name: (colour scheme, viewport width)
    "light": ("light", 860),
    "dark": ("dark", 860),
    "phone": ("light", 375),
}


def test_screenshots_for_the_docs(browser, porch, porch_store, pages, site):
    """The same thread in light, dark and at phone width; light and dark really differ."""
    site, _key = site
    settings(porch_store, site, avatars=True)
    url = styled_article(pages, porch, site)
    seed_thread(porch, porch_store, site, url.removeprefix(pages.url))
    ARTIFACTS.mkdir(exist_ok=True)
    prefix = os.environ.get("PORCH_DOC_SCREENSHOTS")
    backgrounds = {}
    for shot, (scheme, width) in SHOTS.items():
        ctx = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
        try:
            p = ctx.new_page()
            p.goto(url)
            expect(p.locator(".porch-comment")).to_have_count(8)
            p.evaluate("document.fonts.ready")
            thread = p.locator("#porch-thread")
            backgrounds[shot] = thread.evaluate("e => getComputedStyle(e).color")
            thread.screenshot(path=str(ARTIFACTS / f"widget-{shot}.png"))
            if prefix:
                IMG.mkdir(parents=True, exist_ok=True)
                thread.screenshot(path=str(IMG / f"{prefix}-{shot}.png"))
        finally:
            ctx.close()
    assert backgrounds["light"] != backgrounds["dark"]
    for shot in SHOTS:
        assert (ARTIFACTS / f"widget-{shot}.png").stat().st_size > 5000


def thread_page(browser, porch, porch_store, pages, site, *, avatars=True, **ctx):
    """(context, page, ids): the seeded thread open in a new browser context."""
    settings(porch_store, site, avatars=avatars)
    url = styled_article(pages, porch, site)
    ids = seed_thread(porch, porch_store, site, url.removeprefix(pages.url))
    context = browser.new_context(**ctx)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(url)
    expect(page.locator(".porch-comment")).to_have_count(8)
    return context, page, ids


def box_of(locator):
    b = locator.bounding_box()
    assert b is not None, locator
    return b


# -- avatars --------------------------------------------------------------------------------------
def test_avatars_are_drawn_by_porch_and_follow_the_setting(browser, porch, porch_store, pages, site):
    site, _key = site
    requests = []
    ctx, page, ids = thread_page(browser, porch, porch_store, pages, site)
    try:
        page.on("request", lambda r: requests.append(r.url))
        page.reload()
        expect(page.locator(".porch-comment")).to_have_count(8)

        def avatar(name):
            return page.locator(f"#porch-comment-{ids[name]} > article .porch-avatar")

        pictures = {name: avatar(name).get_attribute("src") for name in ("ann", "ann2", "ben", "cat")}
        assert pictures["ann"] == pictures["ann2"]  # one address, one picture
        assert len({pictures["ann"], pictures["ben"], pictures["cat"]}) == 3
        assert all(
            re.fullmatch(re.escape(porch.url) + r"/api/v1/avatars/[0-9a-f]{32}\.svg", p)
            for p in pictures.values()
        )
        expect(avatar("ann")).to_have_attribute("alt", "")  # the name is right next to it
        page.wait_for_function(
            "() => [...document.querySelectorAll('img.porch-avatar')].every(i => i.complete && i.naturalWidth > 0)"
        )
        assert box_of(avatar("ann"))["width"] >= 24
        # no e-mail, no hash: a letter in a circle; the site's reply: its initial, in the accent colour
        expect(avatar("dan")).to_have_text("D")
        assert avatar("site").evaluate("e => e.tagName") == "SPAN"
        # nothing is fetched from anywhere but the article's server and porch
        hosts = {re.match(r"https?://[^/]+", u).group(0) for u in requests}
        assert hosts <= {porch.url, pages.url}, hosts
        svg = httpx.get(pictures["ann"])
        assert svg.headers["content-type"] == "image/svg+xml" and "<script" not in svg.text
        assert "immutable" in svg.headers["cache-control"]
        assert httpx.get(f"{porch.url}/api/v1/avatars/not-a-hash.svg").status_code == 422

        settings(porch_store, site, avatars=False)  # the owner turns "Show avatars" off
        page.reload()
        expect(page.locator(".porch-comment")).to_have_count(8)
        expect(page.locator(".porch-avatar")).to_have_count(0)
    finally:
        ctx.close()


def test_a_new_comment_shows_its_avatar_at_once(page, porch, porch_store, pages, site):
    site, _key = site
    settings(porch_store, site, avatars=True)
    open_article(page, porch, pages, site)
    read_like_a_person(page)
    post(page, HAM, name="Lou", email="lou@example.org")
    mine = page.locator(".porch-comment").filter(has_text="garden path")
    expect(mine.locator("img.porch-avatar")).to_have_attribute(
        "src", re.compile(r"/api/v1/avatars/[0-9a-f]{32}\.svg$")
    )


# -- header, like, reply form ---------------------------------------------------------------------
def test_count_and_sort_share_a_tidy_header(browser, porch, porch_store, pages, site):
    site, _key = site
    ctx, page, _ids = thread_page(
        browser, porch, porch_store, pages, site, viewport={"width": 860, "height": 900}
    )
    try:
        count, sort = page.locator("#porch-count"), page.get_by_label("Sort by")
        expect(count).to_have_text("8 comments")
        c, s, thread = box_of(count), box_of(sort), box_of(page.locator("#porch-thread"))
        assert s["y"] < c["y"] + c["height"] and c["y"] < s["y"] + s["height"], (c, s)  # one row
        assert thread["x"] + thread["width"] - (s["x"] + s["width"]) < 2, (s, thread)  # sort on the right
        assert box_of(page.locator(".porch-comment").first)["y"] > c["y"] + c["height"]
        sort.select_option("newest")
        expect(page.locator(".porch-list > .porch-comment").first).to_contain_text("Bookmarked")
    finally:
        ctx.close()


def test_like_button_has_an_icon_and_a_pressed_state(browser, porch, porch_store, pages, site):
    site, _key = site
    ctx, page, ids = thread_page(browser, porch, porch_store, pages, site)
    try:
        like = page.locator(f"#porch-comment-{ids['cat']} > article").get_by_role("button", name="Like")
        expect(like.locator("svg")).to_have_count(1)
        expect(like).to_have_attribute("aria-pressed", "false")
        expect(like).to_contain_text("0")
        icon = like.locator("svg path")
        before = (
            icon.evaluate("e => getComputedStyle(e).fill"),
            like.evaluate("e => getComputedStyle(e).color"),
        )
        like.click()
        expect(like).to_have_attribute("aria-pressed", "true")
        expect(like).to_contain_text("1")
        after = (
            icon.evaluate("e => getComputedStyle(e).fill"),
            like.evaluate("e => getComputedStyle(e).color"),
        )
        assert before[0] != after[0] and before[1] != after[1], (before, after)  # filled, and coloured
        like.click()
        expect(like).to_have_attribute("aria-pressed", "false")
        expect(like).to_contain_text("0")
    finally:
        ctx.close()


def test_reply_form_opens_in_place_and_goes_back(browser, porch, porch_store, pages, site):
    site, _key = site
    ctx, page, ids = thread_page(
        browser, porch, porch_store, pages, site, viewport={"width": 860, "height": 700}
    )
    try:
        ben = page.locator(f"#porch-comment-{ids['ben']}")
        reply = ben.locator(":scope > article").get_by_role("button", name="Reply")
        expect(reply).to_have_attribute("aria-expanded", "false")
        reply.click()
        form = page.get_by_role("form", name="Replying to Ben")
        expect(form).to_be_visible()
        assert ben.locator(":scope > article + form").count() == 1  # right under Ben's comment
        expect(reply).to_have_attribute("aria-expanded", "true")
        expect(form.get_by_role("textbox", name="Comment")).to_be_focused()
        expect(form.get_by_role("textbox", name="Comment")).to_be_in_viewport()
        form.get_by_role("button", name="Cancel reply").click()
        expect(page.get_by_role("form", name="Leave a Reply")).to_be_visible()
        assert ben.locator("form").count() == 0
        expect(reply).to_be_focused()
        expect(reply).to_have_attribute("aria-expanded", "false")
        reply.click()
        page.keyboard.press("Escape")  # Escape closes it too
        expect(page.get_by_role("form", name="Leave a Reply")).to_be_visible()
        expect(reply).to_be_focused()
    finally:
        ctx.close()


# -- phones ---------------------------------------------------------------------------------------
def test_deep_replies_stay_readable_on_a_phone(browser, porch, porch_store, pages, site):
    site, _key = site
    ctx, page, ids = thread_page(
        browser, porch, porch_store, pages, site, viewport={"width": 375, "height": 800}, is_mobile=True
    )
    try:
        thread = box_of(page.locator("#porch-thread"))
        deepest = box_of(page.locator(f"#porch-comment-{ids['deep']} .porch-body"))
        assert deepest["width"] >= 0.75 * thread["width"], (deepest, thread)
        lines = page.locator(f"#porch-comment-{ids['deep']} .porch-body p").evaluate(
            "p => Math.round(p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight))"
        )
        assert lines <= 3, lines  # ~100 characters: a few lines, not one word a line
        assert page.evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth"
        )  # no sideways scroll
    finally:
        ctx.close()


# -- light and dark follow the page ---------------------------------------------------------------
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title>
<style>body {{ {style} }} .night {{ background: #121212; color: #eee; }}</style></head>
<body><div id="porch-thread"></div>
<script src="{porch}/js/embed.js" data-porch-site="{site}" async></script></body></html>"""


def theme_page(pages, porch, site, style):
    name = f"theme-{uuid.uuid4().hex[:8]}.html"
    (pages.root / name).write_text(PAGE.format(style=style, porch=porch.url, site=site.public_id))
    return f"{pages.url}/{name}"


def luminance(css_colour: str) -> float:
    r, g, b = (int(x) for x in re.findall(r"[\d.]+", css_colour)[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def test_light_and_dark_follow_the_page_not_only_the_system(browser, porch, pages, site):
    site, _key = site
    white = theme_page(pages, porch, site, "background: #fff; color: #111;")
    black = theme_page(pages, porch, site, "background: #121212; color: #eee;")
    for scheme, url, dark in (("dark", white, False), ("light", black, True)):
        ctx = browser.new_context(color_scheme=scheme)
        try:
            page = ctx.new_page()
            page.goto(url)
            expect(page.get_by_role("button", name="Post Comment")).to_be_visible()
            text = page.locator(".porch").evaluate("e => getComputedStyle(e).color")
            assert (luminance(text) > 0.5) == dark, (scheme, url, text)  # light text only on a dark page
        finally:
            ctx.close()

    ctx = browser.new_context(color_scheme="light")  # a page with its own night-mode switch
    try:
        page = ctx.new_page()
        page.goto(white)
        expect(page.get_by_role("button", name="Post Comment")).to_be_visible()
        page.evaluate("document.body.classList.add('night')")
        expect(page.locator(".porch")).to_have_attribute("data-porch-theme", "dark")
        assert luminance(page.locator(".porch").evaluate("e => getComputedStyle(e).color")) > 0.5
        page.evaluate("document.body.classList.remove('night')")
        expect(page.locator(".porch")).to_have_attribute("data-porch-theme", "light")
    finally:
        ctx.close()


def test_documented_custom_properties_are_the_ones_the_stylesheet_uses(page, porch, pages, site):
    """docs/embed.md lists every --porch-* property; each one is defined by embed.css, and setting
    one on the page changes the widget."""
    site, _key = site
    doc = (ROOT / "docs" / "embed.md").read_text()
    css = (ROOT / "src" / "porch" / "web" / "embed.css").read_text()
    table = doc.split("## Theming", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`(--porch-[a-z-]+)`", table))
    defined = set(re.findall(r"(--porch-[a-z-]+)\s*:", css))
    assert documented and documented == defined, documented ^ defined
    page.goto(theme_page(pages, porch, site, ""))
    page.add_style_tag(
        content="#porch-thread.porch { --porch-accent: rgb(181, 0, 110); --porch-radius: 0px; }"
    )
    submit = page.get_by_role("button", name="Post Comment")
    assert submit.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(181, 0, 110)"
    assert submit.evaluate("e => getComputedStyle(e).borderTopLeftRadius") == "0px"


# -- accessibility, languages, weight --------------------------------------------------------------
def test_the_whole_thread_is_axe_clean_in_light_and_dark(browser, porch, porch_store, pages, site):
    site, _key = site
    for scheme in ("light", "dark"):
        ctx, page, ids = thread_page(browser, porch, porch_store, pages, site, color_scheme=scheme)
        try:
            page.locator(f"#porch-comment-{ids['cat']} > article").get_by_role("button", name="Like").click()
            page.locator(f"#porch-comment-{ids['ben']} > article").get_by_role("button", name="Reply").click()
            page.add_script_tag(path=str(axe_path()))
            result = page.evaluate("axe.run(document.getElementById('porch-thread'))")
            bad = [
                (v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3])
                for v in result["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            assert bad == [], (scheme, bad)
        finally:
            ctx.close()


ENGLISH = ("Remember me", "Moderator", "Reply", "Sort by", " ago", "Like", "Leave a Reply", "undefined")


def test_every_label_is_translated(browser, porch, porch_store, pages, site):
    site, _key = site
    settings(porch_store, site, avatars=True)
    uri = "/translated-" + uuid.uuid4().hex[:6]
    seed_thread(porch, porch_store, site, uri)
    for lang in ("de", "fr", "es", "pt"):
        ctx = browser.new_context(locale=lang)
        try:
            page = ctx.new_page()
            page.goto(styled_article(pages, porch, site, lang=lang, uri=uri))
            expect(page.locator(".porch-comment")).to_have_count(8)
            shown = page.locator("#porch-thread").inner_text()
            names = " ".join(
                page.locator("#porch-thread button, #porch-thread [aria-label]").evaluate_all(
                    "els => els.map(e => e.getAttribute('aria-label') || e.innerText)"
                )
            )
            left = [w for w in ENGLISH if w in shown or w in names]
            assert left == [], (lang, left)
        finally:
            ctx.close()


def test_the_widget_stays_within_its_weight_budget():
    """What a reader downloads for the widget (bench/widget_size.py reports the figures)."""
    web = ROOT / "src" / "porch" / "web"
    both = gzip.compress((web / "embed.js").read_bytes() + (web / "embed.css").read_bytes(), 9)
    assert len(both) <= 15 * 1024, len(both)
