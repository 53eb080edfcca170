"""What the comment server does, apart from HTTP: site settings, posting, editing, moderating, listing.

`Discussion` sits between the routes (comments.py) and the stores. A new comment is checked by the
spam engine — the same path as an Akismet comment-check, with everything the request tells (IP,
user agent, referrer, page, honeypot, render time) — and lands as:

* `spam` when the engine says spam; on `discard` (blatant) it is spam that expires after
  `discard_retention_days`: never silently lost, never kept for long;
* `pending` when the site's moderation mode holds it (`all`; `links` and it has a link; `first` and
  this e-mail address has no approved comment on the site yet);
* `approved` otherwise.

Posting is two steps so that the route can batch the second: `prepare` (validate, render), then
the check and the insert, `store_many` — the route hands drafts to the worker's `Poster`
(posting.py), which checks and stores the posts that arrive together in one batch and one commit;
`create` does both in the calling thread for one comment.

Moderator actions feed the engine exactly as submit-spam / submit-ham do (`Service.feedback` with
the comment's fields and the guid of its check): marking spam is spam feedback; marking ham, or
approving a comment the engine had called spam, is ham feedback. Approving a comment that was only
held by the moderation mode teaches nothing (the engine was right).

Site rules (siterules.py): the owner's blocked words, IPs and e-mails make a comment `spam`; allowed
e-mails and IPs are never held by the moderation mode and never spam unless the verdict is
`discard`. A rule that fired is the first of the check's reasons in the check log ("site rule:
blocked word “casino”"), which is where the dashboard reads reasons; the comment row keeps the
engine's own verdict and score, so the report card still measures the engine.

Edit tokens are signed, not stored: `ID.HMAC(secret, ID)`. The author gets one on creation (in
the answer and as an HttpOnly cookie `porch_edit_ID`) and may edit or delete within the site's
edit window; an edit is checked by the engine again.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..store.comments import CommentStore, Refused
from ..store.queries import Site, SiteNotFound, utc
from .checklog import tally
from .formstamp import read_stamp
from . import siterules
from .render import has_links, render, website_link
from .shortcache import ShortCache
from .threadcache import ThreadCache

MODERATION = ("none", "links", "first", "all")
NOTIFY_MODERATORS = ("off", "immediate", "digest")
SITE_RETENTION = ("comment_ip_retention_days", "deleted_retention_days")
SORTS = ("oldest", "newest", "top")
SITE_CACHE_SECONDS = 1.0
_PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)


@dataclass
class CommentSettings:
    """A site's comment settings (stored under `comments` in the site's JSON settings)."""

    moderation: str = "none"  # none | links | first | all
    require_email: bool = False
    require_name: bool = False
    edit_window_seconds: float = 900.0
    reply_depth: int = 5  # deeper replies are attached to the deepest allowed ancestor
    default_sort: str = "oldest"
    max_length: int = 10_000
    allowed_origins: list[str] = field(default_factory=list)  # empty: the site URL's origin
    avatars: bool = False  # an avatar hash (SHA-256 of the e-mail, as Gravatar/Libravatar take)
    # e-mail (notify.py; only when the operator configured SMTP)
    notify_moderators: str = "immediate"  # off | immediate | digest: mail members about held comments
    digest_hours: float = 24.0  # how often the digest goes out
    reply_notifications: bool = True  # commenters may ask for replies by mail (double opt-in)
    blocked_words: list[str] = field(default_factory=list)  # site rules (siterules.py): → spam
    blocked_ips: list[str] = field(default_factory=list)  # addresses or networks (203.0.113.0/24)
    blocked_emails: list[str] = field(default_factory=list)  # addresses or @domain
    allowed_emails: list[str] = field(default_factory=list)  # → never held, never spam unless discard
    allowed_ips: list[str] = field(default_factory=list)
    # retention a site may shorten (never lengthen) below the operator's: None = the server's
    comment_ip_retention_days: float | None = None
    deleted_retention_days: float | None = None

    def retention(self, settings: Any, name: str) -> float:
        """The site's period for `name` (comment_ip_retention_days | deleted_retention_days), in
        days: its own if set and shorter than the server's, else the server's."""
        server = float(getattr(settings, name))
        mine = getattr(self, name)
        return server if mine is None else min(server, float(mine))

    @classmethod
    def of(cls, site: Site) -> "CommentSettings":
        raw = site.settings.get("comments") or {}
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in names})

    def origins(self, site_url: str) -> set[str]:
        return set(self.allowed_origins) if self.allowed_origins else {origin_of(site_url)}


def validate_settings(changes: dict[str, Any], current: CommentSettings) -> CommentSettings:
    """Apply changes to a site's settings, or raise ValueError with a message for people."""
    out = asdict(current)
    for key, value in changes.items():
        if value is None:
            continue
        if key == "moderation" and value not in MODERATION:
            raise ValueError(f"moderation must be one of {', '.join(MODERATION)}")
        if key == "default_sort" and value not in SORTS:
            raise ValueError(f"default sort must be one of {', '.join(SORTS)}")
        if key == "edit_window_seconds" and not 0 <= float(value) <= 365 * 86400:
            raise ValueError("edit window must be between 0 seconds and a year")
        if key == "reply_depth" and not 0 <= int(value) <= 50:
            raise ValueError("reply depth must be between 0 and 50")
        if key == "max_length" and not 1 <= int(value) <= 100_000:
            raise ValueError("maximum length must be between 1 and 100,000 characters")
        if key in siterules.LISTS:
            value = siterules.validate(key, value)
        if key == "notify_moderators" and value not in NOTIFY_MODERATORS:
            raise ValueError(f"moderator notifications must be one of {', '.join(NOTIFY_MODERATORS)}")
        if key in SITE_RETENTION and not 0 <= float(value) <= 3650:
            raise ValueError("retention periods are between 0 and 3,650 days")
        if key == "digest_hours" and not 1 <= float(value) <= 24 * 31:
            raise ValueError("the digest interval must be between 1 hour and 31 days")
        if key == "allowed_origins":
            value = [origin_of(o) for o in value if o.strip()]
            if any(not o for o in value):
                raise ValueError("allowed origins are like https://blog.example.org")
        out[key] = value
    return CommentSettings(**out)


