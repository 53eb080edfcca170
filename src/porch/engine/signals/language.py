"""Language: a comment in a language far from the site's.

Spam is written for the spammer's market, not for the site it lands on, so Russian pharmacy spam
turns up under English articles and English SEO spam under German ones. A site says which
language(s) it is in with Akismet's `blog_lang` ("en", "de_DE", "en, fr_ca"); with no `blog_lang`,
or fewer than 40 letters to go on, this module says nothing. Readers do comment from abroad, so
the weights stay modest, and a language close to the site's costs less than a distant one.

The check runs in two steps, cheap before dear:

1. **Script** (`language.script`). Letters are counted by script (Latin, Cyrillic, Greek, Arabic,
   Hebrew, Han/Kana, Hangul, Devanagari, Thai). If the site's scripts hold under 20% of the
   letters and another script holds at least half, the comment is in another alphabet: +1.5.
   This costs a few regex passes and needs no model.
2. **Language** (`language.other`), only when the script matches. A comment whose words are at
   least 20% function words of the site's language ("the", "and", "der", "und", "le", "et"…) is in
   that language and stops here, which is nearly every honest comment; the rest go to
   py3langid (a naive Bayes model over byte n-grams, ~100 µs a call, loaded once on first use and
   restricted to about 45 common languages so that creoles and dialects do not win on short
   texts). A different language with confidence >= 0.95 fires: +0.5 when it is a neighbour of the
   site's (two Germanic or Romance languages, two Slavic ones: readers of one often write the
   other), +1 otherwise. py3langid's probabilities are tempered by the square root of the text's
   length, so 0.95 on 40+ letters is a confident call; SMS shorthand ("ok lar i'm at home wif u")
   scores well below it. Near-twins (Indonesian and Malay, Danish and Norwegian, Czech and
   Slovak…) split py3langid's probability between them, so their shares are added up; a twin of
   the site's language counts as the site's language.

Measured with `blog_lang=en` on the English training collections: neither check fired on any of
the 6,712 YouTube comments and SMS messages; 15 of the 1,138 YouTube comments got past the
function-word count to py3langid, so the model costs about 1.5 µs a comment on average.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..verdict import Signal
from . import Check, Context

MIN_LETTERS = 40
MAX_IDENTIFY = 2000  # characters given to py3langid: plenty to tell, and a bound on its cost
SCRIPT_WEIGHT = 1.5
FAR_WEIGHT = 1.0
NEAR_WEIGHT = 0.5
MIN_CONFIDENCE = 0.95
OWN_SCRIPT_MAX = 0.2  # the site's scripts hold less than this share of the letters …
OTHER_SCRIPT_MIN = 0.5  # … and one other script at least this share
FUNCTION_WORD_SHARE = 0.2  # this share of function words of the site's language: it is that language

LANGUAGE_NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "pt": "Portuguese",
    "it": "Italian",
    "nl": "Dutch",
    "sv": "Swedish",
    "da": "Danish",
    "no": "Norwegian",
    "fi": "Finnish",
    "pl": "Polish",
    "cs": "Czech",
    "sk": "Slovak",
    "sl": "Slovenian",
    "hr": "Croatian",
    "hu": "Hungarian",
    "ro": "Romanian",
    "tr": "Turkish",
    "id": "Indonesian",
    "ms": "Malay",
    "tl": "Tagalog",
    "vi": "Vietnamese",
    "sw": "Swahili",
    "af": "Afrikaans",
    "ca": "Catalan",
    "et": "Estonian",
    "lv": "Latvian",
    "lt": "Lithuanian",
    "ga": "Irish",
    "cy": "Welsh",
    "eu": "Basque",
    "gl": "Galician",
    "sq": "Albanian",
    "is": "Icelandic",
    "ru": "Russian",
    "uk": "Ukrainian",
    "bg": "Bulgarian",
    "sr": "Serbian",
    "mk": "Macedonian",
    "el": "Greek",
    "ar": "Arabic",
    "he": "Hebrew",
    "fa": "Persian",
    "ur": "Urdu",
    "hi": "Hindi",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "th": "Thai",
    "be": "Belarusian",
    "kk": "Kazakh",
    "mr": "Marathi",
    "ne": "Nepali",
    "nb": "Norwegian",
    "nn": "Norwegian",
}
# The languages py3langid chooses among (its full set of ~140 lets Nigerian Pidgin or Scots win short
# English texts); a site language outside this set skips step 2.
LANGID_LANGUAGES = (
    "en de fr es pt it nl sv da no fi pl cs sk sl hr hu ro tr id ms tl vi sw af ca et lv lt ga cy eu gl "
    "sq is ru uk bg el ar he fa hi zh ja ko th".split()
)
_ALIASES = {"nb": "no", "nn": "no", "iw": "he", "in": "id", "fil": "tl", "zh-hans": "zh", "zh-hant": "zh"}
_FAMILIES = (
    frozenset("en de nl sv da no af is fr es pt it ca gl ro".split()),  # Germanic and Romance
    frozenset("pl cs sk sl hr sr ru uk bg be mk".split()),  # Slavic
    frozenset("fi et hu".split()),  # Finno-Ugric
    frozenset("id ms".split()),
    frozenset("lv lt".split()),
    frozenset("ga cy".split()),
)
# Languages so close that py3langid splits its probability between them.
_TWINS = (
    frozenset("id ms".split()),
    frozenset("da no".split()),
    frozenset("cs sk".split()),
    frozenset("hr sl".split()),
    frozenset("es gl".split()),
    frozenset("ru uk bg".split()),
)

# --- scripts ---------------------------------------------------------------------------------
_SCRIPTS = {
    "Latin": re.compile(r"[a-z\u00c0-\u024f\u1e00-\u1eff]"),
    "Cyrillic": re.compile(r"[\u0400-\u052f]"),
    "Greek": re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]"),
    "Arabic": re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]"),
    "Hebrew": re.compile(r"[\u0590-\u05ff]"),
    "Han/Kana": re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"),
    "Hangul": re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]"),
    "Devanagari": re.compile(r"[\u0900-\u097f]"),
    "Thai": re.compile(r"[\u0e00-\u0e7f]"),
}
_LANGUAGE_SCRIPTS: dict[str, tuple[str, ...]] = {}
for _code in (
    "en de fr es pt it nl sv da no fi pl cs sk sl hr hu ro tr id ms tl vi sw af ca et lv lt ga cy eu gl sq is"
).split():
    _LANGUAGE_SCRIPTS[_code] = ("Latin",)
for _code in "ru uk bg mk be kk".split():
    _LANGUAGE_SCRIPTS[_code] = ("Cyrillic",)
_LANGUAGE_SCRIPTS.update(
    sr=("Cyrillic", "Latin"),
    el=("Greek",),
    ar=("Arabic",),
    fa=("Arabic",),
    ur=("Arabic",),
    he=("Hebrew",),
    zh=("Han/Kana",),
    ja=("Han/Kana",),
    ko=("Hangul", "Han/Kana"),
    hi=("Devanagari",),
    mr=("Devanagari",),
    ne=("Devanagari",),
    th=("Thai",),
)
_LETTER = re.compile(r"[^\W\d_]")
_ASCII_LETTERS = bytes(range(ord("a"), ord("z") + 1)) + bytes(range(ord("A"), ord("Z") + 1))
_LATIN_EXTENDED = re.compile(r"[\u00c0-\u024f\u1e00-\u1eff]")

# --- function words (step 2's shortcut) -------------------------------------------------------
# The commonest short words of each language, accents dropped (they are compared on the skeleton).
_FUNCTION_WORDS = {
    "en": "the a an and or but of to in on at for with is are was were be been it this that i you he she "
    "we they my your his her our their not no so if as by from have has had do does did will would "
    "can could should just what who all me him them there here about like im its dont out up get got "
    "go going know now one more some how why when see make want good great really very well time "
    "people new only am than then into over after because let lets thanks thank please love u ur "
    "lol check guys hey hi yes any too also much many still even back way",
    "de": "der die das den dem des ein eine einen einem und oder aber nicht ist sind war ich du er sie es "
    "wir ihr mit von zu auf fur im in an dass wie auch so noch nur mir mich sich bei aus",
    "fr": "le la les un une des et ou mais de du au aux en dans pour par sur avec est sont je tu il elle "
    "nous vous ils ce cette qui que ne pas plus tres se sa son ses mon ma mes on c j l d qu",
    "es": "el la los las un una unos y o pero de del al en por para con es son fue yo tu el ella nosotros "
    "que no se su sus mi muy mas como este esta lo le",
    "pt": "o a os as um uma e ou mas de do da dos das em no na por para com e sao foi eu voce ele ela nos "
    "que nao se seu sua muito mais como este esta isso",
    "it": "il lo la i gli le un una e o ma di del della in per con su e sono era io tu lui lei noi che non "
    "si suo sua mio molto piu come questo questa",
    "nl": "de het een en of maar van in op voor met is zijn was ik je jij hij zij wij niet dat die dit er "
    "te aan ook als om bij zo",
}
_FUNCTION_SETS = {lang: frozenset(words.split()) for lang, words in _FUNCTION_WORDS.items()}


@lru_cache(maxsize=256)
def site_languages(blog_lang: str) -> tuple[str, ...]:
    """Akismet's `blog_lang` ("en", "de_DE", "en, fr_ca") as base ISO 639-1 codes, in order."""
    codes: list[str] = []
    for part in blog_lang.replace(";", ",").split(","):
        part = part.strip().lower().replace("_", "-")
        if not part:
            continue
        code = _ALIASES.get(part) or _ALIASES.get(part.split("-")[0]) or part.split("-")[0]
        if code.isalpha() and code not in codes:
            codes.append(code)
    return tuple(codes)


