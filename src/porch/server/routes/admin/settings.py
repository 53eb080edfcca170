"""The owner's pages: a site's comment settings, its API keys, and who moderates it.

    GET/POST /admin/{site}/settings                    the settings form (errors shown on the form)
    GET/POST /admin/{site}/keys                        list keys; POST creates one and shows it once
    POST     /admin/{site}/keys/{key_id}/revoke
    GET/POST /admin/{site}/moderators                  list members; POST adds an account by e-mail
    POST     /admin/{site}/moderators/{account_id}/remove

All of them need the owner role (`require(..., "owner")`: a moderator gets 403, anyone without a
role on the site 404). The settings form shows every field `CommentSettings` has — the site rules
and the notification options arrive with their features and appear here by their names — and
goes through `validate_settings` and `change_settings` (domain/sitesettings.py), so the form, `porch
site set` and any later API agree on what is valid. The form speaks in people's units (the edit window in minutes, lists one per
line) and converts before validating. Retention periods are the operator's (config.py) and shown
read-only, but for two a site may set a shorter one of its own (blank: the server's). A new API key is shown exactly once, on the answer to the POST that made it: only its
hash is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, fields
from typing import Any

from fastapi import APIRouter, Form, HTTPException, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from ....store import Site
from ....store.accounts import ROLES, Account, AccountError, AccountStore
from ...context import porch_of
from ...domain.sitesettings import (
    LISTS,
    MODERATION,
    NOTIFY_MODERATORS,
    SITE_RETENTION,
    SORTS,
    SWITCHES,
    CommentSettings,
    change_settings,
    validate_settings,
)
from ..sessions import check_csrf, require
from .common import AdminRoute, page

router = APIRouter(prefix="/admin", route_class=AdminRoute, include_in_schema=False)
SITE = Path(..., min_length=1, max_length=64)
LABELS = {
    "allowed_origins": "Allowed origins",
    "blocked_words": "Blocked words",
    "blocked_ips": "Blocked IP addresses",
    "blocked_emails": "Blocked e-mail addresses",
    "allowed_emails": "Trusted e-mail addresses",
    "allowed_ips": "Trusted IP addresses",
}
HINTS = {
    "allowed_origins": "Where the widget may be embedded, one per line (https://blog.example.org). "
    "Empty: the origin of the site's URL.",
    "blocked_words": "A comment containing one of these goes to spam, with the word as the reason.",
    "blocked_ips": "Addresses or networks (203.0.113.0/24), one per line: their comments go to spam.",
    "blocked_emails": "Addresses (or @domain.example), one per line: their comments go to spam.",
    "allowed_emails": "Never held for moderation, and spam only if the engine is sure it is blatant.",
    "allowed_ips": "Never held for moderation, and spam only if the engine is sure it is blatant.",
}


def _site_context(request: Request, account: Account, site: Site, tab: str) -> dict[str, Any]:
    return {
        "site": site,
        "role": account.role(site.id),
        "tab": tab,
        "banner": None,
        "counts": porch_of(request).store.dashboard.counts([site.id])[site.id],
    }


# -- settings --------------------------------------------------------------------------------
def _form_values(conf: CommentSettings) -> dict[str, Any]:
    values = asdict(conf)
    for name in LISTS:
        if name in values:
            values[name] = "\n".join(values[name] or [])
    values["edit_window_minutes"] = f"{conf.edit_window_seconds / 60:g}"
    # numbers as people write them: "24", not "24.0" (a float setting shown as Python prints it)
    for name in ("digest_hours", *SITE_RETENTION):
        if values.get(name) is not None:
            values[name] = f"{float(values[name]):g}"
    return values


def _settings_page(
    request: Request,
    account: Account,
    site: Site,
    values: dict[str, Any],
    message: str | None,
    status: int = 200,
    saved: bool = False,
) -> Response:
    settings = porch_of(request).settings
    names = {f.name for f in fields(CommentSettings)}
    return page(
        request,
        "settings.html",
        {
            **_site_context(request, account, site, "settings"),
            "values": values,
            "message": message,
            "saved": saved,
            "has": names,
            "lists": [n for n in LISTS if n in names],
            "labels": LABELS,
            "hints": HINTS,
            "moderation_modes": MODERATION,
            "sorts": SORTS,
            "notify_modes": NOTIFY_MODERATORS,
            "mail_enabled": settings.mail_enabled,
            "server_retention": {name: getattr(settings, name) for name in SITE_RETENTION},
            "retention": [
                (
                    "Comment IP addresses are cut to their network after (at most)",
                    settings.comment_ip_retention_days,
                ),
                ("Blatant spam is deleted after", settings.discard_retention_days),
                ("Comments moderators deleted are erased after (at most)", settings.deleted_retention_days),
                ("The spam filter's log keeps the full submission for", settings.raw_retention_days),
                ("The spam filter's log keeps the IP address for", settings.ip_retention_days),
            ],
        },
        status,
    )


@router.get("/{site}/settings")
def settings_form(request: Request, site: str = SITE) -> Response:
    account, found = require(request, site, "owner")
    found = porch_of(request).store.sites.get(found.id)  # as stored now, not the 1-second site cache
    return _settings_page(
        request,
        account,
        found,
        _form_values(CommentSettings.of(found)),
        None,
        saved=request.query_params.get("msg") == "saved",
    )


def parse_settings(form: dict[str, str], current: CommentSettings) -> dict[str, Any]:
    """The form's text as typed values for validate_settings; ValueError with a message for people."""
    names = {f.name for f in fields(CommentSettings)}
    changes: dict[str, Any] = {}
    for name in ("moderation", "default_sort", "notify_moderators"):
        if name in names and name in form:
            changes[name] = form[name].strip()
    for name in SWITCHES:
        if name in names:
            changes[name] = form.get(name) in ("on", "1", "true", "yes")
    for name in LISTS:
        if name in names and name in form:
            changes[name] = [
                line.strip() for line in form[name].replace("\r", "").split("\n") if line.strip()
            ][:1000]

    def number(key: str, label: str, kind: Callable[[str], Any] = int) -> Any:
        """The field as `kind`: whole numbers for counts, decimals (not NaN or infinity) for periods."""
        raw = form.get(key, "").strip()
        try:
            value = kind(raw)
        except ValueError:
            raise ValueError(f"{label}: enter a number, not {raw[:40]!r}") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{label}: enter a number, not {raw[:40]!r}")
        return value

    if "edit_window_minutes" in form:
        changes["edit_window_seconds"] = number("edit_window_minutes", "Edit window", float) * 60
    for name, label in (("reply_depth", "Reply depth"), ("max_length", "Maximum length")):
        if name in names and name in form:
            changes[name] = number(name, label)
    if "digest_hours" in names and "digest_hours" in form:  # a period, like the setting: 24, 1.5
        changes["digest_hours"] = number("digest_hours", "Digest every (hours)", float)
    for name, label in (
        ("comment_ip_retention_days", "Keep commenters' IP addresses"),
        ("deleted_retention_days", "Keep deleted comments"),
    ):
        if name in form and form[name].strip():  # blank: the server's period (see _save_settings)
            changes[name] = number(name, label, float)
    if "notify_moderators" in changes and changes["notify_moderators"] not in NOTIFY_MODERATORS:
        raise ValueError(f"notifications must be one of {', '.join(NOTIFY_MODERATORS)}")
    return changes


