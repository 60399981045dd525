"""The real bot, started against the local Discord stand-in, on a fresh database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, Protocol

import pytest

from bot.app import SoundOffBot
from bot.render_pool import RenderPool
from bot.services import Services
from bot.settings import Settings
from tests.standin import InteractionHandle, StandIn, StoredMessage
from tests.standin.fixtures import StartClient
from tests.standin.polling import eventually


class MakeBot(Protocol):
    async def __call__(self, *, message_content: bool = ..., database: Path | None = ...) -> SoundOffBot: ...


@pytest.fixture
async def make_bot(
    standin: StandIn, start_client: StartClient, tmp_path: Path, render_pool: RenderPool
) -> AsyncIterator[MakeBot]:
    """Start SoundOffBot (development guild = the scene's server, so its commands are synced at start)."""
    running: list[SoundOffBot] = []

    async def make(*, message_content: bool = False, database: Path | None = None) -> SoundOffBot:
        settings = Settings(  # type: ignore[call-arg]  # pydantic-settings takes the aliases as keywords
            _env_file=None,
            SOUNDOFF_DATABASE=str(database or tmp_path / "bot.db"),
            SOUNDOFF_COOLDOWN_SECONDS=0,
            SOUNDOFF_GUILD_READY_TIMEOUT=0.05,
            SOUNDOFF_DEV_GUILD_ID=standin.scene.guild.id,
        )
        services = await Services.open(settings, pool=render_pool)
        bot = await start_client(SoundOffBot(services, message_content=message_content))
        running.append(bot)
        return bot

    yield make
    for bot in running:
        await stop_bot(bot)


async def stop_bot(bot: SoundOffBot) -> None:
    """Let the handlers in flight finish, close the client, then its resources (the shared render pool stays up).

    Closing the database under a still-running ``on_message`` write failed a teardown and left aiosqlite's
    thread keeping pytest alive; handlers dispatched while the client closes are drained as well.
    """
    await bot.drain(10)
    if not bot.is_closed():
        await bot.close()
    await bot.drain(10)
    await bot.services.close()


async def shown(
    handle: InteractionHandle, check: Callable[[StoredMessage], Any], within: float = 20.0
) -> StoredMessage:
    """The interaction's original message once ``check`` holds for it (past the progress edits)."""
    await handle.response()
    return await eventually(lambda: handle.original if handle.original and check(handle.original) else None, within)


async def answer(handle: InteractionHandle, within: float = 20.0) -> StoredMessage:
    """What the member finally sees: the original once it has text, else a follow-up (an error after a deferral)."""
    await handle.response()

    def probe() -> StoredMessage | None:
        original = handle.original
        if original is not None and not original.deleted and not original.loading and original.content:
            return original
        return next((m for m in handle.followups if not m.deleted), None)

    return await eventually(probe, within)


async def wait_for(probe: Callable[[], Any], within: float = 20.0) -> Any:
    return await eventually(probe, within)
