"""Songs and their append-only revision tree."""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import time
from dataclasses import dataclass

from pydantic import TypeAdapter

from bot.db.connection import Database, IntegrityError, Row, Transaction
from bot.songwriting.music.melody import Melody
from bot.songwriting.versions.kinds import VersionKind
from bot.songwriting.versions.revisions import AI_NAME
from bot.songwriting.words.brief import Brief
from bot.songwriting.words.lyrics import Lyrics

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Song:
    id: int
    guild_id: int
    channel_id: int
    thread_id: int | None
    owner_id: int
    title: str
    theme: str
    brief: Brief | None
    """What the AI drafted from (regenerations reuse it); None for a song started as an instrumental."""
    deleted: bool
    created_at: float


@dataclass(frozen=True, slots=True)
class Version:
    """One stored version. ``author_id`` None means the AI wrote it."""

    id: int
    song_id: int
    number: int
    parent: int | None
    kind: VersionKind
    author_id: int | None
    author_name: str
    lyrics: Lyrics | None
    melody: Melody | None
    writer: str | None
    seed: int | None
    channel_id: int | None
    message_id: int | None
    created_at: float
    melody_unreadable: bool = False
    """A melody is stored but could not be read back (an upload from before melodies were checked): ``melody`` is
    None, and listings say so instead of failing."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", VersionKind(self.kind))  # a stored value ("ai-draft") becomes the kind

    @property
    def label(self) -> str:
        return f"v{self.number}"

    @property
    def by_ai(self) -> bool:
        return self.author_id is None


@dataclass(frozen=True, slots=True)
class NewVersion:
    """What a caller supplies for a version; the repository assigns its number."""

    kind: VersionKind
    author_id: int | None
    author_name: str
    lyrics: Lyrics | None
    melody: Melody | None = None
    parent: int | None = None
    writer: str | None = None
    seed: int | None = None
    source_message_id: int | None = None
    request_id: int | None = None
    """The queued request (an interaction id) that made it: a retried job finds this version instead of adding one."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", VersionKind(self.kind))

    @classmethod
    def by_ai(
        cls,
        kind: VersionKind,
        *,
        lyrics: Lyrics | None,
        melody: Melody | None = None,
        parent: int | None = None,
        writer: str | None,
        seed: int | None,
        request_id: int | None = None,
    ) -> NewVersion:
        """A version the AI wrote: no member id, disclosed as the AI, with the writer and seed that made it."""
        return cls(kind, None, AI_NAME, lyrics, melody, parent, writer, seed, request_id=request_id)


class DuplicateSourceError(Exception):
    """This member message was already turned into a version."""


class SongRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self,
        *,
        guild_id: int,
        channel_id: int,
        owner_id: int,
        title: str,
        theme: str,
        brief: Brief | None,
        first: NewVersion,
    ) -> tuple[Song, Version]:
        """Create a song together with its first version, atomically."""
        now = time.time()
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "INSERT INTO songs (guild_id, channel_id, owner_id, title, theme, brief_json, last_version, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, 1, ?) RETURNING id",
                (guild_id, channel_id, owner_id, title, theme, json.dumps(_brief_json(brief)), now),
            )
            assert row is not None
            song_id = int(row["id"])
            await _insert_version(tx, song_id, 1, first, now)
        song = await self.get(song_id)
        version = await self.version(song_id, 1)
        assert song is not None
        assert version is not None
        return song, version

    async def add_version(self, song_id: int, new: NewVersion) -> Version:
        """Append a version with the next number under ``new.parent`` (None: a new root, e.g. a regenerated draft).

        The number comes from the song's counter, bumped by one statement that also locks the song's row: racing
        revisions (in one process or several) take their turns and get distinct numbers.
        """
        now = time.time()
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "UPDATE songs SET last_version = last_version + 1 WHERE id = ? RETURNING last_version", (song_id,)
            )
            if row is None:
                raise IntegrityError(f"no song {song_id}")
            number = int(row[0])
            if new.source_message_id is not None and await tx.fetch_one(
                "SELECT 1 FROM versions WHERE song_id = ? AND source_message_id = ?", (song_id, new.source_message_id)
            ):
                raise DuplicateSourceError(new.source_message_id)
            await _insert_version(tx, song_id, number, new, now)
        version = await self.version(song_id, number)
        assert version is not None
        return version

    async def get(self, song_id: int) -> Song | None:
        row = await self._db.fetch_one("SELECT * FROM songs WHERE id = ?", (song_id,))
        return _song(row) if row else None

    async def by_thread(self, thread_id: int) -> Song | None:
        """The song whose thread this is.

        A thread opened from a message has that message's id. A stop between opening a song's thread (from its
        first version's message) and recording it leaves the song without a thread: it is found and recorded here.
        """
        row = await self._db.fetch_one("SELECT * FROM songs WHERE thread_id = ?", (thread_id,))
        if row is not None:
            return _song(row)
        row = await self._db.fetch_one(
            "SELECT songs.id FROM songs JOIN versions ON versions.song_id = songs.id"
            " WHERE songs.thread_id IS NULL AND versions.number = 1 AND versions.message_id = ?",
            (thread_id,),
        )
        if row is None:
            return None
        await self.set_thread(row["id"], thread_id)
        return await self.get(row["id"])

    async def latest_for_member(self, guild_id: int, member_id: int) -> Song | None:
        row = await self._db.fetch_one(
            "SELECT * FROM songs WHERE guild_id = ? AND owner_id = ? AND deleted_at IS NULL ORDER BY id DESC LIMIT 1",
            (guild_id, member_id),
        )
        return _song(row) if row else None

    async def search(self, guild_id: int, text: str, limit: int = 25) -> list[Song]:
        """Songs of a server whose title contains ``text``, newest first (for autocomplete)."""
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = await self._db.fetch_all(
            "SELECT * FROM songs WHERE guild_id = ? AND deleted_at IS NULL AND title LIKE ? ESCAPE '\\'"
            " ORDER BY id DESC LIMIT ?",
            (guild_id, pattern, limit),
        )
        return [_song(r) for r in rows]

    async def set_thread(self, song_id: int, thread_id: int) -> None:
        await self._db.execute("UPDATE songs SET thread_id = ? WHERE id = ?", (thread_id, song_id))

    async def mark_deleted(self, song_id: int, by: int) -> None:
        """Hide a song from the bot's lists; its versions stay in the database."""
        await self._db.execute(
            "UPDATE songs SET deleted_at = ?, deleted_by = ? WHERE id = ? AND deleted_at IS NULL",
            (time.time(), by, song_id),
        )

    async def version(self, song_id: int, number: int) -> Version | None:
        row = await self._db.fetch_one("SELECT * FROM versions WHERE song_id = ? AND number = ?", (song_id, number))
        return _version(row) if row else None

    async def by_request(self, request_id: int) -> tuple[Song, Version] | None:
        """The song and version a queued request made, if a run of it already stored one."""
        row = await self._db.fetch_one("SELECT song_id, number FROM versions WHERE request_id = ?", (request_id,))
        if row is None:
            return None
        song, version = await self.get(row["song_id"]), await self.version(row["song_id"], row["number"])
        assert song is not None
        assert version is not None
        return song, version

    async def versions(self, song_id: int) -> list[Version]:
        rows = await self._db.fetch_all("SELECT * FROM versions WHERE song_id = ? ORDER BY number", (song_id,))
        return [_version(r) for r in rows]

    async def latest_version(self, song_id: int) -> Version | None:
        row = await self._db.fetch_one(
            "SELECT * FROM versions WHERE song_id = ? ORDER BY number DESC LIMIT 1", (song_id,)
        )
        return _version(row) if row else None

    async def version_by_message(self, message_id: int) -> Version | None:
        row = await self._db.fetch_one("SELECT * FROM versions WHERE message_id = ?", (message_id,))
        return _version(row) if row else None

    async def set_version_message(self, song_id: int, number: int, channel_id: int, message_id: int) -> None:
        await self._db.execute(
            "UPDATE versions SET channel_id = ?, message_id = ? WHERE song_id = ? AND number = ?",
            (channel_id, message_id, song_id, number),
        )

    async def count(self, guild_id: int) -> int:
        row = await self._db.fetch_one("SELECT COUNT(*) FROM songs WHERE guild_id = ?", (guild_id,))
        return int(row[0]) if row else 0


