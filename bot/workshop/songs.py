"""Finding the song a command means, checking who may change it, and the domain's view of its versions."""

from __future__ import annotations

import re

from bot.db.songs import Song, SongRepository, Version
from bot.errors import NotFoundError, PermissionDeniedError
from bot.songwriting.music.resetting import carries
from bot.songwriting.versions.revisions import VersionNode, parse_version
from bot.workshop.actors import Actor

_ROW_ID = re.compile(r"[0-9]{1,18}")


def option_id(text: str) -> int | None:
    """The database id an autocomplete choice carries; None for anything else a member typed.

    ``str.isdigit`` is not enough: it accepts "²" (which ``int`` refuses) and ids past SQLite's integer range.
    """
    return int(text) if _ROW_ID.fullmatch(text) else None


class Songs:
    """Finding songs and versions for the adapters, and recording where Discord shows them."""

    def __init__(self, songs: SongRepository) -> None:
        self._songs = songs

    async def resolve(self, actor: Actor, channel_id: int, song: str | None) -> Song:
        """The song named by an option (its id, from autocomplete), else the thread's song, else the member's latest."""
        found: Song | None
        if song:
            song_id = option_id(song)
            if song_id is None:
                raise NotFoundError("Pick a song from the list (start typing its title).")
            found = await self._songs.get(song_id)
        else:
            found = await self._songs.by_thread(channel_id) or await self._songs.latest_for_member(
                actor.guild_id, actor.user_id
            )
            if found is None:
                raise NotFoundError("You have no song yet here. Start one with `/cowrite lyrics`, or pick a song.")
        if found is None or found.guild_id != actor.guild_id:
            raise NotFoundError("That song doesn't exist in this server.")
        if found.deleted:
            raise NotFoundError("That song was deleted.")
        return found

    async def by_id(self, guild_id: int, song_id: int) -> Song:
        """The song a persistent button or form points at, if it still exists in this server."""
        song = await self._songs.get(song_id)
        if song is None or song.guild_id != guild_id:
            raise NotFoundError("That song no longer exists.")
        if song.deleted:
            raise NotFoundError("That song was deleted.")
        return song

    async def in_thread(self, thread_id: int) -> Song | None:
        """The song whose thread this is, if any (deleted songs included: callers decide)."""
        return await self._songs.by_thread(thread_id)

    async def search(self, guild_id: int, text: str, limit: int = 25) -> list[Song]:
        """The server's songs whose title contains ``text``, newest first (for autocomplete)."""
        return await self._songs.search(guild_id, text.strip(), limit=limit)

    async def version(self, song: Song, label: str | None) -> Version:
        """``v3`` (or ``3``) of a song; None means the latest version."""
        if label is None or not label.strip():
            version = await self._songs.latest_version(song.id)
        else:
            version = await self._songs.version(song.id, parse_version(label))
        if version is None:
            raise NotFoundError(f"{song.title} has no version {label}.")
        return version

    async def numbered(self, song: Song, number: int) -> Version:
        """Version ``number`` of a song (a button's), which must still exist."""
        version = await self._songs.version(song.id, number)
        if version is None:
            raise NotFoundError("That version no longer exists.")
        return version

    async def versions(self, song: Song) -> list[Version]:
        return await self._songs.versions(song.id)

    async def record_message(self, song: Song, version: Version, channel_id: int, message_id: int) -> None:
        """Remember the message that shows a version, so replies and links find it."""
        await self._songs.set_version_message(song.id, version.number, channel_id, message_id)

    async def record_thread(self, song: Song, thread_id: int) -> None:
        """Remember the song's thread: from then on posts there are the song's."""
        await self._songs.set_thread(song.id, thread_id)

    async def delete(self, song: Song, actor: Actor) -> None:
        """Hide a song (its owner or a moderator only); every version is kept."""
        ensure_owner_or_moderator(song, actor, "delete this song")
        await self._songs.mark_deleted(song.id, by=actor.user_id)


def ensure_owner_or_moderator(song: Song, actor: Actor, action: str) -> None:
    """Only the song's owner or a moderator may delete it or end its sound-off."""
    if actor.user_id != song.owner_id and not actor.is_moderator:
        raise PermissionDeniedError(f"Only the song's owner or a moderator can {action}.")


def version_nodes(versions: list[Version]) -> list[VersionNode]:
    """The domain's view of stored versions (a member's revision that carries its parent's tune says so)."""
    by_number = {v.number: v for v in versions}
    return [
        VersionNode(
            number=v.number,
            parent=v.parent,
            author_id=v.author_id,
            author_name=v.author_name,
            kind=v.kind,
            lyrics=v.lyrics,
            has_melody=v.melody is not None or v.melody_unreadable,
            melody_unreadable=v.melody_unreadable,
            melody_from=_melody_source(v, by_number.get(v.parent) if v.parent is not None else None),
        )
        for v in versions
    ]


def _melody_source(version: Version, parent: Version | None) -> int | None:
    if version.melody is None or parent is None or parent.melody is None:
        return None
    return parent.number if carries(parent.melody, version.melody) else None
