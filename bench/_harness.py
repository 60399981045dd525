"""Shared bench helpers: the real bot against the local Discord stand-in in one process, and figures.

The benches import the stand-in from ``tests/``; run as ``python bench/NAME.py`` only the bench folder is on
``sys.path``, so the repository root is added here, before anything imports ``tests``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.app import SoundOffBot
from bot.discord_endpoints import apply_endpoints
from bot.services import Services
from bot.settings import Settings
from tests.standin import InteractionHandle, LogGuard, StandIn
from tests.standin.polling import eventually

T = TypeVar("T")
READY_WITHIN = 10.0
WATCHED_LOGGERS = ("discord", "bot", "cogs")
HANDLER_TASKS = ("CommandTree-invoker", "discord-ui-", "discord.py: ")
SETTLE_WITHIN = 15.0


@dataclass
class Run:
    """A running stand-in and bot, plus the correctness failures a bench collects on the way."""

    standin: StandIn
    bot: SoundOffBot
    database: Path
    failures: list[str] = field(default_factory=list)

    def check(self, condition: bool, failure: str) -> None:
        """Record a failed correctness check (the bench exits non-zero at the end)."""
        if not condition:
            self.failures.append(failure)


@contextlib.asynccontextmanager
async def running_bot(*, render_workers: int = 2) -> AsyncIterator[Run]:
    """Start the stand-in and SoundOffBot (dev guild synced, warm render pool) on a fresh database file."""
    saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    guard = LogGuard()
    for name in WATCHED_LOGGERS:
        guard.watch(name)
    with tempfile.TemporaryDirectory(prefix="soundoff-bench-") as folder:
        standin = await StandIn().start()
        apply_endpoints(standin.api_base_url, standin.gateway_url)
        settings = Settings(  # type: ignore[call-arg]  # pydantic-settings takes the aliases as keywords
            _env_file=None,
            SOUNDOFF_DATABASE=str(Path(folder) / "bench.db"),
            SOUNDOFF_GUILD_READY_TIMEOUT=0.05,
            SOUNDOFF_DEV_GUILD_ID=standin.scene.guild.id,
            SOUNDOFF_RENDER_WORKERS=render_workers,
        )
        services = await Services.open(settings)
        services.pool.start()
        await _warm_workers(services, render_workers)
        bot = SoundOffBot(services)
        client = asyncio.create_task(bot.start(standin.token), name="bench-bot")
        run = Run(standin, bot, settings.database)
        try:
            await eventually(lambda: bot.is_ready() or client.done(), READY_WITHIN)
            if client.done():
                client.result()
            yield run
        finally:
            await settle()
            await bot.close()
            with contextlib.suppress(asyncio.CancelledError):
                await client
            await services.close()
            await standin.stop()
            Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved
            guard.detach()
        run.failures += standin.problems() + [f"logged: {line}" for line in guard.unexpected()]


def _worker_pid(delay: float) -> int:
    time.sleep(delay)
    return os.getpid()


async def _warm_workers(services: Services, workers: int) -> None:
    """Return once every render worker has finished its warm-up, so it does not compete with the measurement."""
    seen: set[int] = set()
    while len(seen) < workers:
        seen |= set(await asyncio.gather(*(services.pool.run(_worker_pid, 0.2) for _ in range(workers))))


async def settle() -> None:
    """Wait for the bot's interaction and event handlers to finish, so closing interrupts none of them."""

    def busy() -> bool:
        return any(not t.done() and t.get_name().startswith(HANDLER_TASKS) for t in asyncio.all_tasks())

    await eventually(lambda: not busy(), SETTLE_WITHIN)


def ack_latency_ms(handle: InteractionHandle) -> float:
    """Milliseconds from the stand-in dispatching INTERACTION_CREATE to the bot's first callback."""
    response = handle.record.response
    assert response is not None, f"{handle} was never acknowledged"
    return (response.at - handle.record.created_at) * 1000


def percentile(values: Iterable[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of a non-empty sample."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def latency_line(label: str, samples: list[float]) -> str:
    """One row: count, median, p99 and max of latencies in ms."""
    return (
        f"{label:<28} n={len(samples):<5} median {statistics.median(samples):7.1f} ms   "
        f"p99 {percentile(samples, 0.99):7.1f} ms   max {max(samples):7.1f} ms"
    )


async def bounded(jobs: Iterable[Callable[[], Awaitable[T]]], limit: int) -> list[T]:
    """Run job factories with at most ``limit`` in flight; results in job order."""
    gate = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await job()

    return list(await asyncio.gather(*(one(job) for job in jobs)))


def finish(title: str, lines: list[str], failures: list[str], started: float) -> int:
    """Print the figures block and the correctness verdict; return the exit code."""
    print(f"== {title} ==")
    for line in lines:
        print(line)
    print(f"bench wall time: {time.perf_counter() - started:.1f} s")
    if failures:
        print(f"FAILED: {len(failures)} correctness check(s)")
        for failure in failures[:20]:
            print(f"  - {failure}")
        return 1
    print("correctness: OK")
    return 0


def run_bench(main: Callable[[], Coroutine[Any, Any, int]]) -> None:
    """Run an async bench and exit with its code."""
    sys.exit(asyncio.run(main()))
