"""Benchmark: Akismet comment-check over HTTP on loopback against `porch serve --workers 2`.

Measures, in one run against one server:

1. throughput of `POST /1.1/comment-check` (a rotating set of real-looking comments) and of the
   same server's trivial endpoint `GET /health` (the stack's ceiling: uvicorn + FastAPI doing no
   work), with `wrk` (Debian's package, installed with apt-get if missing), alternating
   trivial / check / trivial / check so that both see the same machine state;
2. latency at a paced 500 requests/s: an open-loop asyncio client sends on a fixed schedule and
   measures from the *scheduled* send time (no coordinated omission), p50/p99/max;
3. feedback to effect on another worker: a second server on the same database stands for the other
   worker (with one port and two workers there is no way to pick the worker that answers); submit
   spam to the first, poll the second's model score until it moves; 20 trials.

The figures go into docs/benchmarks.md, replacing this script's own section, with the date, the
machine (nproc, CPU model) and the exact command. Run: `.venv/bin/python bench/http_check.py`.
The load generator shares the machine with the server: on a 2-core machine that costs the
server part of a core, which the report says.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import DOC, machine, pct, write_section  # noqa: E402

COMMENTS = [
    "Great article, thanks for writing it! The part about soil pH finally made sense to me.",
    "I tried this recipe last night and it came out a bit dry. Would less flour help?",
    "Check out http://cheap-pills.example for the best prices on meds, no prescription!!!",
    "Does anyone know if the library on Main Street is open on Sundays during the summer?",
    "Earn $5000 a week from home, click here http://money.example and start today",
    "My grandmother used to make these every Christmas, brings back so many memories.",
    "The council vote was 7-2, not 6-3 as reported. Please correct the second paragraph.",
    "Follow me on instagram for more travel photos and giveaways every week",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def porch(*args: str, env: dict) -> str:
    return subprocess.run(
        [sys.executable, "-m", "porch.cli", *args], env=env, check=True, capture_output=True, text=True
    ).stdout


def start(port: int, workers: int, env: dict, log: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "porch.cli", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=open(log, "wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                time.sleep(1.0 if workers > 1 else 0)  # let every worker finish starting
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"server did not start; see {log}")


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    subprocess.run(["apt-get", "update", "-qq"], check=False)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or "wrk"


def body(key: str, i: int) -> str:
    return urlencode(
        {
            "api_key": key,
            "blog": "https://bench.example",
            "user_ip": f"198.51.{i % 250}.{(i * 7) % 250}",
            "user_agent": "Mozilla/5.0",
            "comment_type": "comment",
            "comment_author": f"Reader {i}",
            "comment_author_email": f"reader{i}@example.com",
            "permalink": f"https://bench.example/post/{i % 20}",
            "comment_content": COMMENTS[i % len(COMMENTS)],
        }
    )


def cpu_seconds(proc: subprocess.Popen) -> float:
    """CPU time (user + system) of the server: `porch serve` and its worker processes."""
    parent = psutil.Process(proc.pid)
    return sum(sum(p.cpu_times()[:2]) for p in [parent, *parent.children(recursive=True)])


def wrk(
    wrk_bin: str,
    url: str,
    seconds: int,
    connections: int,
    script: Path | None,
    server: subprocess.Popen | None = None,
) -> dict:
    cmd = [wrk_bin, "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    if script:
        cmd += ["-s", str(script)]
    cpu = cpu_seconds(server) if server else 0.0
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    cpu = cpu_seconds(server) - cpu if server else 0.0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "non2xx": int(errors.group(1)) if errors else 0,
        "raw": out,
        "cpu_per_request": cpu / max(total, 1),
    }


def engine_alone(batch: int = 16, n: int = 4000) -> float:
    """Seconds per check of `Engine.check_many` in this process on comments like wrk's, in batches
    like a busy worker's: the engine's share of a check, without HTTP, history reads or the log."""
    from porch.engine import Engine
    from porch.engine.submission import Submission

    engine = Engine.default()
    rng = random.Random(3)
    subs = []
    for i in range(n):
        fields = {k: v for k, v in parse_qsl(body("k", i)) if k != "api_key"}
        fields["comment_content"] = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30)))
        subs.append(Submission.from_mapping(fields))
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        for k in range(0, n, batch):
            engine.check_many(subs[k : k + batch])
        best = min(best, (time.process_time() - t0) / n)
    return best


WORDS = sorted(set(" ".join(COMMENTS).lower().replace("!", " ").replace(",", " ").replace(".", " ").split()))


def wrk_script(key: str, path: Path) -> Path:
    """Each request a different comment: 8-30 words drawn from the sample comments' vocabulary
    (real traffic is mostly unique text; one text repeated would be a campaign, a different test)."""
    bodies = ",\n".join(json.dumps(body(key, i)) for i in range(64))
    words = ", ".join(json.dumps(w) for w in WORDS)
    path.write_text(
        "local bodies = {\n" + bodies + "\n}\nlocal words = {" + words + "}\nlocal i = 0\n"
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        "request = function()\n  i = i % #bodies + 1\n  local t = {}\n"
        "  for k = 1, math.random(8, 30) do t[k] = words[math.random(#words)] end\n"
        '  local text = table.concat(t, "+")\n'
        '  return wrk.format(nil, nil, nil, (bodies[i]:gsub("comment_content=[^&]*", "comment_content=" .. text)))\nend\n'
    )
    return path


async def paced(port: int, key: str, rate: int, seconds: float, connections: int = 32) -> list[float]:
    """Open-loop load: request k is due at start + k/rate; latency counts from when it was due."""
    queue: asyncio.Queue = asyncio.Queue()
    latencies: list[float] = []

    async def worker():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while True:
            item = await queue.get()
            if item is None:
                writer.close()
                return
            due, payload = item
            writer.write(payload)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"content-length: (\d+)", head, re.I).group(1))
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - due)

    payloads = []
    rng = random.Random(7)
    for i in range(2000):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30)))
        b = body(key, i).replace("comment_content=", "x=") + "&" + urlencode({"comment_content": text})
        b = b.encode()
        payloads.append(
            b"POST /1.1/comment-check HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
            + str(len(b)).encode()
            + b"\r\n\r\n"
            + b
        )
    workers = [asyncio.create_task(worker()) for _ in range(connections)]
    start = time.perf_counter() + 0.2
    total = int(rate * seconds)
    for k in range(total):
        due = start + k / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((due, payloads[k % len(payloads)]))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    return latencies


def feedback_latency(a: str, b: str, keys: list[str]) -> list[float]:
    """One trial per site (each site learns alone, from the shipped model): a lesson the model has
    already taken to heart (past its margin) changes nothing, by design, and would show no effect."""
    out = []
    with httpx.Client(timeout=10) as ca, httpx.Client(timeout=10) as cb:
        for t, key in enumerate(keys):
            # a comment the shipped model takes for ham: feedback that the model already agrees
            # with (p >= 0.99) changes nothing, by design, and would never show an effect
            text = f"Trial {t}: our family bakery now delivers fresh sourdough and rolls across the city, batch {t * 31}"
            check = lambda: cb.post(
                b + "/api/v1/check",
                headers={"Authorization": f"Bearer {key}"},
                json={"comment_content": text, "is_test": True},
            ).json()["model_score"]
            before = check()
            sent = time.perf_counter()
            answer = ca.post(
                a + "/api/v1/feedback",
                headers={"Authorization": f"Bearer {key}"},
                json={"label": "spam", "comment_content": text},
            )
            while check() == before:
                if time.perf_counter() - sent > 10:
                    print(
                        f"feedback had no effect on the other server: {answer.status_code} {answer.text} "
                        f"(score {before})",
                        file=sys.stderr,
                    )
                    break
                time.sleep(0.005)
            out.append(time.perf_counter() - sent)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--no-write", action="store_true", help="print, do not touch docs/benchmarks.md")
    args = parser.parse_args()
    wrk_bin = ensure_wrk()
    tmp = Path(tempfile.mkdtemp(prefix="porch-bench-"))
    env = {**os.environ, "PORCH_DATA_DIR": str(tmp), "PORCH_KEY_RATE_PER_SECOND": "0"}
    key = json.loads(porch("site", "add", "https://bench.example", "--json", env=env))["api_key"]
    port = free_port()
    server = start(port, 2, env, tmp / "a.log")
    other = None
    try:
        base = f"http://127.0.0.1:{port}"
        script = wrk_script(key, tmp / "check.lua")
        wrk(wrk_bin, base + "/1.1/comment-check", 3, args.connections, script)  # warm up
        runs = {"trivial": [], "check": []}
        for _ in range(2):
            runs["trivial"].append(
                wrk(wrk_bin, base + "/health", args.seconds, args.connections, None, server)
            )
            runs["check"].append(
                wrk(wrk_bin, base + "/1.1/comment-check", args.seconds, args.connections, script, server)
            )
        trivial = statistics.mean(r["rps"] for r in runs["trivial"])
        check = statistics.mean(r["rps"] for r in runs["check"])
        errors = sum(r["non2xx"] for rs in runs.values() for r in rs)
        cpu = {name: statistics.mean(r["cpu_per_request"] for r in rs) for name, rs in runs.items()}
        lat = asyncio.run(paced(port, key, 500, 10))
        port_b = free_port()  # chosen now: an early pick may since have become a client's ephemeral port
        other = start(port_b, 1, env, tmp / "b.log")
        keys = [
            json.loads(porch("site", "add", f"https://fb{t}.example", "--json", env=env))["api_key"]
            for t in range(10)
        ]
        fb = feedback_latency(base, f"http://127.0.0.1:{port_b}", keys)
    finally:
        for proc in (server, other):
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=30)
    engine = engine_alone()
    ms = lambda s: f"{s * 1000:.1f} ms"
    us = lambda s: f"{s * 1e6:.0f} µs"
    ok = lambda cond: "met" if cond else "**not met**"
    section = f"""
