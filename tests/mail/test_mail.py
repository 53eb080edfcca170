"""E-mail, end to end: a real `porch serve` sends through a real SMTP server (aiosmtpd) on loopback.

What people would notice: moderators hear about held comments and can publish one from the mail
(a scanner's GET changes nothing; the button's POST does); a commenter who asks for replies gets a
confirmation first and nothing else until they confirm; a reply then reaches them, without anyone
else's address in it; one-click unsubscribe stops it; mail queued while SMTP was unreachable goes
out once it is back, across a restart; bad links are refused with a clear 4xx page.
"""

from __future__ import annotations

import time

import httpx

from mail_helpers import (
    SECRET,
    add_member,
    address,
    configure,
    free_port,
    links,
    mail_env,
    start_server,
    store_for,
    wait_for,
    whole,
)

HAM = "Thanks for the thoughtful write-up, I learned a lot from the section on soil."


def post(client, site, text, **fields):
    body = {"site": site.public_id, "uri": "/post/1", "author": "Ann", "text": text, **fields}
    r = client.post("/api/v1/comments", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def status_of(store, comment_id):

    return store.comments.get(comment_id).status


def test_held_comment_notifies_moderators_and_the_link_publishes_it(mail_server, mail_store, smtp, make_site):
    site, _ = make_site(moderation="all")
    mod, other = address("mod"), address("owner")
    add_member(mail_store, site, mod)
    add_member(mail_store, site, other, role="owner")
    author = address("author")
    with mail_server.client() as c:
        made = post(c, site, "A question about **soil**: does clay hold water longer?", email=author)
        assert made["status"] == "pending"
        notice = smtp.wait(mod)[0]
        assert smtp.wait(other)  # every member hears of it
        assert "held for moderation" in notice["Subject"] and "Ann" in notice["Subject"]
        text = notice.get_content()
        assert "does clay hold water longer" in text
        assert author not in whole(notice) and other not in whole(notice)  # no one else's address
        assert notice["Message-ID"] and notice["Date"] and notice["From"] == "comments@example.org"
        assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "/mail/unsubscribe/" in notice["List-Unsubscribe"]
        approve, spam = links(notice, "/mail/moderate/")
        # a link scanner fetching the page changes nothing
        page = httpx.get(approve)
        assert page.status_code == 200 and "does clay hold water longer" in page.text
        assert page.text.count("<button") == 1 and 'method="post"' in page.text
        assert status_of(mail_store, made["id"]) == "pending"
        assert httpx.get(spam).status_code == 200 and status_of(mail_store, made["id"]) == "pending"
        # the button publishes it
        done = httpx.post(approve)
        assert done.status_code == 200 and "Published" in done.text
        assert status_of(mail_store, made["id"]) == "approved"
        listed = c.get("/api/v1/comments", params={"site": site.public_id, "uri": "/post/1"}).json()
        assert [x["id"] for x in listed["comments"]] == [made["id"]]
        again = httpx.post(approve)  # a second press is harmless
        assert again.status_code == 200 and "Already published" in again.text


def test_a_moderator_who_unsubscribed_turns_notices_back_on_in_the_dashboard(
    mail_server, mail_store, smtp, make_site
):
    from porch.server.routes.sessions import SESSION_COOKIE

    site, _ = make_site(moderation="all")
    mod = address("mod")
    account_id = add_member(mail_store, site, mod)
    accounts = mail_store.accounts
    token = accounts.new_session(account_id)
    csrf = accounts.session_secret(token)[:40]
    with mail_server.client() as c, mail_server.client(follow_redirects=False) as dash:
        dash.cookies.set(SESSION_COOKIE, token)
        post(c, site, "First question: does clay hold water longer than sand?")
        notice = smtp.wait(mod)[0]
        assert (
            httpx.post(
                notice["List-Unsubscribe"].strip("<>"), data={"List-Unsubscribe": "One-Click"}
            ).status_code
            == 200
        )
        assert "You turned off e-mail notices" in dash.get(f"/admin/{site.public_id}/").text
        post(c, site, "Second question: and what about loam, is it in between?")
        time.sleep(1.5)  # several sender rounds (0.2 s each here): no notice may arrive
        assert len(smtp.to(mod)) == 1
        assert dash.post(f"/admin/{site.public_id}/notices", data={"csrf": "wrong"}).status_code == 403
        r = dash.post(f"/admin/{site.public_id}/notices", data={"csrf": csrf})
        assert r.status_code == 303
        assert "You turned off e-mail notices" not in dash.get(f"/admin/{site.public_id}/").text
        post(c, site, "Third question: does compost change any of this?")
        assert "Third question" in smtp.wait(mod, 2)[-1].get_content()


def test_spam_link_marks_spam(mail_server, mail_store, smtp, make_site):
    site, _ = make_site(moderation="all")
    mod = address("mod")
    add_member(mail_store, site, mod)
    with mail_server.client() as c:
        made = post(c, site, "Is the second edition of the book any different from the first one?")
        _, spam = links(smtp.wait(mod)[0], "/mail/moderate/")
        r = httpx.post(spam)
        assert r.status_code == 200 and "spam" in r.text
        assert status_of(mail_store, made["id"]) == "spam"


def test_reply_notifications_need_confirmation_and_stop_after_unsubscribe(
    mail_server, mail_store, smtp, make_site
):
    site, _ = make_site()
    ann, bob, carol, dave = address("ann"), address("bob"), address("carol"), address("dave")
    with mail_server.client() as c:
        parent = post(c, site, HAM, email=ann, notify=True)
        assert parent["status"] == "approved"
        confirm_mail = smtp.wait(ann)[0]
        assert "Confirm" in confirm_mail["Subject"]
        assert confirm_mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        (confirm,) = links(confirm_mail, "/mail/confirm/")

        # a reply before Ann confirmed: no mail to her. Bob's own confirmation mail is queued
        # after it and marks the point by which a reply notification would have been sent.
        post(
            c,
            site,
            "I agree with Ann, the soil section was the best part.",
            author="Bob",
            email=bob,
            parent=parent["id"],
            notify=True,
        )
        smtp.wait(bob)
        assert len(smtp.to(ann)) == 1

        # confirming: the page (what a scanner sees) does not confirm; the button does
        page = httpx.get(confirm)
        assert page.status_code == 200 and page.text.count("<button") == 1
        assert "are on" not in page.text
        done = httpx.post(confirm)
        assert done.status_code == 200 and "Reply notifications are on" in done.text

        reply_text = "Carol here: clay soils really do hold water longer, in my experience."
        post(c, site, reply_text, author="Carol", email=carol, parent=parent["id"])
        mails = smtp.wait(ann, 2)
        note = mails[1]
        assert "Carol replied" in note["Subject"]
        assert reply_text in note.get_content()
        assert "#porch-comment-" in note.get_content()
        everything = whole(note)
        for someone_else in (bob, carol, dave):
            assert someone_else not in everything
        assert note["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

        # Ann's reply to her own comment does not mail her
        post(c, site, "Thanks both!", email=ann, parent=parent["id"])

        # RFC 8058 one-click unsubscribe, as a mail client sends it
        target = note["List-Unsubscribe"].strip("<>")
        r = httpx.post(
            target,
            content=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert r.status_code == 200 and "no more e-mail" in r.text
        assert httpx.get(target).status_code == 200  # the page now says it is done

        post(
            c,
            site,
            "Dave: one more reply, which Ann should not hear of.",
            author="Dave",
            email=dave,
            parent=parent["id"],
            notify=True,
        )
        smtp.wait(dave)  # the marker, as above
        assert len(smtp.to(ann)) == 2
        # and the old confirmation link does not subscribe her again
        assert httpx.post(confirm).status_code == 409


def test_reply_published_by_a_moderator_notifies(mail_server, mail_store, smtp, make_site):
    site, key = make_site(moderation="first")
    ann, bob = address("ann"), address("bob")
    with mail_server.client() as c:
        parent = post(c, site, HAM, email=ann, notify=True)
        assert parent["status"] == "pending"
        assert (
            c.post(
                f"/api/v1/comments/{parent['id']}/approve", headers={"Authorization": f"Bearer {key}"}
            ).status_code
            == 200
        )
        (confirm,) = links(smtp.wait(ann)[0], "/mail/confirm/")
        assert httpx.post(confirm).status_code == 200
        reply = post(
            c,
            site,
            "Bob's first comment here: which chapter covers compost?",
            author="Bob",
            email=bob,
            parent=parent["id"],
        )
        assert reply["status"] == "pending"  # held: not published, so no mail yet
        assert (
            c.post(
                f"/api/v1/comments/{reply['id']}/approve", headers={"Authorization": f"Bearer {key}"}
            ).status_code
            == 200
        )
        note = smtp.wait(ann, 2)[1]
        assert "which chapter covers compost" in note.get_content() and bob not in whole(note)


def test_digest_lists_held_comments(mail_server, mail_store, smtp, make_site):
    site, _ = make_site(moderation="all", notify_moderators="digest", digest_hours=1 / 3600)
    mod = address("mod")
    add_member(mail_store, site, mod)
    with mail_server.client() as c:
        post(c, site, "First held comment about the compost heap.")
        post(c, site, "Second held comment about the rain barrel.")

    def both():
        text = "".join(m.get_content() for m in smtp.to(mod))
        return "compost heap" in text and "rain barrel" in text

    smtp.wait(mod)
    assert wait_for(both)
    assert all(m["Subject"].endswith("held for moderation") for m in smtp.to(mod))
    assert links(smtp.to(mod)[0], "/mail/moderate/")


def test_bad_links_get_a_clear_4xx(mail_server, mail_store, make_site):
    from porch.server.mail.links import Links

    site, _ = make_site()
    forge = Links(b"not the server's secret", mail_server.url)
    real = Links(SECRET.encode(), mail_server.url)
    cases = [
        "/mail/confirm/nonsense",
        "/mail/unsubscribe/x.y",
        "/mail/moderate/" + "a" * 400,
        forge.url("c", site.id, "0" * 32, 7)[len(mail_server.url) :],
        forge.url("m", site.id, "1-approve-1", 7)[len(mail_server.url) :],
        real.url("c", site.id, "0" * 32, -1)[len(mail_server.url) :],  # expired
        real.url("u", 999_999, "0" * 32, None)[len(mail_server.url) :],  # no such site
        real.url("m", site.id, "999999-approve-1", 7)[len(mail_server.url) :],  # not a member
        real.url("m", site.id, "1-publish-1", 7)[len(mail_server.url) :],  # no such action
    ]
    with mail_server.client() as c:
        for path in cases:
            for method in ("GET", "POST"):
                r = c.request(method, path)
                assert 400 <= r.status_code < 500, (path, method, r.status_code)
                assert r.headers["content-type"].startswith("text/html") or r.status_code == 404
                assert "Traceback" not in r.text
        assert "expired" in c.get(cases[5]).text
        assert c.get(cases[6]).status_code == 404


def test_mail_queued_while_smtp_is_unreachable_goes_out_after_a_restart(backend, smtp):
    database = backend.database("restart")
    dead = mail_env(smtp.port)
    dead["PORCH_SMTP_PORT"] = str(free_port())  # nothing listens there
    first = start_server(database, backend.tmp / "restart-1", env=dead)
    store = store_for(database)
    try:
        site, _ = store.sites.add("https://restart.example.org", "Restart blog")
        site = configure(store, site, moderation="all")
        mod = address("mod")
        add_member(store, site, mod)

        queue = store.mail
        with first.client() as c:
            post(c, site, "Held while the mail server is down.")

        def tried():
            with store.engine.connect() as conn:
                return conn.exec_driver_sql("SELECT attempts FROM mail_queue WHERE attempts > 0").first()

        assert wait_for(tried), "the sender never tried the unreachable server"
        first.stop()
        assert queue.unsent() == 1 and smtp.to(mod) == []
        second = start_server(database, backend.tmp / "restart-2", env=mail_env(smtp.port))
        try:
            notice = smtp.wait(mod)[0]
            assert "Held while the mail server is down." in notice.get_content()
            assert wait_for(lambda: queue.unsent() == 0)
        finally:
            second.stop()
    finally:
        first.stop()
        store.engine.dispose()


def test_widget_offers_notifications_only_with_smtp(mail_server, make_site):
    site, _ = make_site()
    with mail_server.client() as c:
        conf = c.get(f"/api/v1/sites/{site.public_id}/config").json()
        assert conf["notify"] is True
        privacy = c.get(f"/privacy/{site.public_id}?lang=en").text
        assert "Notify me of replies by email" in privacy and "unsubscribe" in privacy
    off, _ = make_site(reply_notifications=False)
    with mail_server.client() as c:
        assert c.get(f"/api/v1/sites/{off.public_id}/config").json()["notify"] is False


def test_no_smtp_no_mail(backend):
    """Without PORCH_SMTP_HOST the widget offers nothing and the privacy page says no mail is sent."""
    database = backend.database("nomail")
    server = start_server(database, backend.tmp / "nomail")
    store = store_for(database)
    try:
        site, _ = store.sites.add("https://quiet.example.org", "Quiet")
        with server.client() as c:
            assert c.get(f"/api/v1/sites/{site.public_id}/config").json()["notify"] is False
            assert "sends no e-mail" in c.get(f"/privacy/{site.public_id}?lang=en").text
            post(c, site, HAM, email=address("ann"), notify=True)

        assert store.mail.unsent() == 0
    finally:
        server.stop()
        store.engine.dispose()
