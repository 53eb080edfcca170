"""The moderation action log: every decision a moderator makes, for undo and a comment's history.

Every moderator decision — approve, spam, ham, delete, reply, undo — is a row of
`moderation_actions`: which site and comment, which account (NULL for the site's API key), the
status before and after, and the feedback event it taught, if any. "Undo the last action" reads
it (the account's newest action on the site that is not an undo and not undone yet).

Taking the lesson of a decision back (the reverse feedback event, counts, reputation, campaign
marks) is the check log's business: `CheckStore.take_back` (checks.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from . import schema as t
from .db import new_id, utc, writing

ACTIONS = ("approve", "spam", "ham", "delete", "reply", "undo")
a = t.moderation_actions.c


class ActionLog:
    def __init__(self, engine: Engine):
        self.engine = engine

    def log(
        self,
        *,
        site_id: int,
        account_id: int | None,
        comment_id: int,
        action: str,
        from_status: str,
        to_status: str,
        event_id: int | None,
        now: datetime,
    ) -> int:
        """Append one action; its id."""
        if action not in ACTIONS:
            raise ValueError(f"unknown moderation action {action!r}")
        with writing(self.engine) as conn:
            return new_id(
                conn.execute(
                    t.moderation_actions.insert().values(
                        site_id=site_id,
                        account_id=account_id,
                        comment_id=comment_id,
                        action=action,
                        from_status=from_status,
                        to_status=to_status,
                        event_id=event_id,
                        created_at=now,
                    )
                )
            )

    def last(self, site_id: int, account_id: int | None, since: datetime, limit: int = 500) -> Sequence[Any]:
        """The account's newest decision on this site since `since` that can be undone, newest first:
        one action, or every action of a bulk decision (they share their time; see Moderation.bulk)
        that is not undone yet. Empty: nothing to undo."""
        who = a.account_id.is_(None) if account_id is None else a.account_id == account_id
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.moderation_actions)
                .where(a.site_id == site_id, who, a.action != "undo")
                .order_by(a.id.desc())
                .limit(1)
            ).first()
            if row is None or row.undone_at is not None or utc(row.created_at) < since:
                return []
            return list(
                conn.execute(
                    select(t.moderation_actions)
                    .where(
                        a.site_id == site_id,
                        who,
                        a.action == row.action,
                        a.created_at == row.created_at,
                        a.undone_at.is_(None),
                    )
                    .order_by(a.id.desc())
                    .limit(limit)
                ).all()
            )

    def claim(self, action_id: int, now: datetime) -> bool:
        """Mark an action undone, compare-and-set: False if another undo got there first."""
        with writing(self.engine) as conn:
            return bool(
                conn.execute(
                    update(t.moderation_actions)
                    .where(a.id == action_id, a.undone_at.is_(None))
                    .values(undone_at=now)
                ).rowcount
            )

    def release(self, action_id: int) -> None:
        """Give a claimed action back (its undo could not be carried out)."""
        with writing(self.engine) as conn:
            conn.execute(update(t.moderation_actions).where(a.id == action_id).values(undone_at=None))
