"""Accompaniment and bass: how each genre plays the chords under the tune, bar by bar.

The patterns are the textbook ones: the folk guitarist's down-down-up-up-down-up strum and Travis picking
(alternating bass on the beats, treble on the off-beats), punk's palm-muted power-chord eighths, the pop
pianist's chords on the half bar, the ballad's broken-chord arpeggio, the jazz pianist's Charleston comping
(beat one and the and of two) over a walking bass, the blues' boogie bass (root, third, fifth, sixth, seventh
and back), the country two-beat root–fifth bass, and the pads of electronic music.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from fractions import Fraction

from bot.songwriting.music.genres import BassLine, Comping, GenreProfile
from bot.songwriting.music.harmony import chord_pitch_classes, chord_root
from bot.songwriting.music.melody import Melody
from bot.songwriting.music.parts import PartNote

EIGHTH = Fraction(1, 2)
CHORDS, BASS = 50, 64  # the plain accompaniment's velocities, under the voice's ~80
_DOWNBEAT = 6  # the accompaniment's accent on the bar's first hit


def plain_chords(melody: Melody) -> tuple[PartNote, ...]:
    """The lead sheet's piano: close-position chords from the G below middle C, a hit on each strong beat."""
    notes: list[PartNote] = []
    for start, duration, symbol in _hits(melody):
        accent = _DOWNBEAT if melody.time.weight(start) == 3 else 0
        notes.extend(_note(pitch, start, duration, CHORDS + accent) for pitch in voicing(symbol))
    return tuple(notes)


def plain_bass(melody: Melody) -> tuple[PartNote, ...]:
    """The lead sheet's bass: the chord's root from C2 up, on each strong beat."""
    notes = []
    for start, duration, symbol in _hits(melody):
        root = chord_root(symbol)
        if root is not None:
            accent = _DOWNBEAT if melody.time.weight(start) == 3 else 0
            notes.append(_note(36 + root, start, duration, BASS + accent))
    return tuple(notes)


def voicing(symbol: str) -> list[int]:
    """Voice a chord in close position from the G below middle C up, out of the melody's way."""
    return sorted(55 + (pc - 55) % 12 for pc in chord_pitch_classes(symbol))


