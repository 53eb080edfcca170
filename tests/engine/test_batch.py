"""Checking in batches: the same answers as one by one, and a stream that answers as lines arrive."""

import json
import subprocess
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest

from porch.engine import Engine, Submission
from porch.engine.features import extract, extract_batch
from porch.engine.normalise import normalise
from porch.engine.train import featurise

DATA = Path(__file__).parents[1] / "data" / "datasets"
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)

# Real-looking comments of every shape: short, long, empty, links, HTML, look-alikes, repeats,
# a text past the 5,000-character cut (a word straddles it) and more than 1,000 words.
COMMENTS = [
    Submission(comment_content="Hey guys check out my new channel and subscribe!!! http://bit.ly/xyz"),
    Submission(comment_content="This song reminds me of summer 2012, still love it", comment_author="Ann"),
    Submission(comment_content=""),
    Submission(comment_content="a"),
    Submission(comment_content="ｆｒｅｅ ｖіаgrа at <a href='http://pills.example.biz'>my shop</a>"),
    Submission(
        comment_content="lol lol lol lol lol",
        comment_author="xXgamer99Xx",
        comment_author_url="http://gamer.example",
    ),
    Submission(comment_content="FREE entry in 2 a wkly comp to win FA Cup final tkts. Text FA to 87121"),
    Submission(comment_content="checkoutmychannel " * 300 + "subscribe"),
    Submission(comment_content=" ".join(f"word{i}" for i in range(1500))),
    Submission(comment_content="Great explanation, thanks!", comment_author="akismet-guaranteed-spam"),
    Submission(comment_content="[url=http://cheap.example.ru]cheap[/url] visit www.deals.example.com"),
]


@pytest.fixture(scope="module")
def engine():
    return Engine.default()


def _comparable(verdict):
    return (
        verdict.verdict,
        round(verdict.score, 6),
        round(verdict.model_score, 6),
        verdict.reasons(),
        [(p.text, round(p.weight, 3)) for p in verdict.phrases],
    )


def test_a_batch_gives_the_same_verdicts_as_one_by_one(engine):
    one_by_one = [_comparable(engine.check(s, now=NOW)) for s in COMMENTS]
    batched = [_comparable(v) for v in engine.check_many(COMMENTS, now=NOW)]
    assert batched == one_by_one
    # and the position of a comment in its batch changes nothing
    reversed_batch = [_comparable(v) for v in engine.check_many(COMMENTS[::-1], now=NOW)]
    assert reversed_batch[::-1] == one_by_one
    assert engine.check_many([], now=NOW) == []


def test_batched_features_are_the_single_comment_features_row_by_row():
    norms = [normalise(s.comment_content, s.comment_author, s.comment_author_url) for s in COMMENTS]
    batch = extract_batch(norms)
    assert len(batch) == len(norms)
    for i, norm in enumerate(norms):
        one = extract(norm)
        rows = slice(batch.indptr[i], batch.indptr[i + 1])
        assert np.array_equal(batch.index[rows], one.index)
        assert np.array_equal(batch.value[rows], one.value)
        assert batch.phrases[batch.phrase_ptr[i] : batch.phrase_ptr[i + 1]] == one.phrases
    # the training matrix is the same rows
    matrix = featurise(COMMENTS)
    assert matrix.shape[0] == len(COMMENTS)
    assert np.array_equal(matrix.indptr, batch.indptr)
    assert np.array_equal(matrix.indices, batch.index)


def test_jsonl_answers_a_line_before_stdin_is_closed():
    proc = subprocess.Popen(
        [sys.executable, "-m", "porch.cli", "check", "--jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    answers: list[bytes] = []
    reader = threading.Thread(target=lambda: answers.append(proc.stdout.readline()), daemon=True)
    reader.start()
    try:
        line = {"comment_author": "akismet-guaranteed-spam", "comment_content": "hello"}
        proc.stdin.write(json.dumps(line).encode() + b"\n")
        proc.stdin.flush()
        reader.join(timeout=60)  # start-up included; the answer must not wait for end of input
        assert answers and answers[0], "no answer while stdin was still open"
        assert json.loads(answers[0])["verdict"] == "spam"
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == 0


def test_jsonl_stream_of_many_lines_keeps_order_and_numbers_bad_lines():
    good = [json.dumps(s.to_mapping()).encode() for s in COMMENTS]
    lines = good * 60 + [b"{not json"] + good  # more than one chunk, a bad line late
    result = subprocess.run(
        [sys.executable, "-m", "porch.cli", "check", "--jsonl"],
        input=b"\n".join(lines),
        capture_output=True,
        timeout=300,  # no final newline
    )
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(lines)
    assert out[len(good) * 60] == {"error": out[len(good) * 60]["error"], "line": len(good) * 60 + 1}
    engine = Engine.default()
    expected = [engine.check(s).to_dict()["verdict"] for s in COMMENTS]
    assert [o["verdict"] for o in out[: len(good)]] == expected
    assert [o["verdict"] for o in out[-len(good) :]] == expected
