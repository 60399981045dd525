"""ABC notation, read back with music21 and verovio."""

from __future__ import annotations

import functools
from fractions import Fraction

import pytest
import verovio
from music21 import converter, note, stream

from bot.songwriting.music.composer import compose
from bot.songwriting.music.melody import Melody, Note
from bot.songwriting.music.melody_input import abc_words, parse_melody
from bot.songwriting.music.settings import MusicSettings
from bot.songwriting.render.abc import to_abc
from bot.songwriting.versions.credits import MELODY_WRITER, Authorship, Disclosure
from tests.songwriting.notation import beat_crossings
from tests.songwriting.songs import NIGHT_TRAIN, PAPER_BOATS


@functools.cache
def _song(meter: str = "4/4", key: str = "Bb major") -> tuple[Melody, str]:
    melody = compose(NIGHT_TRAIN, MusicSettings(key=key, tempo=88, meter=meter), seed=6)
    return melody, to_abc(melody, "Night Train Home")


def test_header_fields() -> None:
    """The header names the tune, metre, unit length, tempo and key."""
    text = _song()[1]
    assert text.splitlines()[:6] == ["X:1", "T:Night Train Home", "M:4/4", "L:1/8", "Q:1/4=88", "K:Bb"]


@pytest.mark.parametrize(("key", "field"), [("A minor", "K:Am"), ("D dorian", "K:Ddor"), ("G mixolydian", "K:Gmix")])
def test_modes_in_the_key_field(key: str, field: str) -> None:
    """Modes are written the ABC way."""
    assert field in _song("4/4", key)[1].splitlines()


@pytest.mark.parametrize("meter", ["4/4", "3/4", "6/8"])
def test_music21_reads_the_same_notes(meter: str) -> None:
    """music21 parses the ABC back to the melody's pitches, onsets and lengths (ties merged)."""
    melody, text = _song(meter)
    parsed = converter.parseData(text, format="abc")
    notes = list(parsed.stripTies().flatten().getElementsByClass(note.Note))
    assert [n.pitch.midi for n in notes] == [n.pitch for n in melody.notes]
    assert [Fraction(n.offset) for n in notes] == [n.start for n in melody.notes]
    assert [Fraction(n.quarterLength) for n in notes] == [n.duration for n in melody.notes]


def test_w_lines_carry_the_syllables() -> None:
    """The ``w:`` lines align one syllable to each note, hyphens joining words."""
    melody, text = _song()
    assert abc_words(text) == [n.syllable for n in melody.notes]
    assert "w:I walk a-lone be-neath the ci-ty lights" in text


def test_bars_are_full_and_lines_hold_four_bars() -> None:
    """Each music line holds four bars; parse_melody's bar check (overfull bars) passes."""
    melody, text = _song("3/4")
    music = [line for line in text.splitlines()[6:] if not line.startswith("w:")]
    assert all(line.count("|") == 4 for line in music[:-1])
    parsed = parse_melody(text.encode())
    assert [(n.pitch, n.start, n.syllable) for n in parsed.notes] == [
        (n.pitch, n.start, n.syllable) for n in melody.notes
    ]


def test_verovio_engraves_it() -> None:
    """verovio loads the ABC and renders a page."""
    toolkit = verovio.toolkit()
    assert toolkit.loadData(_song()[1])
    assert "<svg" in toolkit.renderToSVG(1)


def test_accidentals_follow_the_key_and_bar() -> None:
    """A chromatic note gets its mark, a repeat in the same bar does not, the next bar starts afresh."""
    pitches = [67, 68, 68, 67, 68]
    notes = tuple(Note(p, Fraction(i), Fraction(1), None, 0, 0) for i, p in enumerate(pitches))
    text = to_abc(Melody(notes, (), "A", "minor", 100, "4/4", 0), "t")
    assert text.splitlines()[-1] == "G2 ^G2 G2 =G2 | ^G2 z2 z4 |]"  # rests by the beat: quarter, then half


def test_chord_symbols_are_quoted() -> None:
    """Chords appear as quoted symbols where they change."""
    melody, text = _song()
    assert text.count('"') == 2 * len(melody.chords)


def test_short_enough_for_a_message() -> None:
    """A verse–chorus song's ABC fits a Discord message with room for the code fence."""
    assert len(to_abc(compose(PAPER_BOATS, seed=0), "Paper Boats")) < 1900


def test_instrumental_has_no_words() -> None:
    """An instrumental writes no ``w:`` lines."""
    assert "w:" not in to_abc(compose(None, seed=0), "Tune")


@pytest.mark.parametrize("meter", ["6/8", "9/8", "12/8"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_compound_metre_shows_its_dotted_quarter_beats(meter: str, seed: int) -> None:
    """Read back with music21, no note straddles a dotted-quarter beat: it is tied over it, as in the MusicXML."""
    text = to_abc(compose(NIGHT_TRAIN, MusicSettings(key="D major", meter=meter), seed=seed), "t")
    score = converter.parseData(text, format="abc")
    assert isinstance(score, stream.Score)
    assert beat_crossings(score, meter) == []


def test_members_are_composers_and_the_disclosure_is_a_note() -> None:
    """A member's melody is a ``C:`` line, the disclosure an ``N:`` line (``%`` escaped); music21 still reads it."""
    disclosure = Disclosure(Authorship((("Ana", 0.5),), ai_share=0.5), Authorship.by_member("Bo"))
    melody = compose(PAPER_BOATS, seed=0)
    text = to_abc(melody, "Paper Boats", disclosure)
    header = text.splitlines()[:4]
    assert header == ["X:1", "T:Paper Boats", "C:Bo", "N:" + disclosure.line.replace("%", "\\%")]
    assert "C:AI" not in text
    score = converter.parseData(text, format="abc")
    assert [n.pitch.midi for n in score.flatten().stripTies().getElementsByClass(note.Note)] == [
        n.pitch for n in melody.notes if n.pitch is not None
    ]


def test_an_ai_draft_names_no_composer() -> None:
    """An AI draft's ABC discloses the AI in a note and has no ``C:`` line."""
    disclosure = Disclosure(Authorship.by_ai("offline writer"), Authorship.by_ai(MELODY_WRITER))
    lines = to_abc(compose(PAPER_BOATS, seed=0), "Paper Boats", disclosure).splitlines()
    assert f"N:{disclosure.line}" in lines
    assert not [line for line in lines if line.startswith("C:")]
