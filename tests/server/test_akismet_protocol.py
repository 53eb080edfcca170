"""The Akismet protocol byte for byte, as WordPress and the client libraries read it."""

from __future__ import annotations

import json
import uuid

from support.servers import wait_for

THANKS = b"Thanks for making the web a better place."
HAM_TEXT = "Thank you for the recipe, I baked the bread this weekend and my family loved it."


def form(key: str, **fields) -> dict:
    return {"api_key": key, "blog": "https://blog.example.org", "user_ip": "198.51.100.7", **fields}


def test_verify_key_valid_and_invalid(server, new_site):
    _, key = new_site()
    with server.client() as c:
        ok = c.post("/1.1/verify-key", data={"key": key, "blog": "https://blog.example.org"})
        assert (ok.status_code, ok.content) == (200, b"valid")
        assert ok.headers["content-type"].startswith("text/plain")
        bad = c.post("/1.1/verify-key", data={"key": "0" * 32, "blog": "https://blog.example.org"})
        assert (bad.status_code, bad.content) == (200, b"invalid")
        assert "key" in bad.headers["x-akismet-debug-help"].lower()
        # api_key works as well as key
        assert c.post("/1.1/verify-key", data={"api_key": key, "blog": "x"}).content == b"valid"


def test_invalid_explains_why(server, new_site):
    _, key = new_site()
    with server.client() as c:
        for data, word in [
            ({"blog": "https://b.example", "user_ip": "1.2.3.4"}, "api_key"),
            ({"api_key": key, "user_ip": "1.2.3.4"}, "blog"),
            ({"api_key": key, "blog": "https://b.example"}, "user_ip"),
            ({"api_key": "nope", "blog": "https://b.example", "user_ip": "1.2.3.4"}, "key"),
        ]:
            r = c.post("/1.1/comment-check", data=data)
            assert (r.status_code, r.content) == (200, b"invalid"), data
            assert word in r.headers["x-akismet-debug-help"], (data, r.headers)


def test_wordpress_settings_page_calls(server, new_site):
    """WordPress's Akismet plugin reads the key's account and tests connectivity on its settings page."""
    _, key = new_site()
    with server.client() as c:
        sub = c.post("/1.1/get-subscription", data={"key": key, "blog": "https://blog.example.org"})
        assert sub.status_code == 200 and sub.headers["content-type"].startswith("application/json")
        assert json.loads(sub.content)["status"] == "active"
        bad = c.post("/1.1/get-subscription", data={"key": "0" * 32, "blog": "https://blog.example.org"})
        assert (bad.status_code, bad.content) == (200, b"invalid") and bad.headers["x-akismet-debug-help"]
        for r in (c.get("/1.1/test"), c.post("/1.1/test")):
            assert (r.status_code, r.content) == (200, b"connected")


def test_wordpress_hidden_field_is_the_honeypot(server, store, new_site):
    """The plugin sends its form's hidden textarea as POST_ak_hp_textarea and never names it: filled,
    it is honeypot evidence; a client that names another field keeps its own."""
    site, key = new_site()
    with server.client() as c:

        def check(**fields):
            r = c.post("/1.1/comment-check", data=form(key, comment_content=HAM_TEXT, **fields))
            found = wait_for(lambda: store.checks.find(site.id, r.headers["x-akismet-guid"]), timeout=10)
            return float(r.headers["x-porch-score"]), any("honeypot" in why for why in found.reasons)

        filled, filled_caught = check(POST_ak_hp_textarea="http://casino.example")
        empty, empty_caught = check(POST_ak_hp_textarea="")
        _, named_caught = check(POST_ak_hp_textarea="http://casino.example", honeypot_field_name="hp", hp="")
    assert filled_caught and filled > empty
    assert not empty_caught and not named_caught


