"""Helpers for the browser tests (a module of its own: `conftest` names several modules in this suite)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from support.servers import free_port, start_server, store_for

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
NODE_CACHE = ROOT / ".cache" / "node"
ARTIFACTS = ROOT / "artifacts"
RETENTION = {  # unusual values, so the privacy page test sees these and not the defaults
    "PORCH_COMMENT_IP_RETENTION_DAYS": "12",
    "PORCH_DISCARD_RETENTION_DAYS": "3",
    "PORCH_RAW_RETENTION_DAYS": "9",
    "PORCH_IP_RETENTION_DAYS": "4",
}

__all__ = ["free_port", "start_server", "store_for"]

ARTICLE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>An article</title></head>
<body><main><h1>An article on another origin</h1><p>Some text to comment on.</p>
<section id="comments"><div id="porch-thread"></div></section>
<p><a href="{uri}#comments" data-porch-count="{uri}">comments</a></p></main>
<script src="{porch}/js/embed.js" data-porch-site="{site}" async></script></body></html>
"""


def ensure_chromium() -> None:
    if os.path.exists(CHROMIUM):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(
            "apt-get update -qq && apt-get install -y -qq chromium",
            shell=True,
            check=False,
            capture_output=True,
            timeout=900,
        )
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: apt-get install chromium (.ci/run does it)")


def axe_path() -> Path:
    script = NODE_CACHE / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        if not shutil.which("npm"):
            pytest.fail("npm is needed to install axe-core (apt-get install npm; .ci/run does it)")
        NODE_CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(NODE_CACHE), "axe-core@4"],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0 or not script.exists():
            pytest.fail(f"npm install axe-core@4 failed:\n{done.stderr[-2000:]}")
    return script
