"""What the service does with a comment, whatever the protocol it came in by.

`Service.check` is the one path from an authenticated request to a verdict: normalise the comment,
ask the engine which reputation keys and which fingerprint matter, read the site's history for them
from the store (three indexed lookups), let the site's current model decide, and queue the log row.
`Service.feedback` is the one path for a moderator's decision: find the original check (by guid,
else by near-duplicate fingerprint), append a feedback event with the text to learn from, update
reputation and campaign marks in the same transaction, and apply the event to this worker's model.
The Akismet routes (akismet.py) and the JSON API (api.py) are thin translations onto these two.

Nothing here logs commenter data: the log line for a check names the site and the verdict.
"""

from __future__ import annotations

import ipaddress
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

from ..engine import Submission, Verdict
from ..engine import campaigns as camp
from ..engine.history import CampaignMatch, SiteHistory, Standing
from ..engine.normalise import normalise
from ..engine.reputation import add as add_decision
from ..engine.reputation import hashed_key, network_of, reputation_keys, standing_at
from ..store.queries import Site, to_signed64, utc
from . import metrics

log = logging.getLogger("porch.service")

PERSONAL = ("user_ip",)  # kept out of the raw JSON: the IP has its own column and shorter retention


@dataclass(frozen=True, slots=True)
class CheckResult:
    guid: str
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class FeedbackResult:
    accepted: bool  # an event was recorded (False for is_test, or nothing to learn from)
    matched: str | None  # "guid" | "fingerprint" | None
    guid: str | None
    learned: bool  # this worker's model changed
    note: str = ""


class Service:
    def __init__(self, settings: Any, store: Any, learner: Any, checklog: Any):
        self.settings = settings
        self.store = store
        self.learner = learner
        self.checklog = checklog
        self._site_secrets: dict[int, bytes] = {}

    def site_secret(self, site_id: int) -> bytes:
        secret = self._site_secrets.get(site_id)
        if secret is None:
            secret = self._site_secrets[site_id] = self.store.site_secret(site_id)
        return secret

    # -- check -------------------------------------------------------------------------------
    def check(self, site: Site, data: Mapping[str, Any], source: str) -> CheckResult:
        started = time.perf_counter()
        now = datetime.now(timezone.utc)
        sub = Submission.from_mapping(clean(data))
        norm = normalise(sub.comment_content, sub.comment_author, sub.comment_author_url)
        secret = self.site_secret(site.id)
        keys = reputation_keys(sub, norm)
        hashed = [(kind, hashed_key(secret, kind, key)) for kind, key in keys]
        fp = camp.fingerprint(norm)
        bands = camp.bands(fp) if fp is not None else []
        network = network_of(sub.user_ip)
        network_hash = hashed_key(secret, "network", network) if network else None
        page = sub.permalink or sub.referrer
        page_hash = hashed_key(secret, "page", page) if page else None
        recheck = bool(sub.recheck_reason.strip())

        window = timedelta(days=self.settings.campaign_window_days)
        rep_rows, near_rows, recent = self.store.history(
            site.id, hashed, fp, bands, network_hash, now=now, campaign_since=now - window,
            burst_since=now - timedelta(seconds=self.settings.burst_window_seconds),
        )
        standings: dict[tuple[str, str], Standing] = {}
        clear = {h: pair for pair, (_, h) in zip(keys, hashed)}
        for row in rep_rows:
            pair = clear.get(row.key_hash)
            if pair is not None and row.kind == pair[0]:
                age = (now - utc(row.updated_at)).total_seconds()
                standings[pair] = standing_at(Standing(row.spam, row.ham), age)
        campaign = None
        if fp is not None:
            campaign = _campaign(fp, near_rows, network_hash, page_hash, recheck, window)
        history = SiteHistory(
            standings=standings, campaign=campaign, recent_from_network=recent,
            burst_window_seconds=self.settings.burst_window_seconds,
        )
        verdict = self.learner.engine_for(site).check(sub, now=now, history=history)

        guid = str(uuid.uuid4())
        raw = {k: v for k, v in sub.to_mapping().items() if k not in PERSONAL}
        row = {
            "guid": guid, "site_id": site.id, "created_at": now, "source": source,
            "verdict": verdict.verdict, "score": float(verdict.score), "reasons": verdict.reasons(),
            "is_test": sub.is_test, "recheck": recheck,
            "fingerprint": to_signed64(fp) if fp is not None else None,
            "network_hash": network_hash, "ip": sub.user_ip[:64] or None, "submission": raw,
        }
        fingerprint_row = None
        if fp is not None and not sub.is_test and not recheck:
            fingerprint_row = {
                "site_id": site.id, "guid": guid, "created_at": now, "fingerprint": to_signed64(fp),
                **{f"band{i}": b for i, b in enumerate(bands)}, "network_hash": network_hash, "page_hash": page_hash,
            }
        self.checklog.add(row, fingerprint_row, {"checks": 1, verdict.verdict: 1})
        metrics.CHECKS.labels(source, verdict.verdict).inc()
        metrics.LATENCY.labels(source).observe(time.perf_counter() - started)
        if self.settings.debug_log_commenter_data:
            log.debug("check %s site=%s ip=%s verdict=%s", guid, site.public_id, sub.user_ip, verdict.verdict)
        return CheckResult(guid, verdict)

    # -- feedback ----------------------------------------------------------------------------
    def feedback(
        self, site: Site, label: str, data: Mapping[str, Any], source: str, guid: str | None = None
    ) -> FeedbackResult:
        now = datetime.now(timezone.utc)
        sub = Submission.from_mapping(clean(data))
        if sub.is_test:
            return FeedbackResult(False, None, None, False, "is_test: nothing was learned")
        self.checklog.flush()  # the original check may still be in this worker's queue
        original = self.store.find_check(site.id, guid) if guid else None
        matched = "guid" if original is not None else None

        if sub.comment_content or sub.comment_author or sub.comment_author_url:
            learn_from = {k: v for k, v in sub.to_mapping().items() if k not in PERSONAL}
        elif original is not None and original.submission:
            learn_from = dict(original.submission)
            sub = Submission.from_mapping({**learn_from, "user_ip": original.ip or ""})
        else:
            note = "unknown guid and no comment fields" if guid else "no comment fields and no guid"
            return FeedbackResult(False, None, guid, False, note)

        norm = normalise(sub.comment_content, sub.comment_author, sub.comment_author_url)
        secret = self.site_secret(site.id)
        rep_hashes = [(kind, hashed_key(secret, kind, key)) for kind, key in reputation_keys(sub, norm)]
        fp = camp.fingerprint(norm)
        marks: list[int] = []
        if fp is not None:
            since = now - timedelta(days=self.settings.campaign_window_days)
            near = [r for r in self.store.near_duplicates(site.id, camp.bands(fp), since) if camp.near(fp, r.fingerprint)]
            marks = [r.id for r in near]
            if original is None and near:
                original = self.store.find_check(site.id, near[0].guid)
                matched = "fingerprint" if original is not None else None
        event_id = self.store.record_feedback(
            site, label=label, source=source, guid=original.guid if original is not None else None,
            submission=learn_from, rep_hashes=rep_hashes, mark_prints=marks,
            earlier_verdict=original.verdict if original is not None else None, now=now, combine=_combine,
        )
        changed = self.learner.catch_up()
        metrics.FEEDBACK.labels(source, label).inc()
        log.info("feedback %s event=%d site=%s matched=%s", label, event_id, site.public_id, matched)
        return FeedbackResult(
            True, matched, original.guid if original is not None else None, changed > 0,
        )


