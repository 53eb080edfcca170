"""Reputation keys and decay: which network, address and domains a comment is remembered by."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from porch.engine.history import Standing
from porch.engine.normalise import normalise
from porch.engine.reputation import (
    HALF_LIFE_DAYS,
    MAX_LINK_DOMAINS,
    add,
    decayed,
    hashed_key,
    network_of,
    normalise_email,
    reputation_keys,
    retract,
    standing_at,
)
from porch.engine.submission import Submission

DAY = 86400


@pytest.mark.parametrize(
    "ip, network",
    [
        ("203.0.113.77", "203.0.113.0/24"),
        (" 198.51.100.5 ", "198.51.100.0/24"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1::/48"),
        ("2001:DB8:1::1", "2001:db8:1::/48"),
        ("[2001:db8:abcd:12::1]", "2001:db8:abcd::/48"),
        ("::ffff:203.0.113.9", "203.0.113.0/24"),  # IPv4-mapped: the IPv4 reader behind it
        ("2002:cb00:7109::1", "203.0.113.0/24"),  # 6to4: the same
        ("10.1.2.3", "10.1.2.0/24"),  # an intranet site's readers are still readers
    ],
)
def test_network_of_an_address(ip, network):
    assert network_of(ip) == network


@pytest.mark.parametrize(
    "ip",
    [
        "",
        "unknown",
        "203.0.113",
        "203.0.113.300",
        "203.0.113.9:8080",
        "1.2.3.4, 5.6.7.8",
        "::g",
        "x" * 500,
        "127.0.0.1",
        "::1",
        "0.0.0.0",
        "::",
        "fe80::1%eth0",
        "169.254.1.1",
        "224.0.0.1",
    ],
)
def test_no_network_for_garbage_or_an_address_a_proxy_put_there(ip):
    assert network_of(ip) is None


@pytest.mark.parametrize(
    "address, normalised",
    [
        ("Ann@Example.org", "ann@example.org"),
        (" ann+porch@example.org ", "ann@example.org"),
        ("J.Doe+news@GMail.com", "jdoe@gmail.com"),
        ("j.doe@googlemail.com", "jdoe@gmail.com"),
        ("first.last@example.com", "first.last@example.com"),  # dots count outside Gmail
    ],
)
def test_email_normalisation(address, normalised):
    assert normalise_email(address) == normalised


@pytest.mark.parametrize(
    "address", ["", "ann", "@example.org", "ann@localhost", "+tag@example.org", "a b@c.de"]
)
def test_not_an_email_address(address):
    assert normalise_email(address) is None


def keys(**fields) -> list[tuple[str, str]]:
    sub = Submission.from_mapping(fields)
    return reputation_keys(sub, normalise(sub.comment_content, sub.comment_author, sub.comment_author_url))


def test_keys_of_a_link_spam():
    found = keys(
        user_ip="198.51.100.23",
        comment_author_email="Seo.Expert+7@Gmail.com",
        comment_author_url="https://www.best-seo.example.biz/offer",
        comment_content="Great post! See <a href='http://shop.pills.example.net/buy'>cheap pills</a> "
        "and https://pills.example.net/more and [url=http://casino.example.org]casino[/url]",
        blog="https://news.example.com",
    )
    assert found == [
        ("network", "198.51.100.0/24"),
        ("email", "seoexpert@gmail.com"),
        ("author_url", "example.biz"),
        ("link_domain", "example.net"),
        ("link_domain", "example.org"),
    ]


def test_shared_domains_and_the_site_itself_are_no_keys():
    found = keys(
        comment_content="The video https://www.youtube.com/watch?v=abc and https://en.wikipedia.org/wiki/Bridge "
        "say otherwise, see also https://github.com/x/y, https://x.com/someone and the earlier story "
        "https://news.example.com/2024/bridge",
        comment_author_url="https://www.facebook.com/ann.smith",
        blog="https://news.example.com",
    )
    assert found == []


def test_the_site_domain_comes_from_the_permalink_when_blog_is_missing():
    found = keys(
        comment_content="as said in https://www.example.co.uk/older-story",
        permalink="https://www.example.co.uk/story/42",
    )
    assert found == []


def test_link_domains_are_deduplicated_and_capped():
    content = " ".join(
        f"http://spam{i}.example{i % 15}.com/x http://www.spam.example{i % 15}.com" for i in range(30)
    )
    found = [k for kind, k in keys(comment_content=content) if kind == "link_domain"]
    assert len(found) == MAX_LINK_DOMAINS == len(set(found))


def test_run_together_words_are_no_link_domains():
    # "pain.it" is two words missing a space, not a link to Italy.
    assert keys(comment_content="it was such a pain.it took hours") == []


def test_keys_without_a_normalised_comment():
    sub = Submission(user_ip="203.0.113.1", comment_content="see http://spam.example.biz")
    assert reputation_keys(sub) == [("network", "203.0.113.0/24"), ("link_domain", "example.biz")]


def test_hashed_key_is_keyed_and_stable():
    one = hashed_key(b"site secret", "network", "203.0.113.0/24")
    assert one == hashed_key("site secret", "network", "203.0.113.0/24")
    assert len(one) == 32 and "203" not in one
    assert one != hashed_key(b"other secret", "network", "203.0.113.0/24")
    assert one != hashed_key(b"site secret", "email", "203.0.113.0/24")


def test_decay_halves_every_half_life():
    assert decayed(4.0, 0) == 4.0
    assert decayed(4.0, HALF_LIFE_DAYS * DAY) == pytest.approx(2.0)
    assert decayed(4.0, 3 * HALF_LIFE_DAYS * DAY) == pytest.approx(0.5)
    assert decayed(4.0, -DAY) == 4.0  # a worker's clock behind another's: no age
    assert decayed(1.0, 7 * DAY, half_life_days=7) == pytest.approx(0.5)
    assert decayed(1.0, float("inf")) == 0.0


def test_add_decays_then_counts_the_new_decision():
    s = add(Standing(), is_spam=True)
    assert s == Standing(spam=1.0, ham=0.0)
    s = add(s, is_spam=True, age_seconds=HALF_LIFE_DAYS * DAY)  # a month later
    assert s.spam == pytest.approx(1.5) and s.ham == 0.0
    s = add(s, is_spam=False)
    assert s.spam == pytest.approx(1.5) and s.ham == 1.0
    now = standing_at(s, 2 * HALF_LIFE_DAYS * DAY)
    assert now.spam == pytest.approx(0.375) and now.ham == pytest.approx(0.25)


def test_retract_takes_back_what_the_decision_still_weighs():
    s = add(add(Standing(), True), True, age_seconds=HALF_LIFE_DAYS * DAY)  # 0.5 + 1.0
    assert retract(s, was_spam=True, decision_age_seconds=HALF_LIFE_DAYS * DAY).spam == pytest.approx(1.0)
    assert retract(Standing(spam=0.2), was_spam=True, decision_age_seconds=0).spam == 0.0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_network_of_never_raises(text):
    result = network_of(text)
    assert result is None or "/" in result


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            "user_ip": st.text(max_size=40),
            "comment_author_email": st.text(max_size=40),
            "comment_author_url": st.text(max_size=40),
            "comment_content": st.text(max_size=200),
            "blog": st.text(max_size=30),
        }
    )
)
def test_reputation_keys_never_raise(fields):
    found = keys(**fields)
    assert len(found) == len(set(found))
    assert all(kind in ("network", "email", "author_url", "link_domain") and key for kind, key in found)
