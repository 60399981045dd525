"""Compose a melody for lyrics (or an instrumental) with a template pipeline.

The approach measured to work without training data (TeleMelody, ROC, ReLyMe; see the music-stack notes):
1. the frame: key, tempo and metre from the member's settings, else the genre profile and the mood;
2. each line's syllables are placed on an eighth-note grid (``rhythm``): keywords on strong beats, function
   words off them, the odd syncopated push, a long final note on a strong beat;
3. the genre's chord loop (or form: the 12-bar blues) is laid one chord per bar, with a half cadence mid-section
   and V–I at its end unless the form carries its own;
4. pitches are chosen by a Viterbi search over scale degrees (``pitch_search``), shaped so a song has somewhere
   to go: verses sit low, the chorus lifts above them and peaks on its hook (a keyword of its first line, the
   highest note of the chorus, often reached by a leap), and a section's third line echoes its first, moved by a
   step or kept, with a new ending (a motif that repeats and varies).
A repeated section (the chorus) is written once and repeated note for note, so the hook comes back identically.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from fractions import Fraction

from bot.songwriting.errors import DomainError
from bot.songwriting.music.genres import GenreProfile, MelodyCharacter
from bot.songwriting.music.harmony import (
    MODES,
    ChordColour,
    Key,
    chord_pitch_classes,
    chord_root,
    mood_profile,
    mood_settings,
    parse_key,
    progression,
    section_kind,
)
from bot.songwriting.music.melody import ChordSpan, Melody, Meter, Note
from bot.songwriting.music.pitch_search import cadence, cadence_cost, motion, register, shape, viterbi
from bot.songwriting.music.rhythm import GRID, PICKUP, Unit, bars_for, place
from bot.songwriting.music.settings import TEMPO_RANGE, MusicSettings
from bot.songwriting.music.vocal_style import sing
from bot.songwriting.words.lyrics import Lyrics, size_problem
from bot.songwriting.words.prosody import line_syllables

MAX_BARS = 64
_MAX_PHRASE = 16  # syllables per phrase; longer lines are split at word boundaries
_DEFAULT_CHARACTER = MelodyCharacter()
_MINOR_LIKE = ("minor", "dorian", "phrygian")
_BASE = {"verse": 0.1, "chorus": 0.68, "bridge": 0.4}  # a section's starting height, as a share of the window
_ECHO = 1.4  # pull of an echoing line toward its model, per degree away


@dataclass(frozen=True, slots=True)
class _Phrase:
    section: int
    line: int
    units: tuple[Unit, ...]
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


def compose(lyrics: Lyrics | None, settings: MusicSettings | None = None, *, seed: int = 0, bars: int = 8) -> Melody:
    """Write a melody for the lyrics (one note per sung syllable), or an instrumental of ``bars`` bars.

    ``settings`` were checked when they were made; raise ValueError for a bad bar count or lyrics with nothing
    to sing.
    """
    settings = settings or MusicSettings()
    style = settings.profile
    rng = random.Random(seed)
    the_key, time, tempo = _frame(settings, style, rng)
    if lyrics is None:
        if not 1 <= bars <= MAX_BARS:
            raise ValueError(f"an instrumental needs between 1 and {MAX_BARS} bars")
        sections = _instrumental_sections(bars, time, rng)
    else:
        if (problem := size_problem(lyrics)) is not None:
            raise DomainError(f"These lyrics have {problem}: too long to set to music. Split the song up.")
        sections = _lyric_sections(lyrics)
        if not sections:
            raise DomainError("These lyrics have no words to sing: revise them with some words first.")
    voice = settings.voice_range
    character = style.melody if style is not None else _DEFAULT_CHARACTER
    writer = _Writer(the_key, time, seed, style, voice.centre if voice else character.centre)
    for index, section in enumerate(sections):
        writer.add(section, sections[index + 1] if index + 1 < len(sections) else None)
    return sing(writer.melody(tempo), character, {section.index: section.kind for section in sections})


def _frame(settings: MusicSettings, style: GenreProfile | None, rng: random.Random) -> tuple[Key, Meter, int]:
    """Choose the key, metre and tempo: the member's settings first, then the genre, then the mood."""
    the_key, mood_tempo = mood_settings(settings.mood, rng)
    if settings.meter:
        time = Meter.parse(settings.meter)
    elif style is not None:
        time = Meter.parse(style.meters[rng.randrange(len(style.meters))])
    else:
        time = Meter(4, 4)
    mood = mood_profile(settings.mood)
    if settings.key:
        the_key = parse_key(settings.key, settings.mode)
    elif settings.mode:
        mode = settings.mode
        the_key = parse_key(the_key.tonic if mode == the_key.mode else _tonic_for(mode, rng), mode)
    elif style is not None:
        mode = the_key.mode if mood is not None else style.modes[rng.randrange(len(style.modes))]
        tonic = style.tonics[rng.randrange(len(style.tonics))]
        the_key = parse_key(tonic, mode)
        if abs(the_key.sharps) > 4:  # Eb minor's six flats: take the major key's relative minor (C minor)
            the_key = parse_key(Key(tonic, "major").names[5], mode)
    voice = settings.voice_range
    if voice is not None and not settings.key:
        the_key = _key_for_voice(the_key, style, voice.home)
    if settings.tempo is not None:
        return the_key, time, settings.tempo
    if style is None:
        # A mood's tempo is the felt pulse: in 6/8 that is the dotted quarter, and a waltz feels its bars.
        if time.compound:
            return the_key, time, _compound_tempo(mood_tempo)
        factor = Fraction(4, 3) if time.numerator == 3 else Fraction(1)
        return the_key, time, min(TEMPO_RANGE[1], int(mood_tempo * factor))
    # A genre's range is in felt beats (the dotted quarter in compound metre); a sad mood takes its slower half,
    # an excited one its quicker half.
    slowest, fastest = style.tempo
    if mood is not None:
        middle = (slowest + fastest) // 2
        pace = sum(mood[1]) / 2
        slowest, fastest = (slowest, middle) if pace < 90 else (middle, fastest) if pace > 108 else (slowest, fastest)
    felt = rng.randrange(slowest, fastest + 1)
    return the_key, time, _compound_tempo(felt) if time.compound else min(TEMPO_RANGE[1], felt)


