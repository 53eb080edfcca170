"""The look of the text itself: empty, shouted, stretched, or spelled with foreign look-alikes.

The content model reads the words; these checks catch what word features miss or normalise away.

* **No words** (`content.empty`): fewer than two letters or digits ("", "!!!", "a"). Bots probing a
  form post empty or junk bodies. People react with ":)", "<3" or a row of hearts, so a comment
  holding an emoji or an emoticon does not fire (on the YouTube ham those were all the cases).
  +0.5, never decisive.
* **Shouting** (`content.shouting`): at least 70% of the letters are capitals, over at least 20
  letters. Read on the *original* text (normalisation case-folds); ASCII text is counted with
  `bytes.translate`, which is ~50 times faster than a regex.
* **Stretched characters** (`content.repeated`): a letter five or more times in a row ("sooooo")
  or four or more `!`/`?` ("!!!!").

  Measured on the training collections, neither of the last two tells spam from ham: shouting
  fires on 3.4% of YouTube ham and 3.9% of spam, 1.9% of SMS ham and 0.7% of SMS spam; stretched
  characters on 7.4% of YouTube ham against 3.1% of spam (fans stretch "loooove"). They are kept
  because a moderator reading a verdict expects them named, but at +0.25 each they cannot decide
  anything on their own.
* **Mixed scripts in one word** (`content.mixed_script`): Latin letters and Cyrillic or Greek
  letters inside one word, like `vіagra` with a Cyrillic `і`. The skeleton (normalise.py) maps
  such words back for the model; this check reads `text`, which keeps the scripts apart, and
  names the trick, which no honest writer uses: real Russian or Greek text is written in its own
  script, and a stray Latin letter is rare. +2 for one word, +3 for three or more. Unit symbols
  (`5μm`, `10μg`) are not words and are skipped.

Long comments made mostly of links or keywords are left to links.py and the model.
"""

from __future__ import annotations

import re

from ..verdict import Signal
from . import Check, Context

EMPTY_WEIGHT = 0.5
SHOUTING_WEIGHT = 0.25
SHOUTING_SHARE = 0.7
SHOUTING_MIN_LETTERS = 20
REPEATED_WEIGHT = 0.25
MIXED_SCRIPT_WEIGHT = 2.0
MIXED_SCRIPT_MANY_WEIGHT = 3.0
MIXED_SCRIPT_MANY = 3

_WORDISH = re.compile(r"[^\W_]")
# An emoji or an emoticon: a person reacting, not a bot probing the form.
_REACTION = re.compile(
    "[\u2190-\u21ff\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff]"
    r"|[:;=8x][-'^o]?[()\[\]dpb3*/|\\]|[()\[\]dpb3*/|\\][-'^o]?[:;=]|<3|\^[_.-]?\^|\bxd\b"
)
# Upper- and lower-case letters of the Latin, Greek and Cyrillic alphabets (what shouting is made of).
_UPPER = re.compile("[A-Z\u00c0-\u00d6\u00d8-\u00de\u0391-\u03a9\u0400-\u042f\uff21-\uff3a]")
_LOWER = re.compile("[a-z\u00df-\u00f6\u00f8-\u00ff\u03b1-\u03c9\u0430-\u045f\uff41-\uff5a]")
_RUN = re.compile(r"(.)\1\1\1")  # any character four times: a fast first pass
_REPEATED = re.compile(r"([^\W\d_])\1{4,}|([!?])\2{3,}")
_ASCII_UPPER = bytes(range(ord("A"), ord("Z") + 1))
_ASCII_LOWER = bytes(range(ord("a"), ord("z") + 1))
# A word holding a Cyrillic or Greek letter; checked afterwards for Latin letters.
_FOREIGN_WORD = re.compile(r"\w*[\u0370-\u03ff\u0400-\u052f\u1f00-\u1fff]\w*")
_LATIN = re.compile(r"[a-z\u00e0-\u024f]")
_CYRILLIC_GREEK = re.compile(r"[\u0370-\u03ff\u0400-\u052f\u1f00-\u1fff]")
_UNIT = re.compile(r"\d*[μµ][a-z]{1,2}")  # 5μm, μg, 10μs


