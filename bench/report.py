"""Shared by the benchmark scripts: machine description, percentiles, and docs/benchmarks.md sections.

Each script owns one section of docs/benchmarks.md, between `<!-- bench:NAME -->` markers, and
replaces only that section, so figures from different runs and scripts live side by side.
"""

from __future__ import annotations

import platform
import subprocess
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

Every figure here is written by a script in `bench/`, with the machine, the date and the command
that produced it. The machines are shared and noisy: scripts run the things they compare side by
side in one go and quote medians and ratios. Tests never assert times; these scripts do.
"""


def machine() -> str:
    try:
        cpu = next(
            line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")
        )
    except (OSError, StopIteration):
        cpu = platform.processor() or "unknown CPU"
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return f"{nproc} cores, {cpu}, Python {platform.python_version()}"


def today() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def write_section(name: str, body: str) -> None:
    begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    text = DOC.read_text() if DOC.exists() else HEADER
    block = f"{begin}\n{body.strip()}\n{end}"
    if begin in text and end in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text)
