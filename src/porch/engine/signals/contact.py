"""Contact details in the text: phone numbers, "support number" scams, e-mail and messenger handles.

A growing share of comment spam does not want a click but a call or a chat: fake customer support
("QuickBooks support number +1-888-555-0147"), recovery scams, "WhatsApp me +234…". People do
share a number or an address now and then ("call the council on 0161 234 5000"), so a contact
detail alone weighs +1 at most; the strong evidence is the combination with the scam's own
vocabulary.

* **Phone numbers** (`contact.phone`) are read from the normalised text, so full-width and
  mathematical digits count as digits. A number is 10 to 15 digits (7 to 9 when the word before is
  "call", "phone", "tel"…) in at most a few groups joined by spaces, dots, dashes, slashes or
  brackets; runs spaced digit by digit (`1 8 8 8 5 5 5 …`) are caught and called out, because
  nobody spaces their own number that way except to hide it from a filter. Dates, thousands
  (`1.000.000`), one digit repeated and digits inside URLs are not numbers. +1 for a number,
  +1.5 for a toll-free or premium-rate one (US 1-800/888/877/866/855/844/833, UK 0800/0808/09…)
  or a spaced-out one: those are what scam lines use.
* **Support-line wording** (`contact.support`) — "support number", "helpline", "customer care",
  "tech support", "toll free", "call now", "24/7" — counts only next to a phone number: +1.5, so
  that with the number the pair reaches +2.5, a strong but not decisive sum (a reader may quote
  a company's real customer-service line in a complaint).
* **E-mail addresses** (`contact.email`) in the content: +1; the evidence names only the domain.
* **Messenger handles** (`contact.messenger`): WhatsApp, Telegram, Viber, WeChat or Signal followed
  by a number or an @handle, or a t.me / wa.me link: +1.5, because people discussing an article
  do not ask to move to a private chat, and recovery and investment scams always do.

Measured on the SMS collection (the YouTube one has no phone numbers at all): a phone number
fires on 57% of spam and 2 of 4,827 ham messages, "support" wording with a number on 5.1% of spam
and no ham, an e-mail address on 0.8% of spam and 1 ham message.

Every check bails out at the first cheap test (a digit count, an "@", a keyword) so that the usual
comment, which has none of these, costs a microsecond or two.
"""

from __future__ import annotations

import re

from ..verdict import Signal
from . import Check, Context

PHONE_WEIGHT = 1.0
SCAM_PHONE_WEIGHT = 1.5  # toll-free, premium-rate or spaced out
SUPPORT_WEIGHT = 1.5
EMAIL_WEIGHT = 1.0
MESSENGER_WEIGHT = 1.5

# A word that is part of a URL or a path: digits there are IDs, not phone numbers.
_URLISH = re.compile(r"://|www\.|[/=?&#@]")
# Digits joined by at most three separator characters: 7 to 16 digits in all.
_NUMBER = re.compile(r"(?<![\d])(?:\+|\(\s*\+?)?\d(?:[ \-.()\u2010-\u2015]{1,3}\d|\d){6,15}(?![\d])")
_GROUP = re.compile(r"\d+")
_DIGITS = b"0123456789"
_CALL_CUE = re.compile(
    r"(?:call|phone|tel|telephone|ring|dial|text|txt|whats\s?app|number|no|mob|mobile|cell|contact)"
    r"(?:\s+is)?\W{0,4}$"
)
_TOLL_FREE_US = ("800", "888", "877", "866", "855", "844", "833")
_SUPPORT = re.compile(
    r"\b(?:support\s+(?:number|phone|line|team|cent(?:er|re)|desk)|(?:customer|tech|technical|client)\s+"
    r"(?:support|care|service)|help\s?line|help\s?desk|hot\s?line|toll[\s-]?free|call\s+(?:now|us|today)"
    r"|24\s?[/x×]\s?7|care\s+number|contact\s+number|phone\s+support)\b"
)
_EMAIL = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)*\.[a-z]{2,24})\b")
_MESSENGER = re.compile(
    r"\b(whats\s?app|telegram|viber|wechat|signal)\b[^\w@+]{0,4}(?:(?:me|us|at|on|via|number|no|id|"
    r"handle|contact|username|user|is)\b[^\w@+]{0,4}){0,3}(@\w{3,}|\+?\(?\d[\d \-().]{6,}\d)"
    r"|\b(t\.me|wa\.me)/(\+?\w{3,})"
)
_MESSENGER_NAMES = {
    "whatsapp": "WhatsApp",
    "telegram": "Telegram",
    "viber": "Viber",
    "wechat": "WeChat",
    "signal": "Signal",
    "t.me": "Telegram",
    "wa.me": "WhatsApp",
}


