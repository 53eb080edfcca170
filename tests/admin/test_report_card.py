"""The engine's report card from a seeded history, counted by hand; is_test checks count nowhere;
the chart is well-formed, self-contained SVG with one labelled bar group per day."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from porch.server.routes.admin.chart import chart_svg
from porch.store import schema as t

TODAY = date(2030, 1, 30)  # the window: 2030-01-01 … 2030-01-30
ZERO = {
    "checks": 0,
    "ham": 0,
    "spam": 0,
    "discard": 0,
    "missed_spam": 0,
    "false_positives": 0,
    "submitted_spam": 0,
    "submitted_ham": 0,
}


def seed(store, site_id, day, **counts):
    with store.engine.begin() as conn:
        conn.execute(t.daily_counts.insert().values(site_id=site_id, day=day, **{**ZERO, **counts}))


@pytest.fixture
def seeded(store, make_site):
    site, _ = make_site()
    other, _ = make_site()
    seed(store, site.id, date(2029, 12, 31), checks=100, spam=50, ham=50)  # the day before the window
    seed(
        store, site.id, date(2030, 1, 1), checks=10, ham=7, spam=2, discard=1, missed_spam=1, submitted_spam=1
    )
    seed(
        store,
        site.id,
        date(2030, 1, 15),
        checks=20,
        ham=12,
        spam=6,
        discard=2,
        false_positives=2,
        submitted_ham=2,
    )
    seed(store, site.id, date(2030, 1, 30), checks=5, ham=5, missed_spam=2, submitted_spam=2)
    seed(store, site.id, date(2030, 1, 31), checks=40, spam=40)  # the day after
    seed(store, other.id, date(2030, 1, 15), checks=99, spam=99)  # another site
    return site


def test_figures_match_the_hand_count(store, seeded):
    card = store.reports.card(seeded.id, TODAY)
    assert (card.first, card.last, len(card.days)) == (date(2030, 1, 1), TODAY, 30)
    by_day = {d.day: d for d in card.days}
    # per day: comments, spam caught (spam + discard − fp), ham passed (ham − missed), fp, missed
    first = by_day[date(2030, 1, 1)]
    assert (
        first.comments,
        first.spam_caught,
        first.ham_passed,
        first.false_positives,
        first.missed_spam,
    ) == (10, 3, 6, 0, 1)
    mid = by_day[date(2030, 1, 15)]
    assert (mid.comments, mid.spam_caught, mid.ham_passed, mid.false_positives, mid.missed_spam) == (
        20,
        6,
        12,
        2,
        0,
    )
    last = by_day[TODAY]
    assert (last.comments, last.spam_caught, last.ham_passed, last.false_positives, last.missed_spam) == (
        5,
        0,
        3,
        0,
        2,
    )
    quiet = by_day[date(2030, 1, 2)]
    assert (
        quiet.comments,
        quiet.spam_caught,
        quiet.ham_passed,
        quiet.false_positives,
        quiet.missed_spam,
    ) == (0,) * 5
    # the window: 35 comments, 9 caught, 21 passed, 2 false positives, 3 missed
    assert (card.comments, card.spam_caught, card.ham_passed, card.false_positives, card.missed_spam) == (
        35,
        9,
        21,
        2,
        3,
    )
    assert card.precision == pytest.approx(9 / 11)
    assert card.recall == pytest.approx(9 / 12)


def test_a_shorter_window_and_an_empty_one(store, seeded, make_site):
    week = store.reports.card(seeded.id, TODAY, days=7)
    assert len(week.days) == 7 and week.comments == 5 and week.spam_caught == 0
    assert week.precision is None  # nothing called spam: nothing to be precise about
    assert week.recall == 0.0  # two missed, none caught
    empty, _ = make_site()
    card = store.reports.card(empty.id, TODAY)
    assert card.comments == 0 and card.precision is None and card.recall is None


def test_is_test_checks_count_nowhere(server, store, make_site):
    site, key = make_site()
    today = datetime.now(timezone.utc).date()
    with server.client() as c:
        for is_test in (True, False):  # the test check first: the real one is logged after it
            r = c.post(
                "/api/v1/check",
                headers={"Authorization": f"Bearer {key}"},
                json={"comment_content": "A fine article, thank you.", "is_test": is_test},
            )
            assert r.status_code == 200
    from support.servers import wait_for

    assert wait_for(lambda: store.reports.card(site.id, today).comments >= 1)
    with store.engine.connect() as conn:
        logged = conn.execute(
            select(func.count()).select_from(t.checks).where(t.checks.c.site_id == site.id)
        ).scalar()
    assert logged == 2  # both are in the check log …
    assert store.reports.card(site.id, today).comments == 1  # … one is a comment


def test_chart_is_svg_with_a_labelled_group_per_day(store, seeded):
    card = store.reports.card(seeded.id, TODAY)
    svg = chart_svg(card)
    root = ET.fromstring(svg)  # well-formed XML
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == ns + "svg" and root.get("role") == "img" and "precision 82%" in root.get("aria-label")
    assert root.find(ns + "title").text.startswith("Spam filter report card")
    days = [g for g in root.iter(ns + "g") if g.get("class") == "day"]
    assert len(days) == 30
    mid = next(g for g in days if g.get("data-day") == "2030-01-15")
    assert "2 false positives" in mid.find(ns + "title").text and mid.get("aria-label")
    assert {r.get("class") for r in mid.iter(ns + "rect")} >= {"caught", "false-positive", "passed"}
    quiet = next(g for g in days if g.get("data-day") == "2030-01-02")
    assert [r.get("class") for r in quiet.iter(ns + "rect")] == ["hit"]  # no bar on a day without comments
    assert (
        "<script" not in svg
        and "href" not in svg
        and "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )
    assert "currentColor" in svg  # follows the page's text colour, light or dark
