"""The tests' own support code: servers and databases to run porch on (servers.py) and the fixtures
every directory shares (fixtures.py, registered for the whole suite by tests/conftest.py)."""
