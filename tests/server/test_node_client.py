"""node's `akismet-api` v6, unchanged, against a running `porch serve` (see node/roundtrip.js).

The package is installed from npm into `.cache/node` the first time (and by .ci/run); without
node or npm the test is skipped with the reason.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from support.servers import ROOT

CACHE = ROOT / ".cache" / "node"
SCRIPT = Path(__file__).parent / "node" / "roundtrip.js"


def akismet_api() -> Path:
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip("node and npm are needed for the akismet-api test (apt-get install nodejs npm)")
    module = CACHE / "node_modules" / "akismet-api"
    if not (module / "package.json").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(CACHE), "akismet-api@6"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode:
            pytest.fail(f"npm install akismet-api@6 failed:\n{done.stderr[-2000:]}")
    version = json.loads((module / "package.json").read_text())["version"]
    assert version.startswith("6."), version
    return CACHE / "node_modules"


def test_round_trip(server, new_site):
    modules = akismet_api()
    site, key = new_site()
    done = subprocess.run(
        ["node", str(SCRIPT), str(server.port), key, site.url],
        capture_output=True,
        text=True,
        timeout=120,
        env={"NODE_PATH": str(modules), "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["valid"] is True and out["invalid"] is False
    assert out["ham"] is False and out["spam"] is True
    assert out["honeypot"] is True
    assert (out["before"], out["after"]) == (False, True)
    assert out["submitSpam"] == out["submitHam"] == "Thanks for making the web a better place."
    assert out["badKey"] == "Invalid API key"
