"""Wiring only: settings → logging → resources → Bot → run, and the explicit command sync."""

from __future__ import annotations

import asyncio
import logging
import signal

import aiohttp
import discord

from bot.app import SoundOffBot, build_bot
from bot.discord_endpoints import apply_endpoints
from bot.errors import StartupError
from bot.logs import setup_logging
from bot.services import Services
from bot.settings import Settings
from bot.workshop.workshop import Workshop

log = logging.getLogger(__name__)

DRAIN_SECONDS = 8.0
"""How long a stop waits for interactions in flight: inside Docker's 10-second grace period."""


def prepare(settings: Settings) -> str:
    assert settings.discord_token is not None
    token = settings.discord_token.get_secret_value()
    secrets = [token] + ([settings.openai_api_key.get_secret_value()] if settings.openai_api_key else [])
    setup_logging(settings.log_level_number, secrets)
    apply_endpoints(settings.discord_api_base_url, settings.discord_gateway_url)
    return token


def run(settings: Settings) -> int:
    """Run the bot until SIGINT/SIGTERM; return the process exit code."""
    token = prepare(settings)
    try:
        asyncio.run(_serve(settings, token))
    except discord.LoginFailure:
        log.error("Discord rejected the token (DISCORD_TOKEN). Check it in the developer portal.")
        return 1
    except discord.PrivilegedIntentsRequired:
        log.error("Enable the Message Content intent in the developer portal, or turn message revisions off.")
        return 1
    except (aiohttp.ClientError, OSError) as exc:
        raise _unreachable(settings, exc) from None
    return 0


def _unreachable(settings: Settings, exc: BaseException) -> StartupError:
    """One line for a Discord that cannot be reached (a DNS failure, a wrong DISCORD_API_BASE_URL, no network)."""
    where = settings.discord_api_base_url or "discord.com"
    reason = str(exc) or type(exc).__name__
    return StartupError(f"cannot reach Discord at {where}: {reason}")


async def _serve(settings: Settings, token: str) -> None:
    services = await Services.open(settings)
    services.pool.start()
    workshop = Workshop(services)
    message_content = bool(await workshop.settings.message_revision_guilds())
    bot = build_bot(services, workshop=workshop, message_content=message_content)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with bot:
            runner = asyncio.create_task(bot.start(token))
            stopper = asyncio.create_task(stop.wait())
            done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if runner in done:
                stopper.cancel()
                runner.result()
            log.info("Shutting down")
            await bot.drain(DRAIN_SECONDS)
    finally:
        await services.close()
        log.info("Stopped")


async def sync(settings: Settings, *, guild_id: int | None, clear: bool) -> int:
    """Register (or clear) the slash commands over REST only, globally or for one guild."""
    token = prepare(settings)
    services = await Services.open(settings)
    bot = SoundOffBot(services, sync_dev_guild=False)
    try:
        async with bot:
            try:
                await bot.login(token)
            except (aiohttp.ClientError, OSError) as exc:
                raise _unreachable(settings, exc) from None
            guild = discord.Object(guild_id) if guild_id else None
            if clear:
                bot.tree.clear_commands(guild=guild)
            elif guild is not None:
                bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
            where = f"guild {guild_id}" if guild_id else "globally"
            print(f"synced {len(synced)} command(s) {where}: {', '.join(sorted(c.name for c in synced))}")
    finally:
        await services.close()
    return 0
