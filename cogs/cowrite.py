"""``/cowrite lyrics|melody|song`` and the Add melody, Regenerate and Delete buttons under a draft."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import draft_buttons
from bot.app import Interaction, SoundOffBot
from bot.errors import UserFacingError
from bot.interactions import (
    Progress,
    actor_from,
    button_song,
    confirm,
    post_version,
    song_autocomplete,
    song_thread,
    token_expired,
)
from bot.presenters import version_message
from bot.songwriting.words.brief import FORMS, Brief
from bot.songwriting.words.text import truncate
from bot.tree import defer_reply, mark_delivered, on_component_error, routes_errors
from bot.workshop.delivery import Delivery
from bot.workshop.drafts import MusicOptions, new_seed
from bot.workshop.records import Song, Version

log = logging.getLogger(__name__)

THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080  # one week
HOW_TO_REVISE = (
    "**This thread is where the song gets written.** Every version is kept, with its author.\n"
    "• **Revise** (or `/revise`) opens the latest lyrics to edit; you can attach an .abc, .mid or .musicxml melody.\n"
    "• Right-click any message here → Apps → **Submit as revision** to turn it into a version (credited to its "
    "writer).\n"
    "{replies}"
    "• `/history`, `/diff a:v1 b:v2`, `/credits`, `/export` · `/soundoff start` to let the server vote."
)
REPLIES_ON = "• Or just reply to a version with your edited lyrics or a melody file.\n"

KEYS = [f"{tonic} {mode}" for tonic in ("C", "G", "D", "A", "E", "F", "Bb", "Eb") for mode in ("major", "minor")]
METERS = [app_commands.Choice(name=m, value=m) for m in ("4/4", "3/4", "6/8")]
FORM_CHOICES = [app_commands.Choice(name=f, value=f) for f in FORMS]
BRIEF_OPTIONS = {
    "theme": "What the song is about (up to 200 characters)",
    "genre": "e.g. folk, indie pop, blues",
    "mood": "e.g. wistful, hopeful, angry",
    "form": "Song form",
    "rhyme_scheme": "Rhyme scheme per section",
    "syllables": "Syllables per line",
    "seed": "Same seed, same draft",
}
"""Descriptions of the brief's options, shared by /cowrite lyrics and /cowrite song."""
RHYME_CHOICES = [app_commands.Choice(name=r, value=r) for r in ("ABAB", "AABB", "XAXA", "ABCB", "AAAA")]


async def key_autocomplete(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=k, value=k) for k in KEYS if current.lower() in k.lower()][:25]


def brief_from_options(theme: str, *, seed: int | None, **options: Any) -> Brief:
    """The member's brief from the command's options; no seed picks a fresh one (the footer shows it)."""
    try:
        return Brief(
            theme=theme.strip(),
            seed=seed if seed is not None else new_seed(),
            **{k: v for k, v in options.items() if v is not None},
        )
    except ValueError as exc:
        raise UserFacingError(f"That brief doesn't work: {exc}.") from None


THREAD_FAILURES = {
    50001: "I can't see this channel well enough to open a thread (I need View Channel and Read Message History).",
    50013: "I need the Create Public Threads permission here to open the song's thread.",
    50024: "Threads can't be opened in this kind of channel.",
    160004: "This message already has a thread.",
    160006: "This channel has reached Discord's limit of active threads.",
}
"""Discord's error codes for a failed thread start, and what the member is told for each."""


def thread_failure(code: int) -> str:
    """Why the song's thread could not be opened, from Discord's error code, and what still works."""
    reason = THREAD_FAILURES.get(code, "I couldn't open a thread for this song.")
    return f"{reason} Revisions still work with `/revise`."


