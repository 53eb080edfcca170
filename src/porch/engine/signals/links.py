"""Links: how many, how they are written, and whether the author's name is an advertisement.

Comment spam exists to place links (for search-engine rank or for clicks), so links are where it
shows most. These checks look at the links that normalise.py pulled out of the content and at the
author's name and URL:

* **Too many links / mostly links** (`links.count`, `links.density`). A person rarely puts more
  than one or two links in a comment, and rarely a link with almost nothing around it. Both also
  happen in honest comments (a list of sources, "here it is: <link>"), so the weights stay modest
  (+0.5 to +1.5) and the content model judges the words. Links to the site's own domain (from
  `blog` or `permalink`: a reader pointing to another article, a video's own timestamp) are not
  counted.
* **Link markup** (`links.markup`): an HTML `<a href>` or a BBCode `[url]` in the text. porch's form
  takes Markdown, so markup is typed by someone who pastes one payload into every form on the web;
  BBCode in particular belongs to forums, and spam bots send it to blogs blindly. +1 for HTML,
  +1.5 for BBCode, +2.5 for both in one comment (a bot hedging its bets).
* **Keyword anchors** (`links.keyword_anchor`): a link whose visible text is a sales phrase
  ("cheap viagra", "best SEO services") is the signature of link-building spam: the anchor text is
  what the spammer pays to rank for. +1.5.
* **The author's name** (`links.author_url_in_name`, `links.author_keywords`): comment forms show
  the name as the link to the author's URL, so spammers put a domain or their keywords there
  ("Best SEO Services", "buy-cheap-pills"). A name fires only on a domain or URL, or on commercial
  words: at least one from a short list that never occurs in a person's name (viagra, casino,
  payday…) or at least two general commercial words (cheap, best, online, services, repair…),
  so that "Mary Ann Smith", "George Best", "Julius NM" or "kobyoshi02" never fire. +2 for a URL
  (people do not write their name as a domain), +1.5 for keywords.
* **Author URL in the content** (`links.author_url_repeated`): the same domain as the author URL
  linked again in the text is self-promotion twice over. +1; domains that everyone shares
  (youtube.com, facebook.com, github.com…) do not count.

Words are compared on the skeleton (normalise.py), so `ᴄʜᴇᴀᴘ` and `chеap` with a Cyrillic `е`
match `cheap`. A bare domain in running text counts as a link only under a common top-level domain
(normalise.BARE_TLDS): with hundreds of word-like TLDs, "pain.it will" and "dream.love" are typing, not links.

Measured on the training collections (YouTube ham/spam, SMS ham/spam, a video's own links not
counted): "mostly links" fires on 0% / 13.7% / 0.02% / 0%, "too many links" on 0% / 1.0% / 0.04% /
0.7%, link markup on 0.2% / 2.0% (YouTube's export writes its own autolinks as `<a href>`, so that
rate overstates what a Markdown form would see). The name checks never fired on either collection:
YouTube spammers use their own names, which is the point of not firing on names.
"""

from __future__ import annotations

import re

from ..normalise import Link, clean, extract_links, site_domain, skeleton
from ..verdict import Signal
from . import Check, Context

# Words that name what spam sells; no one's name contains them.
SPAM_WORDS = frozenset(
    """
    viagra cialis levitra kamagra tramadol xanax valium oxycodone pharmacy pharma pills
    casino casinos gambling payday loans backlink backlinks escort escorts porn porno
    hookup hookups replica replicas bitcoin forex essay essays dissertation cbd
    """.split()
)
# Commercial words that one person's name may hold (George Best, Jon Free, Seo Ji-hye, Nguyen Thi
# Loan) but two rarely do.
COMMERCIAL_WORDS = frozenset(
    """
    cheap cheapest buy best top online service services shop store stores sale sales deal deals
    discount discounts free affordable company agency marketing seo repair repairs cleaning
    cleaners removal plumbing plumber plumbers lawyer lawyers attorney attorneys insurance hosting
    design designs web digital solutions consulting consultants movers packers tours travel hotel
    hotels rental rentals clinic dental review reviews supplier suppliers wholesale outlet price
    prices quality professional expert experts near order money cash earn income profit weight
    loss loan pill poker betting slots jackpot sex sexy xxx diet keto crypto followers subscribers
    likes views jerseys shoes bags handbags watches jordans boots jackets sunglasses coupon coupons
    promo offer offers products product treatment cure game games hack hacks generator support
    helpline
    """.split()
)
# Substrings that give a one-word handle away ("cheapviagraonline", "best-payday-loans").
SPAM_STEMS = ("viagra", "cialis", "levitra", "tramadol", "pharmacy", "payday", "backlink", "casino")
# Domains many honest people share: linking them again proves nothing about self-promotion.
SHARED_DOMAINS = frozenset(
    """
    youtube.com youtu.be facebook.com twitter.com x.com instagram.com tiktok.com linkedin.com
    github.com gitlab.com google.com wikipedia.org reddit.com medium.com substack.com
    """.split()
)

MANY_LINKS = ((5, 1.5), (3, 1.0), (2, 0.5))  # (at least this many links, weight), first match wins
DENSE_WEIGHT = 1.0  # a link with almost no words around it
DENSE_WORDS_PER_LINK = 3  # at most this many words of prose per link counts as "mostly links"
HTML_WEIGHT = 1.0
BBCODE_WEIGHT = 1.5
BOTH_MARKUP_WEIGHT = 2.5
KEYWORD_ANCHOR_WEIGHT = 1.5
AUTHOR_URL_WEIGHT = 2.0
AUTHOR_KEYWORDS_WEIGHT = 1.5
AUTHOR_URL_REPEATED_WEIGHT = 1.0

