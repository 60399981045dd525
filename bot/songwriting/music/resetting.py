"""Carry a version's melody to a lyric revision: the song keeps its tune, changed lines are re-set to their words.

A member who edits two lines of a song has not asked for a new song. So the revision keeps the parent's frame
(key, mode, metre, tempo, genre and seed, hence its arrangement) and its music line by line:
- a line whose words are unchanged keeps its notes exactly (pitches, onsets, durations, syllables);
- a changed line keeps its bars and chords and is re-set to its new syllables along its old contour (``refit``);
- an added line borrows the music of the line it copies, else of the matching line of a section of its kind
  (another chorus's line), else of its neighbour, and is set to its words the same way;
- a removed line takes its bars with it; the lines after it move up by whole bars.
A parent melody whose notes do not follow its lyric lines (a member's file played freely) cannot be carried line
by line: the words then get a new melody composed in the parent's frame, and the outcome says so.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from fractions import Fraction

from bot.songwriting.music.composer import compose
from bot.songwriting.music.harmony import section_kind
from bot.songwriting.music.melody import ChordSpan, Melody, Meter, Note
from bot.songwriting.music.refit import LineMusic, refit, units_for
from bot.songwriting.music.rhythm import GRID, PICKUP
from bot.songwriting.music.settings import TEMPO_RANGE, MusicSettings, SettingsError
from bot.songwriting.words.lyrics import Lyrics
from bot.songwriting.words.text import plural

_MAX_RUNS = 4  # stretches of line numbers a summary names before it just counts them


class LineFate(StrEnum):
    KEPT = "kept"
    RESET = "re-set"
    ADDED = "added"


@dataclass(frozen=True, slots=True)
class LineSetting:
    """What became of one line of the new lyrics: ``number`` counts lines from 1 across the song; ``model`` is the
    parent's line (numbered the same way) whose music it carries, None when it was composed afresh."""

    number: int
    fate: LineFate
    model: int | None


@dataclass(frozen=True, slots=True)
class Resetting:
    """The carried melody and what was done to it, line by line."""

    melody: Melody
    lines: tuple[LineSetting, ...]
    removed: tuple[int, ...] = ()
    recomposed: bool = False
    """True when the parent's notes could not be matched to its lines: the melody is new, in the parent's frame."""

    def numbers(self, fate: LineFate) -> tuple[int, ...]:
        return tuple(line.number for line in self.lines if line.fate is fate)

    def summary(self, parent: str) -> str:
        """One sentence for the member: "melody carried from v1; lines 3 and 7 re-set to the new words"."""
        if self.recomposed:
            return f"a new melody in {parent}'s key, tempo and metre (its notes don't follow its lines one by one)"
        parts = [f"melody carried from {parent}"]
        reset, added = self.numbers(LineFate.RESET), self.numbers(LineFate.ADDED)
        if reset:
            parts.append(f"{_lines(reset)} re-set to the new words")
        if added:
            parts.append(f"{_lines(added)} added on the song's tune")
        if self.removed:
            parts.append(f"{plural(len(self.removed), 'line')} removed with {_its(len(self.removed))} bars")
        if len(parts) == 1:
            parts.append("every line kept its notes")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class _Line:
    number: int  # 1-based across the song
    section: int
    index: int
    label: str
    text: str


def reset_melody(parent: Melody, old: Lyrics | None, new: Lyrics) -> Resetting:
    """Carry ``parent`` (sung to ``old``, or an instrumental when ``old`` is None) to the words ``new``."""
    time = parent.time
    old_lines, new_lines = _lines_of(old), _lines_of(new)
    music = _line_music(parent, old_lines) if old_lines else _phrase_music(parent)
    if music is None or not any(m.notes for m in music):
        return _recomposed(parent, new, new_lines)
    prelude = _prelude(parent)
    models = _models(old_lines, new_lines, len(music))
    settings: list[LineSetting] = []
    windows: list[LineMusic] = []
    for line, (fate, model) in zip(new_lines, models, strict=True):
        settings.append(LineSetting(line.number, fate, None if model is None else model + 1))
        source = music[model] if model is not None else music[-1]
        same_words = bool(old_lines) and model is not None and _words(old_lines[model].text) == _words(line.text)
        if same_words:
            windows.append(source)
        else:
            fallback = _fallback_pitch(windows, music)
            windows.append(
                refit(
                    source,
                    line.text,
                    time,
                    parent.key,
                    seed=f"{parent.seed}",
                    fallback_pitch=fallback,
                )
            )
    used = {model for _, model in models if model is not None and old_lines}
    removed = tuple(i + 1 for i in range(len(old_lines)) if i not in used) if old_lines else ()
    melody = _assemble(parent, prelude, new_lines, windows, time)
    return Resetting(melody, tuple(settings), removed)