@router.post("/{site}/settings")
async def save_settings(request: Request, site: str = SITE) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    return await run_in_threadpool(_save_settings, request, site, form)


def _save_settings(request: Request, site: str, form: dict[str, str]) -> Response:
    account, found = require(request, site, "owner")
    check_csrf(request, form.get("csrf"))
    porch = porch_of(request)
    found = porch.store.sites.get(found.id)  # not the cached copy
    current = CommentSettings.of(found)
    try:
        new = validate_settings(parse_settings(form, current), current)
        for name in SITE_RETENTION:
            if name in form and not form[name].strip():
                setattr(new, name, None)
    except (ValueError, TypeError) as exc:
        values = {**_form_values(current), **{k: v for k, v in form.items() if k != "csrf"}}
        for name in SWITCHES:
            values[name] = form.get(name) == "on"
        return _settings_page(request, account, found, values, str(exc), status=422)
    change_settings(porch.store, found, comments=new)
    porch.discussion.forget_site(found.public_id)
    return RedirectResponse(f"/admin/{found.public_id}/settings?msg=saved", status_code=303)


# -- API keys --------------------------------------------------------------------------------
def _keys_page(
    request: Request,
    account: Account,
    site: Site,
    new_key: str | None = None,
    message: str | None = None,
    status: int = 200,
) -> Response:
    return page(
        request,
        "keys.html",
        {
            **_site_context(request, account, site, "keys"),
            "keys": porch_of(request).store.sites.keys(site.id),
            "new_key": new_key,
            "message": message,
        },
        status,
    )


