"""Helpers for the comment tests (a module of its own: `conftest` names two modules in this suite)."""

from __future__ import annotations

import time


def post(client, site, text="Nice article, thank you.", **fields):
    body = {"site": site.public_id, "uri": fields.pop("uri", "/post/1"), "author": "Ann", "text": text, **fields}
    return client.post("/api/v1/comments", json=body)


def wait_for(predicate, timeout: float = 15.0, interval: float = 0.05):
    """Poll until predicate() is truthy; returns its value (tests never assert on timing)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
