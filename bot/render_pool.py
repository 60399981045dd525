"""A process pool for CPU-heavy music work (composing, engraving, synthesis), so the event loop stays free.

Every job has a budget: a wall-clock limit, after which its worker is killed and replaced (abandoned work never
runs on, holding a gigabyte), and an address-space limit per worker (a gigabyte over what warming up mapped),
past which the job fails with MemoryError.
Each worker has an executor of its own, so stopping one job touches no other, and a job's clock starts when a
worker takes it: a draft queued behind two runaway jobs waits for a free worker, then has its whole budget.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import ctypes
import functools
import logging
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import FrameType
from typing import ParamSpec, TypeVar

from bot.errors import UserFacingError

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

RENDER_TIMEOUT = 90.0
PARSE_TIMEOUT = 20.0
"""A member's melody file: the pre-scan keeps a parse within seconds, so one running on is stopped sooner."""
WARM_UP_TIMEOUT = 120.0
"""A new worker's imports and warm-up sketch take seconds; they are not charged to the job that waits for them."""
RENDER_MEMORY_BYTES = 1_000_000_000
"""Address space a job may add to a warm worker's: a warm worker maps about 480 MB (more on a machine with many
cores, whose thread pools map more) and a long sketch adds about 120 MB, so this leaves a render room to work and
stops one that would take the machine's memory (a hostile file once took 8 GB)."""
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


def _warm_up(parent_pid: int, memory_bytes: int | None) -> None:
    """Die with the bot, pay the imports, the pronouncing dictionary and the font decoding once per worker, then
    cap the address space at what warming up mapped plus ``memory_bytes``.

    Workers also lower their priority: on a small machine the event loop must win the CPU over a render.
    """
    die_with_parent(parent_pid)
    from bot.songwriting.render.sketch import warm_up

    os.nice(10)
    warm_up()
    if memory_bytes is not None:
        limit_memory(memory_bytes)


def limit_memory(extra_bytes: int) -> None:
    """Cap this process's address space at what it maps now plus ``extra_bytes`` (never above a hard limit
    already set): past it, allocations fail with MemoryError. Only where /proc says what is mapped (Linux)."""
    try:
        mapped = int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        log.warning("cannot read this worker's address space; its memory is not capped")
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = mapped + extra_bytes if hard == resource.RLIM_INFINITY else min(mapped + extra_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


class _Worker:
    """One worker process in an executor of its own, so a job past its budget is stopped by killing just it."""

    def __init__(self, memory_bytes: int | None) -> None:
        self.executor = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_warm_up,
            initargs=(os.getpid(), memory_bytes),
        )
        self._pid: concurrent.futures.Future[int] | None = None

    def start(self) -> concurrent.futures.Future[int]:
        """Spawn the process (it warms up in its initializer); its first job says its pid, for ``kill``, once warm."""
        if self._pid is None:
            self._pid = self.executor.submit(os.getpid)
        return self._pid

    def kill(self) -> None:
        """End the process at once, whatever it is doing, and drop the executor (its jobs fail as broken).

        A worker still warming up has not said its pid: it ends by itself after warming up (a few seconds),
        as the executor is shut down.
        """
        pid = self._pid
        if pid is not None and pid.done() and not pid.cancelled() and pid.exception() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid.result(), signal.SIGKILL)
        self.executor.shutdown(wait=False, cancel_futures=True)


