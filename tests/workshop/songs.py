"""A song to revise, on the real database: the AI's v1 of two lines, owned by Ana."""

from __future__ import annotations

from bot.db.songs import NewVersion, Song
from bot.services import Services
from bot.songwriting.music.melody import Melody
from bot.songwriting.words.lyrics import Lyrics, Section
from bot.workshop.actors import Actor

ANA = Actor(guild_id=1, user_id=10, name="Ana")
BEN = Actor(guild_id=1, user_id=11, name="Ben")
DRAFT = Lyrics("Harbour", (Section("Verse 1", ("the lamps are low tonight", "the tide is slow and grey")),))


async def a_song(services: Services, lyrics: Lyrics = DRAFT, guild_id: int = 1, melody: Melody | None = None) -> Song:
    """Store a song whose v1 is the AI's ``lyrics``."""
    song, _ = await services.songs.create(
        guild_id=guild_id,
        channel_id=2,
        owner_id=ANA.user_id,
        title=lyrics.title,
        theme=lyrics.title.lower(),
        brief=None,
        first=NewVersion("ai-draft", None, "AI", lyrics, melody=melody, writer="offline writer", seed=1),
    )
    return song
