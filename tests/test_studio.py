"""The offline studio: a whole sketch on disk from a theme or a lyrics file, and one-line errors."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
from pathlib import Path

import mido
import pytest
import soundfile
import verovio
from music21 import converter, metadata
from PIL import Image

from bot import studio
from bot.songwriting.music.melody_input import parse_melody
from bot.songwriting.words.lyrics import LYRICS_MAX_LINES, parse_lyrics

LYRICS = """Paper Boats

[Verse]
Paper boats at noon
Sailing down the drain

[Chorus]
Float away, float away
Till we sail beyond the town
"""


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    studio.add_arguments(parser)
    args = parser.parse_args(argv)
    args.openai_api_key = args.openai_base_url = args.openai_model = None
    return studio.run(args)


@pytest.fixture(scope="module")
def sketch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One offline sketch from a theme, shared by the read-back tests."""
    out = tmp_path_factory.mktemp("sketch")
    capture = io.StringIO()
    with contextlib.redirect_stdout(capture):
        assert _run("a night train home", "--out", str(out), "--mood", "wistful", "--seed", "7") == 0
    return out, capture.getvalue()


def test_all_files_are_written(sketch: tuple[Path, str]) -> None:
    """The folder holds the export's files under their fixed names."""
    out, _ = sketch
    assert sorted(p.name for p in out.iterdir()) == sorted(studio.FILES)


def test_song_json(sketch: tuple[Path, str]) -> None:
    """song.json has the title, sections, key, mode, tempo, metre, seed, writer and quality measures."""
    out, _ = sketch
    song = json.loads((out / "song.json").read_text())
    assert set(song) == {"title", "sections", "key", "mode", "tempo", "meter", "seed", "writer", "fallback", "measures"}
    assert song["fallback"] is None
    assert song["seed"] == 7
    assert song["writer"] == "offline writer"
    assert song["measures"]["syllable_alignment"] == 1.0
    lyrics = parse_lyrics((out / "lyrics.txt").read_text())
    assert [s.to_dict() for s in lyrics.sections] == song["sections"]
    assert lyrics.title == song["title"]


