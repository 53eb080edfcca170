"""Campaigns: the same comment posted again and again, found by a 64-bit fingerprint.

A spam run posts one text many times, across pages and from many addresses, with small changes
to slip past exact matching: other white space, capitals, look-alike letters, a rotated link, a
word swapped. The service stores one fingerprint per comment; before a check it finds earlier
comments whose fingerprint is *near* this one's and tells the engine how many there were, from how
many networks and on how many pages (`CampaignMatch` in history.py). The signals in
signals/history.py turn that into "same text as 12 other comments today".

**The fingerprint is a SimHash** (Charikar 2002; Manku, Jain & Das Sarma 2007 used it to find
near-duplicate web pages at Google). Every feature of the text is hashed to 64 bits; bit *i* of
the fingerprint is 1 when most features have bit *i* set. Two texts that share most features agree
on most bits: the expected Hamming distance is 64·θ/π, θ being the angle between the two texts'
feature-count vectors. Near-duplicates are fingerprints at most `NEAR` = 3 bits apart.

Why SimHash and not MinHash: a SimHash is 8 bytes per comment whatever its length, one integer
column, so memory and storage are fixed and bounded; and "at most 3 bits apart" can be answered by
an ordinary B-tree index. Split the 64 bits into 4 bands of 16 (`bands`): if two fingerprints
differ in at most 3 bits, at least one band is identical (pigeonhole), so the store looks up the
comments that share any band (four indexed equality lookups) and checks `distance` on those few.
MinHash estimates Jaccard similarity better, but needs dozens of 32-bit values per comment and an
LSH table of many buckets to search; for a comment store that must stay a plain SQL table on
SQLite, one indexed integer wins.

**What is hashed** is the normalised skeleton (normalise.py), so case, white space, zero-width
characters, full-width and mathematical letters and Cyrillic/Greek look-alikes already give the
identical text and the identical fingerprint. The words of URLs written in the text are dropped
first: a run rotates its links, and the linked domains have their own reputation (reputation.py).
The features are the words (each occurrence counts, as term frequencies do in Charikar's SimHash),
or, for text in a script written without spaces (Chinese, Japanese, Thai…, where a "word" is a
whole clause), character 4-grams. Texts with fewer than 4 distinct words (unspaced text: fewer
than 12 characters) get no fingerprint (`None`): "nice!", "thanks for sharing" and "first" repeat
legitimately all day, and a campaign of them says nothing.

*Words, not word 3-shingles*, was measured. A radius of 3 bits out of 64 means a cosine similarity
of about 0.99 between two texts' features, and a changed word changes three shingles but only one
word. On the spam of the YouTube collection with random words replaced, the share of copies still
within 3 bits was (shingles → words): one word changed in a 30–60-word text 7% → 62%, in a
60–200-word text 13% → 71%; two words in 60–200 words 3% → 52%. Neither puts different comments
together: of the 5,843 distinct fingerprinted texts of the YouTube and SMS collections (17 million
pairs), 22 pairs are within 3 bits, and 21 are real copies (the same spam with a number, a word or
the word order changed, a forwarded chain message, "Sorry, I'll call later in meeting" typed
twice); the 22nd is two messages that share three of their five questions. A word changed in a
short text still lands 5–15 bits away and is *not* called a copy. That is deliberate: a wider
radius needs more, narrower bands, and each extra bit multiplies the candidates a store must check
and the chance that two different short comments collide.

**Hashing** must be identical in every process and on every machine, so Python's `hash()` (salted
per process) is never used: each token gets a 64-bit BLAKE2b hash keyed with a fixed version
string. The majority vote is counted without a loop over bits: each token's hash is cached in a
"spread" form, bit *i* moved to bit 16·*i* of a 1024-bit integer, so adding the spread forms of all
tokens counts all 64 bit positions at once (64 counters of 16 bits side by side); adding
2**15 − 1 − half to every counter sets the top bit of exactly those above half. Words repeat a
lot across comments, so the cache (32,768 tokens, a few MB) turns most of the work into look-ups:
a fingerprint of a 100-character comment costs about 6 µs (docs/reputation.md).
"""

from __future__ import annotations

import re
from functools import lru_cache
from hashlib import blake2b

from .normalise import Normalised, normalise

BITS = 64
MASK = (1 << BITS) - 1
NEAR = 3  # fingerprints at most this many bits apart are copies of one text
BANDS = 4  # NEAR + 1 bands, so that two copies share at least one band exactly
BAND_BITS = BITS // BANDS
MIN_WORDS = 4  # fewer distinct words than this: no fingerprint
MIN_UNSPACED_CHARS = 12  # unspaced scripts: at least this many characters for char 4-grams
HASH_KEY = b"porch campaign v1"  # changing it (or the features) changes every fingerprint

