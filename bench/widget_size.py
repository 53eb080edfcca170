"""The widget's weight against the 15 KB budget: its files, and everything a reader's browser loads.

Two measures, written into the `widget` section of docs/benchmarks.md:

1. **The files**: src/porch/web/embed.js + embed.css gzipped at level 9 (what a compressing proxy
   sends; `porch serve` itself does not compress), and one generated avatar (server/domain/avatars.py).
2. **A page load**: a real `porch demo` (its seeded thread of six comments, plus three posted here
   with e-mail addresses so that their avatars are drawn), the demo article opened in Debian's
   Chromium, and every response from porch after the article itself counted — script, stylesheet,
   site config, the thread's JSON, the avatars — raw and gzipped one by one. The thread's JSON
   grows with the thread, so the budget is the widget's part: script, stylesheet, config, avatars.
   Skipped with a note when Playwright or /usr/bin/chromium is missing (the test tools install them).

Isso's embed is ~20 KB gzipped, for comparison.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from report import machine, today, write_section

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "src" / "porch" / "web"
BUDGET = 15 * 1024
CHROMIUM = "/usr/bin/chromium"
POSTS = [
    (
        "Ann",
        "ann@example.org",
        "Thanks for writing this up, the part about the garden path was really useful.",
    ),
    ("Ben", "ben@example.org", "We built ours from larch, and it has weathered to a lovely silver grey."),
    ("Cat", "cat@example.org", "A porch swing changed how we use the whole front of the house, honestly."),
]


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 9))


def files() -> tuple[list[str], int]:
    sys.path.insert(0, str(ROOT / "src"))
    from porch.server.domain.avatars import identicon

    js, css = (WEB / "embed.js").read_bytes(), (WEB / "embed.css").read_bytes()
    avatar = identicon(hashlib.sha256(b"ann@example.org").hexdigest()[:32]).encode()
    both = gz(js + css)
    rows = [
        ("embed.js", len(js), gz(js)),
        ("embed.css", len(css), gz(css)),
        ("together (one gzip stream)", len(js) + len(css), both),
        ("one avatar (`/api/v1/avatars/HASH.svg`)", len(avatar), gz(avatar)),
    ]
    lines = ["| file | bytes | gzipped |", "|---|---:|---:|"]
    lines += [f"| {name} | {raw:,} | {small:,} |" for name, raw, small in rows]
    return lines, both


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def page_load() -> list[str]:
    """Every response from porch when a reader opens the demo article (after the article itself)."""
    try:
        import httpx
        from playwright.sync_api import sync_playwright
    except ImportError:
        return ["(page load skipped: Playwright is not installed; `make test` installs it)"]
    if not os.path.exists(CHROMIUM):
        return [f"(page load skipped: no {CHROMIUM})"]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORCH_")}
        cmd = [sys.executable, "-m", "porch.cli", "demo", "--port", str(port), "--data-dir", f"{tmp}/data"]
        demo = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=tmp)
        try:
            for _ in range(600):
                try:
                    if httpx.get(base + "/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            article = httpx.get(base + "/demo/").text
            site = article.split('data-porch-site="')[1].split('"')[0]
            for author, email, text in POSTS:
                body = {"site": site, "uri": "/demo/", "author": author, "email": email, "text": text}
                httpx.post(base + "/api/v1/comments", json=body).raise_for_status()
            seen: list[tuple[str, bytes]] = []
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM,
                    args=[
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--no-first-run",
                    ],
                )
                page = browser.new_page()
                page.on("response", lambda r: seen.append((r.url, r)))
                page.goto(base + "/demo/")
                page.wait_for_selector(".porch-comment")
                page.wait_for_function(
                    "[...document.querySelectorAll('img.porch-avatar')].every(i => i.complete)"
                )
                page.wait_for_load_state("networkidle")
                bodies = [(url, r.body()) for url, r in seen if url.startswith(base) and "/demo/" not in url]
                browser.close()
        finally:
            demo.send_signal(signal.SIGTERM)
            demo.wait(timeout=30)
    groups: dict[str, list[bytes]] = {}
    for url, body in bodies:
        path = url.removeprefix(base).split("?")[0]
        kind = (
            "avatars"
            if path.startswith("/api/v1/avatars/")
            else "thread JSON"
            if path == "/api/v1/comments"
            else "site config"
            if path.endswith("/config")
            else path
        )
        groups.setdefault(kind, []).append(body)
    lines = [
        "| what | requests | bytes | gzipped |",
        "|---|---:|---:|---:|",
    ]
    widget = everything = 0
    for kind, items in groups.items():
        raw, small = sum(len(b) for b in items), sum(gz(b) for b in items)
        everything += small
        if kind != "thread JSON":
            widget += small
        lines.append(f"| {kind} | {len(items)} | {raw:,} | {small:,} |")
    lines.append(
        f"\nThe widget's part (everything but the thread's JSON): {widget:,} bytes gzipped, "
        f"{widget / BUDGET:.0%} of the budget; everything, with the JSON of this 9-comment thread: "
        f"{everything:,} bytes ({everything / BUDGET:.0%}). The JSON grows with the thread."
    )
    return lines


def main() -> None:
    table, both = files()
    load = page_load()
    lines = [
        f"## Widget size\n\n{today()}, {machine()}; `python bench/widget_size.py` (gzip -9 for every figure).\n",
        *table,
        f"\nBudget: {BUDGET:,} bytes gzipped for JS + CSS; used {both / BUDGET:.0%}. "
        "No framework, no third-party requests. `porch serve` sends the files uncompressed "
        "(a compressing proxy in front gives these figures).\n",
        "What a reader's browser loads from porch on the demo article (a real `porch demo`, Chromium; "
        "six seeded comments and three with avatars):\n",
        *load,
    ]
    write_section("widget", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