@router.get("/{site}/keys")
def keys(request: Request, site: str = SITE) -> Response:
    account, found = require(request, site, "owner")
    return _keys_page(request, account, found)


@router.post("/{site}/keys")
def create_key(request: Request, site: str = SITE, csrf: str = Form("", max_length=200)) -> Response:
    account, found = require(request, site, "owner")
    check_csrf(request, csrf)
    _, key = porch_of(request).store.sites.new_key(found.public_id)
    return _keys_page(request, account, found, new_key=key)


@router.post("/{site}/keys/{key_id}/revoke")
def revoke_key(
    request: Request,
    site: str = SITE,
    key_id: int = Path(..., ge=1, le=2**31),
    csrf: str = Form("", max_length=200),
) -> Response:
    account, found = require(request, site, "owner")
    check_csrf(request, csrf)
    if not porch_of(request).store.sites.revoke_key(found.id, key_id):
        raise HTTPException(404, f"no active key {key_id} on this site")
    return RedirectResponse(f"/admin/{found.public_id}/keys", status_code=303)


# -- moderators ------------------------------------------------------------------------------
def _members_page(
    request: Request, account: Account, site: Site, message: str | None = None, status: int = 200
) -> Response:
    return page(
        request,
        "moderators.html",
        {
            **_site_context(request, account, site, "moderators"),
            "members": porch_of(request).store.accounts.members(site.id),
            "roles": ROLES,
            "message": message,
            "me": account.id,
        },
        status,
    )


@router.get("/{site}/moderators")
def moderators(request: Request, site: str = SITE) -> Response:
    account, found = require(request, site, "owner")
    return _members_page(request, account, found)


@router.post("/{site}/moderators")
def add_moderator(
    request: Request,
    site: str = SITE,
    email: str = Form("", max_length=254),
    role: str = Form("moderator", max_length=16),
    csrf: str = Form("", max_length=200),
) -> Response:
    account, found = require(request, site, "owner")
    check_csrf(request, csrf)
    accounts = porch_of(request).store.accounts
    if role not in ROLES:
        return _members_page(request, account, found, f"role must be one of {', '.join(ROLES)}", 422)
    other = accounts.by_email(email) if email.strip() else None
    if other is None:
        return _members_page(
            request,
            account,
            found,
            "There is no account with that e-mail address. The operator "
            "creates accounts with `porch admin create EMAIL`; add it here afterwards.",
            422,
        )
    if other.id == account.id and role != "owner" and _owners(accounts, found.id) == [account.id]:
        return _members_page(
            request, account, found, "You are the only owner: make someone else owner first.", 409
        )
    try:
        accounts.grant(other.id, found.id, role)
    except AccountError as exc:
        return _members_page(request, account, found, str(exc), 422)
    return RedirectResponse(f"/admin/{found.public_id}/moderators", status_code=303)


@router.post("/{site}/moderators/{account_id}/remove")
def remove_moderator(
    request: Request,
    site: str = SITE,
    account_id: int = Path(..., ge=1, le=2**31),
    csrf: str = Form("", max_length=200),
) -> Response:
    account, found = require(request, site, "owner")
    check_csrf(request, csrf)
    accounts = porch_of(request).store.accounts
    if _owners(accounts, found.id) == [account_id]:
        return _members_page(request, account, found, "A site needs an owner: this is the only one.", 409)
    if not accounts.revoke(account_id, found.id):
        raise HTTPException(404, f"account {account_id} has no role on this site")
    if account_id == account.id:
        return RedirectResponse("/admin/", status_code=303)
    return RedirectResponse(f"/admin/{found.public_id}/moderators", status_code=303)


def _owners(accounts: AccountStore, site_id: int) -> list[int]:
    return [i for i, _email, role in accounts.members(site_id) if role == "owner"]
