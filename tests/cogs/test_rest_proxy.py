"""Scale-out: one shared REST proxy keeps two bot processes inside Discord's global limit, which together they break.

Discord counts the global limit per bot; discord.py counts per process. Two sharded bots (half the shards each, on
one database) answer a burst of ``/cowrite lyrics`` from servers on both shards. Each command makes two requests
with the bot's token (the song's thread, the how-to message in it; the interaction's own endpoints are not bound
to the limit), so each bot alone sends fewer than ``PER_SECOND`` in the whole burst and together more within a
second. Through @discordjs/proxy (tools/rest-proxy, at ``PROXY_PER_SECOND``) the stand-in refuses none;
bypassing it, it refuses some.

discord.py reads its REST base from one class attribute for the whole process (bot/discord_endpoints.py), so both
bots of a test use the same base, as every process of a deployment would: the proxy in one test, the stand-in
itself in the other.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Protocol

import pytest

from bot.app import SoundOffBot, build_bot
from bot.discord_endpoints import apply_endpoints
from bot.render_pool import RenderPool
from bot.services import Services
from bot.settings import Settings
from bot.shards import shard_of
from tests.cogs.conftest import stop_bot
from tests.postgres import PostgresServer
from tests.rest_proxy import StartRestProxy, start_rest_proxy  # noqa: F401  # the fixture, used below
from tests.standin import InteractionHandle, StandIn
from tests.standin.fixtures import StartClient
from tests.standin.polling import eventually
from tests.standin.world import Channel, Member

SHARDS = 2
PER_SECOND = 20
PROXY_PER_SECOND = PER_SECOND // 2
"""The proxy's own limit. @discordjs/rest counts fixed one-second windows from a window's first request, and Discord
(the stand-in) a second of its own: two full windows can meet inside one of its seconds. Half leaves no 429 under
any timing, and a 429 from upstream is worse than a wait here: the proxy resends the request without its body."""
SERVERS_PER_SHARD = 4
MEMBERS = 2
COMMANDS_PER_BOT = SERVERS_PER_SHARD * MEMBERS
DEFERRED = 5
QUIET = 1.5
THREADS = "POST /channels/{channel_id}/messages/{message_id}/threads"
MESSAGES = "POST /channels/{channel_id}/messages"
COUNTED = (THREADS, MESSAGES)
"""The requests a /cowrite lyrics makes with the bot's token: what Discord's global limit counts."""


class StartBots(Protocol):
    async def __call__(self, api_base_url: str) -> list[SoundOffBot]: ...


@pytest.fixture
async def start_bots(
    standin: StandIn,
    start_client: StartClient,
    postgres_server: PostgresServer,
    render_pool: RenderPool,
) -> AsyncIterator[StartBots]:
    """``await start_bots(base)``: bot 0 owns shard 0 of 2 and bot 1 shard 1 on one PostgreSQL database, both on
    that REST base. (Scale-out runs on PostgreSQL: two writers on one SQLite file answer "database is locked".)"""
    bots: list[SoundOffBot] = []
    database = postgres_server.clone()

    async def start(api_base_url: str) -> list[SoundOffBot]:
        apply_endpoints(api_base_url, None)  # the standin fixture puts Discord's defaults back afterwards
        for shard in range(SHARDS):
            settings = Settings(  # type: ignore[call-arg]  # pydantic-settings takes the aliases as keywords
                _env_file=None,
                SOUNDOFF_DATABASE=database,
                SOUNDOFF_COOLDOWN_SECONDS=0,
                SOUNDOFF_GUILD_READY_TIMEOUT=0.05,
                SOUNDOFF_IDENTIFY_INTERVAL=0.05,  # the processes take turns to IDENTIFY: not Discord's 5 s here
                SOUNDOFF_SHARDS=str(shard),
                SOUNDOFF_SHARD_COUNT=SHARDS,
            )
            bots.append(await start_client(build_bot(await Services.open(settings, pool=render_pool))))
        await bots[0].tree.sync()  # global commands, as production registers them once
        return bots

    yield start
    for bot in bots:
        await stop_bot(bot)
    postgres_server.drop(database)


Invocation = tuple[Member, Channel]


def _servers(standin: StandIn) -> list[Invocation]:
    """Servers on both shards, each with a channel and members to write from (built before the bots connect)."""
    world = standin.world
    invocations = []
    for shard in range(SHARDS):
        for n in range(SERVERS_PER_SHARD):
            guild = world.add_guild(f"Shard {shard} server {n}", shard=(shard, SHARDS))
            channel = world.add_text_channel(guild, "songs")
            invocations += [(world.add_member(guild, f"writer-{shard}-{n}-{m}"), channel) for m in range(MEMBERS)]
    return invocations


async def _burst(standin: StandIn, invocations: list[Invocation]) -> None:
    """/cowrite lyrics from every member at once, under the global limit; each acknowledged (deferred) at once."""
    standin.rate_limits.per_second = PER_SECOND  # from here on: the bots' start-up traffic is not the test
    handles: list[InteractionHandle] = await asyncio.gather(
        *(
            standin.slash("cowrite lyrics", {"theme": f"night bus {i}", "seed": i}, member=member, channel=channel)
            for i, (member, channel) in enumerate(invocations)
        )
    )
    for handle in handles:
        assert (await handle.response()).type == DEFERRED


async def _quiet(standin: StandIn, within: float = 20.0) -> None:
    """Until no request has reached the stand-in for ``QUIET`` seconds (longer than any ``retry_after`` here)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    seen, since = len(standin.requests), loop.time()
    while loop.time() - since < QUIET:
        assert loop.time() < deadline, f"the bots still sent requests after {within}s"
        await asyncio.sleep(0.05)
        if len(standin.requests) != seen:
            seen, since = len(standin.requests), loop.time()


