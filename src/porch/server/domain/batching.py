"""Natural batching of comment checks: the requests that arrive together are checked together.

The engine and the store are several times cheaper per comment in batches (one numpy pass over
the features of 64 comments costs a fraction of 64 passes; the history of 64 comments is three
statements, not 192). So each worker process has one `CheckBatcher`: a check route puts its
request on the batcher's queue and awaits the answer; one thread at a time takes *everything*
queued and runs `CheckService.check_batch` on it. There is no waiting to fill a batch: when the
thread is idle a lone request is taken at once (a batch of one, as cheap as before), and under
load the requests that arrive while a batch runs form the next one by themselves — the busier the
server, the larger and cheaper the batches, up to `max_batch`.

Why a thread and not the event loop: while a batch runs, the loop keeps reading and parsing the
next requests and writing the previous answers (SQLite and much of numpy release the GIL). Why
not the threadpool per request: one hop per batch instead of one per request, and the routes
stay `async def`.

What a request sees of the others is documented at `CheckService.evaluate`: the store as of the
start of its batch, plus the comments ahead of it in the same batch. Each request gets its own
result or its own exception; a request whose client went away is checked (and logged) anyway,
its answer dropped.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ...store import Site
from .checking import CheckRequest, CheckResult, CheckService


class NaturalBatcher:
    """Run `process(items) -> results` (one result or exception per item) in one thread, on
    everything queued when the thread comes free. Used for checks here and for new comments in
    posting.py."""

    def __init__(self, process: Callable[[list[Any]], Sequence[Any]], max_batch: int, name: str):
        self.process = process
        self.max_batch = max_batch
        self._queue: list[tuple[Any, asyncio.Future[Any]]] = []
        self._running = False
        self._executor = ThreadPoolExecutor(1, thread_name_prefix=name)
        self.batches = 0  # for tests and debugging: how many batches, how many items
        self.items = 0

    async def submit(self, item: Any) -> Any:
        """The result for one item, processed together with whatever else is queued."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._queue.append((item, future))
        if not self._running:
            self._running = True
            loop.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._queue:
                batch, self._queue = self._queue[: self.max_batch], self._queue[self.max_batch :]
                try:
                    results = await loop.run_in_executor(self._executor, self.process, [i for i, _ in batch])
                except Exception as exc:  # noqa: BLE001 - the store failed: every item of the batch hears it
                    results = [exc] * len(batch)
                self.batches += 1
                self.items += len(batch)
                for (_, future), result in zip(batch, results):
                    if future.done():  # the client went away
                        continue
                    if isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self._running = False

    def stop(self) -> None:
        self._executor.shutdown(wait=True)


class CheckBatcher(NaturalBatcher):
    def __init__(self, service: CheckService, max_batch: int = 128):
        super().__init__(service.check_batch, max_batch, "porch-check")
        self.service = service

    async def check(self, site: Site, data: Mapping[str, Any], source: str) -> CheckResult:
        """The result of checking one comment, checked together with whatever else is queued."""
        result: CheckResult = await self.submit(CheckRequest(site, data, source, time.perf_counter()))
        return result

    @property
    def checked(self) -> int:
        return self.items
