"""What the routes share about a request: who sent it, the token it carries, and JSON answers.

* `client(request)`: the client's IP (from X-Forwarded-For / Forwarded only behind a trusted proxy,
  domain/identity.py), user agent and referrer — what the spam check reads.
* `bearer(request)`: the token of `Authorization: Bearer …` — a site's API key (no dot) or a
  comment's edit token (`ID.SIG`, with a dot).
* `json_response(data)`: orjson straight to bytes (lists of comments skip response-model validation;
  the schema is still declared for OpenAPI).
* `clean` / `q`: text as every database can store it (no NUL characters; JSON allows them).
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request, Response

from ..context import porch_of

EDIT_COOKIE = "porch_edit_"  # + comment id: the author's edit token, HttpOnly


def client(request: Request) -> dict[str, str]:
    peer = request.client.host if request.client else ""
    return {
        "ip": porch_of(request).proxies.client_ip(peer, request.headers),
        "user_agent": request.headers.get("user-agent", "")[:1000],
        "referrer": request.headers.get("referer", "")[:2000],
    }


def bearer(request: Request) -> str:
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def edit_token(request: Request, comment_id: int) -> str | None:
    """The edit token sent for a comment: as Bearer, or the cookie set when it was posted."""
    token = bearer(request)
    if token and "." in token:
        return token
    return request.cookies.get(f"{EDIT_COOKIE}{comment_id}")


def own_ids(request: Request) -> list[int]:
    """The comments the caller holds edit tokens for (cookies, and a Bearer edit token)."""
    signer = porch_of(request).signer
    tokens = [v for k, v in request.cookies.items() if k.startswith(EDIT_COOKIE)][:100]
    if "." in bearer(request):
        tokens.append(bearer(request))
    return [i for i in (signer.token_id(tok) for tok in tokens) if i is not None]


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(data), status_code=status, media_type="application/json", headers=headers)


def q(value: str) -> str:
    """A query value as stored: without NUL characters (PostgreSQL refuses them) or outer blanks."""
    return value.replace("\x00", "").strip()


def clean(data: dict[str, Any]) -> dict[str, Any]:
    """Text every database stores: no NUL characters (JSON allows them)."""
    return {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in data.items()}
