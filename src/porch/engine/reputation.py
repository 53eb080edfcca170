"""Reputation: what a site's moderators already decided about this network, address or domain.

A spammer changes the words of each comment more easily than the places it comes from and points
to: the same hosting network, the same throw-away e-mail, the same domain to promote. And a regular
reader writes from the same address month after month. So for every comment the service counts
the moderators' decisions against a few *keys* and the engine reads them back as evidence ("3
earlier comments from this network were spam", "commenter has 7 approved comments"). The keys:

* `network`: the IPv4 /24 or IPv6 /48 of `user_ip` (`network_of`). One address is too narrow
  (dynamic addresses, a bot's pool of neighbours) and an autonomous system too wide; /24 and /48
  are the units that providers hand out and that abuse lists use. An IPv4-mapped or 6to4 IPv6
  address is read as the IPv4 address inside. Loopback, unspecified, multicast and link-local
  addresses get no key: they mean a proxy in front of porch hid the reader's address, and keying
  them would lump every commenter of the site together.
* `email`: the address, case-folded, with a `+tag` removed from the local part, and for Gmail
  (gmail.com, googlemail.com) the dots removed too, because Gmail ignores them
  (`J.Doe+news@GMail.com` → `jdoe@gmail.com`). Nothing cleverer: other providers differ, and a
  wrong merge would hand one person's reputation to another.
* `author_url`: the registrable domain of the author's URL (`blog.example.co.uk` →
  `example.co.uk`).
* `link_domain`: each registrable domain linked in the content, at most `MAX_LINK_DOMAINS`.

Domains that everyone links or uses as a profile page (`SHARED_DOMAINS`: youtube.com, wikipedia.org,
github.com…) and the site's own domain (from `blog`, else `permalink`) are no key: spam links to
them too, and a spam mark would then count against every honest reader who does the same.

**Decay.** A decision counts 1.0 when it is made and half that every `HALF_LIFE_DAYS` (30) after:
the service stores, per key, the decayed spam and ham sums and when they were last updated, decays
them on read (`standing_at`) and on write (`add`; `retract` when a moderator changes their mind).
Thirty days, because what a key says goes stale at about that pace: residential and mobile
addresses change hands within days to weeks, hosting ranges are cleaned up or resold, and a spam
domain's run is mostly over in a few weeks. A network that sent 3 spam comments today counts 1.5
next month and 0.4 in three months; a reader who comments weekly holds a steady ham count of about
7. Old sins fade without anyone pruning tables, and the
store needs no history beyond one row per key.

**Storage.** The clear keys exist only in memory, to be hashed: the service stores
`hashed_key(secret, kind, key)` (HMAC-SHA-256 with the site's secret), so a stolen database lists
no IP networks or e-mail addresses, and the engine receives the clear key back only because the
service built the `SiteHistory` from the comment it is checking.
"""

from __future__ import annotations

import hmac
import ipaddress
import math
from functools import lru_cache
from hashlib import sha256

from .history import Standing
from .normalise import Normalised, normalise, site_domain
from .submission import Submission

KINDS = ("network", "email", "author_url", "link_domain")
IPV4_PREFIX = 24
IPV6_PREFIX = 48
MAX_LINK_DOMAINS = 10
HALF_LIFE_DAYS = 30.0
_DAY = 86400.0

# Everybody links these or uses them as a profile page; their reputation would be everyone's.
SHARED_DOMAINS = frozenset(
    """
    youtube.com youtu.be wikipedia.org github.com google.com twitter.com x.com facebook.com
    instagram.com reddit.com
    """.split()
)
GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


# --- keys ----------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def network_of(ip: str) -> str | None:
    """The /24 (IPv4) or /48 (IPv6) network of an address, e.g. '203.0.113.0/24'; None if not one."""
    text = ip.strip().strip("[]").split("%", 1)[0] if ip else ""  # no zone: fe80::1%eth0
    if not text or len(text) > 64:
        return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour
        if inner is not None:
            address = inner
    if address.is_unspecified or address.is_loopback or address.is_multicast or address.is_link_local:
        return None
    prefix = IPV4_PREFIX if address.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def normalise_email(address: str) -> str | None:
    """`J.Doe+news@GMail.com` → `jdoe@gmail.com`; None for something that is not an address."""
    text = address.strip().casefold() if address else ""
    local, at, domain = text.rpartition("@")
    domain = domain.strip(".")
    if not at or not local or "." not in domain or " " in text or len(text) > 254:
        return None
    local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}" if local else None


