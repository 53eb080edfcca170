"""The moderation action log, and taking a lesson back.

Every moderator decision — approve, spam, ham, delete, reply, undo — is a row of
`moderation_actions`: which site and comment, which account (NULL for the site's API key), the
status before and after, and the feedback event it taught, if any. "Undo the last action" reads
it (the account's newest action on the site that is not an undo and not undone yet), and the
dashboard can show it as the comment's history.

`take_back(store, event_id, …)` is the inverse of `Store.record_feedback`, in one transaction:

* a **reverse feedback event** is appended: the opposite label, source "undo", the original's scope
  and guid, the original's text. The log stays append-only, so every worker's model steps back when
  it replays the log, as it stepped forward (server/learning.py). The event's submission carries
  `porch_undo_of` (the original event id) and, when the undoing worker knows it,
  `porch_undo_step`: the exact step the original made in that comment's logit, which the learner
  subtracts — a plain opposite-label lesson would not land where the model was (PA-I steps are
  clipped at the margin), so "marked spam, then undone" would not score as before;
* **counts**: what the original added to `daily_counts` (submitted_spam/ham, and missed_spam or
  false_positives when it overturned the check's verdict) is subtracted on the original's day; no
  new submitted_* count is added. As far as the report card goes, an undone decision never happened;
* **reputation**: the original decision's decayed weight is retracted from each key
  (`engine.reputation.retract`), never below zero;
* **campaign marks and the check's `feedback`** go back to what the guid had before: the label of
  its latest earlier event that was not itself taken back, else none. An approximation when other
  moderators labelled other copies of the same campaign meanwhile: a mark only says "a moderator
  said so", and the store does not keep who marked which copy.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select, update

from . import schema as t
from .db import writing
from .queries import utc

ACTIONS = ("approve", "spam", "ham", "delete", "reply", "undo")
a = t.moderation_actions.c
e = t.feedback_events.c


def log_action(
    engine,
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
    with writing(engine) as conn:
        return int(
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
            ).inserted_primary_key[0]
        )


def last_actions(
    engine, site_id: int, account_id: int | None, since: datetime, limit: int = 500
) -> list[Any]:
    """The account's newest decision on this site since `since` that can be undone, newest first:
    one action, or every action of a bulk decision (they share their time; see Moderation.bulk)
    that is not undone yet. Empty: nothing to undo."""
    who = a.account_id.is_(None) if account_id is None else a.account_id == account_id
    with engine.connect() as conn:
        row = conn.execute(
            select(t.moderation_actions)
            .where(a.site_id == site_id, who, a.action != "undo")
            .order_by(a.id.desc())
            .limit(1)
        ).first()
        if row is None or row.undone_at is not None or utc(row.created_at) < since:
            return []
        return conn.execute(
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
        ).fetchall()


def claim(engine, action_id: int, now: datetime) -> bool:
    """Mark an action undone, compare-and-set: False if another undo got there first."""
    with writing(engine) as conn:
        return bool(
            conn.execute(
                update(t.moderation_actions)
                .where(a.id == action_id, a.undone_at.is_(None))
                .values(undone_at=now)
            ).rowcount
        )


def release(engine, action_id: int) -> None:
    """Give a claimed action back (its undo could not be carried out)."""
    with writing(engine) as conn:
        conn.execute(update(t.moderation_actions).where(a.id == action_id).values(undone_at=None))


def history(engine, comment_id: int) -> list[Any]:
    """Every action on one comment, oldest first."""
    with engine.connect() as conn:
        return conn.execute(
            select(t.moderation_actions).where(a.comment_id == comment_id).order_by(a.id)
        ).fetchall()


def event(engine, event_id: int) -> Any | None:
    with engine.connect() as conn:
        return conn.execute(select(t.feedback_events).where(e.id == event_id)).first()


def take_back(
    store: Any,
    original: Any,
    *,
    rep_hashes: list[tuple[str, str]],
    mark_prints: list[int],
    step: float | None,
    now: datetime,
    retract: Callable[[tuple[float, float], bool, float, float], tuple[float, float]],
) -> int:
    """Reverse feedback event `original` (a feedback_events row); returns the new event's id.

    `retract((spam, ham), was_spam, decision_age_s, age_s)` takes one decayed decision back out
    of a stored standing (engine.reputation.retract)."""
    was_spam = original.label == "spam"
    reverse = "ham" if was_spam else "spam"
    submission = None
    if original.submission:
        submission = {**original.submission, "porch_undo_of": int(original.id)}
        if step is not None:
            submission["porch_undo_step"] = float(step)
    with writing(store.engine) as conn:
        if store.dialect == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7450982)")  # as record_feedback: ids in order
        new_id = conn.execute(
            t.feedback_events.insert().values(
                site_id=original.site_id,
                scope=original.scope,
                created_at=now,
                label=reverse,
                source="undo",
                guid=original.guid,
                submission=submission,
            )
        ).inserted_primary_key[0]
        decision_age = (now - utc(original.created_at)).total_seconds()
        r = t.reputation.c
        for kind, key_hash in rep_hashes:
            row = conn.execute(
                select(r.spam, r.ham, r.updated_at).where(
                    r.site_id == original.site_id, r.kind == kind, r.key_hash == key_hash
                )
            ).first()
            if row is None:
                continue
            spam, ham = retract(
                (row.spam, row.ham), was_spam, decision_age, (now - utc(row.updated_at)).total_seconds()
            )
            conn.execute(
                update(t.reputation)
                .where(
                    r.site_id == original.site_id,
                    r.kind == kind,
                    r.key_hash == key_hash,
                )
                .values(spam=spam, ham=ham, updated_at=now)
            )
        before = _label_before(conn, original) if original.guid else None
        if mark_prints:
            f = t.fingerprints.c
            conn.execute(
                update(t.fingerprints)
                .where(f.id.in_(mark_prints), f.label == original.label)
                .values(label=before)
            )
        verdict = None
        if original.guid:
            ch = t.checks.c
            verdict = conn.execute(
                select(ch.verdict).where(ch.guid == original.guid, ch.site_id == original.site_id)
            ).scalar()
            conn.execute(
                update(t.checks)
                .where(ch.guid == original.guid, ch.site_id == original.site_id)
                .values(feedback=before)
            )
        # exactly what record_feedback bumped, subtracted on the day it was bumped
        bump = {"submitted_spam" if was_spam else "submitted_ham": -1}
        if verdict == "ham" and was_spam:
            bump["missed_spam"] = -1
        elif verdict in ("spam", "discard") and not was_spam:
            bump["false_positives"] = -1
        store._bump(conn, original.site_id, utc(original.created_at).astimezone(timezone.utc).date(), bump)
    return int(new_id)


def _label_before(conn, original: Any) -> str | None:
    """The guid's label before `original`: its latest earlier event that stands (not an undo, not
    taken back by one)."""
    rows = conn.execute(
        select(e.id, e.label, e.source, e.submission)
        .where(e.site_id == original.site_id, e.guid == original.guid, e.id < original.id)
        .order_by(e.id.desc())
        .limit(50)
    ).fetchall()
    undone = {
        int(r.submission["porch_undo_of"])
        for r in rows
        if r.source == "undo" and r.submission and r.submission.get("porch_undo_of") is not None
    }
    undone |= set(
        conn.execute(
            select(a.event_id).where(a.event_id.in_([r.id for r in rows] or [0]), a.undone_at.is_not(None))
        ).scalars()
    )
    for r in rows:
        if r.source != "undo" and r.id not in undone:
            return r.label
    return None
