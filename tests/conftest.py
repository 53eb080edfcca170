"""The suite's fixtures, for every directory: support/fixtures.py, registered as a pytest plugin.

The helpers behind them (servers, databases, `wait_for`, `store_for`, …) are in support/servers.py;
a test or a directory's conftest.py imports them from there (`from support.servers import …`).
"""

pytest_plugins = ["support.fixtures"]


def pytest_configure(config):
    """Load porch_server_fixtures.py, the helpers' old name, for tests written against it."""
    import porch_server_fixtures  # noqa: F401 - imported for sys.modules, after the plugin