def origin_of(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}".lower()


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Discussion:
    def __init__(self, settings: Any, store: Any, comments: CommentStore, service: Any):
        self.settings = settings
        self.store = store
        self.comments = comments
        self.service = service
        self._secret = store.site_secret(0) + b"comments"
        self._sites = ShortCache(SITE_CACHE_SECONDS)
        self.threads = ThreadCache()  # rendered public pages, checked against threads.version
        self.notifier: Any = None  # notify.Notifier: told about stored and published comments

    # -- sites -------------------------------------------------------------------------------
    def site(self, public_id: str) -> Site:
        return self._sites.get(public_id.replace("\x00", ""), self._find_site)

    def _find_site(self, public_id: str) -> Site:
        try:
            site = self.store.find_site(public_id) if _PUBLIC_ID.fullmatch(public_id) else None
        except SiteNotFound:
            site = None
        if site is None or site.public_id != public_id:
            raise Refused(404, f"unknown site {public_id[:64]!r}")
        return site

    def forget_site(self, public_id: str) -> None:
        """Drop a site from this worker's cache (its settings just changed here; others catch up in 1 s)."""
        self._sites.forget(public_id)

    def site_by_id(self, site_id: int) -> Site:
        return self.store.site(site_id)

    # -- tokens ------------------------------------------------------------------------------
    def edit_token(self, comment_id: int) -> str:
        sig = hmac.new(self._secret, f"edit\0{comment_id}".encode(), hashlib.sha256).hexdigest()[:32]
        return f"{comment_id}.{sig}"

    def token_id(self, token: str) -> int | None:
        """The comment id an edit token is good for, or None."""
        head, _, sig = token.strip().partition(".")
        if not head.isdigit() or len(head) > 18 or not sig:
            return None
        return int(head) if hmac.compare_digest(self.edit_token(int(head)), token.strip()) else None

    def email_hash(self, site: Site, email: str) -> str:
        return hmac.new(
            self.service.site_secret(site.id), b"email\0" + email.strip().lower().encode(), hashlib.sha256
        ).hexdigest()[:32]

    # -- posting -----------------------------------------------------------------------------
    def prepare(self, site: Site, body: dict[str, Any], request: dict[str, str]) -> "Draft":
        """Validate and render a new comment; what the spam check needs and what will be stored.
        Raises Refused for anything the poster can fix; nothing is stored yet."""
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
        parent_id, depth, root_id = body.get("parent"), 0, None
        if parent_id is not None:
            parent = self.comments.parent(site.id, uri, int(parent_id))
            depth, root_id = parent.depth + 1, parent.root_id or parent.id
            if depth > conf.reply_depth:  # flatten: reply to the deepest allowed ancestor instead
                parent_id, depth = (parent.parent_id, parent.depth) if parent.parent_id else (parent.id, 1)
        html = render(text)
        data = self._fields(site, uri, text, author, email, website, request, reply=parent_id is not None)
        for key in ("hp", "rendered_at"):
            if body.get(key):
                data[key if key != "hp" else "hp"] = str(body[key])[:256]
        if body.get("hp") is not None:
            data["honeypot_field_name"] = "hp"
        if "rendered_at" in data:  # the widget's signed stamp (formstamp.py): verified, else dropped
            stamp = read_stamp(self._secret, data.pop("rendered_at"))
            if stamp:
                data["rendered_at"] = stamp
        rule = siterules.match(conf, text, email, request.get("ip", ""))
        return Draft(
            site,
            conf,
            uri,
            str(body.get("title") or "")[:500],
            data,
            {
                "parent_id": parent_id,
                "root_id": root_id,
                "depth": depth,
                "author": author[:200],
                "email": email or None,
                "email_hash": self.email_hash(site, email) if email else None,
                "website": website or None,
                "text": text,
                "html": html,
                "ip": request.get("ip", "")[:64] or None,
                "user_agent": request.get("user_agent", "")[:1000] or None,
                "notify": bool(body.get("notify")) and bool(email),
            },
            rule,
        )

    def store_many(
        self, drafts: list["Draft"], results: list[Any], log: tuple[list[dict], list[dict]] | None = None
    ) -> list[Any]:
        """Decide prepared comments' status from their check results (and the site's moderation
        mode) and store them in one transaction (posting.py); one answer or exception each.
        A result that is an exception (its check failed) is handed back in its place. `log` is the
        checks' (log rows, fingerprint rows), written in the same transaction. If the transaction
        fails, the log goes to the check-log writer and each comment is tried alone, so one bad
        row costs only its own post."""
        answers: list[Any] = list(results)
        rows: list[tuple[int, tuple]] = []
        if log is not None:
            _note_rules(drafts, results, log[0])
        for i, (draft, result) in enumerate(zip(drafts, results)):
            if isinstance(result, BaseException):
                continue
            try:
                rows.append((i, self._new_row(draft, result)))
            except Exception as exc:  # noqa: BLE001 - handed back to that post alone
                answers[i] = exc
        also = None
        if log is not None and (log[0] or log[1]):
            also = lambda conn: self.store.write_checks_on(conn, log[0], log[1], tally(log[0]))  # noqa: E731
        try:
            ids = self.comments.insert_many([row for _, row in rows], also=also)
        except Exception:
            if also is not None:
                self.service.checklog.add_many(*log)
            if len(rows) < 2:
                raise
            ids = []
            for i, row in rows:
                try:
                    ids.append(self.comments.insert_many([row])[0])
                except Exception as exc:  # noqa: BLE001
                    ids.append(exc)
        for (i, (_, _, _, values)), new_id in zip(rows, ids):
            if isinstance(new_id, BaseException):
                answers[i] = new_id
                continue
            answers[i] = {
                "id": new_id,
                "status": values["status"],
                "html": values["html"],
                "created": values["created_at"].isoformat(),
                "edit_token": self.edit_token(new_id),
                "parent": values["parent_id"],
            }
            if drafts[i].conf.avatars:
                answers[i]["avatar"] = values["email_hash"]
        if self.notifier is not None:  # after the commit; the notifier only takes note (notify.py)
            by_site: dict[int, tuple[Site, list[int]]] = {}
            for draft, answer in zip(drafts, answers):
                if isinstance(answer, dict):
                    by_site.setdefault(draft.site.id, (draft.site, []))[1].append(answer["id"])
            for site, ids in by_site.values():
                self.notifier.posted(site, ids)
        return answers

    def _new_row(self, draft: "Draft", result: Any) -> tuple[int, str, str, dict[str, Any]]:
        verdict = result.verdict.verdict
        values = draft.values
        expires = None
        rule = draft.rule.kind if draft.rule is not None else None
        if rule == "blocked":
            status = "spam"
        elif rule == "allowed" and verdict != "discard":
            status = "approved"
        elif verdict != "ham":
            status = "spam"
            if verdict == "discard":
                expires = _now() + timedelta(days=self.settings.discard_retention_days)
        elif self._held(draft.site, draft.conf, values["text"], values["email"] or ""):
            status = "pending"
        else:
            status = "approved"
        return (
            draft.site.id,
            draft.uri,
            draft.title,
            {
                **values,
                "status": status,
                "created_at": _now(),
                "guid": result.guid,
                "verdict": verdict,
                "score": float(result.verdict.score),
                "expires_at": expires,
            },
        )

    def _held(self, site: Site, conf: CommentSettings, text: str, email: str) -> bool:
        if conf.moderation == "all":
            return True
        if conf.moderation == "links":
            return has_links(text)
        if conf.moderation == "first":
            return not email or not self.comments.has_approved(site.id, self.email_hash(site, email))
        return False

    def _fields(
        self, site, uri, text, author, email, website, request, reply=False, ip=None, ua=None
    ) -> dict:
        return {
            "blog": site.url,
            "comment_type": "reply" if reply else "comment",
            "comment_content": text,
            "comment_author": author,
            "comment_author_email": email,
            "comment_author_url": website,
            "user_ip": ip if ip is not None else request.get("ip", ""),
            "user_agent": ua if ua is not None else request.get("user_agent", ""),
            "referrer": request.get("referrer", ""),
            "permalink": urljoin(site.url, uri),
        }

    # -- the author's own comment ------------------------------------------------------------
    def own(self, comment_id: int, token: str | None) -> Any:
        row = self.comments.get(comment_id)
        if row is None or row.status == "deleted":
            raise Refused(404, f"no comment {comment_id}")
        if not token or self.token_id(token) != comment_id:
            raise Refused(403, "this needs the comment's edit token (Authorization: Bearer TOKEN)")
        return row

    def _in_window(self, row: Any, site: Site) -> None:
        window = CommentSettings.of(site).edit_window_seconds
        if (_now() - utc(row.created_at)).total_seconds() > window:
            raise Refused(403, f"the edit window ({window:g} s after posting) has closed")

    def edit(self, row: Any, text: str, request: dict[str, str]) -> dict[str, Any]:
        site = self.site_by_id(row.site_id)
        conf = CommentSettings.of(site)
        self._in_window(row, site)
        text = text.strip()
        if not text:
            raise Refused(422, "the comment is empty; delete it instead")
        if len(text) > conf.max_length:
            raise Refused(413, f"the comment is longer than {conf.max_length:,} characters")
        html = render(text)
        data = self._fields(
            site,
            row.uri,
            text,
            row.author,
            row.email or "",
            row.website or "",
            request,
            reply=row.parent_id is not None,
            ip=row.ip or "",
            ua=row.user_agent or "",
        )
        data["recheck_reason"] = "edit"
        result = self.service.check(site, data, "comments")
        verdict = result.verdict.verdict
        status = row.status
        rule = siterules.match(conf, text, row.email or "", row.ip or "")
        if rule is not None and rule.kind == "blocked":
            status = "spam"
        elif rule is not None and verdict != "discard":
            pass  # allowed: the edit keeps its status
        elif verdict != "ham":
            status = "spam"
        elif (
            status == "approved"
            and self._held(site, conf, text, row.email or "")
            and conf.moderation != "first"
        ):
            status = "pending"
        if not self.comments.change(
            row,
            text=text,
            html=html,
            status=status,
            verdict=verdict,
            guid=result.guid,
            score=float(result.verdict.score),
            modified_at=_now(),
        ):
            raise Refused(409, "the comment changed meanwhile; try again")
        return {"id": row.id, "status": status, "html": html, "modified": _now().isoformat()}

    def delete_own(self, row: Any) -> str:
        self._in_window(row, self.site_by_id(row.site_id))
        return self.comments.remove(row)

    # -- moderation --------------------------------------------------------------------------
    def moderate(self, site: Site, comment_id: int, action: str, *, detail: bool = False) -> dict[str, Any]:
        """approve | spam | ham | delete. With `detail` the answer also says the status before
        ("from") and the feedback event it taught ("event_id", None if none): moderation.py logs them."""
        row = self.comments.get(comment_id)
        if row is None or row.site_id != site.id:
            raise Refused(404, f"no comment {comment_id} on this site")
        if row.status == "deleted":
            raise Refused(409, "the comment was deleted")
        learned = event_id = None
        more = (lambda: {"from": row.status, "event_id": event_id}) if detail else dict
        if action == "delete":
            return {"id": row.id, "status": self.comments.remove(row), "learned": None, **more()}
        if action == "spam":
            status, label = "spam", "spam"
        elif action == "ham":
            status, label = "approved", "ham"
        else:  # approve
            status, label = "approved", ("ham" if row.verdict in ("spam", "discard") else None)
        if not self.comments.change(row, status=status, expires_at=None):
            raise Refused(409, "the comment changed meanwhile; try again")
        if label:
            data = self._fields(
                site,
                row.uri,
                row.text,
                row.author,
                row.email or "",
                row.website or "",
                {},
                reply=row.parent_id is not None,
                ip=row.ip or "",
                ua=row.user_agent or "",
            )
            result = self.service.feedback(site, label, data, "moderation", guid=row.guid)
            learned = label if result.accepted else None
            event_id = result.event_id
        return {"id": row.id, "status": status, "learned": learned, **more()}

    # -- reading -----------------------------------------------------------------------------
    def public(self, row: Any, conf: CommentSettings, *, text: str | None = None) -> dict[str, Any]:
        out = {
            "id": row.id,
            "parent": row.parent_id,
            "status": row.status,
            "created": utc(row.created_at).isoformat(),
            "modified": utc(row.modified_at).isoformat() if row.modified_at else None,
            "author": row.author if row.status != "deleted" else "",
            "html": row.html,
            "likes": row.likes,
            "moderator": bool(getattr(row, "moderator", False)),
            "website": row.website if row.status == "approved" and row.website else None,
        }
        if conf.avatars:
            out["avatar"] = row.email_hash if row.status != "deleted" else None
        if text is not None:
            out["text"] = text
        return out


