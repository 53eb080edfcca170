"""The widget's weight: src/porch/web/embed.js + embed.css, gzipped at level 9, against the 15 KB budget.

What a reader downloads before the thread shows (the JSON of the thread aside). Isso's embed is
~20 KB gzipped, for comparison. Writes the `widget` section of docs/benchmarks.md.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from report import machine, today, write_section

WEB = Path(__file__).resolve().parents[1] / "src" / "porch" / "web"
BUDGET = 15 * 1024


def main() -> None:
    js, css = (WEB / "embed.js").read_bytes(), (WEB / "embed.css").read_bytes()
    both = len(gzip.compress(js + css, 9))
    rows = [
        ("embed.js", len(js), len(gzip.compress(js, 9))),
        ("embed.css", len(css), len(gzip.compress(css, 9))),
        ("together (one gzip stream)", len(js) + len(css), both),
    ]
    lines = [
        f"## Widget size\n\n{today()}, {machine()}; `python bench/widget_size.py` (gzip -9).\n",
        "| file | bytes | gzipped |",
        "|---|---:|---:|",
    ]
    lines += [f"| {name} | {raw:,} | {gz:,} |" for name, raw, gz in rows]
    lines.append(
        f"\nBudget: {BUDGET:,} bytes gzipped for JS + CSS; used {both / BUDGET:.0%}. "
        "No framework, no third-party requests."
    )
    write_section("widget", "\n".join(lines))
    print(f"embed.js + embed.css: {both:,} bytes gzipped ({both / BUDGET:.0%} of the 15 KB budget)")


if __name__ == "__main__":
    main()
