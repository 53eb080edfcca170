"""`porch serve`: run the service — the Akismet protocol, the JSON API, the comment server, the dashboard.

`serve` applies the migrations once, checks that the model loads, then hands uvicorn the app
factory (server/app.py `app_from_env`); settings reach the worker processes as `PORCH_*`
environment variables (that is how uvicorn's workers are configured), and with more than one
worker the Prometheus metrics are shared through files in the data directory.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from .common import ConfigOption, DatabaseOption, DataDirOption, load_engine, settings, store_for

if TYPE_CHECKING:
    from ..config import Settings


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    database_url: str | None = DatabaseOption,
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes (one per core)."),
    config: Path | None = ConfigOption,
    data_dir: Path | None = DataDirOption,
    access_log: bool = typer.Option(False, "--access-log", help="Log every request (off: it costs time)."),
) -> None:
    """Run the Akismet-compatible spam service (and the JSON API) on HOST:PORT."""
    found = settings(config, database_url=database_url, data_dir=data_dir)
    store_for(found).close()  # migrate once, before any worker starts
    load_engine(found.model_path)  # a model that cannot be read is a CLI error, not a worker crash
    run(found, host, port, workers, access_log)


def run(
    settings: Settings,
    host: str,
    port: int,
    workers: int,
    access_log: bool,
    extra_env: dict[str, str] | None = None,
) -> None:
    """Hand the app factory to uvicorn; settings reach the workers as PORCH_* variables."""
    env = {
        "PORCH_DATA_DIR": str(settings.data_dir.resolve()),
        "PORCH_DATABASE_URL": settings.effective_database_url,
        "PORCH_WORKERS": str(workers),
        "PORCH_HOST": host,
        "PORCH_PORT": str(port),
    }
    os.environ.update({**env, **(extra_env or {})})
    if workers > 1:
        metrics_dir = settings.data_dir.resolve() / f"metrics-{port}"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    import uvicorn

    typer.echo(
        f"porch: serving on http://{host}:{port} with {workers} worker(s); data in {settings.data_dir}",
        err=True,
    )
    uvicorn.run(
        "porch.server.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        log_level=settings.log_level,
        server_header=False,
        proxy_headers=False,
    )
