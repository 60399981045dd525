"""The grammar checks every offline line must pass (words.grammar): one table row per mistake a listener hears."""

from __future__ import annotations

import pytest

from bot.songwriting.words.grammar import problems


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("I kept a tickets by the door", "number"),
        ("Every streetlights hum tonight", "number"),
        ("The clerk were counting change", "agreement"),
        ("The tickets was on the counter", "agreement"),
        ("I counts the change", "person"),
        ("The ferry stopped running tomorrow", "tense"),
        ("The rent is due long ago", "tense"),
        ("Sing it out for pawned my guitar", "preposition"),
        ("I punched the clock anymore", "polarity"),
        ("The clerk would open the door in the door", "repeat"),
        ("With the watch, the watches are low", "repeat"),
        ("I walked the the line", "stutter"),
        ("I left my heart in the", "dangling"),
    ],
)
def test_a_broken_line_is_named(line: str, problem: str) -> None:
    """Each mistake is caught and named."""
    assert problem in problems(line)


@pytest.mark.parametrize(
    "line",
    [
        "The ferry stopped running long ago",
        "I counted the change and I missed the train",
        "The tickets were on the counter",
        "Oh, oh, the pawnshop on fifth street",
        "I don't sign the ticket anymore",
        "If I were the clerk I would stay",
        "The landlord will raise the rent tomorrow",
        "You were waiting at the door",
    ],
)
def test_a_good_line_passes(line: str) -> None:
    """Lines that read as English raise nothing."""
    assert problems(line) == []


def test_a_theme_phrase_cut_inside_is_a_problem() -> None:
    """A theme phrase sung cut inside ("a lighthouse keeper's last") fails with the theme given."""
    assert "phrase" in problems("Oh, it's a lighthouse keeper's last", "a lighthouse keeper's last night")
