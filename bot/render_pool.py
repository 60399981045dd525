"""A process pool for CPU-heavy music work (composing, engraving, synthesis), so the event loop stays free."""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import ParamSpec, TypeVar

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


def _warm_up() -> None:
    """Pay the imports, the pronouncing dictionary and the font decoding once per worker."""
    from bot.songwriting.sketch import warm_up

    warm_up()


class RenderPool:
    """Owns the worker processes; ``run`` awaits a picklable function call in one of them.

    Workers are started with ``spawn``: forking a process that runs an event loop and aiosqlite's thread
    can copy held locks into the child.
    """

    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=_warm_up
        )

    async def run(self, func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(func, *args, **kwargs))

    def start(self) -> None:
        """Start every worker now (each warms up in its initializer) rather than on the first request."""
        for _ in range(self._workers):
            self._executor.submit(int)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
