"""Moderation through the dashboard's routes on a real `porch serve`: every action is logged and
teaches the engine; undo puts the comment back and takes the lesson back in every worker (the
next check scores as before, the day's counts are as before); bulk goes on past a bad id; undo
reaches only one's own actions on the site it is asked on; delete can be undone; replies as the site."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from porch.store import schema as t

from support.servers import SECRET, start_server, wait_for


@pytest.fixture(scope="module")
def second_server(backend, server, store):
    """Another worker on the same database, for this module alone."""
    s = start_server(
        server.database_url,
        backend.tmp / "second-moderation",
        env={"PORCH_SECRET_KEY": SECRET},
    )
    yield s
    s.stop()


HAM = "Thanks for the thoughtful write-up, I learned a lot from the section on soil."
JSON = {"Accept": "application/json"}


def act(mod, site, comment_id, action):
    r = mod.post(f"/admin/{site.public_id}/comments/{comment_id}", data={"action": action}, headers=JSON)
    assert r.status_code == 200, r.text
    [done] = r.json()["results"]
    return done


def undo(mod, site):
    return mod.post(f"/admin/{site.public_id}/undo", headers=JSON)


def public_ids(c, site, uri="/post/1"):
    body = c.get("/api/v1/comments", params={"site": site.public_id, "uri": uri}).json()
    out = []

    def walk(nodes):
        for n in nodes:
            out.append((n["id"], n["author"], n["html"] != ""))
            walk(n["replies"])

    walk(body["comments"])
    return out


def counts_today(store, site):
    today = datetime.now(timezone.utc).date()
    return store.checks.counts(site.id, today, today)


def probe(c, key, site, email):
    """Check the comment's text again as a test recheck: nothing is counted, learned or logged as a copy."""
    r = c.post(
        "/api/v1/check",
        headers={"Authorization": f"Bearer {key}"},
        json={
            "comment_content": HAM,
            "comment_author": "Ann",
            "comment_author_email": email,
            "user_ip": "127.0.0.1",
            "blog": site.url,
            "permalink": site.url + "/post/1",
            "comment_type": "comment",
            "recheck_reason": "probe",
            "is_test": True,
        },
    )
    assert r.status_code == 200, r.text
    return r.json()


def actions_of(store, comment_id):
    a = t.moderation_actions.c
    with store.engine.connect() as conn:
        return conn.execute(
            select(t.moderation_actions).where(a.comment_id == comment_id).order_by(a.id)
        ).fetchall()


def event(store, event_id):
    with store.engine.connect() as conn:
        return conn.execute(select(t.feedback_events).where(t.feedback_events.c.id == event_id)).first()


def test_actions_are_logged_and_teach(server, store, make_site, moderator, post_comment):
    site, _ = make_site(moderation="all")
    mod = moderator(site)
    made = post_comment(site, HAM)
    assert made["status"] == "pending"
    done = act(mod, site, made["id"], "approve")
    assert done["status"] == "approved" and done["learned"] is None and done["action_id"]
    done = act(mod, site, made["id"], "spam")
    assert done["learned"] == "spam"
    approve, spam = actions_of(store, made["id"])
    assert (approve.action, approve.from_status, approve.to_status, approve.event_id) == (
        "approve",
        "pending",
        "approved",
        None,
    )
    assert (spam.action, spam.from_status, spam.to_status, spam.account_id) == (
        "spam",
        "approved",
        "spam",
        mod.account_id,
    )
    taught = event(store, spam.event_id)
    assert (taught.label, taught.source, taught.site_id) == ("spam", "moderation", site.id)
    assert counts_today(store, site)["submitted_spam"] == 1


