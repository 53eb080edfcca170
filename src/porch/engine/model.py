"""The content model: a calibrated linear model over hashed features, that keeps learning.

**Scoring.** A comment's features `x` (features.py, unit length) give a margin `m = w·x + b`; the
calibration turns it into log-odds `logit = a·m + c` and the score is `1 / (1 + e^-logit)`. `w` is
one float32 per hash bucket, so scoring is a gather and a dot product over the comment's few
hundred buckets: microseconds, with numpy and nothing else loaded. Comments are scored in batches
(one gather for all of them, one `np.bincount` for the per-comment sums), because at this size
numpy's per-call cost, not the arithmetic, is what a check pays for.

**Training** (train.py) fits `w, b` with scikit-learn's L2-regularised logistic regression
(liblinear, deterministic) and then fits `a, c` by Platt scaling on out-of-fold margins, so that a
score of 0.9 means about nine in ten such comments were spam in the training data. Logistic
regression already gives probabilities; Platt on held-out folds corrects the over-confidence of a
model that has seen its own training texts.

**Learning online.** `learn(features, is_spam)` is one moderator's click. It is a passive-aggressive
(PA-I, Crammer et al. 2006) step: if the comment is not already `MARGIN` (2.0 logits, p ≈ 0.88) on
the right side, the weights move along the comment's own features just enough to get it there, but
never by more than `max_step` (2.0: odds ×7.4) in this comment's logit; other comments move in
proportion to what they share with it. So one mistaken click cannot flip a site, marking known spam
as spam changes nothing, and the same lesson repeated (a campaign marked copy after copy)
accumulates. Measured against a bounded logistic-gradient step on the TubeSpam protocol, PA-I
learnt a video's training part better in a single pass (docs/engine.md).

**Files.** A model is saved as a small text header and raw arrays, never pickle, so loading a file
cannot run code::

    PORCH-MODEL 1\\n
    <length of the JSON header>\\n
    <JSON header: dimensions, bias, calibration, manifest, sha256 of header and arrays>
    <zlib-compressed little-endian float32 weights>

The same weights always give the same bytes (no timestamps), so `porch train` is reproducible.
The manifest records the sha1 of every file the model was trained on, so evaluation can refuse to
test a model on its own training data.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .features import DEFAULT_BITS, Features
from .verdict import Phrase

MAGIC = b"PORCH-MODEL 1\n"
MAX_STEP = 2.0
MARGIN = 2.0  # learn until the label is this far (in logit) on the right side: p >= 0.88
# float32 weights land a step's target within ~1e-7 logit, on either side; a comment that short of
# MARGIN has been learnt (without this, "already sure: nothing changes" depended on rounding)
TOLERANCE = 1e-4


def _canonical(header: dict) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode()


def _checksum(header: dict, weights: bytes) -> str:
    """sha256 over the header (less this field) and the weights: any changed byte is caught."""
    body = {k: v for k, v in header.items() if k != "sha256"}
    return hashlib.sha256(_canonical(body) + weights).hexdigest()


class ModelError(Exception):
    """A model file that cannot be used: missing, corrupt, foreign or from a newer porch."""


@dataclass
class Model:
    weights: np.ndarray  # float32, 2**bits
    bias: float = 0.0
    scale: float = 1.0  # calibration a
    shift: float = 0.0  # calibration c
    bits: int = DEFAULT_BITS
    manifest: list[dict] = field(default_factory=list)  # [{"file", "sha1", "examples"}]
    info: dict = field(default_factory=dict)  # training parameters and counts, for humans
    learned: int = 0  # online updates applied since training

    @classmethod
    def untrained(cls, bits: int = DEFAULT_BITS) -> Model:
        """A model that knows nothing: every comment scores 0.5 before signals."""
        return cls(np.zeros(2**bits, np.float32), bits=bits)

    # -- scoring -----------------------------------------------------------------------------
    def logits(self, f: Features) -> np.ndarray:
        """The calibrated log-odds of every comment of a batch (float64, one per row)."""
        margins = np.bincount(f.rows(), weights=self.weights[f.index] * f.value, minlength=len(f))
        return self.scale * (margins + self.bias) + self.shift

    def logit(self, f: Features) -> float:
        """The calibrated log-odds of one comment (a batch of one)."""
        return float(self.logits(f)[0])

    def explain(self, f: Features, limit: int = 8) -> list[tuple[Phrase, ...]]:
        """For every comment of a batch, its words and bigrams ranked by how hard they pushed
        the logit.

        A word's push is its own weight plus that of the character n-grams inside it (shared
        between the word's occurrences), so a misspelt or glued spam word ("subscrib",
        "checkout") still shows up by name. The sums are done for the whole batch at once; what
        is left per comment is walking its few phrases above the 0.05 cut-off.
        """
        n, w = len(f), self.weights
        n_phrases = len(f.phrases)
        if not n_phrases:
            return [()] * n
        phrase_row = np.repeat(np.arange(n), np.diff(f.phrase_ptr))
        own = w[f.phrase_index] * f.phrase_value
        inside = f.char_word >= 0
        word_row = phrase_row[f.word_phrase]
        per_word = np.bincount(
            f.char_word[inside], weights=w[f.char_index[inside]], minlength=len(f.word_phrase)
        )
        per_word = per_word * f.char_value[word_row] / f.phrase_count[f.word_phrase]
        # each phrase's own push first, then its word occurrences in order (one bincount)
        contrib = np.bincount(
            np.concatenate((np.arange(n_phrases), f.word_phrase)),
            weights=np.concatenate((own.astype(np.float64), per_word)),
            minlength=n_phrases,
        )
        scaled = contrib * self.scale
        strong = np.flatnonzero(np.abs(scaled) >= 0.05)
        out: list[list[Phrase]] = [[] for _ in range(n)]
        if not len(strong):
            return [()] * n
        # strongest first within each comment; ties keep the phrase order
        strong = strong[np.lexsort((strong, -np.abs(contrib[strong]), phrase_row[strong]))]
        taken: dict[int, set[str]] = {}
        phrases = f.phrases
        for j, row, c in zip(strong.tolist(), phrase_row[strong].tolist(), scaled[strong].tolist()):
            listed = out[row]
            if len(listed) >= limit:
                continue
            text = phrases[j]
            seen = taken.setdefault(row, set())
            parts = text.split(" ")
            if text in seen or any(p in seen for p in parts):
                continue  # a bigram adds nothing once its words are listed, and vice versa
            seen.update(parts)
            seen.add(text)
            listed.append(Phrase(text, round(c, 3)))
        return [tuple(p) for p in out]

    def phrases(self, f: Features, limit: int = 8) -> tuple[Phrase, ...]:
        """The explaining phrases of one comment (a batch of one); see `explain`."""
        return self.explain(f, limit)[0]

    # -- learning ----------------------------------------------------------------------------
    def learn(self, f: Features, is_spam: bool, max_step: float = MAX_STEP) -> bool:
        """One bounded step towards the moderator's label; returns whether weights changed."""
        if not len(f.index):
            return False
        target = 1.0 if is_spam else -1.0
        shortfall = MARGIN - target * self.logit(f)
        if shortfall <= TOLERANCE:
            return False
        # Passive-aggressive (PA-I): the smallest change that puts this comment MARGIN on the
        # right side, but never more than max_step in logit for this very comment.
        step = min(max_step, shortfall) * target
        norm_sq = float(np.dot(f.value, f.value)) or 1.0
        np.add.at(self.weights, f.index, ((step / (self.scale * norm_sq)) * f.value).astype(np.float32))
        self.learned += 1
        return True

    def copy(self) -> Model:
        return Model(
            self.weights.copy(),
            self.bias,
            self.scale,
            self.shift,
            self.bits,
            [dict(m) for m in self.manifest],
            dict(self.info),
            self.learned,
        )

    # -- files -------------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        weights = np.ascontiguousarray(self.weights, dtype="<f4").tobytes()
        header = {
            "format": 1,
            "kind": "porch linear model over hashed features",
            "bits": self.bits,
            "bias": self.bias,
            "calibration": {"scale": self.scale, "shift": self.shift},
            "learned": self.learned,
            "manifest": self.manifest,
            "info": self.info,
        }
        header["sha256"] = _checksum(header, weights)
        head = _canonical(header)
        return MAGIC + str(len(head)).encode() + b"\n" + head + zlib.compress(weights, 9)

    def save(self, path: str | Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(self.to_bytes())
        tmp.replace(path)

    @classmethod
    def from_bytes(cls, data: bytes, name: str = "model") -> Model:
        if not data.startswith(MAGIC):
            if data.startswith(b"PORCH-MODEL"):
                raise ModelError(f"{name} was written by a newer porch; upgrade porch to read it")
            raise ModelError(f"{name} is not a porch model file (it does not start with {MAGIC!r})")
        try:
            rest = data[len(MAGIC) :]
            length_line, rest = rest.split(b"\n", 1)
            length = int(length_line)
            header = json.loads(rest[:length])
            weights_bytes = zlib.decompress(rest[length:])
            bits = int(header["bits"])
            if not 8 <= bits <= 26 or len(weights_bytes) != 4 * 2**bits:
                raise ValueError("weights do not match the declared size")
            if _checksum(header, weights_bytes) != header.get("sha256"):
                raise ValueError("checksum mismatch (the file was changed or truncated)")
            weights = np.frombuffer(weights_bytes, dtype="<f4").astype(np.float32)
            if not np.isfinite(weights).all():
                raise ValueError("weights contain NaN or infinity")
            cal = header["calibration"]
            return cls(
                weights=weights,
                bias=float(header["bias"]),
                scale=float(cal["scale"]),
                shift=float(cal["shift"]),
                bits=bits,
                manifest=list(header.get("manifest", [])),
                info=dict(header.get("info", {})),
                learned=int(header.get("learned", 0)),
            )
        except (ValueError, KeyError, TypeError, zlib.error, json.JSONDecodeError) as exc:
            raise ModelError(f"{name} is corrupt: {exc}") from None

    @classmethod
    def load(cls, path: str | Path) -> Model:
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ModelError(f"cannot read model {path}: {exc.strerror or exc}") from None
        return cls.from_bytes(data, str(path))

    def trained_on(self, sha1: str) -> bool:
        return any(entry.get("sha1") == sha1 for entry in self.manifest)
