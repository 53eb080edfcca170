"""The report card as a picture: `chart_svg(card)` draws one stacked bar per day, as inline SVG.

Each day's bar is that day's checks, stacked from the baseline: spam caught, false positives
(spam verdicts a moderator overturned), missed spam (ham verdicts later marked spam), ham passed.
The two mistakes sit in the middle of the bar, where they break the two large blocks and catch the
eye; a day with mistakes also gets a small mark above its bar.

Why hand-written SVG: no JavaScript, no chart library to vendor, no external resource, and it can
sit inside the dashboard page (and its strict Content-Security-Policy, which refuses inline
`<style>`). So the colours are presentation attributes, overridable by the dashboard's stylesheet
through the classes (`porch-chart`, `caught`, `passed`, `false-positive`, `missed`, `axis`,
`label`): the blocks are `currentColor` at two opacities, so the chart follows the text colour in
light and dark themes; the mistakes are an orange and a magenta that read on white and on near
black alike. Accessibility: the `<svg>` is `role="img"` with a `<title>` and an `aria-label`
summing up the window; each day is a group with its own `<title>` (a tooltip on hover) and
`aria-label` giving its figures.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape, quoteattr

BAR = 14
GAP = 4
LEFT = 34
TOP = 28
PLOT = 120
BOTTOM = 22
COLOURS = {  # class -> (fill, opacity)
    "caught": ("currentColor", "0.8"),
    "false-positive": ("#e8590c", "1"),
    "missed": ("#c2255c", "1"),
    "passed": ("currentColor", "0.3"),
}


def chart_svg(card: Any) -> str:
    days = card.days
    width = LEFT + len(days) * (BAR + GAP) + GAP
    height = TOP + PLOT + BOTTOM
    top = max(
        [d.comments for d in days]
        + [d.spam_caught + d.false_positives + d.missed_spam + d.ham_passed for d in days]
        + [1]
    )
    scale = PLOT / top
    summary = _summary(card)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="porch-chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label={quoteattr(summary)} font-family="sans-serif" font-size="10">',
        f"<title>{escape(summary)}</title>",
    ]
    for i, (name, label) in enumerate(
        (
            ("caught", "spam caught"),
            ("false-positive", "false positives"),
            ("missed", "missed spam"),
            ("passed", "ham passed"),
        )
    ):
        fill, opacity = COLOURS[name]
        lx = LEFT + i * 92
        out.append(
            f'<rect class="{name}" x="{lx}" y="6" width="10" height="10" fill="{fill}" fill-opacity="{opacity}"/>'
            f'<text class="label" x="{lx + 14}" y="15" fill="currentColor">{label}</text>'
        )
    base = TOP + PLOT
    out.append(
        f'<line class="axis" x1="{LEFT - 2}" y1="{base}" x2="{width}" y2="{base}" stroke="currentColor" '
        'stroke-opacity="0.5"/>'
    )
    out.append(
        f'<text class="label" x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end" fill="currentColor">{top}</text>'
        f'<text class="label" x="{LEFT - 4}" y="{base}" text-anchor="end" fill="currentColor">0</text>'
    )
    for i, d in enumerate(days):
        x = LEFT + GAP + i * (BAR + GAP)
        text = _day_text(d)
        out.append(
            f'<g class="day" data-day="{d.day.isoformat()}" aria-label={quoteattr(text)}>'
            f"<title>{escape(text)}</title>"
        )
        y = float(base)
        for name, value in (
            ("caught", d.spam_caught),
            ("false-positive", d.false_positives),
            ("missed", d.missed_spam),
            ("passed", d.ham_passed),
        ):
            if value <= 0:
                continue
            h = value * scale
            y -= h
            fill, opacity = COLOURS[name]
            out.append(
                f'<rect class="{name}" x="{x}" y="{y:.2f}" width="{BAR}" height="{h:.2f}" fill="{fill}" '
                f'fill-opacity="{opacity}"/>'
            )
        if d.false_positives or d.missed_spam:
            name = "false-positive" if d.false_positives else "missed"
            out.append(
                f'<circle class="{name}" cx="{x + BAR / 2}" cy="{y - 5:.2f}" r="2.5" fill="{COLOURS[name][0]}"/>'
            )
        out.append(f'<rect class="hit" x="{x}" y="{TOP}" width="{BAR}" height="{PLOT}" fill="transparent"/>')
        out.append("</g>")
    for i in sorted({0, len(days) // 2, len(days) - 1}):
        if 0 <= i < len(days):
            cx = LEFT + GAP + i * (BAR + GAP) + BAR / 2
            out.append(
                f'<text class="label" x="{cx}" y="{base + 15}" text-anchor="middle" fill="currentColor">'
                f"{days[i].day.strftime('%d %b')}</text>"
            )
    out.append("</svg>")
    return "".join(out)


def _pct(value: float | None) -> str:
    return "not enough data" if value is None else f"{value:.0%}"


def _summary(card: Any) -> str:
    return (
        f"Spam filter report card, {card.first.isoformat()} to {card.last.isoformat()}: "
        f"{card.comments} comments, {card.spam_caught} spam caught, {card.ham_passed} ham passed, "
        f"{card.false_positives} false positives, {card.missed_spam} missed spam; "
        f"precision {_pct(card.precision)}, recall {_pct(card.recall)}"
    )


def _day_text(d: Any) -> str:
    return (
        f"{d.day.isoformat()}: {d.comments} comments, {d.spam_caught} spam caught, {d.ham_passed} ham passed, "
        f"{d.false_positives} false positives, {d.missed_spam} missed spam"
    )
