"""Finding the song a command means, checking who may change it, and the domain's view of its versions."""

from __future__ import annotations

import re

from bot.db.songs import Song, SongRepository, Version
from bot.errors import NotFoundError, PermissionDeniedError, UserFacingError
from bot.songwriting.versions.revisions import VersionError, VersionNode, parse_version
from bot.workshop.actors import Actor

_ROW_ID = re.compile(r"[0-9]{1,18}")


def option_id(text: str) -> int | None:
    """The database id an autocomplete choice carries; None for anything else a member typed.

    ``str.isdigit`` is not enough: it accepts "²" (which ``int`` refuses) and ids past SQLite's integer range.
    """
    return int(text) if _ROW_ID.fullmatch(text) else None


async def resolve_song(songs: SongRepository, actor: Actor, channel_id: int, song: str | None) -> Song:
    """The song named by an option (its id, from autocomplete), else the thread's song, else the member's latest."""
    found: Song | None
    if song:
        song_id = option_id(song)
        if song_id is None:
            raise NotFoundError("Pick a song from the list (start typing its title).")
        found = await songs.get(song_id)
    else:
        found = await songs.by_thread(channel_id) or await songs.latest_for_member(actor.guild_id, actor.user_id)
        if found is None:
            raise NotFoundError("You have no song yet here. Start one with `/cowrite lyrics`, or pick a song.")
    if found is None or found.guild_id != actor.guild_id:
        raise NotFoundError("That song doesn't exist in this server.")
    if found.deleted:
        raise NotFoundError("That song was deleted.")
    return found


async def resolve_version(songs: SongRepository, song: Song, label: str | None) -> Version:
    """``v3`` (or ``3``) of a song; None means the latest version."""
    if label is None or not label.strip():
        version = await songs.latest_version(song.id)
    else:
        try:
            number = parse_version(label)
        except VersionError as exc:
            raise UserFacingError(str(exc)) from None
        version = await songs.version(song.id, number)
    if version is None:
        raise NotFoundError(f"{song.title} has no version {label}.")
    return version


def ensure_owner_or_moderator(song: Song, actor: Actor, action: str) -> None:
    """Only the song's owner or a moderator may delete it or end its sound-off."""
    if actor.user_id != song.owner_id and not actor.is_moderator:
        raise PermissionDeniedError(f"Only the song's owner or a moderator can {action}.")


def version_nodes(versions: list[Version]) -> list[VersionNode]:
    """The domain's view of stored versions."""
    return [
        VersionNode(
            number=v.number,
            parent=v.parent,
            author_id=v.author_id,
            author_name=v.author_name,
            kind=v.kind,
            lyrics=v.lyrics,
            has_melody=v.melody is not None,
        )
        for v in versions
    ]