def comping(melody: Melody, style: GenreProfile, rng: random.Random) -> tuple[PartNote, ...]:
    """The chord instrument's part in the genre's pattern."""
    notes: list[PartNote] = []
    time = melody.time
    eighths = int(time.bar / EIGHTH)
    beat = int(time.beat / EIGHTH)
    push = style.feel.anticipation
    for start, symbol, following in _bars(melody):
        root = chord_root(symbol)
        if root is None:
            continue
        pattern = style.comping
        if pattern is Comping.STRUM:
            shape = guitar_voicing(symbol)
            for slot in range(eighths):
                down = slot % beat == 0
                if not down and slot < beat:
                    continue  # D . D U . U D U: no upstroke after the first beat
                strings = shape if down else shape[-4:][::-1]
                level = (66 if time.weight(slot * EIGHTH) >= 2 else 58) if down else 48
                notes.extend(_strum(strings, start + slot * EIGHTH, EIGHTH * 2, level, melody.tempo))
        elif pattern is Comping.FINGERPICK:
            shape = guitar_voicing(symbol)
            fifth = shape[1]
            for slot in range(eighths):
                if slot % 2 == 0:
                    pitch = shape[0] if (slot // 2) % 2 == 0 else fifth
                    level = 60
                else:
                    pitch = shape[-1 - (slot // 2) % 3]
                    level = 50
                notes.append(_note(pitch, start + slot * EIGHTH, EIGHTH * 3, level))
        elif pattern is Comping.POWER_CHORDS:
            low = 40 + (root - 40) % 12
            for slot in range(eighths):
                level = 78 if slot % beat == 0 else 64
                notes.extend(
                    _note(p, start + slot * EIGHTH, EIGHTH * Fraction(3, 4), level) for p in (low, low + 7, low + 12)
                )
        elif pattern is Comping.PIANO_ARPEGGIO:
            tones = [48 + (root - 48) % 12, *voicing(symbol)]
            order = [0, 2, 3, 1, 3, 2] if len(tones) >= 4 else [0, 1, 2, 1]
            for slot in range(eighths):
                pitch = tones[order[slot % len(order)] % len(tones)]
                notes.append(_note(pitch, start + slot * EIGHTH, time.bar - slot * EIGHTH, 52 - (slot % 2) * 6))
        elif pattern is Comping.PIANO_COMP:
            chord = voicing(symbol)
            hits = [(0, 3, 58)] + ([(3, 1, 50)] if eighths >= 4 else []) + ([(6, 2, 46)] if eighths >= 8 else [])
            for slot, length, level in hits:
                notes.extend(_note(p, start + slot * EIGHTH, length * EIGHTH, level) for p in chord)
        elif pattern is Comping.PAD:
            notes.extend(_note(p, start, time.bar, 46) for p in voicing(symbol))
        else:  # PIANO_BLOCK: the half bar, the change pushed an eighth early now and then
            chord = voicing(symbol)
            half = eighths // 2 if eighths % 2 == 0 else eighths
            for slot in range(0, eighths, half):
                length = half
                if slot + half >= eighths and following != symbol and rng.random() < push:
                    length -= 1
                    notes.extend(_note(p, start + (slot + length) * EIGHTH, EIGHTH, 54) for p in voicing(following))
                level = CHORDS + 6 + (_DOWNBEAT if slot == 0 else 0)
                notes.extend(_note(p, start + slot * EIGHTH, length * EIGHTH, level) for p in chord)
    return tuple(notes)


def pad(melody: Melody) -> tuple[PartNote, ...]:
    """A soft sustained chord a bar, an octave above the comping's, that glues the band together."""
    return tuple(
        _note(p + 12, start, melody.time.bar, 38) for start, symbol, _ in _bars(melody) for p in voicing(symbol)
    )


def bass_line(melody: Melody, style: GenreProfile, rng: random.Random) -> tuple[PartNote, ...]:
    """The bass in the genre's pattern, from the chord roots (and, walking, the way to the next one)."""
    notes: list[PartNote] = []
    time = melody.time
    eighths = int(time.bar / EIGHTH)
    beat = int(time.beat / EIGHTH)
    beats = max(1, eighths // beat)
    previous, held = "", 0
    for start, symbol, following in _bars(melody):
        root = chord_root(symbol)
        if root is None:
            continue
        low = 36 + (root - 36) % 12
        tones = chord_pitch_classes(symbol)
        third = low + (4 if (root + 4) % 12 in tones else 3)
        fifth = low + 7
        seventh = low + (10 if (root + 10) % 12 in tones or (root + 11) % 12 not in tones else 11)
        line = style.bass
        held = held + 1 if symbol == previous else 0
        previous = symbol
        if line is BassLine.ROOT_FIFTH and beats % 2:
            # Boom-chick in three: one bass note a bar, on the downbeat, the root and the fifth below in turn while
            # a chord holds (the chords play the "chick" on 2 and 3); it played the root on 1 and 3.
            notes.append(_note(low if held % 2 == 0 else fifth - 12, start, beat * EIGHTH, 72))
        elif line is BassLine.ROOT_FIFTH:
            for index in range(beats):
                if index % 2 == 0 or beats == 2:
                    pitch = low if (index // max(1, beats // 2)) % 2 == 0 else fifth - 12
                    notes.append(_note(pitch, start + index * beat * EIGHTH, beat * EIGHTH, 70))
        elif line is BassLine.EIGHTHS:
            notes.extend(
                _note(low, start + slot * EIGHTH, EIGHTH * Fraction(3, 4), 78 if slot % beat == 0 else 68)
                for slot in range(eighths)
            )
        elif line is BassLine.WALKING:
            target = chord_root(following)
            walk = [low, third, fifth, seventh - 12 if seventh - 12 > low else seventh]
            for index in range(beats):
                pitch = walk[index % len(walk)]
                if index == beats - 1 and beats > 1 and target is not None:
                    goal = 36 + (target - 36) % 12
                    pitch = goal + rng.choice((-1, 1))  # a chromatic approach to the next root
                notes.append(_note(pitch, start + index * beat * EIGHTH, beat * EIGHTH, 66 + (4 if index == 0 else 0)))
        elif line is BassLine.BOOGIE:
            boogie = [low, third, fifth, low + 9, seventh, low + 9, fifth, third]
            for slot in range(eighths):
                notes.append(
                    _note(boogie[slot % len(boogie)], start + slot * EIGHTH, EIGHTH, 70 if slot % beat == 0 else 62)
                )
        elif line is BassLine.SYNCOPATED:
            figure = [(0, 3, low, 76), (3, 1, low, 62), (4, 2, low + 12, 66), (7, 1, fifth, 60)]
            for slot, length, pitch, level in figure:
                if slot < eighths:
                    notes.append(_note(pitch, start + slot * EIGHTH, min(length, eighths - slot) * EIGHTH, level))
        else:  # ROOT: held on the strong beats
            half = eighths // 2 if eighths % 2 == 0 else eighths
            for slot in range(0, eighths, half):
                notes.append(_note(low, start + slot * EIGHTH, half * EIGHTH, 68 + (_DOWNBEAT if slot == 0 else 0)))
    return tuple(notes)


def guitar_voicing(symbol: str) -> list[int]:
    """Spread a chord over six strings the way an open-position guitar chord lies: root low, tones stacked up."""
    tones = chord_pitch_classes(symbol)
    root = chord_root(symbol)
    if root is None or not tones:
        return []
    pitch = 40 + (root - 40) % 12
    shape = [pitch]
    while len(shape) < 6 and pitch < 76:
        pitch += 1
        if pitch % 12 in tones and pitch - shape[-1] >= 3:
            shape.append(pitch)
    return shape


def _strum(strings: list[int], start: Fraction, duration: Fraction, level: int, tempo: int) -> list[PartNote]:
    """A strum: the strings sound one after another, about 10 ms apart, the first ones a little louder."""
    gap = Fraction(tempo, 6000).limit_denominator(1000)  # 10 ms in quarter notes at this tempo
    return [_note(p, start + i * gap, duration - i * gap, level - i) for i, p in enumerate(strings)]


def _bars(melody: Melody) -> Iterator[tuple[Fraction, str, str]]:
    """Each bar's start, the chord sounding at it, and the chord at the next bar."""
    bar = melody.time.bar
    count = int(melody.length / bar)
    symbols = [chord.symbol if (chord := melody.chord_at(i * bar)) else "" for i in range(count + 1)]
    for index in range(count):
        if symbols[index]:
            yield index * bar, symbols[index], symbols[index + 1] or symbols[index]


def _hits(melody: Melody) -> list[tuple[Fraction, Fraction, str]]:
    """Split each chord span into strong-beat hits: half bars in even metres, whole bars otherwise."""
    time = melody.time
    step = time.bar / 2 if time.compound or time.numerator % 2 == 0 else time.bar
    hits = []
    for chord in melody.chords:
        position = chord.start
        while position < chord.end:
            length = min(step - position % step, chord.end - position)
            hits.append((position, length, chord.symbol))
            position += length
    return hits


_note = PartNote.clamped
