"""Comment text → safe HTML: Markdown (markdown-it-py, raw HTML off), then nh3 as the last word.

Two layers, each enough on its own for the common attacks, so that a bug in one is not an XSS:

1. **markdown-it-py**, CommonMark with raw HTML *off* (`<script>` is shown as text, never parsed as
   a tag), plus linkify (bare URLs become links) and strikethrough. Headings and images are turned
   off: a comment has no business with an `<h1>`, and an image is a tracking pixel (every reader's
   browser would fetch it from wherever the commenter chose) or a way to hot-link anything into the
   page, so `![alt](url)` renders as a link to the picture, named by its alt text (the widget's
   Markdown hint says so). Links are validated by our
   own `validateLink`: only `http:`, `https:` and `mailto:` (decoded, case-folded, control characters
   and white space removed first, as a browser would) — `javascript:`, `vbscript:`, `data:` and every
   other scheme, relative URLs included, stay literal text.
2. **nh3** (ammonia) re-parses the HTML as a browser would and keeps only an allow-list of tags and
   attributes, only the same URL schemes, and sets `rel="nofollow ugc noopener"` on every link.
   An attribute filter drops any `href` that is not absolute http/https/mailto (ammonia would let a
   relative URL through).

`render(text)` is deterministic and pure; the server renders once on write and stores the HTML.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

SCHEMES = ("http", "https", "mailto")
REL = "nofollow ugc noopener"
TAGS = {
    "a",
    "p",
    "br",
    "em",
    "strong",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
_STRIP = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.I)


def safe_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host, or a mailto: — judged as a browser would read it."""
    decoded = url
    for _ in range(3):  # %25-encoded layers
        decoded = unquote(decoded)
    decoded = _STRIP.sub("", _decode_entities(decoded)).lower()
    match = _SCHEME.match(decoded)
    if not match or match.group(1) not in SCHEMES:
        return False
    if match.group(1) == "mailto":
        return True
    return decoded.startswith(("http://", "https://")) and len(decoded.split("//", 1)[1].strip("/")) > 0


def _decode_entities(value: str) -> str:
    import html

    return html.unescape(value)


def _image_as_link(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """`![alt](url)` → a link to the picture named by its alt text (or its address): never an <img>."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = escapeHtml(renderer.renderInlineAsText(token.children or [], options, env).strip() or src)
    inside_link = sum((t.type == "link_open") - (t.type == "link_close") for t in tokens[:idx]) > 0
    return alt if inside_link else f'<a href="{escapeHtml(src)}">{alt}</a>'  # links do not nest


def _md() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False, "breaks": True})
    md.enable(["linkify", "strikethrough", "table"])
    md.disable(["heading", "lheading", "html_block", "html_inline"])
    md.add_render_rule("image", _image_as_link)
    md.validateLink = safe_url  # type: ignore[method-assign]
    assert md.linkify is not None  # enabled above
    md.linkify.set({"fuzzy_email": False})  # "a@b.c" stays text: an address is not made a link for people
    return md


_MARKDOWN = _md()


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href" and not safe_url(value):
        return None
    if attribute == "start" and not value.isdigit():
        return None
    return value


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=set(SCHEMES),
        link_rel=REL,
        strip_comments=True,
        attribute_filter=_attribute_filter,
    )


def render(text: str) -> str:
    """Markdown source of a comment → sanitised HTML."""
    return sanitise(_MARKDOWN.render(text)).strip()


def website_link(url: str) -> str | None:
    """The author's website if it is a safe absolute http(s) URL, else None (shown as plain name)."""
    url = url.strip()
    if not url or len(url) > 2000 or not safe_url(url) or url.lower().startswith("mailto:"):
        return None
    return url


def has_links(text: str) -> bool:
    """Whether the Markdown makes any link (for the `links` moderation mode)."""
    return "<a " in render(text) or bool(re.search(r"https?://|www\.", text, re.I))
