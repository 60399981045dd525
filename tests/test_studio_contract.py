"""The studio's promise: exit 2, one line on stderr, and nothing half-written when the input or folder is unusable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main


def _sketch(*argv: str) -> int:
    return main(["sketch", *argv])


@pytest.mark.parametrize("control", ["\x1b[31m", "\x00", "\x07", "\x9b"])
def test_control_characters_in_a_lyrics_file_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], control: str
) -> None:
    """A terminal escape or a binary byte is never echoed to the terminal nor written into lyrics.txt."""
    source = tmp_path / "song.txt"
    source.write_text(f"Title\n\n[Verse]\nhello {control}world\nand more words here\n")
    assert _sketch("--lyrics", str(source), "--out", str(tmp_path / "out"), "--seed", "1") == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1
    assert "control character on line 4" in captured.err
    assert control not in captured.out + captured.err
    assert not (tmp_path / "out").exists()


def test_tabs_are_not_control_characters(tmp_path: Path) -> None:
    """Tabs and Windows line ends are ordinary text."""
    source = tmp_path / "song.txt"
    source.write_text("Title\r\n\r\n[Verse]\r\nhello\tworld, the night is long\r\n")
    assert _sketch("--lyrics", str(source), "--out", str(tmp_path / "out"), "--seed", "1") == 0


def test_a_failed_sketch_leaves_no_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A refused sketch used to leave an empty out folder behind."""
    out = tmp_path / "deep" / "out"
    assert _sketch("a theme", "--out", str(out), "--key", "H major") == 2
    assert not (tmp_path / "deep").exists()
    assert capsys.readouterr().err.count("\n") == 1


@pytest.mark.parametrize("layout", ["file", "through-file"])
def test_an_unwritable_out_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], layout: str) -> None:
    """--out naming a file, or a path through one, is refused before any work, in one line."""
    (tmp_path / "taken").write_text("mine")
    out = tmp_path / "taken" if layout == "file" else tmp_path / "taken" / "out"
    assert _sketch("a theme", "--out", str(out), "--seed", "2") == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "cannot write to" in error
    assert (tmp_path / "taken").read_text() == "mine"


def test_an_existing_folder_gets_every_file_and_keeps_others(tmp_path: Path) -> None:
    """Writing into a folder that exists replaces the sketch's files and leaves the member's own alone."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "my-notes.md").write_text("keep me")
    (out / "song.json").write_text("old")
    assert _sketch("harbour lights", "--out", str(out), "--seed", "3") == 0
    assert (out / "my-notes.md").read_text() == "keep me"
    assert (out / "song.json").read_text().startswith("{")
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder left beside it
