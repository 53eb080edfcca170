"""The posting path in process (domain/posting.py and the edit in discussion.py), on SQLite and
PostgreSQL, without a server: prepare → check → status_for → one transaction → notify.

`status_for` and `prepare` are pure, so most of what decides a comment's fate is tested here as
plain functions; then the `Poster` and an edit run for real against the database, to show that a
comment and the log row of the check that decided it are stored together. The HTTP contract of the
same paths is tests/comments.
"""

from __future__ import annotations

import asyncio
import uuid
from types import SimpleNamespace

import pytest

from porch.server.domain.errors import Refused
from porch.server.domain.posting import expiry_for, held_by_moderation, prepare, reply_position, status_for
from porch.server.domain.signing import Signer
from porch.server.domain.siterules import Rule
from porch.server.domain.sitesettings import CommentSettings
from porch.store import Site

HAM = "Thank you for the recipe, I baked the bread this weekend and my family loved it."
SPAM = "akismet-guaranteed-spam"
BLOCKED = Rule("blocked", "blocked word “bread”")
ALLOWED = Rule("allowed", "allowed e-mail ann@example.org")


# -- status_for: one rule for a new comment and an edit --------------------------------------------
@pytest.mark.parametrize(
    ("verdict", "rule", "held", "status"),
    [
        ("ham", None, False, "approved"),
        ("ham", None, True, "pending"),
        ("spam", None, False, "spam"),
        ("discard", None, False, "spam"),
        ("ham", BLOCKED, False, "spam"),
        ("spam", ALLOWED, True, "approved"),  # a trusted address is neither held nor spam…
        ("discard", ALLOWED, False, "spam"),  # …unless the engine is sure it is blatant
    ],
)
def test_the_status_of_a_new_comment(verdict, rule, held, status):
    assert status_for(verdict, rule, held) == status


@pytest.mark.parametrize(
    ("verdict", "rule", "held", "was", "status"),
    [
        ("ham", None, False, "approved", "approved"),
        ("ham", None, True, "approved", "pending"),  # an edit that adds a link under `links`
        ("ham", None, True, "pending", "pending"),
        ("ham", None, False, "spam", "spam"),  # an edit never publishes what a moderator has not
        ("spam", None, False, "approved", "spam"),
        ("ham", BLOCKED, False, "approved", "spam"),
        ("spam", ALLOWED, False, "pending", "pending"),
        ("discard", ALLOWED, False, "approved", "spam"),
    ],
)
def test_the_status_of_an_edited_comment(verdict, rule, held, was, status):
    assert status_for(verdict, rule, held, was) == status


def test_blatant_spam_expires_unless_the_sites_own_list_blocked_it():
    from datetime import datetime, timedelta, timezone

    now = datetime(2030, 1, 1, tzinfo=timezone.utc)
    assert expiry_for("discard", None, now, 1.5) == now + timedelta(days=1.5)
    assert expiry_for("discard", ALLOWED, now, 1.5) == now + timedelta(days=1.5)
    assert expiry_for("discard", BLOCKED, now, 1.5) is None
    assert expiry_for("spam", None, now, 1.5) is None


def test_the_moderation_modes_hold_what_they_say():
    def held(mode, text="no links here", first=False):
        return held_by_moderation(CommentSettings(moderation=mode), text, first_comment=first)

    assert not held("none") and held("all")
    assert held("links", "see https://example.org") and not held("links")
    assert held("first", first=True) and not held("first", first=False)


# -- prepare: pure -----------------------------------------------------------------------------
def _site(**comments):
    return Site(1, "abc", "https://blog.example.org", "Blog", {"comments": comments})


def _prepare(site, reply_to=None, **body):
    body = {"uri": "/post/1", "text": HAM, **body}
    client = {"ip": "192.0.2.5", "user_agent": "Firefox", "referrer": "https://blog.example.org/post/1"}
    return prepare(site, body, client, parent=reply_to, signer=Signer(b"s" * 32), site_secret=b"k" * 32)


def test_prepare_makes_the_fields_the_engine_sees_and_the_row_that_is_stored():
    draft = _prepare(_site(), author=" Ann ", email="Ann@Example.org", hp="", title="A post")
    assert draft.check_fields["comment_author"] == "Ann" and draft.check_fields["user_ip"] == "192.0.2.5"
    assert draft.check_fields["permalink"] == "https://blog.example.org/post/1"
    assert draft.check_fields["honeypot_field_name"] == "hp" and "hp" not in draft.check_fields
    assert draft.values["html"].startswith("<p>") and draft.values["email_hash"] and draft.rule is None
    assert draft.title == "A post"


