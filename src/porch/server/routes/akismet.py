"""The Akismet protocol, byte for byte: what WordPress and every Akismet client library expect.

Endpoints (form-encoded POST; the 1.2 statistics also as GET with a query string):

    /1.1/verify-key      key (or api_key), blog        → "valid" | "invalid"
    /1.1/comment-check   api_key, blog, user_ip, …     → "true" | "false" | "invalid"
    /1.1/submit-spam     api_key, blog, user_ip, …     → "Thanks for making the web a better place."
    /1.1/submit-ham      (the same)                    → (the same)
    /1.2/key-sites       api_key, month, format, …     → JSON or CSV usage per site
    /1.2/usage-limit     api_key                       → JSON {"limit", "usage", "percentage", "throttled"}
    /1.1/get-subscription key, blog                    → JSON {"status": "active", …} (WordPress's settings page)
    /1.1/test            (nothing)                     → "connected" (the settings page's connectivity check)

Quirks that real clients depend on, all kept:

* Answers are `text/plain` with exactly these bodies, HTTP 200 even for `invalid` (clients read the
  body, not the status); `X-akismet-debug-help` says *why* something is invalid.
* `X-akismet-guid` on every comment-check answer, and `X-akismet-pro-tip: discard` for spam so blatant
  that the site may drop it unseen. submit-spam/submit-ham accept that guid as `guid` to find the check.
* The key may come as `api_key` or `key`, in the body or the query string, or — the legacy form still
  used by node's akismet-api and old plugins — as the first label of the Host: `KEY.rest.akismet.com`.
* Unknown fields are accepted and kept (WordPress sends dozens of `POST_*`/`SERVER_*` fields);
  `blog_charset` is honoured when decoding the form; invalid text in that charset is a 400.
* `is_test=1` checks are answered normally but never train anything or count towards campaigns;
  the Akismet test values (`akismet-guaranteed-spam`, `user_role=administrator`) behave as documented;
  `honeypot_field_name` names a field whose non-empty value is spam evidence (WordPress's plugin
  sends its form's honeypot as `POST_ak_hp_textarea` without naming it, so that name is the default
  when the field is there); `recheck_reason` marks a re-check of a comment already seen, which is
  therefore not counted as a copy of itself.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timezone
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ...store import Site
from ...store.checks import day_range
from .. import metrics
from ..context import porch_of
from ..domain.limits import retry_after

router = APIRouter(tags=["akismet"])

THANKS = "Thanks for making the web a better place."
TEXT = "text/plain; charset=utf-8"
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

FORM_BODY = {
    "requestBody": {
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {
                        name: {"type": "string"}
                        for name in (
                            "api_key",
                            "key",
                            "blog",
                            "user_ip",
                            "user_agent",
                            "referrer",
                            "permalink",
                            "comment_type",
                            "comment_author",
                            "comment_author_email",
                            "comment_author_url",
                            "comment_content",
                            "comment_date_gmt",
                            "comment_post_modified_gmt",
                            "blog_lang",
                            "blog_charset",
                            "user_role",
                            "is_test",
                            "honeypot_field_name",
                            "recheck_reason",
                            "guid",
                        )
                    },
                    "additionalProperties": {"type": "string"},
                }
            }
        }
    },
    "responses": {"200": {"description": "Akismet's plain-text answer", "content": {"text/plain": {}}}},
}


class BadForm(Exception):
    pass


def text(body: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body, status_code=status, media_type=TEXT, headers=headers)


def invalid(help_text: str) -> Response:
    return text("invalid", headers={"X-akismet-debug-help": help_text})


async def read_form(request: Request) -> dict[str, str]:
    """Query string and form body as one dict (body wins); decoded with blog_charset or UTF-8."""
    pairs = parse_qsl(request.url.query, keep_blank_values=True, encoding="latin-1")
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        await form.close()
        return {**_decode(pairs), **fields}
    body = await request.body()
    if body:
        try:
            raw = body.decode("latin-1")  # byte-preserving; the real charset is applied below
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes any bytes
            raise BadForm("the request body cannot be read") from None
        pairs += parse_qsl(raw, keep_blank_values=True, encoding="latin-1")
    return _decode(pairs)


def _decode(pairs: list[tuple[str, str]]) -> dict[str, str]:
    charset = "utf-8"
    for key, value in pairs:
        if key == "blog_charset" and value.strip():
            charset = value.strip().lower()
    try:
        "".encode(charset)
    except (LookupError, ValueError):  # unknown, or not a text encoding ("rot13", "base64", NUL…)
        charset = "utf-8"
    out: dict[str, str] = {}
    for key, value in pairs:
        try:
            out[key.encode("latin-1").decode(charset)] = value.encode("latin-1").decode(charset)
        except (UnicodeDecodeError, UnicodeEncodeError):
            raise BadForm(f"the request is not valid {charset.upper()} (field {key[:40]!r})") from None
        if "\x00" in out.get(key, ""):
            out[key] = out[key].replace("\x00", "")
    return out


def api_key(request: Request, form: dict[str, str]) -> str:
    key = form.get("api_key") or form.get("key") or ""
    if key:
        return key
    host = request.headers.get("host", "").split(":", 1)[0]
    labels = host.split(".")
    if len(labels) >= 3 and not host.replace(".", "").isdigit():  # KEY.rest.akismet.com, not 127.0.0.1
        return labels[0]
    return ""


async def authenticate(
    request: Request, *, need_blog: bool = True, need_ip: bool = False
) -> tuple[Site, dict[str, str]] | Response:
    """(site, form), or the answer to give instead ("invalid" with its debug help, 400, 429)."""
    try:
        form = await read_form(request)
    except BadForm as exc:
        metrics.REFUSED.labels("bad_encoding").inc()
        return text(str(exc), 400)
    porch = porch_of(request)
    key = api_key(request, form)
    if not key:
        metrics.REFUSED.labels("no_key").inc()
        return invalid('Empty "api_key" value: send your porch API key as api_key (or key)')
    site = porch.api_keys.site(key)
    if site is None:
        metrics.REFUSED.labels("bad_key").inc()
        return invalid("Invalid API key. Check the key, or create one with `porch site add URL`.")
    wait = porch.limiter.check(key)
    if wait:
        metrics.REFUSED.labels("rate_limited").inc()
        return text("rate limit exceeded; retry later", 429, {"Retry-After": retry_after(wait)})
    if need_blog and not form.get("blog", "").strip():
        return invalid('Empty "blog" value: send the URL of the site the comment is for')
    if need_ip and not form.get("user_ip", "").strip():
        return invalid('Empty "user_ip" value: send the IP address of the commenter')
    return site, form


def _without_key(form: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in form.items() if k not in ("api_key", "key", "guid")}


# The Akismet plugin for WordPress puts a textarea hidden from people into the comment form and
# sends what was typed in it as POST_ak_hp_textarea, without `honeypot_field_name`: Akismet knows it.
WORDPRESS_HONEYPOT = "POST_ak_hp_textarea"


def _comment_fields(form: dict[str, str]) -> dict[str, str]:
    fields = _without_key(form)
    if WORDPRESS_HONEYPOT in fields and not fields.get("honeypot_field_name", "").strip():
        fields["honeypot_field_name"] = WORDPRESS_HONEYPOT
    return fields


@router.post("/1.1/verify-key", summary="Verify an API key", openapi_extra=FORM_BODY)
async def verify_key(request: Request) -> Response:
    found = await authenticate(request, need_blog=True)
    return found if isinstance(found, Response) else text("valid")


@router.post("/1.1/get-subscription", summary="The key's account (always active)", openapi_extra=FORM_BODY)
async def get_subscription(request: Request) -> Response:
    """WordPress's Akismet plugin saves a key typed into its settings page only when this says the
    account is active, and shows the account from it; porch has no accounts to bill, so: active."""
    found = await authenticate(request, need_blog=False)
    if isinstance(found, Response):
        return found
    body = {
        "status": "active",
        "account_name": "porch (self-hosted)",
        "account_type": "porch",
        "next_billing_date": None,
        "limit_reached": False,
    }
    return Response(json.dumps(body), media_type="application/json")


@router.api_route("/1.1/test", methods=["GET", "POST"], summary="Connectivity test")
async def connectivity_test() -> Response:
    """The plugin's settings page fetches this and warns "can't connect" unless it says `connected`."""
    return text("connected")


