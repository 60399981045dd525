"""The lyrics.txt format: a sketch's footer says who wrote the words and is never read back as lyrics."""

from __future__ import annotations

from bot.songwriting.words.lyrics import Lyrics, Section, parse_lyrics, split_footer

SONG = Lyrics("Paper Boats", (Section("Verse", ("Paper boats at noon", "Sailing down the drain")),))
LINE = "Lyrics: AI draft (offline writer); melody: AI draft (melody sketcher), Sound Off"


def test_footer_ends_the_text() -> None:
    """The footer follows the last section after a blank line and a ``--`` mark."""
    text = SONG.to_text(LINE)
    assert text.endswith(f"Sailing down the drain\n\n--\n{LINE}\n")
    assert split_footer(text) == (SONG.to_text().rstrip("\n") + "\n", LINE)


def test_footer_is_not_read_as_lyrics() -> None:
    """A lyrics.txt fed back in sings the song, not its credits."""
    assert parse_lyrics(SONG.to_text(LINE)) == SONG
    assert parse_lyrics(SONG.to_text(LINE).replace("\n", "\r\n")) == SONG


def test_a_dash_line_inside_the_lyrics_is_a_lyric() -> None:
    """Only a last ``--`` with one line after it is a footer: a dash line a member wrote stays."""
    song = Lyrics("T", (Section("Verse", ("la la", "--", "la la la")), Section("Bridge", ("--", "oh"))))
    assert parse_lyrics(song.to_text()) == song
    assert parse_lyrics("T\n\nla la\n--\nla la la\n").lines == ["la la", "--", "la la la"]
    assert split_footer("T\n\n--\n") == ("T\n\n--\n", None)
