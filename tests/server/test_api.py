"""The JSON API, and schemathesis over the whole OpenAPI schema: no input gives a 5xx."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error


def test_check_explains_itself(server, new_site):
    _, key = new_site()
    with server.client() as c:
        r = c.post(
            "/api/v1/check",
            headers={"Authorization": f"Bearer {key}"},
            json={
                "comment_content": "hi",
                "comment_author": "akismet-guaranteed-spam",
                "custom_field": [1, 2],
            },
        )
        assert r.status_code == 200
        body = r.json()
        assert body["verdict"] == "spam" and body["spam"] is True and body["score"] == 1.0
        assert "Akismet test value for spam" in " ".join(body["reasons"])
        assert body["signals"][0]["code"] == "testvalues.spam"
        assert c.post("/api/v1/check", json={"comment_content": "x"}).status_code == 401
        assert c.post("/api/v1/check", headers={"Authorization": "Bearer nope"}, json={}).status_code == 401
        assert (
            c.post(
                "/api/v1/feedback", headers={"Authorization": f"Bearer {key}"}, json={"label": "maybe"}
            ).status_code
            == 422
        )
        assert (
            c.post(
                "/api/v1/feedback", headers={"Authorization": f"Bearer {key}"}, json={"label": "spam"}
            ).status_code
            == 422
        )


def test_health_and_metrics(server, new_site):
    _, key = new_site()
    with server.client() as c:
        assert c.get("/health").json() == {"status": "ok"}
        c.post(
            "/1.1/comment-check",
            data={"api_key": key, "blog": "b", "user_ip": "1.2.3.4", "user_role": "administrator"},
        )
        text = c.get("/metrics").text
    for name in ("porch_checks_total", "porch_check_seconds_bucket", "porch_feedback_total"):
        assert name in text
    assert 'porch_checks_total{source="akismet",verdict="ham"}' in text
    assert "1.2.3.4" not in text


def test_no_server_errors(server, api_key):
    """Every operation in the OpenAPI schema, fuzzed with a valid key (and without): never a 5xx."""
    schema = schemathesis.openapi.from_url(server.url + "/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            headers = {"Authorization": f"Bearer {api_key}"}
            if case.body is not None and isinstance(case.body, dict) and "api_key" not in case.body:
                case.body["api_key"] = api_key
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        run()
