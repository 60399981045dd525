"""The composer: one note per syllable, stresses on strong beats, cadences, singable lines, repeated hooks."""

from __future__ import annotations

import functools
import itertools
import statistics
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.songwriting.music.composer import compose
from bot.songwriting.music.harmony import chord_pitch_classes, parse_key
from bot.songwriting.music.melody import Melody, Meter, Note
from bot.songwriting.music.settings import MusicSettings, SettingsError
from bot.songwriting.words.lyrics import Lyrics, Section, parse_lyrics
from bot.songwriting.words.prosody import line_syllables
from tests.songwriting.songs import HIGHWAY, LANTERN, MOODS, NIGHT_TRAIN, PAPER_BOATS, SONGS

SEEDS = range(12)


@functools.cache
def composed(song: Lyrics, seed: int, meter: str = "4/4") -> Melody:
    return compose(song, MusicSettings(meter=meter, mood=MOODS[seed % len(MOODS)]), seed=seed)


def _sung(melody: Melody) -> list[Note]:
    return [n for n in melody.notes if n.syllable is not None]


def _lines(melody: Melody) -> dict[tuple[int, int], list[Note]]:
    lines: dict[tuple[int, int], list[Note]] = {}
    for note in melody.notes:
        lines.setdefault((note.section, note.line), []).append(note)
    return lines


@pytest.mark.parametrize("song", SONGS, ids=lambda s: s.title)
@pytest.mark.parametrize("meter", ["4/4", "3/4", "6/8"])
def test_one_note_per_syllable(song: Lyrics, meter: str) -> None:
    """Every sung syllable gets exactly one note, in order, carrying its text."""
    melody = composed(song, 3, meter)
    expected = [s.text for line in song.lines for s in line_syllables(line)]
    assert [n.syllable.removesuffix("-") for n in _sung(melody) if n.syllable] == expected


def test_syllables_mark_word_continuation() -> None:
    """A syllable that continues its word ends with a hyphen; the word's last one does not."""
    melody = composed(NIGHT_TRAIN, 0)
    assert [n.syllable for n in melody.notes[:4]] == ["I", "walk", "a-", "lone"]


def test_same_seed_same_melody() -> None:
    """Composing is deterministic for a seed."""
    first = compose(NIGHT_TRAIN, MusicSettings(mood="sad"), seed=7)
    again = compose(NIGHT_TRAIN, MusicSettings(mood="sad"), seed=7)
    assert first == again


def test_seeds_vary_the_melody() -> None:
    """Different seeds give different pitches."""
    melodies = {tuple(n.pitch for n in composed(NIGHT_TRAIN, seed).notes) for seed in SEEDS}
    assert len(melodies) == len(SEEDS)


@pytest.mark.parametrize("meter", ["4/4", "3/4", "6/8"])
def test_keywords_mostly_on_strong_beats(meter: str) -> None:
    """At least 80 % of keyword stresses land on strong beats across seeds and songs (but not all: some push)."""
    hits = total = 0
    for song in SONGS:
        syllables = [s for line in song.lines for s in line_syllables(line)]
        for seed in SEEDS:
            melody = composed(song, seed, meter)
            time = melody.time
            for note, syllable in zip(_sung(melody), syllables, strict=True):
                if syllable.keyword:
                    total += 1
                    hits += time.strong(note.start)
    assert 0.8 <= hits / total < 1.0


def test_function_words_mostly_off_strong_beats() -> None:
    """Unstressed syllables rarely take a strong beat."""
    on_strong = total = 0
    for song in SONGS:
        syllables = [s for line in song.lines for s in line_syllables(line)]
        for seed in SEEDS:
            melody = composed(song, seed)
            for note, syllable in zip(_sung(melody), syllables, strict=True):
                if syllable.stress == 0:
                    total += 1
                    on_strong += melody.time.strong(note.start)
    assert on_strong / total <= 0.1


