"""What the service does with a comment, whatever the protocol it came in by: check it, learn from it.

`CheckService.evaluate` is the one path from requests to verdicts: normalise each comment once,
ask the engine which reputation keys and which fingerprint matter, read the history of the whole
batch from the store (three statements, store/history.py), let each site's current model decide
(one `Engine.check_many` per model, reusing the normal forms), and make each check's log row. It
writes nothing: each result carries its log rows (`CheckResult.log`), and the caller writes them —
`check_batch` hands them to the check-log writer (checklog.py), which is what the Akismet routes and
the JSON API use through the batcher (batching.py); a new comment's are written in the transaction
that stores the comment (posting.py), an edit's with the edit (discussion.py).

What the caller already knows about a comment comes in with it as signals (`CheckRequest.signals`:
a site rule, siterules.py). They are not the engine's evidence — they move neither the verdict nor
the score, so the report card measures the engine — and they come first in the check's reasons.

`CheckService.feedback` is the one path for a moderator's decision: find the original check (by
guid, else by near-duplicate fingerprint), append a feedback event with the text to learn from,
update reputation and campaign marks in the same transaction, and apply the event to this worker's
model; `unlearn` takes one back (a moderator's undo). The Akismet routes and the JSON API are thin
translations onto these; the dashboard and the comment API reach them through moderation.py.

Nothing here logs commenter data unless the operator turned on `debug_log_commenter_data`: the log
line for a feedback names the site and the label.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from hashlib import sha256
from typing import Any, Literal

from ...config import Settings
from ...engine import Signal, Submission, Verdict
from ...engine import campaigns as camp
from ...engine.history import CampaignMatch, SiteHistory, Standing
from ...engine.normalise import Normalised, normalise
from ...engine.reputation import add as add_decision
from ...engine.reputation import network_of, reputation_keys, retract, standing_at
from ...store import Site, Store
from ...store.checks import CheckLog
from ...store.db import to_signed64, utc
from ...store.history import HistoryAnswer, HistoryQuery, NearRow
from .. import metrics
from .checklog import CheckLogWriter
from .learning import Learner

logger = logging.getLogger("porch.service")

PERSONAL = ("user_ip",)  # kept out of the raw JSON: the IP has its own column and shorter retention


@dataclass(frozen=True, slots=True)
class CheckResult:
    guid: str
    verdict: Verdict
    log: CheckLog = field(default_factory=CheckLog)  # this check's log row (and fingerprint row)


@dataclass(frozen=True, slots=True)
class CheckRequest:
    site: Site
    data: Mapping[str, Any]
    source: str  # "akismet" | "api" | "comments": a metrics label
    started: float = 0.0  # time.perf_counter() when the request arrived (0: now)
    signals: tuple[Signal, ...] = ()  # what the caller knows already (a site rule): first in the reasons


@dataclass(slots=True)
class _Item:
    """One request of a batch, prepared: its submission, normal form and hashed history keys."""

    index: int
    site: Site
    source: str
    started: float
    signals: tuple[Signal, ...]
    sub: Submission
    norm: Normalised
    keys: list[tuple[str, str]]
    hashed: list[tuple[str, str]]
    fp: int | None
    bands: list[int] | None
    network_hash: str | None
    page_hash: str | None
    recheck: bool
    guid: str

    @property
    def logs_fingerprint(self) -> bool:
        """Whether this check becomes a copy later checks can match (not tests, not rechecks)."""
        return self.fp is not None and not self.sub.is_test and not self.recheck


class _Earlier:
    """The comments earlier in a batch, as later ones would see them once logged."""

    def __init__(self) -> None:
        self.networks: dict[tuple[int, str], int] = {}
        self.bands: dict[tuple[int, int, int], list[NearRow]] = {}
        self.count = 0

    def add(self, it: _Item) -> None:
        self.count += 1
        if it.network_hash and not it.recheck:
            key = (it.site.id, it.network_hash)
            self.networks[key] = self.networks.get(key, 0) + 1
        if it.logs_fingerprint and it.fp is not None and it.bands is not None:
            row = NearRow(
                -self.count, it.guid, to_signed64(it.fp), it.network_hash, it.page_hash, None, *it.bands
            )
            for i, band in enumerate(it.bands):
                self.bands.setdefault((it.site.id, i, band), []).append(row)

    def from_network(self, it: _Item) -> int:
        return self.networks.get((it.site.id, it.network_hash), 0) if it.network_hash else 0

    def copies_of(self, it: _Item) -> list[NearRow]:
        if it.bands is None or not self.bands:
            return []
        found: dict[int, NearRow] = {}
        for i, band in enumerate(it.bands):
            for row in self.bands.get((it.site.id, i, band), ()):
                found[row.id] = row
        return list(found.values())


@dataclass(frozen=True, slots=True)
class FeedbackResult:
    accepted: bool  # an event was recorded (False for is_test, or nothing to learn from)
    matched: Literal["guid", "fingerprint"] | None
    guid: str | None
    learned: bool  # this worker's model changed
    note: str = ""
    event_id: int | None = None  # the feedback event recorded (moderation.py logs it, undo takes it back)


class CheckService:
    def __init__(self, settings: Settings, store: Store, learner: Learner, checklog: CheckLogWriter):
        self.settings = settings
        self.store = store
        self.learner = learner
        self.checklog = checklog
        self._hashers: dict[int, Any] = {}

    def hashed_key(self, site_id: int, kind: str, key: str) -> str:
        """`reputation.hashed_key(site secret, kind, key)`, from a keyed HMAC kept per site (the
        key schedule is paid once per site, not once per key)."""
        base = self._hashers.get(site_id)
        if base is None:
            base = self._hashers[site_id] = hmac.new(self.store.sites.site_secret(site_id), digestmod=sha256)
        mac = base.copy()
        mac.update(f"{kind}\x00{key}".encode("utf-8", "surrogatepass"))
        return mac.hexdigest()[:32]

    # -- check -------------------------------------------------------------------------------
    def check(self, site: Site, data: Mapping[str, Any], source: str) -> CheckResult:
        """Check one comment now, in the calling thread (a batch of one), and log it."""
        result = self.check_batch([CheckRequest(site, data, source)])[0]
        if isinstance(result, BaseException):
            raise result
        return result

    def check_batch(self, requests: Sequence[CheckRequest]) -> list[CheckResult | Exception]:
        """`evaluate`, and hand the checks' log rows to the check-log writer (a thread that writes
        them in batches, checklog.py): the path of the Akismet routes and the JSON API."""
        results = self.evaluate(requests)
        log = CheckLog()
        for result in results:
            if isinstance(result, CheckResult):
                log.rows += result.log.rows
                log.prints += result.log.prints
        self.checklog.add(log)
        return results

    def evaluate(self, requests: Sequence[CheckRequest]) -> list[CheckResult | Exception]:
        """Check many comments (any mix of sites and sources) together; one result per request,
        each with its log rows, which the caller writes (nothing is written here).

        The same as checking them one after the other, except for what they can see of each
        other: all of them read the store as it was when the batch began, and each sees the
        comments *earlier in the same batch* as if they were already logged — as recent traffic
        from its network and as near-duplicate copies of its text on its site. A request whose
        own fields break something gets its exception back in its place; the others go on. A
        failing store fails the whole batch (every request gets the exception: a 503).
        """
        now = datetime.now(timezone.utc)
        window = timedelta(days=self.settings.campaign_window_days)
        results: list[CheckResult | Exception | None] = [None] * len(requests)
        items: list[_Item] = []
        for i, (request, guid) in enumerate(zip(requests, _guids(len(requests)))):
            try:
                items.append(self._prepare(i, request, guid))
            except Exception as exc:  # noqa: BLE001 - handed back to that request alone
                results[i] = exc
        answers = self.store.checks.history_many(
            [HistoryQuery(it.site.id, it.hashed, it.bands, it.network_hash) for it in items],
            burst_since=now - timedelta(seconds=self.settings.burst_window_seconds),
        )
        earlier = _Earlier()
        histories = []
        for it, answer in zip(items, answers):
            histories.append(self._history(it, answer, earlier, now, window))
            earlier.add(it)
        verdicts = self._verdicts(items, histories, now)

        done = time.perf_counter()
        for it, verdict in zip(items, verdicts):
            if isinstance(verdict, Exception):
                results[it.index] = verdict
                continue
            try:
                results[it.index] = CheckResult(it.guid, verdict, self._log(it, verdict, now))
            except Exception as exc:  # noqa: BLE001 - handed back to that request alone
                results[it.index] = exc
                continue
            metrics.CHECKS.labels(it.source, verdict.verdict).inc()
            metrics.LATENCY.labels(it.source).observe(done - it.started)
            if self.settings.debug_log_commenter_data:
                logger.debug(
                    "check %s site=%s ip=%s verdict=%s",
                    it.guid,
                    it.site.public_id,
                    it.sub.user_ip,
                    verdict.verdict,
                )
        return [r if r is not None else RuntimeError("not checked") for r in results]

    def _prepare(self, index: int, request: CheckRequest, guid: str) -> _Item:
        site = request.site
        sub = Submission.from_mapping(clean(request.data))
        norm = normalise(sub.comment_content, sub.comment_author, sub.comment_author_url)
        keys = reputation_keys(sub, norm)
        fp = camp.fingerprint(norm)
        network = network_of(sub.user_ip)
        page = sub.permalink or sub.referrer
        hashed = [(kind, self.hashed_key(site.id, kind, key)) for kind, key in keys]
        return _Item(
            index=index,
            site=site,
            source=request.source,
            started=request.started or time.perf_counter(),
            signals=request.signals,
            sub=sub,
            norm=norm,
            keys=keys,
            hashed=hashed,
            fp=fp,
            bands=camp.bands(fp) if fp is not None else None,
            network_hash=next((h for kind, h in hashed if kind == "network"), None) if network else None,
            page_hash=self.hashed_key(site.id, "page", page) if page else None,
            recheck=bool(sub.recheck_reason.strip()),
            guid=guid,
        )

    def _history(
        self, it: _Item, answer: HistoryAnswer, earlier: _Earlier, now: datetime, window: timedelta
    ) -> SiteHistory:
        standings: dict[tuple[str, str], Standing] = {}
        clear = {h: pair for pair, (_, h) in zip(it.keys, it.hashed)}
        for row in answer.reputation:
            pair = clear.get(row.key_hash)
            if pair is not None and row.kind == pair[0]:
                age = (now - utc(row.updated_at)).total_seconds()
                standings[pair] = standing_at(Standing(row.spam, row.ham), age)
        campaign = None
        if it.fp is not None:
            rows = answer.near + earlier.copies_of(it)
            campaign = _campaign(it.fp, rows, it.network_hash, it.page_hash, it.recheck, window)
        return SiteHistory(
            standings=standings,
            campaign=campaign,
            recent_from_network=answer.recent + earlier.from_network(it),
            burst_window_seconds=self.settings.burst_window_seconds,
        )

    def _verdicts(self, items: list[_Item], histories: list[SiteHistory], now: datetime) -> list[Any]:
        """The engine's verdicts, one `check_many` per model; a failing comment fails alone."""
        verdicts: list[Any] = [None] * len(items)
        groups: dict[int, tuple[Any, list[int]]] = {}
        for k, it in enumerate(items):
            engine = self.learner.engine_for(it.site)
            groups.setdefault(id(engine), (engine, []))[1].append(k)
        for engine, ks in groups.values():
            subs, norms, hist = (
                [items[k].sub for k in ks],
                [items[k].norm for k in ks],
                [histories[k] for k in ks],
            )
            try:
                found = engine.check_many(subs, now=now, norms=norms, histories=hist)
            except Exception:  # noqa: BLE001 - find the one that broke it, answer the rest
                found = []
                for sub, norm, h in zip(subs, norms, hist):
                    try:
                        found.append(engine.check(sub, now=now, history=h, norm=norm))
                    except Exception as exc:  # noqa: BLE001
                        found.append(exc)
            for k, verdict in zip(ks, found):
                verdicts[k] = verdict
        return verdicts

    def _log(self, it: _Item, verdict: Verdict, now: datetime) -> CheckLog:
        """The check's log row, and its fingerprint row if later checks may match it as a copy."""
        sub, fp = it.sub, it.fp
        raw = {k: v for k, v in sub.to_mapping().items() if k not in PERSONAL}
        row = {
            "guid": it.guid,
            "site_id": it.site.id,
            "created_at": now,
            "source": it.source,
            "verdict": verdict.verdict,
            "score": float(verdict.score),
            "reasons": [s.describe() for s in it.signals] + verdict.reasons(),
            "is_test": sub.is_test,
            "recheck": it.recheck,
            "fingerprint": to_signed64(fp) if fp is not None else None,
            # only checks that count towards bursts name their network (a recheck does not): the
            # burst count then reads the (site, network, time) index alone (store/history.py)
            "network_hash": None if it.recheck else it.network_hash,
            "ip": sub.user_ip[:64] or None,
            "submission": raw,
        }
        log = CheckLog([row])
        if it.logs_fingerprint and fp is not None and it.bands is not None:
            log.prints.append(
                {
                    "site_id": it.site.id,
                    "guid": it.guid,
                    "created_at": now,
                    "fingerprint": to_signed64(fp),
                    **{f"band{i}": b for i, b in enumerate(it.bands)},
                    "network_hash": it.network_hash,
                    "page_hash": it.page_hash,
                }
            )
        return log

    # -- feedback ----------------------------------------------------------------------------
    def feedback(
        self, site: Site, label: str, data: Mapping[str, Any], source: str, guid: str | None = None
    ) -> FeedbackResult:
        now = datetime.now(timezone.utc)
        sub = Submission.from_mapping(clean(data))
        if sub.is_test:
            return FeedbackResult(False, None, None, False, "is_test: nothing was learned")
        guid = _safe(guid).strip() or None if guid else None  # a guid with a NUL is no guid porch gave
        self.checklog.flush()  # the original check may still be in this worker's queue
        original = self.store.checks.find(site.id, guid) if guid else None
        matched: Literal["guid", "fingerprint"] | None = "guid" if original is not None else None

        if sub.comment_content or sub.comment_author or sub.comment_author_url:
            learn_from = {k: v for k, v in sub.to_mapping().items() if k not in PERSONAL}
        elif original is not None and original.submission:
            learn_from = dict(original.submission)
            sub = Submission.from_mapping({**learn_from, "user_ip": original.ip or ""})
        else:
            note = "unknown guid and no comment fields" if guid else "no comment fields and no guid"
            return FeedbackResult(False, None, guid, False, note)

        rep_hashes, near = self._keys_and_copies(site, sub, now)
        marks = [r.id for r in near]
        if original is None and near:
            original = self.store.checks.find(site.id, near[0].guid)
            matched = "fingerprint" if original is not None else None
        event_id = self.store.checks.record_feedback(
            site,
            label=label,
            source=source,
            guid=original.guid if original is not None else None,
            submission=learn_from,
            rep_hashes=rep_hashes,
            mark_prints=marks,
            earlier_verdict=original.verdict if original is not None else None,
            now=now,
            combine=_combine,
        )
        changed = self.learner.catch_up()
        metrics.FEEDBACK.labels(source, label).inc()
        logger.info("feedback %s event=%d site=%s matched=%s", label, event_id, site.public_id, matched)
        return FeedbackResult(
            True,
            matched,
            original.guid if original is not None else None,
            changed > 0,
            event_id=event_id,
        )

    def _keys_and_copies(
        self, site: Site, sub: Submission, now: datetime
    ) -> tuple[list[tuple[str, str]], list[Any]]:
        """A decision's reputation keys (hashed) and the recent near-copies of its text (campaign)."""
        norm = normalise(sub.comment_content, sub.comment_author, sub.comment_author_url)
        rep_hashes = [(kind, self.hashed_key(site.id, kind, key)) for kind, key in reputation_keys(sub, norm)]
        fp = camp.fingerprint(norm)
        if fp is None:
            return rep_hashes, []
        since = now - timedelta(days=self.settings.campaign_window_days)
        return rep_hashes, [
            r
            for r in self.store.checks.near_duplicates(site.id, camp.bands(fp), since)
            if camp.near(fp, r.fingerprint)
        ]

    def unlearn(self, site: Site, event_id: int, data: Mapping[str, Any]) -> int | None:
        """Take feedback event `event_id` back (a moderator's undo): a reverse event every worker
        replays, reputation and campaign marks restored, its counts subtracted (store/checks.py).
        `data` are the comment's fields, for the reputation keys (the event's text has no IP).
        Returns the reverse event's id, or None when there is no such event of this site."""
        original = self.store.checks.event(event_id)
        if original is None or original.site_id != site.id or original.source == "undo":
            return None
        now = datetime.now(timezone.utc)
        rep_hashes, near = self._keys_and_copies(site, Submission.from_mapping(clean(data)), now)
        marks = [r.id for r in near]
        self.learner.catch_up()  # this worker must have applied the original to know its step
        reverse_id = self.store.checks.take_back(
            original,
            rep_hashes=rep_hashes,
            mark_prints=marks,
            step=self.learner.step_of(event_id),
            now=now,
            retract=_retract,
        )
        self.learner.catch_up()
        logger.info("feedback undone event=%d by event=%d site=%s", event_id, reverse_id, site.public_id)
        return reverse_id


def _retract(
    before: tuple[float, float], was_spam: bool, decision_age: float, age: float
) -> tuple[float, float]:
    after = retract(Standing(*before), was_spam, decision_age, age)
    return after.spam, after.ham


def _guids(n: int) -> list[str]:
    """n random (version 4) UUIDs from one read of the system's random source."""
    raw = os.urandom(16 * n)
    return [str(uuid.UUID(bytes=raw[16 * i : 16 * i + 16], version=4)) for i in range(n)]


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


def _campaign(
    fp: int,
    rows: list[Any],
    network_hash: str | None,
    page_hash: str | None,
    recheck: bool,
    window: timedelta,
) -> CampaignMatch | None:
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
        copies=copies,
        networks=len(networks - {None}) or 1,
        pages=len(pages - {None}) or 1,
        marked_spam=spam,
        marked_ham=ham,
        window_hours=window.total_seconds() / 3600,
    )
