"""The helpers of support/servers.py under the name tests used before support/ existed.

Kept so that tests written against `from porch_server_fixtures import …` (or its fixtures) still
run; new tests import from `support.servers`, and their fixtures come from support/fixtures.py.
"""

from support.fixtures import *  # noqa: F403 - the old module also held the fixtures
from support.servers import *  # noqa: F403