def test_check_answers_true_false_with_guid(server, new_site):
    _, key = new_site()
    with server.client() as c:
        spam = c.post(
            "/1.1/comment-check",
            data=form(key, comment_author="akismet-guaranteed-spam", comment_content="hi"),
        )
        assert spam.content == b"true"
        ham = c.post(
            "/1.1/comment-check", data=form(key, user_role="administrator", comment_content=HAM_TEXT)
        )
        assert ham.content == b"false"
        for r in (spam, ham):
            assert uuid.UUID(r.headers["x-akismet-guid"])
            assert "x-akismet-pro-tip" not in r.headers
        assert spam.headers["x-akismet-guid"] != ham.headers["x-akismet-guid"]
        # the documented test e-mail, in any case
        r = c.post(
            "/1.1/comment-check", data=form(key, comment_author_email="Akismet-Guaranteed-Spam@example.com")
        )
        assert r.content == b"true"


def test_blatant_spam_gets_discard_pro_tip(server, new_site):
    _, key = new_site()
    text = (
        "BUY CHEAP VIAGRA CIALIS CASINO LOANS http://pills.example http://casino.example http://loans.example"
    )
    with server.client() as c:
        r = c.post(
            "/1.1/comment-check",
            data=form(
                key,
                comment_content=text,
                comment_author="cheap viagra casino",
                comment_author_url="http://pills.example",
                honeypot_field_name="hp_website",
                hp_website="http://pills.example",
            ),
        )
    assert r.content == b"true"
    assert r.headers["x-akismet-pro-tip"] == "discard"


def test_honeypot_field(server, new_site):
    _, key = new_site()
    with server.client() as c:
        filled = c.post(
            "/api/v1/check",
            headers={"Authorization": f"Bearer {key}"},
            json={"comment_content": HAM_TEXT, "honeypot_field_name": "hp", "hp": "gotcha"},
        )
        empty = c.post(
            "/api/v1/check",
            headers={"Authorization": f"Bearer {key}"},
            json={"comment_content": HAM_TEXT, "honeypot_field_name": "hp", "hp": ""},
        )
    assert "form.honeypot" in [s["code"] for s in filled.json()["signals"]]
    assert "form.honeypot" not in [s["code"] for s in empty.json()["signals"]]
    assert filled.json()["score"] > empty.json()["score"]


def test_legacy_key_in_host(server, new_site):
    _, key = new_site()
    with server.client() as c:
        r = c.post(
            "/1.1/comment-check",
            headers={"Host": f"{key}.rest.akismet.com"},
            data={"blog": "https://blog.example.org", "user_ip": "1.2.3.4", "user_role": "administrator"},
        )
        assert r.content == b"false"
        r = c.post(
            "/1.1/comment-check",
            headers={"Host": f"{'f' * 32}.rest.akismet.com"},
            data={"blog": "https://blog.example.org", "user_ip": "1.2.3.4"},
        )
        assert r.content == b"invalid"


def test_unknown_fields_and_wordpress_extras_are_accepted(server, new_site):
    _, key = new_site()
    wp = {f"POST_field_{i}": "x" * 20 for i in range(60)}
    wp.update(
        {
            "SERVER_SOFTWARE": "nginx",
            "HTTP_ACCEPT": "text/html",
            "comment_post_ID": "12",
            "blog_lang": "en_US",
            "blog_charset": "UTF-8",
            "comment_type": "comment",
            "user_role": "administrator",
        }
    )
    with server.client() as c:
        r = c.post("/1.1/comment-check", data=form(key, comment_content=HAM_TEXT, **wp))
    assert r.content == b"false"


def test_submit_answers_thanks_exactly(server, new_site):
    _, key = new_site()
    with server.client() as c:
        for path in ("/1.1/submit-spam", "/1.1/submit-ham"):
            r = c.post(path, data=form(key, comment_content="some words that are here", is_test="1"))
            assert (r.status_code, r.content) == (200, THANKS)
        assert c.post("/1.1/submit-spam", data=form("bad" * 10, comment_content="x")).content == b"invalid"


