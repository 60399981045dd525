"""Sung notes in seconds onto the song's grid: tempo (the song's, or estimated), eighth-note quantisation that
follows the singer's drift, and the key (the song's, or estimated from the notes).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from bot.songwriting.music.harmony import Key, parse_key
from bot.songwriting.music.transcription.notes import SungNote

EIGHTH = Fraction(1, 2)
"""The grid, in quarter notes."""
_MAJOR = (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88)
_MINOR = (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)
_TONICS = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


@dataclass(frozen=True, slots=True)
class GridNote:
    """A sung note placed on the grid (times in quarter notes); ``pitch`` None is a rest."""

    pitch: int | None
    start: Fraction
    duration: Fraction


@dataclass(frozen=True, slots=True)
class Gridded:
    """The quantised notes, the tempo they were read at and how well the onsets fitted the grid (0–1)."""

    notes: tuple[GridNote, ...]
    tempo: int
    fit: float


def estimate_tempo(notes: list[SungNote]) -> int:
    """The quarter-note tempo (60–180 bpm) whose eighth-note grid best fits the gaps between onsets."""
    gaps = np.diff([n.onset for n in notes])
    if len(gaps) == 0:
        return 100
    best, best_cost = 100, float("inf")
    for tempo in range(60, 181):
        units = gaps / (30.0 / tempo)
        cost = float(np.mean(np.abs(units - np.maximum(1, np.rint(units))))) + abs(tempo - 100) / 2000.0
        if cost < best_cost:
            best, best_cost = tempo, cost
    return best


def quantise(notes: list[SungNote], tempo: int) -> Gridded:
    """Place each onset on the eighth grid by rounding the gap from the previous one, re-estimating the eighth's
    length as it goes (within about a tenth of the song's) so a singer who speeds up or slows down stays on the grid."""
    nominal = 30.0 / tempo
    eighth = nominal
    placed: list[GridNote] = []
    position = Fraction(0)
    errors = []
    for note, following in zip(notes, [*notes[1:], None], strict=True):
        if following is None:
            units = max(1, round((note.end - note.onset) / eighth))
            placed.append(GridNote(note.pitch, position, units * EIGHTH))
            break
        gap = following.onset - note.onset
        units = max(1, round(gap / eighth))
        errors.append(abs(gap / eighth - units))
        eighth = min(nominal * 1.12, max(nominal * 0.9, 0.8 * eighth + 0.2 * gap / units))
        held = min(units, max(1, round((note.end - note.onset) / eighth)))
        placed.append(GridNote(note.pitch, position, held * EIGHTH))
        if held < units:
            placed.append(GridNote(None, position + held * EIGHTH, (units - held) * EIGHTH))
        position += units * EIGHTH
    fit = 1.0 - 2.0 * float(np.mean(errors)) if errors else 1.0
    return Gridded(tuple(placed), tempo, max(0.0, fit))


def estimate_key(notes: list[SungNote]) -> Key:
    """The key whose Krumhansl–Kessler profile best matches the time spent on each pitch class."""
    weights = np.zeros(12)
    for note in notes:
        weights[note.pitch % 12] += note.end - note.onset
    best: tuple[float, str, str] = (-2.0, "C", "major")
    for tonic in range(12):
        for mode, shape in (("major", _MAJOR), ("minor", _MINOR)):
            score = float(np.corrcoef(weights, np.roll(shape, tonic))[0, 1]) if weights.any() else 0.0
            if score > best[0]:
                best = (score, _TONICS[tonic], mode)
    return parse_key(best[1], best[2])
