"""`porch site …` as a newcomer uses it, the migrations, and the settings."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import httpx

from support.servers import SECRET, wait_for


def porch(*args: str, env: dict | None = None, cwd=None) -> subprocess.CompletedProcess:
    full = {**os.environ, "PORCH_SECRET_KEY": SECRET, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "porch.cli", *args],
        capture_output=True,
        text=True,
        env=full,
        timeout=120,
        cwd=cwd,
    )


def test_site_add_list_revoke(server, tmp_path):
    db = ["--database-url", server.database_url]
    added = porch("site", "add", "https://cli.example.org", "--name", "CLI blog", "--json", *db)
    assert added.returncode == 0, added.stderr
    out = json.loads(added.stdout)
    assert set(out) >= {"site", "api_key"} and len(out["api_key"]) == 32
    key = out["api_key"]
    listed = porch("site", "list", "--json", *db)
    (mine,) = [s for s in json.loads(listed.stdout) if s["id"] == out["site"]]
    assert mine["active_keys"] == [key[:6] + "…"] and key not in listed.stdout
    verify = lambda: (
        httpx.post(server.url + "/1.1/verify-key", data={"key": key, "blog": "https://cli.example.org"}).text
    )
    assert verify() == "valid"
    revoked = porch("site", "revoke", out["site"], *db)
    assert revoked.returncode == 0 and "revoked 1 key" in revoked.stdout
    assert wait_for(lambda: verify() == "invalid")
    again = porch("site", "key", out["site"], "--json", *db)
    assert (
        httpx.post(
            server.url + "/1.1/verify-key", data={"key": json.loads(again.stdout)["api_key"], "blog": "x"}
        ).text
        == "valid"
    )
    missing = porch("site", "revoke", "no-such-site", *db)
    assert missing.returncode == 2 and "error:" in missing.stderr and "Traceback" not in missing.stderr


def test_default_data_dir_and_secret_file(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORCH_")}
    done = subprocess.run(
        [sys.executable, "-m", "porch.cli", "site", "add", "https://a.example", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    secret = tmp_path / "porch-data" / "secret.key"
    assert (tmp_path / "porch-data" / "porch.db").exists()
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600


def test_check_command_does_not_load_the_server():
    code = "import sys, porch.cli; print(sorted(m for m in ('fastapi', 'sqlalchemy', 'uvicorn') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_migrations_match_the_schema(backend):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from porch.store import migrate, open_database
    from porch.store.schema import metadata

    engine = open_database(backend.database("migrations"))
    migrate(engine)
    migrate(engine)  # a second start is a no-op
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
    engine.dispose()
    assert diff == []


def test_settings_from_env_and_toml(tmp_path, monkeypatch):
    from porch.config import load_settings

    toml = tmp_path / "porch.toml"
    toml.write_text('[porch]\nraw_retention_days = 3\ndatabase_url = "postgresql://u@h/db"\n')
    monkeypatch.setenv("PORCH_CONFIG", str(toml))
    monkeypatch.setenv("PORCH_KEY_RATE_PER_SECOND", "7")
    s = load_settings()
    assert s.raw_retention_days == 3 and s.key_rate_per_second == 7
    assert s.effective_database_url == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("PORCH_RAW_RETENTION_DAYS", "9")
    assert load_settings().raw_retention_days == 9  # the environment wins over the file
    bad = porch("serve", "--config", str(tmp_path / "missing.toml"))
    assert bad.returncode == 2 and "does not exist" in bad.stderr
