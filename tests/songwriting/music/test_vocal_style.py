"""How each genre's voice sings, read back from the files with independent readers (music21, mido): melisma
runs slurred with one lyric each, hip-hop's sixteenth-note flow in the verses with a sung chorus, registers
per genre, and a voice range that holds the whole tune."""

from __future__ import annotations

import io
import itertools
import statistics
from fractions import Fraction
from xml.etree import ElementTree

import mido
import pytest
from music21 import converter, note, spanner, stream

from bot.songwriting.music.composer import compose
from bot.songwriting.music.genres import Genre
from bot.songwriting.music.harmony import section_kind
from bot.songwriting.music.measures import chorus_lift
from bot.songwriting.music.melody import Melody
from bot.songwriting.music.settings import MusicSettings, SettingsError
from bot.songwriting.music.vocal_style import melisma_share
from bot.songwriting.music.voices import RANGES, Voice
from bot.songwriting.render.midi import to_midi
from bot.songwriting.render.musicxml import to_musicxml
from tests.songwriting.songs import NIGHT_TRAIN

KINDS = {i: section_kind(s.label) for i, s in enumerate(NIGHT_TRAIN.sections)}


def _song(genre: str | None, seed: int = 3, **settings: str) -> Melody:
    return compose(NIGHT_TRAIN, MusicSettings(genre=genre, **settings), seed=seed)


@pytest.mark.parametrize("genre", ["r&b", "ballad"])
def test_melismatic_genres_sing_runs_slurred_with_one_lyric_each(genre: str) -> None:
    """Some long syllables are sung on 2–4 notes: music21 reads each run as a slur whose first note has the lyric
    and the others none; the MIDI file has one lyric event per syllable however many notes sing it."""
    melody = next(m for seed in range(3, 12) if melisma_share(m := _song(genre, seed)) > 0.04)
    score = converter.parseData(to_musicxml(melody, "t").decode("utf-8"), format="musicxml")
    assert isinstance(score, stream.Score)
    slurs = list(score.recurse().getElementsByClass(spanner.Slur))
    assert slurs
    for slur in slurs:
        sung = [n for n in slur.getSpannedElements() if isinstance(n, note.Note)]
        heads = [n for n in sung if not (n.tie is not None and n.tie.type in ("stop", "continue"))]
        assert 2 <= len(heads) <= 4
        assert sung[0].lyrics
        assert not any(n.lyrics for n in sung[1:])
        steps = [abs(b.pitch.midi - a.pitch.midi) for a, b in itertools.pairwise(heads)]
        assert all(0 < s <= 4 for s in steps if s)  # a run moves by scale step
    word_ends = sum(
        1
        for a, b in itertools.pairwise(melody.pitched)
        if b.melisma and not a.melisma and a.syllable and not a.syllable.endswith("-")
    )
    extenders = ElementTree.fromstring(to_musicxml(melody, "t")).findall("part/measure/note/lyric/extend")
    assert len(extenders) == word_ends  # a word's last syllable held through its run draws the extender line
    midi = mido.MidiFile(file=io.BytesIO(to_midi(melody, "t")))
    lyrics = [m.text for m in midi.tracks[1] if m.type == "lyrics"]
    onsets = [m for m in midi.tracks[1] if m.type == "note_on" and m.velocity]
    assert lyrics == [n.syllable for n in melody.notes if n.syllable]
    assert len(onsets) > len(lyrics)


def test_runs_go_on_long_syllables_and_a_repeated_chorus_repeats_them() -> None:
    """A run replaces a note of a beat or more; both choruses are re-sung identically (the hook comes back)."""
    melody = _song("r&b", seed=5)
    assert melisma_share(melody) > 0.1
    notes = sorted(melody.notes, key=lambda n: n.start)
    for a, b in itertools.pairwise(notes):
        if b.melisma and not a.melisma:
            group = [a, *itertools.takewhile(lambda n: n.melisma, notes[notes.index(b) :])]
            assert sum((n.duration for n in group), Fraction(0)) >= melody.time.beat
    choruses = [i for i, kind in KINDS.items() if kind == "chorus"]
    shapes = []
    for index in choruses:
        section = [n for n in notes if n.section == index]
        shapes.append([(n.pitch, n.start - section[0].start, n.duration, n.syllable, n.melisma) for n in section])
    assert len(shapes) >= 2
    assert all(shape == shapes[0] for shape in shapes)


