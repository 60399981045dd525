"""The sketch pipeline: every file, notes when a stage is partial or fails, picklable across processes."""

from __future__ import annotations

import functools
import io
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor

import mido
import pytest
from music21 import converter, metadata, text

from bot.songwriting.music.composer import compose
from bot.songwriting.music.melody import Melody
from bot.songwriting.music.settings import MusicSettings
from bot.songwriting.render import audio, musicxml
from bot.songwriting.render.sketch import SketchFiles, compose_and_render, render_sketch, warm_up
from bot.songwriting.render.sketch_files import sketch_contents
from bot.songwriting.versions.credits import MELODY_WRITER, Authorship, Disclosure
from tests.songwriting.songs import NIGHT_TRAIN, PAPER_BOATS

TUNE = Disclosure(None, Authorship.by_ai(MELODY_WRITER))
SONG = Disclosure(Authorship.by_ai("offline writer"), Authorship.by_ai(MELODY_WRITER))


@functools.cache
def _short() -> Melody:
    return compose(None, MusicSettings(key="G major", tempo=110), seed=4, bars=8)


def test_every_file_is_rendered() -> None:
    """A short tune gets MIDI, MusicXML, PNG, OGG and ABC, with nothing to report."""
    files = render_sketch(_short(), None, "Tune", disclosure=TUNE)
    assert files.midi.startswith(b"MThd")
    assert b"<score-partwise" in files.musicxml
    assert files.png is not None
    assert files.png.startswith(b"\x89PNG")
    assert files.ogg is not None
    assert files.ogg.startswith(b"OggS")
    assert files.abc.startswith("X:1\nT:Tune\n")
    assert files.notes == ()


def test_compose_and_render_matches_compose() -> None:
    """The pipeline's melody is the composer's for the same settings."""
    melody, _ = compose_and_render(
        PAPER_BOATS, "Paper Boats", MusicSettings(key="C major", tempo=120), seed=9, disclosure=SONG
    )
    assert melody == compose(PAPER_BOATS, MusicSettings(key="C major", tempo=120), seed=9)


def test_long_song_notes_say_what_is_partial() -> None:
    """A long song's notes say the image shows the first bars and the preview the first seconds."""
    _, files = compose_and_render(
        NIGHT_TRAIN, "Night Train", MusicSettings(key="A minor", tempo=70, meter="3/4"), seed=1, disclosure=SONG
    )
    assert any(note.startswith("Score image shows bars 1–") for note in files.notes)
    assert any(note.startswith("Audio preview plays the first") for note in files.notes)


def test_progress_reports_each_stage_in_order() -> None:
    """The progress callback hears every stage once, in pipeline order."""
    stages: list[str] = []
    compose_and_render(
        None, "Tune", seed=2, bars=4, progress=lambda stage, _seconds: stages.append(stage), disclosure=TUNE
    )
    assert stages == ["melody", "MIDI", "MusicXML", "score image", "audio preview", "ABC"]


def test_a_failing_stage_leaves_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    """When MusicXML fails, the image (which needs it) is skipped; MIDI, audio and ABC still arrive."""

    def broken(*_args: object, **_kwargs: object) -> bytes:
        raise RuntimeError("engraver on fire")

    monkeypatch.setattr(musicxml, "to_musicxml", broken)
    files = render_sketch(_short(), None, "Tune", disclosure=TUNE)
    assert files.musicxml == b""
    assert files.png is None
    assert files.midi
    assert files.ogg
    assert files.abc
    assert files.notes == (
        "The MusicXML could not be made this time (the error is logged).",
        "Score image skipped: the MusicXML could not be written.",
    )


def test_missing_soundfont_skips_audio_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a SoundFont the sketch arrives without audio and says why."""
    monkeypatch.setattr(audio, "find_soundfont", lambda: None)
    files = render_sketch(_short(), None, "Tune", disclosure=TUNE)
    assert files.ogg is None
    assert files.png is not None
    assert files.notes == ("Audio preview skipped: no General MIDI SoundFont found.",)


def test_results_pickle() -> None:
    """The melody and the files survive pickling (the bot renders in a process pool)."""
    result = compose_and_render(PAPER_BOATS, "Paper Boats", seed=3, disclosure=SONG)
    assert pickle.loads(pickle.dumps(result)) == result


def test_runs_in_a_spawned_worker() -> None:
    """A spawned worker, warmed up like the bot's, composes and renders and sends the result back."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context, initializer=warm_up) as pool:
        job = pool.submit(compose_and_render, PAPER_BOATS, "Paper Boats", seed=5, disclosure=SONG)
        melody, files = job.result(timeout=60)
    assert isinstance(files, SketchFiles)
    assert melody == compose(PAPER_BOATS, seed=5)


def test_every_file_carries_the_disclosure() -> None:
    """MIDI, MusicXML (whose credit the score image engraves), ABC and lyrics.txt each say who made the sketch."""
    _, files = compose_and_render(PAPER_BOATS, "Paper Boats", seed=3, disclosure=SONG)
    conductor = mido.MidiFile(file=io.BytesIO(files.midi)).tracks[0]
    assert SONG.line in [m.text for m in conductor if m.type == "copyright"]
    score = converter.parseData(files.musicxml.decode("utf-8"), format="musicxml")
    assert isinstance(score.metadata, metadata.Metadata)
    assert score.metadata.copyright == SONG.line
    assert SONG.line in [box.content for box in score.getElementsByClass(text.TextBox)]
    assert f"N:{SONG.line}" in files.abc.splitlines()
    contents = sketch_contents({}, PAPER_BOATS, files, disclosure=SONG)
    assert contents["lyrics.txt"].decode("utf-8").endswith(f"\n--\n{SONG.line}\n")
