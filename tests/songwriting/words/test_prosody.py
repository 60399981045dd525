"""The prosody toolkit: syllables, stresses and keywords of sung lines, on tricky words and hostile input."""

from __future__ import annotations

import functools
import itertools
import re

import pronouncing
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.songwriting.words.prosody import (
    count_syllables,
    line_syllables,
    line_words,
    pattern_cuts,
    stress_pattern,
    word_syllables,
)

# (line, expected syllable count)
COUNTS = [
    ("beautiful", 3),
    ("don't", 1),
    ("I'm", 1),
    ("y'all", 1),
    ("singin'", 2),
    ("'cause", 1),
    ("world's", 1),
    ("heart-shaped", 2),
    ("rock-and-roll", 3),
    ("love—tonight", 3),
    ("42", 3),
    ("1984", 5),
    ("2005", 4),
    ("21st", 3),
    ("90s", 2),
    ("1,000", 3),
    ("007", 6),
    ("“It’s", 1),
    ("‘don’t’", 1),
    ("@everyone", 3),
    ("<@123456789> hey", 1),
    ("🎸🔥 fire 🎶", 1),  # one vowel group: printed under one note, never "fi-re"
    ("**shout** _loud_ ~~gone~~", 3),
    ("naïve café", 4),
    ("über", 2),
    ("glorptastic", 3),
    ("", 0),
    ("   ", 0),
    ("🎶🎶", 0),
    ("—", 0),
]


@pytest.mark.parametrize(("line", "expected"), COUNTS)
def test_count_syllables_on_tricky_input(line: str, expected: int) -> None:
    """Counts tricky words the way they are sung."""
    assert count_syllables(line) == expected


@pytest.mark.parametrize(("line", "_expected"), COUNTS)
def test_syllable_list_matches_count(line: str, _expected: int) -> None:
    """Returns exactly one non-empty syllable per counted syllable."""
    syllables = line_syllables(line)
    assert len(syllables) == count_syllables(line)
    assert all(s.text for s in syllables)


def test_word_display_pieces_spell_the_word() -> None:
    """Splits a word for display into pieces that concatenate back to it."""
    assert [s.text for s in word_syllables("beautiful")] == ["beau", "ti", "ful"]
    assert "".join(s.text for s in word_syllables("remember")) == "remember"


def test_display_pieces_follow_cmu_count_when_pyphen_disagrees() -> None:
    """Bends pyphen's split to the dictionary's syllable count: its ev-ery gets the CMU's third syllable."""
    assert [s.text for s in word_syllables("every")] == ["ev", "e", "ry"]


VOWELS = frozenset("aeiouy")
TEAM_OR_SILENT_E = re.compile(r"ou|ai|ay|au|oa|ee|ei|ey|oi|oy|[^aeiouy]e$|[^aeiouy]es$")


@functools.cache
def _cmu_counts() -> dict[str, tuple[int, ...]]:
    """Every plain lower-case CMU word with a vowel letter, and the syllable count of each pronunciation."""
    pronouncing.init_cmu()
    counts: dict[str, list[int]] = {}
    for word, phones in pronouncing.pronunciations:
        if re.fullmatch(r"[a-z]+", word) and VOWELS & set(word):
            counts.setdefault(word, []).append(sum(p[-1].isdigit() for p in phones.split()))
    return {word: tuple(found) for word, found in counts.items()}


def test_every_printed_syllable_has_a_vowel() -> None:
    """Prints "every" as syllables that each hold a vowel, as many as CMU counts (it printed E-v-ery)."""
    pieces = [s.text for s in word_syllables("every")]
    assert pieces == ["ev", "e", "ry"]
    assert [s.text for s in word_syllables("maybe")] == ["may", "be"]  # a vowel and its y stay together


def test_cmu_words_split_into_vowelled_syllables_of_the_cmu_count() -> None:
    """Over a fifth of the CMU dictionary: every piece has a vowel, and the count is the first CMU count that fits.

    A pronunciation fits when the word has a vowel letter per syllable; a word with none that fits ("rhythm",
    two syllables on one vowel) is sung with one syllable per vowel letter instead. A word whose vowel team or
    silent e cannot print a syllable of its own ("hours", not "ho-urs"; "fire", not "fi-re") may take a shorter
    CMU pronunciation.
    """
    counts = _cmu_counts()
    words = sorted(counts)[::5]
    assert len(words) > 20_000
    wrong = []
    for word in words:
        pieces = [s.text for s in word_syllables(word)]
        vowels = sum(c in VOWELS for c in word)
        fitting = [n for n in counts[word] if n <= vowels]
        expected = fitting[0] if fitting else vowels
        shorter = {n for n in counts[word] if n < expected} if TEAM_OR_SILENT_E.search(word) else set()
        counted = len(pieces) in {expected} | shorter
        if "".join(pieces) != word or not counted or not all(VOWELS & set(p) for p in pieces):
            wrong.append("-".join(pieces))
    assert wrong == []


