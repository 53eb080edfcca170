"""Turn what a commenter typed into what the engine reasons about.

Spammers write for people and against filters at once: `ｆｒｅｅ`, `𝐟𝐫𝐞𝐞`, `frее` with a Cyrillic `е`,
`fr\u200bee` with a zero-width space, links hidden in HTML anchors or BBCode. Normalisation undoes
those tricks so that every spelling of a word lands on the same features:

1. HTML is read as a browser would show it: tags dropped (their links kept), entities decoded.
2. Zero-width, bidi and other invisible format characters are removed; other control characters
   become spaces; runs of white space collapse to one.
3. Unicode NFKC folds compatibility forms (full-width, mathematical alphanumerics, ligatures,
   circled letters) to plain letters, then the text is case-folded (NFKC again, so that the result
   is stable: normalising twice gives the same text).
4. The *skeleton* maps look-alike letters (Cyrillic and Greek homoglyphs, small capitals, IPA
   letters) to the Latin letter they imitate and drops accents. Features are taken from the
   skeleton; signals that care about the original script (mixed scripts in one word) use `text`.

Links are pulled out of plain text (`http://…`, `www.…` and bare `example.com`), HTML `<a href>`
and BBCode `[url]`, and reduced to their registrable domain (`shop.example.co.uk` →
`example.co.uk`) with the public suffix list that ships with `publicsuffixlist` (no network).
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

# Invisible format characters: soft hyphen, Arabic letter mark, Mongolian vowel separator,
# zero-width space/joiners, LRM/RLM, bidi embeddings and isolates, word joiner and invisible
# operators, BOM, combining grapheme joiner, variation selectors and Unicode tag characters.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")  # lone surrogates too
_SPACES = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r"\s*\n\s*")
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)?[^>]*>")
_BLOCK_TAGS = frozenset({"br", "p", "div", "li", "tr", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"})
_WORD = re.compile(r"\w+")

# Letters that imitate Latin ones. Keys are case-folded already (the table is applied after
# case folding). Sources: Unicode confusables.txt, restricted to letters seen in comment spam.
_LOOKALIKES = {
    # Cyrillic
    "а": "a",
    "в": "b",
    "г": "r",
    "д": "d",
    "е": "e",
    "ё": "e",
    "з": "3",
    "и": "u",
    "й": "u",
    "к": "k",
    "м": "m",
    "н": "h",
    "о": "o",
    "п": "n",
    "р": "p",
    "с": "c",
    "т": "t",
    "у": "y",
    "х": "x",
    "ь": "b",
    "ѕ": "s",
    "і": "i",
    "ї": "i",
    "ј": "j",
    "ԁ": "d",
    "ԛ": "q",
    "ԝ": "w",
    "ӏ": "l",
    "ү": "y",
    "һ": "h",
    "ɡ": "g",
    "ѡ": "w",
    "ԍ": "g",
    "ԉ": "n",
    # Greek
    "α": "a",
    "β": "b",
    "γ": "y",
    "δ": "d",
    "ε": "e",
    "ζ": "z",
    "η": "n",
    "ι": "i",
    "κ": "k",
    "μ": "u",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "σ": "o",
    "ς": "c",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "ω": "w",
    "ϲ": "c",
    "ϳ": "j",
    # Small capitals and IPA letters used as decoration
    "ᴀ": "a",
    "ʙ": "b",
    "ᴄ": "c",
    "ᴅ": "d",
    "ᴇ": "e",
    "ꜰ": "f",
    "ɢ": "g",
    "ʜ": "h",
    "ɪ": "i",
    "ᴊ": "j",
    "ᴋ": "k",
    "ʟ": "l",
    "ᴍ": "m",
    "ɴ": "n",
    "ᴏ": "o",
    "ᴘ": "p",
    "ʀ": "r",
    "ꜱ": "s",
    "ᴛ": "t",
    "ᴜ": "u",
    "ᴠ": "v",
    "ᴡ": "w",
    "ʏ": "y",
    "ᴢ": "z",
    "ı": "i",
    "ȷ": "j",
    "ɑ": "a",
    "ɩ": "i",
    "ʋ": "u",
    "ƅ": "b",
    "ɵ": "o",
    "ø": "o",
    "ð": "d",
    "ł": "l",
    "đ": "d",
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
}
_SKELETON_TABLE = str.maketrans(_LOOKALIKES)

# --- links ---------------------------------------------------------------------------------
_HTML_ANCHOR = re.compile(
    r"""<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>(.*?)(?:</a\s*>|$)""",
    re.IGNORECASE | re.DOTALL,
)
_BBCODE = re.compile(
    r"\[(?:url|link)\s*=\s*[\"']?([^\]\"']+)[\"']?\s*\](.*?)\[/(?:url|link)\]"
    r"|\[(?:url|link)\](.*?)\[/(?:url|link)\]",
    re.IGNORECASE | re.DOTALL,
)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'\[\]{}|\\^`]+", re.IGNORECASE)
_BARE = re.compile(
    r"(?<![\w@./-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})(?![\w@-])(/[^\s<>\"']*)?",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)]}'\""
# A bare domain in running text ("see murdev.com") counts as a link only under one of these
# top-level domains. Hundreds of TLDs are also English words, and people type "pain.it will",
# "today.do as", "dream.love" when they skip the space after a full stop; with a scheme, "www."
# or a path the link counts whatever its TLD.
BARE_TLDS = frozenset(
    """
    com net org info biz edu gov io co ai app dev xyz top online site club shop store live pro link
    click win bid vip work fun space website tech icu buzz cc tv ru su cn jp kr ua kz pl de fr nl es
    uk eu au ca br mx ar cl tk ml ga cf gq pw ly gl ir vn id ph pk ng za tr gr ro hu cz sk
    """.split()
)

_psl = PublicSuffixList(accept_unknown=False)


@dataclass(frozen=True, slots=True)
class Link:
    """One link found in a comment: where it points and how it was written."""

    url: str
    host: str
    domain: str  # registrable domain, e.g. example.co.uk ('' when there is none, e.g. an IP)
    source: str  # 'text' | 'html' | 'bbcode' | 'author_url'
    anchor: str = ""  # the visible text of an HTML/BBCode anchor


@dataclass(frozen=True, slots=True)
class Normalised:
    """A comment as the engine sees it."""

    text: str  # visible text, NFKC + case-folded, invisibles removed, spaces collapsed
    skeleton: str  # `text` with look-alike letters mapped to Latin and accents dropped
    words: tuple[str, ...]  # word tokens of the skeleton
    links: tuple[Link, ...]  # links in the content (not the author URL)
    author: str  # the author name's skeleton
    author_link: Link | None  # the author URL, if any


def clean(text: str) -> str:
    """Invisible characters out, controls to spaces, NFKC, case-fold; idempotent."""
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    # Case folding can produce sequences NFKC would compose again, and NFKC can expose
    # characters that fold further; two rounds reach the fixed point for every real text.
    for _ in range(3):
        folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
        folded = _INVISIBLE.sub("", folded)
        if folded == text:
            break
        text = folded
    text = _SPACES.sub(" ", text)
    return _NEWLINES.sub("\n", text).strip()


def skeleton(text: str) -> str:
    """Map look-alike letters of an already `clean` text to Latin and drop accents."""
    text = text.translate(_SKELETON_TABLE)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # once its accent is gone a letter may be a look-alike itself (`ά` → `α` → `a`)
    return unicodedata.normalize("NFC", stripped).translate(_SKELETON_TABLE)


def visible_text(content: str) -> str:
    """What a reader would see of a comment that may contain HTML: tags out, entities decoded."""
    if "<" in content:

        def replace(match: re.Match[str]) -> str:
            return "\n" if (match.group(2) or "").lower() in _BLOCK_TAGS else " "

        content = _TAG.sub(replace, content)
    if "&" in content:
        content = html.unescape(content)
    return content


@lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str:
    """`www.shop.example.co.uk` → `example.co.uk`; '' for IP addresses and unknown suffixes."""
    host = host.strip().strip(".").lower()
    if not host or host.replace(".", "").isdigit() or ":" in host:
        return ""
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    return _psl.privatesuffix(host) or ""


@lru_cache(maxsize=4096)
def site_domain(blog: str, permalink: str = "") -> str:
    """The registrable domain of the site a comment was posted on ('' if unknown)."""
    for url in (blog, permalink):
        if url:
            link = make_link(url, "site")
            if link is not None and link.domain:
                return link.domain
    return ""


def make_link(url: str, source: str, anchor: str = "") -> Link | None:
    """A `Link` from a URL as written (scheme optional); None if it has no host."""
    url = url.strip().rstrip(_TRAILING)
    if not url:
        return None
    target = url if "://" in url[:12] else "http://" + url.lstrip("/")
    try:
        host = urlsplit(target).hostname or ""
    except ValueError:
        return None
    if not host:
        return None
    return Link(url=url, host=host, domain=registrable_domain(host), source=source, anchor=anchor)


def extract_links(content: str) -> tuple[Link, ...]:
    """Every link in a comment: HTML anchors, BBCode, URLs and bare domains in the text."""
    links: list[Link] = []
    rest = content
    if "<" in rest:
        for m in _HTML_ANCHOR.finditer(rest):
            href = m.group(1) or m.group(2) or m.group(3) or ""
            link = make_link(html.unescape(href), "html", visible_text(m.group(4)).strip())
            if link:
                links.append(link)
        rest = _HTML_ANCHOR.sub(" ", rest)
        rest = _TAG.sub(" ", rest)
    if "[" in rest:
        for m in _BBCODE.finditer(rest):
            href = m.group(1) or m.group(3) or ""
            anchor = m.group(2) if m.group(1) else ""
            link = make_link(href, "bbcode", (anchor or "").strip())
            if link:
                links.append(link)
        rest = _BBCODE.sub(" ", rest)
    if "&" in rest:
        rest = html.unescape(rest)
    if "." not in rest:
        return tuple(links)
    for m in _URL.finditer(rest):
        link = make_link(m.group(0), "text")
        if link:
            links.append(link)
    rest = _URL.sub(" ", rest)
    for m in _BARE.finditer(rest):
        host = m.group(1)
        if not m.group(2) and host.rsplit(".", 1)[-1].lower() not in BARE_TLDS:
            continue
        if _psl.publicsuffix(host.lower()) is None or not registrable_domain(host):
            continue
        link = make_link(host + (m.group(2) or ""), "text")
        if link:
            links.append(link)
    return tuple(links)


def normalise(content: str, author: str = "", author_url: str = "") -> Normalised:
    """Normalise a comment's content, author name and author URL."""
    text = clean(visible_text(content))
    skel = skeleton(text)
    author_skel = skeleton(clean(author))
    return Normalised(
        text=text,
        skeleton=skel,
        words=tuple(_WORD.findall(skel)),
        links=extract_links(content),
        author=author_skel,
        author_link=make_link(author_url, "author_url") if author_url.strip() else None,
    )
