"""Client identity behind a trusted proxy, IP anonymisation of comments, and discarded spam expiring.

The `proxy_server` trusts 127.0.0.1 (the tests' own address) as a proxy, cuts comment IPs after one
second and sweeps every half second; the main server trusts no one (see test_threads' like test).
"""

from __future__ import annotations

from sqlalchemy import select

from porch.server.domain.identity import TrustedProxies
from porch.store.schema import comments

from comment_helpers import wait_for

HAM = "Thanks for the thoughtful write-up, I learned a lot from the section on soil."


def test_forwarded_headers_only_from_trusted_proxies():
    proxies = TrustedProxies("10.0.0.0/8, 127.0.0.1")
    h = {"x-forwarded-for": "6.6.6.6, 203.0.113.5, 10.1.2.3"}
    assert proxies.client_ip("127.0.0.1", h) == "203.0.113.5"  # right to left, trusted hops skipped
    assert proxies.client_ip("198.51.100.1", h) == "198.51.100.1"  # an untrusted peer's header is ignored
    assert (
        proxies.client_ip("127.0.0.1", {"forwarded": 'for=192.0.2.60;proto=http, for="[2001:db8::1]:4711"'})
        == "2001:db8::1"
    )
    assert proxies.client_ip("127.0.0.1", {"x-forwarded-for": "garbage"}) == "127.0.0.1"
    assert TrustedProxies("").client_ip("127.0.0.1", h) == "127.0.0.1"


def test_likes_and_ips_behind_a_trusted_proxy(proxy_server, proxy_store):
    site, _ = proxy_store.sites.add("https://proxied.example.org")
    with proxy_server.client() as c:
        cid = c.post(
            "/api/v1/comments",
            json={"site": site.public_id, "uri": "/p", "author": "Ann", "text": HAM},
            headers={"X-Forwarded-For": "203.0.113.77"},
        ).json()["id"]
        for ip in ("198.51.100.1", "198.51.100.2"):
            assert (
                c.post(f"/api/v1/comments/{cid}/like", headers={"X-Forwarded-For": ip}).json()["liked"]
                is True
            )
        assert c.post(f"/api/v1/comments/{cid}/like", headers={"X-Forwarded-For": "198.51.100.1"}).json() == {
            "liked": False,
            "likes": 1,
        }

    def stored():
        with proxy_store.engine.connect() as conn:
            return conn.execute(
                select(comments.c.ip, comments.c.ip_cut, comments.c.user_agent).where(comments.c.id == cid)
            ).first()

    # stored from the header, then cut to its network by the sweep
    assert wait_for(lambda: stored().ip_cut, timeout=30)
    row = stored()
    assert row.ip == "203.0.113.0/24" and row.user_agent is None


def test_discarded_spam_is_kept_as_spam_then_expires(proxy_server, proxy_store):
    site, _ = proxy_store.sites.add("https://discard.example.org")
    with proxy_server.client() as c:
        made = c.post(
            "/api/v1/comments",
            json={
                "site": site.public_id,
                "uri": "/p",
                "author": "akismet-guaranteed-spam",
                "hp": "i am a bot",
                "text": "Buy cheap pills at http://pills.example now http://pills.example http://pills.example",
            },
        ).json()
    assert made["status"] == "spam"

    def row():
        with proxy_store.engine.connect() as conn:
            return conn.execute(
                select(comments.c.status, comments.c.expires_at).where(comments.c.id == made["id"])
            ).first()

    first = row()
    if first is not None and first.expires_at is None:
        return  # the engine called it spam but not discard: kept until a moderator acts (nothing to expire)
    assert wait_for(lambda: row() is None, timeout=30)
