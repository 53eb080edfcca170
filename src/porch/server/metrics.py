"""Prometheus metrics (`/metrics`) and the health check (`/health`).

Counters: checks by source and verdict, feedback by label, requests refused by reason; a histogram
of check latency (inside the app, from the request to the answer). With `--workers N` each worker
is its own process, so `porch serve` points prometheus_client's multiprocess mode at a directory
in the data dir (`PROMETHEUS_MULTIPROC_DIR`) before the workers start, and `/metrics` sums them:
any worker answers for all. Labels never carry commenter data or keys: only sources, verdicts and
reasons from fixed lists.
"""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

CHECKS = Counter("porch_checks_total", "Comments checked", ["source", "verdict"])
FEEDBACK = Counter(
    "porch_feedback_total", "Feedback received (submit-spam / submit-ham)", ["source", "label"]
)
REFUSED = Counter("porch_requests_refused_total", "Requests refused before a check", ["reason"])
LATENCY = Histogram(
    "porch_check_seconds",
    "Time to check one comment, request to answer",
    ["source"],
    buckets=(0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.02, 0.05, 0.1, 0.25, 1.0),
)


def render() -> tuple[bytes, str]:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
