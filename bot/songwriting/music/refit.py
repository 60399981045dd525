"""Fit new words to a line of an existing tune: the line's bars, chords and contour stay, the notes follow the words.

Where a melody already exists, a changed line should sound like the line it replaces, not like a new song. So
the words are placed by the composer's own rhythm programme (``rhythm.place``: keywords on strong beats, a long
last note) inside the old line's window, and each new note takes the pitch the old line had at the same moment
of the bar, moved to the nearest chord tone on a strong beat and kept singable (a small Viterbi over pitches).
When the new words have as many syllables as the old and their keywords fall on the old notes' strong beats,
the old rhythm and pitches are kept outright and only the syllables change.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from bot.songwriting.music.harmony import Key, chord_pitch_classes
from bot.songwriting.music.melody import ChordSpan, Meter, Note
from bot.songwriting.music.rhythm import FINAL_TAIL, GRID, MAX_NOTE, Unit, place
from bot.songwriting.words.prosody import line_syllables

_DENSITY = 0.8  # the share of a window's eighth slots a re-set line may fill before it needs more bars
_ATTEMPTS = 6  # tie-breaks of the rhythm programme tried for a line whose keywords miss the strong beats
_MANY_BARS = 64  # past this a line's keywords may miss strong beats: it only has to fit
_MAX_PHRASE = 16  # syllables the composer sets as one phrase; a longer line is set phrase by phrase
_SPAN = 3  # semitones a re-set line may reach beyond the old line's range


@dataclass(frozen=True, slots=True)
class LineMusic:
    """One line of a tune: its window of whole bars, its notes and chords relative to the window's start.

    A note may start before the window (a pickup, negative ``start``); ``pickup`` is how many eighths it borrows.
    """

    bars: int
    notes: tuple[Note, ...]
    chords: tuple[ChordSpan, ...]
    pickup: int

    def length(self, time: Meter) -> Fraction:
        return self.bars * time.bar


def units_for(text: str) -> tuple[Unit, ...]:
    """The notes a line of words needs: one per sung syllable, in the composer's syllable convention."""
    return tuple(Unit(s.text if s.word_end else s.text + "-", s.stress, s.keyword) for s in line_syllables(text))


def refit(
    model: LineMusic,
    text: str,
    time: Meter,
    key: Key,
    *,
    seed: str,
    fallback_pitch: int = 64,
) -> LineMusic:
    """Set ``text`` to the tune of ``model``: same harmony and contour, one note per syllable of the new words.

    The window grows by whole bars only when the words cannot fit in it; its last chord (the cadence) stays last.
    """
    units = units_for(text)
    if not units:
        return replace(model, notes=())
    if _keeps_rhythm(model, units, time):
        sung = [n for n in model.notes if n.pitch is not None]
        return replace(model, notes=tuple(replace(n, syllable=u.text) for n, u in zip(sung, units, strict=True)))
    tag = f"{seed}:{text}:{model.bars}:{model.pickup}"
    if len(units) > _MAX_PHRASE:
        bars, slots = _long_rhythm(model, units, time, tag)
    else:
        bars = _bars_needed(model, units, time)
        missed, slots = _rhythm(units, time, bars, model.pickup, tag)
        if bars == model.bars and (cadenced := _cadenced(model, units, time, tag)) and cadenced[0] <= missed:
            missed, slots = cadenced
        if missed > 1:  # more than one keyword off the beat: twice the bars, if that lands every one of them
            roomier = _rhythm(units, time, 2 * bars, model.pickup, tag)
            if not roomier[0]:
                bars, slots = 2 * bars, roomier[1]
    chords = model.chords if bars == model.bars else _extend_chords(model, bars, time)
    stretch = Fraction(model.bars, bars)
    pitches = _pitches(
        model,
        [(slot * GRID, units[i]) for i, (slot, _) in enumerate(slots)],
        chords,
        time,
        key,
        stretch,
        fallback_pitch,
    )
    notes = tuple(
        Note(pitch, slot * GRID, length * GRID, unit.text, 0, 0)
        for (slot, length), unit, pitch in zip(slots, units, pitches, strict=True)
    )
    return LineMusic(bars, notes, chords, model.pickup)


