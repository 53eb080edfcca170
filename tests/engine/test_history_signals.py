"""The history signals: what a moderator sees when the site remembers a network, an address, a text.

Each test builds the `SiteHistory` the service would pass for a comment and checks which signals
fire, which way they push and what their evidence says, through the whole engine.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from porch.engine.core import Engine
from porch.engine.history import CampaignMatch, SiteHistory, Standing
from porch.engine.model import Model
from porch.engine.normalise import normalise
from porch.engine.reputation import reputation_keys
from porch.engine.signals import Context, run_checks
from porch.engine.signals.history import CHECKS
from porch.engine.submission import Submission

NOW = datetime(2024, 5, 14, 9, 30, tzinfo=timezone.utc)
SPAMMY = Submission(
    comment_content="Very informative post, thanks for sharing! I bookmarked it. "
    "Visit http://cheap-essays.example.biz for help with your homework.",
    comment_author="Essay Writer",
    comment_author_email="writer+77@essays.example.biz",
    comment_author_url="https://essays.example.biz",
    user_ip="198.51.100.23",
    blog="https://news.example.com",
    permalink="https://news.example.com/2024/05/bridge",
)
REGULAR = Submission(
    comment_content="The bridge was closed for three weeks last spring too; the council never said why.",
    comment_author="Ann Smith",
    comment_author_email="Ann.Smith@example.org",
    user_ip="203.0.113.40",
    blog="https://news.example.com",
)
NETWORK = ("network", "198.51.100.0/24")
EMAIL = ("email", "writer@essays.example.biz")
DOMAIN = ("link_domain", "example.biz")


def fired(sub: Submission, history: SiteHistory | None) -> dict:
    norm = normalise(sub.comment_content, sub.comment_author, sub.comment_author_url)
    signals = run_checks(Context(sub, norm, NOW, history), CHECKS)
    codes = [s.code for s in signals]
    assert len(codes) == len(set(codes)), codes
    return {s.code: s for s in signals}


def test_the_keys_the_service_looks_up():
    assert reputation_keys(SPAMMY) == [NETWORK, EMAIL, ("author_url", "example.biz"), DOMAIN]


def test_nothing_fires_offline_or_on_an_empty_history():
    assert fired(SPAMMY, None) == {}
    assert fired(SPAMMY, SiteHistory()) == {}
    assert fired(REGULAR, SiteHistory(standings={("network", "203.0.113.0/24"): Standing()})) == {}


def test_a_network_that_sent_spam():
    s = fired(SPAMMY, SiteHistory(standings={NETWORK: Standing(spam=2.7)}))["reputation.network"]
    assert s.weight > 0
    assert s.name == "this network sent spam before"
    assert s.evidence == "3 earlier comments from this network were spam"
    assert "198.51" not in s.evidence  # no address in reasons that may be logged


def test_more_spam_weighs_more_up_to_a_cap():
    weights = [
        fired(SPAMMY, SiteHistory(standings={NETWORK: Standing(spam=n)}))["reputation.network"].weight
        for n in (1, 2, 3, 10, 100)
    ]
    assert weights == sorted(weights)
    assert weights[0] < 1 < weights[2] and weights[-1] <= 3


def test_spam_from_a_busy_network_counts_little():
    # A mobile carrier's shared addresses: two spam among forty approved comments.
    busy = fired(SPAMMY, SiteHistory(standings={NETWORK: Standing(spam=2, ham=40)}))
    assert "reputation.network" not in busy
    mixed = fired(SPAMMY, SiteHistory(standings={NETWORK: Standing(spam=4, ham=4)}))["reputation.network"]
    pure = fired(SPAMMY, SiteHistory(standings={NETWORK: Standing(spam=4)}))["reputation.network"]
    assert 0 < mixed.weight < pure.weight
    assert mixed.evidence == "4 earlier comments from this network were spam; 4 approved"


def test_old_spam_has_faded():
    # One spam two months ago is a decayed 0.25: not worth a word.
    assert fired(SPAMMY, SiteHistory(standings={NETWORK: Standing(spam=0.25)})) == {}


def test_an_email_address_that_sent_spam():
    s = fired(SPAMMY, SiteHistory(standings={EMAIL: Standing(spam=1)}))["reputation.email"]
    assert s.weight > 0 and s.evidence == "1 earlier comment with this e-mail address was spam"
    assert "writer" not in s.evidence


def test_a_linked_domain_seen_in_spam():
    s = fired(SPAMMY, SiteHistory(standings={DOMAIN: Standing(spam=4)}))["reputation.link_domain"]
    assert s.weight >= 2
    assert s.evidence == "the linked domain example.biz was in 4 spam comments"


def test_the_worst_of_several_linked_domains_speaks():
    sub = Submission(
        comment_content="see http://a.example.net and http://b.example.org and http://c.example.info"
    )
    history = SiteHistory(
        standings={
            ("link_domain", "example.net"): Standing(spam=1),
            ("link_domain", "example.org"): Standing(spam=5),
            ("link_domain", "example.info"): Standing(ham=3),
        }
    )
    s = fired(sub, history)["reputation.link_domain"]
    assert (
        s.evidence
        == "the linked domain example.org was in 5 spam comments; 1 more linked domain was in spam too"
    )


def test_an_author_url_seen_in_spam():
    history = SiteHistory(standings={("author_url", "example.biz"): Standing(spam=2)})
    s = fired(SPAMMY, history)["reputation.author_url"]
    assert s.weight > 0 and s.evidence == "example.biz was the author URL of 2 spam comments"


def test_a_regular_commenter_is_trusted():
    history = SiteHistory(
        standings={
            ("email", "ann.smith@example.org"): Standing(ham=7),
            ("network", "203.0.113.0/24"): Standing(ham=5),
        }
    )
    s = fired(REGULAR, history)["reputation.trusted"]
    assert s.weight == pytest.approx(-2.5)  # capped: an address is typed, not proven
    assert s.name == "known commenter"
    assert s.evidence == "this network has 5 approved comments; commenter has 7 approved comments"


def test_trust_from_a_network_alone_is_modest():
    s = fired(REGULAR, SiteHistory(standings={("network", "203.0.113.0/24"): Standing(ham=50)}))[
        "reputation.trusted"
    ]
    assert -1.5 <= s.weight < 0


def test_no_trust_for_an_address_that_also_sent_spam():
    history = SiteHistory(standings={("email", "ann.smith@example.org"): Standing(spam=2, ham=7)})
    signals = fired(REGULAR, history)
    assert "reputation.trusted" not in signals
    assert signals["reputation.email"].weight > 0


def test_a_campaign_across_networks():
    history = SiteHistory(campaign=CampaignMatch(copies=12, networks=9, pages=7))
    s = fired(SPAMMY, history)["campaign.copies"]
    assert 1 < s.weight <= 3
    assert s.name == "same text as other comments"
    assert s.evidence == "same text as 12 other comments in the last 24 hours, from 9 networks on 7 pages"


def test_more_copies_weigh_more():
    weights = [
        fired(SPAMMY, SiteHistory(campaign=CampaignMatch(copies=n, networks=n, pages=1)))[
            "campaign.copies"
        ].weight
        for n in (3, 6, 12, 48, 500)
    ]
    assert weights == sorted(weights) and weights[-1] == 3.0


def test_a_reader_posting_twice_is_no_campaign():
    # A double-click or a repost on the same page from the same network.
    assert fired(REGULAR, SiteHistory(campaign=CampaignMatch(copies=2, networks=1, pages=1))) == {}
    assert fired(REGULAR, SiteHistory(campaign=CampaignMatch(copies=5, networks=1, pages=2))) == {}


def test_a_copy_marked_spam_is_strong_evidence():
    history = SiteHistory(campaign=CampaignMatch(copies=1, networks=1, pages=1, marked_spam=True))
    s = fired(SPAMMY, history)["campaign.marked"]
    assert s.weight >= 4 and s.name == "a copy of this text was marked spam"
    assert s.evidence == "one of 1 comment with this text in the last 24 hours was marked spam"


def test_a_copy_approved_pushes_toward_ham():
    history = SiteHistory(
        campaign=CampaignMatch(copies=2, networks=1, pages=1, marked_ham=True, window_hours=168)
    )
    s = fired(REGULAR, history)["campaign.marked"]
    assert s.weight < 0 and s.evidence == "one of 2 comments with this text in the last 7 days was approved"


def test_copies_marked_both_ways_count_less_than_marked_spam():
    both = fired(SPAMMY, SiteHistory(campaign=CampaignMatch(3, 1, 1, marked_spam=True, marked_ham=True)))
    assert 0 < both["campaign.marked"].weight < 4
    assert both["campaign.marked"].evidence.endswith("another was approved")


def test_a_burst_from_one_network():
    s = fired(SPAMMY, SiteHistory(recent_from_network=8))["limits.burst"]
    assert 0 < s.weight <= 2.5
    assert s.evidence == "8 other comments from this network in the last minute"
    assert fired(SPAMMY, SiteHistory(recent_from_network=4)) == {}
    flood = fired(SPAMMY, SiteHistory(recent_from_network=500))["limits.burst"]
    assert flood.weight == 2.5


def test_a_longer_burst_window_allows_more():
    assert fired(SPAMMY, SiteHistory(recent_from_network=8, burst_window_seconds=300)) == {}
    s = fired(SPAMMY, SiteHistory(recent_from_network=40, burst_window_seconds=300))["limits.burst"]
    assert s.evidence == "40 other comments from this network in the last 5 minutes"


def test_the_engine_explains_a_remembered_spammer():
    engine = Engine(Model.untrained())
    history = SiteHistory(
        standings={NETWORK: Standing(spam=3), DOMAIN: Standing(spam=4)},
        campaign=CampaignMatch(copies=12, networks=9, pages=7, marked_spam=True),
        recent_from_network=8,
    )
    verdict = engine.check(SPAMMY, now=NOW, history=history)
    reasons = verdict.reasons()
    assert verdict.spam
    assert (
        "a copy of this text was marked spam: "
        "one of 12 comments with this text in the last 24 hours was marked spam"
    ) in reasons
    assert (
        "same text as other comments: "
        "same text as 12 other comments in the last 24 hours, from 9 networks on 7 pages"
    ) in reasons
    assert "links to a domain seen in spam: the linked domain example.biz was in 4 spam comments" in reasons
    assert "this network sent spam before: 3 earlier comments from this network were spam" in reasons
    assert (
        "burst of comments from one network: 8 other comments from this network in the last minute" in reasons
    )
    assert verdict.score > engine.check(SPAMMY, now=NOW).score


def test_the_engine_lets_a_known_commenter_through():
    engine = Engine(Model.untrained())
    history = SiteHistory(standings={("email", "ann.smith@example.org"): Standing(ham=7)})
    verdict = engine.check(REGULAR, now=NOW, history=history)
    assert "known commenter: commenter has 7 approved comments" in verdict.reasons()
    assert verdict.score < engine.check(REGULAR, now=NOW).score
    assert not verdict.spam
