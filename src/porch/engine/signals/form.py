"""How the comment form was filled in: the honeypot and the time between page load and post.

Bots that post to comment forms rarely run the page's JavaScript or look at how it is styled, and
they are in a hurry. porch's form carries two traps for them:

* A **honeypot**: a field hidden from people (by CSS, and labelled "leave this empty" for screen
  readers) whose name is sent as `honeypot_field_name`. Form-filling bots fill every field they
  see. A filled honeypot is the bluntest tell there is, so it weighs +8 (odds × 3,000): on its own
  it outweighs any content model score short of "certainly ham". It is not decisive, because
  browser autofill can, very rarely, fill a hidden field for a person; a moderator then still sees
  the comment in the spam queue with the reason, rather than never.

* A **form timestamp**: `rendered_at`, when the page holding the form was rendered (signed by the
  server, so a bot cannot simply move it back). Reading an article and writing even a short reply
  takes a person well over ten seconds; a bot posts within one or two. Under 3 s weighs +2 (not
  more: a person who resubmits a form after a validation error, or whose page was re-rendered by a
  preview, can be that fast); under 8 s weighs +0.5. The posting time is `comment_date_gmt` when
  the client sent one (an Akismet client checking a comment later), else the time of the check.
  A timestamp from the future (beyond a minute of clock skew) or older than two weeks is a
  forged or replayed form token — bots harvest one form and post with it for days — and weighs a
  mild +0.5, because open browser tabs and wrong clocks also produce it.

Not a signal, deliberately: a comment on a post that was last modified long ago
(`comment_post_modified_gmt`). Akismet uses it, but on a news site or a blog old posts keep
getting honest comments from search traffic, and it adds nothing the content does not say better.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..verdict import Signal
from . import Check, Context

HONEYPOT_WEIGHT = 8.0
TOO_FAST = 3.0  # seconds: a person cannot read and write this fast
FAST = 8.0  # seconds: rare for a person
TOO_FAST_WEIGHT = 2.0
FAST_WEIGHT = 0.5
CLOCK_SKEW = timedelta(seconds=60)  # client and server clocks disagree by this much without fraud
STALE = timedelta(days=14)  # a form older than this was kept or replayed
STALE_SECONDS = STALE.total_seconds()
BAD_TIMESTAMP_WEIGHT = 0.5


def duration(seconds: float) -> str:
    """A length of time the way a person says it: '2 s', '45 s', '3 min', '5 h', '12 days'."""
    seconds = abs(seconds)
    if seconds < 10:
        return f"{seconds:.0f} s" if seconds >= 0.95 or seconds == 0 else f"{seconds:.1f} s"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 36 * 3600:
        return f"{seconds / 3600:.0f} h"
    days = seconds / 86400
    return f"{days:.0f} days"


def _clock(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def check_honeypot(ctx: Context) -> Signal | None:
    """The hidden field that people never see was filled in."""
    value = ctx.submission.honeypot_value.strip()
    if not value:
        return None
    shown = value if len(value) <= 40 else value[:39] + "…"
    return Signal(
        "form.honeypot",
        "hidden honeypot field was filled in",
        HONEYPOT_WEIGHT,
        f"field “{ctx.submission.honeypot_field_name}” held “{shown}”",
    )


def check_timing(ctx: Context) -> Signal | None:
    """Posted too soon after the page with the form was rendered, or with an impossible timestamp."""
    sub = ctx.submission
    rendered = sub.rendered_at
    if rendered is None:
        return None
    posted = sub.comment_date_gmt or ctx.now
    elapsed = (posted - rendered).total_seconds()
    if FAST <= elapsed <= STALE_SECONDS:  # the usual case: a person took their time
        return None
    if posted - rendered < -CLOCK_SKEW:
        return Signal(
            "form.bad_timestamp",
            "form timestamp is invalid",
            BAD_TIMESTAMP_WEIGHT,
            f"the page claims to have been rendered {duration(elapsed)} after the comment was posted",
        )
    if posted - rendered > STALE:
        return Signal(
            "form.bad_timestamp",
            "form timestamp is invalid",
            BAD_TIMESTAMP_WEIGHT,
            f"the form was rendered {duration(elapsed)} before the comment was posted",
        )
    elapsed = max(elapsed, 0.0)  # within the allowed clock skew: as fast as can be
    if elapsed < TOO_FAST:
        weight = TOO_FAST_WEIGHT
    elif elapsed < FAST:
        weight = FAST_WEIGHT
    else:
        return None
    evidence = f"page rendered {_clock(rendered)}, comment posted {_clock(posted)}"
    return Signal("form.too_fast", f"posted {duration(elapsed)} after the page loaded", weight, evidence)


CHECKS: tuple[Check, ...] = (check_honeypot, check_timing)