_WORD = re.compile(r"\w+")
# Scripts written without spaces between words: Thai, Lao, Myanmar, Khmer, CJK, kana.
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)


# Counting. Each token's hash is cached in "spread" form: bit i of the hash moved to bit 16·i of a
# 1024-bit integer, so that summing the spread forms of all features counts, in one big-integer
# addition per feature, how many features have each bit set (64 counters of 16 bits side by side).
_FIELD = 16
MAX_FEATURES = (1 << (_FIELD - 1)) - 1  # longer texts are fingerprinted on their first features
_TOP_BITS = sum(1 << (_FIELD * i + _FIELD - 1) for i in range(BITS))
_ONES = sum(1 << (_FIELD * i) for i in range(BITS))
_TO_01 = bytes.maketrans(b"01", b"\x00\x01")
_FROM_01 = bytes.maketrans(b"\x00\x01", b"01")


@lru_cache(maxsize=1 << 15)
def _spread_hash(token: str) -> int:
    """A stable 64-bit hash of one token, each bit i moved to bit 16·i (see above)."""
    digest = blake2b(token.encode("utf-8", "surrogatepass"), digest_size=8, key=HASH_KEY).digest()
    bits = format(int.from_bytes(digest, "little"), "064b")[::-1].encode("ascii").translate(_TO_01)
    spread = bytearray(BITS * _FIELD // 8)
    spread[:: _FIELD // 8] = bits
    return int.from_bytes(spread, "little")


def token_hash(token: str) -> int:
    """The stable 64-bit hash of one token, as the fingerprint uses it (for tests and tools)."""
    return _gather(_spread_hash(token))


def _gather(spread: int) -> int:
    """Bit 16·i of a spread integer back to bit i of a 64-bit integer."""
    raw = spread.to_bytes(BITS * _FIELD // 8, "little")[:: _FIELD // 8]
    return int(raw.translate(_FROM_01)[::-1], 2)


def _features(norm: Normalised) -> list[str] | None:
    """The features of a comment (see the module docstring), or None if it is too short."""
    words: list[str] | tuple[str, ...] = norm.words
    in_urls = {w for link in norm.links if link.source == "text" for w in _WORD.findall(link.url.lower())}
    if in_urls:
        words = [w for w in words if w not in in_urls]
    text = norm.skeleton
    if not text.isascii() and _UNSPACED.search(text):
        chars = "".join(words)
        if len(chars) < MIN_UNSPACED_CHARS:
            return None
        return [chars[i : i + 4] for i in range(min(len(chars) - 3, MAX_FEATURES))]
    if len(words) < MIN_WORDS or len(set(words)) < MIN_WORDS:
        return None
    return list(words[:MAX_FEATURES])


def fingerprint(norm: Normalised | str) -> int | None:
    """The 64-bit SimHash of a comment (0 <= fp < 2**64), or None if it is too short to compare.

    Takes the `Normalised` comment (or raw content, which is normalised first). Deterministic
    across processes, machines and Python versions.
    """
    if isinstance(norm, str):
        norm = normalise(norm)
    features = _features(norm)
    if features is None:
        return None
    counts = sum(map(_spread_hash, features))
    # Bit i is set where more than half the features have it: add (2**15 - 1 - half) to every
    # counter, so that exactly the counters above half reach their top bit.
    half = len(features) // 2
    over = (counts + _ONES * ((1 << (_FIELD - 1)) - 1 - half)) & _TOP_BITS
    return _gather(over >> (_FIELD - 1))


def distance(a: int, b: int) -> int:
    """Hamming distance between two fingerprints (signed or unsigned)."""
    return ((a ^ b) & MASK).bit_count()


def near(a: int, b: int) -> bool:
    """Whether two fingerprints are copies of one text (at most `NEAR` bits apart)."""
    return distance(a, b) <= NEAR


def bands(fp: int) -> list[int]:
    """The 4 bands of 16 bits of a fingerprint, lowest bits first; each 0 <= band < 2**16.

    Two fingerprints within `NEAR` bits share at least one band *at the same position*: index
    each band position separately (band0..band3 columns) and look up `band_i = bands(fp)[i]`.
    """
    fp &= MASK
    mask = (1 << BAND_BITS) - 1
    return [(fp >> (BAND_BITS * i)) & mask for i in range(BANDS)]


def to_signed(fp: int) -> int:
    """A fingerprint as a signed 64-bit integer, for databases without unsigned BIGINT."""
    fp &= MASK
    return fp - (1 << BITS) if fp >= 1 << (BITS - 1) else fp


def from_signed(value: int) -> int:
    """The fingerprint back from its signed 64-bit form."""
    return value & MASK
