"""The texts of porch's mails and of the pages their links open: Jinja2 templates, and two helpers.

Templates live under web/templates/mail: pages (.html, autoescaped) and mail texts (.txt, not).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from jinja2 import Environment, FileSystemLoader, select_autoescape

MAX_TEXT = 3000  # characters of a comment quoted in a mail


@lru_cache(maxsize=1)
def templates() -> Environment:
    """Jinja2 templates under web/templates/mail: pages (.html, autoescaped) and mail texts (.txt)."""
    path = resources.files("porch.web") / "templates" / "mail"
    return Environment(
        loader=FileSystemLoader(str(path)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def one_line(text: str, limit: int = 120) -> str:
    """Text for a header or a subject: no line breaks, not too long."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quoted(text: str) -> str:
    text = text.strip()
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + " […]"
