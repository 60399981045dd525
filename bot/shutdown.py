"""A stop signal for background loops: they sleep on it, so a shutdown wakes every one of them at once.

Cancelling a loop's task is not enough on Python 3.11. ``asyncio.wait_for`` there returns normally when the
awaited thing finishes in the same turn of the event loop as the cancellation, and psycopg_pool waits for a free
connection through it: a loop cancelled just as its query got a connection went on to its next sleep (the
sound-off clock's was up to five minutes) while the bot's shutdown waited for it. A loop that sleeps on this
signal, and asks ``running`` between steps, stops however its cancellation fared.
"""

from __future__ import annotations

import asyncio


class Shutdown:
    """Set once by whoever stops the component; its loops see it at their next step or during any sleep."""

    def __init__(self) -> None:
        self._stop = asyncio.Event()

    def set(self) -> None:
        self._stop.set()

    @property
    def running(self) -> bool:
        """False once stopping. A cancellation of the current task that a library swallowed is raised again here."""
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise asyncio.CancelledError
        return not self._stop.is_set()

    async def sleep(self, seconds: float, *, wake: asyncio.Event | None = None) -> bool:
        """Sleep up to ``seconds``, less when stopping or when ``wake`` is set; whether to go on running."""
        if not self.running:
            return False
        waits = [asyncio.ensure_future(self._stop.wait())]
        if wake is not None:
            waits.append(asyncio.ensure_future(wake.wait()))
        try:
            await asyncio.wait(waits, timeout=max(0.0, seconds), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()
        return self.running
