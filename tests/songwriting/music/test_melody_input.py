"""Members' melody files: ABC, MIDI and MusicXML (plain or zipped), sniffed by content, bounded, checked."""

from __future__ import annotations

import functools
import io
import zipfile
from fractions import Fraction

import pytest

from bot.songwriting.music.composer import compose
from bot.songwriting.music.melody import Melody
from bot.songwriting.music.melody_input import MAX_NOTES, MelodyInputError, parse_melody, sniff
from bot.songwriting.music.settings import MusicSettings
from bot.songwriting.render.abc import to_abc
from bot.songwriting.render.midi import to_midi
from bot.songwriting.render.musicxml import to_musicxml
from tests.songwriting.songs import PAPER_BOATS

HUMAN_ABC = b"""X:1
T:Morning Field
M:6/8
L:1/8
Q:3/8=60
K:Em
B | "Em"e2 d B2 A | "D"(3FGA B- B2 z |
w:The morn-ing light comes slow-ly_ *
"C"[CEG]2 c ~B2 A | "Em"E6 |]
w:o-ver~the hills we know
"""


@functools.cache
def _melody() -> Melody:
    return compose(PAPER_BOATS, MusicSettings(key="D major", tempo=104), seed=2)


def _key(melody: Melody) -> list[tuple[int | None, Fraction, str | None]]:
    return [(n.pitch, n.start, n.syllable) for n in melody.notes]


def _mxl(xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "META-INF/container.xml",
            '<container><rootfiles><rootfile full-path="score/lead.musicxml"/></rootfiles></container>',
        )
        archive.writestr("score/lead.musicxml", xml)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "render",
    [
        lambda m: to_abc(m, "Paper Boats").encode(),
        lambda m: to_midi(m, "Paper Boats"),
        lambda m: to_musicxml(m, "Paper Boats"),
        lambda m: _mxl(to_musicxml(m, "Paper Boats")),
    ],
    ids=["abc", "midi", "musicxml", "mxl"],
)
def test_round_trip_keeps_notes_and_syllables(render: object) -> None:
    """Every format the bot writes reads back to the same pitches, onsets and syllables, key and tempo."""
    melody = _melody()
    parsed = parse_melody(render(melody))  # type: ignore[operator]
    assert _key(parsed) == _key(melody)
    assert (parsed.tonic, parsed.mode, parsed.tempo, parsed.meter) == ("D", "major", 104, "4/4")


def test_musicxml_keeps_chord_symbols() -> None:
    """Chord symbols in a lead sheet come back as chord spans."""
    melody = _melody()
    parsed = parse_melody(to_musicxml(melody, "Paper Boats"))
    assert [(c.symbol, c.start) for c in parsed.chords] == [(c.symbol, c.start) for c in melody.chords]


def test_content_decides_not_the_name() -> None:
    """A MIDI file named .abc is read as MIDI."""
    parsed = parse_melody(to_midi(_melody()), "tune.abc")
    assert len(parsed.notes) == len(_melody().notes)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"MThd\x00\x00\x00\x06", "midi"),
        (b"PK\x03\x04rest", "mxl"),
        (b'\xef\xbb\xbf<?xml version="1.0"?><score-partwise>', "musicxml"),
        (b"X:1\nK:C\nCDEF|", "abc"),
    ],
)
def test_sniff(data: bytes, kind: str) -> None:
    """The format is recognised from the first bytes (a UTF-8 BOM is fine)."""
    assert sniff(data) == kind


def test_human_abc_with_lyrics_ties_tuplets_and_chords() -> None:
    """Hand-written ABC: pickup, tuplet, tie, chord, held syllable (_), skipped note (*) and ~ spaces."""
    parsed = parse_melody(HUMAN_ABC, "field.abc")
    assert (parsed.tonic, parsed.mode, parsed.meter, parsed.tempo) == ("E", "minor", "6/8", 90)
    assert [n.syllable for n in parsed.notes] == [
        "The", "morn-", "ing", "light", "comes", "slow-", "ly", None, None,
        "o-", "ver the", "hills", "we", "know",
    ]  # fmt: skip
    assert parsed.notes[6].start == Fraction(7, 2) + Fraction(1, 3)  # the triplet's second note
    assert parsed.notes[9].pitch == 67  # the top note of [CEG]
    assert [c.symbol for c in parsed.chords] == ["Em", "D", "C", "Em"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (b"X:1\nK:C\n" + b"C" * 1_000_001, "larger than 1 MB"),
        (b"MThd\x00\x00\x00\x06\x00\x01garbage", "Could not read"),
        (b"Dear diary, today I wrote a song.", "not ABC, MIDI or MusicXML"),
        (b"<html><body>hi</body></html>", "not MusicXML"),
        (b"PK\x03\x04not really a zip", "not a valid compressed"),
        (b"X:1\nM:4/4\nL:1/4\nK:C\nz4 | z4 |]\n", "no notes"),
    ],
)
def test_unusable_files_are_refused(data: bytes, message: str) -> None:
    """Empty, oversized, malformed, wrong-type and note-less files raise MelodyInputError with a reason."""
    with pytest.raises(MelodyInputError, match=message):
        parse_melody(data, "upload")


def test_too_many_notes() -> None:
    """More than 2000 notes is refused."""
    bars = " ".join(["CDEF"] * (MAX_NOTES // 4 + 1))
    with pytest.raises(MelodyInputError, match="more than 2000 notes"):
        parse_melody(f"X:1\nM:4/4\nL:1/4\nK:C\n{bars}\n".encode())


def test_overfull_abc_bar_is_named() -> None:
    """An ABC bar holding more than its metre allows is refused, naming the bar."""
    with pytest.raises(MelodyInputError, match=r"Bar 2 .* overfull: it holds 5 beats but 4/4 allows 4"):
        parse_melody(b"X:1\nM:4/4\nL:1/4\nK:C\nCDEF | CDEFG | C4 |]\n")


def test_zip_without_a_score_is_refused() -> None:
    """An .mxl archive with no MusicXML inside is refused."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "nothing here")
    with pytest.raises(MelodyInputError, match="no MusicXML"):
        parse_melody(buffer.getvalue())


def test_midi_chords_keep_their_top_note() -> None:
    """A MIDI melody track played in chords keeps the highest note of each."""
    melody = _melody()
    data = to_midi(melody)
    parsed = parse_melody(data)
    assert all(n.pitch is not None and n.pitch >= 55 for n in parsed.notes)
