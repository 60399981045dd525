"""Carrying a parent's melody to a lyric revision: kept lines keep their notes, changed lines fit their words."""

from __future__ import annotations

import itertools
from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.songwriting.music.composer import compose
from bot.songwriting.music.harmony import chord_pitch_classes
from bot.songwriting.music.melody import Melody, Note
from bot.songwriting.music.melody_input import parse_melody
from bot.songwriting.music.resetting import LineFate, Resetting, carries, frame_settings, reset_melody
from bot.songwriting.music.settings import MusicSettings
from bot.songwriting.words.lyrics import Lyrics, Section
from bot.songwriting.words.prosody import line_syllables
from tests.songwriting.songs import HIGHWAY, NIGHT_TRAIN, PAPER_BOATS

GENRES = ("blues", "folk", "pop", "jazz")
WORDS = ("silver", "morning", "river", "home", "the", "and", "remember", "a", "light", "tonight", "over", "broken")


def _parent(song: Lyrics, genre: str = "blues", seed: int = 7, meter: str | None = None) -> Melody:
    return compose(song, MusicSettings(genre=genre, meter=meter), seed=seed)


def _with_line(song: Lyrics, section: int, line: int, text: str) -> Lyrics:
    sections = list(song.sections)
    lines = list(sections[section].lines)
    lines[line] = text
    sections[section] = Section(sections[section].label, tuple(lines))
    return Lyrics(song.title, tuple(sections))


def _line(melody: Melody, section: int, line: int) -> list[tuple[int | None, Fraction, Fraction, str | None]]:
    notes = sorted((n for n in melody.notes if (n.section, n.line) == (section, line)), key=lambda n: n.start)
    return [(n.pitch, n.start, n.duration, n.syllable) for n in notes]


def _sung_texts(melody: Melody, section: int, line: int) -> list[str]:
    """The syllables a line sings, one a syllable: a melisma's further notes go on singing the one before."""
    notes = sorted((n for n in melody.notes if (n.section, n.line) == (section, line)), key=lambda n: n.start)
    return [(n.syllable or "").removesuffix("-") for n in notes if n.pitch is not None and not n.melisma]


def _frame(melody: Melody) -> tuple[object, ...]:
    return (melody.tonic, melody.mode, melody.tempo, melody.meter, melody.seed, melody.genre)


def test_unchanged_words_keep_the_whole_melody() -> None:
    """The same words give back the parent's melody note for note, chord for chord."""
    parent = _parent(NIGHT_TRAIN)
    result = reset_melody(parent, NIGHT_TRAIN, NIGHT_TRAIN)
    assert result.melody == parent
    assert {line.fate for line in result.lines} == {LineFate.KEPT}
    assert result.summary("v1") == "melody carried from v1; every line kept its notes"


@pytest.mark.parametrize("genre", GENRES)
def test_a_changed_line_is_reset_and_the_rest_keeps_its_notes(genre: str) -> None:
    """Lines 1 and 3 of verse 1 rewritten: their notes follow the new syllables, every other line is untouched."""
    parent = _parent(NIGHT_TRAIN, genre)
    new = _with_line(
        _with_line(NIGHT_TRAIN, 0, 0, "I walk along the silver river"), 0, 2, "Another bus is humming in the rain"
    )
    result = reset_melody(parent, NIGHT_TRAIN, new)
    assert result.numbers(LineFate.RESET) == (1, 3)
    assert _sung_texts(result.melody, 0, 0) == [s.text for s in line_syllables("I walk along the silver river")]
    assert _sung_texts(result.melody, 0, 2) == [s.text for s in line_syllables("Another bus is humming in the rain")]
    for section, lyric in enumerate(new.sections):
        for index in range(len(lyric.lines)):
            if (section, index) not in {(0, 0), (0, 2)}:
                assert _line(result.melody, section, index) == _line(parent, section, index)
    assert _frame(result.melody) == _frame(parent)
    assert result.melody.chords == parent.chords  # same bars, same harmony
    assert result.summary("v1") == "melody carried from v1; lines 1 and 3 re-set to the new words"


