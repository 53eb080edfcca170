"""The site's memory: reputation of where a comment comes from, copies of its text, and bursts.

These checks read what the service found in its store (`ctx.history`, a `SiteHistory`; see
history.py, reputation.py and campaigns.py). Offline, without a store, `history` is None and
none of them fires.

* **Reputation** (`reputation.network`, `reputation.email`, `reputation.author_url`,
  `reputation.link_domain`): earlier comments that shared this comment's network, e-mail address,
  author URL or a linked domain and that moderators marked spam. Each spam counts (decayed: 1.0
  fresh, half after 30 days) toward the weight: +0.8 per spam for a network (many people may share
  one), +1.0 per spam for the other keys, capped at +3. The weight is multiplied by the share of
  spam among that key's decisions, so a network or domain with many approved comments as well
  (a university, a mobile carrier's shared addresses, a popular shop) counts little. It fires from
  about one recent spam on (a decayed count of 0.75: one spam marked within the last 12 days).
  For linked domains the worst domain speaks, and the evidence says how many others were seen in
  spam too.
* **Trust** (`reputation.trusted`): a commenter whose e-mail address has approved comments and no
  spam: −0.4 per approved comment from the second on; a network with approved comments and no
  spam: −0.3 per comment from the third on (capped at −1.5); the two together capped at −2.5.
  Never more: an e-mail address is typed, not proven, so a spammer who borrows a regular's address
  must still not be waved through on that alone.
* **Campaigns** (`campaign.copies`, `campaign.marked`): near-identical earlier comments (same
  fingerprint within 3 bits). Copies count only when they came from at least 3 networks or were
  posted on at least 3 pages: the same reader posting twice, or a double-click, is not a campaign.
  +1 at 3 copies and +0.5 every time the number doubles, up to +3 at 48. A copy that a moderator
  marked spam is the strongest evidence the site has: +4 (+2 if another copy was approved); a copy
  that was approved and none marked spam: −1.5.
* **Bursts** (`limits.burst`): at least 5 other comments from the same network within a minute
  (the service counts them before storing this one; for a longer window, 5 per minute of it):
  +0.5 at the limit, +0.75 each time the count doubles, capped at +2.5. Modest, because a class or
  an office behind one address may comment on a live story together; the rate limit proper is the
  service's business.

The evidence gives counts, never the network or the e-mail address itself: reasons are shown in the
dashboard and may end up in logs. Domains are named: they are what the spam advertises.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from ..history import CampaignMatch, SiteHistory, Standing
from ..reputation import reputation_keys
from ..verdict import Signal
from . import Check, Context

MIN_SPAM = 0.75  # decayed spam count from which a key's reputation speaks
MIN_WEIGHT = 0.25  # a reputation signal weaker than this (mostly ham) is left out
SPAM_WEIGHT = {"network": 0.8, "email": 1.0, "author_url": 1.0, "link_domain": 1.0}  # per spam
SPAM_CAP = 3.0
CLEAN = 0.5  # at most this much decayed spam still counts as "no spam" for trust
EMAIL_TRUST = (2.0, 0.4)  # from this many approved comments, this much per comment
NETWORK_TRUST = (3.0, 0.3)
NETWORK_TRUST_CAP = 1.5
TRUST_CAP = 2.5
CAMPAIGN_SPREAD = 3  # copies must come from this many networks or pages
CAMPAIGN_BASE, CAMPAIGN_PER_DOUBLING, CAMPAIGN_CAP = 1.0, 0.5, 3.0
MARKED_SPAM_WEIGHT = 4.0
MARKED_BOTH_WEIGHT = 2.0
MARKED_HAM_WEIGHT = -1.5
BURST_PER_MINUTE = 5
BURST_BASE, BURST_PER_DOUBLING, BURST_CAP = 0.5, 0.75, 2.5


def _count(value: float) -> int:
    """A decayed count as a moderator would say it: 2.6 → 3, never 0 for something that fired."""
    return max(1, math.floor(value + 0.5))


def _comments(n: int) -> str:
    return "1 comment" if n == 1 else f"{n} comments"


def _history(ctx: Context) -> SiteHistory | None:
    history = ctx.history
    return history if isinstance(history, SiteHistory) else None


def spam_weight(kind: str, standing: Standing) -> float:
    """How hard a key's spam record pushes toward spam (0 when it does not speak)."""
    spam, ham = standing.spam, standing.ham
    if spam < MIN_SPAM:
        return 0.0
    weight = min(SPAM_CAP, SPAM_WEIGHT[kind] * spam) * spam / (spam + ham)
    return weight if weight >= MIN_WEIGHT else 0.0


def _earlier_spam(n: int, where: str) -> str:
    return f"1 earlier comment {where} was spam" if n == 1 else f"{n} earlier comments {where} were spam"


def _approved(standing: Standing) -> str:
    return f"; {_count(standing.ham)} approved" if standing.ham >= 0.5 else ""


