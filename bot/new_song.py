"""Posting a new song's AI draft and opening its thread: for the cog that made it, or a worker that made it later.

The member's command was acknowledged ("thinking…") before the work began; the draft replaces that answer
through the interaction's webhook, which any process can use for 15 minutes (Discord's token lifetime), and goes
to the channel after that. Each step is recorded as it is done, so a worker that runs the job again after a
crash posts nothing twice: a recorded message is not posted again and a recorded thread not opened again.
"""

from __future__ import annotations

import logging
from typing import Any, Literal, Protocol, cast

import discord

from bot import draft_buttons
from bot.interactions import token_expired
from bot.nonces import nonce
from bot.presenters import Message, version_message
from bot.songwriting.words.text import truncate
from bot.tree import mark_delivered
from bot.workshop.delivery import Delivery
from bot.workshop.requests import Reply
from bot.workshop.workshop import Workshop

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
THREAD_EXISTS = 160004
ORIGINAL = cast(int, "@original")
"""The webhook route's name for an interaction's first response (discord.py types message ids as int)."""
THREAD_FAILURES = {
    50001: "I can't see this channel well enough to open a thread (I need View Channel and Read Message History).",
    50013: "I need the Create Public Threads permission here to open the song's thread.",
    50024: "Threads can't be opened in this kind of channel.",
    THREAD_EXISTS: "This message already has a thread.",
    160006: "This channel has reached Discord's limit of active threads.",
}
"""Discord's error codes for a failed thread start, and what the member is told for each."""


def thread_failure(code: int) -> str:
    """Why the song's thread could not be opened, from Discord's error code, and what still works."""
    reason = THREAD_FAILURES.get(code, "I couldn't open a thread for this song.")
    return f"{reason} Revisions still work with `/revise`."


class Answer(Protocol):
    """Where a command's result goes: its deferred response (while the token lives), else the channel."""

    channel_id: int
    in_thread: bool
    """The command was used in a thread: the draft stays there, no thread of its own."""

    async def edit_original(self, shown: Message, view: discord.ui.View) -> discord.Message | None:
        """Replace the deferred response ("thinking…") with the draft; None once the token has expired."""
        ...

    async def tell(self, text: str) -> None:
        """A private note to the member who asked."""
        ...

    def delivered(self) -> None:
        """The response now shows the result: an error after this must not replace it."""
        ...


class InteractionAnswer:
    """The answer to an interaction this process received."""

    def __init__(self, interaction: discord.Interaction) -> None:
        self._interaction = interaction
        self.channel_id = interaction.channel_id or 0
        self.in_thread = isinstance(interaction.channel, discord.Thread)

    async def edit_original(self, shown: Message, view: discord.ui.View) -> discord.Message | None:
        try:
            return await self._interaction.edit_original_response(
                content=None, embed=shown.embed, attachments=shown.files, view=view
            )
        except discord.HTTPException as error:
            if token_expired(error):
                return None
            raise

    async def tell(self, text: str) -> None:
        await self._interaction.followup.send(text, ephemeral=True)

    def delivered(self) -> None:
        mark_delivered(self._interaction)


class WebhookAnswer:
    """The answer to an interaction another process received, through its webhook (a worker's case)."""

    def __init__(self, client: discord.Client, reply: Reply, channel_id: int, *, in_thread: bool) -> None:
        self._reply = reply
        self._webhook = discord.Webhook.partial(reply.application_id, reply.token, client=client)
        self.channel_id = channel_id
        self.in_thread = in_thread

    async def edit_original(self, shown: Message, view: discord.ui.View) -> discord.Message | None:
        return await self._edit_original(content=None, embed=shown.embed, attachments=shown.files, view=view)

    async def tell(self, text: str) -> None:
        if not self._reply.expired():
            await self._webhook.send(text, ephemeral=True)

    def delivered(self) -> None:
        """Nothing to note: no error handler of this process answers that interaction."""

    async def fail(self, text: str) -> None:
        """Show why the draft could not be made where "thinking…" was (past the token's life, Discord has said so)."""
        try:
            await self._edit_original(content=text, embeds=[], attachments=[], view=None)
        except discord.HTTPException:
            log.warning("Could not tell the member why their draft failed", exc_info=True)

    async def _edit_original(self, **fields: Any) -> discord.Message | None:
        """Edit the interaction's first response; None once its token has expired (by the clock or by Discord)."""
        if self._reply.expired():
            return None
        try:
            return await self._webhook.edit_message(ORIGINAL, **fields)
        except discord.HTTPException as error:
            if token_expired(error):
                return None
            raise


async def deliver_new_song(client: discord.Client, workshop: Workshop, answer: Answer, delivery: Delivery) -> None:
    """Turn the deferred response into the draft message, then open the song's thread from it."""
    song, version = delivery.song, delivery.version
    message_id, channel_id = version.message_id, answer.channel_id
    if message_id is None:
        message = await post_draft(client, answer, delivery)
        answer.delivered()
        message_id, channel_id = message.id, message.channel.id
        await workshop.songs.record_message(song, version, channel_id, message_id)
    if answer.in_thread or song.thread_id is not None:
        return
    try:
        thread = await client.http.start_thread_with_message(
            channel_id, message_id, name=truncate(song.title, 100), auto_archive_duration=THREAD_ARCHIVE_MINUTES
        )
    except discord.HTTPException as exc:
        if exc.code != THREAD_EXISTS:
            log.warning("Could not create a thread for song %s", song.id, exc_info=True)
            await answer.tell(thread_failure(exc.code))
            return
        thread_id = message_id  # an earlier run opened it: a thread started from a message has the message's id
    else:
        thread_id = int(thread["id"])
    # Recorded before the how-to is posted: a member who acts in the thread the moment it appears finds the song.
    # A stop between the two leaves the thread without its how-to (a retry finds the thread recorded and stops);
    # the nonce keeps a retry that does reach the post from doubling it.
    await workshop.songs.record_thread(song, thread_id)
    settings = await workshop.settings.get(song.guild_id)
    await client.get_partial_messageable(thread_id).send(
        HOW_TO_REVISE.format(replies=REPLIES_ON if settings.message_revisions else ""),
        nonce=nonce("song", song.id, "howto"),
    )


async def post_draft(client: discord.Client, answer: Answer, delivery: Delivery) -> discord.Message:
    """The draft as the command's response; past the token's 15 minutes, in the channel instead."""
    view = draft_buttons.draft_view(
        delivery.song.id,
        delivery.version.number,
        has_lyrics=delivery.version.lyrics is not None,
        has_melody=delivery.melody is not None,
    )
    message = await answer.edit_original(version_message(delivery), view)
    if message is not None:
        return message
    again = version_message(delivery)  # fresh files: the refused request consumed the first ones
    channel = client.get_partial_messageable(answer.channel_id)
    number = delivery.version.number  # a retry after a crash gets the message this made, not a second draft
    return await channel.send(
        embed=again.embed, files=again.files, view=view, nonce=nonce("song", delivery.song.id, "v", number)
    )
