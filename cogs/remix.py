"""The Remix button under an AI draft: a form prefilled with the song's brief, and a new AI draft from the edit.

The new draft sits beside the one remixed (a sibling, as Regenerate's does), and its notes say what changed.
The form is never kept in memory: its submit is answered from its custom id, after a restart too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

import discord
from discord.ext import commands

from bot import draft_buttons
from bot.app import Interaction, SoundOffBot
from bot.errors import UserFacingError
from bot.interactions import asker, button_song
from bot.modal_submit import read_submission
from bot.songwriting.words.brief import FORMS, Brief
from bot.songwriting.words.text import truncate
from bot.tree import GENERIC_FAILURE, describe_error, from_a_person, routes_errors, safe_reply
from bot.workshop.drafts import song_brief
from bot.workshop.records import Song, Version
from cogs.cowrite import add_to_song, brief_from_options

log = logging.getLogger(__name__)

REMIX_FORM = re.compile(r"soundoff:remix-form:(?P<song>[0-9]{1,20}):(?P<version>[0-9]{1,9})")
"""The Remix modal's custom id: the song and the version remixed, so a submit needs nothing kept in memory."""
_SCHEME_AND_SYLLABLES = re.compile(r"^\s*(?P<scheme>[A-Za-z]{2,8})?[\s,·/]*(?P<syllables>[0-9]{1,2})?\s*$")


def remix_brief(texts: Mapping[str, str]) -> Brief:
    """The edited brief from the Remix form's fields; a fresh seed gives a fresh take."""
    found = _SCHEME_AND_SYLLABLES.match(texts.get("shape", ""))
    if found is None:
        raise UserFacingError('Write the rhyme scheme and syllables like "ABAB 8".')
    form = texts.get("form", "").strip().lower() or None
    if form is not None and form not in FORMS:
        raise UserFacingError(f"Pick a form from: {', '.join(FORMS)}.")
    return brief_from_options(
        texts.get("theme", ""),
        seed=None,
        genre=texts.get("genre", "").strip() or None,
        mood=texts.get("mood", "").strip() or None,
        form=form,
        rhyme_scheme=found["scheme"].upper() if found["scheme"] else None,
        syllables=int(found["syllables"]) if found["syllables"] else None,
    )


class RemixModal(discord.ui.Modal):
    """The AI draft's brief, prefilled, to change before the AI writes a new draft beside it."""

    def __init__(self, song: Song, version: Version) -> None:
        super().__init__(
            title=truncate(f"Remix {song.title}", 45),
            custom_id=f"soundoff:remix-form:{song.id}:{version.number}",
            timeout=None,
        )
        brief = song_brief(song)
        fields = (
            ("theme", "Theme", brief.theme, 200, True),
            ("genre", "Genre (e.g. folk, synth-pop)", brief.genre or "", 40, False),
            ("mood", "Mood (e.g. wistful, defiant)", brief.mood or "", 40, False),
            ("form", f"Form: {', '.join(FORMS)}"[:45], brief.form, 40, False),
            ("shape", "Rhyme scheme and syllables (ABAB 8)", f"{brief.rhyme_scheme} {brief.syllables}", 20, False),
        )
        for custom_id, label, value, limit, required in fields:
            box: discord.ui.TextInput[RemixModal] = discord.ui.TextInput(
                custom_id=custom_id, default=value or None, max_length=limit, required=required
            )
            self.add_item(discord.ui.Label(text=label, component=box))


class RemixButton(draft_buttons.DraftAction, template=draft_buttons.template("remix")):
    action = "remix"

    @routes_errors
    async def callback(self, interaction: Interaction) -> None:
        song = await button_song(interaction, self.song_id)
        if not song.theme:
            raise UserFacingError("This song has no brief to remix: use **Add melody** instead.")
        version = await interaction.client.workshop.songs.numbered(song, self.version)
        modal = RemixModal(song, version)
        await interaction.response.send_modal(modal)
        modal.stop()  # discord.py forgets it; the submit is handled by its custom id in on_interaction


class Remixing(commands.Cog):
    def __init__(self, bot: SoundOffBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(RemixButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(RemixButton)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: Interaction) -> None:
        """A Remix form's submit, whenever it comes (the form is never kept in memory)."""
        if interaction.type is not discord.InteractionType.modal_submit or not from_a_person(interaction):
            return
        custom_id = interaction.data.get("custom_id") if interaction.data else None
        found = REMIX_FORM.fullmatch(str(custom_id or ""))
        if found is None:
            return
        texts = read_submission(interaction).texts
        try:
            brief = remix_brief(texts)
            song = await button_song(interaction, int(found["song"]))
            version = await self.bot.workshop.songs.numbered(song, int(found["version"]))
            heading = f"🎛️ A remix of v{version.number}, asked by {asker(interaction)}"
            await add_to_song(interaction, song, lambda: self.bot.workshop.drafts.remix(song, version, brief), heading)
        except Exception as error:
            message = describe_error(error)
            if message is None:
                log.error("Remix form %s failed", found.group(0), exc_info=error)
                message = GENERIC_FAILURE
            await safe_reply(interaction, message)


async def setup(bot: SoundOffBot) -> None:
    await bot.add_cog(Remixing(bot))