def _key_for_voice(chosen: Key, style: GenreProfile | None, home: int) -> Key:
    """The key whose tonic lies nearest the voice's home note (a fourth above its lowest), among the genre's keys
    (its instruments' favourites) or, without a genre, the common keys; the mode stays."""
    tonics = style.tonics if style is not None else ("C", "G", "D", "A", "E", "F", "Bb", "Eb")
    candidates = [parse_key(tonic, chosen.mode) for tonic in tonics]
    candidates = [k for k in candidates if abs(k.sharps) <= 4] or [chosen]
    return min(candidates, key=lambda k: (min((k.tonic_pc - home) % 12, (home - k.tonic_pc) % 12), k.tonic))


def _compound_tempo(dotted: int) -> int:
    """Quarter notes a minute for ``dotted`` dotted quarters, kept even so the score can print ``♩. = N``
    exactly (a dotted 73 would be 109.5 quarters: the mark fell back to ``♩ = 109`` in a 12/8 blues)."""
    return min(TEMPO_RANGE[1], (dotted - dotted % 2) * 3 // 2)


def _tonic_for(mode: str, rng: random.Random) -> str:
    tonics = {"major": "CDFGA", "minor": "AEDBG"}.get(mode, "DEGAC")
    return tonics[rng.randrange(len(tonics))]


def _lyric_sections(lyrics: Lyrics) -> list[_Section]:
    sections = []
    for index, section in enumerate(lyrics.sections):
        phrases: list[_Phrase] = []
        for line_index, line in enumerate(section.lines):
            units = [Unit(s.text if s.word_end else s.text + "-", s.stress, s.keyword) for s in line_syllables(line)]
            phrases.extend(_Phrase(index, line_index, chunk) for chunk in _split(units))
        if not phrases:
            continue
        kind = section_kind(section.label)
        shape_key = tuple(tuple((u.stress, u.keyword) for u in p.units) for p in phrases)
        repeat_key: tuple[object, ...] = (
            (kind, section.label.strip().lower(), shape_key) if kind == "chorus" else ("text", section.lines)
        )
        sections.append(_Section(index, kind, tuple(phrases), repeat_key))
    return sections


def _split(units: list[Unit]) -> list[tuple[Unit, ...]]:
    """Split an over-long line into phrases of at most ``_MAX_PHRASE`` syllables, at word ends."""
    if not units:
        return []
    count = math.ceil(len(units) / _MAX_PHRASE)
    target = math.ceil(len(units) / count)
    chunks: list[tuple[Unit, ...]] = []
    current: list[Unit] = []
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
    per_bar = int(time.bar / GRID)
    phrase_bars = [2] * (bars // 2) + [1] * (bars % 2)
    sections: list[_Section] = []
    designs: dict[tuple[str, tuple[int, ...]], tuple[tuple[Unit, ...], ...]] = {}
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


def _instrumental_units(slots: int, rng: random.Random) -> tuple[Unit, ...]:
    count = max(3, min(slots - 3, round(slots * rng.uniform(0.35, 0.55))))
    return tuple(Unit(None, 1 if i % 2 == 0 else 0, i % 2 == 0 and rng.random() < 0.8) for i in range(count))


def _form_line_bars(need: int, lines: int, form: int) -> int:
    """Line length that lays a form (12 bars) over the section exactly: four lines of three bars, three of four.

    Falls back to ``need`` (the form then cycles) when no length up to about twice the need fits.
    """
    for length in range(need, 2 * need + 3):
        if (length * lines) % form == 0:
            return length
    return need


class _Writer:
    """Accumulates sections into notes and per-bar chords on a global eighth-note grid."""

    def __init__(self, key: Key, time: Meter, seed: int, style: GenreProfile | None, centre: int) -> None:
        self.key = key
        self.time = time
        self.seed = seed
        self.style = style
        self.character = style.melody if style is not None else _DEFAULT_CHARACTER
        self.colour = style.harmony.colour if style is not None else ChordColour.TRIAD
        self.window = self.character.window
        self.per_bar = int(time.bar / GRID)
        self.bar_chords: list[str] = []
        self.notes: list[Note] = []
        self.last: tuple[int, int] | None = None  # (degree, motion) of the last note written
        self.cache: dict[tuple[object, ...], tuple[list[str], list[tuple[_Placed, int]]]] = {}
        self.scale = MODES[key.mode]
        self.tonic_midi, self.low = register(key, self.window, centre)

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
                    start=(start + item.slot) * GRID,
                    duration=item.length * GRID,
                    syllable=unit.text,
                    section=phrase.section,
                    line=phrase.line,
                )
            )
        if placed:
            previous = placed[-2][1] if len(placed) > 1 else placed[-1][1]
            self.last = (placed[-1][1], motion(previous, placed[-1][1], self.pitch))

    def _write(self, section: _Section, next_degree: int | None) -> tuple[list[str], list[tuple[_Placed, int]]]:
        rng = random.Random(f"{self.seed}:{section.kind}:{section.index}")
        # Lines of a section share one length (the longest any of them needs), so the phrasing stays square.
        uniform = max(bars_for(p.units, self.time, self.character.density) for p in section.phrases)
        loops = self._loops(section.kind)
        if self.style is not None and self.style.harmony.form and loops:
            uniform = _form_line_bars(uniform, len(section.phrases), len(loops[0]))
        bars = [p.bars or uniform for p in section.phrases]
        starts = [sum(bars[:i]) * self.per_bar for i in range(len(bars))]
        chords = self._chords(section, bars, rng, loops)
        placed: list[_Placed] = []
        # A line's last note keeps more than a beat after the next line's pickup; a section's, two beats.
        keep = max(3, int(self.time.beat / GRID))
        for index, phrase in enumerate(section.phrases):
            window = bars[index] * self.per_bar
            if index > 0:
                pickup = min(PICKUP, max(0, starts[index] - placed[-1].slot - keep))
            elif not self.bar_chords:
                # The song may pick up into an intro bar; an instrumental starts on its first bar instead, so
                # it is exactly the bars asked for.
                pickup = PICKUP if phrase.units[0].text is not None else 0
            elif section.kind == "chorus" or not self.notes:
                pickup = 0  # a chorus is repeated note for note, so it must fit after any section
            else:
                pickup = min(PICKUP, max(0, int(self.notes[-1].duration / GRID) - 2 * keep + 2))
            slots = place(
                phrase.units, self.time, window, pickup, self._jitter(section, index), self.character.syncopation
            )
            for unit, (slot, length) in enumerate(slots):
                placed.append(_Placed(index, unit, starts[index] + slot, length, unit == len(slots) - 1))
        if placed[0].slot < 0 and not self.bar_chords:
            # The song opens with a pickup: give it an intro bar on the tonic to sit in.
            self.bar_chords.append(self.key.chord(0, self.colour))
        degrees = self._pitches(section, placed, chords, rng, next_degree)
        return chords, list(zip(placed, degrees, strict=True))

    def _jitter(self, section: _Section, phrase: int) -> random.Random:
        # Lines one and three (two and four) share their rhythm when their stresses match: parallel phrasing.
        return random.Random(f"{self.seed}:{section.kind}:{phrase % 2}:rhythm")

    def _loops(self, kind: str) -> tuple[tuple[int, ...], ...]:
        """The genre's loops for this section kind and mode, leaving out any that land on a diminished triad
        (vii° in a major key is no rock chord); empty means the mode's own loops."""
        if self.style is None:
            return ()
        family = self.style.harmony.minor if self.key.mode in _MINOR_LIKE else self.style.harmony.major
        usable = self.colour is ChordColour.SEVENTH
        return tuple(
            loop
            for loop in family.for_kind(kind)
            if usable or all(not self.key.chord(degree).endswith("dim") for degree in loop)
        )

    def _chords(
        self, section: _Section, bars: list[int], rng: random.Random, loops: tuple[tuple[int, ...], ...]
    ) -> list[str]:
        """Lay the section's loop one chord per bar, with cadence chords at the ends of lines (unless a form)."""
        loop = progression(self.key, section.kind, rng, loops or None)
        count = len(section.phrases)
        colour = self.colour
        form = self.style is not None and self.style.harmony.form and bool(loops)
        predominant = self.style.harmony.predominant if self.style is not None else None
        chords: list[str] = []
        for index, length in enumerate(bars):
            line = [self.key.chord(loop[(len(chords) + bar) % len(loop)], colour) for bar in range(length)]
            kind = "open" if form else cadence(index, count)
            if kind == "authentic":
                line[-1] = self.key.chord(0, colour)
                if length >= 2:
                    line[-2] = self.key.dominant(colour)
                if length >= 4:
                    line[-3] = self.key.predominant(colour, predominant)
            elif kind == "half":
                line[-1] = self.key.dominant(colour)
            chords.extend(line)
        return chords

    def _pitches(
        self, section: _Section, placed: list[_Placed], chords: list[str], rng: random.Random, next_degree: int | None
    ) -> list[int]:
        """Score every candidate scale degree of every note, then pick the cheapest path through them."""
        degrees = range(self.low, self.low + self.window)
        base = self.low + 0.5 + _BASE[section.kind] * (self.window - 1)
        shapes = [shape(rng) for _ in range(2)]
        scale_pcs = set(self.key.scale)
        counts = [len(p.units) for p in section.phrases]
        units = [section.phrases[item.phrase].units[item.unit] for item in placed]
        weights = [self.time.weight(item.slot * GRID) for item in placed]
        symbols = [self._chord_at(item, chords) for item in placed]
        hook = self._hook(section, placed) if section.kind == "chorus" else None
        peak = self._peak(symbols[hook], degrees, scale_pcs) if hook is not None else None
        # Leap points: the hook, and now and then a keyword on a strong beat, which the tune jumps up to from
        # lower down (the note before aims low, the keyword high) and then resolves by a step.
        invited = [
            position == hook
            or (
                (units[position].keyword and weights[position] >= 2 and not item.final and item.unit > 0)
                and rng.random() < 5 * self.character.leaps
            )
            for position, item in enumerate(placed)
        ]
        options: list[dict[int, tuple[float, bool]]] = []
        for position, item in enumerate(placed):
            chord = self._tones(symbols[position])
            # A chromatic chord tone (the leading tone of V in minor) rules out its diatonic neighbours.
            clashes = {(t + step) % 12 for t in chord - scale_pcs for step in (-1, 1)} - chord
            weight, unit = weights[position], units[position]
            target = base + shapes[item.phrase % 2](item.unit / max(1, counts[item.phrase] - 1))
            following = position + 1 < len(placed) and placed[position + 1].phrase == item.phrase
            if invited[position] and position != hook:
                target += 2.0
            elif following and invited[position + 1]:
                target -= 2.0
            kind = cadence(item.phrase, len(section.phrases)) if item.final else None
            # The note before the hook sits a fifth or more below the peak, so the hook is reached by a leap.
            springboard = peak is not None and following and position + 1 == hook
            unary: dict[int, tuple[float, bool]] = {}
            for d in degrees:
                pc = self.pitch(d) % 12
                if pc in clashes or (peak is not None and (d > peak or (position == hook and d != peak))):
                    continue
                if springboard and peak is not None and d > peak - 4:
                    continue
                tone = pc in chord
                cost = 0.0 if tone else (3.0 if weight >= 2 else (1.0 if unit.stress else 0.5) if weight else 0.15)
                cost += 0.5 * abs(d - target) + rng.random() * 0.7
                if kind is not None:
                    cost += cadence_cost(kind, d % 7, tone)
                if peak is not None and d == peak and position != hook:
                    cost += 1.5  # the hook alone should reach the top
                if item is placed[-1] and next_degree is not None:
                    cost += 4.0 if abs(self.pitch(d) - self.pitch(next_degree)) > 5 else 0.0
                elif not self.notes and not options:
                    cost += 0.0 if d % 7 in (0, 2, 4) else 1.0
                unary[d] = (cost, tone)
            if not unary:  # the peak clashed with everything here: fall back to the plain choice
                unary = {d: (0.5 * abs(d - target), False) for d in degrees if peak is None or d <= peak}
            options.append(unary)
        repeats = [0.45 if unit.stress == 0 else 1.0 for unit in units]
        start = self.last if self.last is not None and self.last[0] in degrees else None
        path = viterbi(options, repeats, self.pitch, start, invited)
        echoes = self._echoes(section, placed)
        if not echoes:
            return path
        shift = rng.choice((0, 0, 1, -1))
        for position, model in echoes.items():
            wanted = path[model] + shift
            options[position] = {
                d: (cost + _ECHO * abs(d - wanted), tone) for d, (cost, tone) in options[position].items()
            }
        return viterbi(options, repeats, self.pitch, start, invited)

    def _tones(self, symbol: str) -> frozenset[int]:
        """The chord's tones as the melody hears them: a power chord implies the key's third above its root."""
        tones = chord_pitch_classes(symbol)
        if len(tones) == 2 and (root := chord_root(symbol)) is not None:
            third = next((pc for pc in self.key.scale if (pc - root) % 12 in (3, 4)), None)
            return tones if third is None else tones | {third}
        return tones

    def _chord_at(self, item: _Placed, chords: list[str]) -> str:
        bar = item.slot // self.per_bar
        return chords[bar] if bar >= 0 else (self.bar_chords[-1] if self.bar_chords else chords[0])

    def _hook(self, section: _Section, placed: list[_Placed]) -> int | None:
        """The hook note: the longest keyword of the chorus's first line after its first note (a stressed syllable
        failing that), so the line can leap up into it."""
        first = [i for i, item in enumerate(placed) if item.phrase == 0 and not item.final and item.unit > 0]
        units = section.phrases[0].units
        keywords = [i for i in first if units[placed[i].unit].keyword] or [
            i for i in first if units[placed[i].unit].stress
        ]
        if not keywords:
            return None
        return max(keywords, key=lambda i: (placed[i].length, self.time.weight(placed[i].slot * GRID), -i))

    def _peak(self, symbol: str, degrees: range, scale_pcs: set[int]) -> int | None:
        """The chorus's top note: the highest tone of the hook's chord inside the window."""
        chord = self._tones(symbol)
        for d in reversed(degrees):
            if self.pitch(d) % 12 in chord & scale_pcs and d >= self.low + self.window // 2:
                return d
        return None

    def _echoes(self, section: _Section, placed: list[_Placed]) -> dict[int, int]:
        """Notes of the third (fourth) line that echo the first (second), note by note from the start.

        The last two notes of the shorter line are left free, so the motif comes back with a new ending.
        """
        by_phrase: dict[int, list[int]] = {}
        for position, item in enumerate(placed):
            by_phrase.setdefault(item.phrase, []).append(position)
        echoes: dict[int, int] = {}
        for phrase in range(2, len(section.phrases)):
            model, echo = by_phrase.get(phrase - 2, []), by_phrase.get(phrase, [])
            shared = min(len(model), len(echo)) - 2
            if shared >= 3:
                echoes.update(zip(echo[:shared], model[:shared], strict=True))
        return echoes

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
            genre=self.style.genre if self.style is not None else None,
        )
