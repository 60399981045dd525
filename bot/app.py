"""The Bot: loads the extensions, owns nothing feature-specific."""

from __future__ import annotations

import asyncio
import gc
import logging
from typing import TypeAlias

import aiohttp
import discord
from discord.ext import commands

from bot import __version__
from bot.health import Heartbeat, heartbeat_path
from bot.services import Services
from bot.songwriting.words.prosody import load_dictionary
from bot.tree import SoundOffTree
from bot.workshop.workshop import Workshop

log = logging.getLogger(__name__)

HANDLER_TASKS = ("CommandTree-invoker", "discord-ui-", "discord.py: on_message", "discord.py: on_interaction")
"""Names discord.py gives the tasks that run command, component, modal and message handlers."""

EXTENSIONS: tuple[str, ...] = (
    "cogs.help",
    "cogs.cowrite",
    "cogs.revisions",
    "cogs.notes",
    "cogs.remix",
    "cogs.library",
    "cogs.soundoff",
    "cogs.settings",
)


def build_intents(*, message_content: bool) -> discord.Intents:
    """The minimum: guilds for threads and channels, guild messages for thread replies; content only if asked."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.message_content = message_content
    return intents


class SoundOffBot(commands.Bot):
    # Sound Off never joins voice: don't warn at every start that the voice libraries are missing.
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False

    def __init__(
        self,
        services: Services,
        *,
        workshop: Workshop | None = None,
        message_content: bool = False,
        sync_dev_guild: bool = True,
        shard_ids: list[int] | None = None,
        shard_count: int | None = None,
    ) -> None:
        sharding = {k: v for k, v in (("shard_ids", shard_ids), ("shard_count", shard_count)) if v is not None}
        super().__init__(
            **sharding,  # type: ignore[arg-type]  # only the sharded subclass below is given these
            command_prefix=commands.when_mentioned,
            intents=build_intents(message_content=message_content),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=SoundOffTree,
            # Every command is for servers only, installed to servers: sent as `contexts` and
            # `integration_types` on each command (`dm_permission` alone is deprecated).
            allowed_contexts=discord.app_commands.AppCommandContext(guild=True),
            allowed_installs=discord.app_commands.AppInstallationType(guild=True),
            help_command=None,
            guild_ready_timeout=services.settings.guild_ready_timeout,
            max_messages=1000,
        )
        self.services = services
        self.workshop = workshop or Workshop(services)
        self._sync_dev_guild = sync_dev_guild
        self.draining = False
        beat_at = heartbeat_path(services.settings.database)
        self.heartbeat = (
            Heartbeat(self, beat_at, check_storage=services.db.check_storage) if beat_at is not None else None
        )

    async def setup_hook(self) -> None:
        # The pronouncing dictionary loads once, off the loop; then the long-lived start-up objects are frozen
        # so that full garbage collections stop walking them (measured: 216-379 ms pauses become ~60 ms).
        await asyncio.to_thread(load_dictionary)
        gc.collect()
        gc.freeze()
        for extension in EXTENSIONS:
            try:
                await self.load_extension(extension)
            except Exception:
                log.exception("Failed to load extension %s", extension)
        if self.heartbeat is not None:
            self.heartbeat.start()
        guild_id = self.services.settings.dev_guild_id
        if guild_id and self._sync_dev_guild:
            guild = discord.Object(guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("Synced %d commands to the development guild %s", len(synced), guild_id)

    async def close(self) -> None:
        """Stop the heartbeat first: a bot on its way out is never reported alive."""
        if self.heartbeat is not None:
            await self.heartbeat.stop()
        await super().close()

    async def drain(self, within: float) -> None:
        """Let the handlers already running finish (up to ``within`` seconds): a restart leaves nobody "thinking…"."""
        self.draining = True
        running = [
            task
            for task in asyncio.all_tasks()
            if task is not asyncio.current_task() and task.get_name().startswith(HANDLER_TASKS) and not task.done()
        ]
        if running:
            log.info("Waiting for %d interaction(s) in flight", len(running))
            _, late = await asyncio.wait(running, timeout=within)
            if late:
                log.warning("%d interaction(s) still running at shutdown", len(late))

    async def on_ready(self) -> None:
        log.info(
            "Ready as %s: %d guild(s), %d shard(s), soundoff %s",
            self.user,
            len(self.guilds),
            self.shard_count or 1,
            __version__,
        )


class ShardedSoundOffBot(SoundOffBot, commands.AutoShardedBot):
    """The bot as one process of a sharded deployment: a gateway connection per shard it owns (SPEC §8)."""

    async def setup_hook(self) -> None:
        await super().setup_hook()
        gate = self.services.identify_gate
        if gate is not None:
            gate.max_concurrency = await self._identify_concurrency()

    async def _identify_concurrency(self) -> int:
        """Discord's IDENTIFY buckets for this bot, read once: every process must count the same buckets."""
        try:
            limits = await self.fetch_session_start_limits()
        except (discord.DiscordException, aiohttp.ClientError, OSError, KeyError) as exc:
            log.warning("Cannot read the IDENTIFY concurrency from /gateway/bot (%s): assuming 1", exc)
            return 1
        return max(1, limits.max_concurrency)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Wait for the shard's bucket across every process (PostgreSQL); on SQLite, discord.py's own spacing."""
        gate = self.services.identify_gate
        if gate is None:
            await super().before_identify_hook(shard_id, initial=initial)
            return
        await gate.admit(shard_id or 0)


def build_bot(services: Services, *, workshop: Workshop | None = None, message_content: bool = False) -> SoundOffBot:
    """The bot the settings ask for: one connection, or the shards ``SOUNDOFF_SHARDS`` of ``SOUNDOFF_SHARD_COUNT``."""
    settings = services.settings
    if settings.shard_count is None:
        return SoundOffBot(services, workshop=workshop, message_content=message_content)
    return ShardedSoundOffBot(
        services,
        workshop=workshop,
        message_content=message_content,
        shard_ids=settings.shard_ids,
        shard_count=settings.shard_count,
    )


Interaction: TypeAlias = discord.Interaction[SoundOffBot]
"""Every interaction the cogs handle comes from this bot: ``interaction.client.workshop`` needs no cast."""
