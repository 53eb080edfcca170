"""`Refused`: what the domain raises for a request it will not carry out.

It carries the HTTP status that fits and a message for people ("the comment is longer than 10,000
characters"); the app turns it into that status with `{"detail": message}` (app.py), the dashboard
into its error page, the mail links into a page saying nothing was changed. Raised only for what
the caller can fix or must be told; a fault of porch's own is an ordinary exception (a 500).
"""

from __future__ import annotations


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message