@router.post("/1.1/comment-check", summary="Check a comment for spam", openapi_extra=FORM_BODY)
async def comment_check(request: Request) -> Response:
    found = await authenticate(request, need_ip=True)
    if isinstance(found, Response):
        return found
    site, form = found
    result = await porch_of(request).batcher.check(site, _comment_fields(form), "akismet")
    verdict = result.verdict
    headers = {"X-akismet-guid": result.guid, "X-porch-score": f"{verdict.score:.4f}"}
    if verdict.discard:
        headers["X-akismet-pro-tip"] = "discard"
    return text("true" if verdict.spam else "false", headers=headers)


async def _submit(request: Request, label: str) -> Response:
    found = await authenticate(request, need_ip=False)
    if isinstance(found, Response):
        return found
    site, form = found
    guid = form.get("guid", "").strip()[:36] or None
    result = porch_of(request).checking.feedback(site, label, _without_key(form), "akismet", guid)
    headers: dict[str, str] = {}
    if not result.accepted and result.note:
        headers["X-akismet-debug-help"] = result.note
    return text(THANKS, headers=headers)


@router.post("/1.1/submit-spam", summary="Report a missed spam", openapi_extra=FORM_BODY)
async def submit_spam(request: Request) -> Response:
    return await _submit(request, "spam")


