"""MusicXML lead sheet: title, tempo, key, clef, metre, chord symbols, and lyrics under the notes.

Built with music21 from spelled pitch names (an int pitch would print a natural sign on every note) and with
metadata set, so the score is never titled "Music21 Fragment" nor credited to "Music21". The clef is chosen here
from the melody alone: music21's guess counts the chord symbols' low notes and gave treble tunes a bass clef.

Who made it: members are ``<creator>`` lyricists and composers; the AI never is. The disclosure line is the
score's ``<rights>`` and a page ``<credit>`` under the title, which is what verovio engraves on the score image
(it draws credits, not creators; with any credit present it draws no title of its own, so the title is one too).
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Sequence
from fractions import Fraction
from typing import Literal
from xml.etree.ElementTree import Element, SubElement

from music21 import clef, duration, expressions, harmony, key, metadata, meter, note, pitch, spanner, stream, tempo, tie
from music21.musicxml.m21ToXml import ScoreExporter

from bot.songwriting.music.melody import Melody, Meter, pitch_name
from bot.songwriting.render.marks import add_swing, section_marks, swing_mark, tempo_after_time_signature
from bot.songwriting.render.rests import rest_edges
from bot.songwriting.versions.credits import Disclosure

Clef = Literal["treble", "treble-8", "bass"]

# The staff's bottom and top lines as diatonic steps (C0 = 0) of the pitch they sound: treble E4–F5, the tenor's
# octave-down treble E3–F4, bass G2–A3. Tried in this order; a later clef must need fewer ledger lines to win.
_STAVES: tuple[tuple[Clef, int, int], ...] = (("treble", 30, 38), ("treble-8", 23, 31), ("bass", 18, 26))
_LETTERS = "CDEFGAB"
UNTITLED = "Untitled sketch"
# Suffixes music21 reads as another MusicXML kind (or not at all): "m7b5" became a minor seventh with an added
# flat fifth instead of half-diminished, "C5" a kind MusicXML cannot name, "6/9" an error.
_M21_SUFFIX = {"5": "power", "m7b5": "ø7", "ø": "ø7", "sus": "sus4", "7sus": "7sus4", "6/9": "6add9", "69": "6add9"}


def to_musicxml(
    melody: Melody, title: str, *, disclosure: Disclosure | None = None, sections: Sequence[str] = ()
) -> bytes:
    """Render a lead sheet as uncompressed MusicXML bytes, credited and disclosed as ``disclosure`` says.

    ``sections`` are the lyric sections' labels, by index, for the rehearsal marks (letters without them).
    """
    # makeNotation is done in build_score; music21's own pass would copy the score and re-spell it.
    score = build_score(melody, title, disclosure=disclosure, sections=sections)
    exporter = ScoreExporter(score, makeNotation=False)
    root = exporter.parse()
    identification = root.find("identification")
    if identification is not None:
        for creator in identification.findall("creator"):
            if not (creator.text or "").strip():  # the placeholder that keeps music21's "Music21" out
                identification.remove(creator)
    _add_credits(root, title or UNTITLED, disclosure)
    _extend_held_words(root)
    tempo_after_time_signature(root)
    swing = swing_mark(melody)
    if swing is not None:
        add_swing(root, swing)
    return bytes(exporter.asBytes())


def build_score(
    melody: Melody, title: str, *, disclosure: Disclosure | None = None, sections: Sequence[str] = ()
) -> stream.Score:
    """Build the music21 score of a lead sheet (one part, measures made, ties across bar lines and 6/8's middle)."""
    score = stream.Score()
    score.metadata = metadata.Metadata()
    score.metadata.title = title or UNTITLED
    lyricists = disclosure.lyricists if disclosure else ()
    composers = disclosure.composers if disclosure else ()
    for role, names in (("lyricist", lyricists), ("composer", composers)):
        for name in names:
            score.metadata.addContributor(metadata.Contributor(role=role, name=name))
    if not lyricists and not composers:
        score.metadata.composer = ""  # left unset, music21 would credit "Music21"; the empty creator is dropped
    if disclosure is not None:
        score.metadata.copyright = metadata.Copyright(disclosure.line)
    part = stream.Part()  # type: ignore[no-untyped-call]  # music21 leaves Part.__init__ untyped
    part.partName = "Voice" if any(n.syllable for n in melody.notes) else "Melody"
    the_key = melody.key
    part.insert(0, _m21_clef(choose_clef(melody)))
    part.insert(0, key.Key(_m21_name(the_key.tonic), melody.mode))
    part.insert(0, meter.TimeSignature(melody.meter))
    part.insert(0, _metronome(melody))
    symbols: dict[str, harmony.ChordSymbol] = {}
    for chord in melody.chords:
        if chord.symbol not in symbols:
            symbols[chord.symbol] = chord_symbol(chord.symbol)
        # Parsing a figure is slow (about a millisecond); copying a parsed one is ten times faster.
        part.insert(float(chord.start), copy.deepcopy(symbols[chord.symbol]))
    for at, label in section_marks(melody, sections):
        part.insert(float(at), expressions.RehearsalMark(label))  # type: ignore[no-untyped-call]  # untyped in music21
    time = melody.time
    position = Fraction(0)
    previous_continues = False
    runs: list[list[note.Note]] = []  # the notes of each melisma, slurred once the part is built
    for item in sorted(melody.notes, key=lambda n: n.start):
        if item.start > position:
            _insert_rests(part, time, position, item.start)
        if item.pitch is None:
            _insert_rests(part, time, item.start, item.end)
        else:
            name = _m21_name(pitch_name(item.pitch, the_key))
            edges = [item.start, *time.notation_cuts(item.start, item.end), item.end]
            for index, (start, end) in enumerate(itertools.pairwise(edges)):
                sounding = note.Note(name)
                sounding.duration = duration.Duration(end - start)
                if len(edges) > 2:  # cut at a bar line or, in 6/8, the middle of the bar: tied, sung once
                    kind = "start" if index == 0 else "stop" if index == len(edges) - 2 else "continue"
                    sounding.tie = tie.Tie(kind)  # type: ignore[no-untyped-call]  # untyped in music21
                if item.syllable and index == 0:
                    text = item.syllable.removesuffix("-")
                    continues = item.syllable.endswith("-")
                    sounding.lyrics = [note.Lyric(text, syllabic=_syllabic(previous_continues, continues))]
                    previous_continues = continues
                part.insert(float(start), sounding)
                if item.melisma and runs:
                    runs[-1].append(sounding)
                elif index == 0:
                    runs.append([sounding])
        position = max(position, item.end)
    if melody.length > position:
        _insert_rests(part, time, position, melody.length)
    for run in runs:
        if len(run) > 1:
            part.insert(0, spanner.Slur(run))  # type: ignore[no-untyped-call]  # untyped in music21
    part.makeMeasures(inPlace=True)  # type: ignore[no-untyped-call]  # untyped in music21
    part.splitAtDurations(recurse=True)  # a five-eighth note becomes a tied half and eighth
    for bar in part.getElementsByClass(stream.Measure):
        bar.makeBeams(inPlace=True)  # type: ignore[no-untyped-call]  # untyped in music21
    _spell_accidentals(part, the_key.sharps)
    score.insert(0, part)
    return score


def _add_credits(root: Element, title: str, disclosure: Disclosure | None) -> None:
    """Put the title, and the disclosure line right-aligned under it, on the first page (before the part list).

    The sizes are for other readers (MuseScore): verovio takes only the alignment and the weight.
    """
    if disclosure is None:
        return
    credits = [("title", "center", "top", "22", title), ("rights", "right", "bottom", "10", disclosure.line)]
    at = next((i for i, child in enumerate(root) if child.tag == "part-list"), len(root))
    for offset, (kind, justify, valign, size, text) in enumerate(credits):
        credit = Element("credit", page="1")
        SubElement(credit, "credit-type").text = kind
        words = SubElement(credit, "credit-words", justify=justify, valign=valign)
        words.set("font-size", size)
        if kind == "title":
            words.set("font-weight", "bold")
        words.text = text
        root.insert(at + offset, credit)


def _extend_held_words(root: Element) -> None:
    """Draw the extender line under a word's last syllable held through a melisma (``<extend/>``): a sung note
    with no syllable of its own that is not a tied continuation goes on singing the syllable before it."""
    held: Element | None = None
    for item in root.iterfind("part/measure/note"):
        if item.find("rest") is not None:
            held = None
            continue
        lyric = item.find("lyric")
        if lyric is not None:
            held = lyric if lyric.findtext("syllabic") in ("single", "end") else None
        elif held is not None and item.find("tie[@type='stop']") is None:
            if held.find("extend") is None:
                SubElement(held, "extend")
            held = None


def choose_clef(melody: Melody) -> Clef:
    """Pick the clef that needs the fewest ledger lines over the melody's notes: treble, else treble-8, else bass.

    A tune in the usual singing range stays in treble; a tenor or baritone line gets the octave-down treble
    that vocal scores use for men's voices; only a line that sits lower still is written in bass clef.
    """
    pitches = [n.pitch for n in melody.notes if n.pitch is not None]
    the_key = melody.key  # parsed once, and each pitch spelled once: this runs on every lead sheet
    step_of = {p: _diatonic_step(pitch_name(p, the_key)) for p in set(pitches)}
    steps = [step_of[p] for p in pitches]
    best, fewest = _STAVES[0][0], None
    for name, bottom, top in _STAVES:
        ledgers = sum(max(0, (bottom - step) // 2, (step - top) // 2) for step in steps)
        if fewest is None or ledgers < fewest:
            best, fewest = name, ledgers
    return best


def _diatonic_step(name: str) -> int:
    """A spelled pitch name ("C#4") as its staff position counted in letter steps from C0."""
    return int(name.lstrip("ABCDEFG#b")) * 7 + _LETTERS.index(name[0])


def _m21_clef(name: Clef) -> clef.Clef:
    kind = {"treble": clef.TrebleClef, "treble-8": clef.Treble8vbClef, "bass": clef.BassClef}[name]
    made: clef.Clef = kind()  # type: ignore[no-untyped-call]  # music21 leaves the clef constructors untyped
    return made


def _spell_accidentals(part: stream.Part, sharps: int) -> None:
    """Show an accidental only where a note departs from the key signature or an earlier one in its bar.

    music21's own pass also counts the chord symbols' notes, which would print stray naturals.
    """
    signature = {p.step: int(p.alter) for p in key.KeySignature(sharps).alteredPitches}
    for bar in part.getElementsByClass(stream.Measure):
        current: dict[tuple[str, int | None], int] = {}
        for item in bar.getElementsByClass(note.Note):
            sounding = item.pitch
            alter = int(sounding.alter)
            slot = (sounding.step, sounding.octave)
            tied_over = item.tie is not None and item.tie.type in ("stop", "continue")
            shown = not tied_over and alter != current.get(slot, signature.get(sounding.step, 0))
            current[slot] = alter
            sounding.accidental = pitch.Accidental(alter) if alter or shown else None
            if sounding.accidental is not None:
                sounding.accidental.displayStatus = shown


def _metronome(melody: Melody) -> tempo.MetronomeMark:
    """Mark the tempo by the felt beat: the dotted quarter in 6/8 and 12/8 when it comes out whole."""
    dotted = Fraction(melody.tempo * 2, 3)
    if melody.time.compound and dotted.denominator == 1:
        return tempo.MetronomeMark(number=int(dotted), referent=duration.Duration(1.5))
    return tempo.MetronomeMark(number=melody.tempo, referent=duration.Duration(1.0))


def _insert_rests(part: stream.Part, time: Meter, start: Fraction, end: Fraction) -> None:
    """Fill a silence with rests written by the beat (``rests``): a bar rest, or beats and half bars."""
    for a, b in itertools.pairwise(rest_edges(time, start, end)):
        rest = note.Rest()
        rest.duration = duration.Duration(b - a)
        part.insert(float(a), rest)


def _syllabic(previous_continues: bool, continues: bool) -> Literal["begin", "middle", "end", "single"]:
    if previous_continues:
        return "middle" if continues else "end"
    return "begin" if continues else "single"


def _m21_name(name: str) -> str:
    """music21 writes flats as '-': 'Bb4' becomes 'B-4'."""
    return name[0] + name[1:].replace("b", "-")


def chord_symbol(symbol: str) -> harmony.ChordSymbol:
    """A chord symbol with its MusicXML kind right and its suffix shown as written (``<kind text="m7b5">``)."""
    root = symbol[:2] if len(symbol) > 1 and symbol[1] in "#b" else symbol[:1]
    suffix = symbol[len(root) :]
    made = harmony.ChordSymbol(_m21_name(root) + _M21_SUFFIX.get(suffix, suffix))
    if suffix and suffix != "5":
        made.chordKindStr = suffix.replace("b", "♭").replace("#", "♯")
    return made
