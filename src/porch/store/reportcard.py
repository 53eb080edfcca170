"""The engine's report card: what it decided on a site each day, and how often moderators overruled it.

Read from `daily_counts` alone (one indexed range read per site), which the server keeps as it goes:

* every check, from the comment server and from Akismet/JSON API clients alike, adds one to
  `checks` and one to its verdict (`ham`, `spam`, `discard`) on the day it was made — except
  `is_test` checks, which count nowhere (checks.py `tally`);
* every moderator decision (submit-spam / submit-ham, dashboard marks) adds one to
  `submitted_spam` or `submitted_ham`, and when it overturns the check's verdict, one to
  `false_positives` (a spam or discard verdict marked ham) or `missed_spam` (a ham verdict marked
  spam), on the day of the decision. An undone decision subtracts what it added (store/actions.py).

Per day:

    comments         = checks
    spam caught      = spam + discard − false positives   (spam verdicts nobody overturned)
    ham passed       = ham − missed spam                   (ham verdicts nobody overturned)
    false positives, missed spam as counted

Over the window (the `days` days ending `today`, both included):

    precision = caught / (caught + false positives)   of what it called spam, how much was
    recall    = caught / (caught + missed spam)       of the spam there was, how much it caught

both None when their denominator is 0 (nothing to judge yet). A correction counts on the day it
was made, not the day of the check: the card is a running account, not a re-labelled history, so
a day can show a correction of a check from before the window; the per-day figures are clamped at
zero for that reason. Days without a row appear with zeros.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine

from . import schema as t


@dataclass(frozen=True, slots=True)
class DayFigures:
    day: date
    comments: int
    spam_caught: int
    ham_passed: int
    false_positives: int
    missed_spam: int


@dataclass(frozen=True, slots=True)
class ReportCard:
    site_id: int
    first: date
    last: date
    days: list[DayFigures]
    comments: int
    spam_caught: int
    ham_passed: int
    false_positives: int
    missed_spam: int
    precision: float | None
    recall: float | None


class ReportCards:
    def __init__(self, engine: Engine):
        self.engine = engine

    def card(self, site_id: int, today: date, days: int = 30) -> ReportCard:
        """The report card of the `days` days ending with `today`."""
        days = max(1, int(days))
        first = today - timedelta(days=days - 1)
        d = t.daily_counts.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(d.day, d.checks, d.ham, d.spam, d.discard, d.missed_spam, d.false_positives).where(
                    d.site_id == site_id, d.day >= first, d.day <= today
                )
            ).fetchall()
        found = {_day(r.day): r for r in rows}
        figures = []
        for i in range(days):
            day = first + timedelta(days=i)
            r = found.get(day)
            if r is None:
                figures.append(DayFigures(day, 0, 0, 0, 0, 0))
                continue
            fp, missed = int(r.false_positives or 0), int(r.missed_spam or 0)
            figures.append(
                DayFigures(
                    day,
                    int(r.checks or 0),
                    max(0, int(r.spam or 0) + int(r.discard or 0) - fp),
                    max(0, int(r.ham or 0) - missed),
                    fp,
                    missed,
                )
            )
        caught = sum(f.spam_caught for f in figures)
        fps = sum(f.false_positives for f in figures)
        missed = sum(f.missed_spam for f in figures)
        return ReportCard(
            site_id,
            first,
            today,
            figures,
            sum(f.comments for f in figures),
            caught,
            sum(f.ham_passed for f in figures),
            fps,
            missed,
            precision=caught / (caught + fps) if caught + fps else None,
            recall=caught / (caught + missed) if caught + missed else None,
        )


def _day(value: date | str) -> date:
    """SQLite may hand a date column back as text."""
    return date.fromisoformat(value) if isinstance(value, str) else value
