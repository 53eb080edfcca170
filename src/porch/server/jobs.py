"""The background jobs of each worker: apply the feedback other workers received, and retention.

Both run on the event loop and hand their blocking work to a thread; a round that fails (the
database went away for a moment) is logged by its error class and tried again next round. The mail
sender, the third job (only with SMTP configured), is mail/sender.py's.
"""

from __future__ import annotations

import asyncio
import logging

from .context import Porch
from .domain.retention import sweep

log = logging.getLogger("porch.server")


async def poll_feedback(porch: Porch) -> None:
    """Apply feedback other workers received; snapshot models now and then (in a thread)."""
    learner, interval = porch.learner, porch.settings.feedback_poll_seconds
    while True:
        await asyncio.sleep(interval)
        try:
            learner.catch_up()
            due = learner.due_snapshots()
            if due:
                await asyncio.to_thread(learner.save_snapshots, due)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the database went away for a moment: try again next round
            log.warning("feedback poll failed: %s", type(exc).__name__)


async def retention(porch: Porch) -> None:
    """The retention sweep (domain/retention.py) every `retention_interval_seconds`."""
    settings = porch.settings
    while True:
        try:
            done = await asyncio.to_thread(sweep, porch.store, settings)
            if any(done.values()):
                log.info("retention: %s", ", ".join(f"{k} {v}" for k, v in done.items()))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - try again next round
            log.warning("retention sweep failed: %s", type(exc).__name__)
        await asyncio.sleep(settings.retention_interval_seconds)