## HTTP: Akismet comment-check on loopback (bench/http_check.py)

{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC · {machine()} · SQLite (WAL) ·
`porch serve --workers 2`; load from `wrk -t1 -c{args.connections}` and an asyncio client **on the same machine**
(they take CPU from the server). Command: `.venv/bin/python bench/http_check.py --seconds {args.seconds}`.

| measure | result | target |
|---|---|---|
| comment-check throughput | {check:,.0f} requests/s | ≥ 2,000 ({ok(check >= 2000)}) |
| trivial endpoint (`GET /health`), same server, same run | {trivial:,.0f} requests/s | the stack's ceiling |
| check ÷ trivial | {check / trivial:.0%} | ≥ 50% ({ok(check / trivial >= 0.5)}) |
| latency at a paced 500 requests/s ({len(lat)} requests) | p50 {ms(pct(lat, 50))}, p99 {ms(pct(lat, 99))}, max {ms(max(lat))} | p99 ≤ 10 ms ({ok(pct(lat, 99) <= 0.010)}) |
| feedback → effect on another worker ({len(fb)} trials) | median {ms(statistics.median(fb))}, max {ms(max(fb))} | ≤ 1 s ({ok(max(fb) <= 1.0)}) |

Non-2xx answers during the wrk runs: {errors}. Each comment-check does the whole job: parse the form,
look up the key (cached 1 s), normalise, read reputation/near-duplicates/recent traffic from
SQLite, run the engine, queue the check-log row (written in batches of 50 ms). Concurrent checks
in one worker are checked together (server/domain/batching.py: one history read of three statements and
one `Engine.check_many` per batch; a lone request is a batch of one, taken at once), so the cost
per check falls as the load rises. The wrk comments come from 64 networks, so every network is
in a burst (the burst count reads up to 100 rows per network and batch).

Where the time goes: server CPU (user + system, all processes) per request during the wrk runs,
and the engine alone in the benchmark process (`Engine.check_many` in batches of 16 on the same
kind of comments, no HTTP, no store):

| per request | server CPU |
|---|---|
| `GET /health` (uvicorn + FastAPI, no work) | {us(cpu["trivial"])} |
| `POST /1.1/comment-check`, everything | {us(cpu["check"])} |
| of which could be the engine alone (measured in-process) | {us(engine)} |

check ÷ trivial is roughly the inverse ratio of these costs: at 50% a whole check could cost at most
twice a `/health` answer, {us(2 * cpu["trivial"])}, so everything a check adds to the HTTP round trip
(form, key, history reads, engine, log row, answer) would have to fit in {us(cpu["trivial"])}; the
engine alone takes {us(engine)} of it.
"""
    print(section)
    if not args.no_write:
        write_section("http", section)
        print(f"written to {DOC}")
    if max(fb) <= 1.0:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print(f"server logs kept in {tmp}", file=sys.stderr)


if __name__ == "__main__":
    main()