def test_reset_line_keeps_the_harmony_and_contour() -> None:
    """A re-set line's notes stay in the old line's range (give or take a few semitones) and on its chords'
    tones on strong beats."""
    parent = _parent(NIGHT_TRAIN, "folk")
    new = _with_line(NIGHT_TRAIN, 0, 1, "The windows sing a song I never knew")
    melody = reset_melody(parent, NIGHT_TRAIN, new).melody
    old = [p for p, *_ in _line(parent, 0, 1) if p is not None]
    fresh = [(p, start) for p, start, _, _ in _line(melody, 0, 1) if p is not None]
    assert min(old) - 3 <= min(p for p, _ in fresh)
    assert max(p for p, _ in fresh) <= max(old) + 3
    for pitch, start in fresh:
        chord = melody.chord_at(start)
        if chord is not None and melody.time.strong(start):
            assert pitch % 12 in chord_pitch_classes(chord.symbol)


def test_a_longer_line_gets_more_bars_and_later_lines_move_by_whole_bars() -> None:
    """A line that cannot fit its bars gets more of them; the lines after it keep their notes, moved by bars."""
    parent = _parent(PAPER_BOATS, "pop")
    long_line = "and the band plays on and on until the morning finds us singing in the kitchen"
    new = _with_line(PAPER_BOATS, 0, 0, long_line)
    result = reset_melody(parent, PAPER_BOATS, new)
    melody = result.melody
    assert melody.length > parent.length
    assert len(_sung_texts(melody, 0, 0)) == len(line_syllables(long_line))
    shift = melody.length - parent.length
    assert shift % melody.time.bar == 0
    before, after = _line(parent, 0, 1), _line(melody, 0, 1)
    assert [(p, s + shift, d, t) for p, s, d, t in before] == after


def test_an_added_chorus_line_borrows_a_chorus_line_and_a_removed_line_takes_its_bars() -> None:
    """A line added to the chorus sings on a chorus line's music; a verse line removed leaves no gap."""
    parent = _parent(NIGHT_TRAIN, "folk")
    sections = list(NIGHT_TRAIN.sections)
    sections[1] = Section(sections[1].label, (*sections[1].lines[:2], "Over the water", *sections[1].lines[2:]))
    sections[2] = Section(sections[2].label, sections[2].lines[:3])
    new = Lyrics(NIGHT_TRAIN.title, tuple(sections))
    result = reset_melody(parent, NIGHT_TRAIN, new)
    added = [line for line in result.lines if line.fate is LineFate.ADDED]
    assert len(added) == 1
    assert added[0].number == 7
    assert added[0].model is not None
    assert 5 <= added[0].model <= 8
    assert result.removed == (12,)
    assert _sung_texts(result.melody, 1, 2) == [s.text for s in line_syllables("Over the water")]
    starts = [n.start for n in result.melody.notes]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(result.melody.notes, result.melody.notes[1:], strict=False))
    assert "line 7 added on the song's tune" in result.summary("v2")
    assert "1 line removed with its bars" in result.summary("v2")


def test_a_moved_line_brings_its_own_notes() -> None:
    """A line copied from elsewhere in the song sings the notes it had there."""
    parent = _parent(NIGHT_TRAIN, "blues")
    sections = list(NIGHT_TRAIN.sections)
    moved = sections[2].lines[0]
    sections[0] = Section(sections[0].label, (*sections[0].lines, moved))
    new = Lyrics(NIGHT_TRAIN.title, tuple(sections))
    result = reset_melody(parent, NIGHT_TRAIN, new)
    copied = _line(result.melody, 0, 4)
    source = _line(parent, 2, 0)
    offset = copied[0][1] - source[0][1]
    assert [(p, s + offset, d, t) for p, s, d, t in source] == copied


def test_words_for_an_instrumental_sing_its_phrases() -> None:
    """Lyrics added to an instrumental are set to its phrases in order, on its chords."""
    parent = compose(None, MusicSettings(genre="folk"), seed=3, bars=8)
    words = Lyrics("T", (Section("Verse", ("Morning on the river", "light across the water", "home", "hold on")),))
    result = reset_melody(parent, None, words)
    assert not result.recomposed
    for index, line in enumerate(words.sections[0].lines):
        assert _sung_texts(result.melody, 0, index) == [s.text for s in line_syllables(line)]
    assert result.melody.chords[:2] == parent.chords[:2]
    assert _frame(result.melody) == _frame(parent)


def test_a_melody_that_ignores_its_lines_is_recomposed_in_its_frame() -> None:
    """A member's file with every note on one line and not one note per syllable of its words can't be carried
    line by line: a new tune in the same frame."""
    parent = _parent(NIGHT_TRAIN, "jazz")
    flat = replace(parent, notes=tuple(replace(n, section=0, line=0) for n in parent.notes[:-1]))
    new = _with_line(NIGHT_TRAIN, 0, 0, "I walk along the silver river")
    result = reset_melody(flat, NIGHT_TRAIN, new)
    assert result.recomposed
    assert _frame(result.melody) == _frame(parent)
    assert "new melody in v1's key, tempo and metre" in result.summary("v1")


