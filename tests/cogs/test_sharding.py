"""Scale-out: two bot processes, each owning half of the shards, on one database (each backend) and one stand-in."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.app import ShardedSoundOffBot, SoundOffBot, build_bot
from bot.database_target import DatabaseTarget
from bot.render_pool import RenderPool
from bot.services import Services
from bot.settings import Settings
from bot.shards import shard_of
from tests.cogs.conftest import stop_bot
from tests.standin import StandIn
from tests.standin.fixtures import StartClient

SHARDS = 2


def _settings(database: DatabaseTarget, **extra: object) -> Settings:
    return Settings(  # type: ignore[call-arg]  # pydantic-settings takes the aliases as keywords
        _env_file=None,
        SOUNDOFF_DATABASE=database,
        SOUNDOFF_COOLDOWN_SECONDS=0,
        SOUNDOFF_GUILD_READY_TIMEOUT=0.05,
        SOUNDOFF_IDENTIFY_INTERVAL=0.05,  # the processes take turns to IDENTIFY (PostgreSQL): not Discord's 5 s here
        **extra,
    )


@pytest.fixture
async def two_processes(
    standin: StandIn, start_client: StartClient, database_target: DatabaseTarget, render_pool: RenderPool
) -> AsyncIterator[list[SoundOffBot]]:
    """Bot 0 owns shard 0 of 2 and bot 1 shard 1, as `soundoff run --shards N-N --shard-count 2` would."""
    bots: list[SoundOffBot] = []
    try:
        for shard in range(SHARDS):
            settings = _settings(database_target, SOUNDOFF_SHARDS=str(shard), SOUNDOFF_SHARD_COUNT=SHARDS)
            services = await Services.open(settings, pool=render_pool)
            bots.append(await start_client(build_bot(services)))
        yield bots
    finally:
        for bot in bots:
            await stop_bot(bot)


def test_the_settings_choose_the_bot() -> None:
    """No shard settings: the one-connection bot, as ever; a shard count: the sharded bot with its range."""
    plain = _settings(":memory:")
    sharded = _settings(":memory:", SOUNDOFF_SHARDS="2-3", SOUNDOFF_SHARD_COUNT=4)
    assert (plain.shard_count, plain.shard_ids) == (None, None)
    assert (sharded.shard_count, sharded.shard_ids) == (4, [2, 3])
    assert issubclass(ShardedSoundOffBot, SoundOffBot)


async def test_every_server_is_served_by_exactly_one_process(
    standin: StandIn, two_processes: list[SoundOffBot]
) -> None:
    """Each process gets the servers of its shard (GUILD_CREATE and every event after it), never the other's."""
    world = standin.world
    owned = [{guild.id for guild in bot.guilds} for bot in two_processes]
    assert owned[0].isdisjoint(owned[1])
    assert owned[0] | owned[1] == set(world.guilds)
    for shard, ids in enumerate(owned):
        assert all(shard_of(guild_id, SHARDS) == shard for guild_id in ids)
    assert [bot.shard_ids for bot in two_processes] == [[0], [1]]


async def test_commands_from_servers_on_both_shards_are_answered_by_their_owner(
    standin: StandIn, two_processes: list[SoundOffBot]
) -> None:
    """/help in a server of each shard: the interaction reaches only the owning process, which answers it."""
    world = standin.world
    await two_processes[0].tree.sync()  # global commands, as production registers them
    for shard in range(SHARDS):
        guild = world.add_guild(f"Shard {shard} server", shard=(shard, SHARDS))
        channel = world.add_text_channel(guild, "general")
        member = world.add_member(guild, f"member{shard}")
        handle = await standin.slash("help", member=member, channel=channel)
        assert (await handle.response()).type == 4
        receivers = [
            session.shard
            for session in standin.gateway.sessions.values()
            for _, frame in session.backlog
            if json.loads(frame).get("t") == "INTERACTION_CREATE"
            and json.loads(frame)["d"]["guild_id"] == str(guild.id)
        ]
        assert receivers == [(shard, SHARDS)]


async def test_the_standin_recommends_shards_and_identify_concurrency(standin: StandIn) -> None:
    """GET /gateway/bot says where to connect, how many shards to run and how many may IDENTIFY together."""
    standin.world.application.shards = 4
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{standin.api_base_url}/gateway/bot", headers={"Authorization": f"Bot {standin.token}"}
        ) as response,
    ):
        body = await response.json()
    assert body["url"] == standin.gateway_url
    assert body["shards"] == 4
    assert body["session_start_limit"]["max_concurrency"] == 1
