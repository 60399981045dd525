"""The band behind a melody: accompaniment, bass and drums derived from its chords and its genre profile.

An arrangement is worked out again from the melody (its chords, metre, sections, genre and seed) whenever the
sketch is rendered, so a stored melody always plays back with the same band and the database keeps only the
melody. The lead sheet and the score never show it: they are the melody with its chord symbols.

Without a genre the arrangement is the plain lead-sheet accompaniment: piano chords and an acoustic bass on the
strong beats. The mix keeps the voice on top: the accompaniment plays softer (channel volume and velocity), and
the drums sit under the voice's level with the hi-hat quieter still.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction

from bot.songwriting.music.accompaniment import bass_line, comping, pad, plain_bass, plain_chords
from bot.songwriting.music.drums import drum_part
from bot.songwriting.music.genres import Groove
from bot.songwriting.music.melody import Melody, Note
from bot.songwriting.music.parts import Part

DRUM_CHANNEL = 9  # General MIDI channel 10, counted from 0
MELODY_PROGRAM = 73  # flute: the voice of a lead sheet with no genre
_VOLUMES = {"Melody": 118, "Chords": 74, "Bass": 92, "Pad": 52, "Drums": 84}  # channel volume (CC 7)


@dataclass(frozen=True, slots=True)
class Arrangement:
    """The melody's instrument and level, the band's parts, and the feel they are played with."""

    melody_program: int
    melody_volume: int
    swing: float
    parts: tuple[Part, ...]

    def swung(self, position: Fraction, beat: Fraction) -> Fraction:
        """Move a time point to where a swung performance plays it: the off-beat eighth comes late.

        ``swing`` is the long eighth's share of the beat (0.5 straight, 2/3 a triplet shuffle); points between
        move in proportion, so sixteenths swing along. Compound metres are ternary already and never swing.
        """
        if self.swing == 0.5 or beat != 1:
            return position
        whole, offset = divmod(position, beat)
        ratio = swing_ratio(self.swing)
        half = beat / 2
        moved = offset * 2 * ratio if offset <= half else ratio * beat + (offset - half) * 2 * (1 - ratio)
        return whole * beat + moved


def swing_ratio(swing: float) -> Fraction:
    """The long eighth's share of the beat as the fraction the band plays (0.67 is the triplet's 2/3)."""
    return Fraction(swing).limit_denominator(12)


def arrange(melody: Melody) -> Arrangement:
    """Work out the band for a melody from its genre profile (the plain accompaniment without one)."""
    style = melody.profile
    if style is None:
        parts = (
            Part("Chords", 0, 1, _VOLUMES["Chords"], plain_chords(melody)),
            Part("Bass", 32, 2, _VOLUMES["Bass"], plain_bass(melody)),
        )
        return Arrangement(MELODY_PROGRAM, _VOLUMES["Melody"], 0.5, parts)
    rng = random.Random(f"{melody.seed}:arrangement")
    starts = section_starts(melody)
    chorus = first_chorus(melody)
    instruments = style.instruments
    built = [
        Part("Chords", instruments.chords, 1, _VOLUMES["Chords"], comping(melody, style, rng)),
        Part("Bass", instruments.bass, 2, _VOLUMES["Bass"], bass_line(melody, style, rng)),
    ]
    if instruments.pad is not None:
        built.append(Part("Pad", instruments.pad, 3, _VOLUMES["Pad"], pad(melody)))
    if style.drums is not Groove.NONE:
        notes = drum_part(melody, style.drums, starts, chorus, rng)
        built.append(Part("Drums", 0, DRUM_CHANNEL, _VOLUMES["Drums"], notes))
    return Arrangement(instruments.melody, _VOLUMES["Melody"], style.feel.swing, tuple(built))


def section_starts(melody: Melody) -> list[Fraction]:
    """The bar line at or before each section's first note, in order."""
    bar = melody.time.bar
    firsts: dict[int, Fraction] = {}
    for note in melody.notes:
        firsts.setdefault(note.section, note.start)
    return sorted({max(Fraction(0), (start + bar / 2) // bar * bar) for start in firsts.values()})


def first_chorus(melody: Melody) -> Fraction | None:
    """The bar where the first repeated section (the chorus, which the composer repeats note for note) starts."""
    found = _first_repeated(melody)
    if found is None:
        return None
    bar = melody.time.bar
    return (found[0].start + bar / 2) // bar * bar


def first_chorus_end(melody: Melody) -> Fraction | None:
    """Where the first repeated section's last note ends, if the song repeats one."""
    found = _first_repeated(melody)
    return None if found is None else max(n.end for n in found)


def _first_repeated(melody: Melody) -> list[Note] | None:
    sections: dict[int, list[Note]] = {}
    for note in melody.notes:
        sections.setdefault(note.section, []).append(note)
    seen: dict[tuple[tuple[int | None, Fraction, Fraction], ...], list[Note]] = {}
    for notes in sections.values():
        # The last note may be cut short by the next section's pickup: compare without it.
        shape = tuple((n.pitch, n.start - notes[0].start, n.duration) for n in notes[:-1])
        if shape in seen and len(notes) > 2:
            return seen[shape]
        seen.setdefault(shape, notes)
    return None