def test_a_word_with_fewer_vowels_than_syllables_is_not_split_into_a_vowelless_piece() -> None:
    """Keeps "rhythm" whole and prints "baptism" bap-tism: no piece such as "thm" or "sm"."""
    assert [s.text for s in word_syllables("rhythm")] == ["rhythm"]
    assert [s.text for s in word_syllables("baptism")] == ["bap", "tism"]
    assert count_syllables("rhythm") == 1


def test_numbers_are_sung_spelled_out() -> None:
    """Sings digits as number words, each its own word."""
    assert line_words("42 times in 1984") == ["forty", "two", "times", "in", "nineteen", "eighty", "four"]


def test_word_boundaries_are_marked() -> None:
    """Marks the first and last syllable of each word."""
    syllables = line_syllables("beautiful day")
    assert [s.word_start for s in syllables] == [True, False, False, True]
    assert [s.word_end for s in syllables] == [False, False, True, True]


def test_function_words_are_demoted() -> None:
    """Leaves function words unstressed and never keywords."""
    syllables = line_syllables("the light of the moon")
    assert [s.stress for s in syllables] == [0, 1, 0, 0, 1]
    assert [s.keyword for s in syllables] == [False, True, False, False, True]


def test_keyword_sits_on_the_primary_stress() -> None:
    """Marks the primary-stressed syllable of a content word as its keyword."""
    syllables = word_syllables("remember")
    assert [s.keyword for s in syllables] == [False, True, False]


def test_unknown_word_gets_a_stressed_first_syllable() -> None:
    """Stresses an out-of-dictionary word on its first syllable."""
    assert stress_pattern("glorptastic") == "100"


def test_non_latin_scripts_are_counted() -> None:
    """Gives words in other scripts at least one syllable each, with their own text."""
    syllables = line_syllables("привет 日本")
    assert len(syllables) >= 3
    assert "".join(s.text for s in syllables) == "привет日本"


def test_mentions_sing_the_word_not_the_at_sign() -> None:
    """Sings @everyone as the word everyone."""
    assert "".join(s.text for s in line_syllables("@everyone")) == "everyone"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_is_safe(line: str) -> None:
    """Never crashes on arbitrary text and never yields an empty syllable."""
    syllables = line_syllables(line)
    assert all(s.text and s.stress in (0, 1, 2) for s in syllables)
    assert count_syllables(line) == len(syllables)


@pytest.mark.parametrize(
    ("word", "split"),
    [
        ("hours", "hours"),
        ("nowadays", "now-a-days"),
        ("kitchen", "kitch-en"),
        ("chicken", "chick-en"),
        ("singing", "sing-ing"),
        ("running", "run-ning"),
        ("orange", "or-ange"),
        ("different", "dif-fer-ent"),
        ("away", "a-way"),
        ("power", "pow-er"),
        ("memories", "mem-o-ries"),
        ("actually", "ac-tu-al-ly"),
    ],
)
def test_lyric_splits_read_like_a_songbook(word: str, split: str) -> None:
    """Splits the words a score printed wrongly ("ho-urs", "no-wa-days", "kit-chen") the way songbooks do."""
    assert "-".join(s.text for s in word_syllables(word)) == split


def test_splits_agree_with_the_tex_hyphenation_patterns() -> None:
    """Over a fifth of the CMU dictionary, a split keeps every cut pyphen's TeX patterns make at their own margins
    when the CMU count has room for them, and is exactly the patterns' split when their count is the CMU's."""
    disagree = []
    for word in sorted(_cmu_counts())[::5]:
        pieces = [s.text for s in word_syllables(word)]
        ours = set(itertools.accumulate(len(p) for p in pieces[:-1]))
        patterns = pattern_cuts(word)
        vowelled = all(VOWELS & set(word[a:b]) for a, b in itertools.pairwise([0, *sorted(patterns), len(word)]))
        if vowelled and len(patterns) + 1 <= len(pieces) and not patterns <= ours:
            disagree.append("-".join(pieces))
    assert disagree == []