def test_some_syncopation() -> None:
    """Across seeds, a few notes start off the beat and are held over it."""
    syncopated = 0
    for seed in SEEDS:
        melody = composed(NIGHT_TRAIN, seed)
        time = melody.time
        syncopated += sum(
            time.weight(n.start) == 0 and n.end > (n.start // time.beat + 1) * time.beat for n in melody.notes
        )
    assert syncopated > 0


@pytest.mark.parametrize("song", SONGS, ids=lambda s: s.title)
def test_lines_end_on_long_notes(song: Lyrics) -> None:
    """A line's last note is held at least a beat, and longer than the line's typical note."""
    for seed in SEEDS:
        melody = composed(song, seed)
        for notes in _lines(melody).values():
            last = notes[-1]
            assert last.duration >= melody.time.beat
            assert last.duration > statistics.median(n.duration for n in notes)


def test_sections_end_with_authentic_cadence() -> None:
    """Each section ends on the tonic over the tonic chord, after the dominant chord."""
    for seed in SEEDS:
        melody = composed(NIGHT_TRAIN, seed)
        key = melody.key
        for section in range(len(NIGHT_TRAIN.sections)):
            last = [n for n in melody.notes if n.section == section][-1]
            chord = melody.chord_at(last.start)
            assert chord is not None
            assert last.pitch is not None
            assert last.pitch % 12 == key.tonic_pc
            assert chord.symbol == key.chord(0)
            before = melody.chord_at(chord.start - 1)
            assert before is not None
            assert before.symbol == key.dominant()


def test_half_cadence_mid_section() -> None:
    """The middle line of a four-line section ends over the dominant chord."""
    for seed in SEEDS:
        melody = composed(LANTERN, seed)
        second_line = [n for n in melody.notes if (n.section, n.line) == (0, 1)]
        chord = melody.chord_at(second_line[-1].start)
        assert chord is not None
        assert chord.symbol == melody.key.dominant()


def test_chord_tones_on_strong_beats() -> None:
    """Notes on strong beats are tones of the chord sounding there."""
    strong = tones = 0
    for song in SONGS:
        for seed in SEEDS:
            melody = composed(song, seed)
            for note in melody.notes:
                chord = melody.chord_at(note.start)
                if melody.time.strong(note.start) and chord is not None and note.pitch is not None:
                    strong += 1
                    tones += note.pitch % 12 in chord_pitch_classes(chord.symbol)
    assert tones / strong >= 0.97


def test_mostly_stepwise_with_leaps_resolved() -> None:
    """Most moves are steps; a leap over a fourth is followed by a step back the other way."""
    for song in SONGS:
        for seed in SEEDS:
            pitches = [n.pitch for n in composed(song, seed).notes if n.pitch is not None]
            moves = [b - a for a, b in itertools.pairwise(pitches)]
            assert sum(abs(m) <= 2 for m in moves) / len(moves) >= 0.6
            for leap, after in itertools.pairwise(moves):
                if abs(leap) > 5:
                    assert 0 < abs(after) <= 2
                    assert (after > 0) != (leap > 0)


def test_singable_range_and_register() -> None:
    """The range stays within a twelfth, between G3 and G5."""
    for song in SONGS:
        for seed in SEEDS:
            pitches = [n.pitch for n in composed(song, seed).notes if n.pitch is not None]
            assert max(pitches) - min(pitches) <= 19
            assert min(pitches) >= 55
            assert max(pitches) <= 79


@pytest.mark.parametrize("song", [NIGHT_TRAIN, PAPER_BOATS], ids=lambda s: s.title)
def test_chorus_repeats_identically(song: Lyrics) -> None:
    """Every chorus has the same pitches and rhythm as the first one (the hook comes back)."""
    for seed in SEEDS:
        melody = composed(song, seed)
        choruses = [i for i, s in enumerate(song.sections) if s.label == "Chorus"]
        shapes = []
        for index in choruses:
            notes = [n for n in melody.notes if n.section == index]
            shapes.append([(n.pitch, n.start - notes[0].start) for n in notes])
        assert all(shape == shapes[0] for shape in shapes)


@pytest.mark.parametrize("meter", ["4/4", "3/4", "6/8", "2/4", "12/8", "5/4"])
def test_meters_fill_whole_bars(meter: str) -> None:
    """In any metre, notes sit on the eighth grid, never overlap, and the chords fill whole bars."""
    melody = composed(PAPER_BOATS, 1, meter)
    assert melody.meter == meter
    bar = Meter.parse(meter).bar
    for a, b in zip(melody.notes, melody.notes[1:], strict=False):
        assert a.end <= b.start
    assert all((n.start * 2).denominator == 1 and n.duration > 0 for n in melody.notes)
    assert melody.chords[0].start == 0
    assert sum((c.duration for c in melody.chords), Fraction(0)) % bar == 0


def test_given_key_tempo_and_meter_are_kept() -> None:
    """Explicit settings override the mood."""
    melody = compose(LANTERN, MusicSettings(key="Bb major", tempo=132, meter="3/4", mood="sad"), seed=2)
    assert (melody.tonic, melody.mode, melody.tempo, melody.meter) == ("Bb", "major", 132, "3/4")
    key = parse_key("Bb major")
    assert all(key.contains(n.pitch) for n in melody.notes if n.pitch is not None)


def test_mood_picks_key_and_tempo() -> None:
    """A sad mood gives a slow minor key; a happy one a quicker major key."""
    sad = compose(LANTERN, MusicSettings(mood="sad and lonely"), seed=4)
    happy = compose(LANTERN, MusicSettings(mood="happy"), seed=4)
    assert sad.mode == "minor"
    assert sad.tempo < 90
    assert happy.mode == "major"
    assert happy.tempo > 100


def test_mode_alone_keeps_a_singable_tonic() -> None:
    """Asking only for a mode picks a tonic for it."""
    melody = compose(LANTERN, MusicSettings(mode="dorian", mood="happy"), seed=4)
    assert melody.mode == "dorian"


@pytest.mark.parametrize("bars", [1, 2, 7, 8, 16])
def test_instrumental_has_the_bars_asked_for(bars: int) -> None:
    """Without lyrics the melody is an instrumental of exactly ``bars`` bars, ending on the tonic."""
    melody = compose(None, MusicSettings(key="D minor"), seed=5, bars=bars)
    assert melody.length == bars * melody.time.bar
    assert all(n.syllable is None for n in melody.notes)
    last = melody.notes[-1].pitch
    assert last is not None
    assert last % 12 == melody.key.tonic_pc


def test_instrumental_repeats_its_a_section() -> None:
    """A 24-bar instrumental plays A, B, A: the third eight bars repeat the first."""
    melody = compose(None, MusicSettings(), seed=5, bars=24)
    sections = [[(n.pitch, n.start - 32 * i) for n in melody.notes if n.section == i] for i in range(3)]
    assert sections[0] == sections[2] != sections[1]


def test_long_line_is_split_into_phrases() -> None:
    """A 40-syllable line is sung over several phrases, still one note per syllable."""
    line = " ".join(["remember"] * 13 + ["home"])
    song = Lyrics("Long", (Section("Verse", (line,)),))
    melody = compose(song, MusicSettings(), seed=0)
    assert len(_sung(melody)) == len(line_syllables(line))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"key": "H minor"}, "unknown key"),
        ({"key": "C", "mode": "bluesy"}, "unknown mode"),
        ({"meter": "7/3"}, "unknown meter"),
        ({"meter": "1/8"}, "not supported"),
        ({"tempo": 300}, "tempo"),
    ],
)
def test_bad_settings_are_refused(options: dict[str, object], message: str) -> None:
    """Bad keys, modes, metres and tempos are refused when the settings are made, saying what is wrong."""
    with pytest.raises(SettingsError, match=message):
        MusicSettings(**options)  # type: ignore[arg-type]


