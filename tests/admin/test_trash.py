"""A moderator's delete is a trash bin: the comment leaves the page at once, stays (text, author,
e-mail) for the dashboard's deleted queue and for undo, and is erased after
`deleted_retention_days` — gone, or an anonymous placeholder when replies hang under it."""

from __future__ import annotations

import pytest

from support import servers
from support.servers import start_server, store_for, wait_for

HAM = "Thanks for the thoughtful write-up, I learned a lot from the section on soil."


@pytest.fixture(scope="module")
def trash_server(backend):
    s = start_server(
        backend.database("trash"),
        backend.tmp / "trash",
        env={"PORCH_DELETED_RETENTION_DAYS": str(2 / 86400), "PORCH_RETENTION_INTERVAL_SECONDS": "0.5"},
    )
    yield s
    s.stop()


def test_moderator_delete_keeps_the_comment_until_its_retention_ends(trash_server):
    store = store_for(trash_server.database_url)
    site, key = store.sites.add("https://trash.example.org", "trash")

    comments = store.comments
    mod = {"Authorization": f"Bearer {key}"}
    with trash_server.client() as c:

        def post(text, **kw):
            return c.post(
                "/api/v1/comments",
                json={
                    "site": site.public_id,
                    "uri": "/p",
                    "author": "Ann",
                    "email": "ann@example.org",
                    "text": text,
                    **kw,
                },
            ).json()

        leaf, top = post(HAM), post("Great photos of the porch, which wood did you use for the steps?")
        reply = post("I agree, our garden did much better after we changed the soil too.", parent=top["id"])
        assert [leaf["status"], top["status"], reply["status"]] == ["approved"] * 3, (leaf, top, reply)
        for made in (leaf, top):
            r = c.delete(f"/api/v1/comments/{made['id']}", headers=mod)
            assert r.status_code == 200 and r.json() == {"id": made["id"], "status": "deleted"}
        listed = c.get("/api/v1/comments", params={"site": site.public_id, "uri": "/p"}).json()
        assert [n["id"] for n in listed["comments"]] == [top["id"]]  # the placeholder, for its reply
        assert listed["comments"][0]["author"] == "" and listed["comments"][0]["html"] == ""
        assert [n["id"] for n in listed["comments"][0]["replies"]] == [reply["id"]]
        assert listed["total"] == 1

        # Erased once the (here: two-second) retention is over: the leaf entirely, the parent's
        # text, name and address (it stays a placeholder for its reply).
        assert wait_for(lambda: comments.get(leaf["id"]) is None, timeout=30)
        kept = wait_for(
            lambda: (lambda r: r if r is not None and r.text == "" else None)(comments.get(top["id"])),
            timeout=30,
        )
        assert kept.status == "deleted" and kept.author == "" and kept.email is None
        assert comments.get(reply["id"]).status == "approved"
    store.engine.dispose()


@pytest.fixture(scope="module")
def sweeping_server(backend):
    """The server's retention as shipped (30 days), swept every half second."""
    s = start_server(
        backend.database("sitekeep"),
        backend.tmp / "sitekeep",
        env={"PORCH_RETENTION_INTERVAL_SECONDS": "0.5"},
    )
    yield s
    s.stop()


def test_a_site_may_keep_less_than_the_server(sweeping_server):
    store = store_for(sweeping_server.database_url)

    comments = store.comments
    brief, _ = servers.comment_site(
        store, comment_ip_retention_days=2 / 86400, deleted_retention_days=2 / 86400
    )
    usual, _ = servers.comment_site(store)
    made = {}
    with sweeping_server.client() as c:
        for site in (brief, usual):
            r = c.post(
                "/api/v1/comments", json={"site": site.public_id, "uri": "/p", "author": "Ann", "text": HAM}
            )
            gone = c.post(
                "/api/v1/comments",
                json={
                    "site": site.public_id,
                    "uri": "/q",
                    "author": "Ann",
                    "text": "Great photos of the porch, which wood did you use?",
                },
            )
            made[site.id] = (r.json()["id"], gone.json()["id"])
            key = store.sites.new_key(site.public_id)[1]
            assert (
                c.delete(
                    f"/api/v1/comments/{made[site.id][1]}", headers={"Authorization": f"Bearer {key}"}
                ).json()["status"]
                == "deleted"
            )
        assert "2 s" in c.get(f"/privacy/{brief.public_id}?lang=en").text  # the site's own periods
        assert "30 days" in c.get(f"/privacy/{usual.public_id}?lang=en").text
    kept, erased = made[brief.id]
    assert wait_for(lambda: comments.get(kept).ip_cut, timeout=30)  # cut to its network
    assert wait_for(lambda: comments.get(erased) is None, timeout=30)
    # the other site keeps the server's 30 days: its IP and its deleted comment are still there
    assert not comments.get(made[usual.id][0]).ip_cut
    assert comments.get(made[usual.id][1]).text != ""
    store.engine.dispose()
