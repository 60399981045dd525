"""Phrase boundaries from curated word classes: what may end a line, and where a theme may be cut."""

from __future__ import annotations

import pytest

from bot.songwriting.words.phrases import NEVER, bond, broken, cut_runs, dangling_end, is_bare, is_clause


@pytest.mark.parametrize(
    ("line", "dangles"),
    [
        ("Oh, my grandmother's", True),
        ("Here's to the", True),
        ("We stayed up talking until", True),
        ("The Summer We", True),
        ("Dreaming of", True),
        ("It's over", False),
        ("Hold on", False),
        ("Friends who drifted apart", False),
        ("Leave it all behind", False),
        ("I miss her", False),
        ("Take me home", False),
    ],
)
def test_dangling_end(line: str, dangles: bool) -> None:
    """A line may end on a particle or an object, never on a determiner, possessive, conjunction or subject."""
    assert dangling_end(line) is dangles


@pytest.mark.parametrize(
    ("left", "right", "strength"),
    [
        ("rain", "over", 1),
        ("friends", "who", 1),
        ("summer", "we", 2),
        ("painted", "the", 3),
        ("kitchen", "radio", 5),
        ("over", "the", NEVER),
        ("keeper's", "last", NEVER),
        ("the", "city", NEVER),
    ],
)
def test_bond(left: str, right: str, strength: int) -> None:
    """Phrase boundaries are cheap to cut, noun phrases dear, a word needing more never."""
    assert bond(left, right) == strength


@pytest.mark.parametrize(
    ("line", "theme", "cut"),
    [
        ("Oh, it's a lighthouse keeper's last", "a lighthouse keeper's last night on the rocks", True),
        ("My grandmother's once more", "my grandmother's kitchen radio", True),
        ("Neon Rain Over", "neon rain over the city", True),
        ("Here's to a keeper's last night", "a lighthouse keeper's last night on the rocks", False),
        ("Nothing's like the cars", "nothing's like the plays at dawn", False),
        ("I still think about neon rain", "neon rain over the city", False),
        ("We painted the boat", "the summer we painted the boat", False),
    ],
)
def test_broken_lines(line: str, theme: str, cut: bool) -> None:
    """A theme phrase cut inside reads as broken; a whole phrase, or a frame that goes on grammatically, does not."""
    assert broken(line, theme) is cut


def test_cut_runs_names_the_fragment() -> None:
    """The measure says which run of the theme was cut."""
    assert cut_runs("Oh, it's a lighthouse keeper's last", "a lighthouse keeper's last night") == [
        "a lighthouse keeper's last"
    ]


@pytest.mark.parametrize(
    ("words", "clause", "bare"),
    [
        ("we lost the war", True, False),
        ("the sun came up", True, False),
        ("the world was bigger", True, False),
        ("summer rain", False, False),
        ("the painted boat", False, False),
        ("tell me about the things", False, True),
    ],
)
def test_clause_and_bare(words: str, clause: bool, bare: bool) -> None:
    """Clauses take clause frames, subjectless verb phrases only the plainest ones."""
    assert is_clause(words.split()) is clause
    assert is_bare(words.split()) is bare
