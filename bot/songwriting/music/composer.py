"""Compose a melody for lyrics (or an instrumental) with a template pipeline.

The approach measured to work without training data (TeleMelody, ROC, ReLyMe; see the music-stack notes):
1. each line's syllables are placed on an eighth-note grid by a small dynamic programme that puts keyword
   stresses on strong beats, function words off them, allows the odd syncopated push, and ends the line on a
   long note on a strong beat;
2. a chord progression is laid one chord per bar, with a half cadence mid-section and V–I at its end;
3. pitches are chosen by a Viterbi search over scale degrees: chord tones on strong beats, mostly steps,
   leaps resolved by a step the other way, an arch contour per line, cadence notes at line ends.
A repeated section (the chorus) is written once and repeated note for note, so the hook comes back identically.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from bot.songwriting.music.harmony import (
    MODES,
    Key,
    chord_pitch_classes,
    mood_settings,
    parse_key,
    progression,
    section_kind,
)
from bot.songwriting.music.melody import ChordSpan, Melody, Meter, Note
from bot.songwriting.words.lyrics import Lyrics
from bot.songwriting.words.prosody import line_syllables

TEMPO_RANGE = (40, 240)
MAX_BARS = 64
_GRID = Fraction(1, 2)  # the placement grid: eighth notes
_PICKUP = 2  # eighths a line may borrow from the end of the previous line
_FINAL_TAIL = 4  # a line's last syllable starts at least this many eighths before its window ends
_MAX_NOTE = 8  # longest mid-line note, in eighths
_MAX_PHRASE = 16  # syllables per phrase; longer lines are split at word boundaries
_WINDOW = 9  # scale degrees a melody may span (a ninth: 13–14 semitones)


@dataclass(frozen=True, slots=True)
class _Unit:
    """One note to place: a sung syllable, or an instrumental note with an invented stress."""

    text: str | None
    stress: int
    keyword: bool


@dataclass(frozen=True, slots=True)
class _Phrase:
    section: int
    line: int
    units: tuple[_Unit, ...]
    bars: int = 0  # fixed length in bars (instrumentals); 0 lets the syllables decide


@dataclass(frozen=True, slots=True)
class _Section:
    index: int
    kind: str
    phrases: tuple[_Phrase, ...]
    repeat_key: tuple[object, ...]


@dataclass(frozen=True, slots=True)
class _Placed:
    """A unit placed in time: ``slot`` in eighths from the section start (negative for a pickup)."""

    phrase: int
    unit: int
    slot: int
    length: int
    final: bool


def compose(
    lyrics: Lyrics | None,
    *,
    key: str | None = None,
    mode: str | None = None,
    tempo: int | None = None,
    meter: str | None = None,
    mood: str | None = None,
    seed: int = 0,
    bars: int = 8,
) -> Melody:
    """Write a melody for the lyrics (one note per sung syllable), or an instrumental of ``bars`` bars.

    Raise ValueError with a readable reason for a bad key, mode, metre, tempo or bar count, or lyrics with
    nothing to sing.
    """
    time = check_settings(key=key, mode=mode, tempo=tempo, meter=meter)
    rng = random.Random(seed)
    the_key, mood_tempo = mood_settings(mood, rng)
    if key:
        the_key = parse_key(key, mode)
    elif mode:
        the_key = parse_key(the_key.tonic if mode == the_key.mode else _tonic_for(mode, rng), mode)
    if tempo is None:
        # A mood's tempo is the felt pulse: in 6/8 that is the dotted quarter, and a waltz feels its bars.
        factor = Fraction(3, 2) if time.compound else Fraction(4, 3) if time.numerator == 3 else Fraction(1)
        tempo = min(TEMPO_RANGE[1], int(mood_tempo * factor))
    if lyrics is None:
        if not 1 <= bars <= MAX_BARS:
            raise ValueError(f"an instrumental needs between 1 and {MAX_BARS} bars")
        sections = _instrumental_sections(bars, time, rng)
    else:
        sections = _lyric_sections(lyrics)
        if not sections:
            raise ValueError("the lyrics have no words to sing")
    writer = _Writer(the_key, time, seed)
    for index, section in enumerate(sections):
        writer.add(section, sections[index + 1] if index + 1 < len(sections) else None)
    return writer.melody(tempo)


def check_settings(
    *, key: str | None = None, mode: str | None = None, tempo: int | None = None, meter: str | None = None
) -> Meter:
    """Check a member's musical settings before any work is done; return the metre, raise ValueError if bad."""
    time = Meter.parse(meter or "4/4")
    if not (1 <= time.bar <= 8 and (time.bar / _GRID).denominator == 1):
        raise ValueError(f"meter {time} is not supported; try 4/4, 3/4 or 6/8")
    if tempo is not None and not TEMPO_RANGE[0] <= tempo <= TEMPO_RANGE[1]:
        raise ValueError(f"tempo must be between {TEMPO_RANGE[0]} and {TEMPO_RANGE[1]} bpm")
    if key or mode:
        parse_key(key or "C", mode)
    return time


