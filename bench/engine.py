"""Engine speed: `porch check --jsonl` throughput on one core, in-process check latency, model
load time and memory. Targets (issue 2): >= 5,000 comments/s, p50 <= 1 ms, load < 1 s, RSS < 200 MB.

The corpus is the public YouTube (Psy, KatyPerry, LMFAO) and SMS collections from ../shared/data,
repeated to 20,000 lines: real comment lengths, never the held-out videos. The stream runs pinned
to one core (`taskset -c 0`); its start-up (interpreter, imports, model load) is measured apart by a
one-line run and subtracted, as the target is "after start-up".

    python bench/engine.py [--lines 20000] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import ROOT, machine, pct, today, write_section  # noqa: E402

DATA = ROOT.parent / "shared" / "data"


def corpus(lines: int) -> list[bytes]:
    from porch.engine import datasets

    examples = []
    for name in ("Youtube01-Psy", "Youtube02-KatyPerry", "Youtube03-LMFAO"):
        examples += datasets.read_youtube(DATA / "youtube" / f"{name}.csv")
    examples += datasets.read_sms(DATA / "sms" / "SMSSpamCollection")
    rows = [json.dumps(e.submission.to_mapping()).encode() for e in examples]
    return [rows[i % len(rows)] for i in range(lines)]


def run_stream(payload: bytes) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of one `porch check --jsonl` run on one core."""
    cmd = [sys.executable, "-m", "porch.cli", "check", "--jsonl"]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    result = subprocess.run(cmd, input=payload, capture_output=True, check=True)
    elapsed = time.perf_counter() - start
    assert result.stdout.count(b"\n") == payload.count(b"\n"), "one output line per input line"
    return elapsed, max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()

    from porch.engine import Engine, Model, Submission, default_model_path

    lines = corpus(args.lines)
    payload = b"\n".join(lines) + b"\n"
    one = lines[0] + b"\n"

    # Throughput: full run minus a one-line run (start-up), alternated, medians.
    full, startup, rss = [], [], 0
    for _ in range(args.rounds):
        t, r = run_stream(one)
        startup.append(t)
        t, r = run_stream(payload)
        full.append(t)
        rss = max(rss, r)
    stream_s = statistics.median(full) - statistics.median(startup)
    per_second = args.lines / stream_s

    # Model load and in-process latency.
    loads = []
    for _ in range(5):
        start = time.perf_counter()
        Model.load(default_model_path())
        loads.append(time.perf_counter() - start)
    engine = Engine.default()
    subs = [Submission.from_mapping(json.loads(line)) for line in lines[:3000]]
    for sub in subs[:200]:
        engine.check(sub)
    latencies = []
    for sub in subs:
        start = time.perf_counter()
        engine.check(sub)
        latencies.append(time.perf_counter() - start)

    size = default_model_path().stat().st_size
    rows = [
        ("`porch check --jsonl`, one core, after start-up", f"{per_second:,.0f} comments/s", ">= 5,000"),
        ("start-up of `porch check` (one line)", f"{statistics.median(startup):.2f} s", "–"),
        ("one in-process check, p50", f"{pct(latencies, 50) * 1e3:.3f} ms", "<= 1 ms"),
        ("one in-process check, p99", f"{pct(latencies, 99) * 1e3:.3f} ms", "–"),
        ("model load, median of 5", f"{statistics.median(loads) * 1e3:.0f} ms", "< 1 s"),
        ("peak RSS of the stream", f"{rss / 1024:.0f} MB", "< 200 MB"),
        ("model file", f"{size / 1e6:.1f} MB", "< 10 MB"),
    ]
    table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    body = f"""## Engine speed (bench/engine.py)

{today()} on {machine()}; `python bench/engine.py --lines {args.lines}` ({args.rounds} rounds, medians).
Corpus: the YouTube and SMS collections as JSONL, repeated to {args.lines:,} lines.

| measure | result | target |
|---|---|---|
{table}
"""
    print(body)
    if not args.no_write:
        write_section("engine", body)


if __name__ == "__main__":
    main()
