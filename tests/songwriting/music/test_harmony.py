"""Keys, chord symbols, progressions and the mood table."""

from __future__ import annotations

import random

import pytest

from bot.songwriting.music.harmony import (
    Key,
    chord_pitch_classes,
    chord_root,
    mood_settings,
    parse_key,
    progression,
    section_kind,
)


@pytest.mark.parametrize(
    ("text", "tonic", "mode"),
    [
        ("A minor", "A", "minor"),
        ("F#", "F#", "major"),
        ("Bbm", "Bb", "minor"),
        ("d dorian", "D", "dorian"),
        ("E♭ major", "Eb", "major"),
        ("C aeolian", "C", "minor"),
        ("D# major", "Eb", "major"),
    ],
)
def test_parse_key(text: str, tonic: str, mode: str) -> None:
    """Keys are read in the forms members type; impossible spellings are respelled enharmonically."""
    assert parse_key(text) == Key(tonic, mode)


@pytest.mark.parametrize("text", ["H minor", "A minorish", "", "C# ##"])
def test_bad_keys_raise(text: str) -> None:
    """Unreadable keys raise ValueError."""
    with pytest.raises(ValueError, match="unknown"):
        parse_key(text)


def test_scale_spelling_and_signature() -> None:
    """F# minor is spelled with one letter per degree and has three sharps; Bb major two flats."""
    assert Key("F#", "minor").names == ("F#", "G#", "A", "B", "C#", "D", "E")
    assert Key("F#", "minor").sharps == 3
    assert Key("Bb", "major").sharps == -2


def test_diatonic_triads() -> None:
    """The triads of C major are C Dm Em F G Am Bdim."""
    assert [Key("C", "major").chord(d) for d in range(7)] == ["C", "Dm", "Em", "F", "G", "Am", "Bdim"]


def test_dominant_in_minor_is_major() -> None:
    """The cadence chord of A minor is E major (the raised leading tone)."""
    key = Key("A", "minor")
    assert key.dominant() == "E"
    assert key.spell(8) == "G#"


@pytest.mark.parametrize(
    ("symbol", "pcs"),
    [("G7", {7, 11, 2, 5}), ("Bbm", {10, 1, 5}), ("F#dim", {6, 9, 0}), ("Csus4", {0, 5, 7}), ("Dm9", {2, 5, 9})],
)
def test_chord_pitch_classes(symbol: str, pcs: set[int]) -> None:
    """Chord symbols give their pitch classes; unknown extensions fall back to the triad."""
    assert chord_pitch_classes(symbol) == pcs


def test_chord_root_and_non_chords() -> None:
    """A chord's root is its first letter and accidental; text that is no chord has none."""
    assert chord_root("Ebmaj7") == 3
    assert chord_root("N.C.") is None
    assert chord_pitch_classes("??") == frozenset()


@pytest.mark.parametrize(("label", "kind"), [("Chorus 2", "chorus"), ("Bridge", "bridge"), ("Verse 1", "verse")])
def test_section_kinds(label: str, kind: str) -> None:
    """Section labels are told apart by what harmony needs."""
    assert section_kind(label) == kind


def test_progressions_start_on_the_tonic_for_verses() -> None:
    """Every verse loop in major and minor starts at home."""
    for mode in ("major", "minor"):
        for seed in range(20):
            assert progression(Key("C", mode), "verse", random.Random(seed))[0] == 0


@pytest.mark.parametrize(
    ("mood", "mode", "slowest", "fastest"),
    [("sad", "minor", 66, 82), ("happy and bright", "major", 112, 132), ("dreamy", "lydian", 76, 92)],
)
def test_moods_choose_mode_and_tempo(mood: str, mode: str, slowest: int, fastest: int) -> None:
    """Known moods pick their mode and a tempo in their range, deterministically per seed."""
    for seed in range(10):
        key, tempo = mood_settings(mood, random.Random(seed))
        assert key.mode == mode
        assert slowest <= tempo <= fastest
        assert mood_settings(mood, random.Random(seed)) == (key, tempo)


def test_unknown_mood_is_neutral_major() -> None:
    """A mood the table does not know gives a mid-tempo major key."""
    key, tempo = mood_settings("purple", random.Random(1))
    assert key.mode == "major"
    assert 92 <= tempo <= 112
