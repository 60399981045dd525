"""MIDI rendering, read back with mido and pretty_midi."""

from __future__ import annotations

import functools
import io

import mido
import pretty_midi
import pytest

from bot.songwriting.music.composer import compose
from bot.songwriting.music.harmony import chord_pitch_classes
from bot.songwriting.music.melody import Melody
from bot.songwriting.music.settings import MusicSettings
from bot.songwriting.render.midi import to_midi
from bot.songwriting.versions.credits import MELODY_WRITER, Authorship, Disclosure
from bot.songwriting.words.prosody import line_syllables
from tests.songwriting.songs import NIGHT_TRAIN, PAPER_BOATS


@functools.cache
def _song(key: str = "A minor", meter: str = "4/4") -> tuple[Melody, bytes]:
    melody = compose(NIGHT_TRAIN, MusicSettings(key=key, tempo=90, meter=meter), seed=4)
    return melody, to_midi(melody, "Night Train Home")


def _track(data: bytes, name: str) -> mido.MidiTrack:
    return next(t for t in mido.MidiFile(file=io.BytesIO(data)).tracks if t.name == name)


def test_tracks_and_conductor() -> None:
    """A type-1 file: conductor (titled), melody, chords and bass tracks."""
    midi = mido.MidiFile(file=io.BytesIO(_song()[1]))
    assert midi.type == 1
    assert [t.name for t in midi.tracks] == ["Night Train Home", "Melody", "Chords", "Bass"]


def test_tempo_time_and_key_signatures() -> None:
    """The conductor carries the tempo, the time signature and the key signature."""
    messages = {m.type: m for m in mido.MidiFile(file=io.BytesIO(_song()[1])).tracks[0]}
    assert mido.tempo2bpm(messages["set_tempo"].tempo) == pytest.approx(90)
    assert (messages["time_signature"].numerator, messages["time_signature"].denominator) == (4, 4)
    assert messages["key_signature"].key == "Am"


@pytest.mark.parametrize(("key", "meter", "name"), [("Bb major", "6/8", "Bb"), ("F# minor", "3/4", "F#m")])
def test_other_keys_and_metres(key: str, meter: str, name: str) -> None:
    """Flat and sharp keys and compound metres are written as such."""
    messages = {m.type: m for m in mido.MidiFile(file=io.BytesIO(_song(key, meter)[1])).tracks[0]}
    assert messages["key_signature"].key == name
    assert f"{messages['time_signature'].numerator}/{messages['time_signature'].denominator}" == meter


def test_one_lyric_event_per_sung_note() -> None:
    """The melody track has a lyric meta-event, in order, for every syllable."""
    melody, data = _song()
    lyrics = [m.text for m in _track(data, "Melody") if m.type == "lyrics"]
    assert lyrics == [n.syllable for n in melody.notes if n.syllable]


def test_melody_pitches_and_times_read_back() -> None:
    """pretty_midi reads the melody's pitches and onsets (in seconds at the tempo) exactly."""
    melody, data = _song()
    lead = pretty_midi.PrettyMIDI(io.BytesIO(data)).instruments[0]
    assert [n.pitch for n in lead.notes] == [n.pitch for n in melody.notes]
    assert [n.start for n in lead.notes] == pytest.approx([float(n.start) * 60 / 90 for n in melody.notes], abs=1e-3)
    assert lead.notes[-1].end == pytest.approx(float(melody.notes[-1].end) * 60 / 90, abs=1e-3)


def test_lyrics_sit_on_their_notes() -> None:
    """Each lyric event has the same time as its note's onset."""
    data = _song()[1]
    score = pretty_midi.PrettyMIDI(io.BytesIO(data))
    onsets = {round(n.start, 4) for n in score.instruments[0].notes}
    assert all(round(lyric.time, 4) in onsets for lyric in score.lyrics)


def test_chords_and_bass_sound_the_chord_symbols() -> None:
    """Accompaniment notes on their own channels belong to the chord sounding at their onset."""
    melody, data = _song()
    score = pretty_midi.PrettyMIDI(io.BytesIO(data))
    chords, bass = score.instruments[1], score.instruments[2]
    assert (chords.program, bass.program) == (0, 32)
    for note in chords.notes + bass.notes:
        span = melody.chord_at(score.time_to_tick(note.start) / score.resolution)
        assert span is not None
        assert note.pitch % 12 in chord_pitch_classes(span.symbol)


