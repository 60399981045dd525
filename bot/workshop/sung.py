"""A sung or hummed recording as a melody revision: fitted to the parent version's words and frame (key, tempo,
metre), transcribed on the render pool (within its time for members' files) so the event loop stays free."""

from __future__ import annotations

from bot.db.songs import Version
from bot.errors import UserFacingError
from bot.services import Services
from bot.songwriting.music.melody import MelodyInputError
from bot.songwriting.music.transcription import (
    AudioLimits,
    SongFrame,
    Transcription,
    audio_kind,
    song_syllables,
    transcribe,
)

AUDIO_EXTENSIONS = (".ogg", ".opus", ".wav", ".mp3", ".m4a")
AUDIO_DOWNLOAD_MAX_BYTES = 25_000_000
"""The largest audio attachment downloaded at all (Discord's own limit); the configured limit is checked after."""


def is_audio(data: bytes) -> bool:
    """Whether uploaded bytes are a recording (decided by content, never by the file name)."""
    return audio_kind(data) is not None


def song_frame(parent: Version) -> SongFrame:
    """The syllables to sing and, when the parent has a melody, the key, tempo and metre to write it in."""
    syllables = song_syllables(parent.lyrics)
    melody = parent.melody
    if melody is None:
        return SongFrame(syllables)
    return SongFrame(syllables, melody.tonic, melody.mode, melody.tempo, melody.meter, melody.genre, melody.seed)


async def transcribe_recording(services: Services, filename: str, data: bytes, parent: Version) -> Transcription:
    """Transcribe a member's recording against the parent version; a refusal is a member-readable error."""
    settings = services.settings
    limits = AudioLimits(max_seconds=settings.audio_max_seconds, max_bytes=settings.audio_max_bytes)
    try:
        return await services.pool.parse(transcribe, data, song_frame(parent), limits)
    except MelodyInputError as exc:
        raise UserFacingError(f"I couldn't use `{filename[:60]}` as a sung melody: {exc}") from None