def test_frame_settings_reproduce_the_frame() -> None:
    """The frame of a melody, given back to the composer, writes in the same key, tempo, metre and genre."""
    parent = _parent(HIGHWAY, "jazz", meter="3/4")
    again = compose(HIGHWAY, frame_settings(parent), seed=99)
    assert (again.tonic, again.mode, again.tempo, again.meter, again.genre) == (
        parent.tonic,
        parent.mode,
        parent.tempo,
        parent.meter,
        parent.genre,
    )


@st.composite
def _edits(draw: st.DrawFn) -> tuple[str, int, int, str]:
    genre = draw(st.sampled_from(GENRES))
    section = draw(st.integers(0, len(NIGHT_TRAIN.sections) - 1))
    line = draw(st.integers(0, len(NIGHT_TRAIN.sections[section].lines) - 1))
    text = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=9)))
    return genre, section, line, text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_edits())
def test_any_one_line_edit(edit: tuple[str, int, int, str]) -> None:
    """Any one-line edit: one note per new syllable; lines before it identical; lines after it identical up to a
    whole-bar shift; the frame unchanged; no note overlaps another."""
    genre, section, index, text = edit
    parent = _parent(NIGHT_TRAIN, genre, seed=5)
    new = _with_line(NIGHT_TRAIN, section, index, text)
    result: Resetting = reset_melody(parent, NIGHT_TRAIN, new)
    melody = result.melody
    assert _sung_texts(melody, section, index) == [s.text for s in line_syllables(text)]
    assert _frame(melody) == _frame(parent)
    shift = melody.length - parent.length
    assert shift % melody.time.bar == 0
    for s, lyric in enumerate(new.sections):
        for i in range(len(lyric.lines)):
            if (s, i) == (section, index):
                continue
            old, now = _line(parent, s, i), _line(melody, s, i)
            moved = shift if (s, i) > (section, index) else Fraction(0)
            assert [(p, start + moved, d, t) for p, start, d, t in old] == now
    notes: list[Note] = list(melody.notes)
    assert all(a.end <= b.start for a, b in itertools.pairwise(notes))


def test_a_very_long_line_is_set_phrase_by_phrase() -> None:
    """A line of a hundred syllables gets a note for each, in phrases as the composer writes them, quickly."""
    parent = _parent(NIGHT_TRAIN, "folk", meter="6/8")
    words = " ".join(["river", "home", "and", "the", "light"] * 25)
    result = reset_melody(parent, NIGHT_TRAIN, _with_line(NIGHT_TRAIN, 1, 0, words))
    assert len(_sung_texts(result.melody, 1, 0)) == len(line_syllables(words))
    starts = [n.start for n in result.melody.notes]
    assert starts == sorted(starts)


def test_the_summary_names_stretches_of_lines() -> None:
    """Many changed lines read as ranges ("lines 1–4"), and past a handful of stretches as a count."""
    parent = _parent(NIGHT_TRAIN, "pop")
    first = Section("Verse 1", ("a b c", "d e f", "g h i", "j k l"))
    result = reset_melody(parent, NIGHT_TRAIN, Lyrics("T", (first, *NIGHT_TRAIN.sections[1:])))
    assert result.summary("v1") == "melody carried from v1; lines 1–4 re-set to the new words"
    scattered = Lyrics("T", tuple(Section(s.label, ("hold on", *s.lines[1:])) for s in NIGHT_TRAIN.sections))
    many = _with_line(scattered, 0, 2, "hold on")
    assert reset_melody(parent, NIGHT_TRAIN, many).summary("v1") == (
        "melody carried from v1; 5 lines re-set to the new words"
    )