async def _insert_version(tx: Transaction, song_id: int, number: int, new: NewVersion, now: float) -> None:
    await tx.execute(
        "INSERT INTO versions (song_id, number, parent_number, kind, author_id, author_name, lyrics_json,"
        " melody_json, writer, seed, source_message_id, request_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            song_id,
            number,
            new.parent,
            new.kind,
            new.author_id,
            new.author_name,
            json.dumps(new.lyrics.to_dict()) if new.lyrics is not None else None,
            json.dumps(new.melody.to_dict()) if new.melody is not None else None,
            new.writer,
            new.seed,
            new.source_message_id,
            new.request_id,
            now,
        ),
    )


_BRIEF = TypeAdapter(Brief)


def _brief_json(brief: Brief | None) -> dict[str, object]:
    return dataclasses.asdict(brief) if brief is not None else {}


def _brief(stored: dict[str, object]) -> Brief | None:
    """The stored brief; None when there is none (instrumentals) or it no longer passes today's checks."""
    if not stored.get("theme"):
        return None
    try:
        return _BRIEF.validate_python(stored)
    except ValueError:  # pydantic's ValidationError, or a check of Brief's own
        return None


def _song(row: Row) -> Song:
    return Song(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        thread_id=row["thread_id"],
        owner_id=row["owner_id"],
        title=row["title"],
        theme=row["theme"],
        brief=_brief(json.loads(row["brief_json"])),
        deleted=row["deleted_at"] is not None,
        created_at=row["created_at"],
    )


def _version(row: Row) -> Version:
    melody = _readable_melody(row["melody_json"], row["song_id"], row["number"]) if row["melody_json"] else None
    return Version(
        id=row["id"],
        song_id=row["song_id"],
        number=row["number"],
        parent=row["parent_number"],
        kind=VersionKind(row["kind"]),
        author_id=row["author_id"],
        author_name=row["author_name"],
        lyrics=Lyrics.from_dict(json.loads(row["lyrics_json"])) if row["lyrics_json"] else None,
        melody=melody,
        writer=row["writer"],
        seed=row["seed"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        created_at=row["created_at"],
        melody_unreadable=row["melody_json"] is not None and melody is None,
    )


@functools.lru_cache(maxsize=512)
def _readable_melody(stored: str, song_id: int, number: int) -> Melody | None:
    """A stored melody, parsed once per process, or None when it can't be read: one bad version must never break
    a song's listings. A Melody is immutable, and listings (history, credits, autocomplete, server stats) read
    every version of a song again and again (about 1 ms a melody to parse)."""
    try:
        return Melody.from_dict(json.loads(stored))
    except (ValueError, KeyError, TypeError, RecursionError) as exc:  # JSON errors are ValueErrors
        log.warning("song %d v%d: its stored melody could not be read (%s)", song_id, number, exc)
        return None
