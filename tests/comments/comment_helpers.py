"""Helpers for the comment tests (a module of its own: `conftest` names two modules in this suite)."""

from __future__ import annotations

import sys


def post(client, site, text="Nice article, thank you.", **fields):
    body = {
        "site": site.public_id,
        "uri": fields.pop("uri", "/post/1"),
        "author": "Ann",
        "text": text,
        **fields,
    }
    return client.post("/api/v1/comments", json=body)


# the one copy, in tests/server/conftest.py (loaded by this directory's conftest.py first)
wait_for = sys.modules["porch_server_fixtures"].wait_for
