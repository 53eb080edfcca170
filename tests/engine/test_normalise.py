"""Normalisation: the tricks spammers use land on the same skeleton; odd input never breaks it."""

from hypothesis import given, settings
from hypothesis import strategies as st

from porch.engine.normalise import clean, extract_links, normalise, registrable_domain, skeleton


def test_disguised_spellings_share_one_skeleton():
    spellings = ["free", "ＦＲＥＥ", "𝐟𝐫𝐞𝐞", "frее", "fr\u200bee", "F\u202eREE", "ꜰʀᴇᴇ", "&#102;ree"]
    assert {normalise(s).skeleton for s in spellings} == {"free"}


def test_accents_drop_in_the_skeleton_but_stay_in_text():
    n = normalise("Café Müller")
    assert n.text == "café müller"
    assert n.skeleton == "cafe muller"


def test_html_is_read_as_a_browser_shows_it():
    n = normalise("Nice<br/>post &amp; <b>thanks</b><p>second</p>")
    assert n.text == "nice\npost & thanks\nsecond"


def test_links_from_text_html_and_bbcode():
    content = (
        'See <a href="http://www.Shop.example.co.uk/x">my shop</a>, '
        "[url=http://spam.example.ru]cheap[/url], https://one.example.com/a?b=1 and murdev.com."
    )
    links = {(link.source, link.domain, link.anchor) for link in extract_links(content)}
    assert links == {
        ("html", "example.co.uk", "my shop"),
        ("bbcode", "example.ru", "cheap"),
        ("text", "example.com", ""),
        ("text", "murdev.com", ""),
    }


def test_run_together_sentences_are_not_links():
    assert extract_links("That was a pain.it will pass. Good dream.love you. e.g. file.txt") == ()


def test_registrable_domain_uses_the_public_suffix_list():
    assert registrable_domain("a.b.example.co.uk") == "example.co.uk"
    assert registrable_domain("user.github.io") == "user.github.io"  # a private suffix
    assert registrable_domain("203.0.113.9") == ""
    assert registrable_domain("co.uk") == ""


def test_author_url_is_kept_apart_from_content_links():
    n = normalise("hello", "Ann", "https://ann.example.org/about")
    assert n.links == () and n.author_link.domain == "example.org"


@settings(max_examples=300)
@given(st.text())
def test_clean_and_skeleton_never_raise_and_are_idempotent(text):
    once = clean(text)
    assert clean(once) == once
    skel = skeleton(once)
    assert skeleton(skel) == skel


@settings(max_examples=300)
@given(st.text(), st.text(max_size=40), st.text(max_size=40))
def test_normalise_is_deterministic_and_total(content, author, url):
    assert normalise(content, author, url) == normalise(content, author, url)
