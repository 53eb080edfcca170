"""The pages' translations (server/i18n.py): complete catalogues for the widget's languages, and
counts and periods that read as people say them — no server needed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from porch.server import i18n

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "src" / "porch" / "web" / "templates" / "pages"
LOCALE = ROOT / "src" / "porch" / "web" / "locale"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def texts() -> set[str]:
    """What the pages' templates ask to translate, read as `make messages` reads them (babel.cfg)."""
    found = extract_from_dir(
        str(TEMPLATES),
        method_map=[("**.html", "jinja2")],
        options_map={"**.html": {"trimmed": "true", "newstyle_gettext": "true"}},
    )
    return {message for _file, _line, message, _comments, _context in found}


def catalogue(lang: str):
    with open(LOCALE / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po)


def test_the_pages_speak_the_widgets_languages():
    widget = (ROOT / "src" / "porch" / "web" / "embed.js").read_text()
    table = widget[widget.index("var L = {") : widget.index("var K = [")]
    assert set(re.findall(r"^    (\w\w): \[", table, re.M)) == set(i18n.LANGS)
    assert {p.name for p in LOCALE.iterdir() if p.is_dir()} == set(i18n.LANGS) - {"en"}


@pytest.mark.parametrize("lang", [lang for lang in i18n.LANGS if lang != "en"])
def test_every_text_of_the_pages_is_translated_with_its_placeholders(lang):
    wanted = texts()
    assert len(wanted) > 30  # the processing page alone has more
    messages = {m.id: m for m in catalogue(lang) if m.id}
    missing = sorted(t for t in wanted if t not in messages or not messages[t].string or messages[t].fuzzy)
    assert missing == [], f"{lang}: translate these (make messages, then edit the .po file)"
    for text in wanted:
        assert set(PLACEHOLDER.findall(messages[text].string)) == set(PLACEHOLDER.findall(text)), text


def test_the_template_catalogue_is_up_to_date():
    with open(LOCALE / "messages.pot", "rb") as pot:
        assert {m.id for m in read_po(pot) if m.id} == texts(), "run `make messages`"


@pytest.mark.parametrize(
    ("days", "lang", "said"),
    [
        (1, "en", "1 day"),
        (30, "en", "30 days"),
        (0.5, "en", "12 hours"),
        (1 / 24, "en", "1 hour"),
        (15 / 1440, "en", "15 minutes"),
        (2 / 86400, "en", "2 seconds"),
        (1, "de", "1 Tag"),
        (12, "de", "12 Tage"),
        (1.5, "pt", "1,5 dias"),  # European Portuguese, as the widget speaks it
        (1, "es", "1 día"),
        (3, "fr", "3\u00a0jours"),
    ],
)
def test_periods_are_said_as_people_say_them(days, lang, said):
    assert i18n.span(days, lang) == said


def test_counts_in_templates_take_each_languages_plural_rule():
    template = i18n.environment("en").from_string(
        "{% trans count=n %}{{ count }} comment{% pluralize %}{{ count }} comments{% endtrans %}"
    )
    assert [template.render(n=n) for n in (0, 1, 2)] == ["0 comments", "1 comment", "2 comments"]
    french = i18n.translations("fr").plural  # the catalogue's Plural-Forms: French says "0 commentaire"
    assert french(0) == french(1) != french(2)
    german = i18n.translations("de").plural
    assert german(0) == german(2) != german(1)


def test_the_language_is_the_querys_else_the_browsers_else_english():
    assert i18n.pick_lang("de", "fr") == "de"
    assert i18n.pick_lang(None, "nl-NL,nl;q=0.9,pt-PT;q=0.8") == "pt"
    assert i18n.pick_lang("xx", "ja") == "en"
