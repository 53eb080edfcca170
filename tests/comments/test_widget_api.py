"""What the widget asks of the server: its files, the public site config, the signed form timestamp,
the generated avatars."""

from __future__ import annotations

import gzip
import re

from porch.server.domain.signing import make_stamp, read_stamp

HAM = "Thanks for writing this up, the part about the garden path was really useful to me."


def test_widget_files_are_cached_and_small(server):
    with server.client() as c:
        js, css = c.get("/js/embed.js"), c.get("/js/embed.css")
        assert js.status_code == css.status_code == 200
        assert js.headers["content-type"].startswith("text/javascript")
        assert "max-age=604800" in js.headers["cache-control"]
        assert c.get("/js/embed.js", headers={"If-None-Match": js.headers["etag"]}).status_code == 304
        assert len(gzip.compress(js.content + css.content, 9)) <= 15 * 1024
        code = js.text.split("*/", 1)[1]  # after the header comment
        assert re.findall(r"https?://[\w.-]+", code) == []  # no third-party address: only its own server


def test_config_says_what_the_form_needs(server, make_site):
    site, _ = make_site(require_email=True, max_length=500)
    with server.client() as c:
        conf = c.get(f"/api/v1/sites/{site.public_id}/config").json()
        assert conf["require_email"] is True and conf["require_name"] is False and conf["max_length"] == 500
        assert conf["privacy_url"].endswith(f"/privacy/{site.public_id}") and conf["honeypot"] == "hp"
        assert "email" not in str(conf).replace("require_email", "")
        assert c.get("/api/v1/sites/nope/config").status_code == 404
        assert (
            c.get(
                f"/api/v1/sites/{site.public_id}/config", headers={"Origin": "https://evil.example"}
            ).status_code
            == 403
        )


def test_generated_avatars(server, make_site):
    """With avatars on, a new comment's answer carries its avatar hash (the widget shows it at once)
    and /api/v1/avatars/HASH.svg draws it, the same for the same address; with them off, no hash."""
    site, _ = make_site(avatars=True)
    plain, _ = make_site()
    with server.client() as c:
        body = {"site": site.public_id, "uri": "/avatars", "author": "Ann", "text": HAM}
        ann = c.post("/api/v1/comments", json={**body, "email": "ann@example.org"}).json()
        again = c.post("/api/v1/comments", json={**body, "email": "ann@example.org", "parent": ann["id"]})
        ben = c.post("/api/v1/comments", json={**body, "email": "ben@example.org"}).json()
        assert re.fullmatch(r"[0-9a-f]{32}", ann["avatar"]) and again.json()["avatar"] == ann["avatar"]
        assert ben["avatar"] != ann["avatar"]
        svg = c.get(f"/api/v1/avatars/{ann['avatar']}.svg")
        assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
        assert (
            svg.text.startswith("<svg")
            and "<script" not in svg.text
            and "immutable" in svg.headers["cache-control"]
        )
        assert svg.text != c.get(f"/api/v1/avatars/{ben['avatar']}.svg").text
        for bad in ("not-a-hash", "A" * 32, "0" * 31):
            assert c.get(f"/api/v1/avatars/{bad}.svg").status_code == 422, bad
        off = c.post("/api/v1/comments", json={**body, "site": plain.public_id, "email": "ann@example.org"})
        assert off.status_code == 201 and "avatar" not in off.json()


def test_signed_timestamp_is_verified(server, make_site):
    """A good stamp reaches the engine (posting at once reads as too fast); a forged one is dropped."""
    site, key = make_site()
    with server.client() as c:
        stamp = c.get(f"/api/v1/sites/{site.public_id}/config").json()["rendered_at"]
        forged = stamp.split(".")[0] + "." + "0" * 24
        body = {"site": site.public_id, "uri": "/stamp", "author": "Ann", "text": HAM}
        assert c.post("/api/v1/comments", json={**body, "rendered_at": forged}).json()["status"] == "approved"
        assert c.post("/api/v1/comments", json={**body, "rendered_at": stamp}).json()["status"] == "spam"


def test_stamp_round_trip():
    secret = b"s" * 32
    stamp = make_stamp(secret)
    assert read_stamp(secret, stamp).endswith("+00:00")
    assert read_stamp(b"other" * 8, stamp) is None
    assert read_stamp(secret, "2026-11-29T08:00:00Z") == "2026-11-29T08:00:00Z"  # an API client's own form


def test_privacy_page_unknown_site_and_languages(server, make_site):
    site, _ = make_site()
    with server.client() as c:
        assert c.get("/privacy/nope").status_code == 404
        assert (
            c.get("/privacy/999999999999999999999999999999").status_code == 404
        )  # no id that big: not a 500
        for lang, word in (
            ("en", "How long"),
            ("de", "Wie lange"),
            ("fr", "Combien"),
            ("es", "Cuánto"),
            ("pt", "Por quanto"),
        ):
            r = c.get(f"/privacy/{site.public_id}?lang={lang}")
            assert r.status_code == 200 and word in r.text and r.headers["content-language"] == lang
        assert (
            "Wie lange"
            in c.get(f"/privacy/{site.public_id}", headers={"Accept-Language": "de-AT,de;q=0.9"}).text
        )
        # the moderators' trash bin, with the configured period (deleted_retention_days, default 30)
        assert (
            "stays 30 days in their list of deleted comments"
            in c.get(f"/privacy/{site.public_id}?lang=en").text
        )
        assert c.get("/demo/").status_code == 404  # only a `porch demo` server has the demo page
