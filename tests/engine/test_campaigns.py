"""Campaign fingerprints: copies of one text land within NEAR bits, different comments do not.

The texts are real comment spam in the shapes it comes in (the YouTube collection's "check out my
channel", link-building praise, fake support lines) with the edits spam runs make between copies.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from porch.engine.campaigns import BANDS, NEAR, bands, distance, fingerprint, from_signed, near, to_signed
from porch.engine.normalise import normalise

SPAM = (
    "Hey guys! I just started a channel where I review the newest phones and gadgets every week. "
    "It would mean the world to me if you could check out my latest video, leave a like and "
    "subscribe. I reply to every single comment and I am giving away a free phone when I reach "
    "one thousand subscribers. Thank you so much and have a great day everyone!"
)
# The stored fingerprint of STABLE, computed once: any change to hashing or features breaks it
# (and with it every fingerprint in every site's database), so it must never change silently.
STABLE = "Great article! I found it really useful, check out my site for cheap SEO services and more tips."
STABLE_FP = 0xC4AB24183B7E6002


def test_fingerprint_is_stable_across_releases():
    assert fingerprint(STABLE) == STABLE_FP


def test_fingerprint_is_the_same_in_another_process():
    # A fresh interpreter has another hash() salt: the fingerprint must not depend on it.
    code = f"from porch.engine.campaigns import fingerprint; print(fingerprint({STABLE!r}))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345"},
    )
    assert int(out.stdout) == STABLE_FP


@pytest.mark.parametrize(
    "copy",
    [
        SPAM.upper(),  # shouting
        "  ".join(SPAM.split(" ")).replace(". ", ".\n\n"),  # other white space and line breaks
        SPAM.replace("o", "о").replace("a", "а").replace("e", "е"),  # Cyrillic look-alikes
        SPAM.replace("channel", "ｃｈａｎｎｅｌ").replace("free", "𝐟𝐫𝐞𝐞"),  # full-width, maths letters
        SPAM.replace("subscribe", "sub\u200bscribe"),  # zero-width space
        SPAM.replace("!", "!!!").replace(".", " ..."),  # punctuation
        SPAM + " https://gadget-reviews.example.com/watch?v=8812",  # a link added
        SPAM.replace("phones", "tablets"),  # a word changed
    ],
)
def test_a_copy_of_a_spam_text_stays_near(copy):
    a, b = fingerprint(SPAM), fingerprint(copy)
    assert a is not None and b is not None
    assert distance(a, b) <= NEAR, distance(a, b)
    assert near(a, b)


def test_one_word_changed_anywhere_in_a_long_spam_usually_stays_near():
    # A 3-bit radius is a cosine similarity of about 0.99: one word in 67 is at its edge. Most
    # such edits stay within NEAR, and none lands far (measured: 43 of 67 within 3, all within 6).
    words = SPAM.split(" ")
    base = fingerprint(SPAM)
    found = []
    for i in range(len(words)):
        edited = words[:i] + ["banana"] + words[i + 1 :]
        found.append(distance(base, fingerprint(" ".join(edited))))
    assert sum(d <= NEAR for d in found) > len(found) / 2
    assert max(found) <= 2 * NEAR


def test_a_word_changed_in_a_short_comment_is_a_different_comment():
    # Short comments differ by one word legitimately ("thanks for the great article, John").
    a = fingerprint("Thanks for the great article about the new bridge, John")
    b = fingerprint("Thanks for the great article about the new station, John")
    assert distance(a, b) > NEAR


def test_a_rotated_link_does_not_make_a_new_text():
    one = fingerprint("Really helpful post, I learned a lot. More here: http://cheap-pills.example.biz/a1")
    two = fingerprint("Really helpful post, I learned a lot. More here: https://pills-online.example.net/zz9")
    assert one == two


@pytest.mark.parametrize(
    "other",
    [
        "Hey guys! I just started a blog where I write about gardening. Please read my latest post "
        "about tomatoes and tell me what you think, I reply to every comment.",
        "I disagree with the second point: the council already voted on the budget in March, and "
        "the minutes are public. The article should have said so.",
        "Thank you for this recipe, I made it for my family last night and everyone loved it. "
        "I used less sugar and it was still great.",
    ],
)
def test_a_different_comment_is_far(other):
    assert distance(fingerprint(SPAM), fingerprint(other)) > 3 * NEAR


@pytest.mark.parametrize(
    "short", ["nice!", "First", "thanks for sharing", "great great great great", "", "   "]
)
def test_short_texts_get_no_fingerprint(short):
    # These repeat legitimately all day; a "campaign" of them means nothing.
    assert fingerprint(short) is None


def test_a_link_alone_gets_no_fingerprint():
    assert fingerprint("http://cheap-pills.example.biz/buy-now-online-today") is None


def test_unspaced_scripts_are_fingerprinted_by_characters():
    text = "这篇文章写得非常好，我学到了很多东西，谢谢作者的分享"
    copy = text.replace("非常", "很")
    a, b = fingerprint(text), fingerprint(copy)
    assert a is not None and b is not None
    assert distance(a, b) < distance(a, fingerprint("今天的天气很好，我们一起去公园散步吧，然后吃晚饭"))
    assert fingerprint("谢谢分享") is None  # four characters: too short


def test_fingerprint_takes_the_normalised_comment_or_raw_content():
    assert fingerprint(normalise(SPAM)) == fingerprint(SPAM)


def test_bands_find_the_neighbour():
    a = fingerprint(SPAM)
    b = fingerprint(SPAM.replace("phones", "tablets"))
    far = fingerprint("I disagree with the second point: the council already voted on the budget in March.")
    assert len(bands(a)) == BANDS and all(0 <= band < 2**16 for band in bands(a))
    # A store indexes band i in its own column: a neighbour shares a band at the same position.
    assert any(x == y for x, y in zip(bands(a), bands(b)))
    assert not any(x == y for x, y in zip(bands(a), bands(far)))


def test_pigeonhole_any_three_flipped_bits_share_a_band():
    a = STABLE_FP
    for bits in [(0, 1, 2), (0, 16, 32), (15, 31, 47), (63, 48, 20), (5, 21, 53)]:
        b = a
        for bit in bits:
            b ^= 1 << bit
        assert distance(a, b) == 3
        assert any(x == y for x, y in zip(bands(a), bands(b)))


def test_signed_round_trip_for_databases():
    for fp in (0, 1, 2**63 - 1, 2**63, 2**64 - 1, STABLE_FP):
        signed = to_signed(fp)
        assert -(2**63) <= signed < 2**63
        assert from_signed(signed) == fp
    assert distance(to_signed(STABLE_FP), STABLE_FP) == 0


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_fingerprint_never_raises_and_is_deterministic(text):
    fp = fingerprint(text)
    assert fp is None or 0 <= fp < 2**64
    assert fingerprint(text) == fp


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=12),
        min_size=4,
        max_size=60,
    )
)
def test_fingerprint_of_word_lists(words):
    text = " ".join(words)
    fp = fingerprint(text)
    assert fp is None or 0 <= fp < 2**64
    assert fingerprint(text.upper()) == fingerprint(text.upper())
