"""The dashboard over HTTP, against a real `porch serve` on SQLite and PostgreSQL.

What a moderator (or an attacker) can do with plain requests: every page and action refuses
without a session, every state-changing form refuses without the session's CSRF token, a
moderator of one site sees and changes nothing of another, owner pages refuse moderators; the
queues show what the engine said, actions work as plain forms and as admin.js's JSON calls,
search and a commenter's history find the right comments, settings are validated, keys are
created once and revoked. Comments are posted through the public API as readers do.
"""

from __future__ import annotations

import re
import time

import httpx
import pytest

SPAM_AUTHOR = "akismet-guaranteed-spam"  # the Akismet test value: always spam
HAM = "Thanks for writing this up, the part about the garden path was really useful to me."


def status_of(store, comment_id: int) -> str | None:

    row = store.comments.get(comment_id)
    return row.status if row is not None else None


def routes(site, comment_id: int) -> tuple[list[str], list[tuple[str, dict]]]:
    s = site.public_id
    pages = [
        "/admin/",
        f"/admin/{s}/",
        f"/admin/{s}/?status=spam",
        f"/admin/{s}/search?q=x",
        f"/admin/{s}/history?comment={comment_id}&by=email",
        f"/admin/{s}/settings",
        f"/admin/{s}/keys",
        f"/admin/{s}/moderators",
        f"/admin/{s}/report",
    ]
    actions = [
        (f"/admin/{s}/comments/{comment_id}", {"action": "approve"}),
        (f"/admin/{s}/bulk", {"action": "approve", "ids": str(comment_id)}),
        (f"/admin/{s}/undo", {}),
        (f"/admin/{s}/comments/{comment_id}/reply", {"text": "hello"}),
        (f"/admin/{s}/settings", {"moderation": "none"}),
        (f"/admin/{s}/keys", {}),
        (f"/admin/{s}/keys/1/revoke", {}),
        (f"/admin/{s}/moderators", {"email": "x@example.org"}),
        (f"/admin/{s}/moderators/1/remove", {}),
        ("/admin/logout", {}),
    ]
    return pages, actions


def test_every_route_refuses_without_a_session(server, store, make_site, post_comment):
    site, _ = make_site(moderation="all")
    held = post_comment(site, HAM, email="ann@example.org")
    pages, actions = routes(site, held["id"])
    with server.client(follow_redirects=False) as anonymous:
        for url in pages:
            r = anonymous.get(url)
            assert r.status_code == 303, url
            assert r.headers["location"].startswith("/admin/login?next=%2Fadmin%2F"), url
        for url, data in actions:
            r = anonymous.post(url, data=data)
            assert r.status_code == 401, url
            assert "log in" in r.text.lower(), url
            r = anonymous.post(url, data=data, headers={"Accept": "application/json"})
            assert r.status_code == 401 and "detail" in r.json(), url
    assert status_of(store, held["id"]) == "pending"


