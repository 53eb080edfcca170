"""Loads tests/server/conftest.py once, as the module `porch_server_fixtures`, for every directory.

The service tests' fixtures (real `porch serve` processes on SQLite and PostgreSQL) and helpers are
shared by tests/comments, tests/admin, tests/mail and tests/browser. None of these directories is a
package and each has a conftest.py, so they cannot import one another's; they take the one copy
from `sys.modules["porch_server_fixtures"]` instead. This file defines no fixtures itself.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

NAME = "porch_server_fixtures"

if NAME not in sys.modules:
    _spec = importlib.util.spec_from_file_location(
        NAME, Path(__file__).resolve().parent / "server" / "conftest.py"
    )
    _module = importlib.util.module_from_spec(_spec)
    sys.modules[NAME] = _module
    _spec.loader.exec_module(_module)
