"""How well a filter did, in the words a site owner uses and the numbers papers publish.

A spam filter makes two kinds of mistake and they do not cost the same. Letting spam through costs a
moderator a click; blocking a reader's honest comment costs the site that reader. So the two headline
figures are named for what they mean rather than by their statistics names:

- **spam caught** = TP / (TP + FN), the recall on spam (papers: "SC%", "spam caught").
- **blocked ham** = FP / (FP + TN), the false-positive rate (papers: "BH%", "ham blocked").

Next to them come the figures the literature compares on, so porch's numbers sit beside the published
ones (TubeSpam and the SMS Spam Collection papers report accuracy, SC, BH and MCC):

- **accuracy**, which flatters a filter on skewed data (87% ham SMS: "all ham" scores 0.87);
- **F1** on the spam class;
- **MCC**, Matthews' correlation coefficient in [-1, 1], which stays honest under class imbalance
  and is the single number TubeSpam ranks by;
- **AUC**, the area under the ROC curve, computed from the continuous scores rather than the
  yes/no predictions: the chance that a random spam scores above a random ham. It does not depend on
  where the threshold was put, so it separates "the model ranks well" from "the threshold is wrong".

Every fraction is in [0, 1] (multiply by 100 for the papers' percentages). A figure that is undefined
on the data given is `None`, never NaN and never a made-up 0: spam caught with no spam in the test
set, blocked ham with no ham, AUC when only one class is present, F1 when there is no spam either in
the labels or the predictions, anything when there are no examples. MCC follows scikit-learn's
convention of 0.0 when a row or column of the confusion matrix is empty (the predictor carries no
information). The arithmetic is scikit-learn's (`sklearn.metrics`), so the figures match what other
people compute from the same predictions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sklearn.metrics import confusion_matrix, f1_score, matthews_corrcoef, roc_auc_score

__all__ = ["Scores", "compute", "score"]


@dataclass(frozen=True, slots=True)
class Scores:
    """The outcome of one evaluation: counts, and the figures derived from them."""

    n: int
    tp: int  # spam marked spam
    fp: int  # ham marked spam (a reader's comment blocked)
    tn: int  # ham let through
    fn: int  # spam let through
    accuracy: float | None
    spam_caught: float | None
    blocked_ham: float | None
    f1: float | None
    mcc: float | None
    auc: float | None

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-able values, in field order."""
        return asdict(self)


def _fraction(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def compute(labels: Sequence[bool], predictions: Sequence[bool], scores: Sequence[float]) -> Scores:
    """Scores for `predictions` (True = spam) and spam `scores` (higher = spammier) against `labels`."""
    y = [bool(value) for value in labels]
    predicted = [bool(value) for value in predictions]
    ranked = [float(value) for value in scores]
    if not len(y) == len(predicted) == len(ranked):
        raise ValueError(
            f"labels, predictions and scores differ in length ({len(y)}, {len(predicted)}, {len(ranked)})"
        )
    if any(not math.isfinite(value) for value in ranked):
        raise ValueError("scores must be finite numbers (found NaN or infinity)")
    n = len(y)
    if n == 0:
        return Scores(0, 0, 0, 0, 0, None, None, None, None, None, None)
    (tn, fp), (fn, tp) = confusion_matrix(y, predicted, labels=[False, True]).tolist()
    spam, ham = tp + fn, tn + fp
    f1 = float(f1_score(y, predicted, pos_label=True, zero_division=0.0)) if tp + fp + fn else None
    auc = float(roc_auc_score(y, ranked)) if spam and ham else None
    return Scores(
        n=n,
        tp=tp,
        fp=fp,
        tn=tn,
        fn=fn,
        accuracy=(tp + tn) / n,
        spam_caught=_fraction(tp, spam),
        blocked_ham=_fraction(fp, ham),
        f1=f1,
        # An empty row or column of the confusion matrix makes the formula 0/0; 0.0 is sklearn's value.
        mcc=float(matthews_corrcoef(y, predicted)) if spam and ham and tp + fp and tn + fn else 0.0,
        auc=auc,
    )


def score(labels: Sequence[bool], predictions: Sequence[bool], scores: Sequence[float]) -> dict[str, Any]:
    """`compute(...)` as a dict: n, tp, fp, tn, fn, accuracy, spam_caught, blocked_ham, f1, mcc, auc."""
    return compute(labels, predictions, scores).as_dict()
