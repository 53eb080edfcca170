"""Evaluation figures, checked against values worked out by hand."""

from __future__ import annotations

import math

import pytest

from porch.engine.metrics import Scores, compute, score

S, H = True, False


def test_a_mixed_result_worked_by_hand():
    # 4 spam, 6 ham. Caught 3 spam (tp 3, fn 1); blocked 1 ham (fp 1, tn 5).
    labels = [S, S, S, S, H, H, H, H, H, H]
    predicted = [S, S, S, H, S, H, H, H, H, H]
    scores = [0.9, 0.8, 0.7, 0.3, 0.6, 0.4, 0.2, 0.1, 0.05, 0.0]
    result = score(labels, predicted, scores)
    assert (result["tp"], result["fp"], result["tn"], result["fn"], result["n"]) == (3, 1, 5, 1, 10)
    assert result["accuracy"] == pytest.approx(8 / 10)
    assert result["spam_caught"] == pytest.approx(3 / 4)
    assert result["blocked_ham"] == pytest.approx(1 / 6)
    # precision 3/4, recall 3/4 -> F1 3/4
    assert result["f1"] == pytest.approx(0.75)
    # MCC = (tp*tn - fp*fn) / sqrt((tp+fp)(tp+fn)(tn+fp)(tn+fn)) = (15 - 1) / sqrt(4*4*6*6) = 14/24
    assert result["mcc"] == pytest.approx(14 / 24)
    # Of the 24 spam/ham pairs, the spam scoring 0.3 is beaten by the ham at 0.6 and 0.4: 22/24.
    assert result["auc"] == pytest.approx(22 / 24)


def test_keys_are_the_documented_ones():
    result = score([S, H], [S, H], [1.0, 0.0])
    assert list(result) == [
        "n",
        "tp",
        "fp",
        "tn",
        "fn",
        "accuracy",
        "spam_caught",
        "blocked_ham",
        "f1",
        "mcc",
        "auc",
    ]
    assert all(result[key] == 1.0 for key in ("accuracy", "spam_caught", "f1", "mcc", "auc"))
    assert result["blocked_ham"] == 0.0


def test_compute_returns_the_dataclass():
    result = compute([S, H, H], [S, S, H], [0.9, 0.6, 0.1])
    assert isinstance(result, Scores)
    assert result.fp == 1 and result.blocked_ham == pytest.approx(0.5)
    assert result.as_dict() == score([S, H, H], [S, S, H], [0.9, 0.6, 0.1])


def test_auc_comes_from_the_scores_not_the_predictions():
    # Every prediction is wrong at the 0.5 threshold, but the ranking is perfect.
    result = score([S, S, H, H], [H, H, S, S], [0.45, 0.40, 0.9, 0.8])
    assert result["accuracy"] == 0.0
    assert result["mcc"] == pytest.approx(-1.0)
    assert result["auc"] == pytest.approx(0.0)
    result = score([S, S, H, H], [H, H, H, H], [0.45, 0.40, 0.3, 0.1])
    assert result["auc"] == pytest.approx(1.0)
    assert result["spam_caught"] == 0.0


def test_ties_in_scores_count_half():
    result = score([S, H], [S, S], [0.5, 0.5])
    assert result["auc"] == pytest.approx(0.5)


def test_only_ham_leaves_spam_figures_undefined():
    result = score([H, H, H], [H, S, H], [0.1, 0.7, 0.2])
    assert result["spam_caught"] is None
    assert result["auc"] is None
    assert result["blocked_ham"] == pytest.approx(1 / 3)
    assert result["accuracy"] == pytest.approx(2 / 3)
    assert result["f1"] == 0.0  # it predicted spam where there was none
    assert result["mcc"] == 0.0


def test_only_ham_predicted_ham_has_no_f1():
    result = score([H, H], [H, H], [0.1, 0.2])
    assert result["f1"] is None and result["auc"] is None
    assert result["accuracy"] == 1.0 and result["blocked_ham"] == 0.0


def test_only_spam_leaves_blocked_ham_undefined():
    result = score([S, S], [S, H], [0.9, 0.2])
    assert result["blocked_ham"] is None and result["auc"] is None
    assert result["spam_caught"] == pytest.approx(0.5)
    assert result["f1"] == pytest.approx(2 / 3)


def test_nothing_to_score():
    result = score([], [], [])
    assert result["n"] == 0
    assert all(result[key] is None for key in ("accuracy", "spam_caught", "blocked_ham", "f1", "mcc", "auc"))


def test_every_figure_is_a_fraction_or_none():
    result = score([S, H, S, H, S], [S, S, H, H, S], [0.8, 0.7, 0.2, 0.1, 0.6])
    for key in ("accuracy", "spam_caught", "blocked_ham", "f1", "auc"):
        assert 0.0 <= result[key] <= 1.0
    assert -1.0 <= result["mcc"] <= 1.0
    assert not any(isinstance(value, float) and math.isnan(value) for value in result.values())


def test_mismatched_lengths_and_nan_scores_are_refused():
    with pytest.raises(ValueError, match="differ in length"):
        score([S, H], [S], [0.1, 0.2])
    with pytest.raises(ValueError, match="finite"):
        score([S, H], [S, H], [float("nan"), 0.2])
