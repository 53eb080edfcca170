"""Benchmark: the comment server side by side with Isso (from PyPI), same workloads, one run.

Isso is installed into a throwaway virtualenv under `.bench/isso-venv` (never a porch dependency),
configured on loopback with its rate limit (`[guard]`) off, SQLite in a temporary directory, and
`[general] host` pointed at a closed loopback port so that it makes no outbound call. porch runs as
`porch serve --workers 1` on SQLite (WAL) — one process each, like Isso's built-in server.

Workloads, the same for both (porch's creates include its spam check; Isso has none):

1. create comments at concurrency 1 and 8 (spread over 50 pages, text varied so that porch's
   campaign signal does not see copies);
2. a 1,000-comment thread (1 in 3 a reply): whole-thread fetch, p50 and requests/s at concurrency 1
   (repeated reads of an unchanged thread: porch answers them from its per-worker thread cache, so
   the first read, which renders it, is reported on its own line);
3. a 10,000-comment thread (`--big`): pages of 50 top-level comments walked with porch's cursor /
   Isso's `after`, p99; plus a few whole-thread fetches of Isso for reference;
4. counts for 50 pages, p99 (porch `GET /api/v1/counts`, Isso `POST /count`);
5. RSS of the server process under 8 concurrent readers of the 1,000-comment thread for
   `--duration` seconds (default 60; the target speaks of 5 minutes: `--duration 300`).

Both servers run at once and the timed workloads alternate between them in rounds (creates, counts),
so that a busy moment of this shared machine falls on both alike; rates are medians of the rounds.
The client is `Lean`, a keep-alive HTTP/1.1 client on the standard library's `http.client` (about
0.1 ms of client work per request where httpx spends about 0.5 ms), the same for both servers, so
that the times are the servers' rather than the client's. The load generator shares the machine
with the servers. Figures go into docs/benchmarks.md (section "comments") unless `--no-write`.
Run: `.venv/bin/python bench/comments.py [--duration 300]`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from http_check import COMMENTS, cpu_seconds, free_port  # noqa: E402
from report import DOC, ROOT, machine, pct, write_section  # noqa: E402

VENV = ROOT / ".bench" / "isso-venv"
WORDS = sorted({w.strip(".,!?$") for c in COMMENTS[:2] + COMMENTS[5:7] for w in c.lower().split()} - {""})


def ensure_isso() -> Path:
    isso = VENV / "bin" / "isso"
    if not isso.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        done = subprocess.run(
            [str(VENV / "bin" / "pip"), "install", "-q", "isso"], capture_output=True, text=True
        )
        if done.returncode:
            raise SystemExit(
                f"pip install isso failed on Python {sys.version.split()[0]}:\n{done.stderr[-2000:]}"
            )
    return isso


def text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 30))).capitalize() + "."


_dumps = json.dumps  # Lean.post's `json=` argument (httpx's name) hides the module


class LeanResponse:
    def __init__(self, status: int, content: bytes):
        self.status_code, self.content = status, content

    @property
    def text(self) -> str:
        return self.content.decode()

    def json(self):
        return json.loads(self.content)


class _NoCookies:
    def clear(self) -> None:  # Lean keeps no cookies: nothing is sent back
        pass


class Lean:
    """The part of httpx.Client the workloads use, on http.client: one keep-alive connection per
    host (it reconnects by itself when a server closes after an answer, as Isso's HTTP/1.0 does)."""

    cookies = _NoCookies()

    def __init__(self, timeout: float = 60):
        self.timeout = timeout
        self._conns: dict[str, http.client.HTTPConnection] = {}

    def request(self, method: str, url: str, params=None, json=None) -> LeanResponse:
        parts = urlsplit(url)
        path = parts.path + ("?" + urlencode(params, doseq=True) if params else "")
        body = None if json is None else _dumps(json).encode()
        headers = {"Content-Type": "application/json"} if body is not None else {}
        for attempt in (1, 2):
            conn = self._conns.get(parts.netloc)
            if conn is None:
                conn = self._conns[parts.netloc] = http.client.HTTPConnection(
                    parts.netloc, timeout=self.timeout
                )
            try:
                conn.request(method, path, body, headers)
                answer = conn.getresponse()
                return LeanResponse(answer.status, answer.read())
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                conn.close()  # a keep-alive connection the server had closed: open a new one, once
                del self._conns[parts.netloc]
                if attempt == 2:
                    raise

    def get(self, url: str, params=None) -> LeanResponse:
        return self.request("GET", url, params)

    def post(self, url: str, params=None, json=None) -> LeanResponse:
        return self.request("POST", url, params, json)

    def close(self) -> None:
        for conn in self._conns.values():
            conn.close()
        self._conns.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def wait_up(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited; see {log}:\n{log.read_text()[-2000:]}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"server did not start; see {log}")


class Porch:
    name = "porch"

    def __init__(self, tmp: Path):
        env = {**os.environ, "PORCH_DATA_DIR": str(tmp / "porch"), "PORCH_KEY_RATE_PER_SECOND": "0"}
        env.pop("PORCH_DATABASE_URL", None)
        out = subprocess.run(
            [sys.executable, "-m", "porch.cli", "site", "add", "https://bench.example", "--json"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        self.site = json.loads(out)["site"]
        self.port = free_port()
        self.log = tmp / "porch.log"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "porch.cli", "serve", "--port", str(self.port)],
            env=env,
            stdout=open(self.log, "wb"),
            stderr=subprocess.STDOUT,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        wait_up(self.base + "/health", self.proc, self.log)

    def create(self, c: Lean, uri: str, body: str, parent: int | None = None) -> int:
        r = c.post(
            self.base + "/api/v1/comments",
            json={"site": self.site, "uri": uri, "author": "Reader", "text": body, "parent": parent},
        )
        c.cookies.clear()  # one edit cookie per comment: a real reader does not post thousands
        assert r.status_code == 201, r.text
        body = r.json()
        return body["id"] if body["status"] == "approved" else None  # only published comments take replies

    def thread(self, c: Lean, uri: str) -> int:
        r = c.get(self.base + "/api/v1/comments", params={"site": self.site, "uri": uri, "limit": 1000})
        assert r.status_code == 200
        return len(r.content)

    def pages(self, c: Lean, uri: str, count: int) -> list[float]:
        out, cursor = [], None
        for _ in range(count):
            params = {"site": self.site, "uri": uri, "limit": 50, **({"cursor": cursor} if cursor else {})}
            t0 = time.perf_counter()
            r = c.get(self.base + "/api/v1/comments", params=params)
            out.append(time.perf_counter() - t0)
            cursor = r.json()["cursor"]
        return out

    def counts(self, c: Lean, uris: list[str]) -> None:
        assert c.get(self.base + "/api/v1/counts", params={"site": self.site, "uri": uris}).status_code == 200


class Isso:
    name = "Isso"
    # what differs between the benchmarks that run Isso (bench/dashboard.py turns these on)
    sections = "[moderation]\nenabled = false\n"

    def __init__(self, tmp: Path):
        tmp.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.db = tmp / "isso.db"
        cfg = tmp / "isso.cfg"
        cfg.write_text(f"""[general]
dbpath = {self.db}
host = http://127.0.0.1:9/
notify = stdout
{self.sections}[server]
listen = http://127.0.0.1:{self.port}
[guard]
enabled = false
ratelimit = 0
[rss]
base =
""")
        self.log = tmp / "isso.log"
        self.proc = subprocess.Popen(
            [str(ensure_isso()), "-c", str(cfg), "run"],
            stdout=open(self.log, "wb"),
            stderr=subprocess.STDOUT,
            cwd=tmp,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        wait_up(self.base + "/config", self.proc, self.log)

    def create(self, c: Lean, uri: str, body: str, parent: int | None = None) -> int:
        r = c.post(
            self.base + "/new",
            params={"uri": uri},
            json={"text": body, "author": "Reader", "parent": parent, "title": "Bench"},
        )
        c.cookies.clear()  # Isso too: thousands of its cookies overflow its 64 KiB header line (431)
        assert r.status_code == 201, r.text
        return r.json()["id"]

    def thread(self, c: Lean, uri: str) -> int:
        r = c.get(self.base + "/", params={"uri": uri})
        assert r.status_code == 200
        return len(r.content)

    def pages(self, c: Lean, uri: str, count: int) -> list[float]:
        out, after = [], 0
        for _ in range(count):
            t0 = time.perf_counter()
            r = c.get(self.base + "/", params={"uri": uri, "limit": 50, "after": after})
            out.append(time.perf_counter() - t0)
            replies = r.json()["replies"]
            after = max((x["created"] for x in replies), default=after)
        return out

    def counts(self, c: Lean, uris: list[str]) -> None:
        assert c.post(self.base + "/count", json=uris).status_code == 200


def create_rate(server, bodies: list[tuple[str, str]], concurrency: int) -> tuple[float, float]:
    """Comments created per second, and the server's CPU seconds per comment."""
    local = threading.local()

    def one(item):
        if not hasattr(local, "c"):
            local.c = Lean()
        server.create(local.c, *item)

    cpu, t0 = cpu_seconds(server.proc), time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, bodies))
    return len(bodies) / (time.perf_counter() - t0), (cpu_seconds(server.proc) - cpu) / len(bodies)


def populate(server, uri: str, n: int, seed: int) -> None:
    """n comments on one page, one in three a reply to an earlier comment (8 at a time)."""
    rng = random.Random(seed)
    with Lean() as c:
        roots = [i for i in (server.create(c, uri, text(rng)) for _ in range(16)) if i is not None][:8]
    local = threading.local()

    def one(i):
        if not hasattr(local, "c"):
            local.c = Lean()
        parent = rng.choice(roots) if i % 3 == 0 else None
        new = server.create(local.c, uri, text(rng), parent)
        if parent is None and new is not None:
            roots.append(new)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(n - 16)))