def test_csrf_is_enforced_on_every_state_change(server, store, make_site, post_comment, moderator):
    site, _ = make_site(moderation="all")
    held = post_comment(site, HAM)
    owner = moderator(site, "owner")
    _, actions = routes(site, held["id"])
    for url, data in actions:
        for token in (None, "wrong-token"):
            body = dict(data, **({"csrf": token} if token else {}))
            r = owner.client.post(url, data=body)
            assert r.status_code == 403, (url, token)
            assert "CSRF" in r.text
    assert status_of(store, held["id"]) == "pending"
    assert owner.client.get("/admin/").status_code == 200  # the logout without a token did nothing
    # the right token in the header (admin.js) or the form (plain forms) works
    r = owner.post(
        f"/admin/{site.public_id}/comments/{held['id']}",
        data={"action": "approve"},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 200, r.text
    assert status_of(store, held["id"]) == "approved"


def test_a_moderator_of_one_site_sees_and_changes_nothing_of_another(
    server, store, make_site, post_comment, moderator
):
    mine, _ = make_site(moderation="all")
    theirs, _ = make_site(moderation="all")
    other = post_comment(theirs, HAM + " (the other site)", author="Bob", email="bob@example.org")
    mod = moderator(mine)
    pages, actions = routes(theirs, other["id"])
    for url in pages[1:]:
        r = mod.client.get(url)
        assert r.status_code == 404, url
        assert "bob" not in r.text.lower()
    for url, data in actions[:-1]:
        assert mod.post(url, data={**data, "csrf": mod.csrf}).status_code == 404, url
    # nor through its own site's URLs, with the other site's comment id
    s = mine.public_id
    assert (
        mod.post(f"/admin/{s}/comments/{other['id']}", data={"action": "spam", "csrf": mod.csrf}).status_code
        == 404
    )
    assert mod.client.get(f"/admin/{s}/history?comment={other['id']}&by=email").status_code == 404
    r = mod.post(
        f"/admin/{s}/bulk",
        data={"action": "delete", "ids": str(other["id"]), "csrf": mod.csrf},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 200 and "error" in r.json()["results"][0]
    assert mod.client.get(f"/admin/{s}/search", params={"q": "other site"}).text.count('class="comment ') == 0
    assert status_of(store, other["id"]) == "pending"
    sites = mod.client.get("/admin/").text
    assert s in sites and theirs.public_id not in sites


def test_owner_pages_refuse_moderators(server, make_site, moderator):
    site, _ = make_site()
    mod = moderator(site, "moderator")
    s = site.public_id
    for url in (f"/admin/{s}/settings", f"/admin/{s}/keys", f"/admin/{s}/moderators"):
        assert mod.client.get(url).status_code == 403, url
    for url in (
        f"/admin/{s}/settings",
        f"/admin/{s}/keys",
        f"/admin/{s}/keys/1/revoke",
        f"/admin/{s}/moderators",
        f"/admin/{s}/moderators/{mod.account_id}/remove",
    ):
        assert (
            mod.post(url, data={"csrf": mod.csrf, "moderation": "all", "email": mod.email}).status_code == 403
        ), url
    queue = mod.client.get(f"/admin/{s}/")
    assert queue.status_code == 200
    assert "/settings" not in queue.text  # no links to pages the role cannot open


def test_login_logout_and_the_next_parameter(server, make_site, accounts):
    site, _ = make_site()
    email = f"login-{time.monotonic_ns()}@example.org"
    account = accounts.create(email, "a long enough password")
    accounts.grant(account.id, site.id, "owner")
    with server.client(follow_redirects=False) as browser:
        form = browser.get(f"/admin/login?next=/admin/{site.public_id}/")
        assert form.status_code == 200 and 'name="password"' in form.text
        r = browser.post("/admin/login", data={"email": email, "password": "not it", "next": "/admin/"})
        assert r.status_code == 401 and "Wrong e-mail address or password." in r.text
        for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
            r = browser.post(
                "/admin/login", data={"email": email, "password": "a long enough password", "next": evil}
            )
            assert r.status_code == 303 and r.headers["location"] == "/admin/", evil
        r = browser.post(
            "/admin/login",
            data={
                "email": email,
                "password": "a long enough password",
                "next": f"/admin/{site.public_id}/?status=spam",
            },
        )
        assert r.headers["location"] == f"/admin/{site.public_id}/?status=spam"
        page = browser.get("/admin/")
        assert page.status_code == 200 and site.public_id in page.text
        token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
        r = browser.post("/admin/logout", data={"csrf": token})
        assert r.status_code == 303
        assert browser.get("/admin/").status_code == 303


def test_a_login_form_posted_from_another_site_is_refused(server, accounts):
    email = f"origin-{time.monotonic_ns()}@example.org"
    accounts.create(email, "a long enough password")
    form = {"email": email, "password": "a long enough password"}
    host = server.url.split("//", 1)[1]
    with server.client(follow_redirects=False) as browser:
        r = browser.post("/admin/login", data=form, headers={"Origin": "https://evil.example"})
        assert r.status_code == 403 and "porch_session" not in r.headers.get("set-cookie", "")
        # The server's own origin passes, also as https:// (a TLS proxy in front, plain HTTP behind).
        for origin in (server.url, f"https://{host}"):
            r = browser.post("/admin/login", data=form, headers={"Origin": origin})
            assert r.status_code == 303 and "porch_session" in r.headers["set-cookie"], origin


def test_a_throttled_login_says_how_long_to_wait(server, accounts):
    email = f"throttle-{time.monotonic_ns()}@example.org"
    accounts.create(email, "a long enough password")
    with server.client() as browser:
        answers = [
            browser.post("/admin/login", data={"email": email, "password": f"wrong {i}"}) for i in range(6)
        ]
    last = answers[-1]
    assert last.status_code == 429 and "Retry-After" in last.headers
    assert re.search(r"try again in \d+ (seconds|minutes)", last.text)


def test_the_queue_shows_what_the_engine_said_and_actions_work_as_forms(
    server, store, make_site, post_comment, moderator
):
    site, _ = make_site(moderation="all")
    held = post_comment(
        site,
        "A thoughtful comment about the article's second point.",
        author="Cora",
        email="cora@example.org",
        uri="/posts/second",
    )
    spam = post_comment(site, "Visit my shop for cheap watches.", author=SPAM_AUTHOR, email="s@example.org")
    mod = moderator(site)
    s = site.public_id
    page = mod.client.get(f"/admin/{s}/")
    assert page.status_code == 200
    row = page.text[page.text.index(f'id="c{held["id"]}"') :]
    for shown in ("Cora", "cora@example.org", "127.0.0.1", "/posts/second", "content model:", "score"):
        assert shown in row, shown
    assert SPAM_AUTHOR not in page.text  # the spam queue is elsewhere
    spam_page = mod.client.get(f"/admin/{s}/?status=spam").text
    assert SPAM_AUTHOR in spam_page and "spam" in spam_page

    back = f"/admin/{s}/?status=pending"
    r = mod.client.post(
        f"/admin/{s}/comments/{held['id']}", data={"action": "approve", "csrf": mod.csrf, "back": back}
    )
    assert r.status_code == 303 and r.headers["location"].startswith(back)
    after = mod.client.get(r.headers["location"]).text
    assert "Approved." in after and 'id="banner-undo"' in after
    thread = httpx.get(server.url + "/api/v1/comments", params={"site": s, "uri": "/posts/second"}).json()
    assert [c["author"] for c in thread["comments"]] == ["Cora"]

    r = mod.client.post(f"/admin/{s}/undo", data={"csrf": mod.csrf, "back": back})
    assert r.status_code == 303 and "Undone" in mod.client.get(r.headers["location"]).text
    assert status_of(store, held["id"]) == "pending"

    mod.client.post(f"/admin/{s}/comments/{held['id']}", data={"action": "approve", "csrf": mod.csrf})
    r = mod.client.post(
        f"/admin/{s}/comments/{held['id']}/reply",
        data={"csrf": mod.csrf, "text": "Thanks, *Cora*!", "back": back},
    )
    assert r.status_code == 303 and "Reply published" in mod.client.get(r.headers["location"]).text
    thread = httpx.get(server.url + "/api/v1/comments", params={"site": s, "uri": "/posts/second"}).json()
    assert "<em>Cora</em>" in thread["comments"][0]["replies"][0]["html"]
    assert spam["id"] not in [c["id"] for c in thread["comments"]]


def test_json_actions_bulk_and_the_honest_note(server, store, make_site, post_comment, moderator):
    site, _ = make_site(moderation="all")
    held = [
        post_comment(site, f"Held comment number {i} about gardening and soil.", email=f"g{i}@example.org")
        for i in range(3)
    ]
    spam = post_comment(site, "Buy cheap pills, best prices on pills, pills pills pills.", author=SPAM_AUTHOR)
    mod = moderator(site)
    s = site.public_id
    json = {"Accept": "application/json"}
    r = mod.post(
        f"/admin/{s}/bulk", data={"action": "approve", "ids": [str(h["id"]) for h in held[:2]]}, headers=json
    )
    assert r.status_code == 200
    body = r.json()
    assert [x["status"] for x in body["results"]] == ["approved", "approved"]
    assert body["message"].startswith("Approved: 2 comments.")
    assert [status_of(store, h["id"]) for h in held] == ["approved", "approved", "pending"]

    r = mod.post(f"/admin/{s}/comments/{spam['id']}", data={"action": "ham"}, headers=json)
    answer = r.json()
    assert answer["results"][0]["learned"] == "ham"
    # one "not spam" on a comment that plainly reads as spam does not flip the engine, and says so
    assert answer["note"] and "bounded step" in answer["note"]
    r = mod.post(f"/admin/{s}/bulk", data={"action": "approve"}, headers=json)
    assert r.status_code == 400 and "select" in r.json()["detail"]
    r = mod.post(f"/admin/{s}/comments/{held[2]['id']}", data={"action": "explode"}, headers=json)
    assert r.status_code == 400


def test_search_and_a_commenters_history(server, store, make_site, post_comment, moderator):
    site, _ = make_site(moderation="first")
    a1 = post_comment(
        site,
        "First words from Dana about the tulips.",
        author="Dana",
        email="dana@example.org",
        uri="/tulips",
    )
    a2 = post_comment(
        site, "Dana again, now about roses.", author="Dana", email="Dana@Example.org", uri="/roses"
    )
    b = post_comment(
        site, "Eli writes about tulips as well.", author="Eli", email="eli@example.org", uri="/tulips"
    )
    spam = post_comment(site, "Cheap tulip bulbs at my shop.", author=SPAM_AUTHOR, email="dana@example.org")
    mod = moderator(site)
    s = site.public_id

    def found(**params) -> set[int]:
        r = mod.client.get(f"/admin/{s}/search", params=params)
        assert r.status_code == 200
        return {int(i) for i in re.findall(r'<article class="comment[^"]*" id="c(\d+)"', r.text)}

    assert found(q="TULIP", field="text") == {a1["id"], b["id"], spam["id"]}
    assert found(q="tulip", field="text", status="pending") == {a1["id"], b["id"]}
    assert found(q="eli", field="author") == {b["id"]}
    assert found(q="dana@example", field="email") == {a1["id"], a2["id"], spam["id"]}
    assert found(q="/roses", field="page") == {a2["id"]}
    assert found(q="127.0.", field="ip") == {a1["id"], a2["id"], b["id"], spam["id"]}
    assert found(q="100%_", field="text") == set()  # wildcards are taken literally
    assert mod.client.get(f"/admin/{s}/search", params={"q": "x", "field": "password"}).status_code == 400

    history = mod.client.get(f"/admin/{s}/history", params={"comment": a1["id"], "by": "email"})
    ids = {int(i) for i in re.findall(r'<article class="comment[^"]*" id="c(\d+)"', history.text)}
    assert ids == {a1["id"], a2["id"], spam["id"]}  # the same address, whatever its case
    assert "spam: 1" in history.text and "pending: 2" in history.text
    by_ip = mod.client.get(f"/admin/{s}/history", params={"comment": b["id"], "by": "ip"}).text
    assert len(re.findall(r'<article class="comment', by_ip)) == 4


def test_settings_are_validated_and_saved(server, store, make_site, moderator):
    site, _ = make_site()
    owner = moderator(site, "owner")
    s = site.public_id
    form = owner.client.get(f"/admin/{s}/settings")
    assert form.status_code == 200
    assert "Retention" in form.text and "days" in form.text  # operator-wide, read-only
    assert "This server sends no e-mail" in form.text  # the test server has no SMTP settings
    good = {
        "csrf": owner.csrf,
        "moderation": "links",
        "edit_window_minutes": "5",
        "reply_depth": "2",
        "default_sort": "newest",
        "max_length": "2000",
        "require_name": "on",
        "allowed_origins": f"{site.url}\nhttps://mirror.example.org\n",
    }
    for bad, message in (
        ({"max_length": "lots"}, "Maximum length: enter a number"),
        ({"max_length": "0"}, "maximum length must be between"),
        ({"moderation": "sometimes"}, "moderation must be one of"),
        ({"allowed_origins": "not a url"}, "allowed origins are like"),
        ({"reply_depth": "99"}, "reply depth must be between"),
    ):
        r = owner.client.post(f"/admin/{s}/settings", data={**good, **bad})
        assert r.status_code == 422, bad
        assert message in r.text, bad
    assert store.sites.get(site.id).settings.get("comments", {}).get("moderation") is None  # nothing saved
    r = owner.client.post(f"/admin/{s}/settings", data=good)
    assert r.status_code == 303
    saved = store.sites.get(site.id).settings
    assert saved["comments"]["moderation"] == "links" and saved["comments"]["edit_window_seconds"] == 300
    assert saved["comments"]["require_name"] is True and saved["comments"]["require_email"] is False
    assert saved["comments"]["allowed_origins"] == [site.url.lower(), "https://mirror.example.org"]
    assert saved.get("learning") == "own"  # other settings are kept
    config = httpx.get(f"{server.url}/api/v1/sites/{s}/config").json()
    assert config["moderation"] == "links" and config["max_length"] == 2000


def test_api_keys_are_shown_once_and_revoked(server, make_site, moderator):
    site, first_key = make_site()
    owner = moderator(site, "owner")
    s = site.public_id
    r = owner.client.post(f"/admin/{s}/keys", data={"csrf": owner.csrf})
    assert r.status_code == 200
    key = re.search(r'<code id="new-key">([0-9a-f]{32})</code>', r.text).group(1)
    listing = owner.client.get(f"/admin/{s}/keys").text
    assert key not in listing and key[:6] in listing and first_key[:6] in listing
    auth = {"Authorization": f"Bearer {key}"}
    assert httpx.get(server.url + "/api/v1/moderation", headers=auth).status_code == 200
    key_id = re.search(
        rf'/keys/(\d+)/revoke" class="inline">\s*<input[^>]+>\s*<button[^>]+key {key[:6]}', listing
    ).group(1)
    r = owner.client.post(f"/admin/{s}/keys/{key_id}/revoke", data={"csrf": owner.csrf})
    assert r.status_code == 303
    assert owner.client.post(f"/admin/{s}/keys/{key_id}/revoke", data={"csrf": owner.csrf}).status_code == 404
    deadline = time.monotonic() + 10  # the server caches a key for a second
    while httpx.get(server.url + "/api/v1/moderation", headers=auth).status_code != 401:
        assert time.monotonic() < deadline, "the revoked key still works"
        time.sleep(0.2)
    assert "revoked" in owner.client.get(f"/admin/{s}/keys").text


def test_owners_add_and_remove_moderators(server, make_site, moderator, accounts):
    site, _ = make_site()
    owner = moderator(site, "owner")
    s = site.public_id
    newcomer = moderator([])  # an account with no role anywhere yet
    assert newcomer.client.get(f"/admin/{s}/").status_code == 404
    r = owner.client.post(f"/admin/{s}/moderators", data={"csrf": owner.csrf, "email": "nobody@example.org"})
    assert r.status_code == 422 and "porch admin create" in r.text
    r = owner.client.post(
        f"/admin/{s}/moderators",
        data={"csrf": owner.csrf, "email": newcomer.email.upper(), "role": "moderator"},
    )
    assert r.status_code == 303
    assert newcomer.email in owner.client.get(f"/admin/{s}/moderators").text
    deadline = time.monotonic() + 10  # sessions are cached for a second
    while newcomer.client.get(f"/admin/{s}/").status_code != 200:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    r = owner.client.post(f"/admin/{s}/moderators/{owner.account_id}/remove", data={"csrf": owner.csrf})
    assert r.status_code == 409 and "only one" in r.text
    r = owner.client.post(f"/admin/{s}/moderators/{newcomer.account_id}/remove", data={"csrf": owner.csrf})
    assert r.status_code == 303
    assert [m[0] for m in accounts.members(site.id)] == [owner.account_id]


def test_security_headers_and_cached_static_files(server, make_site, moderator):
    site, _ = make_site()
    mod = moderator(site)
    for url in (
        "/admin/login",
        f"/admin/{site.public_id}/",
        f"/admin/{site.public_id}/report",
        "/admin/nowhere/",
    ):
        r = mod.client.get(url) if "login" not in url else httpx.get(server.url + url)
        csp = r.headers["content-security-policy"]
        assert (
            "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        ), url
        assert r.headers["x-frame-options"] == "DENY" and r.headers["referrer-policy"] == "same-origin", url
        assert r.headers["cache-control"] == "no-store", url
        assert "<script>" not in r.text and " onclick=" not in r.text, url
    page = mod.client.get(f"/admin/{site.public_id}/").text
    js = re.search(r'src="(/admin/static/admin\.js\?v=[0-9a-f]+)"', page).group(1)
    r = mod.client.get(js)
    assert r.status_code == 200 and "immutable" in r.headers["cache-control"]
    assert mod.client.get(js, headers={"If-None-Match": r.headers["etag"]}).status_code == 304
    assert mod.client.get("/admin/static/auth.py").status_code == 404


@pytest.mark.parametrize("status", ["pending", "spam", "approved", "deleted"])
def test_every_queue_renders(server, make_site, post_comment, moderator, status):
    site, _ = make_site(moderation="all")
    post_comment(
        site, "<script>alert(1)</script> **bold** and <b>raw</b>", author="<img src=x onerror=alert(1)>"
    )
    mod = moderator(site)
    r = mod.client.get(f"/admin/{site.public_id}/", params={"status": status})
    assert r.status_code == 200
    assert "<script>alert" not in r.text and "<img src=x" not in r.text  # escaped, never markup
    assert mod.client.get(f"/admin/{site.public_id}/", params={"status": "lost"}).status_code == 400
    report = mod.client.get(f"/admin/{site.public_id}/report")
    assert report.status_code == 200 and "precision" in report.text and "<svg" in report.text


def test_an_owner_sets_shorter_retention_for_the_site(server, store, make_site, moderator):
    site, _ = make_site()
    owner = moderator(site, "owner")
    s = site.public_id
    form = owner.client.get(f"/admin/{s}/settings")
    assert 'name="deleted_retention_days"' in form.text and "at most 30 days" in form.text
    base = {
        "csrf": owner.csrf,
        "moderation": "none",
        "default_sort": "oldest",
        "edit_window_minutes": "15",
        "reply_depth": "5",
        "max_length": "10000",
    }
    r = owner.client.post(
        f"/admin/{s}/settings",
        data={**base, "deleted_retention_days": "7", "comment_ip_retention_days": "1.5"},
    )
    assert r.status_code == 303, r.text
    saved = store.sites.get(site.id).settings["comments"]
    assert saved["deleted_retention_days"] == 7 and saved["comment_ip_retention_days"] == 1.5
    r = owner.client.post(f"/admin/{s}/settings", data={**base, "deleted_retention_days": "-1"})
    assert r.status_code == 422 and "between 0 and 3,650 days" in r.text
    r = owner.client.post(
        f"/admin/{s}/settings",
        data={**base, "deleted_retention_days": "", "comment_ip_retention_days": "1.5"},
    )
    assert r.status_code == 303
    saved = store.sites.get(site.id).settings["comments"]
    assert saved["deleted_retention_days"] is None  # blank: the server's period again