def _kind(written: str, digits: str, groups: list[str]) -> str | None:
    """What sort of phone number `written` is, or None if it is not one."""
    if len(set(digits)) <= 2:  # 1111111111, 1010101010: padding, not a number
        return None
    plus = written.lstrip("( ").startswith("+")
    if not plus and len(groups) > 1 and 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]):
        return None  # 2.000.000.000 views
    if len(groups) >= 3 and (
        (len(groups[0]) == 4 and groups[0][:2] in ("19", "20") and all(len(g) <= 2 for g in groups[1:]))
        or (
            len(groups[0]) <= 2
            and len(groups[1]) <= 2
            and len(groups[2]) == 4
            and groups[2][:2] in ("19", "20")
        )
    ):
        return None  # 2013-11-07, 07.11.2013
    if sum(1 for g in groups if len(g) == 1) >= 6:
        return "spaced"
    national = digits
    if national.startswith("00"):
        national = national[2:]
    if len(national) == 11 and national.startswith("1"):
        national = national[1:]
    if len(national) == 10 and national[:3] in _TOLL_FREE_US:
        return "toll-free"
    if digits.startswith(("0800", "0808", "44800", "44808")):
        return "toll-free"
    if digits.startswith(("09", "449")) and len(digits) >= 10:
        return "premium-rate"
    return "plain"


def find_phone(text: str) -> tuple[str, str] | None:
    """The first phone number in a normalised text, as (how it was written, kind); None if none."""
    if len(text) - len(text.encode().translate(None, _DIGITS)) < 7:  # fewer than 7 digits: no number
        return None
    if "/" in text or "=" in text or "@" in text or "www." in text or "#" in text:
        text = " ".join(w for w in text.split() if not _URLISH.search(w))
    best: tuple[str, str] | None = None
    for m in _NUMBER.finditer(text):
        written = m.group(0)
        groups = _GROUP.findall(written)
        digits = "".join(groups)
        if len(digits) < 10:
            short_ok = 7 <= len(digits) <= 9 and _CALL_CUE.search(text, max(0, m.start() - 24), m.start())
            if not short_ok:
                continue  # a short number counts only after "call", "tel", "my number"…
        kind = _kind(written, digits, groups)
        if kind is None:
            continue
        if kind != "plain":
            return written.strip(), kind
        if best is None:
            best = (written.strip(), kind)
    return best


def _shown(number: str) -> str:
    """The start of a number, enough for a moderator to recognise it, not enough to dial."""
    return number[:7].rstrip(" -.(") + "…" if len(number) > 7 else number


_KIND_NAMES = {
    "plain": "phone number in the comment",
    "toll-free": "toll-free phone number in the comment",
    "premium-rate": "premium-rate phone number in the comment",
    "spaced": "phone number spaced out to dodge filters",
}


def check_phone(ctx: Context) -> list[Signal] | None:
    """A phone number, and the support-line wording that scam numbers come with."""
    text = ctx.norm.text
    found = find_phone(text)
    if found is None:
        return None
    number, kind = found
    digits = sum(c.isdigit() for c in number)
    weight = PHONE_WEIGHT if kind == "plain" else SCAM_PHONE_WEIGHT
    fired = [Signal("contact.phone", _KIND_NAMES[kind], weight, f"{_shown(number)} ({digits} digits)")]
    support = _SUPPORT.search(text)
    if support:
        fired.append(
            Signal(
                "contact.support",
                "advertises a support or help line",
                SUPPORT_WEIGHT,
                f"“{support.group(0)}” next to a phone number",
            )
        )
    return fired


def check_email(ctx: Context) -> Signal | None:
    """An e-mail address written in the comment."""
    text = ctx.norm.text
    if "@" not in text:
        return None
    m = _EMAIL.search(text)
    if m is None:
        return None
    return Signal(
        "contact.email", "e-mail address in the comment", EMAIL_WEIGHT, f"an address at {m.group(1)}"
    )


def check_messenger(ctx: Context) -> Signal | None:
    """Asks readers to get in touch on WhatsApp, Telegram or another private messenger."""
    text = ctx.norm.text
    if not (
        "whats" in text
        or "telegram" in text
        or "viber" in text
        or "wechat" in text
        or "signal" in text
        or ".me/" in text
    ):
        return None
    m = _MESSENGER.search(text)
    if m is None:
        return None
    app = re.sub(r"\s", "", m.group(1) or m.group(3))
    handle = m.group(2) or m.group(4)
    shown = handle if handle.startswith("@") else _shown(handle.strip())
    return Signal(
        "contact.messenger",
        f"asks to be contacted on {_MESSENGER_NAMES[app]}",
        MESSENGER_WEIGHT,
        f"{_MESSENGER_NAMES[app]} {shown}",
    )


CHECKS: tuple[Check, ...] = (check_phone, check_email, check_messenger)
