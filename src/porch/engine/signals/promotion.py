"""Comments that advertise the commenter rather than talk about the page.

Comment spam that carries no link is still selling something: the commenter's own channel, blog or
music ("check out my channel", "subscribe to me", "sub 4 sub"), or reach for it — likes that lift a
comment to the top where the next promotion will be seen ("like this comment if…", "thumbs up
if…"). The content model learns the words of the campaigns it has seen; these checks name the
*move*, which stays the same when the words change, and which a moderator recognises at a glance.

* **Promotes the commenter's own channel, page or work** (`promotion.self`): an invitation to
  look at, visit or subscribe to *my/our* channel, video, blog, page, music… +1.5.
* **Asks for likes or follows** (`promotion.engagement`): "like this comment", "thumbs up if",
  "give it a like", "like 4 like", "sub4sub". +1.0: fans do write "thumbs up if you're still
  listening in 2015", and some collections label those ham, so the rule alone never decides.

Both read the skeleton (normalise.py), so look-alike letters and full-width text match too.
Measured on the training collections (YouTube Psy/KatyPerry/LMFAO, SMS; docs/signals.md gives the
rates), neither fires on more than ~1% of ham.
"""

from __future__ import annotations

import re

from ..verdict import Signal
from . import Check, Context

SELF_WEIGHT = 1.5
ENGAGEMENT_WEIGHT = 1.0

_WORK = (
    r"(?:channel|chanel|vids?|videos?|page|blog|site|website|music|songs?|tracks?|mixtape|playlist|"
    r"account|profile|instagram|insta|band|raps?|covers?|stuff|store|shop|art|work)"
)
_SELF = re.compile(
    r"\b(?:check(?:\s*out)?|checkout|look\s+at|take\s+a\s+look\s+at|visit|watch|see|listen\s+to|"
    r"go\s+to|come\s+(?:and\s+)?(?:watch|see|check))\s+(?:out\s+)?(?:my|our)\s+(?:\w+\s+){0,3}?"
    + _WORK
    + r"\b"
    r"|\b(?:subscribe|sub)\s+(?:to\s+)?(?:me|my|us|our)\b"
    r"|\bcheck\s+(?:me|us)\s+out\b"
    r"|\bplease\s+(?:subscribe|sub)\b"
    r"|\bmy\s+(?:new\s+)?(?:youtube\s+)?channel\b"
)
_ENGAGEMENT = re.compile(
    r"\b(?:like|thumbs?\s*up|upvote)\s+(?:this|my)\s+comment\b"
    r"|\bthumbs?\s*up\s+if\b"
    r"|\bgive\s+(?:it|this|me)\s+a\s+(?:like|thumbs?\s*up)\b"
    r"|\b(?:like|follow|sub|subscribe)\s*(?:4|for)\s*(?:like|follow|sub|subscribe)\b"
    r"|\b(?:l4l|f4f|s4s)\b"
)


def _quote(match: re.Match[str]) -> str:
    return "“" + " ".join(match.group(0).split()) + "”"


def check_self_promotion(ctx: Context) -> Signal | None:
    m = _SELF.search(ctx.norm.skeleton)
    if m is None:
        return None
    return Signal("promotion.self", "promotes the commenter's own channel or site", SELF_WEIGHT, _quote(m))


def check_engagement(ctx: Context) -> Signal | None:
    m = _ENGAGEMENT.search(ctx.norm.skeleton)
    if m is None:
        return None
    return Signal("promotion.engagement", "asks for likes or follows", ENGAGEMENT_WEIGHT, _quote(m))


CHECKS: tuple[Check, ...] = (check_self_promotion, check_engagement)
