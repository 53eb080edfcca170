"""What the service tells the engine about a site's past, as plain values.

The engine does no I/O, so the service looks things up for it: before a check it asks the engine
which keys matter (`reputation_keys`, `fingerprint`), reads their history from the store, and
passes a `SiteHistory` as `Engine.check(..., history=...)`. The signals in signals/history.py turn
it into evidence ("3 earlier comments from this network were spam"). Offline (CLI, backtests
without a store) `history` is None and those signals stay silent.

The store keeps reputation keyed-hashed (an IP network is never stored in the clear); the engine
hands out the clear keys only for the service to hash with the site's secret.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Standing:
    """Decayed counts of moderated comments that shared one key (a network, an e-mail…)."""

    spam: float = 0.0  # sum of decayed spam decisions (1.0 each when fresh)
    ham: float = 0.0  # sum of decayed ham decisions (approved comments)


@dataclass(frozen=True, slots=True)
class CampaignMatch:
    """Earlier comments on this site whose text is a near-duplicate of this one."""

    copies: int  # how many earlier near-duplicates in the window
    networks: int  # from how many distinct IP networks
    pages: int  # on how many distinct pages
    marked_spam: bool = False  # a moderator (or submit-spam) marked one copy as spam
    marked_ham: bool = False  # a moderator approved one copy as ham
    window_hours: float = 24.0


@dataclass(frozen=True, slots=True)
class SiteHistory:
    # (kind, key) -> Standing; kinds: "network", "email", "author_url", "link_domain"
    standings: dict[tuple[str, str], Standing] = field(default_factory=dict)
    campaign: CampaignMatch | None = None
    recent_from_network: int = 0  # comments from this IP network in the last burst window
    burst_window_seconds: int = 60

    def standing(self, kind: str, key: str) -> Standing:
        """The standing of one key; a blank one if the store knows nothing about it."""
        return self.standings.get((kind, key), NO_STANDING)


NO_STANDING = Standing()
