"""The worker's cache of rendered threads (server/threadcache.py) never shows a reader a stale page.

Every read below is preceded by a read of the same page, so it would be served from the cache if
the cache missed the change: an edit, a reply, a like, a delete, a moderator's approval or spam
mark, and a change written by another process straight into the database (as another worker
would) all show on the next read. Held comments stay out of what others see and in what their
author sees. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from comment_helpers import post

HAM = [
    "Thanks for the thoughtful write-up, I learned a lot from the section on soil.",
    "I disagree with the second point, but the data is interesting.",
    "Great recipe, we made it on Sunday and the kids loved it.",
    "My grandmother used to make these every Christmas, brings back so many memories.",
]


def page(c, site, **headers):
    """The page read twice (the second read is the one a cache would answer); its comments."""
    params = {"site": site.public_id, "uri": "/post/1", "limit": 1000}
    first = c.get("/api/v1/comments", params=params, headers=headers)
    again = c.get("/api/v1/comments", params=params, headers=headers)
    assert first.status_code == again.status_code == 200, again.text
    assert first.json() == again.json()
    return again.json()


def ids(body) -> list:
    """[(id, [reply ids])] of the top-level comments."""
    return [(x["id"], [r["id"] for r in x["replies"]]) for x in body["comments"]]


def test_every_change_is_visible_on_the_next_read(server, store, make_site):

    site, key = make_site()
    moderator = {"Authorization": f"Bearer {key}"}
    with server.client() as author, server.client() as reader:
        top = post(author, site, HAM[0]).json()
        assert ids(page(reader, site)) == [(top["id"], [])]

        reply = post(author, site, HAM[1], parent=top["id"]).json()
        assert ids(page(reader, site)) == [(top["id"], [reply["id"]])]
        assert page(reader, site)["total"] == 2

        assert author.patch(f"/api/v1/comments/{top['id']}", json={"text": HAM[2]}).status_code == 200
        assert "recipe" in page(reader, site)["comments"][0]["html"]

        assert reader.post(f"/api/v1/comments/{reply['id']}/like").json()["likes"] == 1
        assert page(reader, site)["comments"][0]["replies"][0]["likes"] == 1

        assert reader.post(f"/api/v1/comments/{reply['id']}/spam", headers=moderator).status_code == 200
        assert ids(page(reader, site)) == [(top["id"], [])]
        assert reader.post(f"/api/v1/comments/{reply['id']}/ham", headers=moderator).status_code == 200
        assert ids(page(reader, site)) == [(top["id"], [reply["id"]])]

        # another process (another worker) changes the comment in the database
        comments = store.comments
        assert comments.change(comments.get(top["id"]), html="<p>changed by another worker</p>")
        assert page(reader, site)["comments"][0]["html"] == "<p>changed by another worker</p>"

        assert author.delete(f"/api/v1/comments/{top['id']}").json()["status"] == "deleted"
        [placeholder] = page(reader, site)["comments"]
        assert placeholder["status"] == "deleted" and placeholder["html"] == ""
        assert author.delete(f"/api/v1/comments/{reply['id']}").json()["status"] == "removed"
        assert page(reader, site)["comments"] == []


def test_held_comments_are_seen_by_their_author_only(server, make_site):
    site, key = make_site(moderation="all")
    moderator = {"Authorization": f"Bearer {key}"}
    with server.client() as author, server.client() as other, server.client() as reader:
        first = post(author, site, HAM[0]).json()
        assert reader.post(f"/api/v1/comments/{first['id']}/approve", headers=moderator).status_code == 200
        assert ids(page(reader, site)) == [(first["id"], [])]  # now cached for the public

        held = post(other, site, HAM[1]).json()
        assert held["status"] == "pending"
        assert ids(page(reader, site)) == [(first["id"], [])]
        assert ids(page(author, site)) == [(first["id"], [])]  # an author of *another* comment
        mine = page(other, site)["comments"]
        assert [(x["id"], x["status"]) for x in mine] == [(first["id"], "approved"), (held["id"], "pending")]
        by_token = page(reader, site, Authorization=f"Bearer {held['edit_token']}")
        assert [x["id"] for x in by_token["comments"]] == [first["id"], held["id"]]
        assert [x["id"] for x in page(reader, site, **moderator)["comments"]] == [first["id"], held["id"]]
        assert ids(page(reader, site)) == [(first["id"], [])]  # and the public page is still without it

        assert reader.post(f"/api/v1/comments/{held['id']}/approve", headers=moderator).status_code == 200
        assert ids(page(reader, site)) == [(first["id"], []), (held["id"], [])]
