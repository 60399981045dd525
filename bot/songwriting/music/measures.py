"""Reference-free quality measures of a melody, comparable with the human folk-song band in the notes.

Human band (p10 / median / p90 over 431 folk melodies): pitch-class entropy 2.26 / 2.53 / 2.76 bits, in-key
0.78 / 1.00 / 1.00, range 8 / 12 / 16 semitones, mean |interval| 1.54 / 2.05 / 2.71, leaps over five semitones
0.00 / 0.03 / 0.10, repeated notes 0.07 / 0.19 / 0.35. Real songs put about 81 % of keywords on strong beats.

The song-shape measures have no corpus baseline here and are targets instead: ``chorus_lift`` (the chorus's mean
pitch minus the verses', in semitones; a pop chorus lands when it sits higher, ≥ 2 is the aim), ``hook_on_peak``
(the chorus's highest or longest note is in its first line, where the hook is) and ``motifs`` (the share of
sections of three lines or more in which a line's opening contour comes back in another line, exactly or moved).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from fractions import Fraction

from bot.songwriting.music.harmony import chord_pitch_classes, section_kind
from bot.songwriting.music.melody import Melody, Note
from bot.songwriting.words.lyrics import Lyrics
from bot.songwriting.words.prosody import Syllable, line_syllables, rejoined_syllables

HUMAN_BAND: dict[str, tuple[float, float]] = {
    "pitch_class_entropy": (2.26, 2.76),
    "in_key": (0.78, 1.0),
    "range": (8.0, 16.0),
    "mean_interval": (1.54, 2.71),
    "leap_share": (0.0, 0.10),
    "repeated_share": (0.07, 0.35),
}
"""The p10–p90 band of the human baseline for the measures it covers."""


def measure(melody: Melody, lyrics: Lyrics | None) -> dict[str, float]:
    """Measure a melody; without lyrics, the syllables its notes carry stand in for them.

    Measures that do not apply (no keywords, no repeated chorus) count as fully met (1.0).
    """
    pitched = [n for n in melody.notes if n.pitch is not None]
    pitches = [n.pitch for n in pitched if n.pitch is not None]
    intervals = [abs(b - a) for a, b in itertools.pairwise(pitches)]
    time = melody.time
    key = melody.key
    sung = [n for n in pitched if n.syllable is not None]
    expected = _expected_syllables(melody, lyrics)
    matched = sum(
        1 for note, syllable in zip(sung, expected, strict=False) if _bare(note.syllable) == _bare(syllable.text)
    )
    keywords = [note for note, syllable in zip(sung, expected, strict=False) if syllable.keyword]
    strong_notes = [n for n in pitched if time.strong(n.start)]
    diatonic = [n for n in pitched if not n.chromatic]
    syncopated = [n for n in pitched if time.weight(n.start) == 0 and n.end > (n.start // time.beat + 1) * time.beat]
    return {
        "syllable_alignment": matched / max(len(sung), len(expected)) if expected or sung else 1.0,
        "keywords_on_strong": _share(sum(time.strong(n.start) for n in keywords), len(keywords)),
        "chord_tones_on_strong": _share(sum(_chord_tone(melody, n) for n in strong_notes), len(strong_notes)),
        "in_key": _share(sum(key.contains(n.pitch or 0) for n in diatonic), len(diatonic)),
        "range": float(max(pitches) - min(pitches)) if pitches else 0.0,
        "pitch_class_entropy": _entropy(Counter(p % 12 for p in pitches)),
        "mean_interval": sum(intervals) / len(intervals) if intervals else 0.0,
        "leap_share": _share(sum(i > 5 for i in intervals), len(intervals), empty=0.0),
        "repeated_share": _share(sum(i == 0 for i in intervals), len(intervals), empty=0.0),
        "syncopation": _share(len(syncopated), len(pitched), empty=0.0),
        "chorus_repetition": _chorus_repetition(melody, lyrics),
        "chorus_lift": chorus_lift(melody, lyrics),
        "hook_on_peak": _hook_on_peak(melody, lyrics),
        "motifs": _motifs(melody),
    }


def chorus_lift(melody: Melody, lyrics: Lyrics | None) -> float:
    """The first chorus's mean pitch minus the verses' mean, in semitones; NaN when the song lacks either."""
    if lyrics is None:
        return math.nan
    kinds = {i: section_kind(s.label) for i, s in enumerate(lyrics.sections)}
    choruses = [i for i, kind in kinds.items() if kind == "chorus"]
    if not choruses:
        return math.nan
    chorus = [n.pitch for n in melody.pitched if n.section == choruses[0] and n.pitch is not None]
    verses = [n.pitch for n in melody.pitched if kinds.get(n.section) == "verse" and n.pitch is not None]
    if not chorus or not verses:
        return math.nan
    return sum(chorus) / len(chorus) - sum(verses) / len(verses)


def _hook_on_peak(melody: Melody, lyrics: Lyrics | None) -> float:
    """Share of distinct choruses whose first line holds the chorus's highest note or its longest mid-line note."""
    if lyrics is None:
        return 1.0
    seen: set[str] = set()
    hits = total = 0
    for index, section in enumerate(lyrics.sections):
        label = section.label.strip().lower()
        notes = [n for n in melody.pitched if n.section == index]
        if section_kind(section.label) != "chorus" or label in seen or not notes:
            continue
        seen.add(label)
        total += 1
        top = max(n.pitch or 0 for n in notes)
        ends = {max((n for n in notes if n.line == line), key=lambda n: n.start) for line in {n.line for n in notes}}
        inner = [n for n in notes if n not in ends] or notes
        longest = max(n.duration for n in inner)
        hits += any(n.line == 0 and (n.pitch == top or (n in inner and n.duration == longest)) for n in notes)
    return _share(hits, total)


