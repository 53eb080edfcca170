"""The languages of porch's pages, and the one path every translated or counted word takes.

porch speaks the widget's five languages (`LANGS`: English, German, French, Spanish and Portuguese;
embed.js carries the same five for the reader's side). The pages a reader opens from the widget —
the data-processing page first — are Jinja2 templates under web/templates/pages/, written in
English with `{% trans %}` blocks, and their translations are gettext catalogues, one per language:

    src/porch/web/locale/<lang>/LC_MESSAGES/messages.po

the format translators' tools (Poedit, Weblate, Transifex …) read and write. `make messages`
extracts the English texts from the templates into messages.pot and merges them into the
catalogues; a text without a translation is shown in English, and tests/server/test_i18n.py fails
while any is missing. The catalogues are read as text when a process first needs a language
(Babel's reader, then the standard library's gettext): no compiled .mo files to keep in step.

Numbers and plurals never go through string concatenation ("1 days"): a count in a template is a
`{% trans count=n %}… {% pluralize %}…{% endtrans %}` block (ngettext, with each language's plural
rule from its catalogue), and a period is `span()`, which picks the unit a person would say
(days, else hours, minutes, seconds) and lets Babel write it with CLDR's units and plural rules
("1 day", "30 Tage", "12 heures", "1,5 dias"). The dashboard is English, but its counts take the
same path, so "1 day" is never "1 days" there either.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from io import BytesIO
from typing import Any

import jinja2
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.units import format_unit

LANGS = ("en", "de", "fr", "es", "pt")
DEFAULT = "en"
# Babel's locale for each language: the widget's Portuguese is European Portuguese ("Guardar",
# "Anónimo"), whose plural rule differs from Brazil's ("1,5 dias", not "1,5 dia").
LOCALES = {"en": "en", "de": "de", "fr": "fr", "es": "es", "pt": "pt_PT"}
DOMAIN = "messages"


def pick_lang(query: str | None, accept: str = "") -> str:
    """`?lang=` if it names one of ours, else the first of ours in Accept-Language, else English."""
    if query and query[:2].lower() in LANGS:
        return query[:2].lower()
    for part in accept.split(","):
        code = part.strip()[:2].lower()
        if code in LANGS:
            return code
    return DEFAULT


def catalogue_path(lang: str) -> Any:
    return resources.files("porch.web") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=len(LANGS))
def translations(lang: str) -> gettext.NullTranslations:
    """The language's catalogue (English: the texts as written in the templates)."""
    if lang == DEFAULT:
        return gettext.NullTranslations()
    with catalogue_path(lang).open("rb") as po:
        catalog = read_po(po, locale=LOCALES[lang], domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out: they fall back to English
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def span(days: float, lang: str = DEFAULT) -> str:
    """A period as people say it, in `lang`: '30 days', '1 day', '12 hours', '15 minutes', '2 seconds'."""
    locale = LOCALES.get(lang, LOCALES[DEFAULT])
    if days >= 1:
        value, unit = days, "duration-day"
    elif days * 24 >= 1:
        value, unit = days * 24, "duration-hour"
    elif days * 1440 >= 1:
        value, unit = days * 1440, "duration-minute"
    else:
        value, unit = days * 86400, "duration-second"
    rounded = round(value, 1)
    return format_unit(int(rounded) if rounded == int(rounded) else rounded, unit, locale=locale)


def environment(lang: str, *, strict: bool = True) -> jinja2.Environment:
    """A Jinja2 environment for web/templates in `lang`: autoescaped, `{% trans %}` through the
    language's catalogue (new-style gettext, so values in a translated text are escaped), and the
    `span` filter. Each caller keeps its own (they differ in filters); one per language, because
    installing translations changes an environment for every template rendered with it."""
    root = resources.files("porch.web") / "templates"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined if strict else jinja2.Undefined,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True  # a text's line breaks in the template are not the translator's
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    to_span: Callable[[float], str] = lambda days: span(days, lang)
    env.filters["span"] = to_span
    env.globals["lang"] = lang
    return env
