"""The Bot: loads the extensions, owns nothing feature-specific."""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot import __version__
from bot.services import Services
from bot.tree import SoundOffTree

log = logging.getLogger(__name__)

EXTENSIONS: tuple[str, ...] = (
    "cogs.help",
    "cogs.cowrite",
    "cogs.revisions",
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
    def __init__(self, services: Services, *, message_content: bool = False, sync_dev_guild: bool = True) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=build_intents(message_content=message_content),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=SoundOffTree,
            help_command=None,
            guild_ready_timeout=services.settings.guild_ready_timeout,
            max_messages=1000,
        )
        self.services = services
        self._sync_dev_guild = sync_dev_guild

    async def setup_hook(self) -> None:
        for extension in EXTENSIONS:
            try:
                await self.load_extension(extension)
            except Exception:
                log.exception("Failed to load extension %s", extension)
        guild_id = self.services.settings.dev_guild_id
        if guild_id and self._sync_dev_guild:
            guild = discord.Object(guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("Synced %d commands to the development guild %s", len(synced), guild_id)

    async def on_ready(self) -> None:
        log.info(
            "Ready as %s: %d guild(s), %d shard(s), soundoff %s",
            self.user,
            len(self.guilds),
            self.shard_count or 1,
            __version__,
        )
