"""MusicXML lead sheets, re-parsed with music21."""

from __future__ import annotations

import dataclasses
import functools
from fractions import Fraction

import pytest
from music21 import clef, converter, harmony, key, metadata, meter, note, stream, tempo, text

from bot.songwriting.music.composer import compose
from bot.songwriting.music.melody import ChordSpan, Melody, Meter, Note
from bot.songwriting.music.settings import MusicSettings
from bot.songwriting.render.musicxml import to_musicxml
from bot.songwriting.versions.credits import MELODY_WRITER, Authorship, Disclosure
from tests.songwriting.notation import beat_crossings
from tests.songwriting.songs import NIGHT_TRAIN


@functools.cache
def _lead_sheet(key_name: str = "F major", meter_text: str = "4/4") -> tuple[Melody, bytes, stream.Score]:
    melody = compose(NIGHT_TRAIN, MusicSettings(key=key_name, tempo=96, meter=meter_text), seed=2)
    data = to_musicxml(melody, "Night Train Home")
    return melody, data, _parse(data)


def _parse(data: bytes) -> stream.Score:
    score = converter.parseData(data.decode("utf-8"), format="musicxml")
    assert isinstance(score, stream.Score)
    return score


def test_title_and_no_music21_credits() -> None:
    """The score is titled as asked, never "Music21 Fragment", and credits no "Music21" composer."""
    _, data, score = _lead_sheet()
    assert isinstance(score.metadata, metadata.Metadata)
    assert score.metadata.bestTitle == "Night Train Home"
    assert b"<work-title>Night Train Home</work-title>" in data
    assert b"Music21" not in data


def test_pitches_and_rhythm_read_back() -> None:
    """Tied-over notes merge back into the melody's notes: same pitches, onsets and lengths."""
    melody, _, score = _lead_sheet()
    notes = list(score.parts[0].stripTies().flatten().getElementsByClass(note.Note))
    assert [n.pitch.midi for n in notes] == [n.pitch for n in melody.notes]
    assert [Fraction(n.offset) for n in notes] == [n.start for n in melody.notes]
    assert [Fraction(n.quarterLength) for n in notes] == [n.duration for n in melody.notes]


def test_lyrics_with_syllabic() -> None:
    """Every sung note carries its syllable, marked begin/middle/end/single as the word runs."""
    melody, _, score = _lead_sheet()
    notes = list(score.parts[0].stripTies().flatten().getElementsByClass(note.Note))
    assert [n.lyric for n in notes] == [(m.syllable or "").removesuffix("-") for m in melody.notes]
    syllabic = [n.lyrics[0].syllabic for n in notes[:4]]
    assert syllabic == ["single", "single", "begin", "end"]  # I walk a-lone


def test_three_syllable_word_has_a_middle() -> None:
    """A three-syllable word runs begin, middle, end."""
    notes = (
        Note(60, Fraction(0), Fraction(1), "beau-", 0, 0),
        Note(62, Fraction(1), Fraction(1), "ti-", 0, 0),
        Note(64, Fraction(2), Fraction(2), "ful", 0, 0),
    )
    melody = Melody(notes, (ChordSpan("C", Fraction(0), Fraction(4)),), "C", "major", 100, "4/4", 0)
    score = _parse(to_musicxml(melody, "t"))
    sung = score.flatten().getElementsByClass(note.Note)
    assert [n.lyrics[0].syllabic for n in sung] == ["begin", "middle", "end"]


def test_chord_symbols_in_order() -> None:
    """Chord symbols appear where the chords change, spelled for the key."""
    melody, _, score = _lead_sheet()
    symbols = list(score.flatten().getElementsByClass(harmony.ChordSymbol))
    assert [s.figure.replace("-", "b") for s in symbols] == [c.symbol for c in melody.chords]
    assert [Fraction(s.offset) for s in symbols] == [c.start for c in melody.chords]


def test_tempo_key_and_metre() -> None:
    """The tempo mark, key (with mode) and time signature come back."""
    _, _, score = _lead_sheet()
    flat = score.flatten()
    assert flat.getElementsByClass(tempo.MetronomeMark)[0].getQuarterBPM() == 96
    found = flat.getElementsByClass(key.Key)[0]
    assert (found.tonic.name, found.mode, found.sharps) == ("F", "major", -1)
    assert flat.getElementsByClass(meter.TimeSignature)[0].ratioString == "4/4"


