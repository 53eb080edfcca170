"""Limits (429, 413, 400: never a 500) and retention (raw text goes, counts stay)."""

from __future__ import annotations

from support.servers import store_for, wait_for


def test_rate_limit_answers_429_with_retry_after(strict_server):
    store = store_for(strict_server.database_url)
    _, key = store.sites.add("https://limits.example")
    with strict_server.client() as c:
        answers = [
            c.post("/1.1/comment-check", data={"api_key": key, "blog": "b", "user_ip": "1.2.3.4"})
            for _ in range(12)
        ]
    statuses = [r.status_code for r in answers]
    assert 429 in statuses and statuses[0] == 200
    limited = answers[statuses.index(429)]
    assert int(limited.headers["retry-after"]) >= 1
    store.engine.dispose()


def test_oversized_and_malformed_bodies(server, new_site):
    _, key = new_site()
    with server.client() as c:
        big = {"api_key": key, "blog": "b", "user_ip": "1.2.3.4", "comment_content": "x" * (1024 * 1024 + 10)}
        assert c.post("/1.1/comment-check", data=big).status_code == 413

        # without Content-Length (chunked), counted while streaming
        def chunks():
            for _ in range(20):
                yield b"comment_content=" + b"y" * 100_000

        assert c.post("/1.1/comment-check", content=chunks()).status_code == 413
        r = c.post(
            "/api/v1/check",
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
            content=b'{"comment_content": "caf\xe9"}',
        )
        assert r.status_code == 400
        r = c.post(
            "/api/v1/check",
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
            content=b'{"comment_content": ',
        )
        assert 400 <= r.status_code < 500
        r = c.post(
            "/1.1/comment-check",
            content=b"api_key=" + key.encode() + b"&blog=b&user_ip=1.2.3.4&comment_content=\xff\xfe",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert r.status_code == 400
        r = c.post(
            "/api/v1/check",
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
            content=rb'{"comment_content": "nul \u0000 here", "user_ip": "\u0000", "x\u0000": 1}',
        )
        assert r.status_code == 200, r.text
        r = c.post(
            "/api/v1/check",
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
            content=rb'{"comment_content": "a lone \ud800 surrogate"}',
        )
        assert r.status_code == 422 and "surrogate" not in r.text
        assert (
            c.post(
                "/1.1/comment-check",
                content=b"%%%&&&===",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            ).status_code
            == 200
        )


def test_retention_purges_raw_submissions_and_keeps_counts(strict_server):
    store = store_for(strict_server.database_url)
    site, key = store.sites.add("https://retention.example")
    with strict_server.client() as c:
        for i in range(3):
            r = c.post(
                "/1.1/comment-check",
                data={
                    "api_key": key,
                    "blog": "b",
                    "user_ip": f"203.0.113.{i}",
                    "comment_content": f"a comment with text {i}",
                    "user_role": "administrator",
                },
            )
            assert r.text == "false"
    from sqlalchemy import select

    from porch.store.schema import checks

    def rows():
        with store.engine.connect() as conn:
            return conn.execute(
                select(checks.c.submission, checks.c.ip).where(checks.c.site_id == site.id)
            ).fetchall()

    assert wait_for(lambda: len(rows()) == 3)
    assert wait_for(lambda: all(r.submission is None for r in rows()), timeout=30)
    assert all(r.ip is None or r.ip.endswith("/24") for r in rows())
    with strict_server.client() as c:
        usage = wait_for(lambda: c.get("/1.2/usage-limit", params={"api_key": key}).json())
    assert usage["usage"] == 3
    store.engine.dispose()
