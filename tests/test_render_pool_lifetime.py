"""Render workers live exactly as long as the bot that started them (issue #17).

A SIGKILLed bot runs no cleanup, so its workers must notice on their own. Each test tags a real child process with a
unique environment variable: spawned workers and multiprocessing's resource tracker inherit the environment, so
``/proc/<pid>/environ`` finds every process the child left behind, whoever their parent is by then.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.render_pool import RenderPool

ROOT = Path(__file__).resolve().parents[1]
MARKER = "LIFETIME_PROBE"  # no SOUNDOFF_ prefix: the entry-point tests strip those from a bot's environment
GONE_WITHIN = 10.0
"""The guards act at once (Linux) or within a second (the poll); the rest is headroom on a busy machine."""

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds processes through /proc")


def _pid_after(seconds: float) -> int:
    """Sleep, then say which worker ran the call: concurrent calls land on different workers."""
    time.sleep(seconds)
    return os.getpid()


def serve_pool_until_killed(workers: int) -> None:
    """In the child: start a RenderPool, wait until every worker has warmed up and answered, say so, then wait."""

    async def serve() -> None:
        pool = RenderPool(workers)
        pool.start()
        seen: set[int] = set()
        while len(seen) < workers:
            seen |= set(await asyncio.gather(*(pool.run(_pid_after, 0.2) for _ in range(workers))))
        print("ready", flush=True)
        await asyncio.sleep(600)

    asyncio.run(serve())


def guard_a_grandchild_and_wait() -> None:
    """In the child: start a process guarded by the polling watchdog alone, say so once it is guarded, then wait."""
    code = (
        "import os, sys, time; from bot.render_pool import die_with_parent; "
        "die_with_parent(os.getppid(), kernel_signal=False); print('guarded', flush=True); time.sleep(600)"
    )
    grandchild = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert grandchild.stdout is not None
    assert grandchild.stdout.readline().strip() == "guarded"
    print("ready", flush=True)
    time.sleep(600)


def _state(pid: int) -> str | None:
    """The process's state letter (``Z`` for a zombie, which holds no memory), or None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def tagged(marker: str) -> list[int]:
    """Pids of the live (not zombie) processes whose environment carries ``marker``; none where there is no /proc."""
    wanted = f"{MARKER}={marker}".encode()
    found = []
    for entry in os.listdir("/proc") if Path("/proc").is_dir() else []:
        if not entry.isdigit():
            continue
        try:
            environment = Path(f"/proc/{entry}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if wanted in environment and _state(int(entry)) not in (None, "Z"):
            found.append(int(entry))
    return found


def left_behind(marker: str, within: float = GONE_WITHIN) -> list[int]:
    """Wait up to ``within`` for every process tagged ``marker`` to exit; SIGKILL and return those that did not."""
    deadline = time.monotonic() + within
    while (left := tagged(marker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return left


@pytest.fixture
def marker() -> Iterator[str]:
    """A fresh tag; whatever still carries it at teardown is SIGKILLed, so a failing test leaks nothing either."""
    value = uuid.uuid4().hex
    yield value
    left_behind(value, within=0)


def _start(marker: str, function: str, *args: int) -> subprocess.Popen[str]:
    """Run ``function(*args)`` from this module in a child tagged with ``marker``; return once it printed ``ready``."""
    call = f"from {__name__} import {function}; {function}({', '.join(map(str, args))})"
    child = subprocess.Popen(
        [sys.executable, "-c", call],
        cwd=ROOT,
        env=os.environ | {MARKER: marker},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline()  # bounded by the suite's per-test timeout
    assert line.strip() == "ready", f"the child exited {child.poll()} before it was ready"
    return child


def _left_after_kill(child: subprocess.Popen[str], marker: str) -> list[int]:
    """SIGKILL the child alone (as an OOM kill would); the tagged processes that have not exited GONE_WITHIN later."""
    child.kill()
    child.wait()
    return left_behind(marker)


@pytest.mark.slow
def test_a_sigkilled_bot_leaves_no_worker_or_resource_tracker_behind(marker: str) -> None:
    """SIGKILL the process that owns a warm two-worker pool: its workers and the resource tracker exit too."""
    child = _start(marker, "serve_pool_until_killed", 2)
    running = tagged(marker)
    assert len(running) >= 4, f"expected the child, two workers and the resource tracker, saw {running}"

    assert _left_after_kill(child, marker) == []


@pytest.mark.slow
def test_the_polling_watchdog_alone_ends_an_orphan(marker: str) -> None:
    """Without the kernel's parent-death signal (every system but Linux) the poll still ends an orphaned worker."""
    child = _start(marker, "guard_a_grandchild_and_wait")
    assert len(tagged(marker)) == 2

    assert _left_after_kill(child, marker) == []


async def test_a_worker_outlives_the_thread_that_spawned_it() -> None:
    """The kernel signals a worker when the *thread* that spawned it exits; the pid check keeps it working."""
    pool = RenderPool(1)
    try:
        spawned: list[int] = []
        spawner = threading.Thread(target=lambda: spawned.append(asyncio.run(pool.run(os.getpid))))
        spawner.start()
        spawner.join()
        await asyncio.sleep(0.5)  # the signal of the thread's exit has arrived by now

        assert await pool.run(os.getpid) == spawned[0]
    finally:
        pool.shutdown()
