"""Short sound-offs, so the whole loop fits in a few minutes: the starter's early end, scheduled.

The workshop keeps a sound-off open from 1 hour to 14 days, and nobody trying the playground waits an hour.
A "2 minutes" sound-off is therefore started for the shortest time the rules allow, and the playground ends it
early on the starter's behalf when the two minutes are up: the same End that a song's owner or a moderator may
press at any time, through the same checks (``Soundoffs.end``) and the same clock that announces the results.
A restarted playground forgets the early end; the sound-off then closes at its stored deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from bot.errors import UserFacingError
from bot.workshop.actors import Actor
from bot.workshop.records import Soundoff
from bot.workshop.workshop import Workshop

log = logging.getLogger(__name__)


class EarlyEnds:
    def __init__(self, workshop: Workshop) -> None:
        self._workshop = workshop
        self._at: dict[int, float] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def schedule(self, soundoff: Soundoff, by: Actor, seconds: float) -> None:
        """End ``soundoff`` as ``by`` (who started it) after ``seconds``."""
        self._at[soundoff.id] = time.time() + seconds
        task = asyncio.get_running_loop().create_task(
            self._end(soundoff.id, by, seconds), name=f"early-end-{soundoff.id}"
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def closes_at(self, soundoff: Soundoff) -> float:
        """When the sound-off closes: its stored deadline, or the early end scheduled here."""
        return min(soundoff.ends_at, self._at.get(soundoff.id, soundoff.ends_at))

    async def _end(self, soundoff_id: int, by: Actor, seconds: float) -> None:
        await asyncio.sleep(seconds)
        soundoffs = self._workshop.soundoffs
        try:
            await soundoffs.end(await soundoffs.get(soundoff_id), by)
            await self._workshop.clock.close(soundoff_id, closed_by=by.user_id)
        except UserFacingError:
            log.debug("Sound-off %s was closed before its early end", soundoff_id)
        except Exception:
            log.exception("Ending sound-off %s early failed; it closes at its stored deadline", soundoff_id)

    async def close(self) -> None:
        """Cancel the ends still waiting (the server is stopping)."""
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
