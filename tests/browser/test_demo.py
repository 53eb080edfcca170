"""`porch demo`: one command gives the demo article with a working, seeded thread, and a second
start adds nothing."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import httpx
from playwright.sync_api import expect

from browser_helpers import free_port


def run_demo(data_dir, port):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORCH_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "porch.cli", "demo", "--port", str(port), "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=str(data_dir.parent),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read().decode()
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("porch demo did not start")


def read_output(proc) -> str:
    """What a running demo printed up to its dashboard login line (click flushes every line)."""
    lines = []
    while not lines or "log in as" not in lines[-1]:
        line = proc.stdout.readline().decode()
        assert line, "porch demo printed no dashboard login:\n" + "".join(lines)
        lines.append(line)
    return "".join(lines)


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return proc.stdout.read().decode()


def test_demo_shows_the_article_with_a_working_thread(browser, tmp_path):
    port = free_port()
    proc = run_demo(tmp_path / "data", port)
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/demo/")
        expect(page.locator("h1")).to_have_text("Porches, and why we sit on them")
        expect(page.locator("#porch-count")).to_have_text("6 comments")
        maren = page.locator(".porch-list > .porch-comment").first
        expect(maren.locator(".porch-replies > .porch-comment")).to_have_count(2)
        page.get_by_role("textbox", name="Comment", exact=True).fill(
            "Hello from the demo test, a fine porch indeed."
        )
        page.get_by_role("button", name="Post Comment").click()
        expect(page.locator(".porch-comment").filter(has_text="Hello from the demo test")).to_be_visible()
        page.close()
    finally:
        out = stop(proc)
    assert f"http://127.0.0.1:{port}/demo/" in out and "6 comments seeded" in out
    login, password = re.search(r"log in as (\S+) with password (\S+)", out).groups()

    proc = run_demo(tmp_path / "data", port)  # again: the same site, nothing seeded twice
    try:
        thread = httpx.get(f"http://127.0.0.1:{port}/demo/").text
        site = thread.split('data-porch-site="')[1].split('"')[0]
        listed = httpx.get(
            f"http://127.0.0.1:{port}/api/v1/comments", params={"site": site, "uri": "/demo/"}
        ).json()
        assert listed["total"] in (6, 7)  # 7 when the test's own comment was published
        # The demo moderator's login, printed by the first run, works once; every run prints a new one.
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as browser:
            form = {"email": login, "password": password}
            assert browser.post("/admin/login", data=form).status_code == 401
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as browser:
            fresh = dict(
                zip(
                    ("email", "password"),
                    re.search(r"log in as (\S+) with password (\S+)", read_output(proc)).groups(),
                )
            )
            assert browser.post("/admin/login", data=fresh).status_code == 303
            queue = browser.get(f"/admin/{site}/")
            assert queue.status_code == 200 and "Held for moderation" in queue.text
    finally:
        out = stop(proc)
    assert "seeded" not in out


def test_a_second_demo_on_the_same_port_says_what_to_do_and_changes_nothing(tmp_path):
    port = free_port()
    first = run_demo(tmp_path / "data", port)
    try:
        login, password = re.search(r"log in as (\S+) with password (\S+)", read_output(first)).groups()
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORCH_")}
        second = subprocess.run(
            [
                sys.executable,
                "-m",
                "porch.cli",
                "demo",
                "--port",
                str(port),
                "--data-dir",
                str(tmp_path / "data"),
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=str(tmp_path),
            timeout=60,
        )
        assert second.returncode != 0
        lines = (second.stdout + second.stderr).strip().splitlines()
        assert len(lines) == 1, lines  # one line, no traceback, no "serving on"
        assert f"port {port} is in use" in lines[0] and f"--port {port + 1}" in lines[0]
        # the first demo's login still works: the second one did not touch the database
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}", timeout=60
        ) as client:  # argon2 on a busy machine
            answer = client.post("/admin/login", data={"email": login, "password": password})
            assert answer.status_code == 303
    finally:
        stop(first)
