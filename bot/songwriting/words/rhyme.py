"""Rhymes between line endings, as a songwriter hears them: perfect, slant, or none.

The rhyming part of a word is its pronunciation from the last stressed vowel to the end ("heartache" rhymes
on "-ache"). Two words rhyme *perfectly* when those parts sound the same, and *slant* when they are close:
same vowels with consonants of the same kind (time/line, love/enough, open/broken), near vowels with the
same consonants (feel/fill), or a perfect rhyme plus an inflection (dream/dreams). Words outside the CMU
dictionary fall back to their spelling (-ight with -ight) and only ever count as slant.

Scheme letters: lines that rhyme share a letter, letters run A, B, C… in order of first appearance, and a
line that rhymes with no other line of its group is ``X`` (so "XAXA" is a ballad stanza). A repeated end
word counts as a rhyme: songs repeat hooks on purpose.
"""

from __future__ import annotations

import functools
import itertools
import string
from collections.abc import Sequence
from typing import Literal

from bot.songwriting.words.prosody import line_words, pronunciations

RhymeKind = Literal["identical", "perfect", "slant"]
FREE = "X"
"""The scheme letter of a line that needs no rhyme (in a target) or has none (in a detected scheme)."""

_CONSONANT_CLASS = {
    **dict.fromkeys(("P", "B", "T", "D", "K", "G"), "stop"),
    **dict.fromkeys(("F", "V", "TH", "DH", "S", "Z", "SH", "ZH", "HH", "CH", "JH"), "fricative"),
    **dict.fromkeys(("M", "N", "NG"), "nasal"),
    "L": "L",
    "R": "R",
    "W": "W",
    "Y": "Y",
}
_NEAR_VOWELS = frozenset(
    frozenset(pair)
    for pair in (("IY", "IH"), ("EH", "AE"), ("AA", "AO"), ("AA", "AH"), ("UH", "UW"), ("EY", "EH"), ("ER", "AH"))
)
_INFLECTIONS = ("S", "Z", "T", "D")
_VOWELS = frozenset("AEIOUY")
_LETTERS = [c for c in string.ascii_uppercase if c != FREE] + list(string.ascii_lowercase)


def rhyming_part(phones: str) -> tuple[str, ...]:
    """Return the phones from the last stressed vowel to the end, stress marks dropped."""
    split = phones.split()
    vowels = [i for i, p in enumerate(split) if p[-1].isdigit()]
    stressed = [i for i in vowels if split[i][-1] in "12"]
    start = stressed[-1] if stressed else (vowels[0] if vowels else 0)
    part = [p.rstrip("012") for p in split[start:]]
    # CMU spells "fire" both F AY1 ER0 and F AY1 R: an unstressed ER straight after a vowel is heard as R.
    return tuple(
        "R" if p == "ER" and i > 0 and _is_vowel(part[i - 1]) and split[start + i] == "ER0" else p
        for i, p in enumerate(part)
    )


@functools.lru_cache(maxsize=32768)
def rhyme_kind(first: str, second: str) -> RhymeKind | None:
    """Say how two words rhyme: identical sound, perfect, slant, or None."""
    a_phones, b_phones = pronunciations(first), pronunciations(second)
    if not a_phones or not b_phones:
        if _spelling_key(first) and _spelling_key(first) == _spelling_key(second):
            return "identical" if first.lower() == second.lower() else "slant"
        return None
    best: RhymeKind | None = None
    for a, b in itertools.product(a_phones, b_phones):
        kind = _phones_kind(a, b)
        if kind == "identical":
            return kind
        if kind == "perfect" or (kind == "slant" and best is None):
            best = kind
    return best


def rhymes(first: str, second: str) -> bool:
    """Say whether two words rhyme at all (identical, perfect or slant)."""
    return rhyme_kind(first, second) is not None


def end_word(line: str) -> str | None:
    """Return the last sung word of a line, or None when the line sings nothing."""
    words = line_words(line)
    return words[-1] if words else None


def lines_rhyme(first: str, second: str) -> bool:
    """Say whether two lines rhyme on their end words."""
    a, b = end_word(first), end_word(second)
    return a is not None and b is not None and rhymes(a, b)