def test_channels_are_separate() -> None:
    """Melody, chords and bass play on three different channels."""
    data = _song()[1]
    channels = [{m.channel for m in _track(data, name) if m.type == "note_on"} for name in ("Melody", "Chords", "Bass")]
    assert channels == [{0}, {1}, {2}]


def test_instrumental_has_no_lyrics() -> None:
    """An instrumental writes no lyric events."""
    data = to_midi(compose(None, seed=1), "Tune")
    assert not [m for m in _track(data, "Melody") if m.type == "lyrics"]


def test_unicode_title_and_syllables() -> None:
    """Non-ASCII titles and syllables are written as UTF-8 text."""
    melody = compose(PAPER_BOATS, seed=0)
    data = to_midi(melody, "Bateaux en papier — été")
    assert mido.MidiFile(file=io.BytesIO(data)).tracks[0].name.encode("latin-1").decode("utf-8") == (
        "Bateaux en papier — été"
    )


def test_the_disclosure_is_the_copyright_notice_and_a_text_event() -> None:
    """The conductor opens with the disclosure as its copyright notice, and carries it as text too."""
    disclosure = Disclosure(Authorship((("Zoë", 0.75),), ai_share=0.25), Authorship.by_ai(MELODY_WRITER))
    data = to_midi(compose(PAPER_BOATS, seed=0), "Paper Boats", disclosure)
    conductor = mido.MidiFile(file=io.BytesIO(data)).tracks[0]
    assert conductor[0].type == "copyright"
    assert conductor[0].time == 0
    texts = [m.text.encode("latin-1").decode("utf-8") for m in conductor if m.type in ("copyright", "text")]
    assert texts == [disclosure.line, disclosure.line]
    assert "Zoë 75 %" in disclosure.line
    assert conductor.name == "Paper Boats"


def _velocities(data: bytes, name: str) -> list[tuple[int, int]]:
    """(absolute tick, velocity) of each note-on of a track."""
    tick, found = 0, []
    for message in _track(data, name):
        tick += message.time
        if message.type == "note_on" and message.velocity:
            found.append((tick, message.velocity))
    return found


def test_velocities_are_shaped_not_constant() -> None:
    """The voice uses a spread of velocities (it was 92 on every note), the same on every render."""
    melody, data = _song()
    voice = [v for _, v in _velocities(data, "Melody")]
    assert len(voice) == len(melody.pitched)
    assert len(set(voice)) >= 8
    assert 60 <= min(voice) < max(voice) <= 110
    assert to_midi(melody, "Night Train Home") == data


def test_stressed_syllables_are_louder() -> None:
    """Syllables with dictionary stress are played louder, on average, than unstressed ones."""
    _, data = _song()
    voice = [v for _, v in _velocities(data, "Melody")]
    stresses = [s.stress for line in NIGHT_TRAIN.lines for s in line_syllables(line)]
    assert len(stresses) == len(voice)
    stressed = [v for v, s in zip(voice, stresses, strict=True) if s == 1]
    unstressed = [v for v, s in zip(voice, stresses, strict=True) if s == 0]
    assert sum(stressed) / len(stressed) > sum(unstressed) / len(unstressed) + 8


def test_phrases_arch_and_fall_away_at_the_end() -> None:
    """Each sung line ends softer than its loudest note, and its middle is louder than its edges."""
    melody, data = _song()
    voice = [v for _, v in _velocities(data, "Melody")]
    lines: dict[tuple[int, int], list[int]] = {}
    for note, velocity in zip(melody.pitched, voice, strict=True):
        lines.setdefault((note.section, note.line), []).append(velocity)
    for velocities in lines.values():
        assert velocities[-1] < max(velocities)
    middles = [v for vs in lines.values() for v in vs[len(vs) // 3 : 2 * len(vs) // 3]]
    edges = [v for vs in lines.values() for v in (vs[0], vs[-1])]
    assert sum(middles) / len(middles) > sum(edges) / len(edges)


def test_accompaniment_sits_under_the_voice_with_accented_downbeats() -> None:
    """Chords and bass are softer than the voice; their hits on the bar line are a little louder than the others."""
    melody, data = _song()
    voice = sorted(v for _, v in _velocities(data, "Melody"))
    bar_ticks = int(melody.time.bar * 480)
    for name in ("Chords", "Bass"):
        hits = _velocities(data, name)
        assert max(v for _, v in hits) < voice[len(voice) // 2]
        downbeats = {v for t, v in hits if t % bar_ticks == 0}
        others = {v for t, v in hits if t % bar_ticks}
        assert others
        assert min(downbeats) > max(others)
