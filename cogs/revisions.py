"""Revisions by members: ``/revise`` and the Revise button (a modal), the **Submit as revision** message
menu, and, where the server turned it on, plain replies in a song thread."""

from __future__ import annotations

import io
import logging
import re

import discord
from discord import app_commands
from discord.ext import commands

from bot import draft_buttons
from bot.app import Interaction, SoundOffBot
from bot.downloads import Downloader
from bot.errors import UserFacingError
from bot.interactions import (
    actor_from,
    author_of,
    button_song,
    confirm,
    post_version,
    song_autocomplete,
    song_thread,
)
from bot.modal_submit import SubmittedFile, read_submission
from bot.songwriting.words.text import neutralise_mentions, truncate
from bot.tree import (
    GENERIC_FAILURE,
    defer_reply,
    describe_error,
    from_a_person,
    mark_delivered,
    routes_errors,
    safe_reply,
)
from bot.workshop.actors import Actor
from bot.workshop.records import Song, Version
from bot.workshop.revising import (
    MELODY_EXTENSIONS,
    MELODY_MAX_BYTES,
    REVISION_MAX_CHARS,
    MessageRef,
    Upload,
    check_upload_size,
)

log = logging.getLogger(__name__)

LABELLED = re.compile(r"^\s*\[[^\]]{1,40}\]\s*$", re.MULTILINE)
FORM = re.compile(r"soundoff:revise-form:(?P<song>[0-9]{1,20}):(?P<parent>[0-9]{1,9})")
"""The Revise modal's custom id: the song and the parent version, so a submit needs nothing kept in memory."""


async def read_upload(downloads: Downloader, file: SubmittedFile | discord.Attachment) -> Upload:
    """Download a melody file after checking its size (the type is sniffed from content later).

    Callers acknowledge the interaction first: a slow CDN would otherwise push the answer past Discord's 3 s.
    """
    check_upload_size(file.filename, file.size)
    data = await downloads.fetch(file.url, filename=file.filename, limit=MELODY_MAX_BYTES)
    return Upload(file.filename, len(data), data)


def melody_attachment(attachments: list[discord.Attachment]) -> discord.Attachment | None:
    return next((a for a in attachments if a.filename.lower().endswith(MELODY_EXTENSIONS)), None)


def shown_version(message: object, bot_user: discord.ClientUser | None) -> tuple[int, int] | None:
    """The (song, version) a message of the bot shows, read from its buttons' persistent custom ids."""
    if not isinstance(message, discord.Message) or bot_user is None or message.author.id != bot_user.id:
        return None
    for row in message.components:
        for child in getattr(row, "children", ()):
            found = re.fullmatch(draft_buttons.template("[a-z]+"), getattr(child, "custom_id", None) or "")
            if found:
                return int(found["song"]), int(found["version"])
    return None


class RevisionModal(discord.ui.Modal):
    """The latest lyrics, prefilled, to edit; plus an optional melody file.

    Only sent, never kept: its submit is answered by ``Revising.on_interaction`` from the custom id, so a member
    who takes an hour, or submits across a restart, still gets their version.
    """

    def __init__(self, song: Song, parent: Version) -> None:
        super().__init__(
            title=truncate(f"Revise {song.title}", 45),
            custom_id=f"soundoff:revise-form:{song.id}:{parent.number}",
            timeout=None,
        )
        body = parent.lyrics.to_body() if parent.lyrics else ""
        label = "Lyrics ([Label] lines mark sections)"
        if len(body) > REVISION_MAX_CHARS:  # cut at a line, and say so: saving this keeps only what is shown
            body = body[: body.rfind("\n", 0, REVISION_MAX_CHARS)]
            label = f"Lyrics: the first {body.count(chr(10)) + 1} lines only (4000 chars)"
        lyrics: discord.ui.TextInput[RevisionModal] = discord.ui.TextInput(
            custom_id="lyrics",
            style=discord.TextStyle.paragraph,
            default=body or None,
            max_length=REVISION_MAX_CHARS,
            required=False,
            placeholder="[Verse 1]\nyour lines…",
        )
        melody: discord.ui.FileUpload[RevisionModal] = discord.ui.FileUpload(
            custom_id="melody", required=False, max_values=1
        )
        self.add_item(discord.ui.Label(text=label, component=lyrics))
        self.add_item(discord.ui.Label(text="Melody file (optional: .abc .mid .musicxml)", component=melody))


async def open_revise_form(interaction: Interaction, song: Song) -> None:
    """Open the Revise form on the song's latest version."""
    parent = await interaction.client.workshop.revisions.parent_for(song, None)
    modal = RevisionModal(song, parent)
    await interaction.response.send_modal(modal)
    modal.stop()  # discord.py forgets it; the submit is handled by its custom id in on_interaction


def returned_text(text: str) -> discord.File:
    """The member's own words as a file, when they could not be saved: nothing typed is ever lost."""
    return discord.File(io.BytesIO(text.encode("utf-8")), filename="your-revision.txt")