def test_undo_restores_the_status_and_takes_the_lesson_back(
    server, second_server, store, make_site, moderator, post_comment
):
    site, key = make_site()
    mod = moderator(site)
    email = "reader@example.org"
    made = post_comment(site, HAM, email=email)
    assert made["status"] == "approved"
    with server.client() as c, second_server.client() as c2:
        before = probe(c, key, site, email)
        counts_before = counts_today(store, site)
        assert act(mod, site, made["id"], "spam")["learned"] == "spam"
        assert made["id"] not in [i for i, _, _ in public_ids(c, site)]
        marked = probe(c, key, site, email)
        assert marked["model_score"] > before["model_score"] + 0.05 and marked["score"] > before["score"]
        assert counts_today(store, site)["submitted_spam"] == counts_before["submitted_spam"] + 1

        r = undo(mod, site)
        assert r.status_code == 200, r.text
        assert r.json()["undone"]["status"] == "approved" and r.json()["undone"]["undone"] == "spam"
        assert made["id"] in [i for i, _, _ in public_ids(c, site)]
        after = probe(c, key, site, email)
        assert after["model_score"] == pytest.approx(before["model_score"], abs=1e-3)
        assert after["score"] == pytest.approx(before["score"], abs=1e-2)
        assert counts_today(store, site) == counts_before
        # the other worker replays the same log and steps back too
        assert wait_for(
            lambda: abs(probe(c2, key, site, email)["model_score"] - before["model_score"]) < 1e-3
        )

    spam, undone = actions_of(store, made["id"])
    assert spam.undone_at is not None
    assert (undone.action, undone.from_status, undone.to_status) == ("undo", "spam", "approved")
    reverse = event(store, undone.event_id)
    assert (reverse.label, reverse.source, reverse.guid) == ("ham", "undo", event(store, spam.event_id).guid)
    # nothing more to undo: an undo is not itself undone, and the spam mark is undone already
    r = undo(mod, site)
    assert r.status_code == 200 and r.json()["undone"] is None


def test_undo_is_refused_when_the_comment_changed_since(server, store, make_site, moderator, post_comment):
    site, _ = make_site()
    first, second = moderator(site), moderator(site)
    made = post_comment(site, HAM)
    act(first, site, made["id"], "spam")
    act(second, site, made["id"], "ham")  # another moderator disagreed meanwhile
    r = undo(first, site)
    assert r.status_code == 409 and "changed" in r.json()["detail"]
    with server.client() as c:
        assert made["id"] in [i for i, _, _ in public_ids(c, site)]  # still as the second moderator left it
    assert actions_of(store, made["id"])[0].undone_at is None
    assert undo(second, site).json()["undone"]["status"] == "spam"  # the second one's own action can go


def test_bulk_goes_on_past_a_bad_id(server, store, make_site, moderator, post_comment):
    site, _ = make_site()
    other, _ = make_site()
    mod = moderator(site)
    ids = [post_comment(site, HAM + f" ({n})")["id"] for n in range(3)]
    foreign = post_comment(other, HAM)["id"]
    r = mod.post(
        f"/admin/{site.public_id}/bulk",
        data={"action": "spam", "ids": [ids[0], foreign, ids[1], ids[2]]},
        headers=JSON,
    )
    assert r.status_code == 200, r.text
    results = {x["id"]: x for x in r.json()["results"]}
    assert results[foreign]["code"] == 404 and "error" in results[foreign]
    assert all(results[i]["status"] == "spam" for i in ids)
    with server.client() as c:
        assert public_ids(c, site) == []
        assert [i for i, _, _ in public_ids(c, other)] == [foreign]  # the other site's comment untouched


def test_undo_after_a_bulk_action_puts_every_comment_back(server, store, make_site, moderator, post_comment):
    site, _ = make_site()
    mod, other = moderator(site), moderator(site)
    ids = [post_comment(site, HAM + f" ({n})")["id"] for n in range(4)]
    act(mod, site, ids[3], "spam")  # an earlier, single action: not part of the bulk one
    r = mod.post(f"/admin/{site.public_id}/bulk", data={"action": "spam", "ids": ids[:3]}, headers=JSON)
    assert r.status_code == 200 and all(x["status"] == "spam" for x in r.json()["results"])
    act(other, site, ids[2], "ham")  # another moderator changes one of them meanwhile
    r = undo(mod, site)
    assert r.status_code == 200, r.text
    assert "2 comments are back" in r.json()["message"] and "1 had changed since" in r.json()["message"]
    with server.client() as c:
        assert (
            sorted(i for i, _, _ in public_ids(c, site)) == ids[:3]
        )  # two restored, one published by `other`
    # the one that changed stays this moderator's last decision: undo goes no further back
    assert undo(mod, site).status_code == 409


