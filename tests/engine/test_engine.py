"""The whole engine on real comments: verdicts, discard, the Akismet test values, odd input."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from porch.engine import Engine, Submission

REAL_HAM = [
    "Great explanation of the second law, I finally get it. Thanks!",
    "I disagree with the point about caching; in my experience the bottleneck is the database.",
    "Listening to this in 2015 and it still gives me chills",
    "Does anyone know which camera was used for the video?",
]
REAL_SPAM = [
    "Hey guys check out my new channel and our first vid THIS IS US THE MONKEYS!!! please subscribe!!!!",
    "FREE entry in 2 a wkly comp to win FA Cup final tkts. Text FA to 87121 to receive entry question",
    "Earn $500 a day from home!!! Visit http://cash-fast.example.biz now, limited offer",
]


@pytest.fixture(scope="module")
def engine():
    return Engine.default()


@pytest.mark.parametrize("text", REAL_HAM)
def test_real_comments_pass(engine, text):
    verdict = engine.check(Submission(comment_content=text, comment_author="Sam"))
    assert verdict.verdict == "ham", verdict.reasons()


@pytest.mark.parametrize("text", REAL_SPAM)
def test_real_spam_is_caught_and_explained(engine, text):
    verdict = engine.check(Submission(comment_content=text, comment_author="Promo"))
    assert verdict.spam, verdict.reasons()
    assert any("words that look like spam" in r for r in verdict.reasons())


def test_blatant_spam_with_a_rule_is_discarded(engine):
    sub = Submission.from_mapping(
        {
            "comment_content": "Check out my channel, subscribe!!! [url=http://cheap-pills.example]cheap viagra[/url]",
            "comment_author": "Cheap Viagra Online",
            "honeypot_field_name": "hp",
            "hp": "filled by a bot",
        }
    )
    verdict = engine.check(sub)
    assert verdict.verdict == "discard"
    assert any("honeypot" in r for r in verdict.reasons())


def test_model_alone_never_discards(engine):
    verdict = engine.check(Submission(comment_content="subscribe to my channel check out my channel " * 3))
    assert verdict.spam and verdict.verdict != "discard"


def test_akismet_test_values(engine):
    spam = engine.check(Submission(comment_content=REAL_HAM[0], comment_author="akismet-guaranteed-spam"))
    assert spam.verdict == "spam" and spam.score == 1.0
    ham = engine.check(Submission(comment_content=REAL_SPAM[0], user_role="administrator"))
    assert ham.verdict == "ham" and ham.score == 0.0


def test_learning_from_a_moderator_changes_the_next_verdict(engine):
    site = engine.copy()
    sub = Submission(comment_content="Visit the quiet lake cabins at dawn for a discount weekend")
    assert site.check(sub).verdict == "ham"
    for _ in range(3):
        site.learn(sub, is_spam=True)
    assert site.check(sub).spam
    assert engine.check(sub).verdict == "ham"  # other sites unaffected


def test_verdict_dict_has_the_documented_shape(engine):
    d = engine.check(Submission(comment_content=REAL_SPAM[0])).to_dict()
    assert set(d) == {"verdict", "spam", "score", "reasons"}
    assert d["verdict"] in ("ham", "spam", "discard") and 0 <= d["score"] <= 1
    assert all(isinstance(r, str) and r for r in d["reasons"])


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"comment_content": ""},
        {"comment_content": "x" * 1_000_000},
        {"comment_content": "\x00\x01\x02 \ud800 control \x7f"},
        {"comment_content": "hi", "comment_date_gmt": "year 99999", "rendered_at": "-1e300"},
        {"comment_content": "hi", "comment_date_gmt": "1970-01-01", "is_test": {"a": 1}},
        {"comment_content": 12345, "comment_author": None, "user_ip": ["1.2.3.4"]},
    ],
)
def test_odd_input_gets_a_defined_verdict(engine, fields):
    verdict = engine.check(Submission.from_mapping(fields))
    assert verdict.verdict in ("ham", "spam", "discard")
    assert 0.0 <= verdict.score <= 1.0


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "comment_content",
                "comment_author",
                "comment_author_url",
                "comment_author_email",
                "user_ip",
                "blog_lang",
                "rendered_at",
                "comment_date_gmt",
                "honeypot_field_name",
                "extra",
            ]
        ),
        st.text(),
    )
)
def test_any_fields_give_a_verdict(engine, fields):
    verdict = engine.check(Submission.from_mapping(fields))
    assert verdict.verdict in ("ham", "spam", "discard")
