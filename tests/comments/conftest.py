"""The comment server tests use the suite's fixtures (support/fixtures.py: `server`, `store`,
`make_site`, `proxy_server`, …); they run on SQLite and, with PORCH_TEST_POSTGRES_URL, PostgreSQL."""