def test_compound_metre_marks_dotted_quarters() -> None:
    """In 6/8 the metronome mark counts dotted quarters (96 quarters = 64 dotted quarters)."""
    _, _, score = _lead_sheet("D major", "6/8")
    mark = score.flatten().getElementsByClass(tempo.MetronomeMark)[0]
    assert (mark.number, mark.referent.quarterLength) == (64, 1.5)


@pytest.mark.parametrize("key_name", ["F major", "Bb minor", "E major"])
def test_no_stray_accidentals(key_name: str) -> None:
    """Diatonic notes print no accidental (the int-pitch pitfall, and chord symbols' notes, would add naturals)."""
    _, data, _ = _lead_sheet(key_name)
    assert b"<accidental" not in data


def test_chromatic_note_shows_its_accidental_once_per_bar() -> None:
    """A raised note shows a sharp, a repeat in the bar does not, the return to the key shows a natural."""
    notes = tuple(Note(p, Fraction(i), Fraction(1), None, 0, 0) for i, p in enumerate([67, 68, 68, 67]))
    melody = Melody(notes, (), "A", "minor", 100, "4/4", 0)
    data = to_musicxml(melody, "t").decode("utf-8")
    assert data.count("<accidental>sharp</accidental>") == 1
    assert data.count("<accidental>natural</accidental>") == 1


def test_gaps_become_rests_and_the_last_bar_is_full() -> None:
    """Silence before, between and after notes is written as rests filling whole bars."""
    notes = (Note(60, Fraction(1), Fraction(1), None, 0, 0), Note(62, Fraction(3), Fraction(2), None, 0, 0))
    melody = Melody(notes, (), "C", "major", 100, "4/4", 0)
    score = _parse(to_musicxml(melody, "t"))
    measures = list(score.parts[0].getElementsByClass(stream.Measure))
    assert [m.duration.quarterLength for m in measures] == [4.0, 4.0]
    rests = [r.quarterLength for r in score.flatten().getElementsByClass(note.Rest)]
    assert rests == [1.0, 1.0, 1.0, 2.0]  # the last three beats of bar 2: quarter, then a half on beat 3


@pytest.mark.parametrize(
    ("meter", "start", "rests"),
    [
        ("4/4", Fraction(7, 2), [2.0, 1.0, 0.5]),  # never a double-dotted half rest before a pickup
        ("4/4", Fraction(3), [2.0, 1.0]),
        ("3/4", Fraction(5, 2), [1.0, 1.0, 0.5]),
        ("12/8", Fraction(5), [3.0, 1.5, 0.5]),
        ("6/8", Fraction(2), [1.5, 0.5]),
    ],
)
def test_rests_are_written_by_the_beat(meter: str, start: Fraction, rests: list[float]) -> None:
    """A silence opening the first bar shows its beats: half-bar rests only from the bar or the half bar."""
    to_bar_end = Meter.parse(meter).bar - start
    melody = Melody((Note(72, start, to_bar_end, "Here", 0, 0),), (), "C", "major", 100, meter, 0)
    score = _parse(to_musicxml(melody, "t"))
    first = score.parts[0].getElementsByClass(stream.Measure)[0]
    assert [r.quarterLength for r in first.getElementsByClass(note.Rest)] == rests


def _transposed(melody: Melody, semitones: int) -> Melody:
    notes = tuple(dataclasses.replace(n, pitch=n.pitch + semitones) if n.pitch is not None else n for n in melody.notes)
    return dataclasses.replace(melody, notes=notes)


def _clef_of(melody: Melody) -> clef.Clef:
    found = _parse(to_musicxml(melody, "t")).parts[0].recurse().getElementsByClass(clef.Clef)
    assert len(found) == 1
    return found[0]


def _tune_from(low: int) -> Melody:
    """A D-major tune in 3/4 (a chord a bar) walking up an octave from ``low`` and back."""
    steps = (0, 1, 3, 5, 6, 8, 10, 12, 10, 8, 6, 5, 3, 1, 0)
    notes = tuple(Note(low + s, Fraction(i), Fraction(1), None, 0, 0) for i, s in enumerate(steps))
    chords = tuple(ChordSpan("D", Fraction(3 * i), Fraction(3)) for i in range(5))
    return Melody(notes, chords, "D", "major", 100, "3/4", 0)