def test_lyrics_without_words_are_refused() -> None:
    """Lyrics with nothing to sing raise ValueError."""
    with pytest.raises(ValueError, match="no words"):
        compose(parse_lyrics("Title\n\n[Verse]\n...\n"), seed=0)


def test_bar_count_is_bounded() -> None:
    """An instrumental of zero or a hundred bars is refused."""
    with pytest.raises(ValueError, match="bars"):
        compose(None, seed=0, bars=0)


def test_highway_long_lines_get_room() -> None:
    """Lines of 14–17 syllables get four bars in 4/4 rather than being crammed into two."""
    melody = composed(HIGHWAY, 0)
    first = [n for n in melody.notes if (n.section, n.line) == (0, 0)]
    assert first[-1].start - first[0].start > 2 * melody.time.bar


_WORDS = st.sampled_from(
    "love night river home the a of and heart believe tomorrow remember beautiful 42 don't city rain fire".split()
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(st.lists(_WORDS, min_size=1, max_size=12).map(" ".join), min_size=1, max_size=6),
    meter=st.sampled_from(["4/4", "3/4", "6/8"]),
    seed=st.integers(0, 10_000),
)
def test_any_lyrics_compose_cleanly(lines: list[str], meter: str, seed: int) -> None:
    """Random lyrics always give sorted, non-overlapping notes, one per syllable, inside the chords' span."""
    song = Lyrics("Random", (Section("Verse", tuple(lines)),))
    melody = compose(song, MusicSettings(meter=meter), seed=seed)
    assert len(_sung(melody)) == sum(len(line_syllables(line)) for line in lines)
    for a, b in zip(melody.notes, melody.notes[1:], strict=False):
        assert a.end <= b.start
    assert melody.notes[-1].end <= melody.chords[-1].end


@pytest.mark.parametrize("genre", ["blues", "ballad", None])
@pytest.mark.parametrize("seed", range(6))
def test_a_chosen_compound_tempo_prints_as_whole_dotted_quarters(genre: str | None, seed: int) -> None:
    """In 6/8 or 12/8 the composer's own tempo is a whole number of dotted quarters, so the score marks ``♩. = N``."""
    melody = compose(PAPER_BOATS, MusicSettings(meter="12/8" if genre == "blues" else "6/8", genre=genre), seed=seed)
    assert melody.time.compound
    assert melody.tempo % 3 == 0
