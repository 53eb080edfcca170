"""A site's blocked and allowed lists on a real `porch serve`: blocked words, IPs and e-mails make a
comment spam (never public) with the rule first among its check's reasons; an allowed e-mail is
not held by `moderation=all`; bad entries are refused with a message."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from porch.server.domain.sitesettings import CommentSettings, validate_settings
from porch.store import schema as t

HAM = "Thanks for the thoughtful write-up, I learned a lot from the section on soil."


def reasons(store, comment_id):
    c = t.comments.c
    with store.engine.connect() as conn:
        guid = conn.execute(select(c.guid).where(c.id == comment_id)).scalar()
        return conn.execute(select(t.checks.c.reasons).where(t.checks.c.guid == guid)).scalar()


def public(server, site):
    with server.client() as c:
        return c.get("/api/v1/comments", params={"site": site.public_id, "uri": "/post/1"}).json()["comments"]


def test_blocked_words_match_whole_words_whatever_the_case_or_lookalikes(
    server, store, make_site, post_comment
):
    site, _ = make_site(blocked_words=["Soil", "rich quick"])
    plain = post_comment(site, HAM)
    assert plain["status"] == "spam"
    assert reasons(store, plain["id"])[0] == "site rule: blocked word “Soil”"
    shouting = post_comment(site, "I read every line about the SOIL, thanks.")
    disguised = post_comment(site, "I read every line about the ѕoil, thanks.")  # a Cyrillic ѕ
    phrase = post_comment(site, "Get  Rich\nQuick with my method, thanks.")
    assert [x["status"] for x in (shouting, disguised, phrase)] == ["spam"] * 3
    assert reasons(store, phrase["id"])[0] == "site rule: blocked word “rich quick”"
    inside = post_comment(site, "Thanks, the subsoil diagram helped me a lot with my garden.")
    assert inside["status"] == "approved"  # a word, not a substring
    assert not any(r.startswith("site rule") for r in reasons(store, inside["id"]))
    assert [x["id"] for x in public(server, site)] == [inside["id"]]


def test_blocked_ip_and_email(server, store, make_site, post_comment):
    by_ip, _ = make_site(blocked_ips=["127.0.0.0/8"])  # the test client comes from 127.0.0.1
    made = post_comment(by_ip, HAM)
    assert made["status"] == "spam" and reasons(store, made["id"])[0] == "site rule: blocked IP 127.0.0.0/8"
    by_mail, _ = make_site(blocked_emails=["@spam.example", "one@example.org"])
    assert post_comment(by_mail, HAM, email="x@SPAM.example")["status"] == "spam"
    assert post_comment(by_mail, HAM, email="One@Example.org")["status"] == "spam"
    assert post_comment(by_mail, HAM, email="x@sub.spam.example")["status"] == "approved"  # that domain only
    assert len(public(server, by_mail)) == 1 and public(server, by_ip) == []


def test_allowed_email_skips_the_moderation_hold(server, store, make_site, post_comment):
    site, _ = make_site(moderation="all", allowed_emails=["@friends.example", "Me@Example.org"])
    assert post_comment(site, HAM, email="stranger@example.org")["status"] == "pending"
    friend = post_comment(site, HAM, email="ann@friends.example")
    assert friend["status"] == "approved"
    assert reasons(store, friend["id"])[0] == "site rule: allowed e-mail @friends.example"
    assert post_comment(site, HAM, email="me@example.org")["status"] == "approved"
    assert [x["id"] for x in public(server, site)][0] == friend["id"]


def test_blocked_beats_allowed(server, make_site, post_comment):
    site, _ = make_site(allowed_ips=["127.0.0.1"], blocked_words=["soil"])
    assert post_comment(site, HAM)["status"] == "spam"


@pytest.mark.parametrize(
    "key,value,message",
    [
        ("blocked_ips", ["203.0.113.0/33"], "not an IP address"),
        ("allowed_ips", ["localhost"], "not an IP address"),
        ("blocked_emails", ["nobody"], "not an e-mail address"),
        ("allowed_emails", ["a b@example.org"], "not an e-mail address"),
        ("blocked_words", ["!!!"], "letters or digits"),
        ("blocked_words", 42, "list of strings"),
    ],
)
def test_bad_entries_are_refused_with_a_message(key, value, message):
    with pytest.raises(ValueError, match=message):
        validate_settings({key: value}, CommentSettings())


def test_entries_are_cleaned():
    conf = validate_settings(
        {
            "blocked_ips": [" 203.0.113.9/24 ", "2001:DB8::1", ""],
            "blocked_emails": ["@Spam.Example", "@spam.example"],
            "blocked_words": ["  get   rich "],
        },
        CommentSettings(),
    )
    assert conf.blocked_ips == ["203.0.113.0/24", "2001:db8::1"]
    assert conf.blocked_emails == ["@spam.example"]
    assert conf.blocked_words == ["get rich"]