def test_treble_range_tune_gets_a_treble_clef() -> None:
    """A C#4–C#5 tune in 3/4 (a chord a bar) is written in treble clef; music21's guess gave it a bass clef."""
    melody = _tune_from(61)
    assert melody.summary().endswith("range C#4–C#5")
    found = _clef_of(melody)
    assert (found.sign, found.line, found.octaveChange) == ("G", 2, 0)


def test_low_voice_gets_the_octave_down_treble_clef() -> None:
    """A tenor's D3–D4 tune is written in treble-8, as vocal scores do."""
    found = _clef_of(_tune_from(50))
    assert isinstance(found, clef.Treble8vbClef)
    assert (found.sign, found.line, found.octaveChange) == ("G", 2, -1)


def test_only_a_truly_low_line_gets_a_bass_clef() -> None:
    """A line around F#2–F#3 sits below even the octave-down treble staff, so it is written in bass clef."""
    found = _clef_of(_tune_from(42))
    assert (found.sign, found.line) == ("F", 4)


@pytest.mark.parametrize("meter_text", ["6/8", "9/8", "12/8"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_compound_metre_shows_its_dotted_quarter_beats(meter_text: str, seed: int) -> None:
    """No note straddles a dotted-quarter beat in 6/8, 9/8 or 12/8: it is tied over it (there were 19 a sketch)."""
    melody = compose(NIGHT_TRAIN, MusicSettings(key="D major", meter=meter_text), seed=seed)
    assert beat_crossings(_parse(to_musicxml(melody, "t")), meter_text) == []


def test_compound_metre_ties_read_back_as_the_melody() -> None:
    """The ties over 6/8's middle join back into the melody's notes, each syllable sung once, on its first piece."""
    melody = compose(NIGHT_TRAIN, MusicSettings(key="D major", meter="6/8"), seed=2)
    score = _parse(to_musicxml(melody, "t"))
    pieces = list(score.parts[0].flatten().getElementsByClass(note.Note))
    assert any(
        n.tie is not None and Fraction(n.offset) % 3 + Fraction(n.quarterLength) == Fraction(3, 2) for n in pieces
    )
    assert all(not n.lyrics for n in pieces if n.tie is not None and n.tie.type != "start")
    notes = list(score.parts[0].stripTies().flatten().getElementsByClass(note.Note))
    assert [(n.pitch.midi, Fraction(n.offset), Fraction(n.quarterLength)) for n in notes] == [
        (n.pitch, n.start, n.duration) for n in melody.notes
    ]
    assert [n.lyric for n in notes] == [(m.syllable or "").removesuffix("-") for m in melody.notes]


MEMBERS = Disclosure(Authorship((("Ana", 0.6), ("Bo", 0.2)), ai_share=0.2), Authorship.by_member("Cy"))
AI_DRAFT = Disclosure(Authorship.by_ai("offline writer"), Authorship.by_ai(MELODY_WRITER))


def test_members_are_creators_and_the_ai_is_disclosed() -> None:
    """Members are the lyricists and composer; the disclosure line is the rights and a page credit."""
    melody = compose(NIGHT_TRAIN, MusicSettings(key="F major", tempo=96), seed=2)
    score = _parse(to_musicxml(melody, "Night Train Home", disclosure=MEMBERS))
    assert isinstance(score.metadata, metadata.Metadata)
    assert score.metadata.lyricists == ("Ana", "Bo")
    assert score.metadata.composers == ("Cy",)
    assert score.metadata.copyright == MEMBERS.line
    assert [box.content for box in score.getElementsByClass(text.TextBox)] == ["Night Train Home", MEMBERS.line]


def test_an_ai_draft_credits_no_creator_and_discloses_the_ai() -> None:
    """An AI draft has no creator at all (it had an empty one) and says it is an AI draft."""
    melody = compose(NIGHT_TRAIN, MusicSettings(key="F major", tempo=96), seed=2)
    data = to_musicxml(melody, "Night Train Home", disclosure=AI_DRAFT)
    assert b"<creator" not in data
    assert b"Music21" not in data
    score = _parse(data)
    assert isinstance(score.metadata, metadata.Metadata)
    assert score.metadata.copyright == AI_DRAFT.line
    assert AI_DRAFT.line in [box.content for box in score.getElementsByClass(text.TextBox)]
