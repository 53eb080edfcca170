"""Check a stream of comments: one JSON object per line in, one verdict per line out.

This is `porch check --jsonl`, the engine's batch interface for pipes and backfills. Output lines
correspond one-to-one to input lines, in order, so `paste` or `zip` can join them again. A line
that cannot be checked (not JSON, not an object, invalid UTF-8) gets an error object on its own
line and the stream goes on; one bad record never costs the rest.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import IO, Iterator

import orjson

from .core import Engine
from .submission import Submission


def dumps(obj: object, indent: bool = False) -> bytes:
    return orjson.dumps(obj, option=(orjson.OPT_INDENT_2 if indent else 0) | orjson.OPT_APPEND_NEWLINE)


def check_line(engine: Engine, raw: bytes, now: datetime) -> dict:
    """The verdict (or error) object for one input line."""
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
    return engine.check(Submission.from_mapping(data), now=now).to_dict()


def check_lines(engine: Engine, lines: IO[bytes]) -> Iterator[bytes]:
    """Yield one output line per input line (errors carry the 1-based input line number)."""
    for number, raw in enumerate(lines, 1):
        result = check_line(engine, raw, datetime.now(timezone.utc))
        if "error" in result:
            result = {"error": result["error"], "line": number}
        yield dumps(result)