def rss(proc: subprocess.Popen) -> int:
    p = psutil.Process(proc.pid)
    return sum(x.memory_info().rss for x in [p, *p.children(recursive=True)])


def sustained(server, uri: str, seconds: float) -> tuple[int, int, int]:
    stop = time.monotonic() + seconds
    done = [0]

    def reader():
        with Lean(timeout=120) as c:
            while time.monotonic() < stop:
                try:
                    server.thread(c, uri)
                except TimeoutError:  # no answer in 120 s (Isso, swapping): not a read; try again
                    c.close()
                    continue
                done[0] += 1

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(min(5.0, seconds / 5))
    start = rss(server.proc)
    for t in threads:
        t.join()
    return start, rss(server.proc), done[0]


ROUNDS = 5  # the timed workloads alternate between the servers this many times


def run(servers: list, args) -> dict[str, dict]:
    """Every workload on both servers; creates and counts alternate round by round."""
    out: dict[str, dict] = {s.name: {"create1": [], "create8": [], "cpu1": [], "counts": []} for s in servers}
    print("creating, alternating", flush=True)
    rng = random.Random(1)
    for concurrency, n in ((1, args.creates), (8, args.creates * 2)):
        for _ in range(ROUNDS):
            bodies = [(f"/page/{i % 50}", text(rng)) for i in range(n // ROUNDS)]
            for server in servers:
                rate, cpu = create_rate(server, bodies, concurrency)
                out[server.name][f"create{concurrency}"].append(rate)
                if concurrency == 1:
                    out[server.name]["cpu1"].append(cpu)
    for server in servers:
        print(f"[{server.name}] the 1,000-comment thread", flush=True)
        mine = out[server.name]
        populate(server, "/thread-1k", 1000, 3)
        with Lean(timeout=120) as c:
            times = []
            n = args.fetches if server.name == "porch" else max(5, args.fetches // 20)
            t0 = time.perf_counter()
            server.thread(c, "/thread-1k")  # the first read: porch renders it (later reads: its thread cache)
            mine["cold1k"] = time.perf_counter() - t0
            for _ in range(n):
                t0 = time.perf_counter()
                mine["bytes1k"] = server.thread(c, "/thread-1k")
                times.append(time.perf_counter() - t0)
            mine["fetch1k"] = times
    print("counts, alternating", flush=True)
    uris = [f"/page/{i}" for i in range(50)]
    clients = {server.name: Lean() for server in servers}
    for server in servers:
        server.counts(clients[server.name], uris)
    for _ in range(ROUNDS * 2):
        for server in servers:
            c = clients[server.name]
            for _ in range(50):
                t0 = time.perf_counter()
                server.counts(c, uris)
                out[server.name]["counts"].append(time.perf_counter() - t0)
    for c in clients.values():
        c.close()
    for server in servers:
        mine = out[server.name]
        print(f"[{server.name}] populating {args.big}", flush=True)
        populate(server, "/thread-big", args.big, 4)
        with Lean(timeout=300) as c:
            mine["pages"] = server.pages(c, "/thread-big", min(200, args.big // 75))
            if server.name == "Isso":
                t0 = time.perf_counter()
                server.thread(c, "/thread-big")
                mine["whole_big"] = time.perf_counter() - t0
        print(f"[{server.name}] sustained reads for {args.duration}s", flush=True)
        mine["rss"] = sustained(server, "/thread-1k", args.duration)
    for mine in out.values():
        mine["create1"] = statistics.median(mine["create1"])
        mine["create8"] = statistics.median(mine["create8"])
        mine["cpu1"] = statistics.median(mine["cpu1"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--creates", type=int, default=500, help="comments created at concurrency 1 (twice that at 8)"
    )
    parser.add_argument("--big", type=int, default=10_000, help="size of the paginated thread")
    parser.add_argument("--fetches", type=int, default=200, help="whole-thread fetches (Isso: 1/20 of it)")
    parser.add_argument(
        "--duration", type=float, default=60.0, help="seconds of sustained reads for the RSS figure"
    )
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="porch-bench-comments-"))
    (tmp / "isso").mkdir()
    servers = []
    try:
        servers.append(Porch(tmp))
        servers.append(Isso(tmp / "isso"))
        results = run(servers, args)
    finally:
        for server in servers:
            server.proc.terminate()
            server.proc.wait(timeout=30)
    p, i = results["porch"], results["Isso"]
    ms = lambda s: f"{s * 1000:.1f} ms"
    ok = lambda cond: "met" if cond else "**not met**"
    rps = lambda times: len(times) / sum(times)
    growth = lambda r: (r[1] - r[0]) / r[0]
    isso_version = subprocess.run(
        [str(VENV / "bin" / "isso"), "--version"], capture_output=True, text=True
    ).stdout.strip()
    section = f"""
## Comment server vs Isso (bench/comments.py)

{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC · {machine()} · SQLite for both · `porch serve --workers 1`
vs {isso_version or "Isso"} (PyPI, its built-in server, `[guard]` off) · load generator on the same machine.
Command: `.venv/bin/python bench/comments.py --creates {args.creates} --big {args.big} --duration {args.duration:g}`.

| workload | porch | Isso | ratio | target |
|---|---|---|---|---|
| create, concurrency 1 (porch: spam check included), median of {ROUNDS} rounds | {p["create1"]:,.0f}/s | {i["create1"]:,.0f}/s | {p["create1"] / i["create1"]:.1f}× | ≥ 3× ({ok(p["create1"] >= 3 * i["create1"])}) |
| create, concurrency 8 | {p["create8"]:,.0f}/s | {i["create8"]:,.0f}/s | {p["create8"] / i["create8"]:.1f}× | ≥ 3× ({ok(p["create8"] >= 3 * i["create8"])}) |
| server CPU per comment created, concurrency 1 | {ms(p["cpu1"])} | {ms(i["cpu1"])} | | |
| 1,000-comment thread, whole, p50 | {ms(pct(p["fetch1k"], 50))} | {ms(pct(i["fetch1k"], 50))} | | ≤ 10 ms ({ok(pct(p["fetch1k"], 50) <= 0.010)}) |
| 1,000-comment thread, first read (porch: not yet in its cache) | {ms(p["cold1k"])} | {ms(i["cold1k"])} | | |
| 1,000-comment thread, requests/s (concurrency 1) | {rps(p["fetch1k"]):,.1f} | {rps(i["fetch1k"]):,.1f} | {rps(p["fetch1k"]) / rps(i["fetch1k"]):.0f}× | ≥ 50× ({ok(rps(p["fetch1k"]) >= 50 * rps(i["fetch1k"]))}) |
| {args.big:,}-comment thread, pages of 50, p99 | {ms(pct(p["pages"], 99))} | {ms(pct(i["pages"], 99))} | | ≤ 20 ms ({ok(pct(p["pages"], 99) <= 0.020)}) |
| {args.big:,}-comment thread, whole (Isso only) | — | {ms(i["whole_big"])} | | |
| counts for 50 pages, p99 | {ms(pct(p["counts"], 99))} | {ms(pct(i["counts"], 99))} | | ≤ 2 ms ({ok(pct(p["counts"], 99) <= 0.002)}) |
| RSS growth, 8 readers for {args.duration:g} s | {growth(p["rss"]):+.1%} ({p["rss"][0] / 2**20:.0f} → {p["rss"][1] / 2**20:.0f} MiB, {p["rss"][2]:,} reads) | {growth(i["rss"]):+.1%} ({i["rss"][0] / 2**20:.0f} → {i["rss"][1] / 2**20:.0f} MiB, {i["rss"][2]:,} reads) | | < 10% over 5 min ({ok(growth(p["rss"]) < 0.10)}{"" if args.duration >= 300 else ", shorter run"}) |

The 1,000-comment thread answer is {p["bytes1k"] / 1024:.0f} KiB from porch and {i["bytes1k"] / 1024:.0f} KiB from Isso.
Times are wall-clock at the client, including its own HTTP work (`Lean`: http.client, one keep-alive
connection per thread, the same for both). Creates ({args.creates:,} at concurrency 1, {args.creates * 2:,} at 8) and the
500 counts calls alternate between the servers in {ROUNDS} rounds; the other workloads run one server at a time.
"""
    print(section)
    if not args.no_write:
        write_section("comments", section)
        print(f"written to {DOC}")


if __name__ == "__main__":
    main()
