"""The checking service in process (domain/checking.py), on SQLite and PostgreSQL, without a server.

What the HTTP tests cannot see from outside: that a check's log rows travel with its result and are
written by whoever stores it; that a signal the caller knows (a site rule) comes first in the reasons
without moving the verdict; that `debug_log_commenter_data` logs a check's IP (and only with it);
that feedback quoting a guid porch could never have given is an unknown guid, not a database error.
"""

from __future__ import annotations

import logging
import uuid

import pytest

from porch.config import load_settings
from porch.engine import Signal
from porch.server.context import build
from porch.server.domain.checking import CheckRequest, CheckResult

from support.servers import SECRET

HAM = "Thank you for the recipe, I baked the bread this weekend and my family loved it."


def _site(porch):
    return porch.store.sites.add(f"https://{uuid.uuid4().hex[:8]}.example.org", "checking")[0]


def test_a_result_carries_its_log_rows_and_check_batch_hands_them_to_the_writer(in_process):
    site = _site(in_process)
    [result] = in_process.checking.evaluate([CheckRequest(site, {"comment_content": HAM}, "api")])
    assert isinstance(result, CheckResult)
    [row] = result.log.rows
    assert row["guid"] == result.guid and row["site_id"] == site.id and row["verdict"] == "ham"
    in_process.checklog.flush()
    assert in_process.store.checks.find(site.id, result.guid) is None  # evaluate writes nothing

    [logged] = in_process.checking.check_batch([CheckRequest(site, {"comment_content": HAM}, "api")])
    in_process.checklog.flush()
    assert in_process.store.checks.find(site.id, logged.guid).verdict == "ham"


def test_a_callers_signal_comes_first_in_the_reasons_and_leaves_the_verdict_alone(in_process):
    site = _site(in_process)
    rule = Signal("site.blocked", "site rule", 0.0, "blocked word “bread”")
    plain, ruled = in_process.checking.evaluate(
        [
            CheckRequest(site, {"comment_content": HAM, "user_ip": "192.0.2.10"}, "comments"),
            CheckRequest(
                site, {"comment_content": HAM, "user_ip": "198.51.100.10"}, "comments", signals=(rule,)
            ),
        ]
    )
    assert ruled.log.rows[0]["reasons"][0] == "site rule: blocked word “bread”"
    assert ruled.log.rows[0]["reasons"][1:] == plain.log.rows[0]["reasons"]
    assert ruled.verdict.verdict == plain.verdict.verdict == "ham"
    assert ruled.verdict.score == pytest.approx(plain.verdict.score)


def test_feedback_with_a_guid_no_check_could_have_is_an_unknown_guid(in_process):
    site = _site(in_process)
    result = in_process.checking.feedback(site, "spam", {}, "api", guid="\u00f5w\u00c5t\u0000w\u00af\u00feGe")
    assert not result.accepted and result.note == "unknown guid and no comment fields"
    learned = in_process.checking.feedback(site, "spam", {"comment_content": HAM}, "api", guid="x\x00y")
    assert learned.accepted and learned.matched is None


@pytest.fixture(scope="module")
def debugging(backend, tmp_path_factory):
    """A worker whose operator turned on `debug_log_commenter_data`."""
    settings = load_settings(
        database_url=backend.database(f"debug_{uuid.uuid4().hex[:6]}"),
        data_dir=tmp_path_factory.mktemp("debug"),
        secret_key=SECRET,
        debug_log_commenter_data=True,
    )
    porch = build(settings)
    yield porch
    porch.close()


def test_debug_logging_of_commenter_data_logs_the_check_and_its_ip(debugging, caplog):
    site = _site(debugging)
    with caplog.at_level(logging.DEBUG, logger="porch.service"):
        [logged] = debugging.checking.check_batch(
            [CheckRequest(site, {"comment_content": HAM, "user_ip": "203.0.113.77"}, "akismet")]
        )
        [stored] = debugging.checking.evaluate(
            [CheckRequest(site, {"comment_content": HAM, "user_ip": "203.0.113.78"}, "comments")]
        )
    lines = [r.getMessage() for r in caplog.records if r.name == "porch.service"]
    assert any(logged.guid in line and "ip=203.0.113.77" in line and "verdict=ham" in line for line in lines)
    assert any(stored.guid in line and "ip=203.0.113.78" in line for line in lines)


def test_without_the_flag_no_check_logs_commenter_data(in_process, caplog):
    site = _site(in_process)
    with caplog.at_level(logging.DEBUG, logger="porch"):
        in_process.checking.check_batch(
            [CheckRequest(site, {"comment_content": HAM, "user_ip": "203.0.113.79"}, "akismet")]
        )
    assert not any("203.0.113.79" in r.getMessage() for r in caplog.records)
