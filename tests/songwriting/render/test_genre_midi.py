"""Each genre's signature, read back from the MIDI file with mido: what a listener would hear."""

from __future__ import annotations

import functools
import io
import itertools
import statistics
from collections import Counter

import mido
import pytest

from bot.songwriting.music.composer import compose
from bot.songwriting.music.genres import Genre
from bot.songwriting.music.melody import Melody
from bot.songwriting.music.settings import MusicSettings
from bot.songwriting.render.abc import to_abc
from bot.songwriting.render.midi import to_midi
from bot.songwriting.render.musicxml import to_musicxml
from tests.songwriting.songs import NIGHT_TRAIN

TICKS = 480
KICK, SNARE = 36, 38


@functools.cache
def _song(genre: str, seed: int = 5) -> tuple[Melody, mido.MidiFile]:
    melody = compose(NIGHT_TRAIN, MusicSettings(genre=genre, meter="4/4"), seed=seed)
    return melody, mido.MidiFile(file=io.BytesIO(to_midi(melody, "Night Train Home")))


def _onsets(track: mido.MidiTrack) -> list[tuple[int, mido.Message]]:
    """(absolute tick, message) of each sounding note-on."""
    tick, found = 0, []
    for message in track:
        tick += message.time
        if message.type == "note_on" and message.velocity:
            found.append((tick, message))
    return found


def _track(midi: mido.MidiFile, name: str) -> mido.MidiTrack | None:
    return next((t for t in midi.tracks if t.name == name), None)


@pytest.mark.parametrize("genre", list(Genre))
def test_the_melody_track_comes_first_with_its_lyrics(genre: Genre) -> None:
    """Whatever the band, track 1 is the melody with a lyric event per syllable; the band follows."""
    melody, midi = _song(genre.value)
    assert midi.tracks[1].name == "Melody"
    lyrics = [m.text for m in midi.tracks[1] if m.type == "lyrics"]
    assert lyrics == [n.syllable for n in melody.notes if n.syllable]
    assert [t.name for t in midi.tracks[2:4]] == ["Chords", "Bass"]