def test_charset_and_bad_encoding(server, new_site):
    _, key = new_site()
    with server.client() as c:
        latin = f"api_key={key}&blog=b&user_ip=1.2.3.4&user_role=administrator&blog_charset=ISO-8859-1&comment_content=caf%E9"
        r = c.post(
            "/1.1/comment-check", content=latin, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert r.content == b"false"
        bad = f"api_key={key}&blog=b&user_ip=1.2.3.4&comment_content=caf%E9%FF"
        r = c.post(
            "/1.1/comment-check", content=bad, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert r.status_code == 400 and b"UTF-8" in r.content


def test_key_sites_and_usage_limit(server, new_site):
    site, key = new_site()
    with server.client() as c:
        c.post("/1.1/comment-check", data=form(key, comment_author="akismet-guaranteed-spam"))
        c.post("/1.1/comment-check", data=form(key, user_role="administrator"))
        body = None
        for _ in range(100):  # the check log is written in batches
            body = c.get("/1.2/key-sites", params={"api_key": key}).json()
            month = [k for k in body if k not in ("limit", "offset", "total")][0]
            if body[month] and body[month][0]["api_calls"] == "2":
                break
        (row,) = body[month]
        assert row == {
            "site": site.url,
            "api_calls": "2",
            "spam": "1",
            "ham": "1",
            "missed_spam": "0",
            "false_positives": "0",
            "is_revoked": False,
        }
        assert body["total"] == 1
        csv = c.post("/1.2/key-sites", data={"api_key": key, "format": "csv"}).text.splitlines()
        assert csv[0].startswith(f"Active sites for {key} during {month}")
        assert csv[1] == "Site,Total API Calls,Spam,Ham,Missed Spam,False Positives,Is Revoked"
        assert csv[2] == f"{site.url},2,1,1,0,0,false"
        usage = c.get("/1.2/usage-limit", params={"api_key": key}).json()
        assert usage == {"limit": "none", "usage": 2, "percentage": "0.00", "throttled": False}
        assert c.get("/1.2/key-sites", params={"api_key": key, "month": "2020-13"}).status_code == 400


def test_is_test_checks_and_feedback_never_train(server, new_site, store):
    site, key = new_site()
    text = "Check out my amazing collection of handmade pottery from the workshop downtown"
    with server.client() as c:
        c.post("/1.1/comment-check", data=form(key, comment_content=text, is_test="1"))
        for _ in range(3):
            r = c.post("/1.1/submit-spam", data=form(key, comment_content=text, is_test="1"))
            assert r.content == THANKS
        before = store.checks.max_event_id()
        r = c.post(
            "/api/v1/check", headers={"Authorization": f"Bearer {key}"}, json={"comment_content": text}
        )
        assert not [s for s in r.json()["signals"] if s["code"].startswith(("campaign", "reputation"))]
    from sqlalchemy import select

    from porch.store.schema import feedback_events

    with store.engine.connect() as conn:
        assert (
            conn.execute(select(feedback_events).where(feedback_events.c.site_id == site.id)).first() is None
        )
    assert store.checks.max_event_id() == before


def test_recheck_is_not_a_copy_of_itself(server, new_site):
    _, key = new_site()
    text = "I disagree with the author about the new bridge, the old one worked fine for decades"
    with server.client() as c:
        first = c.post(
            "/api/v1/check",
            headers={"Authorization": f"Bearer {key}"},
            json={"comment_content": text, "user_ip": "203.0.113.9", "permalink": "https://b.example/p/1"},
        )
        assert first.status_code == 200
        for _ in range(50):
            again = c.post(
                "/api/v1/check",
                headers={"Authorization": f"Bearer {key}"},
                json={
                    "comment_content": text,
                    "user_ip": "203.0.113.9",
                    "permalink": "https://b.example/p/1",
                    "recheck_reason": "edit",
                },
            )
            codes = [s["code"] for s in again.json()["signals"]]
            assert "campaign.copies" not in codes and "limits.burst" not in codes
        r = c.post(
            "/1.1/comment-check",
            data=form(key, comment_content=text, recheck_reason="edit", user_role="administrator"),
        )
        assert r.content == b"false"


def test_responses_are_plain_text_without_server_details(server, new_site):
    _, key = new_site()
    with server.client() as c:
        r = c.post("/1.1/comment-check", data=form(key, user_role="administrator"))
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    assert "server" not in r.headers