@pytest.mark.parametrize("genre", ["rock", "punk", "folk", "hip-hop", None])
def test_syllabic_genres_keep_one_note_a_syllable(genre: str | None) -> None:
    melody = _song(genre)
    assert melisma_share(melody) == 0
    assert not any(n.melisma for n in melody.notes)


def test_hip_hop_raps_its_verses_in_sixteenths_and_sings_its_chorus() -> None:
    """Verses move in sixteenths with stressed syllables on the eighth grid; the chorus keeps the sung eighths."""
    melody = _song("hip-hop", seed=2)
    sung = [n for n in melody.notes if n.pitch is not None and n.syllable is not None]
    verse = [n for n in sung if KINDS[n.section] == "verse"]
    chorus = [n for n in sung if KINDS[n.section] == "chorus"]
    assert sum(n.duration == Fraction(1, 4) for n in verse) / len(verse) > 0.3
    assert all(n.start % Fraction(1, 4) == 0 for n in verse)
    assert all(n.start % Fraction(1, 2) == 0 for n in chorus)
    assert statistics.median(n.duration for n in chorus) > statistics.median(n.duration for n in verse)


def test_each_genre_has_its_register() -> None:
    """Rap sits low, pop and dance leads high: their median pitches lie at least a fourth apart."""
    median = {g: statistics.median(n.pitch for n in _song(g, seed=1).pitched) for g in ("hip-hop", "pop")}
    assert median["pop"] - median["hip-hop"] >= 5


@pytest.mark.parametrize("voice", list(Voice))
@pytest.mark.parametrize("genre", ["pop", "r&b", "hip-hop", None])
def test_a_voice_holds_the_whole_tune_and_picks_its_key(voice: Voice, genre: str | None) -> None:
    """Every note, runs included, lies inside the voice's comfortable range; the key's tonic lies low in it."""
    span = RANGES[voice]
    melody = _song(genre, seed=4, voice=voice.value)
    pitches = [n.pitch for n in melody.pitched if n.pitch is not None]
    assert span.low <= min(pitches)
    assert max(pitches) <= span.high
    tonic = melody.key.tonic_pc
    assert min((tonic - span.home) % 12, (span.home - tonic) % 12) <= 3


def test_a_given_key_wins_over_the_voice() -> None:
    melody = _song("pop", voice="baritone", key="E major")
    assert (melody.tonic, melody.mode) == ("E", "major")
    assert max(n.pitch for n in melody.pitched if n.pitch is not None) <= RANGES[Voice.BARITONE].high


def test_an_unknown_voice_is_a_clear_error() -> None:
    with pytest.raises(SettingsError, match="soprano, alto, tenor, baritone"):
        MusicSettings(voice="countertenor")


def test_runs_read_back_from_the_abc() -> None:
    """The ABC slurs each run (music21 reads the slurs) and holds its syllable with "_": read back, every note is
    there and each syllable sits on the first note of its run."""
    from bot.songwriting.music.melody_input import parse_melody
    from bot.songwriting.render.abc import to_abc

    melody = _song("r&b", seed=5)
    text = to_abc(melody, "t")
    assert "_" in "".join(line for line in text.splitlines() if line.startswith("w:"))
    score = converter.parseData(text, format="abc")
    assert len(list(score.recurse().getElementsByClass(spanner.Slur))) == sum(
        1 for a, b in itertools.pairwise(melody.pitched) if b.melisma and not a.melisma
    )
    read = parse_melody(text.encode("utf-8"), "t.abc")
    assert [n.pitch for n in read.pitched] == [n.pitch for n in melody.pitched]
    assert [n.syllable for n in read.pitched] == [n.syllable for n in melody.pitched]


@pytest.mark.parametrize("genre", [g.value for g in Genre])
def test_the_chorus_lifts_in_every_genre(genre: str) -> None:
    """Over six seeds the chorus sits above the verses in every genre: by 2 semitones or more at the median and
    never below them (electronic's lifted 0.6 semitones, the 12-bar blues' barely 2)."""
    lifts = [chorus_lift(_song(genre, seed), NIGHT_TRAIN) for seed in range(6)]
    assert statistics.median(lifts) >= 2.5
    assert min(lifts) > 1.0