def check_empty(ctx: Context) -> Signal | None:
    """Next to nothing to read."""
    text = ctx.norm.text
    if len(text) > 8 and _WORDISH.search(text, 0, 8):  # the usual case: out at once
        return None
    first = _WORDISH.search(text)
    if (first and _WORDISH.search(text, first.end())) or _REACTION.search(text):
        return None  # two word characters, or an emoji or emoticon
    if not text:
        evidence = "the comment is empty"
    else:
        shown = text if len(text) <= 20 else text[:19] + "…"
        evidence = f"the whole comment is “{shown}”"
    return Signal("content.empty", "comment has no words", EMPTY_WEIGHT, evidence)


def check_shouting(ctx: Context) -> Signal | None:
    """Mostly capital letters."""
    original = ctx.submission.comment_content
    if len(original) < SHOUTING_MIN_LETTERS:
        return None
    if "\ufeff" in original:  # an invisible BOM some clients append: not worth the slow path
        original = original.replace("\ufeff", "")
    if original.isascii():  # the usual case: count with bytes.translate, ~50× faster than a regex
        raw = original.encode("ascii")
        upper = len(raw) - len(raw.translate(None, _ASCII_UPPER))
        if upper < SHOUTING_MIN_LETTERS * SHOUTING_SHARE:
            return None
        lower = len(raw) - len(raw.translate(None, _ASCII_LOWER))
    else:
        upper = len(_UPPER.findall(original))
        if upper < SHOUTING_MIN_LETTERS * SHOUTING_SHARE:
            return None
        lower = len(_LOWER.findall(original))
    letters = upper + lower
    if letters < SHOUTING_MIN_LETTERS or upper < SHOUTING_SHARE * letters:
        return None
    return Signal(
        "content.shouting",
        "written in capitals",
        SHOUTING_WEIGHT,
        f"{upper / letters:.0%} of {letters} letters are capitals",
    )


def check_repeated(ctx: Context) -> Signal | None:
    """A character stretched out: 'sooooo', '!!!!!'."""
    text = ctx.norm.text
    m = _RUN.search(text)
    while m is not None:  # a run of four; usually "....", so look closer before the slow regex
        char, start = m.group(1), m.start()
        if char in "!?" or (char.isalpha() and text.startswith(char * 5, start)):
            break
        m = _RUN.search(text, m.end())
    else:
        return None
    repeated = _REPEATED.match(text, m.start())
    assert repeated is not None  # the loop stopped on a run _REPEATED matches
    run = repeated.group(0)
    shown = run if len(run) <= 12 else run[:6] + "…"
    return Signal(
        "content.repeated",
        "stretched-out characters",
        REPEATED_WEIGHT,
        f"“{shown}” ({len(run)} × “{run[0]}”)",
    )


def check_mixed_script(ctx: Context) -> Signal | None:
    """Latin and Cyrillic or Greek letters mixed inside one word, to slip past word filters."""
    text = ctx.norm.text
    if text.isascii():
        return None
    mixed: list[str] = []
    for m in _FOREIGN_WORD.finditer(text):
        word = m.group(0)
        if len(_LATIN.findall(word)) >= 2 and not _UNIT.fullmatch(word):
            mixed.append(word)
    if not mixed:
        return None
    scripts = {
        ("Greek" if "\u0370" <= ch <= "\u03ff" or "\u1f00" <= ch <= "\u1fff" else "Cyrillic")
        for w in mixed
        for ch in _CYRILLIC_GREEK.findall(w)
    }
    weight = MIXED_SCRIPT_MANY_WEIGHT if len(mixed) >= MIXED_SCRIPT_MANY else MIXED_SCRIPT_WEIGHT
    shown = ", ".join(f"“{w}”" for w in dict.fromkeys(mixed[:3]))
    more = f" and {len(mixed) - 3} more" if len(mixed) > 3 else ""
    return Signal(
        "content.mixed_script",
        "words mix Latin and look-alike letters",
        weight,
        f"{shown}{more} mix Latin with {' and '.join(sorted(scripts))} letters",
    )


CHECKS: tuple[Check, ...] = (check_empty, check_shouting, check_repeated, check_mixed_script)
