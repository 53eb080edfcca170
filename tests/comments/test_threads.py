"""Round trips through a real `porch serve`: post, reply, list (nested, sorted, paginated), edit and
delete within and after the edit window, likes, counts and Atom feeds — on SQLite and PostgreSQL."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET

from comment_helpers import post

HAM = [
    "Thanks for the thoughtful write-up, I learned a lot from the section on soil.",
    "I disagree with the second point, but the data is interesting.",
    "Great recipe, we made it on Sunday and the kids loved it.",
    "My grandmother used to make these every Christmas, brings back so many memories.",
]


def listing(c, site, uri="/post/1", **params):
    r = c.get("/api/v1/comments", params={"site": site.public_id, "uri": uri, **params})
    assert r.status_code == 200, r.text
    return r.json()


def test_post_reply_and_nested_list(server, make_site):
    site, _ = make_site()
    with server.client() as c:
        r = post(c, site, HAM[0], email="ann@example.org", website="https://ann.example.org")
        assert r.status_code == 201, r.text
        top = r.json()
        assert top["status"] == "approved" and top["edit_token"] and "<p>" in top["html"]
        assert f"porch_edit_{top['id']}" in r.headers["set-cookie"] and "HttpOnly" in r.headers["set-cookie"]
        reply = post(c, site, HAM[1], parent=top["id"]).json()
        deeper = post(c, site, HAM[2], parent=reply["id"]).json()
        assert reply["status"] == deeper["status"] == "approved"
    with server.client() as anon:
        body = listing(anon, site)
    assert body["total"] == 3 and body["cursor"] is None
    [first] = body["comments"]
    assert first["id"] == top["id"] and first["website"] == "https://ann.example.org"
    assert first["replies"][0]["id"] == reply["id"]
    assert first["replies"][0]["replies"][0]["id"] == deeper["id"]
    assert "ann@example.org" not in str(body) and "email" not in first and "203.0.113" not in str(body)


def test_reply_depth_is_capped(server, make_site):
    site, _ = make_site(reply_depth=1)
    with server.client() as c:
        a = post(c, site, HAM[0]).json()
        b = post(c, site, HAM[1], parent=a["id"]).json()
        d = post(c, site, HAM[2], parent=b["id"]).json()
        assert d["parent"] == a["id"]  # attached to the deepest allowed ancestor
        tree = listing(c, site)["comments"][0]
    assert [r["id"] for r in tree["replies"]] == [b["id"], d["id"]]


def test_sorts_and_cursor_pagination(server, make_site):
    site, _ = make_site()
    with server.client() as c:
        ids = [post(c, site, f"{HAM[i % 4]} ({i})", uri="/long").json()["id"] for i in range(7)]
        c.post(f"/api/v1/comments/{ids[3]}/like")
        seen, cursor = [], None
        while True:
            page = listing(c, site, "/long", limit=3, **({"cursor": cursor} if cursor else {}))
            assert page["total"] == 7
            seen += [x["id"] for x in page["comments"]]
            cursor = page["cursor"]
            if cursor is None:
                break
        assert seen == ids
        newest = listing(c, site, "/long", sort="newest", limit=2)
        assert [x["id"] for x in newest["comments"]] == ids[::-1][:2]
        rest = listing(c, site, "/long", sort="newest", limit=10, cursor=newest["cursor"])
        assert [x["id"] for x in rest["comments"]] == ids[::-1][2:]
        top = listing(c, site, "/long", sort="top", limit=2)
        assert top["comments"][0]["id"] == ids[3] and top["comments"][0]["likes"] == 1
        top2 = listing(c, site, "/long", sort="top", limit=10, cursor=top["cursor"])
        assert sorted([x["id"] for x in top["comments"] + top2["comments"]]) == ids
        assert (
            c.get(
                "/api/v1/comments", params={"site": site.public_id, "uri": "/long", "cursor": "bogus"}
            ).status_code
            == 400
        )


def test_default_sort_is_a_site_setting(server, make_site):
    site, _ = make_site(default_sort="newest")
    with server.client() as c:
        ids = [post(c, site, HAM[i]).json()["id"] for i in range(2)]
        assert [x["id"] for x in listing(c, site)["comments"]] == ids[::-1]


def test_edit_and_delete_within_and_after_the_window(server, make_site):
    site, _ = make_site(edit_window_seconds=1)
    with server.client() as author, server.client() as stranger:
        made = post(author, site, HAM[0]).json()
        cid, token = made["id"], made["edit_token"]
        assert stranger.patch(f"/api/v1/comments/{cid}", json={"text": HAM[1]}).status_code == 403
        assert (
            stranger.patch(
                f"/api/v1/comments/{cid}",
                json={"text": HAM[1]},
                headers={"Authorization": f"Bearer {cid}.{'0' * 32}"},
            ).status_code
            == 403
        )
        r = stranger.patch(
            f"/api/v1/comments/{cid}", json={"text": HAM[1]}, headers={"Authorization": f"Bearer {token}"}
        )
        assert r.status_code == 200 and "disagree" in r.json()["html"] and r.json()["status"] == "approved"
        # the cookie set on creation works as well as the header
        assert author.patch(f"/api/v1/comments/{cid}", json={"text": HAM[2]}).status_code == 200
        assert "recipe" in listing(stranger, site)["comments"][0]["html"]
        assert listing(stranger, site)["comments"][0]["modified"] is not None
        time.sleep(1.2)
        r = author.patch(f"/api/v1/comments/{cid}", json={"text": HAM[3]})
        assert r.status_code == 403 and "edit window" in r.json()["detail"]
        assert author.delete(f"/api/v1/comments/{cid}").status_code == 403
        other = post(author, site, HAM[3]).json()
        assert author.delete(f"/api/v1/comments/{other['id']}").json()["status"] == "removed"
        assert [x["id"] for x in listing(stranger, site)["comments"]] == [cid]


def test_deleted_comment_with_replies_leaves_a_placeholder(server, make_site):
    site, key = make_site()
    with server.client() as c:
        a = post(c, site, HAM[0], website="https://a.example.org").json()
        b = post(c, site, HAM[1], parent=a["id"]).json()
        assert c.delete(f"/api/v1/comments/{a['id']}").json()["status"] == "deleted"
        [top] = listing(c, site)["comments"]
        assert (
            top["status"] == "deleted"
            and top["html"] == ""
            and top["author"] == ""
            and top["website"] is None
        )
        assert top["replies"][0]["id"] == b["id"]
        r = post(c, site, HAM[2], parent=a["id"])
        assert r.status_code == 409 and "deleted" in r.json()["detail"]
        # the moderator removes the reply: nothing is left to hold the placeholder up
        assert (
            c.delete(f"/api/v1/comments/{b['id']}", headers={"Authorization": f"Bearer {key}"}).status_code
            == 200
        )
        assert listing(c, site)["comments"] == []


def test_like_once_per_visitor_toggles(server, make_site):
    site, _ = make_site()
    with server.client() as c:
        cid = post(c, site, HAM[0]).json()["id"]
        assert c.post(f"/api/v1/comments/{cid}/like").json() == {"liked": True, "likes": 1}
        # a forged X-Forwarded-For from an untrusted peer changes nothing: still the same visitor
        assert c.post(f"/api/v1/comments/{cid}/like", headers={"X-Forwarded-For": "198.51.100.7"}).json() == {
            "liked": False,
            "likes": 0,
        }
        assert c.post(f"/api/v1/comments/{cid}/like").json()["likes"] == 1
        assert (
            c.post(f"/api/v1/comments/{cid}/like", headers={"User-Agent": "another browser"}).json()["likes"]
            == 2
        )
        assert c.post("/api/v1/comments/999999999/like").status_code == 404


def test_counts_for_many_pages(server, make_site):
    site, _ = make_site()
    with server.client() as c:
        for uri, n in (("/a", 2), ("/b", 1)):
            for i in range(n):
                post(c, site, HAM[i], uri=uri)
        r = c.get("/api/v1/counts", params={"site": site.public_id, "uri": ["/a", "/b", "/none"]})
        assert r.json() == {"counts": {"/a": 2, "/b": 1, "/none": 0}}
        many = [f"/p{i}" for i in range(100)]
        assert (
            len(c.get("/api/v1/counts", params={"site": site.public_id, "uri": many}).json()["counts"]) == 100
        )
        r = c.get("/api/v1/counts", params={"site": site.public_id, "uri": many + ["/one-too-many"]})
        assert r.status_code == 422 and "100" in r.text


def test_atom_feeds_for_a_page_and_a_site(server, make_site):
    site, _ = make_site()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    with server.client() as c:
        post(c, site, HAM[0] + " <b>bold</b>", uri="/one", title="Post one")
        post(c, site, HAM[1], uri="/two")
        page = ET.fromstring(c.get("/api/v1/feed", params={"site": site.public_id, "uri": "/one"}).content)
        whole = c.get("/api/v1/feed", params={"site": site.public_id})
    assert whole.headers["content-type"].startswith("application/atom+xml")
    entries = page.findall("a:entry", ns)
    assert len(entries) == 1 and "Post one" in entries[0].find("a:title", ns).text
    assert (
        "&lt;b&gt;" in entries[0].find("a:content", ns).text
    )  # the stored HTML, escaped as Markdown rendered it
    assert len(ET.fromstring(whole.content).findall("a:entry", ns)) == 2