@dataclass
class Draft:
    """A new comment, validated and rendered, waiting for its spam check (`Discussion.prepare`)."""

    site: Site
    conf: CommentSettings
    uri: str
    title: str
    check_fields: dict[str, Any]  # the Akismet fields the engine sees
    values: dict[str, Any]  # the row, but for status, verdict and times
    rule: "siterules.Rule | None" = None  # the site rule it falls under (blocked / allowed)


def _note_rules(drafts: list[Draft], results: list[Any], rows: list[dict]) -> None:
    """Put the site rule a comment fell under first in its check's reasons (the check-log row)."""
    by_guid = {row.get("guid"): row for row in rows}
    for draft, result in zip(drafts, results):
        row = by_guid.get(getattr(result, "guid", None))
        if draft.rule is not None and row is not None:
            row["reasons"] = [draft.rule.reason, *(row.get("reasons") or [])]


def sweep_comments(store: Any, settings: Any, now: datetime) -> dict[str, int]:
    """Retention for comments (called from retention.sweep): cut IPs after
    `comment_ip_retention_days`, delete discarded spam once its short retention is over, erase
    what moderators deleted after `deleted_retention_days` — or sooner, for a site whose owner set
    shorter periods in its settings (a site may keep less than the server, never more)."""
    from .service import cut_ip

    comments = CommentStore(store.engine)
    done = comments.sweep(
        ip_before=now - timedelta(days=settings.comment_ip_retention_days),
        now=now,
        cut_ip=cut_ip,
        deleted_before=now - timedelta(days=settings.deleted_retention_days),
    )
    for site in store.sites_keeping_less(SITE_RETENTION):  # sites whose owners chose shorter periods
        conf = CommentSettings.of(site)
        more = comments.sweep(
            ip_before=now - timedelta(days=conf.retention(settings, "comment_ip_retention_days")),
            now=now,
            cut_ip=cut_ip,
            deleted_before=now - timedelta(days=conf.retention(settings, "deleted_retention_days")),
            site_id=site.id,
        )
        done = {k: done[k] + more[k] for k in done}
    return done
