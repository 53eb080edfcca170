"""Nothing executable survives rendering: ≥ 100 known XSS vectors, through the real server.

Each vector (tests/data/xss-vectors.txt) is posted as a comment; the `html` of the answer is parsed
with html.parser as a browser would read it: no script/style/iframe/object/embed/svg/math/… tags,
no on* attributes, no style attributes, and every href/src (entities decoded, control characters and
white space removed) is http, https or mailto. Every link carries rel="nofollow ugc noopener".
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from porch.server.domain.render import render

VECTORS = [
    line.replace("\\n", "\n").replace("\\t", "\t").replace("\\u0000", "\x00")
    for line in (Path(__file__).resolve().parents[1] / "data" / "xss-vectors.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]
FORBIDDEN = {
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "svg",
    "math",
    "img",
    "form",
    "input",
    "button",
    "base",
    "link",
    "meta",
    "video",
    "audio",
    "source",
    "body",
    "template",
    "details",
    "marquee",
    "isindex",
    "noscript",
    "textarea",
    "select",
    "applet",
}
URL_ATTRS = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "background",
    "dynsrc",
    "lowsrc",
    "poster",
}


class Audit(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN:
            self.problems.append(f"<{tag}>")
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on") or name == "style":
                self.problems.append(f"{name}= on <{tag}>")
            if name in URL_ATTRS:
                plain = re.sub(r"[\x00-\x20\x7f-\x9f]+", "", value or "").lower()
                if not plain.startswith(("http://", "https://", "mailto:")):
                    self.problems.append(f"{name}={value!r}")
        if tag == "a" and "href" in attrs and attrs.get("rel") != "nofollow ugc noopener":
            self.problems.append(f"link without rel: {attrs}")

    handle_startendtag = handle_starttag


def audit(html: str) -> list[str]:
    parser = Audit()
    parser.feed(html)
    parser.close()
    return parser.problems


def test_corpus_is_big_enough():
    assert len(VECTORS) >= 100


@pytest.mark.parametrize("vector", VECTORS)
def test_renderer_leaves_nothing_executable(vector):
    assert audit(render(vector)) == []


def test_every_vector_through_the_server(server, make_site):
    site, _ = make_site()
    bad = {}
    with server.client() as c:
        for i, vector in enumerate(VECTORS):
            r = c.post(
                "/api/v1/comments",
                json={"site": site.public_id, "uri": f"/xss/{i % 5}", "author": "X", "text": vector},
            )
            assert r.status_code == 201, (vector, r.text)
            problems = audit(r.json()["html"])
            if problems:
                bad[vector] = problems
    assert bad == {}


def test_safe_markdown_still_works():
    html = render("Hi *there*, see [the docs](https://example.org/docs) or https://example.org and `code`")
    assert '<a href="https://example.org/docs" rel="nofollow ugc noopener">the docs</a>' in html
    assert '<a href="https://example.org" rel="nofollow ugc noopener">https://example.org</a>' in html
    assert "<em>there</em>" in html and "<code>code</code>" in html
    assert render("[mail](mailto:a@example.org)").count('href="mailto:a@example.org"') == 1
