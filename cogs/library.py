"""Reading a song's past: ``/history``, ``/diff``, ``/credits`` and ``/export``."""

from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Interaction, SoundOffBot
from bot.errors import UserFacingError
from bot.interactions import actor_from, song_autocomplete
from bot.songwriting.versions.credits import render_credits
from bot.songwriting.versions.revisions import parse_version
from bot.songwriting.words.text import chunk, escape_markdown
from bot.tree import defer_reply, mark_delivered

MESSAGE_MAX = 2000


async def version_autocomplete(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """The versions of the song the command is about (its ``song`` option, the thread's, or the member's latest)."""
    songs = interaction.client.workshop.songs
    try:
        song = await songs.resolve(actor_from(interaction), interaction.channel_id or 0, interaction.namespace.song)
    except UserFacingError:
        return []
    versions = await songs.versions(song)
    choices = [
        app_commands.Choice(name=f"{v.label} · {v.kind} · {'AI' if v.by_ai else v.author_name}"[:100], value=v.label)
        for v in reversed(versions)
        if current.lower().lstrip("v") in str(v.number)
    ]
    return choices[:25]


def _number(label: str) -> int:
    return parse_version(label)


async def send_chunks(interaction: Interaction, parts: list[str]) -> None:
    """Send a long answer as several messages: the response first, then follow-ups."""
    first, *rest = parts or ["(nothing to show)"]
    await interaction.response.send_message(first)
    for part in rest:
        await interaction.followup.send(part)


class SongLibrary(commands.Cog):
    def __init__(self, bot: SoundOffBot) -> None:
        self.bot = bot
        self.library = bot.workshop.library
        self.songs = bot.workshop.songs

    @app_commands.command(name="history", description="A song's revision tree: who wrote each version")
    @app_commands.guild_only()
    @app_commands.autocomplete(song=song_autocomplete)
    async def history(self, interaction: Interaction, song: str | None = None) -> None:
        target = await self.songs.resolve(actor_from(interaction), interaction.channel_id or 0, song)
        lines = await self.library.history(target)
        header = f"**{escape_markdown(target.title)}**: {len(lines)} version(s)"
        await send_chunks(interaction, chunk("\n".join([header, *lines]), MESSAGE_MAX))

    @app_commands.command(name="diff", description="What changed between two versions")
    @app_commands.guild_only()
    @app_commands.describe(a="The earlier version, e.g. v1", b="The later version, e.g. v3")
    @app_commands.autocomplete(song=song_autocomplete, a=version_autocomplete, b=version_autocomplete)
    async def diff(
        self,
        interaction: Interaction,
        a: app_commands.Range[str, 1, 12],
        b: app_commands.Range[str, 1, 12],
        song: str | None = None,
    ) -> None:
        target = await self.songs.resolve(actor_from(interaction), interaction.channel_id or 0, song)
        first, second = _number(a), _number(b)
        changes = await self.library.diff(target, first, second)
        header = f"**{escape_markdown(target.title)}** v{first} → v{second}: {changes.summary()}\n"
        blocks = changes.render(MESSAGE_MAX - len(header) - 1)
        await send_chunks(interaction, [header + blocks[0], *blocks[1:]])

    @app_commands.command(name="credits", description="Who wrote which lines (the AI disclosed, never an author)")
    @app_commands.guild_only()
    @app_commands.autocomplete(song=song_autocomplete, version=version_autocomplete)
    async def credits(self, interaction: Interaction, song: str | None = None, version: str | None = None) -> None:
        target = await self.songs.resolve(actor_from(interaction), interaction.channel_id or 0, song)
        chosen = await self.songs.version(target, version)
        credits = await self.library.credits(target, chosen)
        header = f"**{escape_markdown(target.title)}**\n"
        await send_chunks(interaction, chunk(header + render_credits(credits), MESSAGE_MAX))

    @app_commands.command(name="export", description="A zip of a version: lyrics, MIDI, lead sheet, audio, credits")
    @app_commands.guild_only()
    @app_commands.autocomplete(song=song_autocomplete, version=version_autocomplete)
    async def export(self, interaction: Interaction, song: str | None = None, version: str | None = None) -> None:
        target = await self.songs.resolve(actor_from(interaction), interaction.channel_id or 0, song)
        chosen = await self.songs.version(target, version)
        await defer_reply(interaction, ephemeral=True)
        name, data = await self.library.export(target, chosen)
        await interaction.edit_original_response(
            content=f"**{escape_markdown(target.title)}** {chosen.label}",
            attachments=[discord.File(io.BytesIO(data), name)],
        )
        mark_delivered(interaction)


async def setup(bot: SoundOffBot) -> None:
    await bot.add_cog(SongLibrary(bot))