class Revising(commands.Cog):
    def __init__(self, bot: SoundOffBot) -> None:
        self.bot = bot
        self.revisions = bot.workshop.revisions
        self.menu = app_commands.guild_only(
            app_commands.ContextMenu(name="Submit as revision", callback=self.submit_message)
        )

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)
        self.bot.add_dynamic_items(ReviseButton)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)
        self.bot.remove_dynamic_items(ReviseButton)

    @app_commands.command(name="revise", description="Edit a song's latest lyrics (and optionally its melody)")
    @app_commands.guild_only()
    @app_commands.describe(song="Defaults to this thread's song, else your latest")
    @app_commands.autocomplete(song=song_autocomplete)
    async def revise(self, interaction: Interaction, song: str | None = None) -> None:
        target = await self.bot.workshop.songs.resolve(actor_from(interaction), interaction.channel_id or 0, song)
        await open_revise_form(interaction, target)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: Interaction) -> None:
        """A Revise form's submit, whenever it comes: minutes later, days later, or after a restart."""
        if interaction.type is not discord.InteractionType.modal_submit or not from_a_person(interaction):
            return
        custom_id = interaction.data.get("custom_id") if interaction.data else None
        found = FORM.fullmatch(str(custom_id or ""))
        if found is None:
            return
        submission = read_submission(interaction)
        text = submission.texts.get("lyrics", "")
        try:
            await defer_reply(interaction, ephemeral=True)
            song = await button_song(interaction, int(found["song"]))
            parent = await self.bot.workshop.songs.numbered(song, int(found["parent"]))
            files = submission.files.get("melody", ())
            upload = await read_upload(self.bot.services.downloads, files[0]) if files else None
            await self.save(interaction, song, actor_from(interaction), text, upload, parent, None)
        except Exception as error:
            message = describe_error(error)
            if message is None:
                log.error("Revise form %s failed", found.group(0), exc_info=error)
                message = GENERIC_FAILURE
            if text.strip():
                message += " Your text is attached, so nothing you wrote is lost."
            await safe_reply(interaction, message, file=returned_text(text) if text.strip() else None)

    async def submit_message(self, interaction: Interaction, message: discord.Message) -> None:
        """Turn a member's message in a song thread into a version, credited to the message's author."""
        assert interaction.guild_id is not None
        song = await self.revisions.song_for_message(interaction.guild_id, message.channel.id)
        if message.author.bot:
            raise UserFacingError("Only members' messages can become revisions.")
        await defer_reply(interaction, ephemeral=True)
        attachment = melody_attachment(message.attachments)
        upload = await read_upload(self.bot.services.downloads, attachment) if attachment else None
        parent = await self.parent_of(song, message)
        await self.save(interaction, song, author_of(message), message.content, upload, parent, message.id)

    async def parent_of(self, song: Song, message: discord.Message) -> Version:
        """The version ``message`` replies to (as its buttons name it, if its link was lost), else the latest."""
        reference = message.reference
        replied = MessageRef(reference.channel_id, reference.message_id) if reference and reference.message_id else None
        shown = shown_version(reference.resolved if reference else None, self.bot.user)
        return await self.revisions.reply_parent(song, replied, shown[1] if shown and shown[0] == song.id else None)

    async def save(
        self,
        interaction: Interaction,
        song: Song,
        author: Actor,
        text: str | None,
        upload: Upload | None,
        parent: Version,
        source_message_id: int | None,
    ) -> None:
        fallback = interaction.channel
        assert isinstance(fallback, discord.abc.Messageable)
        channel = await song_thread(self.bot, song, fallback)
        delivery = await self.revisions.submit(
            song, author, text=text, upload=upload, parent=parent, source_message_id=source_message_id
        )
        message = await post_version(
            self.bot,
            channel,
            delivery,
            view=draft_buttons.draft_view(
                song.id, delivery.version.number, human=True, has_melody=delivery.melody is not None
            ),
            heading=delivery.change_heading(parent),
            fallback=fallback,
        )
        await confirm(interaction, f"{delivery.saved()}: {message.jump_url}")
        mark_delivered(interaction)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """A reply to a version, a melody file, or labelled lyrics in a song thread becomes a version."""
        if message.author.bot or message.guild is None or not isinstance(message.channel, discord.Thread):
            return
        attachment = melody_attachment(message.attachments)
        replied = message.reference.message_id if message.reference else None
        if attachment is None and replied is None and not LABELLED.search(message.content):
            return
        song = await self.revisions.song_for_thread_post(message.guild.id, message.channel.id)
        if song is None:
            return
        parent = await self.parent_of(song, message)
        if replied is not None and parent.message_id != replied and attachment is None:
            return  # a reply to chat, not to a version
        try:
            upload = await read_upload(self.bot.services.downloads, attachment) if attachment else None
            delivery = await self.revisions.submit(
                song,
                author_of(message),
                text=message.content,
                upload=upload,
                parent=parent,
                source_message_id=message.id,
            )
            await post_version(
                self.bot,
                message.channel,
                delivery,
                view=draft_buttons.draft_view(
                    song.id, delivery.version.number, human=True, has_melody=delivery.melody is not None
                ),
                heading=delivery.change_heading(parent),
                reference=message,
            )
        except Exception as exc:
            text = describe_error(exc)
            if text is None:
                log.exception("Thread revision from message %s failed", message.id)
                text = "I couldn't save that as a revision; it has been logged."
            await message.reply(neutralise_mentions(text), mention_author=False)


class ReviseButton(draft_buttons.DraftAction, template=draft_buttons.template("revise")):
    action = "revise"

    @routes_errors
    async def callback(self, interaction: Interaction) -> None:
        await open_revise_form(interaction, await button_song(interaction, self.song_id))


async def setup(bot: SoundOffBot) -> None:
    await bot.add_cog(Revising(bot))