def _lines_of(lyrics: Lyrics | None) -> list[_Line]:
    if lyrics is None:
        return []
    lines: list[_Line] = []
    for s, section in enumerate(lyrics.sections):
        for i, text in enumerate(section.lines):
            lines.append(_Line(len(lines) + 1, s, i, section.label, text))
    return lines


def _line_start(first: Fraction, time: Meter) -> Fraction:
    """The bar line a line's window starts at: the one its first note is on or just before (a pickup)."""
    lead = PICKUP * GRID
    return (first + lead) // time.bar * time.bar


def _windows(starts: list[Fraction | None], parent: Melody) -> list[tuple[Fraction, Fraction]] | None:
    """Each line's window from its start to the next line's; a line without notes gets an empty window."""
    known = [s for s in starts if s is not None]
    if not known or any(b <= a for a, b in itertools.pairwise(known)):
        return None
    ends: list[Fraction] = []
    following = parent.length
    for start in reversed(starts):
        ends.append(following)
        if start is not None:
            following = start
    ends.reverse()
    return [(s if s is not None else e, e) for s, e in zip(starts, ends, strict=True)]


def _cut(parent: Melody, groups: list[list[Note]]) -> list[LineMusic] | None:
    """Cut the parent into line windows of whole bars, each with its notes and chords relative to its start."""
    time = parent.time
    starts = [_line_start(g[0].start, time) if g else None for g in groups]
    windows = _windows(starts, parent)
    if windows is None:
        return None
    music: list[LineMusic] = []
    for group, (start, end) in zip(groups, windows, strict=True):
        if group and group[0].start < start - PICKUP * GRID:
            return None
        notes = tuple(replace(n, start=n.start - start) for n in group)
        chords = tuple(
            ChordSpan(c.symbol, max(c.start, start) - start, min(c.end, end) - max(c.start, start))
            for c in parent.chords
            if c.start < end and c.end > start
        )
        pickup = int(max(Fraction(0), -notes[0].start) / GRID) if notes else 0
        music.append(LineMusic(int((end - start) / time.bar), notes, chords, pickup))
    return music


def _line_music(parent: Melody, lines: Sequence[_Line]) -> list[LineMusic] | None:
    """The parent's music of each lyric line, or None when its notes do not follow the lines in order.

    A member's file marks its lines by its rests, not by the lyrics; when it has one note per syllable of the
    words it was sung to, its notes are dealt out to the lines in order, so its tune can be carried too.
    """
    groups = _groups_by_line(parent, lines) or _groups_by_count(parent, lines)
    return None if groups is None else _cut(parent, groups)


def _groups_by_line(parent: Melody, lines: Sequence[_Line]) -> list[list[Note]] | None:
    by_line: dict[tuple[int, int], list[Note]] = {}
    for note in parent.notes:
        by_line.setdefault((note.section, note.line), []).append(note)
    known = {(line.section, line.index) for line in lines}
    if any(key not in known for key in by_line):
        return None
    groups = [sorted(by_line.get((line.section, line.index), []), key=lambda n: n.start) for line in lines]
    flat = [n for g in groups for n in g]
    if any(b.start < a.start for a, b in itertools.pairwise(flat)):
        return None
    for line, group in zip(lines, groups, strict=True):
        if bool(units_for(line.text)) != any(n.pitch is not None for n in group):
            return None
    return groups