def rhyme_scheme(lines: Sequence[str]) -> str:
    """Return the scheme of a group of lines, one letter per line (``X`` for a line that rhymes with none)."""
    ends = [end_word(line) for line in lines]
    group_of: list[int | None] = [None] * len(ends)
    groups = 0
    for i, word in enumerate(ends):
        if word is None or group_of[i] is not None:
            continue
        partners = [
            j for j, other in enumerate(ends) if j > i and group_of[j] is None and other and rhymes(word, other)
        ]
        if partners:
            for j in (i, *partners):
                group_of[j] = groups
            groups += 1
    return "".join(FREE if g is None else _LETTERS[g] if g < len(_LETTERS) else FREE for g in group_of)


def expand_scheme(scheme: str, lines: int) -> str:
    """Repeat a target scheme cyclically to cover ``lines`` lines ("AB" over 4 lines is "ABAB")."""
    scheme = scheme.upper()
    return (scheme * (lines // len(scheme) + 1))[:lines]


def unmet_rhymes(target: str, lines: Sequence[str]) -> list[int]:
    """Return the indices of lines that should rhyme, per the target scheme, with an earlier line but don't."""
    target = expand_scheme(target, len(lines))
    first_of: dict[str, int] = {}
    unmet: list[int] = []
    for i, letter in enumerate(target):
        if letter == FREE:
            continue
        if letter not in first_of:
            first_of[letter] = i
        elif not lines_rhyme(lines[first_of[letter]], lines[i]):
            unmet.append(i)
    return unmet


def rhyme_key(word: str) -> str:
    """Return a word's perfect-rhyme key: words with the same key rhyme perfectly ("AY T" for night)."""
    found = pronunciations(word)
    return " ".join(rhyming_part(found[0])) if found else "~" + _spelling_key(word)


def _phones_kind(a: str, b: str) -> RhymeKind | None:
    if _strip(a) == _strip(b):
        return "identical"
    ra, rb = rhyming_part(a), rhyming_part(b)
    if ra == rb:
        return "perfect"
    if _slant(ra, rb) or _slant(_uninflected(ra), rb) or _slant(ra, _uninflected(rb)):
        return "slant"
    if _uninflected(ra) == rb or ra == _uninflected(rb):
        return "slant"
    return None


def _slant(ra: tuple[str, ...], rb: tuple[str, ...]) -> bool:
    if len(ra) != len(rb) or not ra:
        return False
    same_vowels = all(x == y for x, y in zip(ra, rb, strict=True) if _is_vowel(x) or _is_vowel(y))
    if same_vowels:
        return all(_is_vowel(x) == _is_vowel(y) and _class(x) == _class(y) for x, y in zip(ra, rb, strict=True))
    differing = [(x, y) for x, y in zip(ra, rb, strict=True) if x != y]
    return len(differing) == 1 and frozenset(differing[0]) in _NEAR_VOWELS


def _uninflected(part: tuple[str, ...]) -> tuple[str, ...]:
    return part[:-1] if len(part) > 1 and part[-1] in _INFLECTIONS else part


def _is_vowel(phone: str) -> bool:
    return phone[0] in _VOWELS


def _class(phone: str) -> str:
    return phone if _is_vowel(phone) else _CONSONANT_CLASS.get(phone, phone)


def _strip(phones: str) -> str:
    return "".join(c for c in phones if not c.isdigit())


def _spelling_key(word: str) -> str:
    """Return the written rhyme of a word: its last sounded vowel group and what follows ("ight")."""
    letters = "".join(c for c in word.lower() if c.isalpha())
    end = len(letters)
    if end > 2 and letters.endswith("e") and letters[-2] not in "aeiouy":
        end -= 1  # a silent final e: "make" rhymes on "ake"
    i = end - 1
    while i >= 0 and letters[i] not in "aeiouy":
        i -= 1
    while i > 0 and letters[i - 1] in "aeiouy":
        i -= 1
    return letters[max(i, 0) :] if i >= 0 else letters