def test_undo_reaches_only_ones_own_actions_on_that_site(server, store, make_site, moderator, post_comment):
    a, _ = make_site()
    b, _ = make_site()
    both = moderator([a, b])
    only_b = moderator(b)
    made = post_comment(a, HAM)
    act(both, a, made["id"], "spam")
    assert undo(only_b, a).status_code == 404  # no role on site A: it does not exist for them
    assert undo(both, b).json()["undone"] is None  # the action was on A, not B
    assert undo(only_b, b).json()["undone"] is None
    assert actions_of(store, made["id"])[0].undone_at is None
    assert undo(both, a).json()["undone"]["status"] == "approved"


def test_delete_keeps_the_comment_for_undo(server, store, make_site, moderator, post_comment):
    site, _ = make_site()
    mod = moderator(site)
    leaf = post_comment(site, HAM)
    parent = post_comment(site, "A question about the second chart, if I may.")
    child = post_comment(site, "Same question here.", parent=parent["id"], author="Bo")
    with server.client() as c:
        assert act(mod, site, leaf["id"], "delete")["status"] == "deleted"
        assert leaf["id"] not in [i for i, _, _ in public_ids(c, site)]
        assert undo(mod, site).json()["undone"]["status"] == "approved"
        assert (leaf["id"], "Ann", True) in public_ids(c, site)

        act(mod, site, parent["id"], "delete")
        shown = public_ids(c, site)
        assert (parent["id"], "", False) in shown and (
            child["id"],
            "Bo",
            True,
        ) in shown  # an anonymous placeholder
        assert undo(mod, site).json()["undone"]["status"] == "approved"
        assert (parent["id"], "Ann", True) in public_ids(c, site)


def test_a_reply_as_the_site_says_moderator_in_every_read(server, make_site, moderator, post_comment):
    """The widget badges the site's own replies: the list, the one-comment read and the moderation
    queue's rows say `moderator`; a reader's comment never does."""
    site, key = make_site()
    made = post_comment(site, HAM)
    r = moderator(site).post(
        f"/admin/{site.public_id}/comments/{made['id']}/reply", headers=JSON, data={"text": "Thank you!"}
    )
    assert r.status_code == 200, r.text
    reply = r.json()["reply"]["id"]
    with server.client() as c:
        [node] = c.get("/api/v1/comments", params={"site": site.public_id, "uri": "/post/1"}).json()[
            "comments"
        ]
        assert node["moderator"] is False and [(n["id"], n["moderator"]) for n in node["replies"]] == [
            (reply, True)
        ]
        assert c.get(f"/api/v1/comments/{reply}").json()["moderator"] is True
        assert c.get(f"/api/v1/comments/{made['id']}").json()["moderator"] is False
        held = post_comment(site, HAM + " (held)", uri="/post/2")
        auth = {"Authorization": f"Bearer {key}"}
        assert c.post(f"/api/v1/comments/{held['id']}/spam", headers=auth).status_code == 200
        queue = c.get("/api/v1/moderation", params={"status": "spam"}, headers=auth).json()["comments"]
        assert [(q["id"], q["moderator"]) for q in queue] == [(held["id"], False)]


def test_reply_as_the_site(server, store, make_site, moderator, post_comment):
    site, _ = make_site()
    mod = moderator(site)
    made = post_comment(site, HAM)
    with server.client() as c:
        c.get("/api/v1/comments", params={"site": site.public_id, "uri": "/post/1"})  # cached now
        r = mod.post(
            f"/admin/{site.public_id}/comments/{made['id']}/reply",
            headers=JSON,
            data={"text": "Thank you! The **soil** chapter took longest."},
        )
        assert r.status_code == 200, r.text
        reply = r.json()["reply"]
        [node] = c.get("/api/v1/comments", params={"site": site.public_id, "uri": "/post/1"}).json()[
            "comments"
        ]
        [shown] = node["replies"]
        assert (
            shown["id"] == reply["id"]
            and shown["author"] == "test"
            and "<strong>soil</strong>" in shown["html"]
        )
        assert shown["website"] == site.url
        assert actions_of(store, reply["id"])[0].action == "reply"
        assert undo(mod, site).json()["undone"]["undone"] == "reply"
        [node] = c.get("/api/v1/comments", params={"site": site.public_id, "uri": "/post/1"}).json()[
            "comments"
        ]
        assert node["replies"] == []
