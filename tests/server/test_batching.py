"""Checks that arrive together are checked together (batcher.py) and still answered one by one.

Over HTTP: many concurrent checks from several sites, through both protocols, each get their own
verdict and guid, logged under their own site only. In process (the real service on a real
database, no server, so that a batch's make-up is known): a burst or a campaign whose comments
share one batch is seen by the later ones, as if the earlier ones had been logged; a comment that
breaks fails alone; a batch gives the verdicts one-by-one checks give.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from porch.engine.reputation import hashed_key
from porch.server.domain.checking import CheckRequest

HAM = "Thank you for the recipe, I baked the bread this weekend and my family loved it."


def test_concurrent_checks_from_many_sites_get_their_own_answers(server, new_site, store):
    sites = [new_site() for _ in range(3)]

    def one(i: int):
        site, key = sites[i % 3]
        spam = i % 2 == 0
        fields = {"blog": site.url, "user_ip": f"192.0.2.{i}", "comment_content": f"{HAM} ({i})"}
        fields.update(
            {"comment_author": "akismet-guaranteed-spam"} if spam else {"user_role": "administrator"}
        )
        with server.client() as c:
            if i % 4 < 2:
                r = c.post("/1.1/comment-check", data={"api_key": key, **fields})
                return site, spam, r.status_code, r.content == b"true", r.headers["x-akismet-guid"]
            r = c.post("/api/v1/check", headers={"Authorization": f"Bearer {key}"}, json=fields)
            return site, spam, r.status_code, r.json()["spam"], r.json()["guid"]

    with ThreadPoolExecutor(24) as pool:
        answers = list(pool.map(one, range(48)))
    assert [(status, said) for _, spam, status, said, _ in answers] == [
        (200, spam) for _, spam, *_ in answers
    ]
    guids = [guid for *_, guid in answers]
    assert len(set(guids)) == len(guids)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(store.checks.find(s.id, g) is None for s, *_, g in answers):
        time.sleep(0.05)  # the check log is written every 50 ms
    others = {s.id: [o for o, _ in sites if o.id != s.id] for s, _ in sites}
    for site, spam, _, _, guid in answers:
        row = store.checks.find(site.id, guid)
        assert row is not None and row.verdict in (("spam", "discard") if spam else ("ham",))
        assert all(store.checks.find(other.id, guid) is None for other in others[site.id])


# -- in process: the service itself, on the test database ------------------------------------


def _site(in_process):
    site, _ = in_process.store.sites.add(f"https://{uuid.uuid4().hex[:8]}.example.org", "batch")
    return site


def _codes(result) -> list[str]:
    return [s.code for s in result.verdict.signals]


CAMPAIGN = "Make money from home with this one simple trick, thousands of readers already earn weekly"


def test_a_campaign_inside_one_batch_is_seen_by_its_later_copies(in_process):
    a, b = _site(in_process), _site(in_process)
    requests = [
        CheckRequest(
            a, {"comment_content": CAMPAIGN, "user_ip": f"203.0.{i}.9", "permalink": f"{a.url}/p/{i}"}, "api"
        )
        for i in range(6)
    ] + [CheckRequest(b, {"comment_content": CAMPAIGN, "user_ip": "203.0.99.9"}, "api")]
    results = in_process.checking.check_batch(requests)
    assert "campaign.copies" not in _codes(results[0]) + _codes(results[1]) + _codes(results[2])
    # from the fourth copy on, three earlier copies from three networks: a campaign
    assert all("campaign.copies" in _codes(r) for r in results[3:6])
    assert "3 other comments" in next(
        s.evidence for s in results[3].verdict.signals if s.code == "campaign.copies"
    )
    assert "campaign.copies" not in _codes(results[6])  # site B sees nothing of site A's copies


def test_a_burst_inside_one_batch_counts_and_rechecks_do_not(in_process):
    site = _site(in_process)
    texts = [f"Comment number {i} about the council meeting and the new bus timetable" for i in range(8)]
    requests = [
        CheckRequest(site, {"comment_content": t, "user_ip": "198.51.100.20"}, "akismet") for t in texts
    ]
    requests.insert(
        1,
        CheckRequest(
            site,
            {"comment_content": texts[0], "user_ip": "198.51.100.20", "recheck_reason": "edit"},
            "akismet",
        ),
    )
    results = in_process.checking.check_batch(requests)
    burst = ["limits.burst" in _codes(r) for r in results]
    # from the 7th request on, five others from the network came before it (the recheck does not count)
    assert burst == [False] * 6 + [True] * 3
    evidence = next(s.evidence for s in results[-1].verdict.signals if s.code == "limits.burst")
    assert evidence.startswith("7 other comments")


def test_a_broken_request_fails_alone(in_process):
    site = _site(in_process)
    results = in_process.checking.check_batch(
        [
            CheckRequest(site, {"comment_content": HAM}, "api"),
            CheckRequest(site, None, "api"),  # type: ignore[arg-type]
            CheckRequest(site, {"comment_content": HAM, "comment_author": "akismet-guaranteed-spam"}, "api"),
        ]
    )
    assert not results[0].verdict.spam and results[2].verdict.spam
    assert isinstance(results[1], Exception)


def test_a_batch_gives_the_verdicts_of_one_by_one_checks(in_process):
    site = _site(in_process)
    service = in_process.checking
    comments = [
        {"comment_content": HAM, "user_ip": "192.0.2.1", "comment_author_email": "reader@example.org"},
        {
            "comment_content": "CHEAP PILLS http://pills.example http://casino.example buy now",
            "user_ip": "198.51.100.2",
        },
        {
            "comment_content": "Great write-up on the harbour project, the photos are lovely",
            "user_ip": "2001:db8::1",
            "comment_author_url": "https://blog.example.net",
        },
        {
            "comment_content": "subscribe to my channel for giveaways every week!!!",
            "user_ip": "203.0.113.4",
            "honeypot_field_name": "hp",
            "hp": "filled",
        },
    ]
    # One network each: the check log is written behind the answers, so how many of the batch's
    # rows a later one-by-one check counts as recent traffic from its network would be timing.
    batch = service.check_batch([CheckRequest(site, c, "api") for c in comments])
    alone = [service.check(site, c, "api") for c in comments]
    for together, single in zip(batch, alone):
        assert together.verdict.verdict == single.verdict.verdict
        assert together.verdict.score == pytest.approx(single.verdict.score, abs=1e-9)
        assert _codes(together) == _codes(single)
        assert together.guid != single.guid


def test_service_hashes_keys_as_the_engine_does(in_process):
    site = _site(in_process)
    service = in_process.checking
    secret = in_process.store.sites.site_secret(site.id)
    for kind, key in [
        ("network", "198.51.100.0/24"),
        ("email", "ä@example.org"),
        ("page", "https://x/\udcff"),
    ]:
        assert service.hashed_key(site.id, kind, key) == hashed_key(secret, kind, key)


def test_concurrent_checks_form_batches_and_a_lone_one_goes_at_once(in_process):
    site = _site(in_process)
    batcher = in_process.batcher

    async def run():
        before = (batcher.batches, batcher.checked)
        results = await asyncio.gather(
            *(
                batcher.check(site, {"comment_content": f"{HAM} {i}", "user_ip": f"192.0.2.{i}"}, "api")
                for i in range(40)
            )
        )
        during = (batcher.batches - before[0], batcher.checked - before[1])
        lone = await batcher.check(site, {"comment_content": HAM}, "api")
        return results, during, lone

    results, (batches, checked), lone = asyncio.run(run())
    assert checked == 40 and batches < 40  # the 39 that queued behind the first went together
    assert len({r.guid for r in results}) == 40 and not any(r.verdict.spam for r in results)
    assert not lone.verdict.spam
