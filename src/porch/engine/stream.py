"""Check a stream of comments: one JSON object per line in, one verdict per line out.

This is `porch check --jsonl`, the engine's batch interface for pipes and backfills. Output lines
correspond one-to-one to input lines, in order, so `paste` or `zip` can join them again. A line
that cannot be checked (not JSON, not an object, invalid UTF-8) gets an error object on its own
line and the stream goes on; one bad record never costs the rest.

Lines are checked in chunks (`Engine.check_many`, up to `CHUNK` lines), which is what makes the
stream several times faster than checking line by line. A chunk is only ever what has already
arrived: the input is read with `read1`, which returns whatever the pipe holds without waiting for
more, and the answers are flushed after every chunk. So a producer that writes one line and waits
gets its answer at once, and a backfill still runs in full chunks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from itertools import islice
from typing import IO

import orjson

from .core import Engine
from .submission import Submission

CHUNK = 256
_READ = 1 << 16


def dumps(obj: object, indent: bool = False) -> bytes:
    return orjson.dumps(obj, option=(orjson.OPT_INDENT_2 if indent else 0) | orjson.OPT_APPEND_NEWLINE)


def parse_line(raw: bytes) -> Submission | dict:
    """The submission on one input line, or the error object that answers it."""
    raw = raw.strip()
    if not raw:
        return {"error": "empty line"}
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        reason = "not valid UTF-8" if "utf-8" in str(exc).lower() else "not valid JSON"
        return {"error": f"{reason}: {exc}"}
    if not isinstance(data, dict):
        return {"error": f"expected a JSON object with Akismet fields, got {type(data).__name__}"}
    return Submission.from_mapping(data)


def check_chunk(engine: Engine, raws: list[bytes], first: int, now: datetime) -> bytes:
    """The output lines for consecutive input lines, the first of them numbered `first`."""
    parsed = [parse_line(raw) for raw in raws]
    subs = [p for p in parsed if not isinstance(p, dict)]
    verdicts = iter(engine.check_many(subs, now=now)) if subs else iter(())
    out = []
    for number, p in enumerate(parsed, first):
        if isinstance(p, dict):
            out.append(dumps({"error": p["error"], "line": number}))
        else:
            out.append(dumps(next(verdicts).to_dict()))
    return b"".join(out)


def read_chunks(lines: IO[bytes] | Iterable[bytes], size: int = CHUNK) -> Iterator[list[bytes]]:
    """The input's lines in lists of at most `size`, never waiting for more than has arrived."""
    read1 = getattr(lines, "read1", None)
    if read1 is None:  # a plain iterable of lines: everything is there already
        it = iter(lines)
        while chunk := list(islice(it, size)):
            yield chunk
        return
    pending: list[bytes] = []  # the start of a line whose end has not arrived yet
    while data := read1(_READ):
        if b"\n" not in data:
            pending.append(data)
            continue
        got = data.split(b"\n")
        if pending:
            got[0] = b"".join(pending) + got[0]
        tail = got.pop()
        pending = [tail] if tail else []
        for i in range(0, len(got), size):
            yield got[i : i + size]
    if pending:
        yield [b"".join(pending)]


def check_lines(engine: Engine, lines: IO[bytes] | Iterable[bytes]) -> Iterator[bytes]:
    """Yield the output for each chunk of input lines: one line per input line, in order (errors
    carry the 1-based input line number). A chunk's output is ready before more input is read."""
    number = 1
    for chunk in read_chunks(lines):
        yield check_chunk(engine, chunk, number, datetime.now(timezone.utc))
        number += len(chunk)


def check_stream(engine: Engine, lines: IO[bytes], out: IO[bytes]) -> None:
    """`porch check --jsonl`: answer every line of `lines` on `out`, flushing after each chunk."""
    for block in check_lines(engine, lines):
        out.write(block)
        out.flush()
