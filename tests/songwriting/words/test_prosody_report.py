"""The prosody report shown under a draft."""

from __future__ import annotations

from bot.songwriting.words.lyrics import Lyrics, Section
from bot.songwriting.words.prosody_report import format_report, prosody_report

SONG = Lyrics(
    title="Night Drive",
    sections=(
        Section(
            "Verse 1",
            (
                "I walked into the night",
                "and you were on my mind",
                "the stars were burning bright",
                "and every single thing I ever wanted was so hard to find",
            ),
        ),
        Section("Chorus", ("drive on", "drive on")),
    ),
)


def test_report_counts_syllables_and_stresses() -> None:
    """Reports each line's syllable count and one stress digit per syllable."""
    first = prosody_report(SONG)[0].lines[0]
    assert first.syllables == 6
    assert first.stresses == "012001"


def test_rhyme_letters_restart_per_section() -> None:
    """Letters every section's scheme from A again."""
    verse, chorus = prosody_report(SONG)
    assert verse.scheme == "ABAB"
    assert chorus.scheme == "AA"


def test_far_off_line_is_flagged() -> None:
    """Flags a line far longer than its section's median."""
    verse = prosody_report(SONG)[0]
    assert [line.flag for line in verse.lines[:3]] == [None, None, None]
    assert verse.lines[3].flag is not None
    assert verse.lines[3].flag.startswith("long (+")


def test_format_report_lists_count_letter_and_text() -> None:
    """Renders one compact row per line, under a section header, with flags marked."""
    text = format_report(prosody_report(SONG))
    assert text.splitlines()[0] == "[Verse 1] ABAB"
    assert text.splitlines()[1] == " 6 A  I walked into the night"
    assert "⚠ long (+" in text
