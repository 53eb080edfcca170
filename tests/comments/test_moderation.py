"""Moderation: spam held out of public lists, moderation modes, and moderator actions that teach the
engine exactly as submit-spam / submit-ham do (feedback events, counts, and the next verdict)."""

from __future__ import annotations

from porch.store.checks import day_range

from comment_helpers import post

# Spam to the shipped model, but not so blatant that one moderator's "ham" cannot overturn it (a
# text the model is 99.9% sure of takes about three marks: see docs/reputation.md).
SPAM = "Cheap watches and handbags at great prices, visit our store online today"
HAM = "Thanks for the thoughtful write-up, I learned a lot from the section on soil."


def public(c, site, uri="/post/1"):
    return c.get("/api/v1/comments", params={"site": site.public_id, "uri": uri}).json()


def submitted(store, site):
    from datetime import date

    first, last, _ = day_range(None, date.today())
    counts = store.checks.counts(site.id, first, last)
    return counts["submitted_spam"], counts["submitted_ham"]


def test_spam_is_hidden_and_marking_it_ham_publishes_and_teaches(server, store, make_site):
    site, key = make_site()
    mod = {"Authorization": f"Bearer {key}"}
    with server.client() as author, server.client() as reader:
        made = post(author, site, SPAM, email="e@example.org").json()
        assert made["status"] == "spam"
        assert public(reader, site)["comments"] == [] and public(reader, site)["total"] == 0
        assert public(author, site)["comments"] == []  # not even its author sees spam in the list
        assert reader.get(f"/api/v1/comments/{made['id']}").status_code == 404
        assert author.get(f"/api/v1/comments/{made['id']}").json()["status"] == "spam"  # by its cookie
        queue = reader.get("/api/v1/moderation", params={"status": "spam"}, headers=mod).json()["comments"]
        assert [q["id"] for q in queue] == [made["id"]] and queue[0]["email"] == "e@example.org"
        assert reader.post(f"/api/v1/comments/{made['id']}/ham").status_code == 403
        r = reader.post(f"/api/v1/comments/{made['id']}/ham", headers=mod)
        assert r.json() == {"id": made["id"], "status": "approved", "learned": "ham"}
        assert [x["id"] for x in public(reader, site)["comments"]] == [made["id"]]
        assert submitted(store, site) == (0, 1)
        again = post(author, site, SPAM, email="e@example.org").json()
        assert again["status"] == "approved"


def test_marking_spam_hides_and_teaches(server, store, make_site):
    site, key = make_site()
    mod = {"Authorization": f"Bearer {key}"}
    with server.client() as c:
        made = post(c, site, HAM).json()
        assert made["status"] == "approved"
        assert c.post(f"/api/v1/comments/{made['id']}/spam", headers=mod).json()["learned"] == "spam"
        assert public(c, site)["comments"] == [] and public(c, site)["total"] == 0
        assert submitted(store, site) == (1, 0)
        assert (
            c.post(
                f"/api/v1/comments/{made['id']}/spam", headers={"Authorization": "Bearer nope"}
            ).status_code
            == 403
        )


def test_moderation_all_holds_until_approved(server, store, make_site):
    site, key = make_site(moderation="all")
    with server.client() as author, server.client() as reader:
        made = post(author, site, HAM).json()
        assert made["status"] == "pending"
        assert public(reader, site)["comments"] == []
        own = public(author, site)["comments"]  # the author sees it, marked pending
        assert [(x["id"], x["status"]) for x in own] == [(made["id"], "pending")]
        # by the edit token as Bearer, without the cookie
        via_token = reader.get(
            "/api/v1/comments",
            params={"site": site.public_id, "uri": "/post/1"},
            headers={"Authorization": f"Bearer {made['edit_token']}"},
        ).json()["comments"]
        assert [x["id"] for x in via_token] == [made["id"]]
        as_moderator = reader.get(
            "/api/v1/comments",
            params={"site": site.public_id, "uri": "/post/1"},
            headers={"Authorization": f"Bearer {key}"},
        ).json()["comments"]
        assert [x["id"] for x in as_moderator] == [made["id"]]
        r = reader.post(f"/api/v1/comments/{made['id']}/approve", headers={"Authorization": f"Bearer {key}"})
        assert r.json() == {"id": made["id"], "status": "approved", "learned": None}  # the engine was right
        assert submitted(store, site) == (0, 0)
        assert [x["id"] for x in public(reader, site)["comments"]] == [made["id"]]


def test_moderation_links_and_first(server, make_site):
    links, _ = make_site(moderation="links")
    first, key = make_site(moderation="first")
    with server.client() as c:
        assert post(c, links, HAM).json()["status"] == "approved"
        # the shipped model already calls most short comments with a link spam; either way it is not public
        assert post(c, links, HAM + " More at https://soil.example.org/guide").json()["status"] in (
            "pending",
            "spam",
        )
        held = post(c, first, HAM, email="new@example.org").json()
        assert held["status"] == "pending"
        c.post(f"/api/v1/comments/{held['id']}/approve", headers={"Authorization": f"Bearer {key}"})
        assert (
            post(
                c,
                first,
                "I disagree with the second point, but the data is interesting.",
                email="NEW@example.org",
            ).json()["status"]
            == "approved"
        )


def test_required_fields_and_avatars(server, make_site):
    site, _ = make_site(require_email=True, require_name=True, avatars=True)
    with server.client() as c:
        r = post(c, site, HAM, author="")
        assert r.status_code == 422 and "name" in r.json()["detail"]
        r = post(c, site, HAM)
        assert r.status_code == 422 and "e-mail" in r.json()["detail"]
        assert post(c, site, HAM, email="a@example.org").status_code == 201
        [one] = public(c, site)["comments"]
    assert len(one["avatar"]) == 32 and "a@example.org" not in str(one)


def test_website_is_linked_only_on_approved_comments(server, make_site):
    site, key = make_site(moderation="all")
    with server.client() as c:
        made = post(c, site, HAM, website="https://mine.example.org").json()
        assert c.get(f"/api/v1/comments/{made['id']}").json()["website"] is None
        c.post(f"/api/v1/comments/{made['id']}/approve", headers={"Authorization": f"Bearer {key}"})
        assert public(c, site)["comments"][0]["website"] == "https://mine.example.org"


def test_links_mode_sees_every_kind_of_link():
    from porch.server.domain.render import has_links

    assert not has_links(HAM)
    for text in (
        "see https://x.example.org",
        "[here](https://x.example.org)",
        "www.example.org",
        "<http://a.b>",
    ):
        assert has_links(text), text