def _long_rhythm(model: LineMusic, units: Sequence[Unit], time: Meter, tag: str) -> tuple[int, list[tuple[int, int]]]:
    """A line too long for one phrase, placed as the composer places one: phrases of at most ``_MAX_PHRASE``
    syllables split at word ends, each in the bars it needs, one after the other (the last fills the old window)."""
    per_bar = int(time.bar / GRID)
    phrases: list[list[Unit]] = [[]]
    for unit in units:
        phrases[-1].append(unit)
        at_word_end = unit.text is None or not unit.text.endswith("-")
        if (len(phrases[-1]) >= _MAX_PHRASE // 2 and at_word_end) or len(phrases[-1]) >= _MAX_PHRASE:
            phrases.append([])
    phrases = [p for p in phrases if p]
    slots: list[tuple[int, int]] = []
    used = 0
    for index, phrase in enumerate(phrases):
        pickup = model.pickup if index == 0 else 0
        bars = _bars_needed(LineMusic(1, (), (), pickup), phrase, time)
        if index == len(phrases) - 1:
            bars = max(bars, model.bars - used)
        _, placed = _rhythm(phrase, time, bars, pickup, f"{tag}:{index}", attempts=1)
        slots.extend((used * per_bar + slot, length) for slot, length in placed)
        used += bars
    return used, slots


def _cadenced(
    model: LineMusic, units: Sequence[Unit], time: Meter, tag: str
) -> tuple[int, list[tuple[int, int]]] | None:
    """The words placed so that their last syllable lands where the old line's did (its cadence, on its chord),
    held to the end of the window as the old one was; None when they do not fit before it."""
    sung = [n for n in model.notes if n.pitch is not None]
    if not sung:
        return None
    final = int(max(n.start for n in sung) / GRID)
    window, limit = model.bars * int(time.bar / GRID), final + FINAL_TAIL
    if limit >= window or len(units) > limit - FINAL_TAIL + model.pickup + 1:
        return None
    missed, slots = _rhythm(units, time, model.bars, model.pickup, tag, window=limit)
    if len(slots) > 1 and final - slots[-2][0] > MAX_NOTE:
        return None  # the last word would wait too long for its beat
    # the last syllable moves on to the old cadence; the syllable before it holds until then
    held = [(slot, length) for slot, length in slots[:-2]]
    if len(slots) > 1:
        held.append((slots[-2][0], final - slots[-2][0]))
    return missed, [*held, (final, window - final)]


def _rhythm(
    units: Sequence[Unit],
    time: Meter,
    bars: int,
    pickup: int,
    seed: str,
    *,
    attempts: int = _ATTEMPTS,
    window: int | None = None,
) -> tuple[int, list[tuple[int, int]]]:
    """Place the words with the composer's rhythm programme, trying a few of its tie-breaks for the one that puts
    the most keywords on strong beats; return the keywords it misses and the (slot, length) of each syllable.

    No syncopated push: a re-set line sits square, so its new keywords land where they are heard."""
    window = window or bars * int(time.bar / GRID)
    best: tuple[int, list[tuple[int, int]]] | None = None
    for attempt in range(attempts):
        slots = place(units, time, window, pickup, random.Random(f"{seed}:{attempt}"), syncopation=0.0)
        missed = sum(
            1 for unit, (slot, _) in zip(units, slots, strict=True) if unit.keyword and not time.strong(slot * GRID)
        )
        if best is None or missed < best[0]:
            best = (missed, slots)
        if not missed:
            break
    assert best is not None
    return best


def _keeps_rhythm(model: LineMusic, units: Sequence[Unit], time: Meter) -> bool:
    """Whether the new words sit on the old notes as they are: same count, keywords on strong beats, and no weak
    syllable on a downbeat the old line gave to a stressed one."""
    sung = [n for n in model.notes if n.pitch is not None]
    if len(sung) != len(units) or any(n.syllable is None for n in sung):
        return False
    for note, unit in zip(sung, units, strict=True):
        weight = time.weight(note.start)
        if unit.keyword and weight < 2:
            return False
        if not unit.stress and weight == 3:
            return False
    return True


def _bars_needed(model: LineMusic, units: Sequence[Unit], time: Meter) -> int:
    """The old window if the words fit it (syllables, and a strong beat for each keyword), else the fewest
    doublings of it that hold them."""
    per_bar = int(time.bar / GRID)
    keywords = sum(unit.keyword for unit in units)
    bars = max(1, model.bars)
    while True:
        window = bars * per_bar
        capacity = window - 4 + model.pickup + 1  # rhythm.place needs its last syllable four eighths before the end
        strong = sum(1 for slot in range(window - 3) if time.strong(slot * GRID))
        fits = len(units) <= min(capacity, math.floor(window * _DENSITY)) and keywords <= strong
        if fits or (bars >= _MANY_BARS and len(units) <= capacity):
            return bars
        bars *= 2


def _extend_chords(model: LineMusic, bars: int, time: Meter) -> tuple[ChordSpan, ...]:
    """Lay the line's chords over more bars: its bars before the cadence cycled, then the cadence bar last."""
    bar = time.bar
    symbols = [_chord_at(model.chords, b * bar) for b in range(max(1, model.bars))]
    body = symbols[:-1] or symbols
    laid = [body[b % len(body)] for b in range(bars - 1)] + [symbols[-1]]
    spans: list[ChordSpan] = []
    for index, symbol in enumerate(laid):
        if symbol is None:
            continue
        if spans and spans[-1].symbol == symbol and spans[-1].end == index * bar:
            spans[-1] = replace(spans[-1], duration=spans[-1].duration + bar)
        else:
            spans.append(ChordSpan(symbol, index * bar, bar))
    return tuple(spans)


def _chord_at(chords: Sequence[ChordSpan], position: Fraction) -> str | None:
    for chord in chords:
        if chord.start <= position < chord.end:
            return chord.symbol
    return None


def _pitches(
    model: LineMusic,
    onsets: Sequence[tuple[Fraction, Unit]],
    chords: Sequence[ChordSpan],
    time: Meter,
    key: Key,
    stretch: Fraction,
    fallback: int,
) -> list[int]:
    """Follow the old line's contour at each new onset, on chord tones where the beat is strong."""
    old = sorted((n for n in model.notes if n.pitch is not None), key=lambda n: n.start)
    old_pitches = [n.pitch for n in old if n.pitch is not None]
    low = (min(old_pitches) if old_pitches else fallback - 5) - _SPAN
    high = (max(old_pitches) if old_pitches else fallback + 5) + _SPAN
    scale = set(key.scale)
    starts = [n.start for n in old]

    def target(position: Fraction) -> float:
        if not old_pitches:
            return float(fallback)
        index = bisect.bisect_right(starts, position * stretch) - 1
        return float(old_pitches[max(0, index)])

    options: list[dict[int, float]] = []
    for index, (position, unit) in enumerate(onsets):
        symbol = _chord_at(chords, max(Fraction(0), position))
        tones = chord_pitch_classes(symbol) if symbol else frozenset()
        weight = time.weight(position)
        wanted = target(position)
        unary: dict[int, float] = {}
        for pitch in range(low, high + 1):
            if pitch % 12 not in scale and pitch % 12 not in tones:
                continue
            cost = abs(pitch - wanted)
            if tones and pitch % 12 not in tones:
                cost += 3.0 if weight >= 2 else 1.0 if unit.stress and weight else 0.2
            if (
                index == len(onsets) - 1
                and old_pitches
                and pitch == old_pitches[-1]
                and pitch % 12 in (tones or {pitch % 12})
            ):
                cost -= 2.0  # the line still ends where it did, when that is a tone of the chord it ends on
            unary[pitch] = cost
        options.append(unary or {round(wanted): 0.0})
    return _cheapest_path(options)


def _cheapest_path(options: Sequence[dict[int, float]]) -> list[int]:
    """Pick one pitch per note, trading each note's own cost against the leap from the note before."""
    best: dict[int, tuple[float, list[int]]] = {p: (c, [p]) for p, c in options[0].items()}
    for unary in options[1:]:
        step: dict[int, tuple[float, list[int]]] = {}
        for pitch, cost in unary.items():
            total, path = min(((t + _leap(prev, pitch), path) for prev, (t, path) in best.items()), key=lambda x: x[0])
            step[pitch] = (total + cost, path)
        best = {p: (t, [*path, p]) for p, (t, path) in step.items()}
    return min(best.values(), key=lambda x: x[0])[1]


def _leap(a: int, b: int) -> float:
    size = abs(a - b)
    return 0.4 if size == 0 else 0.0 if size <= 2 else 0.5 if size <= 4 else 1.5 if size <= 7 else 4.0
