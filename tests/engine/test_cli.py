"""The engine's command line, run as a user runs it: a real `porch` process."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from porch.engine import Model

DATA = Path(__file__).parents[1] / "data" / "datasets"


def porch(*args, stdin: bytes | None = None, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "porch.cli", *map(str, args)],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        timeout=300,
    )


def test_check_one_comment_from_flags():
    result = porch(
        "check",
        "--author",
        "Cheap Pills",
        "--url",
        "http://pills-shop.biz",
        "--text",
        "Buy cheap pills at http://pills-shop.biz now!!!",
    )
    assert result.returncode == 0, result.stderr
    verdict = json.loads(result.stdout)
    assert verdict["spam"] is True and verdict["verdict"] in ("spam", "discard")
    assert any(r.startswith("author name is sales keywords") for r in verdict["reasons"])
    assert any(r.startswith("links to the author's own site") for r in verdict["reasons"])


def test_check_without_text_is_a_clear_error():
    result = porch("check", "--author", "A")
    assert result.returncode == 2
    assert b"--text" in result.stderr and b"Traceback" not in result.stderr


def test_jsonl_stream_answers_every_line_in_order_and_survives_bad_lines():
    lines = [
        json.dumps({"comment_content": "Thanks, this fixed my build", "comment_author": "Ann"}).encode(),
        b"{not json",
        b"\xff\xfe invalid utf-8",
        b"[1, 2, 3]",
        b"",
        json.dumps({"comment_author": "akismet-guaranteed-spam", "comment_content": "hi"}).encode(),
    ]
    result = porch("check", "--jsonl", stdin=b"\n".join(lines) + b"\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(lines)
    assert out[0]["verdict"] == "ham" and out[0]["spam"] is False
    assert out[1]["line"] == 2 and "JSON" in out[1]["error"]
    assert out[2]["line"] == 3 and "UTF-8" in out[2]["error"]
    assert out[3]["line"] == 4 and "object" in out[3]["error"]
    assert out[4] == {"error": "empty line", "line": 5}
    assert out[5]["verdict"] == "spam" and out[5]["score"] == 1.0


def test_a_corrupt_model_is_refused_with_a_message(tmp_path):
    bad = tmp_path / "model.porch"
    bad.write_bytes(b"\x80\x04\x95 a pickle, not a model")
    result = porch("check", "--text", "hi", "--model", bad)
    assert result.returncode == 2
    assert b"not a porch model file" in result.stderr and b"Traceback" not in result.stderr


def tiny_model(tmp_path, *inputs) -> Path:
    out = tmp_path / "tiny.porch"
    result = porch("train", *inputs, "--out", out, "-q")
    assert result.returncode == 0, result.stderr
    return out


def test_train_is_reproducible_and_records_its_inputs(tmp_path):
    inputs = (DATA / "Youtube99-Tiny.csv", DATA / "SMSSpamCollection-tiny", DATA / "comments.jsonl")
    first = tiny_model(tmp_path, *inputs).read_bytes()
    second = tiny_model(tmp_path, *inputs).read_bytes()
    assert first == second
    model = Model.from_bytes(first)
    assert [m["file"] for m in model.manifest] == [
        "Youtube99-Tiny.csv",
        "SMSSpamCollection-tiny",
        "comments.jsonl",
    ]


def test_train_rejects_bad_data_with_file_and_line(tmp_path):
    result = porch("train", DATA / "bad" / "comments-bad.jsonl", "--out", tmp_path / "m.porch")
    assert result.returncode == 2
    assert b"comments-bad.jsonl:" in result.stderr and b"Traceback" not in result.stderr


@pytest.fixture()
def video_dir(tmp_path):
    videos = tmp_path / "videos"
    videos.mkdir()
    (videos / "Youtube99-Tiny.csv").write_bytes((DATA / "Youtube99-Tiny.csv").read_bytes())
    return videos


def test_eval_retrains_without_the_test_file(tmp_path, video_dir):
    model = tiny_model(
        tmp_path, video_dir / "Youtube99-Tiny.csv", DATA / "SMSSpamCollection-tiny", DATA / "comments.jsonl"
    )
    result = porch(
        "eval", "--protocol", "cross-site", video_dir, "--model", model, "--json", "--train-data", DATA
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["protocol"] == "cross-site"
    row = report["results"]["Youtube99-Tiny"]
    assert set(row) >= {"n", "accuracy", "spam_caught", "blocked_ham", "f1", "mcc", "auc"}
    assert all(
        row[k] is None or 0 <= row[k] <= 1 for k in ("accuracy", "spam_caught", "blocked_ham", "f1", "auc")
    )


def test_eval_refuses_when_it_cannot_leave_the_test_file_out(tmp_path, video_dir):
    model = tiny_model(tmp_path, video_dir / "Youtube99-Tiny.csv")
    result = porch("eval", "--protocol", "tubespam", video_dir, "--model", model, "--json")
    assert result.returncode == 2
    assert b"Youtube99-Tiny" in result.stderr and b"Traceback" not in result.stderr


def test_backtest_on_a_generic_csv_with_a_column_map(tmp_path):
    data = tmp_path / "site.csv"
    rows = ["Message;Category;When"]
    for i in range(40):
        if i % 2:
            rows.append(
                f"check out my channel and subscribe {i} http://promo{i % 3}.example.biz;spam;2024-01-{i % 28 + 1:02d}"
            )
        else:
            rows.append(
                f"Interesting point about chapter {i}, thanks for writing it;ham;2024-01-{i % 28 + 1:02d}"
            )
    data.write_text("\n".join(rows) + "\n")
    plot = tmp_path / "plot.png"
    result = porch(
        "backtest", data, "--map", "text=Message,label=Category,date=When", "--json", "--plot", plot
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["n"] == 40 and report["order"] == "date"
    assert report["whole"]["accuracy"] > 0.8 and report["second_half"]["n"] == 20
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_backtest_bad_map_is_a_clear_error(tmp_path):
    result = porch("backtest", DATA / "comments-odd.csv", "--map", "nonsense")
    assert result.returncode == 2 and b"--map" in result.stderr
