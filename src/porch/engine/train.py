"""Fit the content model from labelled comments, reproducibly.

`fit` turns examples into the hashed feature matrix of features.py (extracted in batches of
`BATCH`), fits an L2-regularised logistic regression with scikit-learn (liblinear: deterministic,
no random state), and calibrates it by Platt scaling on out-of-fold margins (5 stratified folds
with a fixed seed). Same examples in, same weights out, byte for byte; `porch train` adds the manifest (the sha1 of every input file) and
writes the model file.

Measured choices (TubeSpam and cross-site protocols on Psy/KatyPerry/LMFAO, never the held-out
videos; docs/engine.md has the figures):

- C = 30 (weak regularisation): the unit-length feature vectors make margins small, so a strong
  penalty under-fits; C between 10 and 100 is flat within one or two comments per video.
- Class weights "balanced": the collections differ wildly in spam share (SMS 13%, YouTube 50%).
- Each collection weighs at most `SOURCE_CAP` examples' worth (350, one YouTube video): the 5,574
  SMS texts then count like ~350 comments. At full weight they cost 0.02-0.05 MCC on the videos;
  texting spam ("FREE entry, txt WIN to 80086") is a different language from comment spam.
- A site's *own* labelled comments (`Labelled.own`, e.g. the training part of a hold-out test) are
  never capped: they are the best evidence there is about that site. Capping the SMS hold-out's
  1,672 own training texts to 350 cost 0.02 MCC on its test (0.915 vs 0.937) and doubled the ham
  it blocked (0.56% vs 0.29%).
- The SpamAssassin e-mail corpus is *not* in the default recipe: added at any weight from 0.05 to
  1 it lowered MCC on every video (by 0.03 to 0.08). E-mail spam vocabulary marks comment ham that
  says "check", "free", "views" as spam. `porch train --spamassassin` still offers it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .features import DEFAULT_BITS, extract_batch
from .model import Model
from .normalise import normalise
from .submission import Submission

C = 30.0
SOURCE_CAP = 350
FOLDS = 5
BATCH = 512  # comments per feature extraction (bounds memory on long e-mails)


@dataclass(frozen=True, slots=True)
class Labelled:
    submission: Submission
    is_spam: bool
    source: str = ""
    own: bool = False  # the site's own moderated comments: full weight, never capped


def featurise(
    submissions: Iterable[Submission], bits: int = DEFAULT_BITS, progress: Callable[[], None] | None = None
):
    """The CSR matrix of many submissions (rows in input order), extracted in batches."""
    from scipy.sparse import csr_matrix

    indptr, indices, values = [np.zeros(1, np.int64)], [], []
    norms: list = []

    def flush() -> None:
        f = extract_batch(norms, bits)
        indptr.append(f.indptr[1:] + indptr[-1][-1])
        indices.append(f.index)
        values.append(f.value)
        norms.clear()

    for s in submissions:
        norms.append(normalise(s.comment_content, s.comment_author, s.comment_author_url))
        if len(norms) == BATCH:
            flush()
        if progress:
            progress()
    if norms:
        flush()
    indptr_all = np.concatenate(indptr)
    return csr_matrix(
        (
            np.concatenate(values) if values else np.zeros(0, np.float32),
            np.concatenate(indices) if indices else np.zeros(0, np.int64),
            indptr_all,
        ),
        shape=(len(indptr_all) - 1, 2**bits),
        dtype=np.float64,
    )


def sample_weights(sources: Sequence[str], own: Sequence[bool] | None = None) -> np.ndarray:
    """Each source at most `SOURCE_CAP` examples' worth; a site's own examples at full weight."""
    counts = Counter(sources)
    weights = np.array([min(1.0, SOURCE_CAP / counts[s]) for s in sources])
    if own is not None:
        weights[np.asarray(own, dtype=bool)] = 1.0
    return weights


def _fit_lr(X, y, w, c: float):
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=c, solver="liblinear", class_weight="balanced", max_iter=1000)
    lr.fit(X, y, sample_weight=w)
    return lr


def _platt(margins: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000)
    lr.fit(margins.reshape(-1, 1), y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def fit(
    examples: Sequence[Labelled],
    bits: int = DEFAULT_BITS,
    c: float = C,
    progress: Callable[[], None] | None = None,
) -> Model:
    """A calibrated model trained on `examples` (manifest left empty for the caller)."""
    from sklearn.model_selection import StratifiedKFold

    if not examples:
        raise ValueError("no training examples")
    y = np.array([e.is_spam for e in examples], dtype=int)
    if len(set(y.tolist())) < 2:
        raise ValueError("training needs both spam and ham examples")
    X = featurise((e.submission for e in examples), bits, progress)
    w = sample_weights([e.source for e in examples], [e.own for e in examples])
    lr = _fit_lr(X, y, w, c)

    # Platt scaling on out-of-fold margins.
    margins = np.zeros(len(y))
    folds = min(FOLDS, int(min(y.sum(), len(y) - y.sum())))
    if folds >= 2:
        for train_idx, test_idx in StratifiedKFold(folds, shuffle=True, random_state=0).split(X, y):
            fold = _fit_lr(X[train_idx], y[train_idx], w[train_idx], c)
            margins[test_idx] = fold.decision_function(X[test_idx])
        scale, shift = _platt(margins, y)
    else:
        scale, shift = 1.0, 0.0
    model = Model(
        weights=lr.coef_[0].astype(np.float32),
        bias=float(lr.intercept_[0]),
        scale=scale,
        shift=shift,
        bits=bits,
        info={
            "examples": len(y),
            "spam": int(y.sum()),
            "ham": int(len(y) - y.sum()),
            "C": c,
            "sources": dict(sorted(Counter(e.source for e in examples).items())),
        },
    )
    return model
