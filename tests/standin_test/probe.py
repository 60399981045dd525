"""A bare client with an empty command tree; each test adds the commands it needs and syncs them."""

from __future__ import annotations

import discord
from discord import app_commands

from tests.standin import StandIn


class Probe(discord.Client):
    """A stock client with a command tree, remembering messages and the HTTP errors its commands met."""

    def __init__(self, *, intents: discord.Intents | None = None) -> None:
        super().__init__(intents=intents or discord.Intents.default(), guild_ready_timeout=0.05)
        self.tree = app_commands.CommandTree(self)
        self.seen: list[discord.Message] = []
        self.caught: list[discord.HTTPException] = []

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Re-identify at once: discord.py's default waits 5 s to respect Discord's identify rate limit."""

    async def on_message(self, message: discord.Message) -> None:
        self.seen.append(message)

    async def sync_to(self, standin: StandIn) -> None:
        """Register the tree's commands as guild commands of the scene's server."""
        guild = discord.Object(standin.scene.guild.id)
        self.tree.copy_global_to(guild=guild)
        await self.tree.sync(guild=guild)
