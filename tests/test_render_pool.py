"""The render pool survives a worker dying, kills a job past its time or memory, and stops at once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.errors import UserFacingError
from bot.render_pool import RENDER_MEMORY_BYTES, WARM_UP_TIMEOUT, RenderPool
from bot.songwriting.render.sketch import compose_and_render
from bot.songwriting.versions.credits import MELODY_WRITER, Authorship, Disclosure


def _die() -> int:
    os._exit(1)


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


async def test_dead_worker_is_replaced_and_the_pool_keeps_working() -> None:
    """A worker that dies mid-call breaks the executor; the pool replaces it and the next call works."""
    pool = RenderPool(1)
    try:
        with pytest.raises(UserFacingError, match="crashed"):
            await pool.run(_die)
        assert await pool.run(abs, -3) == 3
    finally:
        pool.shutdown()


async def test_stuck_render_times_out_with_a_clear_message() -> None:
    """A call past the timeout gives the member a clear message instead of waiting forever."""
    pool = RenderPool(1)
    try:
        await pool.run(abs, 1)  # the worker is up and warm
        pool.timeout = 0.5
        with pytest.raises(UserFacingError, match="too long"):
            await pool.run(_sleep, 3.0)
    finally:
        pool.shutdown()


def _allocate(size: int) -> int:
    return len(bytearray(size))


def _running(pid: int) -> bool:
    """Whether a process exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def _gone(pid: int, within: float = 5.0) -> bool:
    """Wait (blocking: nothing on the loop is needed for a process to end) until the process is gone."""
    deadline = time.monotonic() + within
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _running(pid)


async def test_a_job_past_its_time_is_killed_and_the_next_job_runs() -> None:
    """The runaway job's process is killed (not left running) and replaced; the next job gets a fresh worker."""
    pool = RenderPool(1, timeout=1.0)
    try:
        first = await pool.run(os.getpid)
        with pytest.raises(UserFacingError, match="too long"):
            await pool.run(_sleep, 60.0)
        assert _gone(first)
        started = time.monotonic()
        second = await pool.run(os.getpid)  # waits for the replacement's warm-up, then runs within its budget
        assert second != first
        assert await pool.run(abs, -2) == 2
        assert time.monotonic() - started < WARM_UP_TIMEOUT
    finally:
        pool.shutdown()


async def test_a_job_past_its_memory_is_stopped_and_the_worker_replaced() -> None:
    """A worker may map RENDER_MEMORY_BYTES: a job that asks for more fails in a sentence and the next one works."""
    pool = RenderPool(1)
    try:
        first = await pool.run(os.getpid)
        with pytest.raises(UserFacingError, match="more memory"):
            await pool.run(_allocate, 2 * RENDER_MEMORY_BYTES)
        assert _gone(first)
        assert await pool.run(_allocate, 50_000_000) == 50_000_000
    finally:
        pool.shutdown()


async def test_a_draft_beside_two_runaway_jobs_is_answered() -> None:
    """Two runaway jobs hold both workers; a draft sent beside them waits for a freed worker and then gets its
    whole budget, so it is answered, never told "too long"."""
    pool = RenderPool(2, timeout=5.0)  # a two-bar draft renders in well under a second
    try:
        await asyncio.gather(pool.run(_sleep, 0.2), pool.run(_sleep, 0.2))  # both workers up and warm
        runaways = [asyncio.create_task(pool.run(_sleep, 60.0)) for _ in range(2)]
        await asyncio.sleep(0.2)
        disclosure = Disclosure(None, Authorship.by_ai(MELODY_WRITER))
        melody, files = await pool.run(compose_and_render, None, "Beside", seed=3, bars=2, disclosure=disclosure)
        assert melody.pitched
        assert files.ogg
        for runaway in runaways:
            with pytest.raises(UserFacingError, match="too long"):
                await runaway
    finally:
        pool.shutdown()


async def test_shutdown_stops_busy_workers_at_once() -> None:
    """Shutting down kills a worker in the middle of a long job; the job's caller is told, within seconds."""
    pool = RenderPool(1, timeout=600.0)
    pid = await pool.run(os.getpid)
    busy = asyncio.create_task(pool.run(_sleep, 600.0))
    await asyncio.sleep(0.3)
    started = time.monotonic()
    pool.shutdown()
    with pytest.raises(UserFacingError, match="shutting down"):
        await asyncio.wait_for(busy, 10)
    assert _gone(pid)
    assert time.monotonic() - started < 5


def test_a_process_exits_within_seconds_however_busy_its_renderer() -> None:
    """The bot's process with a render running for minutes exits within seconds of shutting the pool down."""
    code = (
        "import asyncio, time\n"
        "from bot.render_pool import RenderPool\n"
        "from tests.test_render_pool import _sleep\n"
        "async def main():\n"
        "    pool = RenderPool(1, timeout=600)\n"
        "    await pool.run(int)\n"
        "    asyncio.get_running_loop().create_task(pool.run(_sleep, 600.0))\n"
        "    await asyncio.sleep(0.5)\n"
        "    print('busy', flush=True)\n"
        "    pool.shutdown()\n"
        "if __name__ == '__main__':\n"
        "    asyncio.run(main())\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "busy"  # bounded by the suite's per-test timeout
    started = time.monotonic()
    child.wait(timeout=30)
    assert time.monotonic() - started < 10