def _groups_by_count(parent: Melody, lines: Sequence[_Line]) -> list[list[Note]] | None:
    sung = sorted((n for n in parent.notes if n.pitch is not None), key=lambda n: n.start)
    counts = [len(units_for(line.text)) for line in lines]
    if sum(counts) != len(sung):
        return None
    groups, position = [], 0
    for count in counts:
        groups.append(sung[position : position + count])
        position += count
    return groups


def _phrase_music(parent: Melody) -> list[LineMusic] | None:
    """An instrumental's phrases, in time order, as the lines new words are set to."""
    groups: dict[tuple[int, int], list[Note]] = {}
    for note in sorted(parent.notes, key=lambda n: n.start):
        groups.setdefault((note.section, note.line), []).append(note)
    ordered = sorted(groups.values(), key=lambda g: g[0].start)
    return _cut(parent, ordered) if ordered else None


def _prelude(parent: Melody) -> Fraction:
    """The bars before the first line (an intro bar under an opening pickup)."""
    return _line_start(min(n.start for n in parent.notes), parent.time) if parent.notes else Fraction(0)


def _models(old: Sequence[_Line], new: Sequence[_Line], count: int) -> list[tuple[LineFate, int | None]]:
    """For each new line: its fate and the parent line whose music it carries.

    Lines are matched by their words (whitespace aside): matched lines are kept; in a stretch where lines differ,
    new lines take the old lines' places in order and are re-set on their music; any new line left over borrows
    music (``_borrowed``), any old line left over is removed.
    """
    if not old:  # words for an instrumental: line n takes phrase n, later lines the phrases again
        return [(LineFate.RESET if j < count else LineFate.ADDED, j % count) for j in range(len(new))]
    models: list[tuple[LineFate, int | None]] = [(LineFate.ADDED, None)] * len(new)
    matcher = difflib.SequenceMatcher(
        None, [_words(o.text) for o in old], [_words(n.text) for n in new], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for i, j in zip(range(i1, i2), range(j1, j2), strict=False):
            models[j] = (LineFate.KEPT if tag == "equal" else LineFate.RESET, i)
    for j, (_, model) in enumerate(models):
        if model is None:
            models[j] = (LineFate.ADDED, _borrowed(old, new[j], j, models))
    return models


def _words(text: str) -> str:
    return " ".join(text.split())


def _borrowed(old: Sequence[_Line], line: _Line, position: int, models: Sequence[tuple[LineFate, int | None]]) -> int:
    """The parent line an added line takes its music from: the same words, else the same place in a section of the
    same kind (the same label first), else the line before it in the new lyrics, else the parent's first line."""
    words = _words(line.text)
    for candidate in old:
        if _words(candidate.text) == words:
            return candidate.number - 1
    kind = section_kind(line.label)
    same_kind = [c for c in old if section_kind(c.label) == kind]
    for pool in ([c for c in same_kind if c.label.strip().lower() == line.label.strip().lower()], same_kind):
        at = [c for c in pool if c.index == line.index]
        if at:
            return at[0].number - 1
        if pool:
            return min(pool, key=lambda c: (abs(c.index - line.index), c.number)).number - 1
    earlier = [model for _, model in models[:position] if model is not None]
    return earlier[-1] if earlier else 0


def _fallback_pitch(done: Sequence[LineMusic], music: Sequence[LineMusic]) -> int:
    """Where a line with no notes to follow starts: the last pitch sung before it, else the song's first."""
    for window in (*reversed(done), *music):
        pitches = [n.pitch for n in window.notes if n.pitch is not None]
        if pitches:
            return pitches[-1]
    return 64


def _assemble(
    parent: Melody, prelude: Fraction, lines: Sequence[_Line], windows: Sequence[LineMusic], time: Meter
) -> Melody:
    """Lay the windows end to end after the prelude, renumbering notes to their new lines."""
    notes: list[Note] = []  # the prelude holds no notes of its own: an opening pickup belongs to the first line
    chords = [replace(c, duration=min(c.end, prelude) - c.start) for c in parent.chords if c.start < prelude]
    position = prelude
    for line, window in zip(lines, windows, strict=True):
        for note in window.notes:
            notes.append(replace(note, start=position + note.start, section=line.section, line=line.index))
        for chord in window.chords:
            chords.append(ChordSpan(chord.symbol, position + chord.start, chord.duration))
        position += window.length(time)
    notes.sort(key=lambda n: n.start)
    for i in range(len(notes) - 1):
        if notes[i].end > notes[i + 1].start:  # a pickup into a line that moved: the note before makes room
            notes[i] = replace(notes[i], duration=notes[i + 1].start - notes[i].start)
    return replace(parent, notes=tuple(n for n in notes if n.duration > 0), chords=tuple(_merged(chords)))


def _merged(chords: Sequence[ChordSpan]) -> list[ChordSpan]:
    merged: list[ChordSpan] = []
    for chord in sorted(chords, key=lambda c: c.start):
        if chord.duration <= 0:
            continue
        if merged and merged[-1].symbol == chord.symbol and merged[-1].end == chord.start:
            merged[-1] = replace(merged[-1], duration=merged[-1].duration + chord.duration)
        else:
            merged.append(chord)
    return merged


def _recomposed(parent: Melody, new: Lyrics, lines: Sequence[_Line]) -> Resetting:
    """A new melody for the words, composed in the parent's key, mode, tempo, metre and genre with its seed."""
    melody = compose(new, frame_settings(parent), seed=parent.seed)
    return Resetting(melody, tuple(LineSetting(line.number, LineFate.ADDED, None) for line in lines), recomposed=True)


def carries(parent: Melody, melody: Melody) -> bool:
    """Whether ``melody`` is ``parent``'s tune carried to new words: ``reset_melody`` keeps the frame and the seed
    exactly (key, mode, tempo, metre, genre, seed) and lays only the parent's chords.

    A member's file is read with seed 0 and a frame of its own; two members' files may share a frame, so a
    parent with seed 0 is carried only when some line of it comes back note for note.
    """
    frame = ("tonic", "mode", "tempo", "meter", "genre", "seed")
    same_frame = all(getattr(parent, name) == getattr(melody, name) for name in frame)
    if not same_frame or not {c.symbol for c in melody.chords} <= {c.symbol for c in parent.chords}:
        return False
    return parent.seed != 0 or _shares_a_line(parent, melody)


def _shares_a_line(parent: Melody, melody: Melody) -> bool:
    """Whether some line of ``melody`` (three notes or more) is sung somewhere in ``parent`` note for note."""
    whole = [(n.pitch, n.duration) for n in sorted(parent.pitched, key=lambda n: n.start)]
    lines: dict[tuple[int, int], list[tuple[int | None, Fraction]]] = {}
    for note in melody.pitched:
        lines.setdefault((note.section, note.line), []).append((note.pitch, note.duration))
    return any(
        whole[i : i + len(line)] == line
        for line in lines.values()
        if len(line) >= 3
        for i in range(len(whole) - len(line) + 1)
    )


def frame_settings(melody: Melody) -> MusicSettings:
    """The composer's settings that reproduce a melody's frame: its key, mode, tempo, metre and genre."""
    tempo = min(max(melody.tempo, TEMPO_RANGE[0]), TEMPO_RANGE[1])
    genre = melody.genre.value if melody.genre is not None else None
    try:
        return MusicSettings(key=melody.tonic, mode=melody.mode, tempo=tempo, meter=melody.meter, genre=genre)
    except SettingsError:  # a member's file in a metre the composer does not write: keep the rest of the frame
        return MusicSettings(key=melody.tonic, mode=melody.mode, tempo=tempo, genre=genre)


def _lines(numbers: Sequence[int]) -> str:
    """Line numbers as a member reads them: "line 3", "lines 3 and 7", "lines 1–4 and 9"; past a handful of
    stretches, just how many."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    if len(runs) > _MAX_RUNS:
        return f"{len(numbers)} lines"
    parts = [str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs]
    if len(numbers) == 1:
        return f"line {parts[0]}"
    return f"lines {parts[0]}" if len(parts) == 1 else f"lines {', '.join(parts[:-1])} and {parts[-1]}"


def _its(count: int) -> str:
    return "its" if count == 1 else "their"
