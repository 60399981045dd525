"""The melody model: notes aligned to lyric syllables, chord spans, and the metre they sit in.

A melody is a plain value the database stores as JSON, so ``to_dict``/``from_dict`` round-trip exactly
(times are fractions of a quarter note, written as ``"3/2"`` strings).

Syllable text convention: a syllable that continues into the next note's word ends with ``-``
(``"beau-"``, ``"ti-"``, ``"ful"``), the way ABC and MIDI lyric events write it; renderers derive the
MusicXML ``syllabic`` begin/middle/end from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from bot.songwriting.music.genres import Genre, GenreProfile, profile
from bot.songwriting.music.harmony import Key, parse_key

_METER = re.compile(r"^\s*(\d{1,2})\s*/\s*(1|2|4|8|16)\s*$")
_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


class MelodyInputError(ValueError):
    """A member's melody file the bot cannot use; the message tells the member what to fix."""


@dataclass(frozen=True, slots=True)
class Meter:
    """A time signature and its beat hierarchy on an eighth-note grid."""

    numerator: int
    denominator: int

    @classmethod
    def parse(cls, text: str) -> Meter:
        """Parse ``"4/4"``, ``"3/4"``, ``"6/8"``…; raise ValueError with a readable reason."""
        match = _METER.match(text)
        if not match or int(match.group(1)) == 0:
            raise ValueError(f"unknown meter {text!r}; write it like 4/4, 3/4 or 6/8")
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.numerator}/{self.denominator}"

    @property
    def bar(self) -> Fraction:
        """Length of one bar in quarter notes."""
        return Fraction(4 * self.numerator, self.denominator)

    @property
    def compound(self) -> bool:
        """True for 6/8, 9/8, 12/8: beats are dotted quarters."""
        return self.denominator == 8 and self.numerator % 3 == 0 and self.numerator > 3

    @property
    def beat(self) -> Fraction:
        """Length of one beat in quarter notes."""
        return Fraction(3, 2) if self.compound else Fraction(4, self.denominator)

    def weight(self, position: Fraction) -> int:
        """Metric weight of a time point: 3 downbeat, 2 other strong beat, 1 weak beat, 0 off the beat."""
        offset = position % self.bar
        if offset == 0:
            return 3
        if offset % self.beat:
            return 0
        beats = int(self.bar / self.beat)
        index = int(offset / self.beat)
        return 2 if (beats % 2 == 0 and beats >= 4 and index == beats // 2) or (self.compound and beats == 2) else 1

    def strong(self, position: Fraction) -> bool:
        """Whether a time point is a strong beat (the downbeat, or the half-bar in even metres)."""
        return self.weight(position) >= 2

    def notation_cuts(self, start: Fraction, end: Fraction) -> list[Fraction]:
        """Where a note or rest from ``start`` to ``end`` is split (and tied) so the score shows the bar and its beats.

        Every bar line it crosses; in compound metre also every dotted-quarter beat it crosses, unless it starts
        and ends on beats (a dotted half filling a 6/8 bar stays whole) — then only 12/8's half bar, unless it
        fills the bar, and after each dotted half of a span no single note can write (a whole 9/8 bar). A quarter
        note on the third eighth of 6/8 becomes an eighth tied over the middle of the bar.
        Simple metres are cut at bar lines only.
        """
        bar = self.bar
        cuts: list[Fraction] = []
        position = start
        while position < end:
            bar_start = position // bar * bar
            stop = min(end, bar_start + bar)
            cuts.extend(bar_start + offset for offset in self._beat_cuts(position - bar_start, stop - bar_start))
            if stop < end:
                cuts.append(stop)
            position = stop
        return cuts

    def _beat_cuts(self, start: Fraction, end: Fraction) -> list[Fraction]:
        """The beat cuts of a span inside one bar, in offsets from the bar line."""
        if not self.compound:
            return []
        beat, bar = self.beat, self.bar
        inside = [beat * k for k in range(int(start // beat) + 1, int(bar / beat)) if start < beat * k < end]
        if start % beat or end % beat:
            return inside
        per_bar, half = int(bar / beat), bar / 2
        cuts, spans = [], [(start, end)]
        if per_bar % 2 == 0 and per_bar >= 4 and start < half < end and not (start == 0 and end == bar):
            cuts, spans = [half], [(start, half), (half, end)]
        for a, b in spans:
            beats = int((b - a) / beat)
            if beats not in (1, 2, 4):  # no single note lasts three dotted quarters: a dotted half, then the rest
                cuts.extend(a + beat * k for k in range(2, beats, 2))
        return sorted(cuts)


@dataclass(frozen=True, slots=True)
class Note:
    """One note (or rest, when ``pitch`` is None) with the syllable it carries, if any.

    ``melisma`` marks a note that goes on singing the syllable of the note before (its ``syllable`` is None): the
    score slurs them and holds the syllable under them, the MIDI file has one lyric event for the group.
    """

    pitch: int | None
    start: Fraction
    duration: Fraction
    syllable: str | None
    section: int
    line: int
    chromatic: bool = False
    melisma: bool = False

    @property
    def end(self) -> Fraction:
        return self.start + self.duration

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "pitch": self.pitch,
            "start": str(self.start),
            "duration": str(self.duration),
            "syllable": self.syllable,
            "section": self.section,
            "line": self.line,
        }
        if self.chromatic:
            data["chromatic"] = True
        if self.melisma:
            data["melisma"] = True
        return data

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Note:
        pitch, syllable = data.get("pitch"), data.get("syllable")
        if pitch is not None and (isinstance(pitch, bool) or not isinstance(pitch, int)):
            raise ValueError(f"bad pitch {pitch!r}")
        if syllable is not None and not isinstance(syllable, str):
            raise ValueError(f"bad syllable {syllable!r}")
        return cls(
            pitch=pitch,
            start=_fraction(data["start"]),
            duration=_fraction(data["duration"]),
            syllable=syllable,
            section=_int(data.get("section", 0)),
            line=_int(data.get("line", 0)),
            chromatic=bool(data.get("chromatic", False)),
            melisma=bool(data.get("melisma", False)),
        )


@dataclass(frozen=True, slots=True)
class ChordSpan:
    """A chord symbol sounding from ``start`` for ``duration`` quarter notes."""

    symbol: str
    start: Fraction
    duration: Fraction

    @property
    def end(self) -> Fraction:
        return self.start + self.duration

    def to_dict(self) -> dict[str, object]:
        return {"symbol": self.symbol, "start": str(self.start), "duration": str(self.duration)}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> ChordSpan:
        return cls(symbol=str(data["symbol"]), start=_fraction(data["start"]), duration=_fraction(data["duration"]))


@dataclass(frozen=True, slots=True)
class Melody:
    """A melody sketch: notes in time order, chords, and the key, tempo and metre they are written in.

    ``genre`` is the profile it was composed in: the arrangement (drums, accompaniment, feel) is derived from it
    and the seed whenever the sketch is rendered, so a stored melody always plays back the same band.
    """

    notes: tuple[Note, ...]
    chords: tuple[ChordSpan, ...]
    tonic: str
    mode: str
    tempo: int
    meter: str
    seed: int
    genre: Genre | None = None

    @property
    def profile(self) -> GenreProfile | None:
        return None if self.genre is None else profile(self.genre)

    @property
    def key(self) -> Key:
        return parse_key(self.tonic, self.mode)

    @property
    def time(self) -> Meter:
        return Meter.parse(self.meter)

    @property
    def pitched(self) -> tuple[Note, ...]:
        """The sounding notes (rests left out)."""
        return tuple(n for n in self.notes if n.pitch is not None)

    @property
    def length(self) -> Fraction:
        """Length in quarter notes, rounded up to a whole bar."""
        end = max([n.end for n in self.notes] + [c.end for c in self.chords] + [Fraction(0)])
        bar = self.time.bar
        return -(-end // bar) * bar

    def seconds(self) -> float:
        """Playing time at the melody's tempo."""
        return float(self.length) * 60.0 / self.tempo

    def chord_at(self, position: Fraction) -> ChordSpan | None:
        """Return the chord sounding at a time point, if any."""
        for chord in self.chords:
            if chord.start <= position < chord.end:
                return chord
        return None

    def to_dict(self) -> dict[str, object]:
        return {
            "notes": [n.to_dict() for n in self.notes],
            "chords": [c.to_dict() for c in self.chords],
            "tonic": self.tonic,
            "mode": self.mode,
            "tempo": self.tempo,
            "meter": self.meter,
            "seed": self.seed,
            **({} if self.genre is None else {"genre": self.genre.value}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Melody:
        """Rebuild a melody from ``to_dict`` output; raise ValueError when the data is not one."""
        notes, chords = data.get("notes"), data.get("chords", [])
        if not isinstance(notes, list) or not isinstance(chords, list):
            raise ValueError("a melody needs a list of notes and a list of chords")
        melody = cls(
            notes=tuple(Note.from_dict(n) for n in notes),
            chords=tuple(ChordSpan.from_dict(c) for c in chords),
            tonic=str(data["tonic"]),
            mode=str(data["mode"]),
            tempo=_int(data["tempo"]),
            meter=str(data["meter"]),
            seed=_int(data.get("seed", 0)),
            genre=_genre(data.get("genre")),
        )
        check_melody(melody)
        return melody

    def tempo_text(self) -> str:
        """The tempo as musicians read it: quarter beats, or dotted quarters in 6/8 and 12/8."""
        dotted = Fraction(self.tempo * 2, 3)
        if self.time.compound and dotted.denominator == 1:
            return f"♩. = {dotted}"
        return f"{self.tempo} bpm"

    def summary(self) -> str:
        """One line for a draft message: key, tempo, metre, chords, range."""
        parts = [f"{self.tonic} {self.mode}", self.tempo_text(), self.meter]
        if self.profile is not None:
            parts.insert(0, self.profile.label)
        symbols: list[str] = []
        for chord in self.chords:
            if chord.symbol not in symbols:
                symbols.append(chord.symbol)
        if symbols:
            parts.append(" ".join(symbols[:6]))
        pitches = [n.pitch for n in self.pitched if n.pitch is not None]
        if pitches:
            key = self.key
            parts.append(f"range {pitch_name(min(pitches), key)}–{pitch_name(max(pitches), key)}")
        return " · ".join(parts)


def check_melody(melody: Melody) -> Melody:
    """Check what every melody must satisfy to be stored, read back and rendered; return it unchanged.

    One function for both sides: the reader of stored melodies calls it, and so does the upload parser
    before anything is stored, so a melody that was saved can always be read again. Raises MelodyInputError
    (a ValueError) with a sentence a member can act on.
    """
    items: tuple[Note | ChordSpan, ...] = (*melody.notes, *melody.chords)
    for item in items:
        what = "A chord" if isinstance(item, ChordSpan) else "A rest" if item.pitch is None else "A note"
        if item.start < 0:
            raise MelodyInputError(
                f"{what} starts {_beats_text(-item.start)} before the beginning (a negative duration or "
                "<forward> somewhere?). Check its note lengths."
            )
        if item.duration < 0:
            raise MelodyInputError(f"{what} has a negative length. Check its note lengths.")
        if isinstance(item, Note) and item.pitch is not None and not 0 <= item.pitch <= 127:
            raise MelodyInputError(f"A note is outside the MIDI range (pitch {item.pitch}).")
    if melody.tempo <= 0:
        raise MelodyInputError(f"The tempo {melody.tempo} is not a positive number of beats per minute.")
    try:
        melody.key  # noqa: B018 - validates tonic and mode
        melody.time  # noqa: B018 - validates the metre
    except ValueError as exc:
        raise MelodyInputError(f"It has an {exc}.") from None
    return melody


def _beats_text(length: Fraction) -> str:
    return f"{float(length):g} beat{'' if length == 1 else 's'}"


def pitch_name(pitch: int, key: Key | None = None) -> str:
    """Name a MIDI pitch with its octave (``"C4"`` is 60), spelled for the key when one is given."""
    name = key.spell(pitch % 12) if key else _NAMES[pitch % 12]
    octave = pitch // 12 - 1
    # B# and Cb cross the octave boundary in scientific pitch notation.
    if name.startswith("B#"):
        octave -= 1
    elif name.startswith("Cb"):
        octave += 1
    return f"{name}{octave}"


def _fraction(value: object) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"bad time value {value!r}")
    return Fraction(value)


def _genre(value: object) -> Genre | None:
    if value is None:
        return None
    try:
        return Genre(str(value))
    except ValueError:
        raise ValueError(f"unknown genre {value!r}") from None


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {value!r}")
    return value
