"""From a normalised comment to a sparse vector the content model can score.

Three groups of features are hashed into one space of `2**bits` buckets (the "hashing trick": no
vocabulary to store or grow, new words cost nothing, and a model file has a fixed size):

- **words**: unigrams and bigrams of the skeleton (`check out`, `my channel`, `subscribe`);
- **characters**: 3-, 4- and 5-grams of the skeleton with a space at each end, which catch
  misspellings, glued words (`checkoutmy`), URLs and digit patterns that word tokens miss;
- **metadata**: a few tokens about the comment rather than its words (how many links, each link's
  registrable domain, whether the author name has digits or a URL, the length bucket).

Counts are damped (`log1p`) and each group's vector is scaled to unit length before the groups are
joined with fixed group weights, so a long comment does not shout down a short one and no group can
swamp the others. Measured on the TubeSpam and SMS protocols (see docs/engine.md): words alone lose
~2 points of MCC against words + characters; metadata adds little on YouTube (which has no links
metadata) but is what lets site feedback learn a spammer's domain.

Character n-grams are hashed with numpy in one pass (a polynomial rolling hash over code points,
then a 64-bit finaliser), which is what keeps a check well under a millisecond; words go through
`zlib.crc32`. Both are stable across processes and machines (no `hash()` randomisation), so a model
trained on one machine scores identically on another.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import numpy as np

from .normalise import Normalised

DEFAULT_BITS = 20
CHAR_SIZES = (3, 4, 5)
GROUP_WEIGHTS = {"word": 1.0, "char": 1.0, "meta": 0.5}
_MIX = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_POLY = np.uint64(0x100000001B3)
_MAX_CHARS = 5000  # features look at the first 5,000 characters; the rest adds cost, not evidence
_MAX_WORDS = 1000


@dataclass(frozen=True, slots=True)
class Features:
    """A sparse feature vector plus what is needed to explain a score in words."""

    index: np.ndarray  # int64 bucket numbers (a bucket may repeat: values then add up)
    value: np.ndarray  # float32 values, same length; the whole vector has unit length
    # For explanations: each word and bigram's bucket and value, and for each character n-gram
    # occurrence the word it came from.
    phrases: tuple[str, ...]  # the distinct words and bigrams
    phrase_index: np.ndarray  # bucket of each phrase (int64)
    phrase_value: np.ndarray  # value of each phrase's bucket in the vector (float32)
    char_index: np.ndarray  # bucket of every character n-gram occurrence
    char_word: np.ndarray  # for each, the position in `words` of the word it belongs to (-1: none)
    char_value: float  # the value one occurrence of a character n-gram carries
    words: tuple[str, ...]


def _finalise(h: np.ndarray, bits: int) -> np.ndarray:
    h ^= h >> np.uint64(31)
    h *= _MIX
    h ^= h >> np.uint64(29)
    h *= _MIX2
    h ^= h >> np.uint64(32)
    return (h >> np.uint64(64 - bits)).astype(np.int64)


def _hash_strings(tokens: list[str], seed: int, bits: int) -> np.ndarray:
    raw = np.fromiter(
        (zlib.crc32(t.encode("utf-8", "surrogatepass"), seed) for t in tokens), np.uint64, len(tokens)
    )
    return _finalise(raw * _POLY + np.uint64(seed), bits)


def _char_grams(text: str, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Bucket of every 3..5-gram of ` text `, and the middle position of each."""
    padded = " " + text + " "
    cps = np.frombuffer(padded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    hashes, middles = [], []
    with np.errstate(over="ignore"):
        h = None
        for n in range(1, CHAR_SIZES[-1] + 1):
            m = len(cps) - n + 1
            if m <= 0:
                break
            # the hash of each n-gram extends the hash of the (n-1)-gram starting at the same place
            h = cps[:m].copy() if h is None else h[:m] * _POLY + cps[n - 1 : n - 1 + m]
            if n in CHAR_SIZES:
                hashes.append(h + np.uint64(n))
                middles.append(np.arange(m, dtype=np.int64) + n // 2)
    if not hashes:
        empty = np.zeros(0, np.int64)
        return empty, empty
    return _finalise(np.concatenate(hashes), bits), np.concatenate(middles)


def meta_tokens(norm: Normalised) -> list[str]:
    """Tokens about the comment rather than its words."""
    n = len(norm.links)
    tokens = [f"links={min(n, 4)}", f"len={min(int(math.log2(len(norm.text) + 1)), 12)}"]
    for link in norm.links[:20]:
        tokens.append("domain=" + (link.domain or link.host))
        tokens.append("linksource=" + link.source)
    if norm.author_link is not None:
        tokens.append("authorurl=" + (norm.author_link.domain or norm.author_link.host))
    author = norm.author
    if author:
        if any(c.isdigit() for c in author):
            tokens.append("author:digits")
        if "." in author and ("http" in author or "www" in author or ".com" in author):
            tokens.append("author:url")
        tokens.append(f"author:words={min(len(author.split()), 5)}")
    return tokens


def _unit(values: np.ndarray, weight: float) -> np.ndarray:
    norm = float(np.sqrt(np.dot(values, values)))
    return values * (weight / norm) if norm > 0 else values


def extract(norm: Normalised, bits: int = DEFAULT_BITS) -> Features:
    """The feature vector of one normalised comment.

    Buckets may repeat in `index` (two groups, or a rare hash collision, landing in one bucket):
    scoring sums over them, which is what a merged vector would give.
    """
    words = norm.words[:_MAX_WORDS]
    text = norm.skeleton[:_MAX_CHARS]

    # words and bigrams: damped counts, unit length
    counts: dict[str, int] = {}
    for t in words:
        counts[t] = counts.get(t, 0) + 1
    for a, b in zip(words, words[1:]):
        t = f"{a} {b}"
        counts[t] = counts.get(t, 0) + 1
    phrases = tuple(counts)
    phrase_index = _hash_strings(list(phrases), 1, bits)
    phrase_value = _unit(np.log1p(np.fromiter(counts.values(), np.float64, len(counts))), GROUP_WEIGHTS["word"])

    # character n-grams: damped counts per bucket, unit length (a hand-rolled np.unique: the
    # library call costs more than everything else here on short comments)
    char_index, char_pos = _char_grams(text, bits)
    if len(char_index):
        ordered = np.sort(char_index)
        first = np.empty(len(ordered), dtype=bool)
        first[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        char_buckets = ordered[starts]
        char_counts = np.diff(np.append(starts, len(ordered)))
        char_bucket_value = _unit(np.log1p(char_counts), GROUP_WEIGHTS["char"])
        # For explanations each occurrence gets the value of a bucket seen once; the damping of
        # repeats is ignored there, which ranks words the same way at a fraction of the cost.
        char_share = float(char_bucket_value[char_counts == 1][0]) if (char_counts == 1).any() else 0.0
    else:
        char_buckets, char_bucket_value = np.zeros(0, np.int64), np.zeros(0)
        char_share = 0.0

    # metadata tokens: present or not
    meta = list(dict.fromkeys(meta_tokens(norm)))
    meta_index = _hash_strings(meta, 2, bits)
    meta_value = _unit(np.ones(len(meta)), GROUP_WEIGHTS["meta"])

    index = np.concatenate((phrase_index, char_buckets, meta_index))
    value = np.concatenate((phrase_value, char_bucket_value, meta_value))
    total = float(np.sqrt(np.dot(value, value))) or 1.0
    value = (value / total).astype(np.float32)

    # which word each character position belongs to (for explanations)
    word_of_char = np.full(len(text) + 2, -1, dtype=np.int64)
    pos = 0
    for i, w in enumerate(words):
        start = text.find(w, pos)
        if start < 0:
            break
        word_of_char[start + 1 : start + 1 + len(w)] = i
        pos = start + len(w)
    char_word = word_of_char[np.minimum(char_pos, len(word_of_char) - 1)] if len(char_pos) else char_pos
    return Features(
        index=index,
        value=value,
        phrases=phrases,
        phrase_index=phrase_index,
        phrase_value=value[: len(phrases)],
        char_index=char_index,
        char_word=char_word,
        char_value=char_share / total,
        words=words,
    )
