"""The drum part, on General MIDI channel 10: each groove as kick, snare and cymbal hits on the bar's grid.

The beat roles come from the metre: the kick takes the strong beats (weight 2–3), the snare the backbeat (the
weak beats of a simple metre: 2 and 4 in 4/4, 2 and 3 in a waltz; the second dotted quarter of 6/8), the hi-hat
or ride every eighth. A crash marks the song's first bar and each section's, and a snare fill leads into each new
section, so the form is heard. Velocities keep the kit under the voice: kick and snare about 80–95, cymbals 45–65.
"""

from __future__ import annotations

import random
from fractions import Fraction

from bot.songwriting.music.genres import Groove
from bot.songwriting.music.melody import Melody
from bot.songwriting.music.parts import PartNote

KICK, SIDE_STICK, SNARE, CLAP, CLOSED_HAT, PEDAL_HAT, OPEN_HAT, CRASH, RIDE = 36, 37, 38, 39, 42, 44, 46, 49, 51
EIGHTH = Fraction(1, 2)
_HIT = Fraction(1, 4)  # drum notes are short; the sample rings on by itself


def drum_part(
    melody: Melody, groove: Groove, sections: list[Fraction], chorus: Fraction | None, rng: random.Random
) -> tuple[PartNote, ...]:
    """Play the groove over every bar of the melody (a ballad's only from its first chorus)."""
    time = melody.time
    bar = time.bar
    count = int(melody.length / bar)
    eighths = int(bar / EIGHTH)
    beat = int(time.beat / EIGHTH)
    weights = [time.weight(slot * EIGHTH) for slot in range(eighths)]
    # 6/8 has two beats, so its backbeat is the second (weight 2); every other metre's are its weak beats.
    backbeat_weight = 2 if time.compound and eighths == 2 * beat else 1
    backbeats = [s for s in range(eighths) if s % beat == 0 and weights[s] == backbeat_weight]
    kicks = [s for s in range(eighths) if weights[s] >= 2 and s not in backbeats] or [0]
    starts = set(sections)
    notes: list[PartNote] = []
    begin = chorus if groove is Groove.CHORUS_ONLY else Fraction(0)
    if begin is None:
        begin = sections[1] if len(sections) > 1 else Fraction(0)
    for index in range(count):
        start = index * bar
        if start < begin:
            continue
        hits = _bar(groove, eighths, beat, kicks, backbeats, rng)
        if start in starts or start == begin:
            hits.append((0, CRASH, 80))
        if start + bar in starts and start + bar < count * bar:
            hits = [h for h in hits if h[0] < eighths - beat] + _fill(eighths, beat)
        notes.extend(PartNote.clamped(pitch, start + slot * EIGHTH, _HIT, level) for slot, pitch, level in hits)
    return tuple(sorted(notes, key=lambda n: (n.start, n.pitch)))


def _bar(
    groove: Groove, eighths: int, beat: int, kicks: list[int], backbeats: list[int], rng: random.Random
) -> list[tuple[int | Fraction, int, int]]:
    """One bar of a groove as (eighth slot, drum, velocity); a slot may be fractional for sixteenths."""
    beats = [s for s in range(eighths) if s % beat == 0]
    offbeats = [s for s in range(eighths) if s % beat]
    hits: list[tuple[int | Fraction, int, int]] = []
    if groove is Groove.SWING_RIDE:
        hits += [(s, RIDE, 62) for s in beats]
        hits += [(s + 1, RIDE, 48) for s in backbeats if s + 1 < eighths]  # spang-a-lang: the swung "and"
        hits += [(s, PEDAL_HAT, 50) for s in backbeats]
        hits += [(s, KICK, 34) for s in beats]  # feathered, felt more than heard
        return hits
    if groove is Groove.FOUR_ON_THE_FLOOR:
        hits += [(s, KICK, 92) for s in beats]
        hits += [(s, CLAP, 80) for s in backbeats]
        hits += [(s, OPEN_HAT, 52) for s in offbeats]
        hits += [(s, CLOSED_HAT, 40) for s in beats]
        return hits
    hat = RIDE if groove is Groove.DRIVING else CLOSED_HAT
    hits += [(s, hat, 60 if s % beat == 0 else 46) for s in range(eighths)]
    snare = SIDE_STICK if groove is Groove.CHORUS_ONLY else SNARE
    hits += [(s, snare, 88 if groove is not Groove.CHORUS_ONLY else 70) for s in backbeats]
    if groove is Groove.DRIVING:
        hits += [(s, KICK, 92) for s in beats]
    elif groove is Groove.TRAIN:
        hits += [(s, KICK, 86) for s in kicks]
        hits += [(s, SNARE, 40) for s in offbeats]  # the train's ghosted snare between the backbeats
    elif groove is Groove.BOOM_BAP:
        hits += [(0, KICK, 96)]
        hits += [(s + beat + 1, KICK, 80) for s in kicks if s + beat + 1 < eighths and s + beat + 1 not in backbeats]
        if rng.random() < 0.5 and eighths >= 8:
            hits += [(eighths - 3, KICK, 74)]
    elif groove is Groove.SOUL:
        hits += [(s, KICK, 88) for s in kicks]
        hits += [(3, KICK, 70)] if eighths >= 8 else []
        hits += [(Fraction(s) + Fraction(1, 2), CLOSED_HAT, 34) for s in range(eighths)]  # sixteenth ghost hats
    else:  # BACKBEAT, SHUFFLE, CHORUS_ONLY
        hits += [(s, KICK, 90) for s in kicks]
        if groove is Groove.BACKBEAT and eighths >= 8 and rng.random() < 0.5:
            hits += [(kicks[-1] + 1, KICK, 72)]  # the "and" of three
    return hits


def _fill(eighths: int, beat: int) -> list[tuple[int | Fraction, int, int]]:
    """A snare fill over the bar's last beat: sixteenths rising in volume into the next section."""
    first = eighths - beat
    steps = beat * 2
    return [(Fraction(first) + Fraction(i, 2), SNARE, 60 + 6 * i) for i in range(steps)]
