"""Named checks: each looks at one comment and says what it found, as a `Signal`.

A check is a plain function `check(ctx: Context) -> Signal | None` (or an iterable of signals). It
does no I/O: everything it may look at is in the `Context` — the submission, its normalised form,
the time of the check, and (for the service) a read-only view of the site's history. Checks are
grouped by theme in the modules of this package and listed, in order, in `CHECKS`.

Weights are log-odds (see verdict.py). The values here were set by reading real spam and ham and
then measured on the training collections (never on the held-out videos): a rule earns a large
weight only when it almost never fires on real comments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..normalise import Normalised
from ..submission import Submission
from ..verdict import Signal


@dataclass(frozen=True, slots=True)
class Context:
    submission: Submission
    norm: Normalised
    now: datetime  # when the check runs (UTC)
    history: Any = None  # the service's read-only view of the site's past (None offline)


Check = Callable[[Context], "Signal | Iterable[Signal] | None"]


def _checks() -> tuple[Check, ...]:
    from . import contact, content, form, history, language, links, promotion, testvalues

    return (
        *testvalues.CHECKS,
        *form.CHECKS,
        *links.CHECKS,
        *contact.CHECKS,
        *content.CHECKS,
        *promotion.CHECKS,
        *language.CHECKS,
        *history.CHECKS,
    )


def run_checks(ctx: Context, checks: Iterable[Check] | None = None) -> tuple[Signal, ...]:
    """Every signal that fires for this context, in check order."""
    fired: list[Signal] = []
    for check in CHECKS if checks is None else checks:
        result = check(ctx)
        if result is None:
            continue
        if isinstance(result, Signal):
            fired.append(result)
        else:
            fired.extend(result)
    return tuple(fired)


CHECKS: tuple[Check, ...] = _checks()
