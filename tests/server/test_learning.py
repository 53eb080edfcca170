"""Feedback teaches the site's model, every worker applies it, and no site can touch another's."""

from __future__ import annotations

from support.servers import wait_for

TEXT = "Our family bakery now delivers fresh sourdough and cinnamon rolls across the whole city"


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def model_score(client, key: str, text: str = TEXT) -> float:
    r = client.post("/api/v1/check", headers=bearer(key), json={"comment_content": text, "is_test": True})
    assert r.status_code == 200, r.text
    return r.json()["model_score"]


def test_feedback_reaches_another_server(server, second_server, new_site):
    """Two servers on one database stand for two workers: B's model learns what A was told."""
    _, key = new_site()
    with server.client() as a, second_server.client() as b:
        before_a, before_b = model_score(a, key), model_score(b, key)
        assert abs(before_a - before_b) < 1e-6  # same shipped model
        r = a.post("/api/v1/feedback", headers=bearer(key), json={"label": "spam", "comment_content": TEXT})
        assert r.status_code == 200 and r.json()["accepted"] is True
        assert model_score(a, key) > before_a  # the worker that was told: at once
        after_b = wait_for(lambda: (s := model_score(b, key)) > before_b and s, timeout=15)
        assert after_b and abs(after_b - model_score(a, key)) < 1e-6  # same weights on both


def test_site_learning_is_isolated(server, new_site):
    _, key_a = new_site()
    _, key_b = new_site()
    with server.client() as c:
        base_b = model_score(c, key_b)
        guid_b = c.post("/api/v1/check", headers=bearer(key_b), json={"comment_content": TEXT}).json()["guid"]
        # A cannot read or train B's check by its guid
        r = c.post("/api/v1/feedback", headers=bearer(key_a), json={"label": "spam", "guid": guid_b})
        assert r.status_code == 404
        r = c.post(
            "/1.1/submit-spam", data={"api_key": key_a, "blog": "x", "user_ip": "1.2.3.4", "guid": guid_b}
        )
        assert r.text == "Thanks for making the web a better place."
        # A's own lessons stay with A
        for _ in range(3):
            c.post("/api/v1/feedback", headers=bearer(key_a), json={"label": "spam", "comment_content": TEXT})
        assert model_score(c, key_a) > base_b
        assert model_score(c, key_b) == base_b
        codes = [
            s["code"]
            for s in c.post(
                "/api/v1/check", headers=bearer(key_b), json={"comment_content": TEXT, "user_ip": "1.2.3.4"}
            ).json()["signals"]
        ]
        assert not [code for code in codes if code.startswith(("campaign", "reputation"))]


def test_shared_learning(server, new_site):
    _, key_a = new_site(learning="shared")
    _, key_b = new_site(learning="shared")
    _, key_own = new_site()
    text = "Limited offer: premium garden furniture sets with free shipping this month only"
    with server.client() as c:
        base = model_score(c, key_b, text)
        c.post("/api/v1/feedback", headers=bearer(key_a), json={"label": "spam", "comment_content": text})
        assert model_score(c, key_b, text) > base  # B shares A's lesson
        assert model_score(c, key_own, text) == base  # a site that learns alone does not


def test_feedback_by_guid_uses_the_stored_comment(server, new_site):
    _, key = new_site()
    text = "Wonderful pictures of the harbour at sunset, which camera did you use for them"
    with server.client() as c:
        guid = c.post(
            "/api/v1/check", headers=bearer(key), json={"comment_content": text, "user_ip": "203.0.113.5"}
        ).json()["guid"]
        base = model_score(c, key, text)
        r = c.post("/api/v1/feedback", headers=bearer(key), json={"label": "spam", "guid": guid})
        assert r.json()["matched"] == "guid" and r.json()["accepted"]
        assert model_score(c, key, text) > base
        # a copy of the text from another network now carries the campaign mark
        r = c.post(
            "/api/v1/check", headers=bearer(key), json={"comment_content": text, "user_ip": "192.0.2.9"}
        )
        assert "campaign.marked" in [s["code"] for s in r.json()["signals"]]
        # a submit-spam without guid finds the check by fingerprint
        text2 = "Please visit my profile to see more beautiful travel photography from around europe"
        c.post("/api/v1/check", headers=bearer(key), json={"comment_content": text2})
        r = c.post("/api/v1/feedback", headers=bearer(key), json={"label": "ham", "comment_content": text2})
        assert r.json()["matched"] == "fingerprint"
        assert (
            c.post(
                "/api/v1/feedback", headers=bearer(key), json={"label": "spam", "guid": "nope"}
            ).status_code
            == 404
        )


def test_reputation_of_a_network(server, new_site):
    _, key = new_site()
    with server.client() as c:
        for i in range(3):
            c.post(
                "/1.1/submit-spam",
                data={
                    "api_key": key,
                    "blog": "b",
                    "user_ip": f"198.51.100.{10 + i}",
                    "comment_content": f"message number {i} with different words each time {i * 7}",
                },
            )
        r = c.post(
            "/api/v1/check",
            headers=bearer(key),
            json={"comment_content": "hello there, nice post", "user_ip": "198.51.100.99"},
        )
    signals = {s["code"]: s for s in r.json()["signals"]}
    assert "reputation.network" in signals
    assert "198.51.100" not in signals["reputation.network"]["evidence"]  # evidence never names the network