def clean(data: Mapping[str, Any]) -> dict[str, Any]:
    """Text every database can store: no NUL characters, no lone surrogates (JSON allows both)."""
    return {_safe(str(k)): _safe(v) if isinstance(v, str) else v for k, v in data.items()}


def _safe(value: str) -> str:
    if value.isascii():
        return value.replace("\x00", "") if "\x00" in value else value
    return value.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")


def _combine(before: tuple[float, float], is_spam: bool, age: float) -> tuple[float, float]:
    after = add_decision(Standing(*before), is_spam, age)
    return after.spam, after.ham


def _campaign(fp, rows, network_hash, page_hash, recheck, window) -> CampaignMatch | None:
    copies, networks, pages, spam, ham = 0, set(), set(), False, False
    for row in rows:
        if not camp.near(fp, row.fingerprint):
            continue
        if recheck and row.network_hash == network_hash and row.page_hash == page_hash:
            continue  # the comment being rechecked is not a copy of itself
        copies += 1
        networks.add(row.network_hash)
        pages.add(row.page_hash)
        spam = spam or row.label == "spam"
        ham = ham or row.label == "ham"
    if not copies:
        return None
    return CampaignMatch(
        copies=copies, networks=len(networks - {None}) or 1, pages=len(pages - {None}) or 1,
        marked_spam=spam, marked_ham=ham, window_hours=window.total_seconds() / 3600,
    )


def cut_ip(ip: str | None) -> str | None:
    """An address cut to its network (/24, /48) for the check log after ip_retention_days."""
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip.strip().strip("[]"))
    except ValueError:
        return None
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
