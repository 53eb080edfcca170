"""Helpers for the comment tests (a module of its own: `conftest` names several modules in this suite)."""

from __future__ import annotations

from support.servers import wait_for

__all__ = ["post", "wait_for"]


def post(client, site, text="Nice article, thank you.", **fields):
    body = {
        "site": site.public_id,
        "uri": fields.pop("uri", "/post/1"),
        "author": "Ann",
        "text": text,
        **fields,
    }
    return client.post("/api/v1/comments", json=body)