def _tonic_for(mode: str, rng: random.Random) -> str:
    tonics = {"major": "CDFGA", "minor": "AEDBG"}.get(mode, "DEGAC")
    return tonics[rng.randrange(len(tonics))]


def _lyric_sections(lyrics: Lyrics) -> list[_Section]:
    sections = []
    for index, section in enumerate(lyrics.sections):
        phrases: list[_Phrase] = []
        for line_index, line in enumerate(section.lines):
            units = [_Unit(s.text if s.word_end else s.text + "-", s.stress, s.keyword) for s in line_syllables(line)]
            phrases.extend(_Phrase(index, line_index, chunk) for chunk in _split(units))
        if not phrases:
            continue
        kind = section_kind(section.label)
        shape = tuple(tuple((u.stress, u.keyword) for u in p.units) for p in phrases)
        repeat_key: tuple[object, ...] = (
            (kind, section.label.strip().lower(), shape) if kind == "chorus" else ("text", section.lines)
        )
        sections.append(_Section(index, kind, tuple(phrases), repeat_key))
    return sections


def _split(units: list[_Unit]) -> list[tuple[_Unit, ...]]:
    """Split an over-long line into phrases of at most ``_MAX_PHRASE`` syllables, at word ends."""
    if not units:
        return []
    count = math.ceil(len(units) / _MAX_PHRASE)
    target = math.ceil(len(units) / count)
    chunks: list[tuple[_Unit, ...]] = []
    current: list[_Unit] = []
    for unit in units:
        current.append(unit)
        at_word_end = unit.text is None or not unit.text.endswith("-")
        if (len(current) >= target and at_word_end) or len(current) >= _MAX_PHRASE:
            chunks.append(tuple(current))
            current = []
    if current:
        chunks.append(tuple(current))
    return chunks


