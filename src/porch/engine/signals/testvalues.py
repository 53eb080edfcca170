"""The Akismet test values: fixed inputs that must always give the same answer.

Akismet documents a few values a client may send to check its integration without waiting for real
spam: a comment whose `comment_author` is `akismet-guaranteed-spam` (or whose `comment_author_email`
is `akismet-guaranteed-spam@example.com`) is always spam, and a comment sent with
`user_role=administrator` is always ham. WordPress plugins and client libraries ship tests that rely
on both, so porch honours them exactly, as *decisive* signals that settle the verdict whatever the
model says (see verdict.py: a decisive ham wins over a decisive spam, as it does at Akismet).

The comparison ignores case and surrounding white space, because clients differ in how they send
these values; nothing else is tried (no partial matches), so a real commenter cannot trip them.
The weights (±10) only order the reasons list; being decisive is what settles the verdict.
"""

from __future__ import annotations

from ..verdict import Signal
from . import Check, Context

GUARANTEED_SPAM = "akismet-guaranteed-spam"
GUARANTEED_SPAM_EMAIL = "akismet-guaranteed-spam@example.com"
_SPAM_EMAILS = frozenset({GUARANTEED_SPAM, GUARANTEED_SPAM_EMAIL})


def check_guaranteed_spam(ctx: Context) -> Signal | None:
    """`akismet-guaranteed-spam` as the author name or e-mail: always spam."""
    sub = ctx.submission
    if sub.comment_author.strip().casefold() == GUARANTEED_SPAM:
        where = f"comment_author is “{GUARANTEED_SPAM}”"
    elif sub.comment_author_email.strip().casefold() in _SPAM_EMAILS:
        where = f"comment_author_email is “{sub.comment_author_email.strip().casefold()}”"
    else:
        return None
    return Signal("testvalues.spam", "Akismet test value for spam", 10.0, where, decisive="spam")


def check_administrator(ctx: Context) -> Signal | None:
    """A comment the site says an administrator wrote: always ham."""
    if ctx.submission.user_role.strip().casefold() != "administrator":
        return None
    return Signal(
        "testvalues.administrator",
        "written by a site administrator",
        -10.0,
        "user_role is “administrator”",
        decisive="ham",
    )


CHECKS: tuple[Check, ...] = (check_guaranteed_spam, check_administrator)
