"""Quality measures: exact values on hand-built melodies, and composed songs inside the human band."""

from __future__ import annotations

import functools
import statistics
from dataclasses import replace
from fractions import Fraction

import pytest

from bot.songwriting.music.composer import compose
from bot.songwriting.music.measures import HUMAN_BAND, measure
from bot.songwriting.music.melody import ChordSpan, Melody, Note
from bot.songwriting.music.settings import MusicSettings
from bot.songwriting.words.lyrics import Lyrics, Section
from tests.songwriting.songs import MOODS, NIGHT_TRAIN, PAPER_BOATS, SONGS


def _line(pitches: list[int], syllables: list[str] | None = None, *, chromatic: int | None = None) -> Melody:
    texts = syllables or [None] * len(pitches)  # type: ignore[list-item]
    notes = tuple(
        Note(p, Fraction(i), Fraction(1), t, 0, 0, chromatic=i == chromatic)
        for i, (p, t) in enumerate(zip(pitches, texts, strict=True))
    )
    chords = (ChordSpan("C", Fraction(0), Fraction(len(pitches))),)
    return Melody(notes, chords, tonic="C", mode="major", tempo=100, meter="4/4", seed=0)


def test_interval_measures() -> None:
    """Range, mean |interval|, leap and repeated-note shares count consecutive pitches."""
    result = measure(_line([60, 62, 62, 69, 67]), None)
    assert result["range"] == 9
    assert result["mean_interval"] == pytest.approx((2 + 0 + 7 + 2) / 4)
    assert result["leap_share"] == pytest.approx(1 / 4)
    assert result["repeated_share"] == pytest.approx(1 / 4)


def test_pitch_class_entropy() -> None:
    """Two pitch classes used equally carry one bit; octaves count as the same class."""
    assert measure(_line([60, 67, 72, 79]), None)["pitch_class_entropy"] == pytest.approx(1.0)


def test_in_key_ignores_marked_chromatic_notes() -> None:
    """A non-diatonic note lowers the in-key share unless it is marked chromatic."""
    assert measure(_line([60, 61, 62, 64]), None)["in_key"] == pytest.approx(0.75)
    assert measure(_line([60, 61, 62, 64], chromatic=1), None)["in_key"] == 1.0


def test_chord_tones_on_strong_beats() -> None:
    """Notes on beats one and three are checked against the chord sounding there."""
    assert measure(_line([60, 62, 62, 64]), None)["chord_tones_on_strong"] == pytest.approx(0.5)


def test_alignment_counts_matching_syllables() -> None:
    """Alignment is the share of sung notes whose text matches the lyrics' syllables in order."""
    lyrics = Lyrics("t", (Section("Verse", ("hello world",)),))
    assert measure(_line([60, 62, 64], ["hel-", "lo", "world"]), lyrics)["syllable_alignment"] == 1.0
    assert measure(_line([60, 62], ["hel-", "lo"]), lyrics)["syllable_alignment"] == pytest.approx(2 / 3)


def test_keywords_read_from_notes_without_lyrics() -> None:
    """Without lyrics the notes' own syllables give the keywords: "world" on beat two misses."""
    result = measure(_line([60, 62, 64], ["hel-", "lo", "world"]), None)
    assert result["keywords_on_strong"] == pytest.approx(0.5)


def test_chorus_repetition_detects_a_changed_chorus() -> None:
    """An altered note in the second chorus lowers chorus repetition from 1 to 0."""
    melody = compose(PAPER_BOATS, seed=1)
    assert measure(melody, PAPER_BOATS)["chorus_repetition"] == 1.0
    index = next(i for i, n in enumerate(melody.notes) if n.section == 3)
    notes = list(melody.notes)
    notes[index] = replace(notes[index], pitch=(notes[index].pitch or 60) + 1)
    assert measure(replace(melody, notes=tuple(notes)), PAPER_BOATS)["chorus_repetition"] == 0.0


def test_vacuous_measures_are_met() -> None:
    """An instrumental has no keywords nor chorus: those measures read 1.0."""
    result = measure(compose(None, seed=2), None)
    assert result["keywords_on_strong"] == 1.0
    assert result["chorus_repetition"] == 1.0


@functools.cache
def _population() -> list[dict[str, float]]:
    results = []
    for song in (*SONGS, None):
        for meter in ("4/4", "3/4", "6/8"):
            for seed in range(10):
                melody = compose(song, MusicSettings(meter=meter, mood=MOODS[seed % len(MOODS)]), seed=seed, bars=16)
                results.append(measure(melody, song))
    return results


@pytest.mark.parametrize("name", sorted(HUMAN_BAND))
def test_composed_melodies_sit_in_the_human_band(name: str) -> None:
    """Across songs, metres and seeds the median lies in the human p10–p90 band and most melodies do too."""
    low, high = HUMAN_BAND[name]
    values = [r[name] for r in _population()]
    assert low <= statistics.median(values) <= high
    assert sum(low <= v <= high for v in values) / len(values) >= 0.85


def test_composed_melodies_align_and_repeat() -> None:
    """Every composed song is fully aligned and repeats its chorus; keywords mostly land on strong beats."""
    results = _population()
    assert all(r["syllable_alignment"] == 1.0 for r in results)
    assert all(r["chorus_repetition"] == 1.0 for r in results)
    assert statistics.mean(r["keywords_on_strong"] for r in results) >= 0.8


def test_night_train_measures_are_stable() -> None:
    """A fixed seed gives fixed measures (the benchmark's reference song)."""
    first = measure(compose(NIGHT_TRAIN, seed=0), NIGHT_TRAIN)
    assert measure(compose(NIGHT_TRAIN, seed=0), NIGHT_TRAIN) == first
