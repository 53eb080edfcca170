"""The content model: safe files, calibrated scores, bounded online learning, readable reasons."""

import math

import numpy as np
import pytest

from porch.engine import Engine, Model, ModelError, Submission
from porch.engine.core import default_model_path
from porch.engine.features import extract
from porch.engine.normalise import normalise

SPAM = "Hey guys check out my new channel and subscribe!!! http://bit.ly/xyz"
HAM = "This song reminds me of summer 2012, still love it"


def features(text):
    return extract(normalise(text))


@pytest.fixture(scope="module")
def shipped():
    return Model.load(default_model_path())


def test_shipped_model_is_small_and_records_its_training_files(shipped):
    assert default_model_path().stat().st_size < 10_000_000
    files = {entry["file"] for entry in shipped.manifest}
    assert {
        "Youtube01-Psy.csv",
        "Youtube02-KatyPerry.csv",
        "Youtube03-LMFAO.csv",
        "SMSSpamCollection",
    } <= files
    assert all(len(entry["sha1"]) == 40 for entry in shipped.manifest)
    assert not any("Eminem" in f or "Shakira" in f for f in files)  # the held-out videos


def test_scores_read_as_probabilities(shipped):
    spam = 1 / (1 + math.exp(-shipped.logit(features(SPAM))))
    ham = 1 / (1 + math.exp(-shipped.logit(features(HAM))))
    assert spam > 0.9 and ham < 0.2


def test_round_trip_is_byte_identical(shipped, tmp_path):
    path = tmp_path / "m.porch"
    shipped.save(path)
    again = Model.load(path)
    assert again.to_bytes() == shipped.to_bytes()
    assert np.array_equal(again.weights, shipped.weights)


@pytest.mark.parametrize(
    "mangle, message",
    [
        (lambda b: b"\x80\x04pickle" + b, "not a porch model file"),
        (lambda b: b"PORCH-MODEL 9\n" + b[14:], "newer porch"),
        (lambda b: b[:-100], "corrupt"),
        (lambda b: b[:200] + b"x" + b[201:], "corrupt"),
        (lambda b: b"", "not a porch model file"),
    ],
)
def test_corrupt_or_foreign_files_are_refused_clearly(shipped, tmp_path, mangle, message):
    path = tmp_path / "bad.porch"
    path.write_bytes(mangle(shipped.to_bytes()))
    with pytest.raises(ModelError, match=message):
        Model.load(path)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="cannot read model"):
        Model.load(tmp_path / "nope.porch")


def test_one_click_moves_a_comment_by_at_most_the_bounded_step(shipped):
    model = shipped.copy()
    f = features(HAM)
    before = model.logit(f)
    assert model.learn(f, is_spam=True)
    assert 0 < model.logit(f) - before <= 2.0 + 1e-4
    # and it did not flip a clearly-ham comment to spam
    assert model.logit(f) < 0


def test_repeated_feedback_accumulates_and_then_stops(shipped):
    model = shipped.copy()
    f = features(HAM)
    for _ in range(10):
        model.learn(f, is_spam=True)
    assert model.logit(f) >= 2.0 - 1e-4  # now confidently spam
    assert not model.learn(f, is_spam=True)  # already sure: nothing changes


def test_learning_does_not_touch_the_original(shipped):
    copy = shipped.copy()
    copy.learn(features(HAM), True)
    assert not np.array_equal(copy.weights, shipped.weights)


def test_phrases_name_the_spammy_words(shipped):
    verdict = Engine(shipped).check(Submission(comment_content=SPAM))
    spammy = [p.text for p in verdict.phrases if p.weight > 0]
    assert any(word in " ".join(spammy) for word in ("channel", "subscribe", "check"))
