"""Benchmark: the moderation dashboard vs Isso's admin page, same workloads, one run.

Both on SQLite, one process each: `porch serve --workers 1` (started by bench/comments.py's `Porch`)
and Isso 0.14 from PyPI (its built-in server, installed by bench/comments.py's `ensure_isso` into
`.bench/isso-venv`), here with `[moderation] enabled = true` (new comments wait in its queue, mode 2)
and `[admin] enabled = true`. Workloads:

1. the pending queue holding `--held` comments (default 10,000): porch `GET /admin/{site}/` (the
   first page, newest first) vs Isso `GET /admin/?mode=2` after its `POST /login/`; p50 and p99;
   the pages do not show the same number of comments (porch 50, Isso 100), which the output says;
2. one moderation action: approve a held comment. porch `POST /admin/{site}/comments/{id}` as
   admin.js sends it (multipart form `action=approve`, `Accept: application/json`, the session's
   CSRF token in `X-CSRF-Token`) vs Isso `POST /id/{id}/activate/{key}` as its admin.js sends it
   (the key is the signed id its admin page carries for each comment). The held comments carry the
   engine's "ham" verdict, so porch's approve teaches nothing, as Isso's cannot; porch's "mark
   spam", which is a lesson for the engine, is measured on its own (porch only);
3. porch only: search in the held comments (a word in 1 of 30 of them, and one in none: the whole
   walk), the report card, a login through the form (one argon2id verification), and mail: a site
   with `moderation = all` and one member, so that each comment posted through the widget API
   queues one notice. The local SMTP server (aiosmtpd, in this process, as tests/mail does) holds
   its first DATA answer until all comments are posted, so the notices pile up; then it answers
   and the script counts messages received until all arrived: notices queued and sent per second.

Held comments are written straight into each store so that 10,000 take seconds: porch's through
`CommentStore.insert_many` (with a check-log row each, as a checked comment has, so the page reads
real reasons); Isso's through its own `POST /new` at concurrency 8 (`--isso-direct` instead inserts
rows into its SQLite file, for when that takes too long). Timings are wall-clock at the client,
one request at a time, on the same (shared, noisy) machine as both servers. Figures go into
docs/benchmarks.md (section "dashboard") unless `--no-write`. Run: `.venv/bin/python bench/dashboard.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import re
import shlex
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from comments import VENV, Isso, Porch, text  # noqa: E402
from http_check import free_port  # noqa: E402
from report import DOC, machine, pct, write_section  # noqa: E402

WORD = "zeppelin"  # in 1 of every 30 held comments: the search that finds a few hundred
NOWHERE = "quixotically"  # in none: the search that walks them all
PASSWORD = "bench horse battery staple"
ms = lambda s: f"{s * 1000:.1f} ms"  # noqa: E731


def timed(n: int, call) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        call()
        out.append(time.perf_counter() - t0)
    return out


def body(rng: random.Random, i: int) -> str:
    return text(rng) + (f" Like a {WORD} over the town." if i % 30 == 0 else "")


# -- porch ------------------------------------------------------------------------------------
class PorchAdmin:
    """bench/comments.py's `Porch` (site added by the CLI, `porch serve`), plus a moderator."""

    def __init__(self, tmp: Path, smtp_port: int | None = None):
        mail = (
            {
                "PORCH_SMTP_HOST": "127.0.0.1",
                "PORCH_SMTP_PORT": str(smtp_port),
                "PORCH_SMTP_STARTTLS": "false",
                "PORCH_MAIL_FROM": "comments@bench.example",
            }
            if smtp_port
            else {}
        )
        tmp.mkdir(parents=True, exist_ok=True)
        os.environ.update(mail)
        try:
            self.server = Porch(tmp)  # takes the PORCH_SMTP_* settings from this process's environment
        finally:
            for name in mail:
                os.environ.pop(name, None)
        self.proc, self.base, self.log = self.server.proc, self.server.base, self.server.log
        from porch.config import load_settings
        from porch.store import Store, open_database
        from porch.store.accounts import AccountStore

        settings = load_settings(None, data_dir=tmp / "porch")
        self.store = Store(open_database(settings.effective_database_url, pool_size=1), settings.secret())
        self.site = self.store.find_site(self.server.site)
        self.accounts = AccountStore.of(self.store)
        self.email = "moderator@bench.example"
        account = self.accounts.create(self.email, PASSWORD)
        self.accounts.grant(account.id, self.site.id, "owner")
        self.token = self.accounts.new_session(account.id)
        self.csrf = self.accounts.session_secret(self.token)[:40]

    def client(self) -> httpx.Client:
        from porch.server.auth import SESSION_COOKIE

        c = httpx.Client(base_url=self.base, timeout=120, follow_redirects=False)
        c.cookies.set(SESSION_COOKIE, self.token)
        return c

    def populate(self, n: int, seed: int) -> list[int]:
        """n held comments (engine's verdict: ham), each with its check-log row; their ids."""
        from sqlalchemy import insert

        from porch.server.render import render
        from porch.store import schema as t
        from porch.store.comments import CommentStore

        rng = random.Random(seed)
        store = CommentStore(self.store.engine)
        start = datetime.now(timezone.utc) - timedelta(days=7)
        ids: list[int] = []
        for first in range(0, n, 1000):
            rows, checks = [], []
            for i in range(first, min(n, first + 1000)):
                words = body(rng, i)
                moment = start + timedelta(seconds=60 * i)
                guid, score = str(uuid.uuid4()), round(rng.uniform(0.05, 0.45), 3)
                email = f"reader{i % 700}@example.net"
                ip = f"198.51.100.{i % 250}"
                rows.append(
                    (
                        self.site.id,
                        f"/post/{i % 50}",
                        f"Post {i % 50}",
                        {
                            "parent_id": None,
                            "root_id": None,
                            "depth": 0,
                            "status": "pending",
                            "created_at": moment,
                            "author": f"Reader {i % 700}",
                            "email": email,
                            "email_hash": hashlib.md5(email.encode()).hexdigest(),
                            "website": None,
                            "text": words,
                            "html": render(words),
                            "ip": ip,
                            "user_agent": "Mozilla/5.0",
                            "guid": guid,
                            "verdict": "ham",
                            "score": score,
                            "expires_at": None,
                        },
                    )
                )
                checks.append(
                    {
                        "guid": guid,
                        "site_id": self.site.id,
                        "created_at": moment,
                        "source": "api",
                        "verdict": "ham",
                        "score": score,
                        "ip": ip,
                        "network_hash": None,
                        "submission": None,
                        "reasons": [
                            f"content model: {score:.0%} spam",
                            "posted 40 s after page load",
                            "held: the site holds every comment for moderation",
                        ],
                    }
                )
            ids += store.insert_many(
                rows, also=lambda conn, checks=checks: conn.execute(insert(t.checks), checks)
            )
        return ids

    def queue(self, c: httpx.Client) -> tuple[int, int]:
        r = c.get(f"/admin/{self.site.public_id}/")
        assert r.status_code == 200, r.text[:500]
        return len(re.findall(r'<article class="comment[^"]*" id="c\d+"', r.text)), len(r.content)

    def get(self, c: httpx.Client, path: str, **params) -> str:
        r = c.get(f"/admin/{self.site.public_id}/{path}", params=params)
        assert r.status_code == 200, r.text[:500]
        return r.text

    def act(self, c: httpx.Client, comment_id: int, action: str, site: str | None = None) -> dict:
        r = c.post(
            f"/admin/{site or self.site.public_id}/comments/{comment_id}",
            files={"action": (None, action)},
            headers={"Accept": "application/json", "X-CSRF-Token": self.csrf},
        )
        assert r.status_code == 200, r.text[:500]
        return r.json()["results"][0]

    def login(self) -> None:
        with httpx.Client(base_url=self.base, timeout=60, follow_redirects=False) as c:
            r = c.post("/admin/login", data={"email": self.email, "password": PASSWORD, "next": "/admin/"})
            assert r.status_code == 303, r.text[:500]


