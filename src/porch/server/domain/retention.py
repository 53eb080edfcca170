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
  address — and reply-notification requests never confirmed once their link expired;
* for comments: cuts the IP address stored with a comment to its network (and drops its user
  agent) after `comment_ip_retention_days`, deletes blatant spam once `discard_retention_days` are
  over, and erases what moderators deleted after `deleted_retention_days` — or sooner, for a site
  whose owner set shorter periods in its settings (a site may keep less than the server, never
  more; sitesettings.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ...config import Settings
from ...store import Store
from ...store.mail import CONFIRM_DAYS
from .identity import cut_ip
from .sitesettings import SITE_RETENTION, CommentSettings


def sweep(store: Store, settings: Settings, now: datetime | None = None) -> dict[str, int]:
    """One round of retention; how many rows each part changed."""
    now = now or datetime.now(timezone.utc)
    comments = _comments(store, settings, now)
    mail = store.mail.sweep(
        sent_before=now - timedelta(days=settings.mail_retention_days),
        pending_before=now - timedelta(days=CONFIRM_DAYS),
    )
    checks = store.checks.purge(
        raw_before=now - timedelta(days=settings.raw_retention_days),
        ip_before=now - timedelta(days=settings.ip_retention_days),
        prints_before=now - timedelta(days=settings.campaign_window_days),
        prints_cap=settings.campaign_max_per_site,
        cut_ip=cut_ip,
    )
    return comments | mail | checks


def _comments(store: Store, settings: Settings, now: datetime) -> dict[str, int]:
    done = store.comments.sweep(
        ip_before=now - timedelta(days=settings.comment_ip_retention_days),
        now=now,
        cut_ip=cut_ip,
        deleted_before=now - timedelta(days=settings.deleted_retention_days),
    )
    for site in store.sites.keeping_less(SITE_RETENTION):  # sites whose owners chose shorter periods
        conf = CommentSettings.of(site)
        more = store.comments.sweep(
            ip_before=now - timedelta(days=conf.retention(settings, "comment_ip_retention_days")),
            now=now,
            cut_ip=cut_ip,
            deleted_before=now - timedelta(days=conf.retention(settings, "deleted_retention_days")),
            site_id=site.id,
        )
        done = {k: done[k] + more[k] for k in done}
    return done
