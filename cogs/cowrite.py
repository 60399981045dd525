"""``/cowrite lyrics|melody|song`` and the Add melody, New melody, Regenerate and Delete buttons under a draft."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import draft_buttons
from bot.app import Interaction, SoundOffBot
from bot.errors import UserFacingError
from bot.interactions import (
    Progress,
    actor_from,
    asker,
    button_song,
    confirm,
    post_version,
    song_autocomplete,
    song_thread,
)
from bot.new_song import InteractionAnswer, deliver_new_song
from bot.songwriting.music.voices import Voice
from bot.songwriting.words.brief import FORMS, Brief
from bot.songwriting.words.text import truncate
from bot.tree import defer_reply, mark_delivered, on_component_error, routes_errors
from bot.workshop.delivery import Delivery
from bot.workshop.drafts import MusicOptions, new_seed
from bot.workshop.records import Song, Version
from bot.workshop.requests import DraftRequest, Reply

log = logging.getLogger(__name__)

KEYS = [f"{tonic} {mode}" for tonic in ("C", "G", "D", "A", "E", "F", "Bb", "Eb") for mode in ("major", "minor")]
METERS = [app_commands.Choice(name=m, value=m) for m in ("4/4", "3/4", "6/8")]
VOICES = [app_commands.Choice(name=v.value, value=v.value) for v in Voice]
VOICE_HELP = "The singer's range: picks the register and the key"
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


class CoWrite(commands.Cog):
    cowrite = app_commands.Group(name="cowrite", description="Start a song with an AI draft", guild_only=True)

    def __init__(self, bot: SoundOffBot) -> None:
        self.bot = bot
        self.drafts = bot.workshop.drafts

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(AddMelodyButton, NewMelodyButton, RegenerateButton, DeleteButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(AddMelodyButton, NewMelodyButton, RegenerateButton, DeleteButton)

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
    @app_commands.describe(
        **BRIEF_OPTIONS, key="e.g. A minor", tempo="Beats per minute", meter="Metre", voice=VOICE_HELP
    )
    @app_commands.choices(form=FORM_CHOICES, rhyme_scheme=RHYME_CHOICES, meter=METERS, voice=VOICES)
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
        voice: str | None = None,
    ) -> None:
        brief = brief_from_options(
            theme, seed=seed, genre=genre, mood=mood, form=form, rhyme_scheme=rhyme_scheme, syllables=syllables
        )
        await self._start(interaction, brief, MusicOptions(key, tempo, meter, brief.seed, voice).validated())

    @cowrite.command(name="melody", description="A melody sketch for a song's latest lyrics, or an instrumental")
    @app_commands.describe(
        song="Defaults to this thread's song; leave empty elsewhere for an instrumental", voice=VOICE_HELP
    )
    @app_commands.choices(meter=METERS, voice=VOICES)
    @app_commands.autocomplete(song=song_autocomplete, key=key_autocomplete)
    async def melody(
        self,
        interaction: Interaction,
        song: str | None = None,
        key: app_commands.Range[str, 1, 20] | None = None,
        tempo: app_commands.Range[int, 40, 240] | None = None,
        meter: str | None = None,
        seed: app_commands.Range[int, 0, 999_999_999] | None = None,
        voice: str | None = None,
    ) -> None:
        music = MusicOptions(key, tempo, meter, seed, voice).validated()
        actor = actor_from(interaction)
        songs = self.bot.workshop.songs
        in_thread = await songs.in_thread(interaction.channel_id or 0)
        if song is None and in_thread is None:
            await self.drafts.ensure_song_channel(actor, interaction.channel_id or 0)
            await defer_reply(interaction, ephemeral=False)
            await self.drafts.claim(actor)
            await self._new_song(interaction, None, music, "🎼 Composing an instrumental sketch…")
            return
        target = await songs.resolve(actor, interaction.channel_id or 0, song)
        base = await self.drafts.melody_base(target)  # before the claim: a refusal costs no generation
        heading = f"🎼 Melody sketch, asked by {asker(interaction)}"
        await add_to_song(interaction, target, lambda: self.drafts.add_melody(target, music, base), heading)

    async def _start(self, interaction: Interaction, brief: Brief, music: MusicOptions | None) -> None:
        actor = actor_from(interaction)
        await self.drafts.ensure_song_channel(actor, interaction.channel_id or 0)
        await defer_reply(interaction, ephemeral=False)  # acknowledge first: the quota check touches the database
        await self.drafts.claim(actor)
        stage = "✍️ Writing lyrics…" if music is None else "✍️ Writing lyrics, then composing a melody…"
        await self._new_song(interaction, brief, music, stage)

    async def _new_song(
        self, interaction: Interaction, brief: Brief | None, music: MusicOptions | None, stage: str
    ) -> None:
        """Make a new song's draft here, or hand it to the job queue (scale-out mode), whose worker answers."""
        progress = Progress(interaction, 0)
        answer = InteractionAnswer(interaction)
        if self.drafts.queued:
            await self.drafts.queue(draft_request(interaction, brief, music, in_thread=answer.in_thread))
            await progress.show(f"{stage} (queued for a render worker)")
            return
        await progress.show(stage)
        actor, channel_id = actor_from(interaction), interaction.channel_id or 0
        if brief is None:
            delivery = await self.drafts.instrumental(actor, channel_id, music or MusicOptions())
        else:
            delivery = await self.drafts.lyrics(actor, channel_id, brief, music)
        await deliver_new_song(self.bot, self.bot.workshop, answer, delivery)


