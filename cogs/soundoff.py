"""``/soundoff start|end|results|stats``, the vote buttons, and the deadline scheduler (survives restarts)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import draft_buttons
from bot.app import Interaction, SoundOffBot
from bot.interactions import actor_from, button_song, song_autocomplete
from bot.songwriting.versions.soundoff import Option, Results, render_results, render_stats
from bot.songwriting.words.text import escape_markdown, escape_markdown_block, plural, truncate
from bot.tree import defer_reply, mark_delivered, routes_errors
from bot.workshop.records import Soundoff
from bot.workshop.soundoff_clock import Posted
from bot.workshop.soundoffs import Ballot

log = logging.getLogger(__name__)

EXCERPT_CHARS = 700
VOTE_TEMPLATE = r"soundoff:vote:(?P<id>[0-9]{1,20}):(?P<label>[A-E])"


def vote_view(soundoff_id: int, labels: list[str], *, disabled: bool = False) -> discord.ui.View:
    """One button per option; stopped so that only the registered VoteButton handles clicks."""
    view = discord.ui.View(timeout=None)
    for label in labels:
        view.add_item(VoteButton(soundoff_id, label, disabled=disabled))
    view.stop()
    return view


def status_line(soundoff: Soundoff, votes: int) -> str:
    closes = f"closes <t:{int(soundoff.ends_at)}:R>" if soundoff.is_open else "closed"
    blind = "Blind: authors are hidden until it closes. " if soundoff.blind else ""
    return f"🗳️ {plural(votes, 'vote')} so far · {closes}\n{blind}Tallies stay hidden until the end."


def closed_line(results: Results) -> str:
    """A closed ballot's status: closed, with its final tally (the results, below it, reveal the writers)."""
    return f"🗳️ {plural(results.total, 'vote')} · closed · {results.tally()} (results below)"


def option_embed(option: Option, lyrics_text: str | None, *, blind: bool, link: str | None) -> discord.Embed:
    """One option: a lyric excerpt; in open mode also who wrote it and a link to the full version."""
    title = f"Option {option.label}" if blind else f"Option {option.label} · {option.describe()}"
    body = "*(instrumental)*"
    if lyrics_text:
        # truncate after escaping: escaping adds characters, and five options must fit one message
        body = "```\n" + truncate(escape_markdown_block(lyrics_text), EXCERPT_CHARS) + "\n```"
    url = None if blind else link
    return discord.Embed(title=truncate(title, 256), description=body, colour=discord.Colour.orange(), url=url)