def reputation_keys(submission: Submission, norm: Normalised | None = None) -> list[tuple[str, str]]:
    """The (kind, key) pairs whose standing the service should look up for this comment.

    In the order network, email, author_url, link_domain…; no pair twice. `norm` is the
    normalised comment if the caller has it (else it is computed).
    """
    if norm is None:
        norm = normalise(submission.comment_content, submission.comment_author, submission.comment_author_url)
    keys: list[tuple[str, str]] = []
    network = network_of(submission.user_ip)
    if network:
        keys.append(("network", network))
    email = normalise_email(submission.comment_author_email)
    if email:
        keys.append(("email", email))
    own = site_domain(submission.blog, submission.permalink)
    if norm.author_link is not None:
        domain = norm.author_link.domain
        if domain and domain not in SHARED_DOMAINS and domain != own:
            keys.append(("author_url", domain))
    if norm.links:
        seen: set[str] = set()
        for link in norm.links:
            domain = link.domain
            if not domain or domain in seen or domain in SHARED_DOMAINS or domain == own:
                continue
            seen.add(domain)
            keys.append(("link_domain", domain))
            if len(seen) == MAX_LINK_DOMAINS:
                break
    return keys


def hashed_key(secret: bytes | str, kind: str, key: str) -> str:
    """What the store keeps instead of a clear key: HMAC-SHA-256 with the site's secret, 32 hex."""
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    message = f"{kind}\x00{key}".encode("utf-8", "surrogatepass")
    return hmac.new(secret, message, sha256).hexdigest()[:32]


# --- decay ---------------------------------------------------------------------------------


def decayed(value: float, age_seconds: float, half_life_days: float = HALF_LIFE_DAYS) -> float:
    """`value` after `age_seconds` of exponential decay (halved every `half_life_days`).

    A negative age (clocks of two workers disagreeing) counts as no age at all.
    """
    if age_seconds <= 0 or not value:
        return value
    if not math.isfinite(age_seconds):
        return 0.0
    return value * 0.5 ** (age_seconds / (half_life_days * _DAY))


def standing_at(standing: Standing, age_seconds: float, half_life_days: float = HALF_LIFE_DAYS) -> Standing:
    """A stored standing as it stands now, `age_seconds` after it was last updated."""
    if age_seconds <= 0:
        return standing
    return Standing(
        spam=decayed(standing.spam, age_seconds, half_life_days),
        ham=decayed(standing.ham, age_seconds, half_life_days),
    )


def add(
    standing: Standing, is_spam: bool, age_seconds: float = 0, half_life_days: float = HALF_LIFE_DAYS
) -> Standing:
    """The standing after one more decision: decay the stored sums by their age, then count 1.0.

    The service stores the result with the current time as `updated_at`.
    """
    now = standing_at(standing, age_seconds, half_life_days)
    if is_spam:
        return Standing(spam=now.spam + 1.0, ham=now.ham)
    return Standing(spam=now.spam, ham=now.ham + 1.0)


def retract(
    standing: Standing,
    was_spam: bool,
    decision_age_seconds: float,
    age_seconds: float = 0,
    half_life_days: float = HALF_LIFE_DAYS,
) -> Standing:
    """The standing with one earlier decision taken back (a moderator changed their mind).

    `decision_age_seconds` is how long ago the retracted decision was counted; what it still
    weighs (its decayed 1.0) is subtracted, never below zero. `age_seconds` is as for `add`.
    """
    now = standing_at(standing, age_seconds, half_life_days)
    weight = decayed(1.0, decision_age_seconds, half_life_days)
    if was_spam:
        return Standing(spam=max(0.0, now.spam - weight), ham=now.ham)
    return Standing(spam=now.spam, ham=max(0.0, now.ham - weight))
