"""The Python `akismet` package (25.x), unchanged, against a running `porch serve`.

The package hard-codes https://rest.akismet.com; like any operator would, we give it an
`httpx.Client` whose transport sends each request to porch instead. The transport puts the key in
the Host header's first label (Akismet's legacy `KEY.rest.akismet.com` form) because the package's
`key_sites()` sends no key of its own.
"""

from __future__ import annotations

import akismet
import httpx
import pytest

HAM = "Thank you for the recipe, I baked the bread this weekend and my family loved it."


class ToPorch(httpx.HTTPTransport):
    def __init__(self, base: str, key: str):
        super().__init__()
        self.base = httpx.URL(base)
        self.key = key

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme=self.base.scheme, host=self.base.host, port=self.base.port)
        request.headers["Host"] = f"{self.key}.rest.akismet.com"
        return super().handle_request(request)


def client_for(server, key: str, url: str = "https://blog.example.org") -> akismet.SyncClient:
    http = httpx.Client(
        transport=ToPorch(server.url, key), headers={"User-Agent": akismet.USER_AGENT}, timeout=30
    )
    return akismet.SyncClient.validated_client(config=akismet.Config(key=key, url=url), http_client=http)


def test_round_trip(server, new_site):
    site, key = new_site()
    with client_for(server, key, site.url) as client:
        assert client.verify_key(key, site.url) is True
        assert (
            client.comment_check("198.51.100.1", comment_content=HAM, user_role="administrator")
            == akismet.CheckResponse.HAM
        )
        assert (
            client.comment_check("198.51.100.1", comment_author="akismet-guaranteed-spam")
            == akismet.CheckResponse.SPAM
        )
        blatant = client.comment_check(
            "198.51.100.1",
            comment_content="CHEAP VIAGRA CASINO http://pills.example http://casino.example http://loans.example",
            comment_author="cheap viagra casino",
            honeypot_field_name="hp_website",
            comment_author_url="http://pills.example",
        )
        # the package sends no value for the honeypot field itself: only the name, so no evidence
        assert blatant in (
            akismet.CheckResponse.SPAM,
            akismet.CheckResponse.DISCARD,
            akismet.CheckResponse.HAM,
        )

        text = "Visit our workshop for handmade pottery classes every saturday morning downtown"
        first = client.comment_check("203.0.113.20", comment_content=text, permalink=site.url + "/post/1")
        assert (
            client.submit_spam("203.0.113.20", comment_content=text, permalink=site.url + "/post/1") is True
        )
        after = client.comment_check("192.0.2.50", comment_content=text, permalink=site.url + "/post/2")
        assert (first, after) in [
            (akismet.CheckResponse.HAM, akismet.CheckResponse.SPAM),
            (akismet.CheckResponse.HAM, akismet.CheckResponse.DISCARD),
        ]
        assert client.submit_ham("192.0.2.77", comment_content=HAM) is True

        usage = client.usage_limit()
        assert usage["limit"] == "none" and usage["usage"] >= 0 and usage["throttled"] is False
        sites = client.key_sites()
        month = [k for k in sites if k not in ("limit", "offset", "total")][0]
        assert sites[month][0]["site"] == site.url
        assert client.key_sites(result_format="csv").startswith("Active sites for")


def test_bad_key_raises_api_key_error(server):
    with pytest.raises(akismet.APIKeyError):
        client_for(server, "0" * 32)