async def _poll_autocomplete(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    found = await interaction.client.workshop.soundoffs.choices(interaction.guild_id, current)
    return [app_commands.Choice(name=truncate(name, 100), value=str(soundoff_id)) for name, soundoff_id in found]


def headline(title: str, soundoff: Soundoff, votes: int) -> str:
    return f"**Sound-off: {escape_markdown(title)}**\n{status_line(soundoff, votes)}"


class ChannelBoard:
    """The sound-off clock's board in Discord: how sound-offs look, posted in their channels over REST.

    Only channel ids are needed, never the gateway's cache, so a scale-out worker (no gateway) posts results too.
    """

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def post_ballot(self, ballot: Ballot) -> Posted:
        """Post the options (excerpts and audio previews) with one vote button each, in the song's channel."""
        soundoff = ballot.soundoff
        embeds = [option_embed(o.option, o.lyrics, blind=soundoff.blind, link=o.link) for o in ballot.options]
        files = [
            discord.File(io.BytesIO(o.preview), filename=f"option-{o.option.label}.ogg")
            for o in ballot.options
            if o.preview is not None
        ]
        channel = self.client.get_channel(soundoff.channel_id) or await self.client.fetch_channel(soundoff.channel_id)
        assert isinstance(channel, discord.abc.Messageable)
        message = await channel.send(
            content=headline(ballot.title, soundoff, 0),
            embeds=embeds,
            files=files,
            view=vote_view(soundoff.id, [o.option.label for o in ballot.options]),
        )
        return Posted(message.id, message.jump_url)

    async def post_results(self, soundoff: Soundoff, results: Results, chart: bytes) -> Posted | None:
        channel = self.client.get_channel(soundoff.channel_id)
        if channel is None:
            try:
                channel = await self.client.fetch_channel(soundoff.channel_id)
            except discord.HTTPException:
                return None
        assert isinstance(channel, discord.abc.Messageable)
        reference = None
        if soundoff.message_id:
            reference = discord.MessageReference(
                message_id=soundoff.message_id, channel_id=soundoff.channel_id, fail_if_not_exists=False
            )
            with contextlib.suppress(discord.HTTPException):
                partial = channel.get_partial_message(soundoff.message_id)
                await partial.edit(
                    content=f"**Sound-off closed.**\n{closed_line(results)}",
                    view=vote_view(soundoff.id, [o.label for o in soundoff.options], disabled=True),
                )
        message = await channel.send(
            render_results(results, reveal=True),
            file=discord.File(io.BytesIO(chart), "results.png"),
            reference=reference,  # type: ignore[arg-type]  # None is accepted at runtime
        )
        return Posted(message.id, message.jump_url)

    async def show_count(self, soundoff: Soundoff, title: str, votes: int) -> None:
        channel = self.client.get_channel(soundoff.channel_id)
        if soundoff.message_id is None or not isinstance(channel, discord.abc.Messageable):
            return
        try:
            await channel.get_partial_message(soundoff.message_id).edit(content=headline(title, soundoff, votes))
        except discord.HTTPException:
            log.debug("Vote count refresh failed", exc_info=True)


class SoundoffCog(commands.Cog, name="Soundoffs"):
    soundoff = app_commands.Group(
        name="soundoff", description="Community votes: the AI draft vs human edits", guild_only=True
    )

    def __init__(self, bot: SoundOffBot) -> None:
        self.bot = bot
        self.soundoffs = bot.workshop.soundoffs
        self.clock = bot.workshop.clock
        self._deadlines: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(VoteButton, StartButton)
        self.clock.attach(ChannelBoard(self.bot))
        if self.clock.runs_deadlines:  # in scale-out mode the workers run them from the job queue
            self._deadlines = asyncio.create_task(self._run_deadlines(), name="soundoff-deadlines")

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(VoteButton, StartButton)
        if self._deadlines is not None:
            self._deadlines.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._deadlines

    async def _run_deadlines(self) -> None:
        await self.bot.wait_until_ready()
        await self.clock.run()

    # --- commands -------------------------------------------------------------------------------------------

    @soundoff.command(name="start", description="Start a vote between versions of a song (blind by default)")
    @app_commands.describe(
        versions="e.g. v1 v3 v4 (default: the AI draft against the latest human revisions)",
        hours="How long it stays open (1–336, default from the server settings)",
        blind="Hide authors and which option the AI wrote until it closes",
    )
    @app_commands.autocomplete(song=song_autocomplete)
    async def start(
        self,
        interaction: Interaction,
        song: str | None = None,
        versions: app_commands.Range[str, 1, 60] | None = None,
        hours: app_commands.Range[int, 1, 336] | None = None,
        blind: bool | None = None,
    ) -> None:
        actor = actor_from(interaction)
        target = await self.bot.workshop.songs.resolve(actor, interaction.channel_id or 0, song)
        started = await self.soundoffs.start(
            target, actor, channel_id=target.channel_id, versions=versions, hours=hours, blind=blind
        )
        await defer_reply(interaction, ephemeral=True)
        posted = await self.clock.open(started)
        await interaction.edit_original_response(content=f"The sound-off is open: {posted.url}")
        mark_delivered(interaction)

    @soundoff.command(name="end", description="Close a sound-off early (song owner or moderator)")
    @app_commands.autocomplete(poll=_poll_autocomplete)
    async def end(self, interaction: Interaction, poll: str | None = None) -> None:
        actor = actor_from(interaction)
        soundoff = await self._resolve(interaction, poll)
        await self.soundoffs.end(soundoff, actor)
        await defer_reply(interaction, ephemeral=True)
        await self.clock.close(soundoff.id, closed_by=actor.user_id)
        await interaction.edit_original_response(content="Closed; the results are posted under the sound-off.")
        mark_delivered(interaction)

    @soundoff.command(name="results", description="A sound-off's results (only the vote count while it is open)")
    @app_commands.autocomplete(poll=_poll_autocomplete)
    async def results(self, interaction: Interaction, poll: str | None = None) -> None:
        soundoff = await self._resolve(interaction, poll)
        if soundoff.is_open:
            votes = await self.soundoffs.vote_count(soundoff)
            await interaction.response.send_message(status_line(soundoff, votes), ephemeral=True)
            return
        results = await self.soundoffs.results(soundoff)
        await interaction.response.send_message(render_results(results, reveal=True))

    @soundoff.command(name="stats", description="This server's sound-offs: does the human touch win?")
    async def stats(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        await interaction.response.send_message(render_stats(await self.soundoffs.server_stats(interaction.guild_id)))

    async def _resolve(self, interaction: Interaction, poll: str | None) -> Soundoff:
        return await self.soundoffs.resolve(actor_from(interaction), interaction.channel_id or 0, poll)


class VoteButton(draft_buttons.DynamicButton, template=VOTE_TEMPLATE):
    def __init__(self, soundoff_id: int, label: str, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"Vote {label}",
                style=discord.ButtonStyle.primary,
                custom_id=f"soundoff:vote:{soundoff_id}:{label}",
                disabled=disabled,
            )
        )
        self.soundoff_id, self.label = soundoff_id, label

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> VoteButton:
        return cls(int(match["id"]), match["label"])

    @routes_errors
    async def callback(self, interaction: Interaction) -> None:
        workshop = interaction.client.workshop
        soundoff, previous = await workshop.soundoffs.vote(self.soundoff_id, actor_from(interaction), self.label)
        until = f"<t:{int(soundoff.ends_at)}:R>"
        if previous is None or previous == self.label:
            text = f"You voted {self.label} — you can change it until it closes {until}."
        else:
            text = f"You changed your vote from {previous} to {self.label} — you can change it until it closes {until}."
        await interaction.response.send_message(text, ephemeral=True)
        workshop.clock.count_changed(soundoff)


class StartButton(draft_buttons.DraftAction, template=draft_buttons.template("soundoff")):
    action = "soundoff"

    @routes_errors
    async def callback(self, interaction: Interaction) -> None:
        workshop = interaction.client.workshop
        song = await button_song(interaction, self.song_id)
        started = await workshop.soundoffs.start(
            song, actor_from(interaction), channel_id=song.channel_id, versions=None, hours=None, blind=None
        )
        await defer_reply(interaction, ephemeral=True)
        posted = await workshop.clock.open(started)
        await interaction.edit_original_response(content=f"The sound-off is open: {posted.url}")
        mark_delivered(interaction)


async def setup(bot: SoundOffBot) -> None:
    await bot.add_cog(SoundoffCog(bot))
