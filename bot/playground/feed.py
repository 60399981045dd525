"""Live updates for open pages: what changed (a song, a sound-off), sent as server-sent events.

Most changes answer the request that made them; these are the ones nobody's request made: a sound-off closed
at its deadline, a vote count refreshed by the clock. Pages re-read what an event names.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import asdict, dataclass
from typing import Literal

from aiohttp import web

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 15.0
"""A comment line this often keeps proxies and the browser from giving up on a quiet stream."""
QUEUE_MAX = 100

EventKind = Literal["song", "soundoff-opened", "soundoff-count", "soundoff-closed"]


@dataclass(frozen=True, slots=True)
class Event:
    kind: EventKind
    song_id: int | None = None
    soundoff_id: int | None = None
    votes: int | None = None


class Feed:
    """Fans events out to every open page; a page too slow to keep up misses events, never blocks others."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[Event | None]] = set()

    def publish(self, event: Event) -> None:
        for queue in self._queues:
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(event)

    def close(self) -> None:
        """End every stream (the server is stopping)."""
        for queue in self._queues:
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(None)

    async def stream(self, request: web.Request) -> web.StreamResponse:
        """GET /api/events: the event stream for one page."""
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"})
        await response.prepare(request)
        queue: asyncio.Queue[Event | None] = asyncio.Queue(QUEUE_MAX)
        self._queues.add(queue)
        try:
            await response.write(b"retry: 2000\n\n")
            while True:
                try:
                    async with asyncio.timeout(HEARTBEAT_SECONDS):
                        event = await queue.get()
                except TimeoutError:
                    await response.write(b": still here\n\n")
                    continue
                if event is None:
                    break
                await response.write(f"data: {json.dumps(asdict(event))}\n\n".encode())
        except (ConnectionResetError, asyncio.CancelledError):
            log.debug("An event stream closed")
        finally:
            self._queues.discard(queue)
        return response
