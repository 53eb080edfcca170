"""From normalised comments to the sparse vectors the content model can score.

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

**Batches.** Extraction works on a batch of comments at once (`extract_batch`; `extract` is a batch
of one), because numpy charges 2-5 µs per call whatever the array size and one comment needs dozens
of calls. The batch's texts are joined, each framed by its two spaces, and character n-grams are
hashed in one pass over all the code points (a polynomial rolling hash, then a 64-bit finaliser),
dropping the n-grams that would run into the next comment. All words, bigrams and metadata tokens
of the batch are hashed in one list (`zlib.crc32`). Repeated buckets are merged per comment by one
sort on a combined (comment, bucket) key, and every per-comment sum is one `np.bincount`. The result
is a CSR-style `Features` (rows of `index`/`value` delimited by `indptr`), which is what scoring,
explaining and training consume. Measured on a busy two-core machine: ~60-75 µs per YouTube
comment in batches of 256, against ~400 µs one at a time (bench/engine.py has the stream
figures). Hashes are stable across processes and machines (no `hash()` randomisation), so a model
trained on one machine scores identically on another.
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from collections.abc import Sequence
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
    """The sparse feature vectors of a batch of comments, plus what is needed to explain them.

    Row `i` (comment `i`) is `index[indptr[i]:indptr[i+1]]` with the same slice of `value`; a
    bucket may repeat within a row (two groups, or a rare hash collision, landing in one bucket):
    scoring sums over them, which is what a merged vector would give. Rows have unit length.
    """

    indptr: np.ndarray  # int64, one more than there are comments
    index: np.ndarray  # int64 bucket numbers
    value: np.ndarray  # float32 values, same length
    # For explanations, all rows one after another: the distinct words and bigrams of each comment
    # with their bucket and value in the vector; each word position's phrase; and for each
    # character n-gram occurrence the word position it falls in.
    phrases: list[str]
    phrase_ptr: np.ndarray  # int64: row i's phrases are phrases[phrase_ptr[i]:phrase_ptr[i+1]]
    phrase_index: np.ndarray  # bucket of each phrase (int64)
    phrase_value: np.ndarray  # value of each phrase's bucket in the vector (float32)
    phrase_count: np.ndarray  # how often each phrase occurs in its comment (int64)
    word_phrase: np.ndarray  # for each word position (first 1,000 words of each row), its phrase
    char_index: np.ndarray  # bucket of every character n-gram occurrence
    char_word: np.ndarray  # for each, the word position it belongs to (-1: none)
    char_value: np.ndarray  # per row (float64): the value one occurrence of a character n-gram carries

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def rows(self) -> np.ndarray:
        """The row (comment number) of every entry of `index`."""
        return np.repeat(np.arange(len(self)), np.diff(self.indptr))


def _finalise(h: np.ndarray, bits: int) -> np.ndarray:
    h ^= h >> np.uint64(31)
    h *= _MIX
    h ^= h >> np.uint64(29)
    h *= _MIX2
    h ^= h >> np.uint64(32)
    return (h >> np.uint64(64 - bits)).astype(np.int64)


def _hash_strings(tokens: list[str], seed: int, bits: int) -> np.ndarray:
    return _finalise(_raw_string_hashes(tokens, seed), bits)


def _raw_string_hashes(tokens: list[str], seed: int) -> np.ndarray:
    """The hashes of `tokens` before the finaliser (see `_finalise`)."""
    raw = np.fromiter(
        (zlib.crc32(t.encode("utf-8", "surrogatepass"), seed) for t in tokens), np.uint64, len(tokens)
    )
    return raw * _POLY + np.uint64(seed)


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


_SIZES = np.array(CHAR_SIZES, np.uint64)[:, None]
_SIZES_I = np.array(CHAR_SIZES, np.int64)[:, None]


def _char_grams(joined: str, left: np.ndarray):
    """The raw hash of every 3..5-gram of the joined framed texts that stays inside its own text
    (`left`: code points from each position to the end of its text), ordered by size, then
    position; and the position of each n-gram's middle character."""
    size = len(left)
    cps = np.zeros(size + CHAR_SIZES[-1] - 1, np.uint64)
    cps[:size] = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    grams = np.empty((len(CHAR_SIZES), size), np.uint64)
    # the hash of each n-gram extends the hash of the (n-1)-gram starting at the same place
    h = cps[: size + 2] * _POLY + cps[1 : size + 3]
    grams[0] = h[:size] * _POLY + cps[2 : size + 2]
    grams[1] = grams[0] * _POLY + cps[3 : size + 3]
    grams[2] = grams[1] * _POLY + cps[4 : size + 4]
    grams += _SIZES
    at = np.flatnonzero(left >= _SIZES_I)  # n-grams that stay inside their own comment
    size_of, start = np.divmod(at, size)
    return grams.ravel()[at], start + (size_of + CHAR_SIZES[0]) // 2


