"""``/soundoff start|end|results|stats``, the vote buttons, and the deadline scheduler (survives restarts)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import re
import time
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import draft_buttons
from bot.app import SoundOffBot
from bot.db.soundoffs import Soundoff
from bot.interactions import actor_from, bot_of, button_song, song_autocomplete
from bot.songwriting.render.chart import bar_chart_png
from bot.songwriting.versions.soundoff import Option, render_results, render_stats
from bot.songwriting.words.text import escape_markdown, escape_markdown_block, plural, truncate
from bot.tree import defer_reply, mark_delivered, routes_errors
from bot.workshop.drafts import Drafts
from bot.workshop.library import message_link
from bot.workshop.songs import resolve_song
from bot.workshop.soundoffs import Soundoffs, Started

log = logging.getLogger(__name__)

EXCERPT_CHARS = 700
COUNT_REFRESH_SECONDS = 3.0
MAX_SLEEP = 300.0
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


def option_embed(option: Option, lyrics_text: str | None, *, blind: bool, link: str | None) -> discord.Embed:
    """One option: a lyric excerpt; in open mode also who wrote it and a link to the full version."""
    title = f"Option {option.label}" if blind else f"Option {option.label} · {option.describe()}"
    body = "*(instrumental)*"
    if lyrics_text:
        # truncate after escaping: escaping adds characters, and five options must fit one message
        body = "```\n" + truncate(escape_markdown_block(lyrics_text), EXCERPT_CHARS) + "\n```"
    url = None if blind else link
    return discord.Embed(title=truncate(title, 256), description=body, colour=discord.Colour.orange(), url=url)


async def _poll_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    bot = bot_of(interaction)
    found = await bot.services.soundoffs.in_guild(interaction.guild_id)
    choices = []
    for soundoff in found:
        song = await bot.services.songs.get(soundoff.song_id)
        name = f"#{soundoff.id} · {song.title if song else '?'} · {'open' if soundoff.is_open else 'closed'}"
        if current.lower() in name.lower():
            choices.append(app_commands.Choice(name=truncate(name, 100), value=str(soundoff.id)))
    return choices


class SoundoffCog(commands.Cog, name="Soundoffs"):
    soundoff = app_commands.Group(
        name="soundoff", description="Community votes: the AI draft vs human edits", guild_only=True
    )

    def __init__(self, bot: SoundOffBot) -> None:
        self.bot = bot
        self.soundoffs = Soundoffs(bot.services)
        self._wake = asyncio.Event()
        self._scheduler: asyncio.Task[None] | None = None
        self._refreshing: set[int] = set()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(VoteButton, StartButton)
        self._scheduler = asyncio.create_task(self._run_deadlines(), name="soundoff-deadlines")

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(VoteButton, StartButton)
        if self._scheduler is not None:
            self._scheduler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._scheduler

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
        interaction: discord.Interaction,
        song: str | None = None,
        versions: app_commands.Range[str, 1, 60] | None = None,
        hours: app_commands.Range[int, 1, 336] | None = None,
        blind: bool | None = None,
    ) -> None:
        actor = actor_from(interaction)
        target = await resolve_song(self.bot.services.songs, actor, interaction.channel_id or 0, song)
        started = await self.soundoffs.start(
            target, actor, channel_id=target.channel_id, versions=versions, hours=hours, blind=blind
        )
        await defer_reply(interaction, ephemeral=True)
        message = await self.post(started)
        await interaction.edit_original_response(content=f"The sound-off is open: {message.jump_url}")
        mark_delivered(interaction)

    @soundoff.command(name="end", description="Close a sound-off early (song owner or moderator)")
    @app_commands.autocomplete(poll=_poll_autocomplete)
    async def end(self, interaction: discord.Interaction, poll: str | None = None) -> None:
        actor = actor_from(interaction)
        soundoff = await self._resolve(interaction, poll)
        await self.soundoffs.end(soundoff, actor)
        await defer_reply(interaction, ephemeral=True)
        await self.close(soundoff.id, closed_by=actor.user_id)
        await interaction.edit_original_response(content="Closed; the results are posted under the sound-off.")
        mark_delivered(interaction)

    @soundoff.command(name="results", description="A sound-off's results (only the vote count while it is open)")
    @app_commands.autocomplete(poll=_poll_autocomplete)
    async def results(self, interaction: discord.Interaction, poll: str | None = None) -> None:
        soundoff = await self._resolve(interaction, poll)
        if soundoff.is_open:
            votes = await self.bot.services.soundoffs.vote_count(soundoff.id)
            await interaction.response.send_message(status_line(soundoff, votes), ephemeral=True)
            return
        results = await self.soundoffs.results(soundoff)
        await interaction.response.send_message(render_results(results, reveal=True))

    @soundoff.command(name="stats", description="This server's sound-offs: does the human touch win?")
    async def stats(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await interaction.response.send_message(render_stats(await self.soundoffs.server_stats(interaction.guild_id)))

    # --- posting and closing --------------------------------------------------------------------------------

    async def _resolve(self, interaction: discord.Interaction, poll: str | None) -> Soundoff:
        return await self.soundoffs.resolve(actor_from(interaction), interaction.channel_id or 0, poll)

    async def post(self, started: Started) -> discord.Message:
        """Post the options (excerpts and audio previews) with one vote button each, in the song's channel."""
        soundoff = started.soundoff
        song = await self.bot.services.songs.get(soundoff.song_id)
        assert song is not None
        drafts = Drafts(self.bot.services)
        embeds, files = [], []
        for option in started.options:
            version = started.versions[option.version]
            embeds.append(
                option_embed(
                    option,
                    version.lyrics.to_body() if version.lyrics else None,
                    blind=soundoff.blind,
                    link=message_link(song.guild_id, version),
                )
            )
            rendered = await drafts.render(song, version)
            if rendered.files is not None and rendered.files.ogg is not None:
                files.append(discord.File(io.BytesIO(rendered.files.ogg), filename=f"option-{option.label}.ogg"))
        channel = self.bot.get_channel(soundoff.channel_id) or await self.bot.fetch_channel(soundoff.channel_id)
        assert isinstance(channel, discord.abc.Messageable)
        content = f"**Sound-off: {escape_markdown(song.title)}**\n{status_line(soundoff, 0)}"
        message = await channel.send(
            content=content,
            embeds=embeds,
            files=files,
            view=vote_view(soundoff.id, [o.label for o in started.options]),
        )
        await self.bot.services.soundoffs.set_message(soundoff.id, message.id)
        self._wake.set()
        return message

    async def close(self, soundoff_id: int, closed_by: int | None) -> None:
        """Close once, then announce (the announcement is retried at start if the bot stops in between)."""
        await self.soundoffs.close(soundoff_id, closed_by)
        soundoff = await self.soundoffs.get(soundoff_id)
        if soundoff.results_message_id is None:
            await self._announce(soundoff)

    async def _announce(self, soundoff: Soundoff) -> None:
        results = await self.soundoffs.results(soundoff)
        chart = bar_chart_png(
            [r.option.label for r in results.options],
            [r.votes for r in results.options],
            results.winner,
            "Sound-off results",
        )
        channel = self.bot.get_channel(soundoff.channel_id)
        if channel is None:
            try:
                channel = await self.bot.fetch_channel(soundoff.channel_id)
            except discord.HTTPException:
                log.warning("Sound-off %s: its channel is gone; results not posted", soundoff.id)
                await self.bot.services.soundoffs.set_results_message(soundoff.id, 0)
                return
        assert isinstance(channel, discord.abc.Messageable)
        reference = None
        if soundoff.message_id:
            reference = discord.MessageReference(
                message_id=soundoff.message_id, channel_id=soundoff.channel_id, fail_if_not_exists=False
            )
            with contextlib.suppress(discord.HTTPException):
                partial = channel.get_partial_message(soundoff.message_id)
                await partial.edit(
                    content=f"**Sound-off closed.**\n{status_line(soundoff, results.total)}",
                    view=vote_view(soundoff.id, [o.label for o in soundoff.options], disabled=True),
                )
        message = await channel.send(
            render_results(results, reveal=True),
            file=discord.File(io.BytesIO(chart), "results.png"),
            reference=reference,  # type: ignore[arg-type]  # None is accepted at runtime
        )
        await self.bot.services.soundoffs.set_results_message(soundoff.id, message.id)

    async def _run_deadlines(self) -> None:
        """Close sound-offs at their deadlines; deadlines live in the database, so restarts lose none."""
        await self.bot.wait_until_ready()
        for pending in await self.bot.services.soundoffs.unannounced():
            await self._guarded(self._announce(pending))
        while True:
            due, next_at = await self.soundoffs.due()
            for soundoff in due:
                await self._guarded(self.close(soundoff.id, closed_by=None))
            self._wake.clear()
            sleep = MAX_SLEEP if next_at is None else min(MAX_SLEEP, max(0.0, next_at - time.time()))
            # asyncio.timeout, not wait_for: Python 3.11's wait_for can swallow the cancellation of an unload
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(sleep):
                    await self._wake.wait()

    async def _guarded(self, work: Any) -> None:
        try:
            await work
        except Exception:
            log.exception("Closing or announcing a sound-off failed")

    def refresh_count_soon(self, soundoff: Soundoff, message: discord.Message | None) -> None:
        """Update the vote count on the sound-off message, at most every few seconds."""
        if message is None or soundoff.id in self._refreshing:
            return
        self._refreshing.add(soundoff.id)

        async def refresh() -> None:
            shown = -1
            try:
                while True:  # until the count shown is the count stored: a vote during an edit isn't lost
                    await asyncio.sleep(COUNT_REFRESH_SECONDS)
                    current = await self.soundoffs.get(soundoff.id)
                    votes = await self.bot.services.soundoffs.vote_count(soundoff.id)
                    if not current.is_open or votes == shown:
                        return
                    song = await self.bot.services.songs.get(current.song_id)
                    title = escape_markdown(song.title) if song else ""
                    await message.edit(content=f"**Sound-off: {title}**\n{status_line(current, votes)}")
                    shown = votes
            except discord.HTTPException:
                log.debug("Vote count refresh failed", exc_info=True)
            finally:
                self._refreshing.discard(soundoff.id)

        asyncio.get_running_loop().create_task(refresh())


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
    async def callback(self, interaction: discord.Interaction) -> None:
        cog = bot_of(interaction).get_cog("Soundoffs")
        assert isinstance(cog, SoundoffCog)
        soundoff, previous = await cog.soundoffs.vote(self.soundoff_id, actor_from(interaction), self.label)
        until = f"<t:{int(soundoff.ends_at)}:R>"
        if previous is None or previous == self.label:
            text = f"You voted {self.label} — you can change it until it closes {until}."
        else:
            text = f"You changed your vote from {previous} to {self.label} — you can change it until it closes {until}."
        await interaction.response.send_message(text, ephemeral=True)
        cog.refresh_count_soon(soundoff, interaction.message)


class StartButton(draft_buttons.DraftAction, template=draft_buttons.template("soundoff")):
    action = "soundoff"

    @routes_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        cog = bot_of(interaction).get_cog("Soundoffs")
        assert isinstance(cog, SoundoffCog)
        song = await button_song(interaction, self.song_id)
        started = await cog.soundoffs.start(
            song, actor_from(interaction), channel_id=song.channel_id, versions=None, hours=None, blind=None
        )
        await defer_reply(interaction, ephemeral=True)
        message = await cog.post(started)
        await interaction.edit_original_response(content=f"The sound-off is open: {message.jump_url}")
        mark_delivered(interaction)


async def setup(bot: SoundOffBot) -> None:
    await bot.add_cog(SoundoffCog(bot))