# -- Isso -------------------------------------------------------------------------------------
class IssoAdmin(Isso):
    """Isso 0.14 with its moderation queue and admin page on (bench/comments.py installs and starts it)."""

    password = "bench-admin-password"
    sections = f"[moderation]\nenabled = true\n[admin]\nenabled = true\npassword = {password}\n"

    def client(self) -> httpx.Client:
        c = httpx.Client(base_url=self.base, timeout=300, follow_redirects=False)
        r = c.post("/login/", data={"password": self.password})
        assert r.status_code in (301, 302, 303) and "admin-session" in c.cookies, (
            r.status_code,
            r.text[:300],
        )
        return c

    def populate(self, n: int, seed: int, direct: bool) -> None:
        rng = random.Random(seed)
        texts = [(f"/post/{i % 50}", body(rng, i)) for i in range(n)]
        if direct:
            self._insert(texts)
            return
        local = threading.local()

        def one(item):
            if not hasattr(local, "c"):
                local.c = httpx.Client(base_url=self.base, timeout=60)
            uri, words = item
            r = local.c.post(
                "/new",
                params={"uri": uri},
                json={"text": words, "author": "Reader", "email": "reader@example.net", "title": "Bench"},
            )
            local.c.cookies.clear()  # one edit cookie per comment (thousands overflow Isso's header line)
            assert r.status_code == 202, (r.status_code, r.text[:300])  # 202: accepted, held for moderation

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(one, texts))

    def _insert(self, texts: list[tuple[str, str]]) -> None:
        """Rows as Isso's POST /new writes them (mode 2: held), straight into its SQLite file."""
        with httpx.Client(base_url=self.base, timeout=60) as c:  # one comment per page makes the threads
            for i in range(50):
                assert (
                    c.post(
                        "/new",
                        params={"uri": f"/post/{i}"},
                        json={"text": "First.", "author": "Reader", "title": "Bench"},
                    ).status_code
                    == 202
                )
        db = sqlite3.connect(self.db)
        tids = dict(db.execute("SELECT uri, id FROM threads"))
        now = time.time()
        db.executemany(
            "INSERT INTO comments (tid, parent, created, modified, mode, remote_addr, text, author, email, website,"
            " likes, dislikes, voters, notification) VALUES (?, NULL, ?, NULL, 2, '127.0.0.0', ?, 'Reader',"
            " 'reader@example.net', NULL, 0, 0, ?, 0)",
            [(tids[uri], now - len(texts) + i, words, bytes(256)) for i, (uri, words) in enumerate(texts)],
        )
        db.commit()
        db.close()

    def queue(self, c: httpx.Client, page: int = 0) -> tuple[int, int, list[tuple[int, str]]]:
        r = c.get("/admin/", params={"mode": 2, "page": page})
        assert r.status_code == 200 and "validate_com" in r.text, r.text[:300]
        keys = [(int(i), k) for i, k in re.findall(r"validate_com\((\d+), '([^']+)'", r.text)]
        return len(keys), len(r.content), keys

    def activate(self, c: httpx.Client, comment_id: int, key: str) -> None:
        r = c.post(f"/id/{comment_id}/activate/{key}")
        assert r.status_code == 200 and "activated" in r.text, (r.status_code, r.text[:300])


