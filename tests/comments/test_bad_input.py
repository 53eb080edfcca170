"""Bad input gets a clear 4xx and stores nothing: too long, empty, unknown site, origin not allowed,
parent on another page or site, deleted parent, invalid UTF-8, malformed JSON, huge bodies."""

from __future__ import annotations

from comment_helpers import post

HAM = "Thanks for the thoughtful write-up, I learned a lot from the section on soil."
JSON = {"Content-Type": "application/json"}


def test_refusals_are_clear_and_store_nothing(server, store, make_site):
    site, _ = make_site(max_length=200)
    other, _ = make_site()
    with server.client() as c:
        parent = post(c, site, HAM, uri="/a").json()
        elsewhere = post(c, other, HAM).json()
        gone = post(c, site, HAM, uri="/a").json()
        c.delete(f"/api/v1/comments/{gone['id']}")
        before = store.comments.count(site.id)
        cases = [
            (post(c, site, "x" * 201), 413, "longer than 200"),
            (post(c, site, "   "), 422, "empty"),
            (post(c, site, ""), 422, "empty"),
            (
                c.post("/api/v1/comments", json={"site": "nope", "uri": "/a", "text": HAM}),
                404,
                "unknown site",
            ),
            (
                c.post(
                    "/api/v1/comments",
                    json={"site": site.public_id, "uri": "/a", "text": HAM},
                    headers={"Origin": "https://evil.example"},
                ),
                403,
                "origin",
            ),
            (post(c, site, HAM, uri="/b", parent=parent["id"]), 400, "another page"),
            (post(c, site, HAM, parent=elsewhere["id"]), 400, "does not exist on this site"),
            (post(c, site, HAM, uri="/a", parent=gone["id"]), 400, "does not exist"),
            (post(c, site, HAM, uri="/a", parent=10**15), 400, "does not exist"),
            (post(c, site, HAM, website="javascript:alert(1)"), 422, "http"),
            (post(c, site, HAM, email="not an address"), 422, "e-mail"),
            (post(c, site, HAM, uri="relative"), 422, "uri"),
            (
                c.post(
                    "/api/v1/comments",
                    content=b'{"site": "' + site.public_id.encode() + b'", "uri": "/a", "text": "caf\xe9"}',
                    headers=JSON,
                ),
                400,
                "",
            ),
            (c.post("/api/v1/comments", content=b'{"site": ', headers=JSON), 422, ""),
            (c.post("/api/v1/comments", content=b"[1, 2]", headers=JSON), 422, ""),
            (
                c.post(
                    "/api/v1/comments",
                    json={"site": site.public_id, "uri": "/a", "text": "x" * (1024 * 1024 + 1)},
                ),
                413,
                "larger than",
            ),
            (
                c.post("/api/v1/comments", json={"site": site.public_id, "uri": "/a", "text": "y" * 100_001}),
                422,
                "",
            ),
            (
                c.post(
                    "/api/v1/comments",
                    content=rb'{"site": "s", "uri": "/a", "text": "lone \ud800"}',
                    headers=JSON,
                ),
                422,
                "",
            ),
        ]
        for response, status, words in cases:
            assert response.status_code == status, (status, words, response.text[:300])
            assert words in response.text, response.text[:300]
        assert store.comments.count(site.id) == before
        assert c.get("/api/v1/comments", params={"site": "nope", "uri": "/a"}).status_code == 404
        assert c.get("/api/v1/counts", params={"site": site.public_id}).status_code == 422
        assert c.patch("/api/v1/comments/999999999", json={"text": "x"}).status_code == 404
        assert c.delete("/api/v1/comments/0").status_code == 422


def test_cors_answers_only_allowed_origins(server, make_site):
    site, _ = make_site(allowed_origins=["https://blog.example.org", "https://www.example.org"])
    default, _ = make_site()
    own_origin = default.url  # without a list, the site URL's own origin is allowed
    with server.client() as c:
        pre = c.options(
            "/api/v1/comments",
            headers={"Origin": "https://blog.example.org", "Access-Control-Request-Method": "POST"},
        )
        assert (
            pre.status_code == 204
            and pre.headers["access-control-allow-origin"] == "https://blog.example.org"
        )
        ok = c.post(
            "/api/v1/comments",
            json={"site": site.public_id, "uri": "/x", "text": HAM},
            headers={"Origin": "https://blog.example.org"},
        )
        assert (
            ok.status_code == 201 and ok.headers["access-control-allow-origin"] == "https://blog.example.org"
        )
        listed = c.get(
            "/api/v1/comments",
            params={"site": site.public_id, "uri": "/x"},
            headers={"Origin": "https://www.example.org"},
        )
        assert listed.headers["access-control-allow-origin"] == "https://www.example.org"
        bad = c.get(
            "/api/v1/comments",
            params={"site": site.public_id, "uri": "/x"},
            headers={"Origin": "https://x.example"},
        )
        assert bad.status_code == 403 and "access-control-allow-origin" not in bad.headers
        assert (
            c.get(
                "/api/v1/counts",
                params={"site": default.public_id, "uri": "/x"},
                headers={"Origin": own_origin},
            ).status_code
            == 200
        )
        assert (
            c.get(
                "/api/v1/counts",
                params={"site": default.public_id, "uri": "/x"},
                headers={"Origin": "https://blog.example.org"},
            ).status_code
            == 403
        )
