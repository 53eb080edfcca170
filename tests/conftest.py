"""The suite's fixtures, for every directory: support/fixtures.py, registered as a pytest plugin.

The helpers behind them (servers, databases, `wait_for`, `store_for`, …) are in support/servers.py;
a test or a directory's conftest.py imports them from there (`from support.servers import …`).
"""

pytest_plugins = ["support.fixtures"]
