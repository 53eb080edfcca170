"""The store on its own, on SQLite and PostgreSQL: its one face, sites and keys, and the writes that
must happen together or not at all (a comment and the check that decided it; a compare-and-set)."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from porch.store import Site, SiteNotFound, Store, open_store
from porch.store.checks import CheckLog, day_range

from support.servers import SECRET


@pytest.fixture(scope="module")
def store(backend):
    s = open_store(backend.database(f"store_{uuid.uuid4().hex[:6]}"), SECRET.encode(), pool_size=1)
    yield s
    s.close()


def _site(store: Store) -> Site:
    return store.sites.add(f"https://{uuid.uuid4().hex[:8]}.example.org", "store test")[0]


def _comment(status: str = "approved", **values):
    return {
        "parent_id": None,
        "root_id": None,
        "depth": 0,
        "author": "Ann",
        "text": "Hello",
        "html": "<p>Hello</p>",
        "status": status,
        "created_at": datetime.now(timezone.utc),
        "guid": None,
        "verdict": "ham",
        "score": 0.1,
        **values,
    }


def _check_row(site: Site, guid: str, verdict: str = "ham"):
    return {
        "guid": guid,
        "site_id": site.id,
        "created_at": datetime.now(timezone.utc),
        "source": "comments",
        "verdict": verdict,
        "score": 0.1,
        "reasons": ["content model: 10% spam"],
        "is_test": False,
        "recheck": False,
        "fingerprint": None,
        "network_hash": None,
        "ip": None,
        "submission": {"comment_content": "Hello"},
    }


def test_sites_keys_and_settings(store):
    site, key = store.sites.add("https://store.example.org", "Store")
    assert store.sites.by_key(key) == site and store.sites.find(site.public_id) == site
    assert store.sites.find(str(site.id)) == site and store.sites.by_key("nope") is None
    changed = store.sites.save_settings(site.id, {**site.settings, "contact": "me@example.org"})
    assert changed.settings["contact"] == "me@example.org" and store.sites.get(site.id) == changed
    assert store.sites.revoke(site.public_id)[1] == 1 and store.sites.by_key(key) is None
    with pytest.raises(SiteNotFound):
        store.sites.find("https://nowhere.example.org")
    assert store.sites.site_secret(site.id) != store.sites.site_secret(site.id + 1)


def test_a_comment_and_its_check_are_stored_in_one_transaction(store):
    site = _site(store)
    guid = str(uuid.uuid4())
    [comment_id] = store.comments.insert_many(
        [(site.id, "/p", "Page", _comment(guid=guid))], checks=CheckLog([_check_row(site, guid)])
    )
    assert store.comments.get(comment_id).guid == guid and store.checks.find(site.id, guid).verdict == "ham"
    today = datetime.now(timezone.utc).date()
    assert store.checks.counts(site.id, *day_range(None, today)[:2])["checks"] == 1

    lost = str(uuid.uuid4())
    with pytest.raises(Exception):  # noqa: B017 - whichever error the database raises for a NOT NULL
        store.comments.insert_many(
            [(site.id, "/p", "Page", _comment(guid=lost, text=None))],
            checks=CheckLog([_check_row(site, lost)]),
        )
    assert store.checks.find(site.id, lost) is None  # the check went with the comment that failed


def test_a_change_is_compare_and_set_and_takes_its_recheck_along(store):
    site = _site(store)
    [comment_id] = store.comments.insert_many([(site.id, "/p", "Page", _comment())])
    row = store.comments.get(comment_id)
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    assert store.comments.change(row, checks=CheckLog([_check_row(site, first)]), status="spam", guid=first)
    # `row` still says approved: a second change from that stale view is refused, and writes nothing
    assert not store.comments.change(row, checks=CheckLog([_check_row(site, second)]), status="pending")
    assert store.comments.get(comment_id).status == "spam"
    assert store.checks.find(site.id, first) is not None and store.checks.find(site.id, second) is None
    assert store.comments.remove(row) is None  # the same stale view cannot remove it either
    assert store.comments.remove(store.comments.get(comment_id)) == "removed"
    assert store.comments.get(comment_id) is None and store.comments.count(site.id) == 0


def test_a_deleted_parent_stays_as_a_placeholder(store):
    site = _site(store)
    [parent] = store.comments.insert_many([(site.id, "/p", "Page", _comment())])
    store.comments.insert_many([(site.id, "/p", "Page", _comment(parent_id=parent, root_id=parent, depth=1))])
    assert store.comments.remove(store.comments.get(parent)) == "deleted"
    kept = store.comments.get(parent)
    assert kept.status == "deleted" and kept.text == "" and kept.author == ""
    assert store.comments.parent(parent).status == "deleted"
