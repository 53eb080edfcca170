"""The composition root: everything a worker process needs, built once at start-up, in one typed object.

`build(settings)` opens the database (applying the migrations), loads the model (the shipped one or
`model_path`) and replays the feedback after its snapshot into it (learning.py), starts the
check-log writer's thread, and builds every collaborator with what it needs, passed to its
constructor — nothing is built later, on first use, by whoever happens to ask. The result is a
`Porch`; the app's lifespan (app.py) keeps it as `app.state.porch` and the routes reach it through
one accessor, `porch_of(request)`. Tests build one the same way to test the parts in process.

Reading this file top to bottom is reading who depends on whom:

    store ─┬─ learner ── checking ── batcher            (the spam service: Akismet, JSON API)
           ├─ checklog ──┘     │
           │                   ├── poster ──┐          (the comment server: posting)
           ├─ notifier ────────┼── moderation          (moderators; mail about both)
           └─ signer ── discussion                      (sites, edit tokens, one's own comment)
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection

from ..config import Settings
from ..engine import Engine
from ..store import Store, open_store
from .caches.keys import ApiKeys
from .caches.threadcache import ThreadCache
from .domain.auth import Auth
from .domain.batching import CheckBatcher
from .domain.checking import CheckService
from .domain.checklog import CheckLogWriter
from .domain.discussion import Discussion
from .domain.identity import TrustedProxies
from .domain.learning import Learner
from .domain.limits import RateLimiter
from .domain.moderation import Moderation
from .domain.posting import Poster
from .domain.signing import Signer
from .mail.notify import Notifier


@dataclass(frozen=True)
class Porch:
    settings: Settings
    store: Store
    learner: Learner  # each worker's models, kept current by replaying feedback
    checklog: CheckLogWriter  # writes the Akismet / API checks' log rows in batches
    checking: CheckService  # comments → verdicts; feedback; undo
    batcher: CheckBatcher  # checks that arrive together, checked together
    api_keys: ApiKeys  # API key → site (cached for a second)
    limiter: RateLimiter  # requests per API key
    proxies: TrustedProxies  # whose X-Forwarded-For is believed
    signer: Signer  # edit tokens, form stamps, visitor keys
    auth: Auth  # logins, sessions, CSRF tokens
    discussion: Discussion  # sites by public id, one's own comment
    threads: ThreadCache  # rendered public threads
    notifier: Notifier  # what to mail (only with SMTP configured)
    moderation: Moderation  # moderators' decisions, undo, replies as the site
    poster: Poster  # new comments, checked and stored in batches

    def close(self) -> None:
        """Stop the threads, queue what the notifier was handed, snapshot models, close the pool."""
        self.batcher.stop()
        self.poster.stop()
        self.checklog.stop()
        self.notifier.stop()  # queue what was handed over, hand back claimed mail
        due = self.learner.due_snapshots()
        if due:
            self.learner.save_snapshots(due)
        self.store.close()


def build(settings: Settings) -> Porch:
    store = open_store(
        settings.effective_database_url,
        settings.secret(),
        mail_max_attempts=settings.mail_max_attempts,
        mail_retry_seconds=settings.mail_retry_seconds,
    )
    learner = Learner(store, Engine.from_file(settings.model_path), settings.snapshot_every)
    learner.start()
    checklog = CheckLogWriter(store)
    checklog.start()
    checking = CheckService(settings, store, learner, checklog)
    signer = Signer(store.sites.site_secret(0) + b"comments")
    notifier = Notifier(settings, store)
    return Porch(
        settings=settings,
        store=store,
        learner=learner,
        checklog=checklog,
        checking=checking,
        batcher=CheckBatcher(checking),
        api_keys=ApiKeys(store),
        limiter=RateLimiter(
            settings.key_rate_per_second, settings.key_burst, settings.workers, settings.redis_url
        ),
        proxies=TrustedProxies(settings.trusted_proxies),
        signer=signer,
        auth=Auth(store.accounts),
        discussion=Discussion(settings, store, checking, signer),
        threads=ThreadCache(),
        notifier=notifier,
        moderation=Moderation(settings, store, checking, notifier),
        poster=Poster(settings, store, checking, checklog, signer, notifier),
    )


def porch_of(request: HTTPConnection) -> Porch:
    """The worker's Porch, for a route (the app's lifespan put it there)."""
    found: Porch = request.app.state.porch
    return found
