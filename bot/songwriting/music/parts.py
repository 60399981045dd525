"""The values an arrangement is made of: notes of an accompanying part, and the parts themselves."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class PartNote:
    """One note of an accompanying part, in quarter notes from the start, before swing."""

    pitch: int
    start: Fraction
    duration: Fraction
    velocity: int

    @classmethod
    def clamped(cls, pitch: int, start: Fraction, duration: Fraction, velocity: int) -> PartNote:
        """A note with its velocity kept inside MIDI's 1–127."""
        return cls(pitch, start, duration, max(1, min(127, velocity)))


@dataclass(frozen=True, slots=True)
class Part:
    """One instrument of the band on its own MIDI channel (zero-based; 9 is the drum kit)."""

    name: str
    program: int
    channel: int
    volume: int
    notes: tuple[PartNote, ...]
