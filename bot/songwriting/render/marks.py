"""What a lead sheet marks above the staff besides the tempo: the feel (Swing, Shuffle) and the sections.

A swung genre engraved as straight eighths with no word is read straight, so the feel is written twice, as on a
printed chart: a words direction ("Shuffle" for the blues shuffle, "Swing" when the long eighth is at least 3/5
of the beat, "Light swing" below) and MusicXML's ``<sound><swing>`` with the ratio the band plays, for players
and notation programs that swing playback. Compound metres (6/8, 12/8) are ternary already and are never marked.

Sections get rehearsal marks with their lyric labels (Verse 1, Chorus…); an instrumental gets letters A, B, C.
A mark sits on the bar line of the section's first bar, or on its first note when a pickup shares that bar with
the section before.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from xml.etree.ElementTree import Element, SubElement

from bot.songwriting.music.arrangement import swing_ratio
from bot.songwriting.music.genres import Groove
from bot.songwriting.music.melody import Melody


@dataclass(frozen=True, slots=True)
class SwingMark:
    """The feel's word and the long and short eighths' proportion (2 : 1 for a triplet shuffle)."""

    words: str
    first: int
    second: int


def swing_mark(melody: Melody) -> SwingMark | None:
    """The swing marking a melody's genre calls for, or None for a straight feel or a compound metre."""
    style = melody.profile
    if style is None or style.feel.swing <= 0.5 or melody.time.beat != 1:
        return None
    ratio = swing_ratio(style.feel.swing)
    words = "Shuffle" if style.drums is Groove.SHUFFLE else "Swing" if ratio >= Fraction(3, 5) else "Light swing"
    return SwingMark(words, ratio.numerator, ratio.denominator - ratio.numerator)


def add_swing(root: Element, mark: SwingMark) -> None:
    """Write the swing marking as the first direction of the first bar (words above, the ratio as ``<sound>``)."""
    measure = root.find("part/measure")
    if measure is None:
        return
    direction = Element("direction", placement="above")
    words = SubElement(SubElement(direction, "direction-type"), "words")
    words.set("font-weight", "bold")
    words.text = mark.words
    swing = SubElement(SubElement(direction, "sound"), "swing")
    SubElement(swing, "first").text = str(mark.first)
    SubElement(swing, "second").text = str(mark.second)
    SubElement(swing, "swing-type").text = "eighth"
    after = [i for i, child in enumerate(measure) if child.tag in ("attributes", "direction")]
    measure.insert(after[-1] + 1 if after else 0, direction)


def section_marks(melody: Melody, labels: Sequence[str]) -> list[tuple[Fraction, str]]:
    """Where each section starts and its label (its lyric label, else a letter); none for a one-section tune."""
    firsts: dict[int, Fraction] = {}
    ends: dict[int, Fraction] = {}
    for note in sorted(melody.notes, key=lambda n: n.start):
        firsts.setdefault(note.section, note.start)
        ends[note.section] = note.end
    if len(firsts) < 2:
        return []
    bar = melody.time.bar
    marks: list[tuple[Fraction, str]] = []
    previous_end = Fraction(-1)
    for section, start in sorted(firsts.items(), key=lambda item: item[1]):
        bar_start = start // bar * bar
        at = start if previous_end > bar_start else bar_start
        label = labels[section].strip() if section < len(labels) and labels[section].strip() else None
        marks.append((at, label or string.ascii_uppercase[len(marks) % 26]))
        previous_end = ends[section]
    return marks


def tempo_after_time_signature(root: Element) -> None:
    """Attach the opening tempo mark to the first note instead of the bar line (one division later).

    verovio engraves a direction at the very start of a bar over the clef and time signature, where the mark
    touched a 12/8; a one-division offset is inaudible and moves it over the first note, clear of the signature.
    """
    for direction in root.iterfind("part/measure[1]/direction"):
        if direction.find("direction-type/metronome") is None or direction.find("offset") is not None:
            continue
        at = max(i for i, child in enumerate(direction) if child.tag == "direction-type")
        offset = Element("offset")
        offset.text = "1"
        direction.insert(at + 1, offset)
