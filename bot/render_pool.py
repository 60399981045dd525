"""A process pool for CPU-heavy music work (composing, engraving, synthesis), so the event loop stays free."""

from __future__ import annotations

import asyncio
import ctypes
import functools
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import FrameType
from typing import ParamSpec, TypeVar

from bot.errors import UserFacingError

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

RENDER_TIMEOUT = 90.0
PARENT_POLL_SECONDS = 1.0
"""How often a worker's watchdog checks that its bot still exists: a second of lag costs nothing, a wakeup little."""
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
PARENT_DEATH_SIGNAL = signal.SIGUSR1
"""Not SIGKILL, which would allow no check of who died; not SIGTERM, which the executor sends to end broken workers."""


def _exit_if_orphaned(parent_pid: int) -> None:
    """Exit at once, without cleanup, if this process's parent is no longer ``parent_pid``.

    Once the parent dies the kernel hands its children to init (or a subreaper), so ``getppid`` changes for good.
    Nobody is left to read a result or the exit status, and the resource tracker unlinks the semaphores.
    """
    if os.getppid() != parent_pid:
        os._exit(1)


def _poll_parent(parent_pid: int, interval: float) -> None:
    """Check the parent every ``interval`` seconds, forever: the thread is a daemon and dies with the worker."""
    while True:
        time.sleep(interval)
        _exit_if_orphaned(parent_pid)


def _request_parent_death_signal(parent_pid: int) -> None:
    """Ask Linux to send PARENT_DEATH_SIGNAL when the parent goes, so an idle worker exits at once, not within a poll.

    The kernel sends it when the *thread* that spawned this worker exits, not only the process: Python 3.11's
    executor spawns workers on whichever thread calls ``submit``. So the handler exits only if the parent pid
    changed, and a spawning thread that ends in a living bot is ignored.
    """

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # an error here would fail the initializer and so break the whole pool
        log.warning("no prctl in this libc; only the watchdog ends this worker")
        return

    def on_signal(signum: int, frame: FrameType | None) -> None:
        _exit_if_orphaned(parent_pid)

    signal.signal(PARENT_DEATH_SIGNAL, on_signal)  # before the request: the signal's default action is to die
    if prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(PARENT_DEATH_SIGNAL)) != 0:
        log.warning("prctl(PR_SET_PDEATHSIG) failed (errno %d); only the watchdog ends this worker", ctypes.get_errno())


def die_with_parent(
    parent_pid: int, *, interval: float = PARENT_POLL_SECONDS, kernel_signal: bool = sys.platform == "linux"
) -> None:
    """Make this process exit when ``parent_pid``, its parent, dies, however it dies.

    A SIGKILLed bot (an OOM kill, a supervisor that kills only the main pid) runs no cleanup, and nothing else tells
    its workers to stop: they stayed under init holding ~160 MB each, and kept the resource tracker alive too, as it
    only exits once every holder of its pipe has. On Linux the kernel's parent-death signal ends an idle worker at
    once; everywhere a daemon thread polls the parent pid, which also ends a worker whose main thread is inside a
    long native call (a signal handler waits for it to return). ``kernel_signal=False`` leaves the poll alone, as on
    every other system.
    """
    if kernel_signal:
        _request_parent_death_signal(parent_pid)
    _exit_if_orphaned(parent_pid)  # the parent may have died before the request: no signal would come for it then
    threading.Thread(target=_poll_parent, args=(parent_pid, interval), name="parent-watchdog", daemon=True).start()


def _warm_up(parent_pid: int) -> None:
    """Die with the bot, then pay the imports, the pronouncing dictionary and the font decoding once per worker.

    Workers also lower their priority: on a small machine the event loop must win the CPU over a render.
    """
    die_with_parent(parent_pid)
    from bot.songwriting.render.sketch import warm_up

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
            max_workers=self._workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_warm_up,
            initargs=(os.getpid(),),
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