def _unit_rows(values: np.ndarray, rows: np.ndarray, n: int, weight: float) -> np.ndarray:
    """Each row's values scaled to length `weight` (rows of zero length are left alone)."""
    norm = np.sqrt(np.bincount(rows, weights=values * values, minlength=n))
    factor = np.divide(weight, norm, out=np.ones(n), where=norm > 0)
    return values * factor[rows]


def extract_batch(norms: Sequence[Normalised], bits: int = DEFAULT_BITS) -> Features:
    """The feature vectors of many normalised comments, one row each, in order."""
    n = len(norms)
    if not n:
        return _EMPTY
    texts: list[str] = []
    phrases: list[str] = []
    counts: list[int] = []
    word_phrase: list[int] = []
    meta: list[str] = []
    starts: list[int] = []  # where each word found in its text starts in the joined texts
    lens: list[int] = []  # and its length
    found: list[int] = []  # the word position of each
    sizes = np.empty((3, n), np.int64)  # per row: phrases, metadata tokens, framed code points
    offset = 0
    for row, norm in enumerate(norms):
        words = norm.words[:_MAX_WORDS]
        text = norm.skeleton[:_MAX_CHARS]
        texts.append(text)
        unigrams = Counter(words)
        bigrams = Counter(map(" ".join, zip(words, words[1:])))
        number = dict(zip(unigrams, range(len(phrases), len(phrases) + len(unigrams))))
        phrases += unigrams
        phrases += bigrams
        counts += unigrams.values()
        counts += bigrams.values()
        base = len(word_phrase)
        word_phrase += map(number.__getitem__, words)
        # where each word is, for explanations (a word cut off by _MAX_CHARS ends the search)
        pos = 0
        for w in words:
            start = text.find(w, pos)
            if start < 0:
                break
            starts.append(offset + 1 + start)
            lens.append(len(w))
            pos = start + len(w)
        found += range(base, base + len(starts) - len(found))
        tokens = list(dict.fromkeys(meta_tokens(norm)))
        meta += tokens
        sizes[:, row] = (len(unigrams) + len(bigrams), len(tokens), len(text) + 2)
        offset += len(text) + 2
    n_phrase, n_meta, n_cps = sizes
    rowids = np.arange(n)

    # character n-grams of every text framed by a space at each end, in one pass
    joined = " " + "  ".join(texts) + " "
    cp_row = np.repeat(rowids, n_cps)
    left = np.repeat(np.cumsum(n_cps), n_cps) - np.arange(offset)  # code points to the row's end
    char_raw, char_middle = _char_grams(joined, left)
    # one finaliser for the characters, the words and bigrams (seed 1) and metadata (seed 2)
    buckets = _finalise(
        np.concatenate((char_raw, _raw_string_hashes(phrases, 1), _raw_string_hashes(meta, 2))), bits
    )
    char_index = buckets[: len(char_raw)]
    phrase_index = buckets[len(char_raw) : len(char_raw) + len(phrases)]
    meta_index = buckets[len(char_raw) + len(phrases) :]

    # words and bigrams: damped counts, unit length
    phrase_row = np.repeat(rowids, n_phrase)
    phrase_count = np.array(counts, np.int64)
    phrase_value = _unit_rows(np.log1p(phrase_count), phrase_row, n, GROUP_WEIGHTS["word"])

    # character n-grams: damped counts per (row, bucket), unit length; one sort merges repeats
    keys = np.sort((cp_row[char_middle] << bits) | char_index)
    first = np.empty(len(keys), dtype=bool)
    first[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    firsts = np.flatnonzero(first)
    char_counts = np.diff(np.append(firsts, len(keys)))
    bucket_key = keys[firsts]
    bucket_row = bucket_key >> bits
    bucket_value = _unit_rows(np.log1p(char_counts), bucket_row, n, GROUP_WEIGHTS["char"])
    # For explanations each occurrence gets the value of a bucket seen once; the damping of
    # repeats is ignored there, which ranks words the same way at a fraction of the cost.
    single = char_counts == 1
    char_share = np.zeros(n)
    char_share[bucket_row[single]] = bucket_value[single]

    # metadata tokens: present or not
    meta_row = np.repeat(rowids, n_meta)
    meta_value = np.divide(GROUP_WEIGHTS["meta"], np.sqrt(n_meta), out=np.ones(n), where=n_meta > 0)[meta_row]

    # the whole vector to unit length; each row lists its phrases, character buckets, metadata
    rows = np.concatenate((phrase_row, bucket_row, meta_row))
    value = np.concatenate((phrase_value, bucket_value, meta_value))
    length = np.sqrt(np.bincount(rows, weights=value * value, minlength=n))
    length[length == 0] = 1.0
    value = (value / length[rows]).astype(np.float32)
    index = np.concatenate((phrase_index, bucket_key & ((1 << bits) - 1), meta_index))
    per_group = np.stack((n_phrase, np.bincount(bucket_row, minlength=n), n_meta))
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(per_group.sum(axis=0), out=indptr[1:])
    phrase_value = value[: len(phrases)]
    if n > 1:  # from group after group to row after row
        before = np.cumsum(per_group, axis=1) - per_group  # entries of earlier rows, per group
        within = np.cumsum(per_group, axis=0) - per_group  # earlier groups of the same row
        group_start = np.cumsum(per_group.sum(axis=1)) - per_group.sum(axis=1)
        shift = indptr[:-1] + within - before - group_start[:, None]
        at = np.arange(len(rows)) + np.repeat(shift.ravel(), per_group.ravel())
        by_row_index, by_row_value = np.empty_like(index), np.empty_like(value)
        by_row_index[at], by_row_value[at] = index, value
        index, value = by_row_index, by_row_value

    # which word position each character n-gram falls in (for explanations)
    word_start = np.array(starts, np.int64)
    word_end = word_start + np.array(lens, np.int64)
    k = np.searchsorted(word_start, char_middle, side="right") - 1
    if len(word_start):
        inside = (k >= 0) & (char_middle < word_end[k])
        char_word = np.where(inside, np.array(found, np.int64)[k], -1)
    else:
        char_word = np.full(len(char_middle), -1, np.int64)
    return Features(
        indptr=indptr,
        index=index,
        value=value,
        phrases=phrases,
        phrase_ptr=np.concatenate(([0], np.cumsum(n_phrase))),
        phrase_index=phrase_index,
        phrase_value=phrase_value,
        phrase_count=phrase_count,
        word_phrase=np.array(word_phrase, np.int64),
        char_index=char_index,
        char_word=char_word,
        char_value=char_share / length,
    )


_NONE_I, _NONE_F = np.zeros(0, np.int64), np.zeros(0, np.float32)
_EMPTY = Features(
    np.zeros(1, np.int64),
    _NONE_I,
    _NONE_F,
    [],
    np.zeros(1, np.int64),
    _NONE_I,
    _NONE_F,
    _NONE_I,
    _NONE_I,
    _NONE_I,
    _NONE_I,
    np.zeros(0),
)


def extract(norm: Normalised, bits: int = DEFAULT_BITS) -> Features:
    """The feature vector of one normalised comment (a batch of one)."""
    return extract_batch([norm], bits)
