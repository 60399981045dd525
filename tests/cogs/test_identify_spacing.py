"""IDENTIFY spacing across bot processes: Discord's session-start limit per bucket, held through PostgreSQL.

Two sharded bots (shards 0-1 and 2-3 of 4) start together against a stand-in that refuses an IDENTIFY coming
less than the interval after the previous one in its bucket (``shard_id % max_concurrency``) with op 9, as
Discord does. On one database the processes take turns; on two (no shared gate) they collide.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from bot.app import ShardedSoundOffBot, SoundOffBot, build_bot
from bot.database_target import DatabaseTarget, PostgresUrl
from bot.db.connection import Database
from bot.db.identify import IdentifyGate
from bot.db.postgres import PostgresDatabase
from bot.render_pool import RenderPool
from bot.services import Services
from bot.settings import Settings
from tests.cogs.conftest import stop_bot
from tests.postgres import PostgresServer
from tests.standin import StandIn
from tests.standin.fixtures import StartClient
from tests.standin.gateway import Identify

pytestmark = pytest.mark.filterwarnings("ignore:client took over 1 s")  # spacing four IDENTIFYs takes a while

INTERVAL = 0.3
"""Discord's 5 s between IDENTIFYs of a bucket, scaled down: the stand-in's rule."""
BOT_INTERVAL = INTERVAL + 0.05
"""The bots' ``SOUNDOFF_IDENTIFY_INTERVAL``: a little over the rule, since the stand-in times an IDENTIFY when it
reads it, and its trip from the gate varies with what else runs on the tests' one event loop (the other bot's
start-up), as a real one varies with the network."""
SHARD_COUNT = 4
RANGES = ("0-1", "2-3")

StartBots = Callable[[list[DatabaseTarget]], Awaitable[list[SoundOffBot]]]


def _settings(database: DatabaseTarget, shards: str) -> Settings:
    return Settings(  # type: ignore[call-arg]  # pydantic-settings takes the aliases as keywords
        _env_file=None,
        SOUNDOFF_DATABASE=database,
        SOUNDOFF_COOLDOWN_SECONDS=0,
        SOUNDOFF_GUILD_READY_TIMEOUT=0.05,
        SOUNDOFF_SHARDS=shards,
        SOUNDOFF_SHARD_COUNT=SHARD_COUNT,
        SOUNDOFF_IDENTIFY_INTERVAL=BOT_INTERVAL,
    )


@pytest.fixture
def databases(postgres_server: PostgresServer) -> Iterator[Callable[[], PostgresUrl]]:
    """Fresh migrated PostgreSQL databases on request, dropped afterwards."""
    made: list[PostgresUrl] = []

    def make() -> PostgresUrl:
        made.append(postgres_server.clone())
        return made[-1]

    yield make
    for url in made:
        postgres_server.drop(url)


@pytest.fixture
async def start_bots(
    standin: StandIn,
    start_client: StartClient,
    render_pool: RenderPool,
    databases: Callable[[], PostgresUrl],  # asked for here so that the bots stop before their databases go
) -> AsyncIterator[StartBots]:
    """``await start_bots([db_a, db_b])`` starts bot A (shards 0-1) and bot B (2-3) at the same moment."""
    standin.gateway.identify_interval = INTERVAL
    running: list[SoundOffBot] = []

    async def start(targets: list[DatabaseTarget]) -> list[SoundOffBot]:
        bots = []
        for database, shards in zip(targets, RANGES, strict=True):
            bots.append(build_bot(await Services.open(_settings(database, shards), pool=render_pool)))
        running.extend(bots)
        await asyncio.gather(*(start_client(bot, within=20) for bot in bots))
        return bots

    yield start
    for bot in running:
        if bot.services.identify_gate is not None:
            await bot.services.identify_gate.close()
        await stop_bot(bot)


def _gaps(identifies: list[Identify], bucket: int) -> list[float]:
    """Seconds between consecutive IDENTIFYs of one bucket, as the stand-in read them."""
    times = [i.at for i in identifies if i.bucket == bucket]
    return [later - earlier for earlier, later in itertools.pairwise(times)]


async def test_processes_on_one_database_take_turns_to_identify(
    standin: StandIn, start_bots: StartBots, databases: Callable[[], PostgresUrl]
) -> None:
    """max_concurrency 1: all four shards share one bucket, and every IDENTIFY comes at least the interval apart."""
    shared = databases()
    bots = await start_bots([shared, shared])
    gateway = standin.gateway
    assert gateway.identify_refusals == 0
    assert sorted(i.shard[0] for i in gateway.identifies) == [0, 1, 2, 3]
    assert min(_gaps(gateway.identifies, 0)) >= INTERVAL
    sharded = [bot for bot in bots if isinstance(bot, ShardedSoundOffBot) and bot.services.identify_gate]
    assert [bot.shard_ids for bot in sharded] == [[0, 1], [2, 3]]


async def test_buckets_identify_side_by_side(
    standin: StandIn, start_bots: StartBots, databases: Callable[[], PostgresUrl]
) -> None:
    """max_concurrency 2 (read from /gateway/bot): buckets {0, 2} and {1, 3} are spaced apart, not each other."""
    standin.world.application.max_concurrency = 2
    shared = databases()
    bots = await start_bots([shared, shared])
    gateway = standin.gateway
    assert [bot.services.identify_gate.max_concurrency for bot in bots if bot.services.identify_gate] == [2, 2]
    assert gateway.identify_refusals == 0
    assert all(min(_gaps(gateway.identifies, bucket)) >= INTERVAL for bucket in (0, 1))
    times = sorted(i.at for i in gateway.identifies)
    assert times[-1] - times[0] < 2 * BOT_INTERVAL  # two rounds of two, not four turns in a row


async def test_processes_without_a_shared_gate_are_refused(
    standin: StandIn, start_bots: StartBots, databases: Callable[[], PostgresUrl]
) -> None:
    """The control: on two databases each process spaces only itself, so Discord answers op 9 and they retry."""
    bots = await start_bots([databases(), databases()])
    gateway = standin.gateway
    assert gateway.identify_refusals >= 1
    accepted = [i for i in gateway.identifies if not i.refused]
    assert sorted(i.shard[0] for i in accepted) == [0, 1, 2, 3]  # discord.py identified again and got in
    assert all(bot.is_ready() for bot in bots)


async def test_a_dead_process_does_not_keep_its_bucket(databases: Callable[[], PostgresUrl]) -> None:
    """The lock lives on the holder's connection: when that closes (the process died), the next waiter goes at once."""
    url = databases()
    first, second = await Database.open(url), await Database.open(url)
    try:
        assert isinstance(first, PostgresDatabase)
        assert isinstance(second, PostgresDatabase)
        holder, waiter = IdentifyGate(first, interval=60.0), IdentifyGate(second, interval=60.0)
        await holder.admit(0)
        waiting = asyncio.create_task(waiter.admit(2))  # bucket 0 too, with max_concurrency 1
        await asyncio.sleep(0.2)
        assert not waiting.done()
        await holder.close()  # its connection closes, as a killed process's would
        await asyncio.wait_for(waiting, 5)
        await waiter.close()
    finally:
        await first.close()
        await second.close()


async def test_sqlite_keeps_discord_py_spacing(tmp_path: Path, render_pool: RenderPool) -> None:
    """One process on SQLite has no gate: the sharded bot falls back to discord.py's own 5 s between shards."""
    services = await Services.open(_settings(tmp_path / "soundoff.db", "0-1"), pool=render_pool)
    try:
        assert services.identify_gate is None
    finally:
        await services.db.close()
