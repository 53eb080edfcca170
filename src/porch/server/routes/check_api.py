"""porch's own JSON API: the same checks and feedback as the Akismet routes, with the reasons.

    POST /api/v1/check      {comment fields…}                → {guid, verdict, spam, score, reasons, signals}
    POST /api/v1/feedback   {label, guid? and/or fields…}    → {accepted, matched, guid, learned}

The key goes in `Authorization: Bearer KEY`. Field names are Akismet's, so a form can be posted
to either protocol unchanged; unknown fields are kept (as `extra` for the signals, e.g. the
honeypot). Unlike the Akismet routes, this API answers with proper statuses: 401 for a missing or
bad key, 404 for feedback on a guid this site never saw, 422 for a body that does not fit the schema,
400 for one that is not UTF-8 JSON, 429 over the rate limit. The schema is in the OpenAPI document
(`/api/openapi.json`), which the test suite fuzzes with schemathesis.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from ...store import Site
from .. import metrics
from ..context import porch_of
from ..domain.limits import retry_after

router = APIRouter(prefix="/api/v1", tags=["porch"])
bearer = HTTPBearer(auto_error=False, description="The site's API key from `porch site add`.")

S = str | None
_LONG = Field(default=None, max_length=200_000)
_SHORT = Field(default=None, max_length=4096)


class Comment(BaseModel):
    """A comment with its context, in Akismet's field names. Every field is optional."""

    model_config = ConfigDict(extra="allow")

    comment_content: S = _LONG
    comment_author: S = _SHORT
    comment_author_email: S = _SHORT
    comment_author_url: S = _SHORT
    user_ip: S = Field(default=None, max_length=64)
    user_agent: S = _SHORT
    referrer: S = _SHORT
    blog: S = _SHORT
    permalink: S = _SHORT
    comment_type: S = Field(default=None, max_length=64)
    comment_date_gmt: S = Field(default=None, max_length=64)
    comment_post_modified_gmt: S = Field(default=None, max_length=64)
    rendered_at: S = Field(
        default=None, max_length=64, description="When the page with the form was rendered"
    )
    blog_lang: S = Field(default=None, max_length=64)
    blog_charset: S = Field(default=None, max_length=64)
    user_role: S = Field(default=None, max_length=64)
    honeypot_field_name: S = Field(default=None, max_length=256)
    recheck_reason: S = Field(default=None, max_length=256)
    is_test: bool = False

    def fields(self) -> dict[str, object]:
        data = self.model_dump(exclude_none=True)
        # extra fields may be any JSON value: the engine sees them as text
        return {k: (v if isinstance(v, (str, bool)) else _text(v)) for k, v in data.items()}


def _text(value: object) -> str:
    return "" if value is None else str(value)[:4096]


class SignalOut(BaseModel):
    code: str
    name: str
    weight: float
    evidence: str


class CheckOut(BaseModel):
    guid: str
    verdict: Literal["ham", "spam", "discard"]
    spam: bool
    score: float = Field(description="0..1, spam at 0.5 and above")
    model_score: float = Field(description="the content model's probability alone")
    reasons: list[str]
    signals: list[SignalOut]


class Feedback(Comment):
    label: Literal["spam", "ham"]
    guid: S = Field(default=None, max_length=64, description="The guid of the check this is about")


class FeedbackOut(BaseModel):
    accepted: bool
    matched: Literal["guid", "fingerprint"] | None = None
    guid: S = None
    learned: bool
    note: str = ""


async def site_for(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> Site:
    if credentials is None or not credentials.credentials:
        metrics.REFUSED.labels("no_key").inc()
        raise HTTPException(
            401,
            "send the site's API key as `Authorization: Bearer KEY`",
            headers={"WWW-Authenticate": "Bearer"},
        )
    porch = porch_of(request)
    site = porch.api_keys.site(credentials.credentials)
    if site is None:
        metrics.REFUSED.labels("bad_key").inc()
        raise HTTPException(401, "invalid API key", headers={"WWW-Authenticate": "Bearer"})
    wait = porch.limiter.check(credentials.credentials.strip().lower())
    if wait:
        metrics.REFUSED.labels("rate_limited").inc()
        raise HTTPException(
            429, "rate limit exceeded; retry later", headers={"Retry-After": retry_after(wait)}
        )
    return site


@router.post(
    "/check",
    response_model=CheckOut,
    summary="Check a comment",
    responses={401: {"description": "missing or invalid key"}, 429: {"description": "rate limited"}},
)
async def check(comment: Comment, request: Request, site: Site = Depends(site_for)) -> CheckOut:
    result = await porch_of(request).batcher.check(site, comment.fields(), "api")
    v = result.verdict
    return CheckOut(
        guid=result.guid,
        verdict=v.verdict,
        spam=v.spam,
        score=round(v.score, 4),
        model_score=round(v.model_score, 4),
        reasons=v.reasons(),
        signals=[
            SignalOut(code=s.code, name=s.name, weight=s.weight, evidence=s.evidence) for s in v.signals
        ],
    )


@router.post(
    "/feedback",
    response_model=FeedbackOut,
    summary="Tell porch a comment was spam or ham",
    responses={
        401: {"description": "missing or invalid key"},
        404: {"description": "no check with this guid on this site, and no comment fields to learn from"},
        429: {"description": "rate limited"},
    },
)
async def feedback(body: Feedback, request: Request, site: Site = Depends(site_for)) -> FeedbackOut:
    fields = body.fields()
    for name in ("label", "guid"):
        fields.pop(name, None)
    guid = (body.guid or "").strip() or None
    result = porch_of(request).checking.feedback(site, body.label, fields, "api", guid)
    if not result.accepted and not body.is_test:
        raise HTTPException(404 if guid else 422, result.note)
    return FeedbackOut(
        accepted=result.accepted,
        matched=result.matched,
        guid=result.guid,
        learned=result.learned,
        note=result.note,
    )
