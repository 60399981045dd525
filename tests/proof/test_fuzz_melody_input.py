"""Fuzzing melody uploads: random, garbled and truncated files fail only with MelodyInputError, never a crash."""

from __future__ import annotations

import io
import time
import zipfile

import mido
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.songwriting.music.composer import compose
from bot.songwriting.music.melody import Melody
from bot.songwriting.music.melody_input import MAX_NOTES, MelodyInputError, parse_melody
from bot.songwriting.render.abc import to_abc
from bot.songwriting.render.midi import to_midi
from bot.songwriting.render.musicxml import to_musicxml
from bot.songwriting.words.lyrics import parse_lyrics
from tests.proof.strategies import fuzz

SHORT = parse_lyrics("Harbour\n\n[Verse]\nthe lamps are low tonight\nthe tide is slow and grey\n[Chorus]\nhold on")

MAGIC = (b"MThd", b"PK\x03\x04", b"<?xml version='1.0'?>\n<score-partwise>", b"X:1\nK:C\n", b"\xef\xbb\xbf", b"")


@pytest.fixture(scope="module")
def samples() -> dict[str, bytes]:
    """Real files of one composed melody in every accepted format (``.mxl`` zipped by hand)."""
    melody = compose(SHORT, seed=2)
    musicxml = to_musicxml(melody, "Night Train")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("score.musicxml", musicxml)
    return {
        "midi": to_midi(melody, "Night Train"),
        "musicxml": musicxml,
        "abc": to_abc(melody, "Night Train").encode(),
        "mxl": buffer.getvalue(),
    }


def outcome(data: bytes) -> Melody | None:
    """Parse; a refusal must be a MelodyInputError with a message (anything else fails the test)."""
    try:
        melody = parse_melody(data, "upload.bin")
    except MelodyInputError as error:
        reason = str(error)
    else:
        assert 0 < len(melody.notes) <= MAX_NOTES
        return melody
    assert reason
    return None


def garble(data: bytes, flips: list[tuple[int, int]]) -> bytes:
    """Overwrite bytes at (relative) positions: the corruption a bad download or a hex editor leaves."""
    raw = bytearray(data)
    for position, value in flips:
        raw[position % len(raw)] = value
    return bytes(raw)


Damage = list[tuple[int, int]]
flips = st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), min_size=1, max_size=12)


@fuzz(600)
@given(magic=st.sampled_from(MAGIC), tail=st.binary(max_size=300))
def test_random_bytes_are_refused_cleanly(magic: bytes, tail: bytes) -> None:
    """Random bytes, with or without a format's magic header, parse or give MelodyInputError."""
    outcome(magic + tail)


@fuzz(100)
@given(cut=st.floats(0, 1), damage=flips)
def test_truncated_or_garbled_midi_is_refused_cleanly(samples: dict[str, bytes], cut: float, damage: Damage) -> None:
    """A MIDI file cut short or with bytes overwritten parses or gives MelodyInputError."""
    data = samples["midi"]
    outcome(data[: max(1, int(len(data) * cut))])
    outcome(garble(data, damage))


@fuzz(150)
@given(cut=st.floats(0, 1), damage=flips)
def test_truncated_or_garbled_musicxml_is_refused_cleanly(
    samples: dict[str, bytes], cut: float, damage: Damage
) -> None:
    """MusicXML (plain or zipped) cut short or corrupted parses or gives MelodyInputError."""
    for kind in ("musicxml", "mxl"):
        data = samples[kind]
        outcome(data[: max(1, int(len(data) * cut))])
        outcome(garble(data, damage))


@fuzz(80)
@given(
    cut=st.floats(0, 1),
    damage=st.lists(st.tuples(st.integers(0, 1 << 20), st.sampled_from(b'|:[]()^_=/-<>2!"K')), max_size=6),
)
def test_truncated_or_garbled_abc_is_refused_cleanly(samples: dict[str, bytes], cut: float, damage: Damage) -> None:
    """ABC cut short or with notation characters swapped in parses or gives MelodyInputError."""
    data = samples["abc"]
    outcome(garble(data[: max(1, int(len(data) * cut))], damage))


def _midi_with_gap(quarters: int) -> bytes:
    """Two notes ``quarters`` apart: what one corrupted delta time does to a small file."""
    midi = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    midi.tracks.append(track)
    track.append(mido.Message("note_on", note=60, velocity=80, time=0))
    track.append(mido.Message("note_off", note=60, velocity=0, time=480))
    track.append(mido.Message("note_on", note=62, velocity=80, time=480 * quarters))
    track.append(mido.Message("note_off", note=62, velocity=0, time=480))
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()


HOSTILE = {
    "note-flood": b"X:1\nT:t\nL:1/8\nK:C\n" + b"C" * 3000 + b"|\n",
    "overfull-bar": b"X:1\nT:t\nM:4/4\nL:1/8\nK:C\nCDEF GABc d8|\n",
    "absurd-midi-header": b"MThd\x00\x00\x00\x06\x00\x01\xff\xff\x01\xe0",
    "unclosed-tags": b"<score-partwise>" + b"<part>" * 1000,
    "zero-metre": b"X:1\nT:t\nM:0/0\nK:C\nC|\n",
    "zero-tempo": b"X:1\nT:t\nM:4/4\nQ:1/4=0\nK:C\nCDEF|\n",
    "huge-metre": b"X:1\nT:t\nM:1000/1\nL:1/4\nK:C\nCDEF|\n",
    "thousands-of-tiny-bars": b"X:1\nT:t\nM:1/16\nL:1/64\nK:C\n" + b"C|" * 3000 + b"\n",
    "note-of-a-million-beats": b"X:1\nT:t\nM:4/4\nL:1/4\nK:C\nC999999|\n",
    "midi-gap-of-6000-beats": _midi_with_gap(6000),
}


@pytest.mark.parametrize("data", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_files_are_refused_quickly(data: bytes) -> None:
    """Tiny files declaring huge spans, floods, zero metres and tempi: parsed or refused within two seconds."""
    started = time.perf_counter()
    outcome(data)
    assert time.perf_counter() - started < 2.0


def test_zip_bomb_is_refused_before_unpacking() -> None:
    """An .mxl whose content unpacks past the cap is refused without being read."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("score.musicxml", b"<score-partwise>" + b" " * 9_000_000)
    with pytest.raises(MelodyInputError, match="8 MB"):
        parse_melody(buffer.getvalue(), "bomb.mxl")
