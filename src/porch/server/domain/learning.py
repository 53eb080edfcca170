"""Learning from feedback, the same way in every worker: replay the feedback event log in order.

Each worker process keeps the models it checks with in memory: the shipped model for sites that
have had no feedback yet, and a copy per *scope* that has — `site:<id>` for a site that learns only
from its own moderators, `shared` for all the sites whose setting is `learning = "shared"`. A
moderator's submit-spam or submit-ham is appended to `feedback_events` (store), and every worker
applies the events it has not seen, in id order, to the model of the event's scope. The worker that
received the feedback applies it before it answers, so the next check it serves already sees it;
the others poll every `feedback_poll_seconds` (0.1 s), so a server with `--workers 4`, or several
servers on one PostgreSQL, converge on the same weights within a fraction of a second.

Why replay instead of sharing weights through the database: a model is megabytes and an event is a
few hundred bytes; online learning is deterministic, so the same events in the same order give the
same weights in every process. PostgreSQL ids are made to commit in order (the store serialises
appends with an advisory lock), so "everything after the last id I applied" never skips an event.

A new worker does not start from zero: `model_snapshots` holds, per scope, the model bytes and the
id of the last event folded into them, written every `snapshot_every` events; the worker loads the
snapshots and replays only what came after. Retention may drop the text of events a snapshot
already covers (their text is then needed by no one).

Undo (a moderator takes a decision back, moderation.py) is an event too: the reverse label,
marked `porch_undo_of` in its submission (store/checks.py `take_back`). Each worker remembers, for the last
`STEPS_KEPT` events it applied, how far each moved its own comment's logit; the undoing worker puts
that step into the reverse event (`porch_undo_step`) and every worker subtracts exactly it along
the comment's features, so the comment scores as it did before the decision (to float32 rounding),
and all workers still hold the same weights. Without a known step (the original lies inside a
snapshot this worker started from) the reverse event is an ordinary lesson with the opposite label.
"""

from __future__ import annotations

import logging
from collections import Counter, OrderedDict
from typing import Any

import numpy as np

from ...engine import Engine, Model, ModelError, Submission
from ...engine.features import Features, extract
from ...engine.normalise import normalise
from ...store import Site, Store

log = logging.getLogger("porch.learning")

STEPS_KEPT = 20_000  # event id -> logit step, for undo (an hour of a busy site's moderation)


class Learner:
    def __init__(self, store: Store, base: Engine, snapshot_every: int = 50):
        self.store = store
        self.base = base
        self.snapshot_every = max(1, snapshot_every)
        self.engines: dict[str, Engine] = {}
        self.cursor: dict[str, int] = {}  # scope -> id of the last event folded into its model
        self.last_id = 0  # the last event id this worker has looked at
        self._unsaved: Counter[str] = Counter()
        self._steps: OrderedDict[int, float] = OrderedDict()

    def step_of(self, event_id: int) -> float | None:
        """How far event `event_id` moved its comment's logit in this worker (None: not known)."""
        return self._steps.get(int(event_id))

    def start(self) -> None:
        """Load the snapshots and replay the events after them."""
        for snap in self.store.checks.snapshots():
            try:
                self.engines[snap.scope] = Engine(
                    Model.from_bytes(bytes(snap.model), f"snapshot {snap.scope}")
                )
                self.cursor[snap.scope] = int(snap.last_event_id)
            except ModelError as exc:  # a snapshot we cannot read: rebuild that scope by replay
                log.warning("ignoring model snapshot: %s", exc)
        self.catch_up()

    def engine_for(self, site: Site) -> Engine:
        return self.engines.get(site.scope, self.base)

    def catch_up(self) -> int:
        """Apply every event after `last_id`, in order; returns how many changed a model."""
        changed = 0
        while True:
            rows = self.store.checks.events_after(self.last_id)
            for row in rows:
                changed += self._apply(row)
                self.last_id = int(row.id)
            if len(rows) < 500:
                return changed

    def _apply(self, row: Any) -> int:
        scope = row.scope
        if row.id <= self.cursor.get(scope, 0):
            return 0  # already inside this scope's snapshot
        self.cursor[scope] = int(row.id)
        self._unsaved[scope] += 1
        if not row.submission:
            return 0  # its text expired; only possible for events a snapshot covers
        engine = self.engines.get(scope)
        if engine is None:
            engine = self.engines[scope] = self.base.copy()
        sub = Submission.from_mapping(row.submission)
        norm = normalise(sub.comment_content, sub.comment_author, sub.comment_author_url)
        f = extract(norm, engine.model.bits)
        undo_step = row.submission.get("porch_undo_step") if row.submission.get("porch_undo_of") else None
        if isinstance(undo_step, (int, float)):
            return int(_shift(engine.model, f, -float(undo_step)))
        if not len(f.index):
            return 0
        before = engine.model.logit(f)
        changed = engine.model.learn(f, row.label == "spam")
        self._steps[int(row.id)] = engine.model.logit(f) - before if changed else 0.0
        if len(self._steps) > STEPS_KEPT:
            self._steps.popitem(last=False)
        return int(changed)

    def due_snapshots(self) -> list[tuple[str, int, Model]]:
        """(scope, last event id, a copy of the model) for scopes with enough new events."""
        due = []
        for scope, count in list(self._unsaved.items()):
            if count >= self.snapshot_every and scope in self.engines:
                due.append((scope, self.cursor[scope], self.engines[scope].model.copy()))
                self._unsaved[scope] = 0
        return due

    def save_snapshots(self, due: list[tuple[str, int, Model]]) -> None:
        """Write snapshots (slow: compresses megabytes, so the app runs it in a thread)."""
        for scope, last_id, model in due:
            self.store.checks.save_snapshot(scope, last_id, model.to_bytes())


def _shift(model: Model, f: Features, step: float) -> bool:
    """Move the weights along a comment's features so that its logit changes by `step` (the
    geometry of `Model.learn`'s PA-I step, without its clipping): how an undo steps back."""
    if not step or not len(f.index):
        return False
    norm_sq = float(np.dot(f.value, f.value)) or 1.0
    np.add.at(model.weights, f.index, ((step / (model.scale * norm_sq)) * f.value).astype(np.float32))
    return True