# -- mail -------------------------------------------------------------------------------------
class Inbox:
    """An aiosmtpd handler that counts messages, and can hold its DATA answers until `open()`."""

    def __init__(self):
        self.times: list[float] = []
        self.gate = threading.Event()
        self.gate.set()

    async def handle_DATA(self, server, session, envelope):
        while not self.gate.is_set():
            await asyncio.sleep(0.005)
        self.times.append(time.perf_counter())
        return "250 Message accepted for delivery"


def mail_throughput(porch: PorchAdmin, inbox: Inbox, n: int, approvals: int) -> dict:
    """Post n comments to a moderation=all site with one member while the SMTP server holds its
    answers; then let it answer and time the notices arriving."""
    from porch.store.comments import CommentStore

    site, _key = porch.store.add_site("https://mail.bench.example", "Mail bench")
    CommentStore(porch.store.engine).save_site_settings(
        site.id, {**site.settings, "comments": {"moderation": "all", "notify_moderators": "immediate"}}
    )
    member = porch.accounts.create("member@bench.example", PASSWORD)
    porch.accounts.grant(member.id, site.id, "moderator")
    rng = random.Random(7)
    inbox.gate.clear()
    before = len(inbox.times)
    held_ids: list[int] = []
    local = threading.local()

    def one(i):
        if not hasattr(local, "c"):
            local.c = httpx.Client(base_url=porch.base, timeout=60)
        r = local.c.post(
            "/api/v1/comments",
            json={"site": site.public_id, "uri": f"/news/{i % 20}", "author": "Reader", "text": text(rng)},
        )
        local.c.cookies.clear()
        assert r.status_code == 201, r.text[:300]
        if r.json()["status"] == "pending":
            held_ids.append(r.json()["id"])

    t0 = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(n)))
    posted = time.perf_counter() - t0
    time.sleep(1.0)  # the sender is waiting on the held DATA answer (smtplib waits 30 s); the rest wait
    opened = time.perf_counter()
    inbox.gate.set()
    deadline = opened + 120  # smtplib gives up on the held answer after 30 s: then not all arrive
    while len(inbox.times) - before < len(held_ids) and time.perf_counter() < deadline:
        time.sleep(0.02)
    got = inbox.times[before:]
    # the same approve as workload 2, now on a server with mail on (each approval wakes the sender)
    porch.accounts.grant(porch.accounts.by_email(porch.email).id, site.id, "moderator")
    times = []
    with porch.client() as c:
        for cid in sorted(held_ids, reverse=True)[:approvals]:
            t0 = time.perf_counter()
            porch.act(c, cid, "approve", site.public_id)
            times.append(time.perf_counter() - t0)
    return {
        "posted": n,
        "held": len(held_ids),
        "post_s": posted,
        "received": len(got),
        "seconds": (got[-1] - opened) if got else float("nan"),
        "approve": times,
    }


