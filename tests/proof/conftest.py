"""The real bot against the stand-in with any settings, and a check that nothing bad crossed the wire."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest

from bot.app import SoundOffBot
from bot.db.songs import Song
from bot.render_pool import RenderPool
from bot.services import Services
from bot.settings import Settings
from tests.cogs.conftest import shown, stop_bot, wait_for
from tests.openai_server import openai_server  # noqa: F401  (the fixture, for the LLM fault and secret tests)
from tests.standin import LogGuard, Member, StandIn, StoredMessage
from tests.standin.fixtures import StartClient


class Launch(Protocol):
    async def __call__(
        self, *, message_content: bool = ..., pool: RenderPool | None = ..., **env: object
    ) -> SoundOffBot: ...


@pytest.fixture
async def launch(
    standin: StandIn, start_client: StartClient, tmp_path: Path, render_pool: RenderPool, discord_log_guard: LogGuard
) -> AsyncIterator[Launch]:
    """Start SoundOffBot with environment-style settings (``SOUNDOFF_…``/``OPENAI_…`` keywords) on a fresh database.

    No cooldown and a large quota, so many generated examples can run; ERRORs logged by the bot's own ``bot``
    and ``cogs`` loggers fail the test like discord.py's do.
    """
    discord_log_guard.watch("bot")
    discord_log_guard.watch("cogs")
    running: list[SoundOffBot] = []

    async def start(*, message_content: bool = False, pool: RenderPool | None = None, **env: object) -> SoundOffBot:
        values: dict[str, object] = {
            "SOUNDOFF_DATABASE": str(tmp_path / "bot.db"),
            "SOUNDOFF_COOLDOWN_SECONDS": 0,
            "SOUNDOFF_DAILY_QUOTA": 100_000,
            "SOUNDOFF_GUILD_READY_TIMEOUT": 0.05,
            "SOUNDOFF_DEV_GUILD_ID": standin.scene.guild.id,
        }
        settings = Settings(_env_file=None, **(values | env))  # type: ignore[call-arg,arg-type]  # aliases as keywords
        services = await Services.open(settings, pool=pool or render_pool)
        bot = await start_client(SoundOffBot(services, message_content=message_content))
        running.append(bot)
        return bot

    yield start
    for bot in running:
        await stop_bot(bot)


async def new_song(standin: StandIn, member: Member, theme: str = "paper boats") -> StoredMessage:
    """``/cowrite lyrics`` by ``member`` in the co-writing channel: the draft, once its thread is set up."""
    handle = await standin.slash("cowrite lyrics", {"theme": theme}, member=member, channel=standin.scene.cowriting)
    draft = await shown(handle, lambda m: m.embeds)
    thread = await wait_for(lambda: draft.thread_id and standin.thread_of(draft))
    await wait_for(lambda: any("where the song gets written" in m.content for m in standin.messages(thread)))
    return draft


async def recorded_song(bot: SoundOffBot, draft: StoredMessage, within: float = 10.0) -> Song:
    """The stored song of a draft once the bot has recorded its thread: it posts the thread's how-to first (so a
    crash between the two posts it once), and a test reading the song straight after may be a moment early."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while (song := await bot.services.songs.by_thread(draft.thread_id or 0)) is None:
        if loop.time() > deadline:
            raise AssertionError(f"the draft's thread was not recorded within {within} s")
        await asyncio.sleep(0.01)
    return song


@dataclass
class WireMark:
    """Where the stand-in's records stood, so a check covers only what happened since."""

    requests: int
    pings: int


def mark(standin: StandIn) -> WireMark:
    return WireMark(len(standin.requests), len(standin.pings))


async def quiet(standin: StandIn, *, still: float = 0.06, within: float = 20.0) -> None:
    """Wait until the bot has sent nothing for ``still`` seconds: the work a member started has finished."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    seen = -1
    while seen != len(standin.requests) and loop.time() < deadline:
        seen = len(standin.requests)
        await asyncio.sleep(still)


def assert_clean_wire(standin: StandIn, since: WireMark) -> None:
    """Since ``since``: nobody was pinged and Discord refused no request (limits, permissions, unknown objects)."""
    assert standin.pings[since.pings :] == []
    refused = [f"{r.route} -> {r.status} {r.response}" for r in standin.requests[since.requests :] if r.status >= 400]
    assert refused == []
