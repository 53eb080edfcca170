"""The named checks, each on a real-looking spam that must fire it and a real-looking ham that must not.

Assertions are about what a moderator sees: which signal fired, what it is called, the particulars
in its evidence, and which way it pushes. Exact weights are tuned elsewhere and not pinned here.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from porch.engine.normalise import normalise
from porch.engine.signals import CHECKS, Context, run_checks
from porch.engine.submission import Submission
from porch.engine.verdict import decide

NOW = datetime(2024, 5, 14, 9, 30, tzinfo=timezone.utc)


def check(now: datetime = NOW, **fields) -> dict:
    """Run every check on a submission built from Akismet-style fields; signals by code."""
    sub = Submission.from_mapping(fields)
    norm = normalise(sub.comment_content, sub.comment_author, sub.comment_author_url)
    fired = run_checks(Context(sub, norm, now))
    codes = [s.code for s in fired]
    assert len(codes) == len(set(codes)), f"a signal fired twice: {codes}"
    return {s.code: s for s in fired}


# --- testvalues --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"comment_author": "akismet-guaranteed-spam"},
        {"comment_author": "  Akismet-Guaranteed-Spam "},
        {"comment_author_email": "akismet-guaranteed-spam@example.com"},
        {"comment_author_email": "AKISMET-GUARANTEED-SPAM@EXAMPLE.COM"},
    ],
)
def test_akismet_guaranteed_spam_is_decisive(fields):
    signals = check(comment_content="Thanks for the recipe, it worked perfectly.", **fields)
    sig = signals["testvalues.spam"]
    assert sig.decisive == "spam" and sig.weight > 0
    assert "akismet-guaranteed-spam" in sig.evidence
    assert decide(-6.0, tuple(signals.values())).verdict == "spam"


def test_administrator_is_decisive_ham_even_with_the_spam_test_value():
    signals = check(
        comment_content="Buy cheap viagra http://pills.example.com",
        comment_author="akismet-guaranteed-spam",
        user_role="administrator",
    )
    assert signals["testvalues.administrator"].decisive == "ham"
    assert signals["testvalues.administrator"].weight < 0
    assert decide(5.0, tuple(signals.values())).verdict == "ham"


def test_names_like_the_test_value_are_not_the_test_value():
    signals = check(
        comment_content="Nice one",
        comment_author="akismet guaranteed spammer",
        comment_author_email="guaranteed-spam@example.com",
        user_role="subscriber",
    )
    assert "testvalues.spam" not in signals and "testvalues.administrator" not in signals


# --- form --------------------------------------------------------------------------------------


def test_filled_honeypot_is_a_near_certain_tell():
    signals = check(
        comment_content="Great post, very informative.",
        honeypot_field_name="website_confirm",
        website_confirm="http://cheap-loans.example.com",
    )
    sig = signals["form.honeypot"]
    assert sig.name == "hidden honeypot field was filled in"
    assert sig.weight >= 4
    assert "website_confirm" in sig.evidence and "cheap-loans" in sig.evidence


def test_empty_honeypot_does_not_fire():
    signals = check(
        comment_content="Great post.", honeypot_field_name="website_confirm", website_confirm="  "
    )
    assert "form.honeypot" not in signals


def test_posted_within_seconds_of_page_load():
    signals = check(
        comment_content="Nice blog! Visit my site", rendered_at=(NOW - timedelta(seconds=2)).isoformat()
    )
    sig = signals["form.too_fast"]
    assert sig.name == "posted 2 s after the page loaded"
    assert sig.weight >= 1.5
    assert "09:29:58" in sig.evidence and "09:30:00" in sig.evidence


def test_a_few_seconds_is_only_mildly_suspicious():
    signals = check(comment_content="thanks!", rendered_at=(NOW - timedelta(seconds=6)).isoformat())
    assert signals["form.too_fast"].name == "posted 6 s after the page loaded"
    assert 0 < signals["form.too_fast"].weight < 1


def test_a_person_reading_first_is_not_too_fast():
    signals = check(
        comment_content="I read this twice and still disagree with the conclusion.",
        rendered_at=(NOW - timedelta(minutes=4)).isoformat(),
    )
    assert "form.too_fast" not in signals and "form.bad_timestamp" not in signals


def test_comment_date_is_the_posting_time_when_the_client_sends_one():
    # An Akismet client rechecking a comment an hour later: the comment was still posted in 1 s.
    rendered = NOW - timedelta(hours=1)
    signals = check(
        comment_content="Nice",
        rendered_at=rendered.isoformat(),
        comment_date_gmt=(rendered + timedelta(seconds=1)).isoformat(),
    )
    assert signals["form.too_fast"].name == "posted 1 s after the page loaded"


def test_small_clock_skew_counts_as_instant_not_as_forgery():
    signals = check(comment_content="Nice", rendered_at=(NOW + timedelta(seconds=20)).isoformat())
    assert "form.too_fast" in signals and "form.bad_timestamp" not in signals


@pytest.mark.parametrize(
    ("rendered", "words"),
    [(NOW + timedelta(hours=3), "3 h after the comment"), (NOW - timedelta(days=40), "40 days before")],
)
def test_form_timestamp_from_the_future_or_long_ago_is_invalid(rendered, words):
    sig = check(comment_content="Nice", rendered_at=rendered.isoformat())["form.bad_timestamp"]
    assert sig.name == "form timestamp is invalid"
    assert words in sig.evidence
    assert 0 < sig.weight <= 1


def test_old_post_is_not_a_signal():
    signals = check(
        comment_content="Still useful in 2024, thanks.", comment_post_modified_gmt="2011-03-02T10:00:00Z"
    )
    assert not signals


# --- links -------------------------------------------------------------------------------------


def test_many_links():
    signals = check(
        comment_content=(
            "Great list! Also see http://best-essays.example.com, http://essay-help.example.net, "
            "http://write-my-paper.example.org and http://cheap-essays.example.info for more tips"
        )
    )
    sig = signals["links.count"]
    assert sig.name == "too many links" and sig.weight > 0
    assert sig.evidence == "4 links, to 4 sites"


def test_two_sources_in_a_real_comment_are_at_most_mild():
    signals = check(
        comment_content=(
            "The figures come from the ONS release (https://www.ons.gov.uk/economy) and the Bank of England's "
            "inflation report at https://www.bankofengland.co.uk/monetary-policy-report, "
            "both worth reading in full "
            "before drawing conclusions about wages."
        )
    )
    assert "links.density" not in signals
    assert signals.get("links.count") is None or signals["links.count"].weight <= 0.5


def test_a_link_with_almost_nothing_around_it():
    sig = check(comment_content="please like :D https://premium.easypromosapp.com/voteme/19924/616375350")[
        "links.density"
    ]
    assert sig.name == "mostly links"
    assert sig.evidence == "1 link in 3 words"


def test_links_to_the_site_itself_do_not_count():
    signals = check(
        comment_content="Best part: https://www.youtube.com/watch?v=KQ6zr6kCPj8&t=2m19s",
        permalink="https://www.youtube.com/watch?v=KQ6zr6kCPj8",
    )
    assert "links.density" not in signals and "links.count" not in signals


def test_words_run_together_after_a_full_stop_are_not_links():
    signals = check(comment_content="Howz pain.it will come down today.do as i said ystrday.ice and medicine")
    assert not [code for code in signals if code.startswith("links.")]


def test_bbcode_and_html_links_in_one_comment():
    signals = check(
        comment_content=(
            'Thanks for sharing! <a href="http://pills.example.com">cheap viagra</a> '
            "[url=http://casino.example.net]best online casino[/url]"
        )
    )
    sig = signals["links.markup"]
    assert sig.name == "links written as HTML and as BBCode" and sig.weight >= 2
    anchor = signals["links.keyword_anchor"]
    assert anchor.name == "link text is sales keywords"
    assert "cheap viagra" in anchor.evidence and "example.com" in anchor.evidence


def test_bbcode_link():
    sig = check(comment_content="Nice read [url=http://replica-watches.example.com]replica watches[/url]")[
        "links.markup"
    ]
    assert sig.name == "link written as BBCode" and sig.evidence == "1 [url] link"


def test_plain_link_is_not_markup_and_a_plain_anchor_is_not_keywords():
    signals = check(
        comment_content=(
            'I wrote a longer reply on <a href="https://myblog.example.org/2024/05/pensions">my blog</a>, '
            "mostly agreeing with the point about the triple lock."
        )
    )
    assert signals["links.markup"].name == "link written as HTML"
    assert "links.keyword_anchor" not in signals


@pytest.mark.parametrize(
    ("author", "words"),
    [
        ("Best SEO Services", "best, seo, services"),
        ("buy-cheap-pills", "buy, cheap, pills"),
        ("Cheap Payday Loans Online", "cheap, payday, loans, online"),
        ("ᴄʜᴇᴀᴘ Jerseys Wholesale", "cheap, jerseys, wholesale"),
        ("QuickBooks Support Helpline", "support, helpline"),
    ],
)
def test_author_name_that_is_sales_keywords(author, words):
    sig = check(comment_content="Very helpful post, thanks for sharing.", comment_author=author)[
        "links.author_keywords"
    ]
    assert sig.name == "author name is sales keywords" and sig.weight > 0
    assert sig.evidence.endswith(words)


@pytest.mark.parametrize(
    "author",
    [
        "Mary Ann Smith",
        "Julius NM",
        "ElNino Melendez",
        "kobyoshi02",
        "George Best",
        "Seo Ji-hye",
        "Nguyen Thi Loan",
        "Dr. J. R. Smith",
        "PinkyThePuppyProductions",
        "Walker's.Enchanted.Music.Channel",
        "Александр Федоров",
        "Jean-Pierre Free",
    ],
)
def test_people_s_names_do_not_fire(author):
    signals = check(comment_content="I agree with the point about pensions.", comment_author=author)
    assert "links.author_keywords" not in signals and "links.author_url_in_name" not in signals


@pytest.mark.parametrize(
    "author", ["www.cheap-pills.com", "http://seo-agency.example.com", "CasinoBonus.net"]
)
def test_author_name_that_is_a_web_address(author):
    sig = check(comment_content="Nice article", comment_author=author)["links.author_url_in_name"]
    assert sig.name == "author name is a web address" and sig.weight > 0
    assert "." in sig.evidence


def test_author_url_linked_again_in_the_text():
    sig = check(
        comment_content="Nice post, more tips at https://roof-repair.example.co.uk/blog/gutters",
        comment_author="Dave",
        comment_author_url="https://www.roof-repair.example.co.uk",
    )["links.author_url_repeated"]
    assert sig.name == "links to the author's own site"
    assert "example.co.uk" in sig.evidence and "once" in sig.evidence


def test_author_url_on_a_shared_platform_is_not_self_promotion():
    signals = check(
        comment_content="I made a reaction video: https://www.youtube.com/watch?v=abc123",
        comment_author_url="https://www.youtube.com/user/someone",
    )
    assert "links.author_url_repeated" not in signals


# --- contact -----------------------------------------------------------------------------------


def test_support_number_scam():
    signals = check(
        comment_content=(
            "Facing payroll errors? Call Quickbooks support number +1-888-555-0147 for instant help from "
            "certified experts, available 24/7."
        )
    )
    phone, support = signals["contact.phone"], signals["contact.support"]
    assert phone.name == "toll-free phone number in the comment" and phone.weight > 0
    assert phone.evidence.startswith("+1-888") and "11 digits" in phone.evidence
    assert "0147" not in phone.evidence  # enough to recognise, not enough to dial
    assert support.name == "advertises a support or help line"
    assert "support number" in support.evidence
    assert phone.weight + support.weight >= 2


@pytest.mark.parametrize(
    "text",
    [
        "Binance customer care 1 8 7 7 5 5 5 0 1 9 9 call now",
        "Binance customer care 1 - 8 7 7 - 5 5 5 - 0 1 9 9 call now",
    ],
)
def test_phone_number_spaced_out_to_dodge_filters(text):
    signals = check(comment_content=text)
    assert signals["contact.phone"].name == "phone number spaced out to dodge filters"
    assert "contact.support" in signals


@pytest.mark.parametrize(
    "text",
    [
        "Norton antivirus helpline ＋１ (８７７) ５５５-０１９９",  # full-width digits
        "Cash App refund team: 1.800.555.0123 (toll free)",
        "Win a £1000 prize! Call 09061701461 now. T&Cs apply",
    ],
)
def test_scam_phone_formats(text):
    assert check(comment_content=text)["contact.phone"].weight > 1


def test_ordinary_phone_number_is_modest_evidence():
    signals = check(
        comment_content="If anyone from the residents' group wants to help, my number is 07700 900461."
    )
    assert signals["contact.phone"].name == "phone number in the comment"
    assert 0 < signals["contact.phone"].weight <= 1.5
    assert "contact.support" not in signals


def test_a_short_local_number_counts_only_after_a_word_like_call():
    assert "contact.phone" in check(
        comment_content="The shop moved, my number is 555-0147 if you need a lift"
    )
    assert "contact.phone" not in check(comment_content="Ticket 555-0147 was closed without an answer")


@pytest.mark.parametrize(
    "text",
    [
        "This video has 2,147,483,647 views, the counter broke!",
        "1.000.000.000 views and counting",
        "Posted on 2013-11-07 06:20:48 and still great",
        "Meeting was on 07/11/2013 at 10:00",
        "11111111111111111 likes",
        "Watch https://www.facebook.com/photo.php?fbid=313454548839369&set=a.2072302127951",
        "The council budget is £4,500,000 for 2024 to 2025.",
        "Call me when you land, I'll be at the gate.",
    ],
)
def test_numbers_that_are_not_phone_numbers(text):
    assert "contact.phone" not in check(comment_content=text)


def test_email_address_in_the_content():
    sig = check(comment_content="For cheap bulk SMS services write to sales.team@bulk-sms.example.com today")[
        "contact.email"
    ]
    assert sig.name == "e-mail address in the comment"
    assert sig.evidence == "an address at bulk-sms.example.com"


def test_mentions_are_not_email_addresses():
    assert "contact.email" not in check(comment_content="@katyperry you are amazing, see you in Paris!")


@pytest.mark.parametrize(
    ("text", "app", "shown"),
    [
        (
            "I made $5,000 weekly with Mr. Harris's forex plan, contact him on WhatsApp +1 (929) 555-0178",
            "WhatsApp",
            "+1 (92",
        ),
        (
            "Recover your lost crypto! Message Telegram: @recovery_expert_jane",
            "Telegram",
            "@recovery_expert_jane",
        ),
        ("Join the signals group https://t.me/forexsignalsvip", "Telegram", "forexsi"),
    ],
)
def test_messenger_handle(text, app, shown):
    sig = check(comment_content=text)["contact.messenger"]
    assert sig.name == f"asks to be contacted on {app}"
    assert shown in sig.evidence


def test_talking_about_messengers_is_not_a_handle():
    signals = check(comment_content="WhatsApp and Telegram both leak metadata; Signal is the better choice.")
    assert "contact.messenger" not in signals


# --- content -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "!!!", "a", "<p></p>"])
def test_no_words(text):
    sig = check(comment_content=text)["content.empty"]
    assert sig.name == "comment has no words" and 0 < sig.weight <= 1 and sig.decisive is None


@pytest.mark.parametrize("text", [":)", "<3", "❤️❤️❤️", ";-)", "ok", "👍"])
def test_a_reaction_is_not_an_empty_comment(text):
    assert "content.empty" not in check(comment_content=text)


def test_shouting_reads_the_original_capitals():
    sig = check(comment_content="FREE ENTRY TO WIN A BRAND NEW IPHONE CLICK THE LINK IN MY PROFILE NOW")[
        "content.shouting"
    ]
    assert sig.name == "written in capitals" and 0 < sig.weight <= 1
    assert sig.evidence == "100% of 55 letters are capitals"


@pytest.mark.parametrize(
    "text",
    ["The NHS and the BBC both covered the NATO summit in the UK.", "OMG", "I LOVE IT", "ＴＨＩＳ is fine"],
)
def test_acronyms_and_short_cries_are_not_shouting(text):
    assert "content.shouting" not in check(comment_content=text)


def test_full_width_capitals_are_shouting_too():
    assert "content.shouting" in check(
        comment_content="ＦＲＥＥ ＣＡＳＨ ＦＯＲ ＥＶＥＲＹＯＮＥ ＴＯＤＡＹ ＯＮＬＹ"
    )


@pytest.mark.parametrize(("text", "shown"), [("soooooo good!!", "oooooo"), ("Click now!!!!!!", "!!!!!!")])
def test_stretched_characters(text, shown):
    sig = check(comment_content=text)["content.repeated"]
    assert sig.name == "stretched-out characters" and 0 < sig.weight <= 0.5
    assert shown in sig.evidence


@pytest.mark.parametrize(
    "text", ["Wait.... what?", "I need 1000000 more", "Sooo good", "Really!!! Wow", "-----"]
)
def test_ordinary_emphasis_is_not_stretched(text):
    assert "content.repeated" not in check(comment_content=text)


def test_cyrillic_letters_inside_latin_words():
    sig = check(comment_content="Buy vіagra and сialis online, no prescription")["content.mixed_script"]
    assert sig.name == "words mix Latin and look-alike letters" and sig.weight >= 1.5
    assert "vіagra" in sig.evidence and "Cyrillic" in sig.evidence


def test_many_mixed_words_weigh_more():
    one = check(comment_content="Best frее offer today")["content.mixed_script"]
    many = check(comment_content="Веst frее оffer tоday fоr yоu")["content.mixed_script"]
    assert many.weight > one.weight
    assert "more" in many.evidence or many.evidence.count("“") >= 3


@pytest.mark.parametrize(
    "text",
    [
        "Спасибо за статью, очень полезно!",  # Russian in its own script
        "Το άρθρο είναι εξαιρετικό",  # Greek in its own script
        "The 5μm filter and a 10μg dose of vitamin D",  # units
        "Привет from Berlin, great post",  # two scripts, separate words
    ],
)
def test_honest_scripts_are_not_mixed(text):
    assert "content.mixed_script" not in check(comment_content=text)


# --- language ----------------------------------------------------------------------------------


def test_another_alphabet_than_the_site_s():
    sig = check(
        comment_content="Купить дешевые таблетки без рецепта с доставкой по всей России, звоните сейчас",
        blog_lang="en",
    )["language.script"]
    assert sig.name == "written in another alphabet than the site's" and sig.weight > 0
    assert "Cyrillic" in sig.evidence and "English" in sig.evidence


def test_latin_spam_on_a_japanese_site():
    sig = check(
        comment_content="Buy cheap viagra online without prescription, fast shipping worldwide",
        blog_lang="ja",
    )["language.script"]
    assert "Latin" in sig.evidence and "Japanese" in sig.evidence


def test_a_distant_language_weighs_more_than_a_neighbour():
    far = check(
        comment_content="Jual obat kuat pria tahan lama asli, pengiriman cepat ke seluruh Indonesia, hubungi",
        blog_lang="en_US",
    )["language.other"]
    near = check(
        comment_content="Me encanta esta canción, la escucho todos los días cuando voy al trabajo con amigos",
        blog_lang="en",
    )["language.other"]
    assert far.name == "written in Indonesian, not the site's language"
    assert near.name == "written in Spanish, not the site's language"
    assert far.weight > near.weight > 0
    assert "English" in near.evidence


def test_an_english_comment_on_a_german_site():
    sig = check(
        comment_content="I think this article is very well written, thank you for the detailed explanation",
        blog_lang="de_DE",
    )["language.other"]
    assert "English" in sig.name and "German" in sig.evidence


@pytest.mark.parametrize(
    ("text", "blog_lang"),
    [
        ("I think this article is very well written, thank you for the detailed explanation", "en"),
        ("I think this article is very well written, thank you for the detailed explanation", "fr, en"),
        ("Ich finde diesen Artikel sehr gut geschrieben, vielen Dank für die ausführliche Erklärung", "de"),
        ("Ich finde diesen Artikel sehr gut geschrieben, vielen Dank", ""),  # no site language: no opinion
        ("Me encanta esta canción", "en"),  # too short to judge
        ("ok lar i will be at home wif u later tonite then we go makan at the hawker centre k", "en"),
        ("Mix - PSY - GANGNAM STYLE (강남스타일) M/V: PSY - GANGNAM STYLE (강남스타일) M/V", "en"),
        (
            "この記事はとても参考になりました。ありがとうございます。また読みに来ます。よろしくお願いします。",
            "ja",
        ),
        ("Terima kasih atas artikelnya, sangat membantu saya memahami masalah ini dengan baik", "ms"),
    ],
)
def test_the_site_s_own_language_does_not_fire(text, blog_lang):
    signals = check(comment_content=text, blog_lang=blog_lang)
    assert "language.script" not in signals and "language.other" not in signals


# --- everything together -----------------------------------------------------------------------

HAM = [
    "I've been following this story since the first report and I'm glad someone finally asked the council "
    "why the bus lane was approved without a consultation.",
    "Thanks for the recipe! I swapped the butter for olive oil and it still worked. My kids loved it.",
    "Small correction: the bridge opened in 1894, not 1896. Source: the city archive's timeline page.",
    "lol this is the best song ever, i listen to it every morning before school :)",
    "Can somebody wake me up when we get to 3 billion views?",
    "Does anyone know if the library is open on bank holidays? Their site at www.leeds.gov.uk doesn't say.",
    "My dad worked at that mill for 30 years. Seeing these photos brought back a lot of memories. ❤",
    "Great analysis. One thing I'd add is that interest rates were already rising before the election.",
    "OMG I LOVE THIS",
    "Hmm, not sure I agree. Wages went up 4% but rent went up 9% in the same period.",
]


@pytest.mark.parametrize("text", HAM)
def test_honest_comments_fire_nothing_big(text):
    signals = check(
        comment_content=text,
        comment_author="Mary Ann Smith",
        comment_author_email="mary@example.org",
        blog_lang="en",
        rendered_at=(NOW - timedelta(minutes=3)).isoformat(),
        permalink="https://news.example.co.uk/2024/05/bus-lane",
    )
    assert sum(s.weight for s in signals.values()) <= 0.5, signals
    assert decide(-2.0, tuple(signals.values())).verdict == "ham"


def test_a_blatant_spam_gathers_enough_to_be_discarded():
    signals = check(
        comment_content=(
            'Get <a href="http://cheap-pills.example.com">cheap viagra</a> now!!!!! Call +1-888-555-0147'
        ),
        comment_author="Cheap Pills Online",
        honeypot_field_name="url2",
        url2="http://cheap-pills.example.com",
        rendered_at=(NOW - timedelta(seconds=1)).isoformat(),
    )
    assert {
        "form.honeypot",
        "form.too_fast",
        "links.markup",
        "links.keyword_anchor",
        "links.author_keywords",
        "contact.phone",
        "content.repeated",
    } <= set(signals)
    assert decide(0.0, tuple(signals.values())).verdict == "discard"


def test_every_check_has_a_stable_dotted_code_and_a_readable_name():
    spam = check(
        comment_content=(
            'Buy vіagra <a href="http://x.example.com">cheap pills</a> '
            "[url=http://y.example.net]best casino[/url] http://z.example.org "
            "http://w.example.info http://v.example.biz "
            "Call Quickbooks support number 1-888-555-0147, WhatsApp +234 803 555 0199, "
            "mail sales@pills.example.com!!!!!! FREE FREE FREE FREE FREE FREE"
        ),
        comment_author="www.cheap-pills.com",
        comment_author_url="http://x.example.com",
        honeypot_field_name="hp",
        hp="x",
        rendered_at=(NOW - timedelta(seconds=1)).isoformat(),
    )
    assert len(spam) >= 12
    for sig in spam.values():
        module, _, rule = sig.code.partition(".")
        assert module in {"testvalues", "form", "links", "contact", "content", "language"} and rule
        assert sig.name and sig.name[0].islower() and sig.evidence


def test_checks_are_pure_and_deterministic():
    sub = Submission.from_mapping({"comment_content": "Call 1-800-555-0199 for loans!!!!", "blog_lang": "en"})
    ctx = Context(sub, normalise(sub.comment_content), NOW)
    assert run_checks(ctx) == run_checks(ctx)
    assert len(CHECKS) >= 6


@settings(max_examples=300, deadline=None)
@given(
    content=st.text(max_size=300),
    author=st.text(max_size=40),
    url=st.sampled_from(["", "http://example.com", "https://shop.example.co.uk/x", "a name", "http://[::1"]),
    blog_lang=st.sampled_from(["", "en", "de_DE", "en, fr_ca", "xx", ",", "zh-Hant"]),
    seconds=st.one_of(st.none(), st.floats(min_value=-1e8, max_value=1e8, allow_nan=False)),
)
def test_no_check_fails_on_odd_input(content, author, url, blog_lang, seconds):
    fields = {
        "comment_content": content,
        "comment_author": author,
        "comment_author_url": url,
        "blog_lang": blog_lang,
    }
    if seconds is not None:
        fields["rendered_at"] = (NOW - timedelta(seconds=seconds)).isoformat()
    for sig in check(**fields).values():
        assert sig.name and isinstance(sig.weight, float)
