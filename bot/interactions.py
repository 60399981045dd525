"""Small adapters every cog uses: who is acting, song autocomplete, progress edits, posting a version."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.errors import UserFacingError
from bot.presenters import version_message
from bot.songwriting.words.text import truncate
from bot.workshop.actors import Actor
from bot.workshop.delivery import Delivery
from bot.workshop.records import Song

if TYPE_CHECKING:
    from bot.app import Interaction, SoundOffBot

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 2.5
INVALID_WEBHOOK_TOKEN = 50027
"""Discord's answer to edits and follow-ups once an interaction's 15-minute token has expired."""


def token_expired(error: BaseException) -> bool:
    """Whether Discord refused an edit or follow-up because the interaction is over 15 minutes old."""
    return isinstance(error, discord.HTTPException) and error.code == INVALID_WEBHOOK_TOKEN


async def confirm(interaction: discord.Interaction, text: str) -> None:
    """Turn the deferred reply into ``text`` (where the result was posted).

    Past the token's 15 minutes Discord refuses the edit; the result itself is already posted in the channel or
    thread, so that is logged rather than treated as a failure.
    """
    try:
        await interaction.edit_original_response(content=text)
    except discord.HTTPException as error:
        if not token_expired(error):
            raise
        log.info("Interaction %s outlived its token; its result was posted without the confirmation", interaction.id)


def actor_from(interaction: discord.Interaction) -> Actor:
    """The member behind an interaction; moderators hold Manage Messages where they act."""
    assert interaction.guild_id is not None
    return Actor(
        guild_id=interaction.guild_id,
        user_id=interaction.user.id,
        name=interaction.user.display_name,
        is_moderator=interaction.permissions.manage_messages,
        is_bot=interaction.user.bot,
    )


def asker(interaction: discord.Interaction) -> str:
    """Who asked for an AI post, as its heading names them (never a ping: the bot's mentions are off)."""
    return discord.utils.escape_markdown(actor_from(interaction).name)


def author_of(message: discord.Message) -> Actor:
    """The member who wrote a message (credited for it, whoever submits it)."""
    assert message.guild is not None
    return Actor(
        guild_id=message.guild.id,
        user_id=message.author.id,
        name=message.author.display_name,
        is_bot=message.author.bot,
    )


async def button_song(interaction: Interaction, song_id: int) -> Song:
    """The song a persistent button or form points at, if it still exists in this server."""
    assert interaction.guild_id is not None
    return await interaction.client.workshop.songs.by_id(interaction.guild_id, song_id)


async def song_autocomplete(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """The server's songs whose title contains what the member typed, newest first."""
    if interaction.guild_id is None:
        return []
    songs = await interaction.client.workshop.songs.search(interaction.guild_id, current)
    return [app_commands.Choice(name=truncate(f"{s.title} (#{s.id})", 100), value=str(s.id)) for s in songs]


class Progress:
    """Edits the deferred original response with the current stage, at most every few seconds."""

    def __init__(self, interaction: discord.Interaction, interval: float = PROGRESS_INTERVAL) -> None:
        self._interaction = interaction
        self._interval = interval
        self._last = 0.0

    async def show(self, text: str) -> None:
        now = time.monotonic()
        if now - self._last < self._interval:
            return
        self._last = now
        try:
            await self._interaction.edit_original_response(content=text)
        except discord.HTTPException:
            log.debug("Progress edit failed", exc_info=True)


async def song_thread(bot: SoundOffBot, song: Song, fallback: discord.abc.Messageable) -> discord.abc.Messageable:
    """Where a song's new versions go: its thread (an archived one reopens when posted in), else ``fallback``.

    Called before anything is stored, so a deleted or locked thread refuses the action and changes nothing.
    """
    if song.thread_id is None:
        return fallback
    channel = bot.get_channel(song.thread_id)
    if channel is None:
        try:
            channel = await bot.fetch_channel(song.thread_id)
        except discord.NotFound:
            raise UserFacingError("This song's thread was deleted, so it can't take new versions.") from None
    if not isinstance(channel, discord.Thread):
        return fallback
    if channel.locked:
        raise UserFacingError("This song's thread is locked. Ask a moderator to unlock it first.")
    return channel


async def post_version(
    bot: SoundOffBot,
    channel: discord.abc.Messageable,
    delivery: Delivery,
    *,
    view: discord.ui.View | None,
    heading: str | None = None,
    reference: discord.Message | None = None,
    fallback: discord.abc.Messageable | None = None,
) -> discord.Message:
    """Send a version's message and remember where it is, so replies and links find it.

    The version is stored by then: when ``channel`` (its thread) was deleted or locked meanwhile, the message
    goes to ``fallback`` (where the member acted) instead of leaving the version unseen.
    """

    def message_kwargs(with_reference: bool) -> dict[str, object]:
        shown = version_message(delivery, heading=heading)  # fresh files: a send closes them
        kwargs: dict[str, object] = {"embed": shown.embed, "files": shown.files}
        if view is not None:
            kwargs["view"] = view
        if reference is not None and with_reference:
            kwargs["reference"] = reference
            kwargs["mention_author"] = False
        return kwargs

    try:
        message: discord.Message = await channel.send(**message_kwargs(True))  # type: ignore[call-overload]  # kwargs built above match send()
    except discord.HTTPException as error:
        if fallback is None or fallback is channel or error.status >= 500:
            raise
        log.warning("Song %s: its thread refused %s (%s); posting it where the member acted", delivery.song.id,
                    delivery.version.label, error.text)  # fmt: skip
        message = await fallback.send(**message_kwargs(False))  # type: ignore[call-overload]  # as above
    await bot.workshop.songs.record_message(delivery.song, delivery.version, message.channel.id, message.id)
    return message