def _instrumental_sections(bars: int, time: Meter, rng: random.Random) -> list[_Section]:
    """Invent phrases of two bars with a stress pattern; eight-bar sections alternate A and B, A repeating."""
    per_bar = int(time.bar / _GRID)
    phrase_bars = [2] * (bars // 2) + [1] * (bars % 2)
    sections: list[_Section] = []
    designs: dict[tuple[str, tuple[int, ...]], tuple[tuple[_Unit, ...], ...]] = {}
    for start in range(0, len(phrase_bars), 4):
        chunk = tuple(phrase_bars[start : start + 4])
        name = "AB"[len(sections) % 2]
        if (name, chunk) not in designs:
            designs[(name, chunk)] = tuple(_instrumental_units(per_bar * n, rng) for n in chunk)
        design = designs[(name, chunk)]
        phrases = tuple(
            _Phrase(len(sections), i, units, n) for i, (units, n) in enumerate(zip(design, chunk, strict=True))
        )
        sections.append(_Section(len(sections), "verse", phrases, ("instrumental", name, chunk)))
    return sections


def _instrumental_units(slots: int, rng: random.Random) -> tuple[_Unit, ...]:
    count = max(3, min(slots - 3, round(slots * rng.uniform(0.35, 0.55))))
    return tuple(_Unit(None, 1 if i % 2 == 0 else 0, i % 2 == 0 and rng.random() < 0.8) for i in range(count))


class _Writer:
    """Accumulates sections into notes and per-bar chords on a global eighth-note grid."""

    def __init__(self, key: Key, time: Meter, seed: int) -> None:
        self.key = key
        self.time = time
        self.seed = seed
        self.per_bar = int(time.bar / _GRID)
        self.bar_chords: list[str] = []
        self.notes: list[Note] = []
        self.last: tuple[int, int] | None = None  # (degree, motion) of the last note written
        self.cache: dict[tuple[object, ...], tuple[list[str], list[tuple[_Placed, int]]]] = {}
        self.scale = MODES[key.mode]
        self.tonic_midi, self.low = _register(key)

    def pitch(self, degree: int) -> int:
        return self.tonic_midi + 12 * (degree // 7) + self.scale[degree % 7]

    def add(self, section: _Section, following: _Section | None) -> None:
        """Write a section (or repeat it note for note when it was written before)."""
        cached = self.cache.get(section.repeat_key)
        if cached is None:
            # When the next section is a repeat, its first note is known: end this one within reach of it.
            repeat = self.cache.get(following.repeat_key) if following is not None else None
            chords, placed = self._write(section, repeat[1][0][1] if repeat else None)
            self.cache[section.repeat_key] = (chords, placed)
        else:
            chords, placed = cached
        start = len(self.bar_chords) * self.per_bar
        self.bar_chords.extend(chords)
        for item, degree in placed:
            unit = section.phrases[item.phrase].units[item.unit]
            phrase = section.phrases[item.phrase]
            self.notes.append(
                Note(
                    pitch=self.pitch(degree),
                    start=(start + item.slot) * _GRID,
                    duration=item.length * _GRID,
                    syllable=unit.text,
                    section=phrase.section,
                    line=phrase.line,
                )
            )
        if placed:
            previous = placed[-2][1] if len(placed) > 1 else placed[-1][1]
            self.last = (placed[-1][1], _motion(previous, placed[-1][1], self.pitch))

    def _write(self, section: _Section, next_degree: int | None) -> tuple[list[str], list[tuple[_Placed, int]]]:
        rng = random.Random(f"{self.seed}:{section.kind}:{section.index}")
        # Lines of a section share one length (the longest any of them needs), so the phrasing stays square.
        uniform = max(_bars_for(p.units, self.time) for p in section.phrases)
        bars = [p.bars or uniform for p in section.phrases]
        starts = [sum(bars[:i]) * self.per_bar for i in range(len(bars))]
        chords = self._chords(section, bars, rng)
        placed: list[_Placed] = []
        # A line's last note keeps more than a beat after the next line's pickup; a section's, two beats.
        keep = max(3, int(self.time.beat / _GRID))
        for index, phrase in enumerate(section.phrases):
            window = bars[index] * self.per_bar
            if index > 0:
                pickup = min(_PICKUP, max(0, starts[index] - placed[-1].slot - keep))
            elif not self.bar_chords:
                # The song may pick up into an intro bar; an instrumental starts on its first bar instead, so
                # it is exactly the bars asked for.
                pickup = _PICKUP if phrase.units[0].text is not None else 0
            elif section.kind == "chorus" or not self.notes:
                pickup = 0  # a chorus is repeated note for note, so it must fit after any section
            else:
                pickup = min(_PICKUP, max(0, int(self.notes[-1].duration / _GRID) - 2 * keep + 2))
            slots = _place(phrase.units, self.time, window, pickup, self._jitter(section, index))
            for unit, (slot, length) in enumerate(slots):
                placed.append(_Placed(index, unit, starts[index] + slot, length, unit == len(slots) - 1))
        if placed[0].slot < 0 and not self.bar_chords:
            # The song opens with a pickup: give it an intro bar on the tonic to sit in.
            self.bar_chords.append(self.key.chord(0))
        degrees = self._pitches(section, placed, chords, rng, next_degree)
        return chords, list(zip(placed, degrees, strict=True))

    def _jitter(self, section: _Section, phrase: int) -> random.Random:
        # Lines one and three (two and four) share their rhythm when their stresses match: parallel phrasing.
        return random.Random(f"{self.seed}:{section.kind}:{phrase % 2}:rhythm")

    def _chords(self, section: _Section, bars: list[int], rng: random.Random) -> list[str]:
        """Lay the section's loop one chord per bar, with cadence chords at the ends of lines."""
        loop = progression(self.key, section.kind, rng)
        count = len(section.phrases)
        chords: list[str] = []
        for index, length in enumerate(bars):
            line = [self.key.chord(loop[(len(chords) + bar) % len(loop)]) for bar in range(length)]
            cadence = _cadence(index, count)
            if cadence == "authentic":
                line[-1] = self.key.chord(0)
                if length >= 2:
                    line[-2] = self.key.dominant()
                if length >= 4:
                    line[-3] = self.key.predominant()
            elif cadence == "half":
                line[-1] = self.key.dominant()
            chords.extend(line)
        return chords

    def _pitches(
        self, section: _Section, placed: list[_Placed], chords: list[str], rng: random.Random, next_degree: int | None
    ) -> list[int]:
        """Score every candidate scale degree of every note, then pick the cheapest path through them."""
        degrees = range(self.low, self.low + _WINDOW)
        base = self.low + {"verse": 2.5, "chorus": 4.5, "bridge": 3.5}[section.kind]
        shapes = [_shape(rng) for _ in range(2)]
        scale_pcs = set(self.key.scale)
        counts = [len(p.units) for p in section.phrases]
        options: list[dict[int, tuple[float, bool]]] = []
        repeats: list[float] = []
        for item in placed:
            bar = item.slot // self.per_bar
            symbol = chords[bar] if bar >= 0 else (self.bar_chords[-1] if self.bar_chords else chords[0])
            chord = chord_pitch_classes(symbol)
            # A chromatic chord tone (the leading tone of V in minor) rules out its diatonic neighbours.
            clashes = {(t + step) % 12 for t in chord - scale_pcs for step in (-1, 1)} - chord
            weight = self.time.weight(item.slot * _GRID)
            unit = section.phrases[item.phrase].units[item.unit]
            target = base + shapes[item.phrase % 2](item.unit / max(1, counts[item.phrase] - 1))
            cadence = _cadence(item.phrase, len(section.phrases)) if item.final else None
            unary: dict[int, tuple[float, bool]] = {}
            for d in degrees:
                pc = self.pitch(d) % 12
                if pc in clashes:
                    continue
                tone = pc in chord
                cost = 0.0 if tone else (3.0 if weight >= 2 else (1.0 if unit.stress else 0.5) if weight else 0.15)
                cost += 0.5 * abs(d - target) + rng.random() * 0.7
                if cadence is not None:
                    cost += _cadence_cost(cadence, d % 7, tone)
                if item is placed[-1] and next_degree is not None:
                    cost += 4.0 if abs(self.pitch(d) - self.pitch(next_degree)) > 5 else 0.0
                elif not self.notes and not options:
                    cost += 0.0 if d % 7 in (0, 2, 4) else 1.0
                unary[d] = (cost, tone)
            options.append(unary)
            repeats.append(0.45 if unit.stress == 0 else 1.0)
        start = self.last if self.last is not None and self.last[0] in degrees else None
        return _viterbi(options, repeats, self.pitch, start)

    def melody(self, tempo: int) -> Melody:
        notes = sorted(self.notes, key=lambda n: n.start)
        for i in range(len(notes) - 1):
            if notes[i].end > notes[i + 1].start:
                notes[i] = replace(notes[i], duration=notes[i + 1].start - notes[i].start)
        chords: list[ChordSpan] = []
        for bar, symbol in enumerate(self.bar_chords):
            start = bar * self.time.bar
            if chords and chords[-1].symbol == symbol:
                chords[-1] = replace(chords[-1], duration=chords[-1].duration + self.time.bar)
            else:
                chords.append(ChordSpan(symbol, start, self.time.bar))
        return Melody(
            notes=tuple(notes),
            chords=tuple(chords),
            tonic=self.key.tonic,
            mode=self.key.mode,
            tempo=tempo,
            meter=str(self.time),
            seed=self.seed,
        )


_INTERVAL_COST = (0.0, 0.0, 0.3, 1.2, 2.0, 3.2, 7.0)  # by size in scale degrees; index 0 is overridden


def _motion(previous: int, degree: int, pitch: Callable[[int], int]) -> int:
    """Classify a move between degrees: 0 repeat, ±1 step, ±2 skip, ±3 leap of more than five semitones."""
    step = degree - previous
    kind = 0 if step == 0 else 3 if abs(pitch(degree) - pitch(previous)) > 5 else min(abs(step), 2)
    return kind if step >= 0 else -kind


def _viterbi(
    options: list[dict[int, tuple[float, bool]]],
    repeats: list[float],
    pitch: Callable[[int], int],
    start: tuple[int, int] | None,
) -> list[int]:
    """Choose one degree per note minimising unary plus motion costs.

    The state is (degree, last motion): 0 for a repeat or the start, ±1 a step, ±2 a skip, ±3 a leap of more
    than five semitones, which the next note must resolve by a step the other way.
    """
    pitch_of = {d: pitch(d) for unary in options for d in unary}
    states: dict[tuple[int, int], float] = {}
    if start is not None:
        states[start] = 0.0
        pitch_of.setdefault(start[0], pitch(start[0]))
    history: list[dict[tuple[int, int], tuple[int, int] | None]] = []
    last = len(options) - 1
    for index, (unary, repeat) in enumerate(zip(options, repeats, strict=True)):
        new_states: dict[tuple[int, int], float] = {}
        back: dict[tuple[int, int], tuple[int, int] | None] = {}
        for d, (cost, tone) in unary.items():
            if not states:
                new_states[(d, 0)] = cost
                back[(d, 0)] = None
                continue
            for (p, motion), previous in states.items():
                step = d - p
                size = abs(step)
                total = previous + cost + (repeat if size == 0 else _INTERVAL_COST[min(size, 6)])
                reverses = size > 0 and motion and (step > 0) != (motion > 0)
                if abs(motion) == 3 and not (size == 1 and reverses):
                    total += 2.5
                elif abs(motion) == 1 and size == 1 and reverses:
                    total += 0.5
                if not tone and size > 1:
                    total += 1.2
                kind = 0 if size == 0 else 3 if abs(pitch_of[d] - pitch_of[p]) > 5 else min(size, 2)
                if kind == 3 and index == last:
                    total += 4.0  # nothing in this section could resolve it, and the next may be a fixed repeat
                reached = (d, kind if step >= 0 else -kind)
                if total < new_states.get(reached, math.inf):
                    new_states[reached] = total
                    back[reached] = (p, motion)
        states = new_states
        history.append(back)
    state: tuple[int, int] | None = min(states, key=states.__getitem__)
    path: list[int] = []
    for back in reversed(history):
        assert state is not None
        path.append(state[0])
        state = back[state]
    path.reverse()
    return path


def _register(key: Key) -> tuple[int, int]:
    """Place the tonic and the degree window so the melody sits around F#4, a comfortable middle."""
    tonic_midi = 60 + key.tonic_pc
    if tonic_midi > 66:
        tonic_midi -= 12
    scale = MODES[key.mode]

    def centre(low: int) -> int:
        middle = low + _WINDOW // 2
        return tonic_midi + 12 * (middle // 7) + scale[middle % 7]

    low = min(range(-6, 4), key=lambda lo: (abs(centre(lo) - 66), lo))
    return tonic_midi, low


def _cadence(phrase: int, count: int) -> str:
    if phrase == count - 1:
        return "authentic"
    if count >= 2 and phrase == count // 2 - 1:
        return "half"
    return "open"


def _cadence_cost(cadence: str, degree: int, chord_tone: bool) -> float:
    if not chord_tone:
        return 8.0
    if cadence == "authentic":
        return 0.0 if degree == 0 else 8.0
    if cadence == "half":
        return {4: 0.0, 1: 0.3}.get(degree, 1.0)
    return 0.0 if degree in (0, 2, 4) else 0.4


def _shape(rng: random.Random) -> _Contour:
    amplitude = rng.uniform(2.5, 4.0)
    return _Contour(rng.choice(("arch", "arch", "arch", "rise", "fall")), amplitude)


@dataclass(frozen=True, slots=True)
class _Contour:
    """A line's target height over its course (0 = first note, 1 = last), in scale degrees."""

    kind: str
    amplitude: float

    def __call__(self, x: float) -> float:
        if self.kind == "rise":
            return self.amplitude * min(1.0, 1.4 * x) - 1.0 - (1.5 if x >= 1 else 0.0)
        if self.kind == "fall":
            return self.amplitude * (1.0 - x) - 0.5
        return self.amplitude * math.sin(math.pi * min(1.0, x**0.8))


def _bars_for(units: Sequence[_Unit], time: Meter) -> int:
    """Pick the bars a line needs: room for its syllables and a strong beat for each keyword."""
    per_bar = int(time.bar / _GRID)
    keywords = sum(u.keyword for u in units)
    for bars in (2, 4, 8):
        window = bars * per_bar
        strong = sum(1 for s in range(window - _FINAL_TAIL + 1) if time.strong(s * _GRID))
        if len(units) <= window * 0.7 and keywords <= strong + 1:
            return bars
    return 8


def _place(units: Sequence[_Unit], time: Meter, window: int, pickup: int, rng: random.Random) -> list[tuple[int, int]]:
    """Place syllables on the eighth grid by dynamic programming; return (slot, length) per unit."""
    n = len(units)
    first = -pickup
    last = window - _FINAL_TAIL
    # Now and then one keyword (never the last syllable) may anticipate its strong beat: a syncopated push.
    candidates = [i for i, unit in enumerate(units[:-1]) if unit.keyword]
    pushed = rng.choice(candidates) if candidates and rng.random() < 0.25 else None
    jitter = {s: rng.random() * 0.5 for s in range(first, window)}
    weight = {s: time.weight(s * _GRID) for s in range(first, window + 1)}

    def cost(index: int, slot: int, length: int) -> float:
        unit = units[index]
        w = weight[slot]
        syncopated = w == 0 and length >= 2 and weight.get(slot + 1, 0) >= 1
        if unit.keyword:
            value = 0.0 if w >= 2 else 2.2 if w == 1 else 4.0
            if syncopated and weight.get(slot + 1, 0) >= 2:
                value = -0.2 if index == pushed else 2.0
        elif unit.stress:
            value = 0.3 if w >= 2 else 0.0 if w == 1 else 0.8
        else:
            value = 2.0 if w >= 2 else 0.4 if w == 1 else 0.0
        if syncopated and index != pushed:
            value += 1.0
        if length == 1:
            value += 0.2 if unit.stress else 0.0
        elif length == 3:
            value += 0.4
        elif length >= 4:
            value += 0.6 + 0.6 * (length - 4) + (1.2 if not unit.stress else 0.0)
        return value + jitter[slot]

    # best[i][slot] = (total cost, previous slot) with unit i starting at slot.
    best: list[dict[int, tuple[float, int]]] = [{}]
    for slot in range(first, last - n + 2):
        best[0][slot] = (0.25 * max(0, slot - 2), slot)
    for i in range(1, n):
        row: dict[int, tuple[float, int]] = {}
        for slot in range(first + i, last - (n - 1 - i) + 1):
            previous = best[i - 1]
            options = [
                (previous[prev][0] + cost(i - 1, prev, slot - prev), prev)
                for prev in range(slot - _MAX_NOTE, slot)
                if prev in previous
            ]
            if options:
                row[slot] = min(options)
        best.append(row)
    finals = {}
    for slot, (total, _) in best[n - 1].items():
        w = weight[slot]
        finals[slot] = total + cost(n - 1, slot, 2) + {3: 0.0, 2: 0.3, 1: 2.5}.get(w, 4.0)
        finals[slot] += 0.15 * max(0, window - slot - 8)
    slot = min(finals, key=finals.__getitem__)
    slots = [slot]
    for i in range(n - 1, 0, -1):
        slot = best[i][slot][1]
        slots.append(slot)
    slots.reverse()
    lengths = [b - a for a, b in itertools.pairwise(slots)] + [window - slots[-1]]
    return list(zip(slots, lengths, strict=True))