def test_rock_has_drums_on_channel_ten_with_backbeats_on_two_and_four() -> None:
    """Rock's kit plays on channel 10: snare on beats 2 and 4, kick on 1 and 3."""
    _, midi = _song("rock")
    drums = _track(midi, "Drums")
    assert drums is not None
    hits = _onsets(drums)
    assert {m.channel for _, m in hits} == {9}
    snare = Counter((tick % (4 * TICKS)) // TICKS for tick, m in hits if m.note == SNARE and tick % TICKS == 0)
    kick = Counter((tick % (4 * TICKS)) // TICKS for tick, m in hits if m.note == KICK and tick % TICKS == 0)
    assert set(snare) == {1, 3}
    assert kick[0] > 0
    assert kick[2] > 0
    assert kick[1] == kick[3] == 0


def test_blues_is_twelve_bars_of_dominant_sevenths_with_swung_eighths() -> None:
    """The blues' chord track sounds root, third, fifth and flat seventh in I–IV–V 12-bar order, and its off-beat
    eighths come late: two thirds of the beat, a triplet shuffle."""
    melody, midi = _song("blues")
    chords, bass = _track(midi, "Chords"), _track(midi, "Bass")
    assert chords is not None
    assert bass is not None
    bar = 4 * TICKS
    sounding: dict[int, set[int]] = {}
    for tick, message in _onsets(chords):
        sounding.setdefault(tick // bar, set()).add(message.note % 12)
    roots = {tick // bar: message.note % 12 for tick, message in reversed(_onsets(bass)) if tick % bar == 0}
    start = 1 if melody.notes[0].start < 0 or 0 not in roots else 0
    tonic = melody.key.tonic_pc
    degrees = [(roots[b] - tonic) % 12 for b in range(start, start + 12)]
    assert degrees[4:] == [5, 5, 0, 0, 7, 5, 0, 0]
    for b in range(start, start + 12):
        root = roots[b]
        assert {root, (root + 4) % 12, (root + 7) % 12, (root + 10) % 12} <= sounding[b] or (
            melody.mode == "minor" and {root, (root + 3) % 12, (root + 10) % 12} <= sounding[b]
        )
    offbeats = [tick % TICKS for tick, _ in _onsets(midi.tracks[1]) if tick % TICKS]
    assert offbeats
    assert statistics.median(offbeats) == pytest.approx(2 * TICKS / 3, abs=4)


def test_straight_genres_play_even_eighths() -> None:
    """Rock's off-beat eighths fall exactly half-way through the beat."""
    _, midi = _song("rock")
    assert {tick % TICKS for tick, _ in _onsets(midi.tracks[1]) if tick % TICKS} == {TICKS // 2}


def test_a_ballad_is_slower_than_a_punk_song() -> None:
    """Over several seeds every ballad is slower than every punk song."""
    ballads = [_song("ballad", seed)[0].tempo for seed in range(5)]
    punk = [_song("punk", seed)[0].tempo for seed in range(5)]
    assert max(ballads) < min(punk)


def test_folk_has_no_kit_and_a_ballad_drums_from_its_chorus() -> None:
    """Folk plays without drums; a ballad's band comes in at the first chorus."""
    assert _track(_song("folk")[1], "Drums") is None
    melody, midi = _song("ballad")
    drums = _track(midi, "Drums")
    assert drums is not None
    chorus = min(n.start for n in melody.notes if n.section == 1)
    first = _onsets(drums)[0][0] / TICKS
    assert first >= chorus - melody.time.bar


def test_genres_differ_in_tempo_harmony_feel_instruments_and_drums() -> None:
    """The same words in rock, jazz and folk: different programs, chords, swing and kit."""
    found = {}
    for genre in ("rock", "jazz", "folk"):
        melody, midi = _song(genre)
        programs = tuple(m.program for t in midi.tracks for m in t if m.type == "program_change")
        swung = any(tick % TICKS not in (0, TICKS // 2) for tick, _ in _onsets(midi.tracks[1]))
        chords = frozenset(c.symbol for c in melody.chords)
        found[genre] = (melody.tempo, programs, chords, swung, _track(midi, "Drums") is not None)
    assert len({f[1] for f in found.values()}) == 3
    assert len({f[2] for f in found.values()}) == 3
    assert [found[g][3] for g in ("rock", "jazz", "folk")] == [False, True, False]
    assert [found[g][4] for g in ("rock", "jazz", "folk")] == [True, True, False]


@pytest.mark.parametrize("genre", ["rock", "blues", "punk", "jazz"])
def test_lead_sheet_and_abc_stay_melody_and_chords(genre: str) -> None:
    """The MusicXML lead sheet and the ABC have one part (the voice): no drums, no band, no swing in the notes."""
    melody, _ = _song(genre)
    xml = to_musicxml(melody, "t").decode()
    assert xml.count("<score-part ") == 1
    assert "percussion" not in xml.lower()
    assert "V:" not in to_abc(melody, "t")
    if genre == "punk":
        assert "<kind>power</kind>" in xml


def test_same_seed_same_band() -> None:
    """The arrangement is derived from the melody: the same melody gives the same MIDI bytes."""
    melody, _ = _song("hip-hop")
    assert to_midi(melody, "x") == to_midi(melody, "x")


def _program(midi: mido.MidiFile, name: str) -> int:
    track = _track(midi, name)
    assert track is not None
    return next(m.program for m in track if m.type == "program_change")


@pytest.mark.parametrize("genre", list(Genre))
def test_the_tune_never_plays_on_the_rhythm_sections_sound(genre: Genre) -> None:
    """The melody's General MIDI program differs from every band part's: rock's lead doubled its rhythm guitar."""
    _, midi = _song(genre.value)
    band = {_program(midi, name) for name in ("Chords", "Bass", "Pad") if _track(midi, name) is not None}
    assert _program(midi, "Melody") not in band


def test_a_minor_blues_turns_on_a_dominant_seventh() -> None:
    """In G minor the 12-bar's V is D7 (F# in it), read back from the MusicXML's chord kinds with music21."""
    from music21 import converter, harmony

    melody = compose(NIGHT_TRAIN, MusicSettings(genre="blues", key="G minor", meter="4/4"), seed=1)
    score = converter.parseData(to_musicxml(melody, "t").decode("utf-8"), format="musicxml")
    kinds = {(c.root().name, c.chordKind) for c in score.recurse().getElementsByClass(harmony.ChordSymbol)}
    assert ("D", "dominant-seventh") in kinds
    assert ("D", "minor-seventh") not in kinds
    assert {("G", "minor-seventh"), ("C", "minor-seventh")} <= kinds


@pytest.mark.parametrize("meter", ["4/4", "3/4"])
def test_country_bass_is_boom_chick_root_and_fifth(meter: str) -> None:
    """Country's bass alternates the root and the fifth below on the strong beats (read from the MIDI): in 4/4 root
    on 1 and fifth on 3; in a waltz one bass note a bar, root and fifth in turn (it played the root on 1 and 3)."""
    melody = compose(NIGHT_TRAIN, MusicSettings(genre="country", meter=meter), seed=1)
    midi = mido.MidiFile(file=io.BytesIO(to_midi(melody, "t")))
    bass = _track(midi, "Bass")
    assert bass is not None
    bar = int(melody.time.bar * TICKS)
    onsets = _onsets(bass)
    per_bar = Counter(tick // bar for tick, _ in onsets)
    assert set(per_bar.values()) == {2 if meter == "4/4" else 1}
    intervals = [(b.note - a.note) % 12 for (_, a), (_, b) in itertools.pairwise(onsets)]
    fifths = sum(interval in (5, 7) for interval in intervals)  # a fifth down or back up a fourth
    assert fifths / len(intervals) > 0.4
    for tick, _ in onsets:
        assert tick % bar in ((0, bar // 2) if meter == "4/4" else (0,))