_LETTERS = re.compile(r"[^\W\d_]+")
_STEMS = re.compile("|".join(SPAM_STEMS))
_WORD = re.compile(r"\w+")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _foreign_links(ctx: Context) -> list[Link]:
    """The content's links, less those pointing back at the site itself and run-together words."""
    links = ctx.norm.links
    if not links:
        return []
    site = site_domain(ctx.submission.blog, ctx.submission.permalink)
    return [link for link in links if not (site and link.domain == site)]


def commercial_words(name: str) -> list[str]:
    """The sales words in a (skeleton) name or phrase, if it reads as keywords; else []."""
    words = _LETTERS.findall(name)
    if SPAM_WORDS.isdisjoint(words) and COMMERCIAL_WORDS.isdisjoint(words):
        return _STEMS.findall(name)
    found = [w for w in words if w in SPAM_WORDS or w in COMMERCIAL_WORDS]
    if len(found) >= 2 or not SPAM_WORDS.isdisjoint(found):
        return found
    return _STEMS.findall(name)


def check_link_count(ctx: Context) -> Signal | None:
    """More links than a person puts in one comment."""
    links = _foreign_links(ctx)
    n = len(links)
    for at_least, weight in MANY_LINKS:
        if n >= at_least:
            domains = len({link.domain or link.host for link in links})
            where = f"to {_plural(domains, 'site')}" if domains > 1 else "all to one site"
            return Signal("links.count", "too many links", weight, f"{n} links, {where}")
    return None


def _prose_words(ctx: Context) -> int:
    """Words of the visible text that are not part of a URL written in the text."""
    words = len(ctx.norm.words)
    for link in ctx.norm.links:
        if link.source == "text":
            words -= len(_WORD.findall(link.url))
    return max(words, 0)


def check_link_density(ctx: Context) -> Signal | None:
    """Links with hardly any words around them: the comment is there for the link."""
    links = _foreign_links(ctx)
    if not links:
        return None
    prose = _prose_words(ctx)
    if prose > DENSE_WORDS_PER_LINK * len(links):
        return None
    return Signal(
        "links.density",
        "mostly links",
        DENSE_WEIGHT,
        f"{_plural(len(links), 'link')} in {_plural(prose, 'word')}",
    )


def check_markup(ctx: Context) -> Signal | None:
    """HTML or BBCode link markup typed into a form that takes Markdown."""
    if not ctx.norm.links:
        return None
    links = _foreign_links(ctx)
    html = sum(1 for link in links if link.source == "html")
    bbcode = sum(1 for link in links if link.source == "bbcode")
    if html and bbcode:
        return Signal(
            "links.markup",
            "links written as HTML and as BBCode",
            BOTH_MARKUP_WEIGHT,
            f"{_plural(html, '<a href> link')} and {_plural(bbcode, '[url] link')} in one comment",
        )
    if bbcode:
        return Signal("links.markup", "link written as BBCode", BBCODE_WEIGHT, _plural(bbcode, "[url] link"))
    if html:
        return Signal("links.markup", "link written as HTML", HTML_WEIGHT, _plural(html, "<a href> link"))
    return None


def check_keyword_anchor(ctx: Context) -> Signal | None:
    """A link whose visible text is a sales phrase: the words the spammer wants to rank for."""
    for link in ctx.norm.links:
        if not link.anchor or link.source not in ("html", "bbcode"):
            continue
        anchor = skeleton(clean(link.anchor))
        if commercial_words(anchor):
            shown = anchor if len(anchor) <= 60 else anchor[:59] + "…"
            target = link.domain or link.host
            return Signal(
                "links.keyword_anchor",
                "link text is sales keywords",
                KEYWORD_ANCHOR_WEIGHT,
                f"“{shown}” links to {target}",
            )
    return None


def check_author_name(ctx: Context) -> Signal | None:
    """An author name that is a web address or a string of sales keywords, not a person."""
    author = ctx.norm.author
    if not author:
        return None
    if "." in author or "www" in author:
        found = list(extract_links(author))
        if found:
            return Signal(
                "links.author_url_in_name",
                "author name is a web address",
                AUTHOR_URL_WEIGHT,
                f"the name holds {found[0].domain or found[0].host}",
            )
    words = commercial_words(author)
    if words:
        return Signal(
            "links.author_keywords",
            "author name is sales keywords",
            AUTHOR_KEYWORDS_WEIGHT,
            ", ".join(dict.fromkeys(words)),
        )
    return None


def check_author_url_repeated(ctx: Context) -> Signal | None:
    """The author URL's site linked again in the comment itself."""
    own = ctx.norm.author_link
    if own is None or not own.domain or own.domain in SHARED_DOMAINS or not ctx.norm.links:
        return None
    n = sum(1 for link in ctx.norm.links if link.domain == own.domain)
    if not n:
        return None
    if own.domain == site_domain(ctx.submission.blog, ctx.submission.permalink):
        return None
    return Signal(
        "links.author_url_repeated",
        "links to the author's own site",
        AUTHOR_URL_REPEATED_WEIGHT,
        f"{own.domain} is the author URL and is linked {'once' if n == 1 else f'{n} times'} in the text",
    )


CHECKS: tuple[Check, ...] = (
    check_link_count,
    check_link_density,
    check_markup,
    check_keyword_anchor,
    check_author_name,
    check_author_url_repeated,
)
