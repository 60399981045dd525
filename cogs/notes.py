"""``/notes [song] [version]`` and the Notes button under members' versions: line notes, never rewrites.

The notes are shown to the member who asked, privately, with a button to post them in the song's thread.
The workshop decides what the notes say and whether the LLM may read the words; this cog only translates.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import draft_buttons
from bot.app import Interaction, SoundOffBot
from bot.interactions import actor_from, button_song, song_autocomplete, song_thread
from bot.songwriting.words.text import escape_markdown, truncate
from bot.tree import on_component_error, routes_errors
from bot.workshop.notes import VersionNotes

NOTES_MAX_CHARS = 1800


def notes_text(found: VersionNotes, asked_by: str | None = None) -> str:
    """The notes as one message: a heading naming the version, one bullet per note."""
    who = f", asked for by {escape_markdown(asked_by)}" if asked_by else ""
    heading = f"**Notes on {found.version.label} of {escape_markdown(found.song.title)}**{who}"
    body = "\n".join(f"• {escape_markdown(note)}" for note in found.notes)
    return truncate(f"{heading}\n{body}", NOTES_MAX_CHARS)


class PostNotes(discord.ui.View):
    """The one button under private notes: post them in the song's thread for everyone writing it."""

    def __init__(self, found: VersionNotes) -> None:
        super().__init__(timeout=600)
        self.found = found

    @discord.ui.button(label="Post in thread", style=discord.ButtonStyle.primary)
    async def post(self, interaction: discord.Interaction[Any], button: discord.ui.Button[PostNotes]) -> None:
        fallback = interaction.channel
        assert isinstance(fallback, discord.abc.Messageable)
        channel = await song_thread(interaction.client, self.found.song, fallback)
        text = notes_text(self.found, interaction.user.display_name)
        await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
        button.disabled = True
        await interaction.response.edit_message(content=notes_text(self.found) + "\n*Posted in the thread.*", view=self)
        self.stop()

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]) -> None:
        await on_component_error(interaction, error)


async def show_notes(interaction: Interaction, found: VersionNotes) -> None:
    await interaction.followup.send(notes_text(found), view=PostNotes(found), ephemeral=True)


class NotesCog(commands.Cog):
    def __init__(self, bot: SoundOffBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(NotesButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(NotesButton)

    @app_commands.command(name="notes", description="Line notes on a version: the AI points at lines, never writes")
    @app_commands.describe(song="Defaults to this thread's song", version="e.g. v3 (defaults to the latest)")
    @app_commands.autocomplete(song=song_autocomplete)
    @app_commands.guild_only()
    async def notes(
        self,
        interaction: Interaction,
        song: str | None = None,
        version: app_commands.Range[str, 1, 12] | None = None,
    ) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        actor = actor_from(interaction)
        workshop = self.bot.workshop
        target = await workshop.songs.resolve(actor, interaction.channel_id or 0, song)
        chosen = await workshop.songs.version(target, version)
        await show_notes(interaction, await workshop.notes.for_version(actor, target, chosen))

    @app_commands.command(name="privacy", description="Whether the LLM may read lyrics you wrote, on every server")
    @app_commands.describe(llm="Let the LLM read your lyrics for section rewrites and notes (leave out to see)")
    async def privacy(self, interaction: Interaction, llm: bool | None = None) -> None:
        consent = self.bot.workshop.consent
        if llm is not None:
            await consent.opt_out(interaction.user.id, not llm)
        kept = await consent.opted_out(interaction.user.id)
        state = (
            "Your lyrics stay away from the LLM: section rewrites and notes on versions you wrote use the offline "
            "writer and the prosody check."
            if kept
            else "The LLM may read lyrics you wrote where the server allows it (`/settings show`)."
        )
        await interaction.response.send_message(("Saved. " if llm is not None else "") + state, ephemeral=True)


class NotesButton(draft_buttons.DraftAction, template=draft_buttons.template("notes")):
    action = "notes"

    @routes_errors
    async def callback(self, interaction: Interaction) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        workshop = interaction.client.workshop
        song = await button_song(interaction, self.song_id)
        version = await workshop.songs.numbered(song, self.version)
        await show_notes(interaction, await workshop.notes.for_version(actor_from(interaction), song, version))


async def setup(bot: SoundOffBot) -> None:
    await bot.add_cog(NotesCog(bot))