def _name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def _site_names(langs: tuple[str, ...]) -> str:
    return " / ".join(_name(code) for code in langs)


def letter_count(text: str) -> int:
    """Letters in `text` (any script)."""
    if text.isascii():
        raw = text.encode("ascii")
        return len(raw) - len(raw.translate(None, _ASCII_LETTERS))
    return len(_LETTER.findall(text))


def script_count(text: str, script: str) -> int:
    """Letters of one script in a case-folded text."""
    if script == "Latin":
        raw = text.encode()
        n = len(raw) - len(raw.translate(None, _ASCII_LETTERS))
        return n if text.isascii() else n + len(_LATIN_EXTENDED.findall(text))
    return 0 if text.isascii() else len(_SCRIPTS[script].findall(text))


@lru_cache(maxsize=1)
def _identifier():
    """py3langid's model, restricted to LANGID_LANGUAGES; loaded on first use (about a second)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(LANGID_LANGUAGES)
    return identifier


def identify(text: str) -> tuple[str, float]:
    """(language code, confidence) for a text, by py3langid over LANGID_LANGUAGES.

    The confidence of a language includes its near-twins (Indonesian and Malay, Danish and
    Norwegian…), which share most of their n-grams and so split the probability between them.
    """
    ranked = _identifier().rank(text)
    lang = ranked[0][0]
    twins = next((group for group in _TWINS if lang in group), ())
    confidence = sum(p for code, p in ranked if code == lang or code in twins)
    return lang, float(confidence)


def _related(a: str, b: str) -> bool:
    return any(a in family and b in family for family in _FAMILIES)


@dataclass(frozen=True, slots=True)
class _Site:
    """What the check needs to know about a `blog_lang`, worked out once per distinct value."""

    langs: tuple[str, ...]
    scripts: frozenset[str]  # the scripts the site's languages are written in
    function_words: tuple[frozenset[str], ...]  # for the languages that have a list
    identify: bool  # whether py3langid knows a site language


@lru_cache(maxsize=256)
def _site(blog_lang: str) -> _Site | None:
    langs = site_languages(blog_lang)
    if not langs or any(code not in _LANGUAGE_SCRIPTS for code in langs):
        return None  # no language, or one we know nothing about: say nothing
    return _Site(
        langs=langs,
        scripts=frozenset(script for code in langs for script in _LANGUAGE_SCRIPTS[code]),
        function_words=tuple(_FUNCTION_SETS[code] for code in langs if code in _FUNCTION_SETS),
        identify=any(code in LANGID_LANGUAGES for code in langs),
    )


def prose(text: str) -> str:
    """`text` without URLs, paths and e-mail addresses, which are in no language."""
    if "/" in text or "@" in text or "www." in text:
        return " ".join(w for w in text.split() if "/" not in w and "@" not in w and "www." not in w)
    return text


def check_language(ctx: Context) -> Signal | None:
    """Written in another alphabet, or another language, than the site's."""
    blog_lang = ctx.submission.blog_lang
    if not blog_lang or len(ctx.norm.text) < MIN_LETTERS:
        return None
    site = _site(blog_lang)
    if site is None:
        return None
    text = prose(ctx.norm.text)
    letters = letter_count(text)
    if letters < MIN_LETTERS:
        return None

    # 1. Script.
    own = sum(script_count(text, script) for script in site.scripts)
    if own < OWN_SCRIPT_MAX * letters:
        counts = {script: script_count(text, script) for script in _SCRIPTS if script not in site.scripts}
        script, top = max(counts.items(), key=lambda item: item[1], default=("", 0))
        if script and top >= OTHER_SCRIPT_MIN * letters:
            return Signal(
                "language.script",
                "written in another alphabet than the site's",
                SCRIPT_WEIGHT,
                f"{top / letters:.0%} of {letters} letters are {script}; "
                f"the site is in {_site_names(site.langs)}",
            )
        return None

    # 2. Language, among languages written in the same script.
    if not site.identify:
        return None
    words = ctx.norm.words
    enough = FUNCTION_WORD_SHARE * len(words)
    for function_words in site.function_words:
        if sum(map(function_words.__contains__, words)) >= enough:
            return None  # plainly the site's language: no need to ask the model
    lang, confidence = identify(text[:MAX_IDENTIFY])
    langs = site.langs
    if confidence < MIN_CONFIDENCE or lang in langs or any(lang in g and g & set(langs) for g in _TWINS):
        return None  # an unsure call, or the site's language (or its twin)
    if not site.scripts.intersection(_LANGUAGE_SCRIPTS.get(lang, ())):
        return None  # a few words in another script (a song title) tipped the model
    near = any(_related(lang, code) for code in langs)
    return Signal(
        "language.other",
        f"written in {_name(lang)}, not the site's language",
        NEAR_WEIGHT if near else FAR_WEIGHT,
        f"{_name(lang)} with {confidence:.0%} confidence; the site is in {_site_names(langs)}",
    )


CHECKS: tuple[Check, ...] = (check_language,)