class CoWrite(commands.Cog):
    cowrite = app_commands.Group(name="cowrite", description="Start a song with an AI draft", guild_only=True)

    def __init__(self, bot: SoundOffBot) -> None:
        self.bot = bot
        self.drafts = bot.workshop.drafts

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(AddMelodyButton, RegenerateButton, DeleteButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(AddMelodyButton, RegenerateButton, DeleteButton)

    @cowrite.command(name="lyrics", description="An AI lyric draft that starts a song and its thread")
    @app_commands.describe(**BRIEF_OPTIONS)
    @app_commands.choices(form=FORM_CHOICES, rhyme_scheme=RHYME_CHOICES)
    async def lyrics(
        self,
        interaction: Interaction,
        theme: app_commands.Range[str, 1, 200],
        genre: app_commands.Range[str, 1, 40] | None = None,
        mood: app_commands.Range[str, 1, 40] | None = None,
        form: str | None = None,
        rhyme_scheme: str | None = None,
        syllables: app_commands.Range[int, 4, 16] | None = None,
        seed: app_commands.Range[int, 0, 999_999_999] | None = None,
    ) -> None:
        brief = brief_from_options(
            theme, seed=seed, genre=genre, mood=mood, form=form, rhyme_scheme=rhyme_scheme, syllables=syllables
        )
        await self._start(interaction, brief, None)

    @cowrite.command(name="song", description="Lyrics and a melody in one go")
    @app_commands.describe(**BRIEF_OPTIONS, key="e.g. A minor", tempo="Beats per minute", meter="Metre")
    @app_commands.choices(form=FORM_CHOICES, rhyme_scheme=RHYME_CHOICES, meter=METERS)
    @app_commands.autocomplete(key=key_autocomplete)
    async def song(
        self,
        interaction: Interaction,
        theme: app_commands.Range[str, 1, 200],
        genre: app_commands.Range[str, 1, 40] | None = None,
        mood: app_commands.Range[str, 1, 40] | None = None,
        form: str | None = None,
        rhyme_scheme: str | None = None,
        syllables: app_commands.Range[int, 4, 16] | None = None,
        key: app_commands.Range[str, 1, 20] | None = None,
        tempo: app_commands.Range[int, 40, 240] | None = None,
        meter: str | None = None,
        seed: app_commands.Range[int, 0, 999_999_999] | None = None,
    ) -> None:
        brief = brief_from_options(
            theme, seed=seed, genre=genre, mood=mood, form=form, rhyme_scheme=rhyme_scheme, syllables=syllables
        )
        await self._start(interaction, brief, MusicOptions(key, tempo, meter, brief.seed).validated())

    @cowrite.command(name="melody", description="A melody sketch for a song's latest lyrics, or an instrumental")
    @app_commands.describe(song="Defaults to this thread's song; leave empty elsewhere for an instrumental")
    @app_commands.choices(meter=METERS)
    @app_commands.autocomplete(song=song_autocomplete, key=key_autocomplete)
    async def melody(
        self,
        interaction: Interaction,
        song: str | None = None,
        key: app_commands.Range[str, 1, 20] | None = None,
        tempo: app_commands.Range[int, 40, 240] | None = None,
        meter: str | None = None,
        seed: app_commands.Range[int, 0, 999_999_999] | None = None,
    ) -> None:
        music = MusicOptions(key, tempo, meter, seed).validated()
        actor = actor_from(interaction)
        songs = self.bot.workshop.songs
        in_thread = await songs.in_thread(interaction.channel_id or 0)
        if song is None and in_thread is None:
            await self.drafts.ensure_song_channel(actor, interaction.channel_id or 0)
            await defer_reply(interaction, ephemeral=False)
            await self.drafts.claim(actor)
            await Progress(interaction, 0).show("🎼 Composing an instrumental sketch…")
            delivery = await self.drafts.instrumental(actor, interaction.channel_id or 0, music)
            await self._deliver_new_song(interaction, delivery)
            return
        target = await songs.resolve(actor, interaction.channel_id or 0, song)
        await add_to_song(interaction, target, lambda: self.drafts.add_melody(target, music), "🎼 Melody sketch")

    async def _start(self, interaction: Interaction, brief: Brief, music: MusicOptions | None) -> None:
        actor = actor_from(interaction)
        await self.drafts.ensure_song_channel(actor, interaction.channel_id or 0)
        await defer_reply(interaction, ephemeral=False)  # acknowledge first: the quota check touches the database
        await self.drafts.claim(actor)
        progress = Progress(interaction, 0)
        await progress.show("✍️ Writing lyrics…" if music is None else "✍️ Writing lyrics, then composing a melody…")
        delivery = await self.drafts.lyrics(actor, interaction.channel_id or 0, brief, music)
        await self._deliver_new_song(interaction, delivery)

    async def _deliver_new_song(self, interaction: Interaction, delivery: Delivery) -> None:
        """Turn the deferred response into the draft message, then open the song's thread from it."""
        shown = version_message(delivery)
        view = draft_buttons.draft_view(
            delivery.song.id, delivery.version.number, has_lyrics=delivery.version.lyrics is not None
        )
        message: discord.Message
        try:
            message = await interaction.edit_original_response(
                content=None, embed=shown.embed, attachments=shown.files, view=view
            )
        except discord.HTTPException as error:
            if not token_expired(error) or not isinstance(interaction.channel, discord.abc.Messageable):
                raise
            # The draft took longer than the token's 15 minutes: post it in the channel instead (fresh files:
            # the refused request consumed the first ones).
            again = version_message(delivery)
            message = await interaction.channel.send(embed=again.embed, files=again.files, view=view)
        mark_delivered(interaction)
        workshop = self.bot.workshop
        await workshop.songs.record_message(delivery.song, delivery.version, message.channel.id, message.id)
        if isinstance(message.channel, discord.Thread):
            return
        try:
            thread = await message.create_thread(
                name=truncate(delivery.song.title, 100), auto_archive_duration=THREAD_ARCHIVE_MINUTES
            )
        except discord.HTTPException as exc:
            log.warning("Could not create a thread for song %s", delivery.song.id, exc_info=True)
            await interaction.followup.send(thread_failure(exc.code), ephemeral=True)
            return
        await workshop.songs.record_thread(delivery.song, thread.id)
        settings = await workshop.settings.get(delivery.song.guild_id)
        await thread.send(HOW_TO_REVISE.format(replies=REPLIES_ON if settings.message_revisions else ""))


async def add_to_song(
    interaction: Interaction, song: Song, make: Callable[[], Awaitable[Delivery]], heading: str
) -> None:
    """Generate a new AI version of a song and post it in the song's thread; tell the member where it is.

    The thread is checked and the quota claimed before anything is generated or stored.
    """
    fallback = interaction.channel
    assert isinstance(fallback, discord.abc.Messageable)
    await defer_reply(interaction, ephemeral=True)  # first: finding the thread may ask Discord
    channel = await song_thread(interaction.client, song, fallback)
    await interaction.client.workshop.drafts.claim(actor_from(interaction))
    delivery = await make()
    view = draft_buttons.draft_view(song.id, delivery.version.number)
    message = await post_version(interaction.client, channel, delivery, view=view, heading=heading, fallback=fallback)
    await confirm(interaction, f"Posted {delivery.version.label}: {message.jump_url}")
    mark_delivered(interaction)


class AddMelodyButton(draft_buttons.DraftAction, template=draft_buttons.template("melody")):
    action = "melody"

    @routes_errors
    async def callback(self, interaction: Interaction) -> None:
        workshop = interaction.client.workshop
        song = await button_song(interaction, self.song_id)
        version = await workshop.songs.numbered(song, self.version)
        heading = f"🎼 Melody for v{self.version}"
        await add_to_song(interaction, song, lambda: workshop.drafts.add_melody(song, MusicOptions(), version), heading)


class RegenerateButton(draft_buttons.DraftAction, template=draft_buttons.template("regen")):
    action = "regen"

    @routes_errors
    async def callback(self, interaction: Interaction) -> None:
        drafts = interaction.client.workshop.drafts
        song = await button_song(interaction, self.song_id)
        version = await interaction.client.workshop.songs.numbered(song, self.version)
        labels = list(dict.fromkeys(s.label for s in version.lyrics.sections)) if version.lyrics else []
        if len(labels) < 2:
            heading = f"🔁 A new AI draft beside v{self.version}"
            await add_to_song(interaction, song, lambda: drafts.regenerate(song, version), heading)
            return
        await interaction.response.send_message(
            f"What should the AI rewrite in v{self.version}?",
            view=RegenerateChoice(song, version, labels),
            ephemeral=True,
        )


class RegenerateChoice(discord.ui.View):
    """Regenerate the whole song (a sibling draft) or one section (a child that keeps the rest)."""

    WHOLE = "whole"

    def __init__(self, song: Song, version: Version, labels: list[str]) -> None:
        super().__init__(timeout=300)
        self.song, self.version = song, version
        options = [discord.SelectOption(label="The whole song: a new draft", value=self.WHOLE)]
        options += [
            discord.SelectOption(label=truncate(f"Only the {label}", 100), value=label) for label in labels[:24]
        ]
        self.choice: discord.ui.Select[RegenerateChoice] = discord.ui.Select(placeholder="Choose…", options=options)
        self.choice.callback = self.chosen  # type: ignore[method-assign]  # a Select's callback is meant to be set
        self.add_item(self.choice)

    async def chosen(self, interaction: discord.Interaction[Any]) -> None:
        """The member's pick (a view callback takes any client's interaction; ours are SoundOffBot's)."""
        drafts, song, version = interaction.client.workshop.drafts, self.song, self.version
        picked = self.choice.values[0]
        if picked == self.WHOLE:
            heading = f"🔁 A new AI draft beside v{version.number}"
            await add_to_song(interaction, song, lambda: drafts.regenerate(song, version), heading)
            return
        assert version.lyrics is not None
        index = next(i for i, section in enumerate(version.lyrics.sections) if section.label == picked)
        heading = f"🔁 A new take on the {picked} of v{version.number}"
        await add_to_song(interaction, song, lambda: drafts.vary_section(song, version, index), heading)

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]) -> None:
        await on_component_error(interaction, error)


class DeleteButton(draft_buttons.DraftAction, template=draft_buttons.template("delete")):
    action = "delete"

    @routes_errors
    async def callback(self, interaction: Interaction) -> None:
        song = await button_song(interaction, self.song_id)
        await interaction.client.workshop.songs.delete(song, actor_from(interaction))
        disabled = draft_buttons.draft_view(song.id, self.version, disabled=True)
        await interaction.response.edit_message(view=disabled)
        await interaction.followup.send(
            f"Deleted **{discord.utils.escape_markdown(song.title)}**: it's gone from the lists and its buttons "
            "are off. Every version is still kept.",
            ephemeral=True,
        )


async def setup(bot: SoundOffBot) -> None:
    await bot.add_cog(CoWrite(bot))
