"""Stored scenes several storage tests (and bench/bench_scale.py) start from."""

from __future__ import annotations

import time

from bot.db.connection import Database
from bot.db.songs import NewVersion, SongRepository
from bot.db.soundoffs import Option, SoundoffRepository
from bot.songwriting.words.lyrics import Lyrics, Section


async def open_soundoff(db: Database, *, lasting: float = 3600.0, guild_id: int = 1, channel_id: int = 2) -> int:
    """A song with an AI draft (v1) and Ana's revision (v2), and an open sound-off between them; its id."""
    songs = SongRepository(db)
    lyrics = Lyrics("T", (Section("Verse 1", ("a",)),))
    song, _ = await songs.create(
        guild_id=guild_id,
        channel_id=channel_id,
        owner_id=3,
        title="T",
        theme="t",
        brief=None,
        first=NewVersion("ai-draft", None, "AI", lyrics),
    )
    await songs.add_version(song.id, NewVersion("human-revision", 4, "Ana", lyrics, parent=1))
    created = await SoundoffRepository(db).create(
        song_id=song.id,
        guild_id=guild_id,
        channel_id=channel_id,
        started_by=3,
        blind=True,
        ends_at=time.time() + lasting,
        options=[Option("A", 2), Option("B", 1)],
    )
    return created.id
