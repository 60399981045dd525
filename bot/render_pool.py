"""A process pool for CPU-heavy music work (composing, engraving, synthesis), so the event loop stays free."""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import ParamSpec, TypeVar

from bot.errors import UserFacingError

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

RENDER_TIMEOUT = 90.0


def _warm_up() -> None:
    """Pay the imports, the pronouncing dictionary and the font decoding once per worker.

    Workers also lower their priority: on a small machine the event loop must win the CPU over a render.
    """
    from bot.songwriting.sketch import warm_up

    os.nice(10)
    warm_up()


class RenderPool:
    """Owns the worker processes; ``run`` awaits a picklable function call in one of them.

    Workers are started with ``spawn``: forking a process that runs an event loop and aiosqlite's thread
    can copy held locks into the child. A worker that dies breaks the whole executor, so the pool replaces
    it and retries the call once.
    """

    def __init__(self, workers: int, *, timeout: float = RENDER_TIMEOUT) -> None:
        self._workers = workers
        self.timeout = timeout
        self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self._workers, mp_context=multiprocessing.get_context("spawn"), initializer=_warm_up
        )

    async def run(self, func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        call = functools.partial(func, *args, **kwargs)
        try:
            return await self._submit(call)
        except BrokenProcessPool:
            log.warning("A render worker died; starting a new pool and retrying %s once", func.__name__)
            self._replace()
            try:
                return await self._submit(call)
            except BrokenProcessPool:
                self._replace()
                raise UserFacingError("The music renderer crashed on this one. Please try again.") from None

    async def _submit(self, call: Callable[[], R]) -> R:
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(loop.run_in_executor(self._executor, call), self.timeout)
        except TimeoutError:
            raise UserFacingError("Rendering took too long and was given up. Try a shorter song.") from None

    def _replace(self) -> None:
        broken, self._executor = self._executor, self._new_executor()
        broken.shutdown(wait=False, cancel_futures=True)

    def start(self) -> None:
        """Start every worker now (each warms up in its initializer) rather than on the first request."""
        for _ in range(self._workers):
            self._executor.submit(int)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
