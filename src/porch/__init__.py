"""porch: a self-hosted comment system whose spam filter learns, explains, and speaks Akismet."""

__version__ = "0.1.0"
