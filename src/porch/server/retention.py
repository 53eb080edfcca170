"""Retention: raw submissions leave the check log after `raw_retention_days`, IPs are cut sooner.

Akismet's WordPress plugin keeps a comment's spam-check data for 15 days; porch's check log does
the same by default. The sweep (run by every worker every `retention_interval_seconds`; the
updates are idempotent, so two workers running it at once do no harm):

* nulls `checks.submission` (text, name, e-mail, URL, user agent…) older than `raw_retention_days`;
  the verdict, score, reasons and guid stay, and `daily_counts` is never touched, so key-sites and
  the statistics keep their numbers;
* cuts `checks.ip` to its /24 or /48 network after `ip_retention_days` (default 2);
* drops fingerprints older than `campaign_window_days` and beyond `campaign_max_per_site` per site,
  which bounds the campaign table;
* nulls the text of feedback events that a model snapshot already includes and that are past
  `raw_retention_days` (replay starts from the snapshot, so no one needs that text again);
* deletes sent (or given-up) mails after `mail_retention_days` — they hold comment text and an
  address — and reply-notification requests never confirmed once their link expired (notify.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from .discussion import sweep_comments
from .notify import sweep_mail
from .service import cut_ip


def sweep(store: Any, settings: Any, now: datetime | None = None) -> dict[str, int]:
    now = now or datetime.now(timezone.utc)
    return (
        sweep_comments(store, settings, now)
        | sweep_mail(store, settings, now)
        | store.purge(
            raw_before=now - timedelta(days=settings.raw_retention_days),
            ip_before=now - timedelta(days=settings.ip_retention_days),
            prints_before=now - timedelta(days=settings.campaign_window_days),
            prints_cap=settings.campaign_max_per_site,
            cut_ip=cut_ip,
        )
    )
