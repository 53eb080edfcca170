"""A new comment's way into the store, read top to bottom: prepare → check → decide → store → notify.

1. **prepare** (`prepare`, pure): validate what the reader sent against the site's settings, render
   the Markdown (render.py), place a reply under its parent (replies deeper than the site's
   `reply_depth` hang under the deepest allowed ancestor), verify the form's render stamp
   (signing.py), and find the site rule the comment falls under (siterules.py). The result is a
   `Draft`: the Akismet fields the spam check sees and the row that will be stored. Anything the
   reader can fix is a `Refused` (4xx) here, and nothing has been stored. `Poster.prepare` reads
   the comment replied to first, which is the one read this step needs.
2. **check**: the draft's fields go to the checking service (checking.py) like an Akismet
   comment-check, with everything the request tells (IP, user agent, referrer, page, honeypot,
   render time) and with the site rule as a signal, so it comes first in the check's reasons.
3. **decide** (`status_for`, pure, shared with an edit: discussion.py): the comment is
   * `spam` when a site rule blocks it, or the engine says spam (unless the site trusts the
     commenter's address) or discard (blatant: spam that expires after `discard_retention_days`,
     `expiry_for` — never silently lost, never kept for long);
   * `pending` when the site's moderation mode holds it (`held_by_moderation`: `all`; `links` and
     it has a link; `first` and this address has no approved comment on the site yet);
   * `approved` otherwise.
4. **store**: the comment and its check's log row in one transaction (store/comments.py).
5. **notify**: the notifier (mail/notify.py) takes note of what was stored, after the commit.

Steps 2 to 5 run in a batch: each worker has one `Poster`, a natural batcher (batching.py). The
route prepares the draft and awaits `Poster.post`; one thread takes every draft queued, checks
them with one `CheckService.evaluate` and stores them in one transaction, so a batch of posts costs
one commit (an fsync on SQLite) instead of one each. No waiting to fill a batch: a lone post goes
at once, and posts that arrive while a batch runs form the next one. What a post sees of the
others in its batch is what `CheckService.evaluate` documents (earlier comments of the batch count
as recent traffic and as copies). Each post gets its own answer or its own exception: a draft
whose check or insert fails fails alone (the batch is retried one by one, and the checks' log rows
go to the check-log writer), and a failing database fails the batch (503 by the app's guard). A
post whose client went away is stored anyway, its answer dropped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol
from urllib.parse import urljoin

from ...config import Settings
from ...engine.verdict import Label
from ...store import Site, Store
from ...store.checks import CheckLog
from .batching import NaturalBatcher
from .checking import CheckRequest, CheckResult, CheckService
from .checklog import CheckLogWriter
from .errors import Refused
from .identity import email_hash
from .render import has_links, render, website_link
from .signing import Signer
from .siterules import Rule, match
from .sitesettings import CommentSettings


@dataclass
class Draft:
    """A new comment, validated and rendered, waiting for its spam check (`prepare`)."""

    site: Site
    conf: CommentSettings
    uri: str
    title: str
    check_fields: dict[str, Any]  # the Akismet fields the engine sees
    values: dict[str, Any]  # the row, but for status, verdict and times
    rule: Rule | None = None  # the site rule it falls under (blocked / allowed)


class Notifies(Protocol):
    """What posting tells the notifier (mail/notify.py `Notifier`): the comments it stored."""

    def posted(self, site: Site, comment_ids: list[int]) -> None: ...


# -- 1. prepare --------------------------------------------------------------------------------
def prepare(
    site: Site,
    body: dict[str, Any],
    client: dict[str, str],
    *,
    parent: Any | None,
    signer: Signer,
    site_secret: bytes,
) -> Draft:
    """Validate and render a new comment: what the spam check needs and what will be stored.
    `parent` is the comment replied to (`Poster.prepare` reads it), None for a top-level comment.
    Raises Refused for anything the poster can fix."""
    conf = CommentSettings.of(site)
    text = body["text"].strip()
    author = (body.get("author") or "").strip()
    email = (body.get("email") or "").strip()
    website = (body.get("website") or "").strip()
    uri = body["uri"].strip()
    if not text:
        raise Refused(422, "the comment is empty")
    if len(text) > conf.max_length:
        raise Refused(413, f"the comment is longer than {conf.max_length:,} characters")
    if conf.require_name and not author:
        raise Refused(422, "this site asks for a name")
    if conf.require_email and not email:
        raise Refused(422, "this site asks for an e-mail address")
    if email and ("@" not in email or len(email) > 254 or any(ch.isspace() for ch in email)):
        raise Refused(422, "the e-mail address does not look like one")
    if website and website_link(website) is None:
        raise Refused(422, "the website must be an http:// or https:// address")
    if not uri.startswith("/") and not uri.startswith(("http://", "https://")):
        raise Refused(422, "uri must be the page's path (starting with /) or its URL")
    parent_id, depth, root_id = None, 0, None
    if body.get("parent") is not None:
        reply_to = check_parent(parent, site, uri, int(body["parent"]))
        parent_id, depth, root_id = reply_position(reply_to, conf)
    ip, user_agent = client.get("ip", ""), client.get("user_agent", "")
    fields = comment_fields(
        site,
        uri,
        text,
        author,
        email,
        website,
        ip=ip,
        user_agent=user_agent,
        referrer=client.get("referrer", ""),
        reply=parent_id is not None,
    )
    if body.get("hp") is not None:  # the widget's honeypot: the field's name, and its value if any
        fields["honeypot_field_name"] = "hp"
        if body["hp"]:
            fields["hp"] = str(body["hp"])[:256]
    if body.get("rendered_at"):  # the widget's signed stamp: verified, else dropped
        stamp = signer.read_stamp(str(body["rendered_at"])[:256])
        if stamp:
            fields["rendered_at"] = stamp
    return Draft(
        site,
        conf,
        uri,
        str(body.get("title") or "")[:500],
        fields,
        {
            "parent_id": parent_id,
            "root_id": root_id,
            "depth": depth,
            "author": author[:200],
            "email": email or None,
            "email_hash": email_hash(site_secret, email) if email else None,
            "website": website or None,
            "text": text,
            "html": render(text),
            "ip": ip[:64] or None,
            "user_agent": user_agent[:1000] or None,
            "notify": bool(body.get("notify")) and bool(email),
        },
        match(conf, text, email, ip),
    )


def check_parent(parent: Any | None, site: Site, uri: str, parent_id: int) -> Any:
    """The comment replied to, if it may be: on this site and page, and published."""
    if parent is None or parent.site_id != site.id:
        raise Refused(400, f"parent comment {parent_id} does not exist on this site")
    if parent.uri != uri:
        raise Refused(400, f"parent comment {parent_id} belongs to another page")
    if parent.status == "deleted":
        raise Refused(409, f"parent comment {parent_id} was deleted; replies are closed")
    if parent.status != "approved":
        raise Refused(409, f"parent comment {parent_id} is not published")
    return parent


def reply_position(parent: Any, conf: CommentSettings) -> tuple[int, int, int]:
    """(parent id, depth, root id) of a reply to `parent`: deeper than the site's reply depth, it
    hangs under the deepest allowed ancestor instead."""
    parent_id, depth, root_id = parent.id, parent.depth + 1, parent.root_id or parent.id
    if depth > conf.reply_depth:
        parent_id, depth = (parent.parent_id, parent.depth) if parent.parent_id else (parent.id, 1)
    return parent_id, depth, root_id


def comment_fields(
    site: Site,
    uri: str,
    text: str,
    author: str,
    email: str,
    website: str,
    *,
    ip: str,
    user_agent: str,
    referrer: str = "",
    reply: bool = False,
) -> dict[str, Any]:
    """A comment as the spam engine sees it: the Akismet fields."""
    return {
        "blog": site.url,
        "comment_type": "reply" if reply else "comment",
        "comment_content": text,
        "comment_author": author,
        "comment_author_email": email,
        "comment_author_url": website,
        "user_ip": ip,
        "user_agent": user_agent,
        "referrer": referrer,
        "permalink": urljoin(site.url, uri),
    }


def stored_fields(site: Site, row: Any, text: str | None = None, referrer: str = "") -> dict[str, Any]:
    """The Akismet fields of a stored comment (a re-check, a moderator's lesson, an undo): its own
    IP and user agent, whoever acts on it now."""
    return comment_fields(
        site,
        row.uri,
        row.text if text is None else text,
        row.author,
        row.email or "",
        row.website or "",
        ip=row.ip or "",
        user_agent=row.user_agent or "",
        referrer=referrer,
        reply=row.parent_id is not None,
    )


# -- 3. decide -----------------------------------------------------------------------------------
def held_by_moderation(conf: CommentSettings, text: str, *, first_comment: bool) -> bool:
    """Whether the site's moderation mode holds this comment for a moderator."""
    if conf.moderation == "all":
        return True
    if conf.moderation == "links":
        return has_links(text)
    if conf.moderation == "first":
        return first_comment
    return False


def status_for(verdict: Label, rule: Rule | None, held: bool, was: str | None = None) -> str:
    """The status of a new comment (`was` None) or of an edited one (`was`: its status now).

    A blocking site rule makes it spam; so does the engine's spam verdict, unless the site trusts
    the address (an allowing rule), and its discard verdict, always. Otherwise a comment the
    moderation mode holds is pending — an edit only moves an approved comment there — and the rest
    is approved (a new comment) or stays as it was (an edit).
    """
    if rule is not None and rule.kind == "blocked":
        return "spam"
    if verdict == "discard" or (verdict == "spam" and rule is None):
        return "spam"
    if rule is None and held and was in (None, "approved"):
        return "pending"
    return "approved" if was is None else was


def expiry_for(verdict: Label, rule: Rule | None, now: datetime, discard_days: float) -> datetime | None:
    """When a new comment is deleted unseen: blatant spam (discard) after `discard_retention_days`;
    but not what a site rule blocked (the owner's own list, for the owner to look at)."""
    if verdict == "discard" and (rule is None or rule.kind != "blocked"):
        return now + timedelta(days=discard_days)
    return None


# -- 2 to 5, in batches --------------------------------------------------------------------------
class Poster(NaturalBatcher):
    def __init__(
        self,
        settings: Settings,
        store: Store,
        checking: CheckService,
        checklog: CheckLogWriter,
        signer: Signer,
        notifier: Notifies,
        max_batch: int = 64,
    ):
        super().__init__(self._run, max_batch, "porch-post")
        self.settings = settings
        self.store = store
        self.checking = checking
        self.checklog = checklog
        self.signer = signer
        self.notifier = notifier

    def prepare(self, site: Site, body: dict[str, Any], client: dict[str, str]) -> Draft:
        """`prepare`, after reading the comment replied to (if any)."""
        parent_id = body.get("parent")
        parent = self.store.comments.parent(int(parent_id)) if parent_id is not None else None
        return prepare(
            site,
            body,
            client,
            parent=parent,
            signer=self.signer,
            site_secret=self.store.sites.site_secret(site.id),
        )

    async def post(self, draft: Draft) -> dict[str, Any]:
        """Check and store one prepared comment, together with whatever else is queued."""
        answer: dict[str, Any] = await self.submit((draft, time.perf_counter()))
        return answer

    def _run(self, batch: list[tuple[Draft, float]]) -> list[Any]:
        drafts = [draft for draft, _ in batch]
        checks = self.checking.evaluate(
            [
                CheckRequest(d.site, d.check_fields, "comments", started, (d.rule.signal,) if d.rule else ())
                for d, started in batch
            ]
        )
        now = datetime.now(timezone.utc)
        answers: list[Any] = list(checks)
        rows: list[tuple[int, tuple[int, str, str, dict[str, Any]]]] = []
        log = CheckLog()
        for i, (draft, result) in enumerate(zip(drafts, checks)):
            if not isinstance(result, CheckResult):
                continue
            try:
                rows.append((i, (draft.site.id, draft.uri, draft.title, self._row(draft, result, now))))
            except Exception as exc:  # noqa: BLE001 - handed back to that post alone
                answers[i] = exc
                continue
            log.rows += result.log.rows
            log.prints += result.log.prints
        ids = self._store([row for _, row in rows], log)
        for (i, (_, _, _, values)), new_id in zip(rows, ids):
            if isinstance(new_id, BaseException):
                answers[i] = new_id
                continue
            answers[i] = {
                "id": new_id,
                "status": values["status"],
                "html": values["html"],
                "created": values["created_at"].isoformat(),
                "edit_token": self.signer.edit_token(new_id),
                "parent": values["parent_id"],
            }
            if drafts[i].conf.avatars:  # the widget shows a new comment's picture at once
                answers[i]["avatar"] = values["email_hash"]
        self._notify(drafts, answers)
        return answers

    def _row(self, draft: Draft, result: CheckResult, now: datetime) -> dict[str, Any]:
        """The comment's row: the draft's values, and its status decided from its check."""
        verdict = result.verdict.verdict
        values = draft.values
        first = draft.conf.moderation == "first" and (
            not values["email_hash"]
            or not self.store.comments.has_approved(draft.site.id, values["email_hash"])
        )
        held = held_by_moderation(draft.conf, values["text"], first_comment=first)
        return {
            **values,
            "status": status_for(verdict, draft.rule, held),
            "created_at": now,
            "guid": result.guid,
            "verdict": verdict,
            "score": float(result.verdict.score),
            "expires_at": expiry_for(verdict, draft.rule, now, self.settings.discard_retention_days),
        }

    def _store(
        self, rows: list[tuple[int, str, str, dict[str, Any]]], log: CheckLog
    ) -> list[int | Exception]:
        """Store the comments with their checks' log rows in one transaction. If it fails, the log
        goes to the check-log writer and each comment is tried alone, so one bad row costs only its
        own post (a failing database fails them all)."""
        try:
            return list(self.store.comments.insert_many(rows, checks=log))
        except Exception:
            self.checklog.add(log)
            if len(rows) < 2:
                raise
        ids: list[int | Exception] = []
        for row in rows:
            try:
                ids.append(self.store.comments.insert_many([row])[0])
            except Exception as exc:  # noqa: BLE001 - that post's own answer
                ids.append(exc)
        return ids

    def _notify(self, drafts: list[Draft], answers: list[Any]) -> None:
        """After the commit: the notifier only takes note (mail/notify.py)."""
        by_site: dict[int, tuple[Site, list[int]]] = {}
        for draft, answer in zip(drafts, answers):
            if isinstance(answer, dict):
                by_site.setdefault(draft.site.id, (draft.site, []))[1].append(answer["id"])
        for site, ids in by_site.values():
            self.notifier.posted(site, ids)