def check_reputation(ctx: Context) -> Iterator[Signal]:
    """Networks, addresses and domains that earlier spam came from or pointed to; trusted senders."""
    history = _history(ctx)
    if history is None or not history.standings:
        return
    worst_link: tuple[float, str, Standing] | None = None
    spam_links = 0
    trusted: list[tuple[float, str]] = []
    for kind, key in reputation_keys(ctx.submission, ctx.norm):
        standing = history.standing(kind, key)
        weight = spam_weight(kind, standing)
        if kind == "link_domain":
            if weight:
                spam_links += 1
                if worst_link is None or weight > worst_link[0]:
                    worst_link = (weight, key, standing)
            continue
        n = _count(standing.spam)
        if weight and kind == "network":
            yield Signal(
                "reputation.network",
                "this network sent spam before",
                round(weight, 2),
                _earlier_spam(n, "from this network") + _approved(standing),
            )
        elif weight and kind == "email":
            yield Signal(
                "reputation.email",
                "this e-mail address sent spam before",
                round(weight, 2),
                _earlier_spam(n, "with this e-mail address") + _approved(standing),
            )
        elif weight and kind == "author_url":
            yield Signal(
                "reputation.author_url",
                "this author URL was in spam before",
                round(weight, 2),
                f"{key} was the author URL of {n} spam {'comment' if n == 1 else 'comments'}"
                + _approved(standing),
            )
        if standing.spam < CLEAN:
            if kind == "email" and standing.ham >= EMAIL_TRUST[0]:
                h = _count(standing.ham)
                trusted.append((EMAIL_TRUST[1] * standing.ham, f"commenter has {h} approved comments"))
            elif kind == "network" and standing.ham >= NETWORK_TRUST[0]:
                h = _count(standing.ham)
                trusted.append(
                    (
                        min(NETWORK_TRUST_CAP, NETWORK_TRUST[1] * standing.ham),
                        f"this network has {h} approved comments",
                    )
                )
    if worst_link is not None:
        weight, domain, standing = worst_link
        n = _count(standing.spam)
        more = "domain was" if spam_links == 2 else "domains were"
        others = f"; {spam_links - 1} more linked {more} in spam too"
        yield Signal(
            "reputation.link_domain",
            "links to a domain seen in spam",
            round(weight, 2),
            f"the linked domain {domain} was in {n} spam {'comment' if n == 1 else 'comments'}"
            + _approved(standing)
            + (others if spam_links > 1 else ""),
        )
    if trusted:
        weight = min(TRUST_CAP, sum(w for w, _ in trusted))
        evidence = "; ".join(e for _, e in trusted)
        yield Signal("reputation.trusted", "known commenter", -round(weight, 2), evidence)


def _window(hours: float) -> str:
    if hours >= 48 and hours % 24 == 0:
        return f"in the last {hours / 24:g} days"
    if hours == 1:
        return "in the last hour"
    return f"in the last {hours:g} hours"


def check_campaign(ctx: Context) -> Iterator[Signal]:
    """The same text (give or take layout, look-alikes and a word) posted before on this site."""
    history = _history(ctx)
    match = history.campaign if history is not None else None
    if not isinstance(match, CampaignMatch) or match.copies <= 0:
        return
    window = _window(match.window_hours)
    copies = match.copies
    spread = (
        f"from {match.networks} {'network' if match.networks == 1 else 'networks'}"
        f" on {match.pages} {'page' if match.pages == 1 else 'pages'}"
    )
    if max(match.networks, match.pages) >= CAMPAIGN_SPREAD and copies >= CAMPAIGN_SPREAD:
        doublings = math.log2(copies / CAMPAIGN_SPREAD)
        weight = min(CAMPAIGN_CAP, CAMPAIGN_BASE + CAMPAIGN_PER_DOUBLING * doublings)
        yield Signal(
            "campaign.copies",
            "same text as other comments",
            round(weight, 2),
            f"same text as {copies} other comments {window}, {spread}",
        )
    if match.marked_spam:
        both = match.marked_ham
        yield Signal(
            "campaign.marked",
            "a copy of this text was marked spam",
            MARKED_BOTH_WEIGHT if both else MARKED_SPAM_WEIGHT,
            f"one of {_comments(copies)} with this text {window} was marked spam"
            + ("; another was approved" if both else ""),
        )
    elif match.marked_ham:
        yield Signal(
            "campaign.marked",
            "a copy of this text was approved",
            MARKED_HAM_WEIGHT,
            f"one of {_comments(copies)} with this text {window} was approved",
        )


def _per(seconds: int) -> str:
    if seconds == 60:
        return "in the last minute"
    if seconds % 60 == 0:
        return f"in the last {seconds // 60} minutes"
    return f"in the last {seconds} seconds"


def check_burst(ctx: Context) -> Signal | None:
    """Many comments from one network within a minute: a script, not a reader."""
    history = _history(ctx)
    if history is None or history.recent_from_network <= 0:
        return None
    seconds = max(1, int(history.burst_window_seconds))
    limit = BURST_PER_MINUTE * max(1.0, seconds / 60)
    n = history.recent_from_network
    if n < limit:
        return None
    weight = min(BURST_CAP, BURST_BASE + BURST_PER_DOUBLING * math.log2(n / limit))
    return Signal(
        "limits.burst",
        "burst of comments from one network",
        round(weight, 2),
        f"{n} other comments from this network {_per(seconds)}",
    )


CHECKS: tuple[Check, ...] = (check_reputation, check_campaign, check_burst)
