"""The pages a browser opens on porch, over real HTTP: the processing page in every language, the
front page, the favicon and the API docs (their assets served by porch itself)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from porch.server.i18n import LANGS


class Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.sources: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)

    def handle_starttag(self, tag, attrs):
        self.sources += [v for k, v in attrs if k in ("src", "href") and v]


def read(html: str) -> Text:
    parser = Text()
    parser.feed(html)
    return parser


def test_the_processing_page_reads_well_in_every_language(server, make_site):
    site, _ = make_site(edit_window_seconds=86400)
    with server.client() as c:
        for lang in LANGS:
            r = c.get(f"/privacy/{site.public_id}?lang={lang}")
            assert r.status_code == 200 and r.headers["content-language"] == lang
            assert f'<html lang="{lang}">' in r.text
            text = " ".join(" ".join(read(r.text).parts).split())
            doubled = re.findall(r"\b(\w+) \1\b", text)  # ("bis Sie sie löschen" is German)
            assert doubled == [], (lang, doubled)  # "for for 30 days" was the English page
            assert not re.search(r"\b1 (days|hours|Tage|jours|días|dias)\b", text), lang
        english = " ".join(c.get(f"/privacy/{site.public_id}?lang=en").text.split())
        assert "possible for 1 day after posting" in english  # the site's edit window, said right


def test_the_front_page_and_the_favicon(server):
    with server.client() as c:
        front = c.get("/")
        assert front.status_code == 200 and front.headers["content-type"].startswith("text/html")
        links = read(front.text).sources
        assert "/admin/" in links and "/api/docs" in links
        assert "/demo/" not in links  # only a `porch demo` server has the demo article
        ico = c.get("/favicon.ico")
        assert ico.status_code == 200 and ico.content[:4] == b"\x00\x00\x01\x00"
        assert c.get("/favicon.svg").headers["content-type"] == "image/svg+xml"


def test_the_api_docs_load_only_porchs_own_files(server):
    with server.client() as c:
        docs = c.get("/api/docs")
        assert docs.status_code == 200
        sources = read(docs.text).sources
        assert sources and all(s.startswith("/") and not s.startswith("//") for s in sources), sources
        for source in sources:
            assert c.get(source).status_code == 200, source
