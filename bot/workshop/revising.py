"""Member revisions: edited lyrics and/or an edited melody become a new version, whoever's path they came by."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from bot.db.songs import DuplicateSourceError, NewVersion, Song, Version
from bot.errors import NotFoundError, UserFacingError
from bot.services import Services
from bot.songwriting.music.melody import Melody, MelodyInputError
from bot.songwriting.music.resetting import reset_melody
from bot.songwriting.render.sketch import SketchFiles, read_melody, render_sketch
from bot.songwriting.versions.credits import Disclosure, version_disclosure
from bot.songwriting.versions.kinds import VersionKind
from bot.songwriting.versions.revisions import diff_lines, is_identical
from bot.songwriting.words.lyrics import LYRICS_MAX_CHARS, Lyrics, parse_lyrics, size_problem
from bot.songwriting.words.prosody import count_syllables
from bot.songwriting.words.text import member_text
from bot.workshop.actors import Actor
from bot.workshop.delivery import Delivery
from bot.workshop.quota import claim_generation, refund_generation
from bot.workshop.songs import version_nodes
from bot.workshop.sung import AUDIO_DOWNLOAD_MAX_BYTES, AUDIO_EXTENSIONS, is_audio, transcribe_recording

log = logging.getLogger(__name__)

REVISION_MAX_CHARS = LYRICS_MAX_CHARS
MELODY_MAX_BYTES = 1_000_000
MELODY_EXTENSIONS = (".abc", ".mid", ".midi", ".musicxml", ".mxl", ".xml", *AUDIO_EXTENSIONS)


@dataclass(frozen=True, slots=True)
class MessageRef:
    """Where a Discord message is: enough to link a version to the message that shows it."""

    channel_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class Upload:
    """A file a member attached; the cog checks ``size`` before downloading ``data``."""

    filename: str
    size: int
    data: bytes = b""


def upload_limit(filename: str) -> int:
    """The most bytes of an upload read: a recording's download ceiling (its configured limit is checked on its
    bytes), else a melody file's."""
    return AUDIO_DOWNLOAD_MAX_BYTES if filename.lower().endswith(AUDIO_EXTENSIONS) else MELODY_MAX_BYTES


def check_upload_size(filename: str, size: int) -> None:
    """Refuse an oversized or empty melody file or recording before it is downloaded."""
    limit = upload_limit(filename)
    if size > limit:
        kind = "recordings" if limit != MELODY_MAX_BYTES else "melody files"
        raise UserFacingError(f"`{filename[:60]}` is {size / 1e6:.1f} MB; {kind} may be {limit / 1e6:g} MB at most.")
    if size == 0:
        raise UserFacingError(f"`{filename[:60]}` is empty.")


def _sung(lyrics: Lyrics) -> bool:
    """Whether the words have a syllable to sing (a revision of only "..." keeps no melody)."""
    return any(count_syllables(line) for line in lyrics.lines)


