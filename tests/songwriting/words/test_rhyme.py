"""Rhyme detection between words and rhyme schemes of line groups."""

from __future__ import annotations

import pytest

from bot.songwriting.words.rhyme import end_word, expand_scheme, rhyme_key, rhyme_kind, rhyme_scheme, unmet_rhymes

KINDS = [
    ("night", "light", "perfect"),
    ("fire", "desire", "perfect"),
    ("heartache", "mistake", "perfect"),
    ("rain", "again", "perfect"),
    ("away", "today", "perfect"),
    ("night", "knight", "identical"),
    ("home", "home", "identical"),
    ("time", "line", "slant"),
    ("love", "enough", "slant"),
    ("open", "broken", "slant"),
    ("feel", "fill", "slant"),
    ("dream", "dreams", "slant"),
    ("heart", "dark", "slant"),
    ("hand", "man", "slant"),
    ("glorptastic", "fantastic", "slant"),
    ("love", "move", None),
    ("apple", "orange", None),
    ("love", "night", None),
]


@pytest.mark.parametrize(("first", "second", "kind"), KINDS)
def test_rhyme_kind_table(first: str, second: str, kind: str | None) -> None:
    """Classifies word pairs as identical, perfect, slant or no rhyme."""
    assert rhyme_kind(first, second) == kind


@pytest.mark.parametrize(("first", "second", "kind"), KINDS)
def test_rhyme_kind_is_symmetric(first: str, second: str, kind: str | None) -> None:
    """Gives the same answer whichever word comes first."""
    assert rhyme_kind(second, first) == kind


SCHEMES = [
    (
        ["I walked into the night", "the stars were burning bright", "and you were on my mind", "so hard to find"],
        "AABB",
    ),
    (
        ["I walked into the night", "and you were on my mind", "the stars were burning bright", "so hard to find"],
        "ABAB",
    ),
    (["roses are red", "violets are blue", "sugar is sweet", "and so are you"], "XAXA"),
    (["a cat", "a dog", "a hat", "a log", "a bird"], "ABABX"),
    (["the door", "the floor", "once more", "the shore"], "AAAA"),
    (["sing it loud", "", "the crowd"], "AXA"),
    (["🎸🎸", "@everyone"], "XX"),
]


@pytest.mark.parametrize(("lines", "scheme"), SCHEMES)
def test_rhyme_scheme_detection(lines: list[str], scheme: str) -> None:
    """Letters lines by shared rhymes, with X for a line that rhymes with none."""
    assert rhyme_scheme(lines) == scheme


def test_end_word_skips_trailing_punctuation_and_emoji() -> None:
    """Finds the last sung word past punctuation and emoji."""
    assert end_word("I'm burning like a fire! 🔥") == "fire"
    assert end_word("🔥") is None


def test_expand_scheme_repeats_cyclically() -> None:
    """Covers a longer section by repeating the target scheme."""
    assert expand_scheme("ab", 6) == "ABABAB"


def test_unmet_rhymes_names_the_lines_that_miss() -> None:
    """Reports lines that share a target letter with an earlier line but do not rhyme with it."""
    lines = ["into the night", "on my mind", "burning bright", "a river of stone"]
    assert unmet_rhymes("ABAB", lines) == [3]
    assert unmet_rhymes("ABXX", lines) == []


def test_rhyme_key_groups_perfect_rhymes() -> None:
    """Gives perfect rhymes the same key and other words different keys."""
    assert rhyme_key("night") == rhyme_key("delight")
    assert rhyme_key("night") != rhyme_key("time")