@st.composite
def _rewrites(draw: st.DrawFn) -> Lyrics:
    """Any rewrite of NIGHT_TRAIN: lines kept, changed, dropped or added, sections dropped or added."""
    sections = []
    for section in NIGHT_TRAIN.sections:
        if draw(st.integers(0, 9)) == 0:
            continue  # the section cut
        lines: list[str] = []
        for line in section.lines:
            choice = draw(st.integers(0, 5))
            if choice == 0:
                continue
            lines.append(
                line if choice > 2 else " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12)))
            )
            if draw(st.integers(0, 6)) == 0:
                lines.append(" ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6))))
        if lines:
            sections.append(Section(section.label, tuple(lines)))
    if draw(st.booleans()):
        sections.append(Section(draw(st.sampled_from(["Chorus", "Bridge", "Outro"])), ("over the river", "home")))
    return Lyrics(NIGHT_TRAIN.title, tuple(sections) or (Section("Verse", ("home",)),))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_rewrites(), st.sampled_from(GENRES))
def test_any_rewrite(new: Lyrics, genre: str) -> None:
    """Any rewrite: every line sung one note per syllable, kept lines' notes kept (moved by whole bars at most),
    the frame unchanged, notes in order without overlaps, chords covering the song."""
    parent = _parent(NIGHT_TRAIN, genre, seed=9)
    result = reset_melody(parent, NIGHT_TRAIN, new)
    melody = result.melody
    assert _frame(melody) == _frame(parent)
    for s, section in enumerate(new.sections):
        for i, line in enumerate(section.lines):
            assert _sung_texts(melody, s, i) == [syl.text for syl in line_syllables(line)]
    for setting in result.lines:
        if setting.fate is LineFate.KEPT and setting.model is not None:
            old_line = [(s, i) for s, sec in enumerate(NIGHT_TRAIN.sections) for i in range(len(sec.lines))][
                setting.model - 1
            ]
            new_line = [(s, i) for s, sec in enumerate(new.sections) for i in range(len(sec.lines))][setting.number - 1]
            before, after = _line(parent, *old_line), _line(melody, *new_line)
            shift = after[0][1] - before[0][1]
            assert shift % melody.time.bar == 0
            # the last note may give way to a moved line's pickup; every other note is exactly as it was
            assert [(p, st_ + shift, d, t) for p, st_, d, t in before[:-1]] == after[:-1]
    notes = list(melody.notes)
    assert all(a.end <= b.start for a, b in itertools.pairwise(notes))
    assert melody.chords
    assert all(a.end == b.start for a, b in itertools.pairwise(melody.chords))


def test_a_members_file_with_a_note_per_syllable_is_carried_too() -> None:
    """A member's melody file (lines marked by its rests) sung to the words note for note: a lyric revision
    keeps its tune, line by line, rather than getting a new one."""
    words = Lyrics("T", (Section("Verse", ("walk a-long the wa-ter", "home a-gain to-night")),))
    member = parse_melody(b"X:1\nT:T\nM:4/4\nL:1/8\nK:G\nG2 A2 B2 c2 | d2 B2 z4 | c2 A2 B2 c2 | G8 |]\n", "t.abc")
    assert len(member.pitched) == sum(len(line_syllables(line)) for line in words.lines)
    new = Lyrics("T", (Section("Verse", ("walk a-long the wa-ter", "home a-gain by mid-night")),))
    result = reset_melody(member, words, new)
    assert not result.recomposed
    assert result.numbers(LineFate.KEPT) == (1,)
    kept = [(n.pitch, n.start, n.duration) for n in result.melody.notes if n.line == 0]
    assert kept == [(n.pitch, n.start, n.duration) for n in member.pitched[:6]]


def test_carries_tells_a_carried_tune_from_a_members_new_file() -> None:
    """A carried tune keeps its parent's frame and seed; another member's file in the same frame is its own."""
    parent = _parent(NIGHT_TRAIN, "folk")
    carried = reset_melody(parent, NIGHT_TRAIN, _with_line(NIGHT_TRAIN, 0, 0, "I walk along the silver river")).melody
    assert carries(parent, carried)
    assert not carries(parent, _parent(NIGHT_TRAIN, "folk", seed=8))
    tune = b"X:1\nT:T\nM:4/4\nL:1/8\nK:G\nG2 A2 B2 c2 | d2 B2 z4 | c2 A2 B2 c2 | G8 |]\n"
    other = b"X:1\nT:T\nM:4/4\nL:1/8\nK:G\nB2 c2 d2 e2 | d2 B2 z4 | A2 B2 c2 d2 | G8 |]\n"
    first, second = parse_melody(tune, "a.abc"), parse_melody(other, "b.abc")
    assert (first.tonic, first.tempo, first.meter, first.seed) == (second.tonic, second.tempo, second.meter, 0)
    assert not carries(first, second)
    assert carries(first, first)
