"""A site's own blocked and allowed lists: words, IP addresses or networks, e-mail addresses or domains.

The owner sets them in the dashboard (CommentSettings: `blocked_words`, `blocked_ips`,
`blocked_emails`, `allowed_emails`, `allowed_ips`); preparing a comment asks `match` once
(posting.py `prepare`, and an edit), and `status_for` applies the answer on top of the engine's verdict:

* **blocked** (a blocked word, IP or e-mail) → stored as `spam`, whatever the engine said;
* **allowed** (an allowed e-mail or IP) → never held by the moderation mode and never spam, unless
  the engine's verdict is `discard` (blatant: a trusted address that posts a pharmacy campaign has
  been taken over, or spoofed — an e-mail address is only what the poster typed);
* blocked beats allowed: a blocked word from an allowed address is still blocked. The owner's
  explicit "no" is the stronger statement, and the fix (take the word off the list) is obvious.

Where a rule shows: it goes into the spam check as a signal (`Rule.signal`, weight 0), which the
checking service puts first among the check's reasons in the check log (`checks.reasons`, the list
the dashboard shows beside each comment), e.g. "site rule: blocked word “casino”". It does not move
the engine's verdict and score: they stay the engine's own on the comment row (`comments.verdict`,
`.score`) and in the check log, so the report card still measures the engine, not the owner's
lists, and approving a blocked comment teaches the engine nothing it did not already believe.

Words match case-insensitively on the engine's normal form (NFKC, case-folded, look-alike letters
mapped to Latin, accents dropped: `normalise.skeleton`), as whole words: "ass" does not block
"class", "c a s i n o" is not "casino". A list entry of several words matches that phrase. IPs are
addresses or networks (203.0.113.7, 203.0.113.0/24, 2001:db8::/32); e-mails are whole addresses
(case-insensitive) or `@domain` (that domain exactly, not its subdomains).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from ...engine import Signal
from ...engine.normalise import clean, skeleton

MAX_ENTRIES = 2000
MAX_ENTRY = 200
LISTS = ("blocked_words", "blocked_ips", "blocked_emails", "allowed_emails", "allowed_ips")


@dataclass(frozen=True, slots=True)
class Rule:
    kind: str  # "blocked" | "allowed"
    what: str  # for the dashboard: "blocked word “casino”"

    @property
    def reason(self) -> str:
        return f"site rule: {self.what}"

    @property
    def signal(self) -> Signal:
        """The rule as the spam check's evidence: named for the dashboard, weightless for the verdict."""
        return Signal(f"site.{self.kind}", "site rule", 0.0, self.what)


def validate(key: str, value: Any) -> list[str]:
    """One list from the settings form or API, cleaned; ValueError with a message for people."""
    if isinstance(value, str):
        value = list(re.split(r"[\n,]", value))
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key.replace('_', ' ')} must be a list of strings")
    items = [v.strip() for v in value if v.strip()]
    if len(items) > MAX_ENTRIES:
        raise ValueError(f"{key.replace('_', ' ')}: at most {MAX_ENTRIES:,} entries")
    if any(len(v) > MAX_ENTRY for v in items):
        raise ValueError(f"{key.replace('_', ' ')}: an entry is longer than {MAX_ENTRY} characters")
    if key.endswith("_words"):
        out = [" ".join(v.split()) for v in items]
        if any(not any(ch.isalnum() for ch in _word_key(v)) for v in out):
            raise ValueError("a blocked word must contain letters or digits")
    elif key.endswith("_ips"):
        out = []
        for v in items:
            try:
                out.append(
                    str(ipaddress.ip_network(v, strict=False)) if "/" in v else str(ipaddress.ip_address(v))
                )
            except ValueError:
                raise ValueError(
                    f"{v[:60]!r} is not an IP address or network (like 203.0.113.0/24)"
                ) from None
    else:
        out = []
        for v in items:
            v = v.lower()
            local, at, domain = v.rpartition("@")
            if (
                not at
                or "." not in domain
                or any(ch.isspace() for ch in v)
                or "@" in local
                or domain.startswith(".")
            ):
                raise ValueError(f"{v[:60]!r} is not an e-mail address or @domain")
            out.append(v)
    return list(dict.fromkeys(out))  # in order, without repeats


class Lists(Protocol):
    """The site's lists, as CommentSettings (sitesettings.py) holds them."""

    blocked_words: list[str]
    blocked_ips: list[str]
    blocked_emails: list[str]
    allowed_emails: list[str]
    allowed_ips: list[str]


def match(conf: Lists, text: str, email: str, ip: str) -> Rule | None:
    """The site rule a new comment falls under, or None. Blocked before allowed."""
    email = email.strip().lower()
    address = _address(ip)
    for entry in conf.blocked_ips:
        if address is not None and _in(address, entry):
            return Rule("blocked", f"blocked IP {entry}")
    for entry in conf.blocked_emails:
        if email and _email_is(email, entry):
            return Rule("blocked", f"blocked e-mail {entry}")
    if conf.blocked_words:
        found = _words(tuple(conf.blocked_words)).search(" " + skeleton(clean(text)) + " ")
        if found:
            return Rule("blocked", f"blocked word “{_which(conf.blocked_words, found.group(1))}”")
    for entry in conf.allowed_emails:
        if email and _email_is(email, entry):
            return Rule("allowed", f"allowed e-mail {entry}")
    for entry in conf.allowed_ips:
        if address is not None and _in(address, entry):
            return Rule("allowed", f"allowed IP {entry}")
    return None


def _word_key(word: str) -> str:
    return " ".join(skeleton(clean(word)).split())


@lru_cache(maxsize=256)
def _words(words: tuple[str, ...]) -> re.Pattern[str]:
    keys = sorted({k for k in (_word_key(w) for w in words) if k}, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(re.escape(part) for part in k.split()) for k in keys)
    return re.compile(rf"(?<!\w)({alternatives})(?!\w)")


def _which(words: Iterable[str], found: str) -> str:
    key = " ".join(found.split())
    return next((w for w in words if _word_key(w) == key), found)


def _address(ip: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((ip or "").strip().strip("[]"))
    except ValueError:
        return None


def _in(address: ipaddress.IPv4Address | ipaddress.IPv6Address, entry: str) -> bool:
    try:
        return address in ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return False


def _email_is(email: str, entry: str) -> bool:
    entry = entry.lower()
    if entry.startswith("@"):
        return email.rpartition("@")[2] == entry[1:]
    return email == entry
