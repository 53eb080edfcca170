"""Fixtures for the browser tests: Debian's Chromium driven by Playwright, a real `porch serve`, and
the article page served by a tiny http.server on ANOTHER port (so the widget runs cross-origin,
as it does on a real site).

Chromium is the system package (`/usr/bin/chromium`; .ci/run installs it, and so does this file
when it can run apt-get as root); Playwright cannot download browsers here. axe-core comes from
npm into .cache/node, like akismet-api in tests/server/test_node_client.py. The porch server runs
on its own SQLite database with retention settings chosen so the privacy page test can tell the
configured values from the defaults.
"""

from __future__ import annotations

import functools
import http.server
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from browser_helpers import (
    ARGS,
    ARTICLE,
    CHROMIUM,
    RETENTION,
    ensure_chromium,
    free_port,
    start_server,
    store_for,
)


@pytest.fixture(scope="module")
def browser():
    """Chromium for one module. Not for the session: Playwright's sync API keeps an asyncio loop
    running while it is open, and a test of another module on the same xdist worker that calls
    asyncio.run() would then fail; module fixtures end before pytest moves to the next module."""
    ensure_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def porch(tmp_path_factory):
    """A real `porch serve` on SQLite, with the retention settings above."""
    tmp = tmp_path_factory.mktemp("browser")
    s = start_server(f"sqlite:///{tmp / 'browser.db'}", tmp / "data", env=RETENTION)
    yield s
    s.stop()


@pytest.fixture(scope="session")
def porch_store(porch):
    s = store_for(porch.database_url)
    yield s
    s.engine.dispose()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@dataclass
class Pages:
    """Article pages on their own origin (http://127.0.0.1:PORT), one file per test."""

    root: Path
    url: str

    def article(self, porch_url: str, site: str, lang: str = "en") -> str:
        name = f"{uuid.uuid4().hex[:10]}.html"
        uri = "/" + name
        (self.root / name).write_text(ARTICLE.format(porch=porch_url, site=site, lang=lang, uri=uri))
        return self.url + uri


@pytest.fixture(scope="session")
def pages(tmp_path_factory):
    root = tmp_path_factory.mktemp("pages")
    port = free_port()
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(_Quiet, directory=str(root))
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield Pages(root, f"http://127.0.0.1:{port}")
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def site(porch_store, pages):
    """A new site whose origin is the article server's: returns (site, api_key)."""
    return porch_store.sites.add(pages.url, "browser test " + uuid.uuid4().hex[:6], "own")


@pytest.fixture
def context(browser):
    ctx = browser.new_context()
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    p = context.new_page()
    p.set_default_timeout(15_000)
    return p