def draft_request(
    interaction: Interaction, brief: Brief | None, music: MusicOptions | None, *, in_thread: bool
) -> DraftRequest:
    """Everything a worker needs to make this draft and answer this interaction, from another process."""
    reply = Reply(interaction.application_id, interaction.token, interaction.created_at.timestamp())
    channel_id = interaction.channel_id or 0
    return DraftRequest(interaction.id, actor_from(interaction), channel_id, brief, music, reply, in_thread=in_thread)


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
    view = draft_buttons.draft_view(song.id, delivery.version.number, has_melody=delivery.melody is not None)
    message = await post_version(interaction.client, channel, delivery, view=view, heading=heading, fallback=fallback)
    await confirm(interaction, f"Posted {delivery.version.label}: {message.jump_url}")
    mark_delivered(interaction)


class AddMelodyButton(draft_buttons.DraftAction, template=draft_buttons.template("melody")):
    """Add melody, under words without music: an AI melody in the song's frame (its key, tempo, metre, genre)."""

    action = "melody"
    heading = "🎼 Melody for v{version}, asked by {member}"

    @routes_errors
    async def callback(self, interaction: Interaction) -> None:
        workshop = interaction.client.workshop
        song = await button_song(interaction, self.song_id)
        base = await workshop.drafts.melody_base(song, await workshop.songs.numbered(song, self.version))
        heading = self.heading.format(version=self.version, member=asker(interaction))
        await add_to_song(interaction, song, lambda: workshop.drafts.add_melody(song, MusicOptions(), base), heading)


class NewMelodyButton(AddMelodyButton, template=draft_buttons.template("newmelody")):
    """New melody, under words with music: the same flow, a different tune in the song's frame."""

    action = "newmelody"
    heading = "🎼 A new melody for v{version}, asked by {member}"


class RegenerateButton(draft_buttons.DraftAction, template=draft_buttons.template("regen")):
    action = "regen"

    @routes_errors
    async def callback(self, interaction: Interaction) -> None:
        drafts = interaction.client.workshop.drafts
        song = await button_song(interaction, self.song_id)
        version = await interaction.client.workshop.songs.numbered(song, self.version)
        labels = list(dict.fromkeys(s.label for s in version.lyrics.sections)) if version.lyrics else []
        if len(labels) < 2:
            heading = f"🔁 A new AI draft beside v{self.version}, asked by {asker(interaction)}"
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
            heading = f"🔁 A new AI draft beside v{version.number}, asked by {asker(interaction)}"
            await add_to_song(interaction, song, lambda: drafts.regenerate(song, version), heading)
            return
        assert version.lyrics is not None
        index = next(i for i, section in enumerate(version.lyrics.sections) if section.label == picked)
        heading = f"🔁 A new take on the {picked} of v{version.number}, asked by {asker(interaction)}"
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