def _motifs(melody: Melody) -> float:
    """Share of sections of three lines or more where two lines open with the same contour (±1 semitone a step)."""
    lines: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for note in melody.pitched:
        lines[note.section][note.line].append(note.pitch or 0)
    found = total = 0
    for by_line in lines.values():
        if len(by_line) < 3:
            continue
        total += 1
        openings = [[b - a for a, b in itertools.pairwise(p[:5])] for p in by_line.values() if len(p) >= 4]
        found += any(
            len(x) == len(y) and all(abs(i - j) <= 1 and (i > 0) == (j > 0) for i, j in zip(x, y, strict=True))
            for x, y in itertools.combinations(openings, 2)
        )
    return _share(found, total, empty=0.0)


def _expected_syllables(melody: Melody, lyrics: Lyrics | None) -> list[Syllable]:
    """The syllables the notes should carry: from the lyrics, else rebuilt from the notes' own text."""
    if lyrics is not None:
        return [s for line in lyrics.lines for s in line_syllables(line)]
    lines: dict[tuple[int, int], list[str]] = defaultdict(list)
    for note in melody.notes:
        if note.syllable is not None:
            lines[(note.section, note.line)].append(note.syllable)
    return [s for pieces in lines.values() for s in rejoined_syllables(pieces)]


def _bare(text: str | None) -> str:
    return (text or "").rstrip("-").strip().lower()


def _chord_tone(melody: Melody, note: Note) -> bool:
    chord = melody.chord_at(note.start)
    return chord is None or (note.pitch or 0) % 12 in chord_pitch_classes(chord.symbol)


def _entropy(counts: Counter[int]) -> float:
    total = sum(counts.values())
    return -sum(c / total * math.log2(c / total) for c in counts.values()) if total else 0.0


def _share(part: float, whole: int, *, empty: float = 1.0) -> float:
    return part / whole if whole else empty


def _chorus_repetition(melody: Melody, lyrics: Lyrics | None) -> float:
    """Share of repeated sections (same label) whose notes and rhythm match the first time they were sung."""
    if lyrics is None:
        return 1.0
    shapes: dict[int, list[tuple[int | None, Fraction, Fraction]]] = defaultdict(list)
    starts: dict[int, Fraction] = {}
    for note in melody.notes:
        start = starts.setdefault(note.section, note.start)
        shapes[note.section].append((note.pitch, note.start - start, note.duration))
    first: dict[str, list[tuple[int | None, Fraction, Fraction]]] = {}
    repeats = same = 0
    for index, section in enumerate(lyrics.sections):
        label = section.label.strip().lower()
        if index not in shapes:
            continue
        if label in first:
            repeats += 1
            same += _same_shape(first[label], shapes[index])
        else:
            first[label] = shapes[index]
    return same / repeats if repeats else 1.0


def _same_shape(a: list[tuple[int | None, Fraction, Fraction]], b: list[tuple[int | None, Fraction, Fraction]]) -> bool:
    # The last note may be cut short by the next section's pickup: compare it without its length.
    return len(a) == len(b) and a[:-1] == b[:-1] and a[-1][:2] == b[-1][:2]
