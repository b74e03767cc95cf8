"""Judge0's ``callback_url``: once a submission is done, its default fields (base64) are PUT to the URL, as Judge0
1.13.1's isolate_job.rb does: up to 3 tries of 5 s each, a try failing only when no answer comes (any HTTP status
ends it), redirects not followed. The store keeps the callbacks not made yet, so a restart makes them.
"""

import asyncio
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from judge.service.judge0 import CALLBACK_TIMEOUT, CALLBACK_TRIES
from judge.service.runs import Workers

WAIT_STEP = 3600.0  # seconds a callback waits for its submission before it looks again


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def put_json(url: str, body: dict[str, Any], tries: int = CALLBACK_TRIES, timeout: float = CALLBACK_TIMEOUT) -> int:
    """PUT ``body`` to ``url``; the tries it took (``tries`` when none was answered)."""
    data = json.dumps(body).encode("utf-8")
    for attempt in range(1, tries + 1):
        request = urllib.request.Request(url, data=data, method="PUT", headers={"Content-Type": "application/json"})
        try:
            with _OPENER.open(request, timeout=timeout) as answer:
                answer.read(65536)
            return attempt
        except urllib.error.HTTPError:
            return attempt  # an answer, whatever its status: Judge0 stops there too
        except (OSError, ValueError):
            continue
    return tries


class Callbacks:
    """One task per pending callback: it waits for the submission, renders it, PUTs it, and records that."""

    def __init__(self, workers: Workers, render: Callable[[str], dict[str, Any] | None]) -> None:
        self.workers, self.render = workers, render
        self._tasks: set[asyncio.Task[None]] = set()

    def follow(self, token: str, url: str) -> None:
        task = asyncio.get_running_loop().create_task(self._deliver(token, url))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def resume(self) -> None:
        """Follow every callback the store has not made (after a restart)."""
        for token, url in self.workers.store.pending_callbacks():
            self.follow(token, url)

    async def _deliver(self, token: str, url: str) -> None:
        while await self.workers.wait(token, WAIT_STEP) is None:
            if self.workers.store.get(token) is None:
                return  # deleted before it ran
        body = self.render(token)
        tries = 0
        if body is not None:
            tries = await asyncio.to_thread(put_json, url, body)
        self.workers.store.callback_made(token, tries)
