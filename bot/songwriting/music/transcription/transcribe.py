"""A sung or hummed recording becomes a melody fitted to a song: decode, track, segment, quantise, align."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from bot.songwriting.genre import Genre
from bot.songwriting.music.harmony import parse_key
from bot.songwriting.music.melody import Melody, Note
from bot.songwriting.music.transcription.align import LyricSyllable, align
from bot.songwriting.music.transcription.audio import AudioLimits, decode
from bot.songwriting.music.transcription.grid import estimate_key, estimate_tempo, quantise
from bot.songwriting.music.transcription.notes import TranscriptionRefused, measure, refusal, segment
from bot.songwriting.music.transcription.pitch import track, tuning_offsets


@dataclass(frozen=True, slots=True)
class SongFrame:
    """What a sung melody is fitted to: the song's syllables, and its key, tempo and metre when it has them."""

    syllables: tuple[LyricSyllable, ...] = ()
    tonic: str | None = None
    mode: str = "major"
    tempo: int | None = None
    meter: str = "4/4"
    genre: Genre | None = None
    seed: int = 0


class Level(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True, slots=True)
class Confidence:
    """How sure the transcription is (0–1): a steady, clean voice, onsets on the grid, syllables that fitted."""

    value: float

    @property
    def level(self) -> Level:
        return Level.HIGH if self.value >= 0.75 else Level.MEDIUM if self.value >= 0.5 else Level.LOW

    def __str__(self) -> str:
        return f"{round(self.value * 100)} % ({self.level})"


@dataclass(frozen=True, slots=True)
class Transcription:
    """The melody heard, how sure of it the bot is, and what it followed: the singer's tuning and the tempo."""

    melody: Melody
    confidence: Confidence
    tuning_cents: int
    tempo_estimated: bool

    def summary(self) -> str:
        """One line for the version answer."""
        tempo = "tempo estimated" if self.tempo_estimated else "the song's tempo"
        return f"transcribed · confidence {self.confidence} · {tempo} · tuning {self.tuning_cents:+d} cents"


def transcribe(data: bytes, frame: SongFrame, limits: AudioLimits | None = None) -> Transcription:
    """Transcribe a recording; raise AudioInputError or TranscriptionRefused with a sentence for the member."""
    audio = decode(data, limits or AudioLimits())
    pitch_track = track(audio)
    sung = segment(pitch_track)
    voicing = measure(audio, pitch_track, sung)
    reason = refusal(pitch_track, voicing, sung)
    if reason is not None:
        raise TranscriptionRefused(reason)
    tempo = frame.tempo or estimate_tempo(sung)
    gridded = quantise(sung, tempo)
    key = parse_key(frame.tonic, frame.mode) if frame.tonic else estimate_key(sung)
    aligned, syllable_fit = align(gridded.notes, frame.syllables)
    notes = tuple(
        Note(
            pitch=None if a.note.pitch is None else min(127, max(0, a.note.pitch)),
            start=a.note.start,
            duration=a.note.duration,
            syllable=a.syllable if a.note.pitch is not None else None,
            section=a.section,
            line=a.line,
            chromatic=a.note.pitch is not None and not key.contains(a.note.pitch % 12),
        )
        for a in aligned
    )
    melody = Melody(
        notes=notes,
        chords=(),
        tonic=key.tonic,
        mode=key.mode,
        tempo=gridded.tempo,
        meter=frame.meter,
        seed=frame.seed,
        genre=frame.genre,
    )
    voice = min(1.0, voicing.steady) * min(1.0, voicing.harmonic / 0.95)
    confidence = Confidence(round(float(np.clip(0.5 * voice + 0.3 * gridded.fit + 0.2 * syllable_fit, 0, 1)), 2))
    cents = round(float(np.median(tuning_offsets(pitch_track)[pitch_track.voiced])) * 100)
    return Transcription(melody, confidence, cents, tempo_estimated=frame.tempo is None)
