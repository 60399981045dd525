"""The melody model: exact JSON round trips, metre weights, summaries and pitch names."""

from __future__ import annotations

import json
import pickle
from fractions import Fraction

import pytest

from bot.songwriting.music.composer import compose
from bot.songwriting.music.harmony import parse_key
from bot.songwriting.music.melody import ChordSpan, Melody, Meter, Note, pitch_name
from tests.songwriting.songs import NIGHT_TRAIN


def _melody() -> Melody:
    notes = (
        Note(60, Fraction(0), Fraction(1), "Hel-", 0, 0),
        Note(None, Fraction(1), Fraction(1, 3), None, 0, 0),
        Note(68, Fraction(4, 3), Fraction(2, 3), "lo", 0, 0, chromatic=True),
        Note(76, Fraction(2), Fraction(2), "world", 0, 1),
    )
    chords = (ChordSpan("Am", Fraction(0), Fraction(2)), ChordSpan("F", Fraction(2), Fraction(2)))
    return Melody(notes, chords, tonic="A", mode="minor", tempo=92, meter="4/4", seed=7)


def test_json_round_trip_is_exact() -> None:
    """A melody survives to_dict → JSON → from_dict unchanged, triplet fractions and rests included."""
    melody = _melody()
    assert Melody.from_dict(json.loads(json.dumps(melody.to_dict()))) == melody


def test_composed_melody_round_trips() -> None:
    """A composed song round-trips through JSON exactly."""
    melody = compose(NIGHT_TRAIN, seed=3)
    assert Melody.from_dict(json.loads(json.dumps(melody.to_dict()))) == melody


def test_melody_pickles() -> None:
    """Melodies cross the process pool: they pickle and unpickle equal."""
    melody = _melody()
    assert pickle.loads(pickle.dumps(melody)) == melody


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"notes": None}, "list of notes"),
        ({"tonic": "H"}, "unknown key"),
        ({"meter": "4/5"}, "unknown meter"),
        ({"tempo": "fast"}, "whole number"),
    ],
)
def test_from_dict_rejects_bad_data(change: dict[str, object], message: str) -> None:
    """Data that is not a melody raises ValueError."""
    data = _melody().to_dict() | change
    with pytest.raises(ValueError, match=message):
        Melody.from_dict(data)


@pytest.mark.parametrize(("field", "value"), [("pitch", 128), ("start", "-1"), ("duration", 1.5), ("syllable", 3)])
def test_from_dict_rejects_bad_notes(field: str, value: object) -> None:
    """A note with an impossible pitch, a negative or float time, or a non-text syllable is refused."""
    data = _melody().to_dict()
    notes = data["notes"]
    assert isinstance(notes, list)
    notes[0][field] = value
    with pytest.raises(ValueError, match=r"bad|before the beginning|outside the MIDI range"):
        Melody.from_dict(data)


def test_summary_line() -> None:
    """The summary gives key, tempo, metre, chords in order and the range with spelled names."""
    assert _melody().summary() == "A minor · 92 bpm · 4/4 · Am F · range C4–E5"


def test_summary_of_compound_metre_counts_dotted_quarters() -> None:
    """In 6/8 the tempo is shown per dotted quarter, the beat a musician counts."""
    melody = Melody((), (), tonic="D", mode="major", tempo=132, meter="6/8", seed=0)
    assert melody.summary() == "D major · ♩. = 88 · 6/8"


@pytest.mark.parametrize(
    ("meter", "weights"),
    [
        ("4/4", [3, 0, 1, 0, 2, 0, 1, 0]),
        ("3/4", [3, 0, 1, 0, 1, 0]),
        ("6/8", [3, 0, 0, 2, 0, 0]),
        ("2/4", [3, 0, 1, 0]),
    ],
)
def test_metric_weights(meter: str, weights: list[int]) -> None:
    """Downbeats weigh most, the half-bar of even metres is strong, off-beats weigh nothing."""
    time = Meter.parse(meter)
    assert [time.weight(Fraction(i, 2)) for i in range(len(weights))] == weights
    assert time.weight(time.bar) == 3


def test_length_rounds_up_to_whole_bars() -> None:
    """A melody lasts whole bars, and its playing time follows the tempo."""
    melody = _melody()
    assert melody.length == 4
    assert melody.seconds() == pytest.approx(4 * 60 / 92)


@pytest.mark.parametrize(
    ("pitch", "key", "name"),
    [
        (60, None, "C4"),
        (70, "F major", "Bb4"),
        (66, "D major", "F#4"),
        (68, "A minor", "G#4"),
        (59, "Gb major", "Cb4"),
        (60, "C# major", "B#3"),
    ],
)
def test_pitch_names_follow_the_key(pitch: int, key: str | None, name: str) -> None:
    """Pitches are spelled the way the key writes them, octave numbers included."""
    assert pitch_name(pitch, parse_key(key) if key else None) == name


@pytest.mark.parametrize(
    ("meter", "start", "end", "cuts"),
    [
        ("4/4", "3", "9", ["4", "8"]),  # simple metre: bar lines only
        ("4/4", "1", "3", []),
        ("6/8", "1", "2", ["3/2"]),  # a quarter on the third eighth: eighth tied over the middle
        ("6/8", "0", "2", ["3/2"]),  # a half note: dotted quarter tied to an eighth
        ("6/8", "0", "3", []),  # a dotted half filling the bar stays whole
        ("6/8", "1/2", "3/2", []),  # inside the first beat
        ("6/8", "2", "4", ["3"]),
        ("6/8", "0", "6", ["3"]),
        ("9/8", "0", "9/2", ["3"]),  # no single note lasts three dotted quarters
        ("9/8", "3/2", "9/2", []),
        ("12/8", "0", "6", []),  # the whole bar
        ("12/8", "3/2", "9/2", ["3"]),  # 12/8's half bar shows
        ("12/8", "3/2", "6", ["3"]),
    ],
)
def test_notation_cuts_show_bars_and_compound_beats(meter: str, start: str, end: str, cuts: list[str]) -> None:
    """Notes are cut at bar lines, and in compound metre where they would hide a dotted-quarter beat."""
    found = Meter.parse(meter).notation_cuts(Fraction(start), Fraction(end))
    assert found == [Fraction(c) for c in cuts]
