"""ABC notation: a compact text score with ``w:`` lyric lines, small enough for a Discord code block."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

from bot.songwriting.music.harmony import Key, pitch_class
from bot.songwriting.music.melody import Melody, Note
from bot.songwriting.render.rests import rest_edges
from bot.songwriting.versions.credits import Disclosure

UNIT = Fraction(1, 2)  # L:1/8, in quarter notes
BARS_PER_LINE = 4
_MODE_SUFFIX = {"major": "", "minor": "m", "dorian": "dor", "mixolydian": "mix", "phrygian": "phr", "lydian": "lyd"}
_ALTER_MARK = {-2: "__", -1: "_", 0: "=", 1: "^", 2: "^^"}


@dataclass(frozen=True, slots=True)
class _Piece:
    """A note or rest cut at bar lines and chord changes; ``tied`` joins it to the next piece."""

    note: Note | None
    start: Fraction
    duration: Fraction
    tied: bool
    first: bool


def to_abc(melody: Melody, title: str, disclosure: Disclosure | None = None) -> str:
    """Render a melody as ABC 2.1 text, one music line (and its ``w:`` line) per four bars.

    Members who made the music are ``C:`` (composer) lines, never the AI; the disclosure line is an ``N:`` note.
    """
    key = melody.key
    time = melody.time
    header = [
        "X:1",
        f"T:{_field(title) or 'Untitled sketch'}",
        *(f"C:{_field(name)}" for name in (disclosure.composers if disclosure else ())),
        *([f"N:{_field(disclosure.line)}"] if disclosure else []),
        f"M:{melody.meter}",
        "L:1/8",
        f"Q:{_tempo(melody)}",
        f"K:{key.tonic}{_MODE_SUFFIX.get(key.mode, '')}",
    ]
    signature = {name[0]: _alter(name) for name in key.names}
    chords = {c.start: c.symbol for c in melody.chords}
    lines: list[str] = []
    music: list[str] = []
    words: list[str] = []
    bar_index = 0
    current: dict[tuple[str, int], int] = {}
    sung = [n for n in sorted(melody.notes, key=lambda n: n.start) if n.pitch is not None]
    run_starts = {id(a) for a, b in itertools.pairwise(sung) if b.melisma and not a.melisma}
    run_ends = {id(n) for i, n in enumerate(sung) if n.melisma and (i + 1 == len(sung) or not sung[i + 1].melisma)}
    for piece in _pieces(melody, sorted(chords)):
        bar = int(piece.start // time.bar)
        if bar != bar_index:
            music.append(" |")
            current = {}
            bar_index = bar
            if bar % BARS_PER_LINE == 0:
                lines.extend(_flush(music, words))
        opens = piece.note is not None and piece.first and id(piece.note) in run_starts
        token = ("(" if opens else "") + (f'"{chords[piece.start]}"' if piece.start in chords else "")
        if piece.note is None or piece.note.pitch is None:
            token += "z" + _length(piece.duration)
        else:
            token += _pitch(piece.note.pitch, key, signature, current) + _length(piece.duration)
            if piece.tied:
                token += "-"
            elif id(piece.note) in run_ends:
                token += ")"  # a melisma is slurred
            if piece.first and piece.note.syllable:
                words.append(_word(piece.note.syllable))
            elif piece.first:
                words.append("_" if piece.note.melisma else "*")  # "_" holds the syllable over the run's next note
        music.append(" " + token if piece.start % time.beat == 0 else token)
    music.append(" |]")
    lines.extend(_flush(music, words))
    return "\n".join(header + lines) + "\n"


def _tempo(melody: Melody) -> str:
    """The ``Q:`` field in the metre's beat: ``3/8=72`` for a 12/8 at 108 quarters (the felt dotted quarter)."""
    dotted = Fraction(melody.tempo * 2, 3)
    if melody.time.compound and dotted.denominator == 1:
        return f"3/8={dotted}"
    return f"1/4={melody.tempo}"


def _field(text: str) -> str:
    """A header field's text on one line (a line break ends the field), ``%`` escaped (it starts a comment)."""
    return " ".join(text.split()).replace("%", "\\%")


def _pieces(melody: Melody, chord_starts: list[Fraction]) -> list[_Piece]:
    """Cut notes (and the rests between them) at bar lines, compound metre's beats and chord changes."""
    time = melody.time
    pieces: list[_Piece] = []
    position = Fraction(0)
    events: list[tuple[Note | None, Fraction, Fraction]] = []
    for note in sorted(melody.notes, key=lambda n: n.start):
        if note.start > position:
            events.append((None, position, note.start - position))
        events.append((note if note.pitch is not None else None, note.start, note.duration))
        position = max(position, note.end)
    if melody.length > position:
        events.append((None, position, melody.length - position))
    for sounding, start, duration in events:
        end = start + duration
        written = time.notation_cuts(start, end) if sounding is not None else rest_edges(time, start, end)[1:-1]
        cuts = sorted({c for c in chord_starts if start < c < end} | set(written))
        edges = [start, *cuts, end]
        for i, (a, b) in enumerate(itertools.pairwise(edges)):
            pieces.append(_Piece(sounding, a, b - a, tied=sounding is not None and i < len(edges) - 2, first=i == 0))
    return pieces


def _pitch(midi: int, key: Key, signature: dict[str, int], current: dict[tuple[str, int], int]) -> str:
    name = key.spell(midi % 12)
    letter, alter = name[0], _alter(name)
    octave = (midi - alter - pitch_class(letter)) // 12 - 1
    mark = ""
    if current.get((letter, octave), signature.get(letter, 0)) != alter:
        mark = _ALTER_MARK[alter]
        current[(letter, octave)] = alter
    if octave >= 5:
        return mark + letter.lower() + "'" * (octave - 5)
    return mark + letter + "," * (4 - octave)


def _alter(name: str) -> int:
    return name.count("#") - name.count("b")


def _length(duration: Fraction) -> str:
    units = duration / UNIT
    if units == 1:
        return ""
    if units.denominator == 1:
        return str(units.numerator)
    return f"{units.numerator}/{units.denominator}" if units.numerator != 1 else f"/{units.denominator}"


def _word(syllable: str) -> str:
    """A ``w:`` token: spaces inside a syllable become ``~``; a trailing hyphen joins the next syllable."""
    text = syllable.strip().replace(" ", "~").replace("-", "") or "*"
    return text + ("-" if syllable.endswith("-") else "")


def _flush(music: list[str], words: list[str]) -> list[str]:
    lines = []
    if music:
        lines.append("".join(music).strip())
        if any(w != "*" for w in words):
            lines.append("w:" + _join_words(words))
    music.clear()
    words.clear()
    return lines


def _join_words(words: list[str]) -> str:
    text = ""
    for word in words:
        text += word if text.endswith("-") or not text else " " + word
    return text
