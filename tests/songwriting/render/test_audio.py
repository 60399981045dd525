"""The audio preview, decoded back with soundfile and measured."""

from __future__ import annotations

import functools
import io
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import soundfile

from bot.songwriting.music.composer import compose
from bot.songwriting.music.melody import Melody, Note
from bot.songwriting.music.settings import MusicSettings
from bot.songwriting.render.audio import MAX_SECONDS, SAMPLE_RATE, find_soundfont, preview_seconds, to_ogg
from bot.songwriting.render.midi import to_midi
from tests.songwriting.songs import NIGHT_TRAIN, PAPER_BOATS


@functools.cache
def _preview(melody: Melody) -> tuple[np.ndarray, int, bytes]:
    result = to_ogg(to_midi(melody), preview_seconds(melody))
    assert result.ogg is not None
    samples, rate = soundfile.read(io.BytesIO(result.ogg), dtype="float32")
    return samples, rate, result.ogg


@functools.cache
def _short() -> Melody:
    return compose(None, MusicSettings(key="C major", tempo=120), seed=3, bars=4)


def test_bundled_soundfont_is_found() -> None:
    """The General MIDI SoundFont inside the pretty_midi wheel is found without system packages."""
    found = find_soundfont()
    assert found is not None
    assert found.name == "TimGM6mb.sf2"


def test_preview_is_mono_ogg_opus() -> None:
    """The preview is OGG Opus (what Discord's voice messages are; iOS has no Vorbis decoder), mono and small."""
    ogg = _preview(_short())[2]
    info = soundfile.info(io.BytesIO(ogg))
    assert (info.format, info.subtype, info.channels, info.samplerate) == ("OGG", "OPUS", 1, SAMPLE_RATE)
    assert len(ogg) < 1024 * 1024


def test_short_song_plays_whole_with_a_tail() -> None:
    """A four-bar tune at 120 bpm lasts its 8 s plus a ring-out tail."""
    samples, rate, _ = _preview(_short())
    assert len(samples) / rate == pytest.approx(8 + 1.5, abs=0.05)


def test_preview_is_not_silent_and_not_clipped() -> None:
    """There is sound while the notes play, peaking just under full scale."""
    samples, rate, _ = _preview(_short())
    playing = samples[: 8 * rate]
    assert float(np.sqrt(np.mean(playing**2))) > 0.05
    assert 0.5 < float(np.abs(samples).max()) <= 1.0


def test_sound_starts_with_the_first_note() -> None:
    """A melody that begins after a bar of rest is quiet until then (chords off), loud after."""
    notes = (Note(72, Fraction(4), Fraction(4), None, 0, 0),)
    melody = Melody(notes, (), "C", "major", 120, "4/4", 0)
    samples, rate, _ = _preview(melody)
    before, after = samples[: int(1.8 * rate)], samples[int(2.1 * rate) : int(3.5 * rate)]
    assert float(np.abs(before).max()) < 0.01
    assert float(np.sqrt(np.mean(after**2))) > 0.05


def test_pitch_is_the_note_played() -> None:
    """A lone A4 sounds at about 440 Hz (the strongest spectral peak)."""
    notes = (Note(69, Fraction(0), Fraction(4), None, 0, 0),)
    samples, rate, _ = _preview(Melody(notes, (), "A", "major", 60, "4/4", 0))
    window = samples[rate // 2 : rate // 2 + rate]
    spectrum = np.abs(np.fft.rfft(window * np.hanning(len(window))))
    peak = float(np.fft.rfftfreq(len(window), 1 / rate)[int(np.argmax(spectrum))])
    assert peak == pytest.approx(440, rel=0.03)


def test_long_song_is_cut_at_a_section_end() -> None:
    """A long song whose verse and chorus fit stops after the chorus, fading out."""
    melody = compose(NIGHT_TRAIN, MusicSettings(key="A minor", tempo=100), seed=0)
    chorus_end = max(float(n.end) for n in melody.notes if n.section == 1) * 60 / 100
    assert melody.seconds() > MAX_SECONDS
    assert preview_seconds(melody) == pytest.approx(chorus_end + 1.0)
    samples, rate, _ = _preview(melody)
    assert len(samples) / rate == pytest.approx(chorus_end + 1.0, abs=0.05)
    assert float(np.abs(samples[-rate // 20 :]).max()) < 0.05


def test_slow_song_is_cut_at_a_bar_line() -> None:
    """When no section ends late enough, the preview plays to the last bar line within the limit."""
    melody = compose(NIGHT_TRAIN, MusicSettings(key="A minor", tempo=40), seed=0)
    assert preview_seconds(melody) == 42.0  # seven 4/4 bars of six seconds at 40 bpm


def test_preview_never_passes_a_minute() -> None:
    """Even a slow, long song with no section end in reach stops at the limit."""
    melody = compose(PAPER_BOATS, MusicSettings(tempo=40), seed=0)
    assert preview_seconds(melody) <= 60


def test_missing_soundfont_skips_with_a_reason(tmp_path: Path) -> None:
    """Without a SoundFont the preview is None and says why."""
    result = to_ogg(to_midi(_short()), 5.0, soundfont=tmp_path / "missing.sf2")
    assert result.ogg is None
    assert result.reason is not None
    assert "SoundFont" in result.reason