class RenderPool:
    """Owns the worker processes; ``run`` awaits a picklable function call in one of them, within the budget.

    Workers are started with ``spawn``: forking a process that runs an event loop and aiosqlite's thread
    can copy held locks into the child. A worker that dies is replaced and the call retried once; one that runs
    past ``timeout`` or out of memory is replaced and the member told which. Callers on any thread and event
    loop share the workers (a lock and thread-safe futures hand them out).
    """

    def __init__(
        self,
        workers: int,
        *,
        timeout: float = RENDER_TIMEOUT,
        parse_timeout: float = PARSE_TIMEOUT,
        memory_bytes: int | None = RENDER_MEMORY_BYTES,
    ) -> None:
        self.timeout = timeout
        self.parse_timeout = parse_timeout
        self._memory_bytes = memory_bytes
        self._lock = threading.Lock()
        self._closed = False
        self._all = {self._new_worker() for _ in range(workers)}
        self._idle = list(self._all)
        self._waiters: deque[concurrent.futures.Future[_Worker]] = deque()

    def _new_worker(self) -> _Worker:
        return _Worker(self._memory_bytes)

    async def run(self, func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run ``func(*args, **kwargs)`` in a worker within ``timeout`` seconds."""
        return await self._run(self.timeout, functools.partial(func, *args, **kwargs))

    async def parse(self, func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run a parse of a member's file in a worker within ``parse_timeout`` seconds."""
        return await self._run(self.parse_timeout, functools.partial(func, *args, **kwargs))

    async def _run(self, seconds: float, call: functools.partial[R]) -> R:
        try:
            return await self._attempt(call, seconds)
        except BrokenProcessPool:
            log.warning("A render worker died; retrying %s once on a new one", call.func.__name__)
            try:
                return await self._attempt(call, seconds)
            except BrokenProcessPool:
                raise UserFacingError("The music renderer crashed on this one. Please try again.") from None

    async def _attempt(self, call: Callable[[], R], seconds: float) -> R:
        """Run the call on a free worker with the whole budget; a worker that failed it is replaced."""
        worker: _Worker | None = await self._acquire()
        assert worker is not None
        try:
            await asyncio.wait_for(asyncio.wrap_future(worker.start()), WARM_UP_TIMEOUT)  # not the job's time
            return await asyncio.wait_for(asyncio.wrap_future(worker.executor.submit(call)), seconds)
        except TimeoutError:
            log.warning("A render ran past %.0f s: its worker was killed and replaced", seconds)
            worker = self._replace(worker)
            raise UserFacingError(
                f"That took too long (over {seconds:.0f} s) and was stopped. Try a shorter song."
            ) from None
        except MemoryError:
            log.warning("A render ran out of its memory budget: its worker was replaced")
            worker = self._replace(worker)
            raise UserFacingError("Rendering needed more memory than it may use and was stopped.") from None
        except (BrokenProcessPool, asyncio.CancelledError):  # a caller that gives up leaves no work running
            worker = self._replace(worker)
            raise
        finally:
            self._release(worker)

    async def _acquire(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise UserFacingError("The music renderer is shutting down; try again in a moment.")
            if self._idle:
                return self._idle.pop()
            waiter: concurrent.futures.Future[_Worker] = concurrent.futures.Future()
            self._waiters.append(waiter)
        try:
            return await asyncio.wrap_future(waiter)
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self._release(waiter.result())  # handed over just as the caller gave up: pass it on
            raise

    def _release(self, worker: _Worker | None) -> None:
        """Hand a free worker to the longest waiter, else keep it idle."""
        if worker is None:
            return
        with self._lock:
            while self._waiters:
                waiter = self._waiters.popleft()
                if waiter.set_running_or_notify_cancel():
                    waiter.set_result(worker)
                    return
            self._idle.append(worker)

    def _replace(self, worker: _Worker) -> _Worker | None:
        """Kill a worker and put a fresh one in its place (none once the pool is shut down)."""
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            if self._closed:
                return None
            fresh = self._new_worker()
            self._all.add(fresh)
        fresh.start()
        return fresh

    def start(self) -> None:
        """Start every worker now (each warms up in its initializer) rather than on the first request."""
        for worker in list(self._all):
            worker.start()

    def shutdown(self) -> None:
        """Stop every worker at once, busy or not: callers waiting for one are told the renderer is stopping."""
        with self._lock:
            self._closed = True
            workers, self._idle = list(self._all), []
            waiters = list(self._waiters)
            self._waiters.clear()
        for waiter in waiters:
            if waiter.set_running_or_notify_cancel():
                waiter.set_exception(UserFacingError("The music renderer is shutting down; try again in a moment."))
        for worker in workers:
            worker.kill()