def test_files_read_back(sketch: tuple[Path, str]) -> None:
    """MIDI, MusicXML, PNG, OGG and ABC each open with an independent reader and agree on the notes."""
    out, _ = sketch
    song = json.loads((out / "song.json").read_text())
    assert mido.MidiFile(out / "melody.mid").tracks[1].name == "Melody"
    from_xml = parse_melody((out / "lead-sheet.musicxml").read_bytes())
    from_abc = parse_melody((out / "melody.abc").read_bytes())
    assert [n.pitch for n in from_xml.notes] == [n.pitch for n in from_abc.notes]
    assert (from_xml.tonic, from_xml.mode, from_xml.meter) == (song["key"], song["mode"], song["meter"])
    assert Image.open(out / "score.png").format == "PNG"
    pdf = (out / "lead-sheet.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert int(re.search(rb"/Count\s+(\d+)", pdf).group(1)) >= 1  # type: ignore[union-attr]  # every page, counted
    assert 10 < soundfile.info(str(out / "preview.ogg")).duration <= 60


AI_SKETCH = "Lyrics: AI draft (offline writer); melody: AI draft (melody sketcher), Sound Off"


def test_every_file_discloses_the_ai(sketch: tuple[Path, str]) -> None:
    """lyrics.txt, MIDI, MusicXML (and the score it engraves) and ABC each say the AI drafted words and music."""
    out, _ = sketch
    assert (out / "lyrics.txt").read_text().endswith(f"\n--\n{AI_SKETCH}\n")
    conductor = mido.MidiFile(out / "melody.mid").tracks[0]
    assert [m.text for m in conductor if m.type in ("copyright", "text")] == [AI_SKETCH, AI_SKETCH]
    musicxml = (out / "lead-sheet.musicxml").read_text()
    score = converter.parseData(musicxml, format="musicxml")
    assert isinstance(score.metadata, metadata.Metadata)
    assert (score.metadata.copyright, score.metadata.composers, score.metadata.lyricists) == (AI_SKETCH, (), ())
    toolkit = verovio.toolkit()
    assert toolkit.loadData(musicxml)
    assert AI_SKETCH in toolkit.renderToSVG(1)
    assert f"N:{AI_SKETCH}" in (out / "melody.abc").read_text().splitlines()


def test_progress_report_and_summary_are_printed(sketch: tuple[Path, str]) -> None:
    """The studio prints each stage, the prosody report and the melody summary."""
    _, printed = sketch
    for stage in ("lyrics", "melody", "MIDI", "MusicXML", "score image", "lead sheet PDF", "audio preview", "ABC"):
        assert f"\n{stage}" in f"\n{printed}"
    assert "[Chorus] ABAB" in printed
    assert " bpm · " in printed
    assert "Wrote 8 files" in printed


def test_lyrics_file_is_set_to_music(tmp_path: Path) -> None:
    """--lyrics sets a melody to a member's text; the theme is not needed."""
    source = tmp_path / "boats.txt"
    source.write_text(LYRICS)
    assert _run("--lyrics", str(source), "--out", str(tmp_path / "out"), "--seed", "1", "--meter", "3/4") == 0
    song = json.loads((tmp_path / "out" / "song.json").read_text())
    assert (song["title"], song["writer"], song["meter"]) == ("Paper Boats", "lyrics file", "3/4")
    assert [s["label"] for s in song["sections"]] == ["Verse", "Chorus"]
    written = (tmp_path / "out" / "lyrics.txt").read_text()
    assert written.endswith("\n--\nLyrics: supplied by the user; melody: AI draft (melody sketcher), Sound Off\n")
    assert parse_lyrics(written) == parse_lyrics(LYRICS)


def test_same_seed_same_sketch(tmp_path: Path) -> None:
    """A seed reproduces the sketch: same lyrics and the same MIDI bytes."""
    source = tmp_path / "boats.txt"
    source.write_text(LYRICS)
    for name in ("a", "b"):
        assert _run("--lyrics", str(source), "--out", str(tmp_path / name), "--seed", "3", "--key", "E minor") == 0
    assert (tmp_path / "a" / "melody.mid").read_bytes() == (tmp_path / "b" / "melody.mid").read_bytes()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["a theme", "--key", "H minor"], "unknown key"),
        (["a theme", "--meter", "4/5"], "unknown meter"),
        (["a theme", "--tempo", "20"], "tempo must be between"),
        (["x" * 201], "longer than 200 characters"),
        ([], "give a theme"),
        (["a theme", "--syllables", "30"], "syllables per line"),
        (["a theme", "--rhyme", "A1"], "rhyme scheme"),
        (["--lyrics", "missing.txt"], "cannot read lyrics file"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad arguments or input exit with 2 and one clear line on stderr, writing nothing."""
    out = tmp_path / "out"
    assert _run(*argv, "--out", str(out)) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert message in error
    assert not out.exists() or not any(out.iterdir())


def test_lyrics_without_words_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A lyrics file with nothing to sing is refused."""
    source = tmp_path / "empty.txt"
    source.write_text("Title\n\n[Verse]\n...\n")
    assert _run("--lyrics", str(source), "--out", str(tmp_path / "out")) == 2
    assert "no words to sing" in capsys.readouterr().err


def test_lyrics_past_the_line_limit_exit_2_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The 1,999 one-letter lines that took 278 s to sketch are refused before any music is made."""
    source = tmp_path / "long.txt"
    source.write_text("\n".join("a" for _ in range(1999)) + "\n")
    out = tmp_path / "out"
    assert _run("--lyrics", str(source), "--out", str(out)) == 2
    error = capsys.readouterr().err
    assert f"lyrics file {source} has 1,999 lines (a song may have {LYRICS_MAX_LINES}): split the song up" in error
    assert not out.exists()


def test_unknown_form_is_an_argparse_error(capsys: pytest.CaptureFixture[str]) -> None:
    """A form outside the list is refused by the parser itself (exit 2)."""
    with pytest.raises(SystemExit) as exited:
        _run("a theme", "--out", "x", "--form", "opera")
    assert exited.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
