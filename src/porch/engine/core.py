"""The engine as one object: check a comment, learn from a moderator.

`Engine.check` runs the pipeline of DESIGN.md: normalise → features → content model → named
signals → verdict. `Engine.check_many` does the same for a batch: normalisation and signals run
comment by comment, features, scores and explanations once for the whole batch (features.py says
why); `check` is a batch of one, so there is one pipeline. A caller that has normalised the
comments already (the service does, for its history lookups) passes them as `norms`. `Engine.learn` applies a moderator's decision to the content model. The engine
holds no connection, file or clock of its own: the caller passes the time and (in the service) a
read-only view of the site's history, so the same object serves the CLI, the HTTP server and the
backtest, and tests need nothing but a model.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

from .features import extract, extract_batch
from .model import Model, ModelError
from .normalise import Normalised, normalise
from .signals import Context, run_checks
from .submission import Submission
from .verdict import Signal, Verdict, decide

DEFAULT_MODEL = "default-model.porch"


def default_model_path() -> Path:
    return Path(str(resources.files("porch") / "data" / DEFAULT_MODEL))


class Engine:
    def __init__(self, model: Model):
        self.model = model

    @classmethod
    def default(cls) -> Engine:
        """The engine with the model that ships inside the package."""
        path = default_model_path()
        if not path.exists():
            raise ModelError(f"the default model is missing ({path}); build it with `make model`")
        return cls(Model.load(path))

    @classmethod
    def from_file(cls, path: str | Path | None) -> Engine:
        return cls.default() if path is None else cls(Model.load(path))

    def copy(self) -> Engine:
        """An independent engine whose learning does not touch this one (one per site)."""
        return Engine(self.model.copy())

    def check(
        self,
        submission: Submission,
        *,
        now: datetime | None = None,
        history: Any = None,
        extra_signals: tuple[Signal, ...] = (),
        norm: Normalised | None = None,
    ) -> Verdict:
        norms = None if norm is None else [norm]
        return self.check_many(
            [submission], now=now, history=history, extra_signals=extra_signals, norms=norms
        )[0]

    def check_many(
        self,
        submissions: Sequence[Submission],
        *,
        now: datetime | None = None,
        history: Any = None,
        extra_signals: tuple[Signal, ...] = (),
        norms: Sequence[Normalised] | None = None,
        histories: Sequence[Any] | None = None,
    ) -> list[Verdict]:
        """The verdicts of many comments, in order; the same as checking them one by one.

        `norms` are the comments' `normalise(...)` results when the caller already has them (the
        service needs them for reputation keys and fingerprints, and normalising is a good part of
        a check's cost). `histories` gives each comment its own history (the service batches
        comments from many sites); otherwise `history` applies to all of them.
        """
        now = now or datetime.now(timezone.utc)
        extra = tuple(extra_signals)
        if norms is None:
            norms = [
                normalise(s.comment_content, s.comment_author, s.comment_author_url) for s in submissions
            ]
        elif len(norms) != len(submissions):
            raise ValueError("norms must match submissions one to one")
        if histories is None:
            histories = [history] * len(submissions)
        elif len(histories) != len(submissions):
            raise ValueError("histories must match submissions one to one")
        features = extract_batch(norms, self.model.bits)
        logits = self.model.logits(features).tolist()
        phrases = self.model.explain(features)
        return [
            decide(logit, run_checks(Context(s, norm, now, h)) + extra, explained)
            for s, norm, h, logit, explained in zip(submissions, norms, histories, logits, phrases)
        ]

    def learn(self, submission: Submission, is_spam: bool) -> bool:
        """Learn a moderator's label for one comment; returns whether the model changed."""
        norm = normalise(submission.comment_content, submission.comment_author, submission.comment_author_url)
        return self.model.learn(extract(norm, self.model.bits), is_spam)