@router.post("/1.1/submit-ham", summary="Report a false positive", openapi_extra=FORM_BODY)
async def submit_ham(request: Request) -> Response:
    return await _submit(request, "ham")


@router.api_route(
    "/1.2/key-sites", methods=["GET", "POST"], summary="Usage per site", openapi_extra=FORM_BODY
)
async def key_sites(request: Request) -> Response:
    found = await authenticate(request, need_blog=False)
    if isinstance(found, Response):
        return found
    site, form = found
    month = form.get("month", "").strip() or None
    if month is not None and not _MONTH.match(month):
        return text("month must be YYYY-MM", 400)
    try:
        limit = max(0, min(int(form.get("limit") or 500), 10_000))
        offset = max(0, min(int(form.get("offset") or 0), 10_000_000))
    except ValueError:
        return text("limit and offset must be whole numbers", 400)
    first, last, label = day_range(month, datetime.now(timezone.utc).date())
    counts = porch_of(request).store.checks.counts(site.id, first, last)
    wanted = form.get("filter", "").strip()
    row = {
        "site": site.url,
        "api_calls": str(counts["checks"]),
        "spam": str(counts["spam"] + counts["discard"]),
        "ham": str(counts["ham"]),
        "missed_spam": str(counts["missed_spam"]),
        "false_positives": str(counts["false_positives"]),
        "is_revoked": False,
    }
    rows = [row] if not wanted or wanted in site.url else []
    total = len(rows)
    rows = rows[offset : offset + limit]
    if form.get("format", "json").strip().lower() == "csv":
        out = io.StringIO()
        out.write(
            f"Active sites for {api_key(request, form)} during {label} (limit:{limit}, offset: {offset}, total: {total})\n"
        )
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            ["Site", "Total API Calls", "Spam", "Ham", "Missed Spam", "False Positives", "Is Revoked"]
        )
        for r in rows:
            writer.writerow(
                [
                    r["site"],
                    r["api_calls"],
                    r["spam"],
                    r["ham"],
                    r["missed_spam"],
                    r["false_positives"],
                    "false",
                ]
            )
        return text(out.getvalue())
    body = {label: rows, "limit": limit, "offset": offset, "total": total}
    return Response(json.dumps(body), media_type="application/json")


@router.api_route(
    "/1.2/usage-limit", methods=["GET", "POST"], summary="This month's usage", openapi_extra=FORM_BODY
)
async def usage_limit(request: Request) -> Response:
    found = await authenticate(request, need_blog=False)
    if isinstance(found, Response):
        return found
    site, form = found
    first, last, _ = day_range(None, datetime.now(timezone.utc).date())
    counts = porch_of(request).store.checks.counts(site.id, first, last)
    body = {"limit": "none", "usage": counts["checks"], "percentage": "0.00", "throttled": False}
    return Response(json.dumps(body), media_type="application/json")
