"""Sung or hummed recordings transcribed into melodies fitted to a song (pure domain: bytes in, Melody out)."""

from bot.songwriting.music.transcription.align import LyricSyllable, song_syllables
from bot.songwriting.music.transcription.audio import AudioInputError, AudioLimits, audio_kind
from bot.songwriting.music.transcription.notes import Refusal, TranscriptionRefused
from bot.songwriting.music.transcription.transcribe import Confidence, SongFrame, Transcription, transcribe

__all__ = [
    "AudioInputError",
    "AudioLimits",
    "Confidence",
    "LyricSyllable",
    "Refusal",
    "SongFrame",
    "Transcription",
    "TranscriptionRefused",
    "audio_kind",
    "song_syllables",
    "transcribe",
]
