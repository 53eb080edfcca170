"""New comments, checked and stored in batches: one thread hop and one commit per batch.

A comment post costs a spam check and a durable insert (an fsync on SQLite). Done per request,
that is a thread hop for the check, another for the insert, and one commit per comment; under
concurrent posting the commits queue behind each other. So each worker has one `Poster`, a
`NaturalBatcher` like the `CheckBatcher` (batcher.py): the route validates and renders the comment (`Discussion.
prepare`), puts the draft on the queue and awaits its answer; one thread takes *everything*
queued, checks it with one `Service.check_batch` and stores it with one `Discussion.store_many`:
one transaction, which also writes the checks' log rows (instead of the check-log writer's own
commit a moment later), so a batch of posts costs one commit. No waiting to fill a batch: a lone post is taken at once, and the posts that
arrive while a batch runs form the next one.

What a post sees of the others in its batch is what `Service.check_batch` documents (earlier
comments of the batch count as recent traffic and as copies). Each post gets its own answer or
its own exception: a draft whose check or insert fails fails alone (the batch is retried one by
one), and a failing database fails the batch (503 by the app's guard). A post whose client went
away is stored anyway, its answer dropped, as it would have been without batching.
"""

from __future__ import annotations

import time
from typing import Any

from .batcher import NaturalBatcher
from .service import CheckRequest


class Poster(NaturalBatcher):
    def __init__(self, discussion: Any, max_batch: int = 64):
        super().__init__(self._run, max_batch, "porch-post")
        self.discussion = discussion

    async def post(self, draft: Any) -> dict[str, Any]:
        """Check and store one prepared comment, together with whatever else is queued."""
        return await self.submit((draft, time.perf_counter()))

    def _run(self, batch: list[tuple[Any, float]]) -> list[Any]:
        d = self.discussion
        logged: list[tuple[list[dict], list[dict]]] = []
        checks = d.service.check_batch(
            [CheckRequest(draft.site, draft.check_fields, "comments", started) for draft, started in batch],
            log=lambda rows, prints: logged.append((rows, prints)),
        )
        rows = [row for found, _ in logged for row in found]
        prints = [row for _, found in logged for row in found]
        return d.store_many([draft for draft, _ in batch], checks, log=(rows, prints))