def test_prepare_refuses_what_the_poster_can_fix():
    cases = [
        ({"text": "   "}, 422, "empty"),
        ({"text": "x" * 11}, 413, "longer than 10"),
        ({"email": "not an address"}, 422, "does not look like one"),
        ({"website": "javascript:alert(1)"}, 422, "http:// or https://"),
        ({"uri": "post"}, 422, "uri must be"),
    ]
    site = _site(max_length=10)
    for body, status, words in cases:
        body = {"text": "short", **body}
        with pytest.raises(Refused) as refused:
            _prepare(site, **body)
        assert refused.value.status == status and words in refused.value.message
    with pytest.raises(Refused, match="asks for a name"):
        _prepare(_site(require_name=True))


def test_prepare_finds_the_site_rule_and_verifies_the_form_stamp():
    signer = Signer(b"s" * 32)
    site = _site(blocked_words=["bread"])
    draft = prepare(
        site,
        {"uri": "/post/1", "text": HAM, "rendered_at": signer.stamp()},
        {"ip": "192.0.2.5"},
        parent=None,
        signer=signer,
        site_secret=b"k",
    )
    assert draft.rule == Rule("blocked", "blocked word “bread”") and "rendered_at" in draft.check_fields
    forged = _prepare(_site(), rendered_at="1700000000." + "0" * 24)
    assert "rendered_at" not in forged.check_fields


def test_a_reply_hangs_under_its_parent_or_the_deepest_allowed_ancestor():
    parent = SimpleNamespace(
        id=7, site_id=1, uri="/post/1", status="approved", depth=0, parent_id=None, root_id=None
    )
    draft = _prepare(_site(), reply_to=parent, parent=7)
    assert (draft.values["parent_id"], draft.values["depth"], draft.values["root_id"]) == (7, 1, 7)
    deep = SimpleNamespace(id=9, parent_id=8, depth=2, root_id=7)
    assert reply_position(deep, CommentSettings(reply_depth=2)) == (8, 2, 7)
    for other, words in [
        (SimpleNamespace(**{**vars(parent), "uri": "/post/2"}), "another page"),
        (SimpleNamespace(**{**vars(parent), "status": "pending"}), "not published"),
        (None, "does not exist"),
    ]:
        with pytest.raises(Refused, match=words):
            _prepare(_site(), reply_to=other, parent=7)


# -- the Poster and an edit, on the database ----------------------------------------------------
def _real_site(porch, **comments):
    site, _ = porch.store.sites.add(f"https://{uuid.uuid4().hex[:8]}.example.org", "posting")
    if comments:
        site = porch.store.sites.save_settings(site.id, {**site.settings, "comments": comments})
    return site


def _post(porch, site, ip="192.0.2.5", **body):
    draft = porch.poster.prepare(site, {"uri": "/post/1", "text": HAM, **body}, {"ip": ip})
    return asyncio.run(porch.poster.post(draft))


def _check_of(porch, site, comment_id):
    row = porch.store.comments.get(comment_id)
    return row, porch.store.checks.find(site.id, row.guid)  # no flush: written with the comment


def test_a_posted_comment_is_stored_with_its_checks_log_row(in_process):
    site = _real_site(in_process)
    made = _post(in_process, site, author="Ann")
    assert made["status"] == "approved" and in_process.signer.token_id(made["edit_token"]) == made["id"]
    row, check = _check_of(in_process, site, made["id"])
    assert check is not None and check.verdict == row.verdict == "ham" and check.source == "comments"


def test_a_site_rule_decides_the_status_and_leads_the_reasons_but_not_the_verdict(in_process):
    site = _real_site(in_process, blocked_words=["bread"])
    made = _post(in_process, site)
    row, check = _check_of(in_process, site, made["id"])
    assert made["status"] == "spam" and row.verdict == "ham" and check.verdict == "ham"
    assert check.reasons[0] == "site rule: blocked word “bread”"


def test_first_comment_moderation_asks_the_store_who_has_been_approved(in_process):
    site = _real_site(in_process, moderation="first")
    first = _post(in_process, site, email="new@example.org")
    assert first["status"] == "pending"
    in_process.moderation.act(site, first["id"], "approve")
    assert _post(in_process, site, email="new@example.org")["status"] == "approved"
    assert _post(in_process, site, author=SPAM, email="new@example.org")["status"] == "spam"


def test_an_edit_is_checked_again_and_stored_with_its_check(in_process):
    site = _real_site(in_process)
    text = "The council meeting ran late, but the new bus timetable for the harbour is finally out."
    made = _post(in_process, site, ip="203.0.113.50", text=text)
    assert made["status"] == "approved"
    in_process.store.sites.save_settings(site.id, {**site.settings, "comments": {"moderation": "all"}})
    row = in_process.discussion.own(made["id"], made["edit_token"])
    done = in_process.discussion.edit(row, text + " Buses run every ten minutes now.", {"ip": "203.0.113.50"})
    assert done["status"] == "pending"  # an approved comment the site now holds is held again
    row, check = _check_of(in_process, site, made["id"])
    assert check is not None and check.recheck and row.status == "pending"
    with pytest.raises(Refused, match="edit token"):
        in_process.discussion.own(made["id"], "1.forged")
