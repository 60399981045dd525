"""Scale-out mode against the stand-in: a bot that queues its drafts, and workers that run the queue."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Protocol

import pytest

from bot.app import SoundOffBot
from bot.database_target import PostgresUrl
from bot.jobs.queue import MAINTENANCE_QUEUE
from bot.jobs.worker import Worker, rest_client
from bot.render_pool import RenderPool
from bot.services import Services
from bot.settings import Settings
from tests.cogs.conftest import stop_bot
from tests.postgres import PostgresServer
from tests.standin import StandIn
from tests.standin.fixtures import StartClient


@pytest.fixture
def queue_database(postgres_server: PostgresServer) -> Iterator[PostgresUrl]:
    """A fresh migrated PostgreSQL database: the job queue lives beside the bot's tables."""
    url = postgres_server.clone()
    yield url
    postgres_server.drop(url)


def queue_settings(standin: StandIn, database: PostgresUrl, **extra: object) -> Settings:
    return Settings(  # type: ignore[call-arg]  # pydantic-settings takes the aliases as keywords
        _env_file=None,
        DISCORD_TOKEN=standin.token,
        SOUNDOFF_DATABASE=database.conninfo,
        SOUNDOFF_RENDER_QUEUE=True,
        SOUNDOFF_COOLDOWN_SECONDS=0,
        SOUNDOFF_GUILD_READY_TIMEOUT=0.05,
        SOUNDOFF_DEV_GUILD_ID=standin.scene.guild.id,
        **extra,
    )


@pytest.fixture
async def queued_bot(
    standin: StandIn, start_client: StartClient, queue_database: PostgresUrl, render_pool: RenderPool
) -> AsyncIterator[SoundOffBot]:
    """A bot process in scale-out mode: it acknowledges and queues drafts, and runs no deadlines itself."""
    services = await Services.open(queue_settings(standin, queue_database), pool=render_pool)
    bot = await start_client(SoundOffBot(services), within=30)  # a loaded machine: starting may take seconds
    yield bot
    await stop_bot(bot)


class StartWorker(Protocol):
    async def __call__(self, *, run: bool = True) -> Worker: ...


@pytest.fixture
async def start_worker(
    standin: StandIn, queue_database: PostgresUrl, render_pool: RenderPool
) -> AsyncIterator[StartWorker]:
    """``await start_worker()``: a worker in this process (REST only), taking jobs until the test ends."""
    running: list[tuple[Worker, asyncio.Task[None] | None]] = []

    async def start(*, run: bool = True) -> Worker:
        services = await Services.open(queue_settings(standin, queue_database), pool=render_pool)
        client = rest_client()
        await client.login(standin.token)
        worker = Worker(services, client)
        task = asyncio.create_task(worker.run(concurrency=2, signals=False)) if run else None
        running.append((worker, task))
        return worker

    yield start
    for worker, task in running:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await worker.client.close()
        await worker.services.close()  # not the render pool: the session's


def queued_jobs(database: PostgresUrl) -> Callable[[], list[tuple[str, str]]]:
    """A probe of the queue: (task name, status) of every job still stored, but the workers' periodic upkeep."""
    import psycopg

    def jobs() -> list[tuple[str, str]]:
        with psycopg.connect(database.conninfo) as conn:
            rows = conn.execute(
                "SELECT task_name, status FROM procrastinate_jobs WHERE queue_name <> %s ORDER BY id",
                (MAINTENANCE_QUEUE,),
            )
            return [(r[0], r[1]) for r in rows]

    return jobs