class Revisions:
    def __init__(self, services: Services) -> None:
        self._s = services

    async def parent_for(self, song: Song, replied_message_id: int | None) -> Version:
        """The version a reply answers (when it replies to a version message of this song), else the latest."""
        if replied_message_id is not None:
            replied = await self._s.songs.version_by_message(replied_message_id)
            if replied is not None and replied.song_id == song.id:
                return replied
        latest = await self._s.songs.latest_version(song.id)
        if latest is None:
            raise NotFoundError("That song has no versions.")
        return latest

    async def reply_parent(self, song: Song, replied: MessageRef | None, shown_version: int | None) -> Version:
        """The version a thread post replies to, else the latest.

        A stop between posting a version and recording its message leaves that message unknown; its buttons
        still name the version (``shown_version``), so the link is recorded here and the reply finds its parent.
        """
        parent = await self.parent_for(song, replied.message_id if replied else None)
        if replied is None or parent.message_id == replied.message_id or shown_version is None:
            return parent
        lost = await self._s.songs.version(song.id, shown_version)
        if lost is None or lost.message_id is not None:
            return parent
        await self._s.songs.set_version_message(song.id, lost.number, replied.channel_id, replied.message_id)
        return replace(lost, channel_id=replied.channel_id, message_id=replied.message_id)

    async def song_for_thread_post(self, guild_id: int, thread_id: int) -> Song | None:
        """The song a plain thread post may revise: its thread's song, where the server turned replies on."""
        song = await self._s.songs.by_thread(thread_id)
        if song is None or song.deleted or song.guild_id != guild_id:
            return None
        return song if (await self._s.guild_settings.get(guild_id)).message_revisions else None

    async def song_for_message(self, guild_id: int, thread_id: int) -> Song:
        """The song whose thread holds a message a member submits as a revision."""
        song = await self._s.songs.by_thread(thread_id)
        if song is None or song.guild_id != guild_id:
            raise UserFacingError("That message isn't in a song's thread.")
        return song

    async def submit(
        self,
        song: Song,
        author: Actor,
        *,
        text: str | None,
        upload: Upload | None,
        parent: Version,
        source_message_id: int | None = None,
    ) -> Delivery:
        """Validate, store and render a member's revision; nothing is stored when anything is wrong.

        A revision with a file costs a generation (the member's cooldown, the server's quota): reading and
        rendering it is the renderers' work. It is given back when that work fails.
        """
        if song.deleted:
            raise NotFoundError("That song was deleted.")
        lyrics = self._lyrics(song, parent, text)
        if upload is None:
            return await self._store(song, author, lyrics, None, parent, source_message_id)
        check_upload_size(upload.filename, len(upload.data))
        claim = await claim_generation(self._s.settings, self._s.guild_settings, self._s.usage, author)
        try:
            melody, heard = await self._melody(upload, parent)
            delivery = await self._store(song, author, lyrics, melody, parent, source_message_id, heard)
        except Exception:
            await refund_generation(self._s.usage, claim)
            raise
        if delivery.files is None:  # stored, but the render failed
            await refund_generation(self._s.usage, claim)
        return delivery

    async def _store(
        self,
        song: Song,
        author: Actor,
        lyrics: Lyrics | None,
        melody: Melody | None,
        parent: Version,
        source_message_id: int | None,
        heard: str | None = None,
    ) -> Delivery:
        if lyrics is None and melody is None:
            raise UserFacingError("That revision is empty: send edited lyrics or a melody file.")
        if lyrics is None:
            lyrics = parent.lyrics
        if melody is None and is_identical(parent.lyrics, lyrics):
            raise UserFacingError(f"That's identical to v{parent.number}, so nothing was saved. Change a line first.")
        carried: str | None = None
        lost: tuple[str, ...] = ()
        if melody is None and parent.melody is not None and lyrics is not None and _sung(lyrics):
            # A lyric revision is the same song: the parent's tune comes along, its changed lines re-set.
            try:
                resetting = await self._s.pool.run(reset_melody, parent.melody, parent.lyrics, lyrics)
                melody, carried = resetting.melody, resetting.summary(parent.label)
            except Exception:  # the member's words matter more than the tune: they are saved either way
                log.exception("Carrying v%s's melody of song %s failed", parent.number, song.id)
                lost = (
                    f"{parent.label}'s melody could not be carried this time (the error is logged); "
                    "your words are saved. Try **Add melody** for music.",
                )
        try:
            version = await self._s.songs.add_version(
                song.id,
                NewVersion(
                    kind=VersionKind.HUMAN_REVISION,
                    author_id=author.user_id,
                    author_name=author.name,
                    lyrics=lyrics,
                    melody=melody,
                    parent=parent.number,
                    source_message_id=source_message_id,
                ),
            )
        except DuplicateSourceError:
            raise UserFacingError("That message is already a version of this song.") from None
        disclosure = version_disclosure(version_nodes(await self._s.songs.versions(song.id)), version.number)
        files, notes = await self._render(version, melody, lyrics, song.title, disclosure)
        notes = ((carried.capitalize() + ".",) if carried else lost) + notes + ((heard,) if heard else ())
        return Delivery(
            song,
            version,
            melody,
            files,
            notes,
            diff=diff_lines(parent.lyrics, lyrics),
            disclosure=disclosure,
            carried=carried,
        )

    def _lyrics(self, song: Song, parent: Version, text: str | None) -> Lyrics | None:
        if text is None or not text.strip():
            return None
        if len(text) > REVISION_MAX_CHARS:
            raise UserFacingError(
                f"That revision is {len(text)} characters; the limit is {REVISION_MAX_CHARS}. Split the song up."
            )
        title = parent.lyrics.title if parent.lyrics and parent.lyrics.title else song.title
        lyrics = parse_lyrics(member_text(text, "your lyrics"), title=title)
        if (problem := size_problem(lyrics)) is not None:
            raise UserFacingError(f"That revision has {problem}. Split the song up.")
        return None if lyrics.is_empty() else lyrics

    async def _render(
        self, version: Version, melody: Melody | None, lyrics: Lyrics | None, title: str, disclosure: Disclosure
    ) -> tuple[SketchFiles | None, tuple[str, ...]]:
        """The files of a stored revision; a render that fails says the revision is saved all the same."""
        if melody is None:
            return None, ()
        try:
            files = await self._s.pool.run(render_sketch, melody, lyrics, title, disclosure=disclosure)
        except UserFacingError as exc:
            return None, (f"{version.label} is saved, but its score and audio could not be made: {exc}",)
        return files, files.notes

    async def _melody(self, upload: Upload, parent: Version) -> tuple[Melody, str | None]:
        """The uploaded melody, and for a sung recording the line that says how it was heard."""
        if is_audio(upload.data):
            heard = await transcribe_recording(self._s, upload.filename, upload.data, parent)
            return heard.melody, heard.summary()
        try:
            return await self._s.pool.parse(read_melody, upload.data, upload.filename), None
        except MelodyInputError as exc:
            raise UserFacingError(f"I couldn't read `{upload.filename[:60]}`: {exc}") from None
