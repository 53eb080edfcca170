"""Generated avatars: a small symmetric identicon (SVG) drawn from a commenter's avatar hash.

With a site's `avatars` setting on, every comment carries `avatar`, a keyed hash of the e-mail
address (identity.email_hash: HMAC with the site's secret, so it cannot be looked up elsewhere the
way a Gravatar MD5 can). The widget shows `/api/v1/avatars/HASH.svg` (routes/widget.py), drawn here
from the hash alone: no e-mail, no database, no third party. The same address gives the same
picture on the same site, a different one on another site.

The picture is the classic 5×5 identicon: 15 bits of the hash fill the left three columns, mirrored
to the right; the hue comes from another 9 bits, the foreground a mid tone that reads on the light
tint behind it. The answer is a pure function of the URL, so it is cached for a year (`immutable`),
and it is a few hundred bytes of SVG with no script, no style and no external reference.
"""

from __future__ import annotations

import re

HASH = re.compile(r"[0-9a-f]{32}")
CELLS = 5


def identicon(key: str) -> str:
    """The SVG for a 32-hex-digit avatar hash (ValueError for anything else)."""
    if not HASH.fullmatch(key):
        raise ValueError("an avatar hash is 32 lowercase hex digits")
    bits = int(key[:8], 16)
    hue = int(key[8:11], 16) % 360
    cells = []
    for col in range(3):
        for row in range(CELLS):
            if bits >> (col * CELLS + row) & 1:
                for x in {col, CELLS - 1 - col}:
                    cells.append(f"M{x + 1} {row + 1}h1v1h-1z")
    if not cells:  # one hash in 32,768: a dot in the middle rather than an empty square
        cells.append("M3 3h1v1h-1z")
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 7 7" width="64" height="64" '
        'shape-rendering="crispEdges">'
        f'<rect width="7" height="7" fill="hsl({hue},55%,90%)"/>'
        f'<path fill="hsl({hue},50%,38%)" d="{"".join(cells)}"/></svg>'
    )