# -- store reads behind the pages (same database, this process) -------------------------------
def store_reads(porch: PorchAdmin, repeat: int) -> dict[str, list[float]]:
    from porch.store.dashboard import Dashboard
    from porch.store.reportcard import report_card

    dash, site = Dashboard(porch.store.engine), porch.site
    today = datetime.now(timezone.utc).date()
    return {
        "queue (50 held, with reasons)": timed(repeat, lambda: dash.queue(site.id, "pending")),
        "counts per queue": timed(repeat, lambda: dash.counts([site.id])),
        f"search “{WORD}”": timed(repeat, lambda: dash.search(site.id, "text", WORD)),
        "search, no match": timed(max(3, repeat // 4), lambda: dash.search(site.id, "text", NOWHERE)),
        "report card (30 days)": timed(
            max(3, repeat // 4), lambda: report_card(porch.store.engine, site.id, today)
        ),
    }


# -- the run ----------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--held", type=int, default=10_000, help="held comments in each queue")
    parser.add_argument("--fetches", type=int, default=100, help="queue page fetches each")
    parser.add_argument("--actions", type=int, default=200, help="approvals each (and porch marks as spam)")
    parser.add_argument("--mails", type=int, default=500, help="held comments posted for the mail figure")
    parser.add_argument("--isso-direct", action="store_true", help="insert Isso's rows into its SQLite file")
    parser.add_argument("--small", action="store_true", help="a quick smoke run (200 held, few repeats)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if args.small:
        args.held, args.fetches, args.actions, args.mails = 200, 10, 10, 20
    command = " ".join([".venv/bin/python bench/dashboard.py", *map(shlex.quote, sys.argv[1:])])
    tmp = Path(tempfile.mkdtemp(prefix="porch-bench-dashboard-"))
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    p: dict = {}
    i: dict = {}
    porch = isso = mailer = None
    try:
        porch = PorchAdmin(tmp, smtp.port)
        isso = IssoAdmin(tmp / "isso")
        print(f"[porch] populating {args.held:,} held comments (CommentStore.insert_many)", flush=True)
        t0 = time.perf_counter()
        ids = porch.populate(args.held, 1)
        p["populate"] = time.perf_counter() - t0
        how = "rows inserted into its SQLite file" if args.isso_direct else "POST /new at concurrency 8"
        print(f"[Isso] populating {args.held:,} held comments ({how})", flush=True)
        t0 = time.perf_counter()
        isso.populate(args.held, 1, args.isso_direct)
        i["populate"] = time.perf_counter() - t0
        i["how"] = how

        # 1. the pending queue, side by side (alternating blocks of 10 so both see the same noise)
        print("[both] pending queue", flush=True)
        pc, ic = porch.client(), isso.client()
        p["shown"], p["bytes"] = porch.queue(pc)
        i["shown"], i["bytes"], _ = isso.queue(ic)
        p["queue"], i["queue"] = [], []
        for _ in range(max(1, args.fetches // 10)):
            p["queue"] += timed(10, lambda: porch.queue(pc))
            i["queue"] += timed(10, lambda: isso.queue(ic))

        # 2. approve a held comment, side by side
        print("[both] approve", flush=True)
        keys: list[tuple[int, str]] = []
        page = 0
        while len(keys) < args.actions:
            got = isso.queue(ic, page)[2]
            if not got:
                break
            keys += got
            page += 1
        keys = keys[: args.actions]
        newest = sorted(ids, reverse=True)
        approve_ids, spam_ids = newest[: args.actions], newest[args.actions : 2 * args.actions]
        p["approve"], i["approve"], learned = [], [], set()
        for start in range(0, args.actions, 10):
            for cid in approve_ids[start : start + 10]:
                t0 = time.perf_counter()
                learned.add(porch.act(pc, cid, "approve")["learned"])
                p["approve"].append(time.perf_counter() - t0)
            for cid, key in keys[start : start + 10]:
                t0 = time.perf_counter()
                isso.activate(ic, cid, key)
                i["approve"].append(time.perf_counter() - t0)
        assert learned == {None}, f"an approve taught the engine: {learned}"
        i["after"] = isso.queue(ic)[0]
        i["queue_after"] = timed(10, lambda: isso.queue(ic))

        # 3. porch only
        print("[porch] mark spam, search, report card, login", flush=True)
        lessons = []
        for cid in spam_ids:
            t0 = time.perf_counter()
            lessons.append(porch.act(pc, cid, "spam")["learned"])
            p.setdefault("spam", []).append(time.perf_counter() - t0)
        p["lessons"] = sum(1 for x in lessons if x == "spam")
        hits = porch.get(pc, "search", q=WORD)
        p["search_shown"] = len(re.findall(r'<article class="comment[^"]*" id="c\d+"', hits))
        p["search_total"] = sum(1 for k in range(args.held) if k % 30 == 0)
        p["search"] = timed(max(10, args.fetches // 2), lambda: porch.get(pc, "search", q=WORD))
        p["search_none"] = timed(max(3, args.fetches // 10), lambda: porch.get(pc, "search", q=NOWHERE))
        p["report"] = timed(max(5, args.fetches // 5), lambda: porch.get(pc, "report"))
        p["login"] = timed(max(5, args.fetches // 5), porch.login)
        p["reads"] = store_reads(porch, max(5, args.fetches // 5))
        pc.close()
        ic.close()
        for server in (porch, isso):
            server.proc.terminate()
            server.proc.wait(timeout=30)
        print(
            f"[porch] mail: {args.mails} held comments posted while the SMTP server holds its answers",
            flush=True,
        )
        mailer = PorchAdmin(tmp / "mail", smtp.port)
        p["mail"] = mail_throughput(mailer, inbox, args.mails, args.actions)
    finally:
        for server in (porch, isso, mailer):
            if server is not None and server.proc.poll() is None:
                server.proc.terminate()
                server.proc.wait(timeout=30)
        smtp.stop()

    isso_version = subprocess.run(
        [str(VENV / "bin" / "isso"), "--version"], capture_output=True, text=True
    ).stdout.strip()
    rate = lambda times: len(times) / sum(times)  # noqa: E731 - one at a time: actions per second
    m = p["mail"]
    q50 = lambda k: pct(p[k], 50)  # noqa: E731
    reads = "\n".join(f"| {name} | {ms(pct(t, 50))} | {ms(max(t))} |" for name, t in p["reads"].items())
    section = f"""
## Moderation dashboard vs Isso's admin page (bench/dashboard.py)

{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC · {machine()} · SQLite for both, one process each:
`porch serve --workers 1` vs {isso_version or "Isso"} (PyPI, its built-in server, `[moderation]` and
`[admin]` on, `[guard]` off) · the client on the same machine, one request at a time.
Command: `{command}`.

{args.held:,} held comments in each queue, over 50 pages: porch's written through
`CommentStore.insert_many` with a check-log row each ({p["populate"]:.1f} s), Isso's by {i["how"]}
({i["populate"]:.1f} s).

| workload | porch | Isso | ratio (Isso ÷ porch) |
|---|---|---|---|
| pending queue, first page, p50 | {ms(q50("queue"))} | {ms(pct(i["queue"], 50))} | {pct(i["queue"], 50) / q50("queue"):.1f}× |
| pending queue, first page, p99 ({len(p["queue"])} fetches each) | {ms(pct(p["queue"], 99))} | {ms(pct(i["queue"], 99))} | {pct(i["queue"], 99) / pct(p["queue"], 99):.1f}× |
| comments on that page · page size | {p["shown"]} · {p["bytes"] / 1024:.0f} KiB | {i["shown"]} · {i["bytes"] / 1024:.0f} KiB | |
| per comment shown, p50 | {ms(q50("queue") / max(1, p["shown"]))} | {ms(pct(i["queue"], 50) / max(1, i["shown"]))} | {(pct(i["queue"], 50) / max(1, i["shown"])) / (q50("queue") / max(1, p["shown"])):.1f}× |
| approve a held comment (no lesson), p50 | {ms(q50("approve"))} | {ms(pct(i["approve"], 50))} | {pct(i["approve"], 50) / q50("approve"):.1f}× |
| approvals per second, one at a time ({len(p["approve"])} each) | {rate(p["approve"]):,.0f} | {rate(i["approve"]):,.0f} | {rate(p["approve"]) / rate(i["approve"]):.1f}× (porch ÷ Isso) |
| mark spam (a lesson for the engine), p50 · per second | {ms(q50("spam"))} · {rate(p["spam"]):,.0f} ({p["lessons"]} of {len(p["spam"])} taught) | — | |
| search in the held comments, “{WORD}” ({p["search_total"]:,} match; first page of {p["search_shown"]}), p50 | {ms(q50("search"))} | — (Isso finds by page URL only) | |
| search that matches nothing (walks all {args.held:,}), p50 | {ms(q50("search_none"))} | — | |
| report card, p50 | {ms(q50("report"))} | — | |
| log in through the form (one argon2id verification), p50 | {ms(q50("login"))} | (a password compared in plain text) | |
| approve, on a porch with mail on (second server, below), p50 | {ms(pct(m["approve"], 50))} ({len(m["approve"])} approvals) | — | |
| moderator notices, queued and sent to a local SMTP server | {m["received"] / m["seconds"]:,.0f} mails/s ({m["received"]:,} of {m["held"]:,} in {m["seconds"]:.1f} s) | — | |

What the pages hold: porch's queue page is 50 comments with each one's e-mail, IP, page and the
engine's reasons (read from the check log); Isso's admin page is 100 comments per page. After the
{len(i["approve"])} approvals Isso's page showed {i["after"]} held comments (p50 {ms(pct(i["queue_after"], 50))}).
porch's approvals answer admin.js's JSON fetch (CSRF header, the action logged for undo); Isso's
answer its admin.js call (a signed key in the URL, no session check).
Workloads 1–3 run on a porch without mail settings (porch's default: no SMTP host, no sender task);
the mail figures come from a second `porch serve` with `PORCH_SMTP_*` pointing at aiosmtpd.
Mail: {m["posted"]:,} comments posted through the widget API at concurrency 8 ({m["posted"] / m["post_s"]:,.0f}/s,
{m["held"]:,} held) to a `moderation = all` site with one member, while aiosmtpd (in the benchmark
process) held its first DATA answer; the time runs from its first answer to the last notice received,
so it covers queueing (render + insert) and sending (one SMTP connection per batch of 20).

Store reads behind porch's pages, in the benchmark process on the same database (p50 · max):

| read | p50 | max |
|---|---|---|
{reads}

Times are wall-clock at the client, including the client's own HTTP work (httpx).
"""
    print(section)
    if not args.no_write:
        write_section("dashboard", section)
        print(f"written to {DOC}")


if __name__ == "__main__":
    main()
