"""The engine's answer: ham, spam or discard, a score, and reasons a moderator can read.

Every piece of evidence is a `Signal`: a name a moderator would say ("too many links"), a weight and
the evidence behind it ("5 links in 40 words"). Weights are in log-odds (logit) units, the same
scale as the content model's output, so the decision is one sum::

    logit = model logit + Σ signal weights          score = 1 / (1 + e^-logit)

A weight of +1 multiplies the odds of spam by e ≈ 2.7; +2.2 by 9; -2.2 divides them by 9. The model
is calibrated (see model.py), so without signals the score reads as a probability, and each signal
is a likelihood ratio a person can argue with. A few signals are *decisive* (the Akismet test
values, an administrator's own comment): they settle the verdict whatever the sum says.

`discard` is for spam the engine is very sure of, that a site may drop unseen: the score must pass
`DISCARD_SCORE` *and* at least one rule signal (not the model alone) must point strongly at spam, so
that a model that is confidently wrong on an unusual comment cannot silently bin it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

Label = Literal["ham", "spam", "discard"]

SPAM_SCORE = 0.5
DISCARD_SCORE = 0.999
DISCARD_RULE_WEIGHT = 2.0  # a rule this strong must agree before a comment may be discarded


@dataclass(frozen=True, slots=True)
class Signal:
    """One named piece of evidence. `weight` > 0 points at spam, < 0 at ham (logit units)."""

    code: str  # stable identifier, e.g. "links.count" (for metrics, tests and settings)
    name: str  # what a moderator would say: "too many links"
    weight: float
    evidence: str = ""  # the particulars: "5 links in 40 words"
    decisive: Literal["spam", "ham"] | None = None

    def describe(self) -> str:
        return f"{self.name}: {self.evidence}" if self.evidence else self.name


@dataclass(frozen=True, slots=True)
class Phrase:
    """A word or phrase of the comment and how hard it pushed the content model (logit units)."""

    text: str
    weight: float


@dataclass(frozen=True, slots=True)
class Verdict:
    verdict: Label
    score: float  # probability-like, in [0, 1]
    model_score: float  # the content model's calibrated probability alone
    signals: tuple[Signal, ...] = ()
    phrases: tuple[Phrase, ...] = ()  # strongest first, both directions
    extra: dict = field(default_factory=dict)

    @property
    def spam(self) -> bool:
        return self.verdict != "ham"

    @property
    def discard(self) -> bool:
        return self.verdict == "discard"

    def reasons(self) -> list[str]:
        """The explanation in a moderator's words: signals that fired, then the model's phrases."""
        out = [s.describe() for s in sorted(self.signals, key=lambda s: -abs(s.weight))]
        spammy = [p.text for p in self.phrases if p.weight > 0][:5]
        hammy = [p.text for p in self.phrases if p.weight < 0][:3]
        out.append(f"content model: {self.model_score:.0%} spam")
        if spammy:
            out.append("words that look like spam: " + ", ".join(f"“{p}”" for p in spammy))
        if hammy:
            out.append("words that look like a real comment: " + ", ".join(f"“{p}”" for p in hammy))
        return out

    def to_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "spam": self.spam,
            "score": round(self.score, 4),
            "reasons": self.reasons(),
        }


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def decide(model_logit: float, signals: tuple[Signal, ...], phrases: tuple[Phrase, ...] = ()) -> Verdict:
    """Combine the model's logit and the signals into a verdict (see the module docstring)."""
    model_score = sigmoid(model_logit)
    for forced in ("ham", "spam"):  # a decisive ham (administrator) wins over a test spam value
        if any(s.decisive == forced for s in signals):
            score = 0.0 if forced == "ham" else 1.0
            return Verdict(forced, score, model_score, signals, phrases)
    score = sigmoid(model_logit + sum(s.weight for s in signals))
    if score < SPAM_SCORE:
        label: Label = "ham"
    elif score >= DISCARD_SCORE and any(s.weight >= DISCARD_RULE_WEIGHT for s in signals):
        label = "discard"
    else:
        label = "spam"
    return Verdict(label, score, model_score, signals, phrases)
