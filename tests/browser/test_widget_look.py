"""The widget's look, in a real browser: what a reader sees of a thread a few days old.

The screenshots in docs/embed.md are taken here (light, dark, phone width) from the same seeded
thread. They go to artifacts/ on every run; with PORCH_DOC_SCREENSHOTS=NAME set they are also
written to docs/img/NAME-{light,dark,phone}.png (`widget` for the docs; `widget-before` was taken
once from the widget as it was before issue 12).
"""

from __future__ import annotations

import os

from playwright.sync_api import expect

from browser_helpers import ARTIFACTS, ROOT
from widget_helpers import seed_thread, settings, styled_article

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