def _answered(standin: StandIn) -> list[int]:
    """The threads that got the bot's how-to message: the last step of a /cowrite."""
    threads = {r.response["id"] for r in standin.requests_to(THREADS) if r.status == 200}
    return [
        int(r.path.split("/")[2])
        for r in standin.requests_to(MESSAGES)
        if r.status == 200 and r.path.split("/")[2] in threads
    ]


def _counted_per_shard(standin: StandIn) -> list[int]:
    """Requests with the bot's token each bot sent in the burst (refused ones included): what each alone sends."""
    world = standin.world
    sent = [0] * SHARDS
    for request in standin.requests:
        if request.route in COUNTED:
            channel_id = int(request.path.split("/")[2])
            guild_id = next(g.id for g in world.guilds.values() if channel_id in g.channels)
            sent[shard_of(guild_id, SHARDS)] += 1
    return sent


async def test_through_one_shared_proxy_two_processes_stay_inside_the_global_limit(
    standin: StandIn,
    start_rest_proxy: StartRestProxy,  # noqa: F811  # the imported fixture; before start_bots, so it stops after them
    start_bots: StartBots,
) -> None:
    """Both bots' REST through @discordjs/proxy: every command answered, no global 429, the proxy held some back."""
    invocations = _servers(standin)
    proxy = await start_rest_proxy(per_second=PROXY_PER_SECOND)
    await start_bots(proxy.api_base_url)
    began = time.monotonic()
    await _burst(standin, invocations)
    await eventually(lambda: len(_answered(standin)) == len(invocations), 20)
    took = time.monotonic() - began
    report = await proxy.stop()
    sent = _counted_per_shard(standin)
    print(f"\nthrough the proxy: all answered in {took:.2f} s, {sent} counted requests per bot, proxy {report}")
    assert standin.rate_limits.global_refusals == 0
    assert all(0 < n < PER_SECOND for n in sent), sent  # neither bot alone could break the limit
    assert report["forwarded"] >= sum(sent)  # the proxy was in the path
    assert report["heldBack"] > 0  # and held requests back: together the bots would have broken the limit
    assert report["upstream429"] == 0


async def test_bypassing_the_proxy_two_processes_break_the_global_limit_together(
    standin: StandIn, start_bots: StartBots
) -> None:
    """The control: the same burst straight to Discord is refused globally; discord.py resends, but a request
    refused five times fails its command, so not every command need finish here."""
    invocations = _servers(standin)
    await start_bots(standin.api_base_url)
    began = time.monotonic()
    await _burst(standin, invocations)
    await _quiet(standin)
    took = time.monotonic() - began - QUIET
    refused = [r.route for r in standin.requests if r.status == 429]
    answered = len(_answered(standin))
    print(
        f"\nbypassing the proxy: {answered}/{len(invocations)} answered in {took:.2f} s, "
        f"{_counted_per_shard(standin)} counted requests per bot, {len(refused)} global 429s"
    )
    assert standin.rate_limits.global_refusals == len(refused) > 0
    assert set(refused) <= set(COUNTED)  # the interaction endpoints are not bound to the global limit
