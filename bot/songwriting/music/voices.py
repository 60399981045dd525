"""The singer's range (``voice: soprano|alto|tenor|baritone``): it sets the register the tune centres on and
the key its home note sits well in.

Ranges are the comfortable (not extreme) ranges choral and vocal-pedagogy texts give for untrained adult voices,
sounding pitch: soprano C4–A5, alto F3–D5, tenor C3–A4, baritone A2–F4 (e.g. McKinney, "The Diagnosis and
Correction of Vocal Faults", 1994, ch. 7). Tenor and baritone lines are written in the octave-down treble clef
(the clef chooser does that from the notes).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Voice(StrEnum):
    SOPRANO = "soprano"
    ALTO = "alto"
    TENOR = "tenor"
    BARITONE = "baritone"


@dataclass(frozen=True, slots=True)
class VoiceRange:
    """Lowest and highest comfortable MIDI pitch."""

    low: int
    high: int

    @property
    def centre(self) -> int:
        return (self.low + self.high + 1) // 2

    @property
    def home(self) -> int:
        """Where the tonic sits best: a fourth above the bottom, so a tune can dip below it and climb an octave."""
        return self.low + 5


RANGES = {
    Voice.SOPRANO: VoiceRange(60, 81),
    Voice.ALTO: VoiceRange(53, 74),
    Voice.TENOR: VoiceRange(48, 69),
    Voice.BARITONE: VoiceRange(45, 65),
}


def parse_voice(text: str) -> Voice:
    """``"Tenor"`` is the tenor; raise ValueError naming the choices for anything else."""
    try:
        return Voice(text.strip().lower())
    except ValueError:
        choices = ", ".join(v.value for v in Voice)
        raise ValueError(f"unknown voice {text!r}; choose one of {choices}") from None
