"""Syllables and stresses of sung lines: what the melody engine sets notes to and the writers count.

Pronunciations come from the CMU dictionary (through ``pronouncing``, loaded once on first use); words it
lacks fall back to ``syllables.estimate``. Display splits come from ``pyphen``, bent to the CMU count so a
melody gets exactly one text piece per sung syllable, and every piece holds a vowel letter: a word whose spelling
has fewer vowels than syllables ("rhythm") is sung with one syllable per vowel.

Conventions worth knowing:
- A word is a run of letters or digits; inner apostrophes stay ("don't"), hyphens and dashes split words
  ("heart-shaped" is two words), leading/trailing punctuation, markdown, emoji and Discord mention syntax
  are not sung. ``@everyone`` is sung as "everyone".
- Numbers are sung spelled out: "42" is the words "forty" "two", so their syllables spell those words.
- Function words (the, of, and…) are demoted for singing: a one-syllable function word is unstressed, a
  longer one keeps only a secondary stress where its primary was.
"""

from __future__ import annotations

import functools
import importlib.resources
import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import lemminflect
import pronouncing
import pyphen
import syllables as syllable_estimator


@dataclass(frozen=True, slots=True)
class Syllable:
    """One sung syllable: its text under the note and how strongly it wants a strong beat."""

    text: str
    stress: int
    keyword: bool
    word_start: bool
    word_end: bool


_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'", "\u00b4": "'"})
_SPLITTERS = re.compile(r"[-\u2010-\u2015\u2212/\\_~*|#>]+")
_DISCORD_MARKUP = re.compile(r"<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>|https?://\S+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_ALPHA_DIGIT_RUNS = re.compile(r"\d+|[^\W\d_]+(?:'[^\W\d_]+)*")
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)$", re.IGNORECASE)
_DECADE = re.compile(r"^(\d+)s$", re.IGNORECASE)
_LATIN_EXTRA = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "ł": "l"})
_VOWEL_LETTERS = frozenset("aeiouy")
_DIGRAPHS = frozenset({"ch", "ck", "gh", "ph", "sh", "th", "wh", "ng"})
_VOWEL_TEAMS = frozenset({"ou", "ai", "ay", "au", "oa", "ee", "ei", "ey", "oi", "oy"})
_ONE_SOUND = frozenset({"ck", "tch", "dg", "x"})
_W_PREFIXES = frozenset({"a", "be", "re", "de", "to"})
_SCRIPT_VOWEL_NAMES = frozenset(
    {"A", "E", "I", "O", "U", "Y", "IE", "IO", "YU", "YA", "YERU", "ALPHA", "EPSILON", "ETA", "IOTA", "OMEGA"}
)
_ONES = (
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"),
    *("thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"),
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SCALES = ((10**9, "billion"), (10**6, "million"), (1000, "thousand"))
_ORDINAL_WORDS = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}


def load_dictionary() -> None:
    """Load the CMU dictionary, hyphenation patterns and lemminflect's word-class lexicon (the offline writer's)
    now rather than on the first line sung or written: together a second or two, once per process."""
    pronouncing.init_cmu()
    _hyphenator()
    lemminflect.getAllLemmas("warm")
    lemminflect.getInflection("warm", "VBD")


@functools.cache
def function_words() -> frozenset[str]:
    """Return the words sung unstressed (articles, prepositions, pronouns, auxiliaries, conjunctions)."""
    text = importlib.resources.files("bot.songwriting.data").joinpath("function_words.txt").read_text("utf-8")
    return frozenset(word for line in text.splitlines() if not line.startswith("#") for word in line.split())


def pronunciations(word: str) -> tuple[str, ...]:
    """Return the CMU phone strings of a word (lower-cased, accents folded); empty when unknown."""
    return tuple(pronouncing.phones_for_word(_lookup_key(word)))


def line_words(line: str) -> list[str]:
    """Split a line into the words that are sung, in order (numbers spelled out, markup dropped)."""
    words: list[str] = []
    for token in _tokens(line):
        words.extend(sung_words(token))
    return words


def line_syllables(line: str) -> list[Syllable]:
    """Return every sung syllable of a line, in order."""
    result: list[Syllable] = []
    for word in line_words(line):
        result.extend(_word_syllables(word))
    return result


def rejoined_syllables(pieces: list[str]) -> list[Syllable]:
    """Read a sung line back from the text under its notes ("a-", "lone" is "alone"), for its syllables' stresses."""
    return line_syllables(" ".join(pieces).replace("- ", ""))


def has_words_to_sing(lines: Iterable[str]) -> bool:
    """Whether any line has a syllable to set to a note (the composer needs one; "!!! ---" has none)."""
    return any(line_syllables(line) for line in lines)


def count_syllables(line: str) -> int:
    """Count the sung syllables of a line."""
    return sum(len(_word_syllables(word)) for word in line_words(line))


def word_syllables(word: str) -> list[Syllable]:
    """Return the syllables of one word (or of each word, when the text holds several)."""
    return line_syllables(word)


def stress_pattern(line: str) -> str:
    """Return the line's stresses as digits, one per syllable (0 unstressed, 1 primary, 2 secondary)."""
    return "".join(str(s.stress) for s in line_syllables(line))


def _tokens(line: str) -> list[str]:
    text = unicodedata.normalize("NFC", line).translate(_QUOTES)
    text = _DISCORD_MARKUP.sub(" ", text)
    text = _THOUSANDS.sub("", text)
    text = _SPLITTERS.sub(" ", text)
    return _WORD.findall(text)


def sung_words(token: str) -> list[str]:
    """Expand a token into sung words: digits become number words, letters stay as written."""
    if token.isalpha() or ("'" in token and not any(c.isdecimal() for c in token)):
        return [token]
    ordinal = _ORDINAL.match(token)
    if ordinal:
        return _number_words(ordinal.group(1), ordinal=True)
    decade = _DECADE.match(token)
    if decade:
        words = _number_words(decade.group(1))
        last = words[-1]
        words[-1] = last[:-1] + "ies" if last.endswith("y") else last + ("es" if last.endswith("x") else "s")
        return words
    words = []
    for run in _ALPHA_DIGIT_RUNS.findall(token):
        words.extend(_number_words(run) if run.isdecimal() else [run])
    return words


def _number_words(digits: str, *, ordinal: bool = False) -> list[str]:
    if (len(digits) > 1 and digits.startswith("0")) or len(digits) > 12:
        words = [_ONES[int(d)] for d in digits]
    else:
        value = int(digits)
        words = _year_words(value) if len(digits) == 4 else _cardinal(value)
    if ordinal:
        last = words[-1]
        if last in _ORDINAL_WORDS:
            words[-1] = _ORDINAL_WORDS[last]
        elif last.endswith("y"):
            words[-1] = last[:-1] + "ieth"
        else:
            words[-1] = last + "th"
    return words


def _cardinal(value: int) -> list[str]:
    if value < 20:
        return [_ONES[value]]
    if value < 100:
        tens, ones = divmod(value, 10)
        return [_TENS[tens]] + ([_ONES[ones]] if ones else [])
    if value < 1000:
        hundreds, rest = divmod(value, 100)
        return [_ONES[hundreds], "hundred"] + (_cardinal(rest) if rest else [])
    for scale, name in _SCALES:
        if value >= scale:
            high, rest = divmod(value, scale)
            return [*_cardinal(high), name] + (_cardinal(rest) if rest else [])
    raise AssertionError("unreachable: every value >= 1000 has a scale")


def _year_words(value: int) -> list[str]:
    """Say four-digit numbers the way years are sung: 1984 is 'nineteen eighty four'."""
    high, low = divmod(value, 100)
    if high % 10 == 0 or not 10 <= high <= 99 or value < 1100:
        return _cardinal(value)
    if low == 0:
        return [*_cardinal(high), "hundred"]
    return _cardinal(high) + (["oh", _ONES[low]] if low < 10 else _cardinal(low))


def _lookup_key(word: str) -> str:
    folded = unicodedata.normalize("NFKD", word.translate(_LATIN_EXTRA))
    return "".join(c for c in folded if not unicodedata.combining(c)).lower()


@functools.lru_cache(maxsize=65536)
def _word_syllables(word: str) -> tuple[Syllable, ...]:
    stresses = _stresses(word)
    pieces = _display_pieces(word, len(stresses))
    stresses = stresses[: len(pieces)]
    content = _lookup_key(word) not in function_words()
    if not content:
        stresses = [0] * len(stresses) if len(stresses) == 1 else [2 if s == 1 else 0 for s in stresses]
    elif 1 not in stresses:
        strongest = max(range(len(stresses)), key=lambda i: (stresses[i] == 2, -i))
        stresses[strongest] = 1
    last = len(pieces) - 1
    return tuple(
        Syllable(text=piece, stress=stress, keyword=content and stress == 1, word_start=i == 0, word_end=i == last)
        for i, (piece, stress) in enumerate(zip(pieces, stresses, strict=True))
    )


def _stresses(word: str) -> list[int]:
    """Return lexical stress per syllable: from CMU when known, else estimated with stress on the first."""
    key = _lookup_key(word)
    if key.isascii():
        phones = _cmu_phones(key, _nucleus_count(key))
        if phones is not None:
            return [int(p[-1]) for p in phones.split() if p[-1].isdigit()] or [1]
        count = max(1, syllable_estimator.estimate(key.replace("'", "")))
    else:
        count = _script_syllable_count(key)
    return [1] + [0] * (count - 1)


def _cmu_phones(key: str, vowels: int) -> str | None:
    """The first pronunciation whose syllables the spelling can print, one vowel group each ("every" has three;
    "hours" and "fire" one, not "ho-urs" and "fi-re").

    When none fits ("rhythm" is two syllables on one vowel letter, "idea" three on two groups), the first; the
    display split then caps it at the vowel letters.
    """
    for candidate in _spellings(key):
        found = pronouncing.phones_for_word(candidate)
        if found:
            fitting = [p for p in found if sum(ph[-1].isdigit() for ph in p.split()) <= vowels]
            return str((fitting or found)[0])
    return None


def _spellings(key: str) -> list[str]:
    """Spellings to try in the dictionary: as written, then sung contractions and possessives undone."""
    candidates = [key]
    if key.endswith("in'") or key.endswith("in"):
        candidates.append(key.rstrip("'") + "g")
    if key.endswith("'s"):
        candidates.append(key[:-2])
    if key.startswith("'"):
        candidates.append(key.lstrip("'"))
    return candidates


def _script_syllable_count(key: str) -> int:
    """Estimate syllables in a non-Latin script: one per CJK/kana/hangul character, else per vowel run."""
    count = 0
    in_vowel = False
    for char in key:
        name = unicodedata.name(char, "")
        if name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL")):
            count += 1
            in_vowel = False
            continue
        vowel = " LETTER " in name and name.rsplit(" ", 1)[-1] in _SCRIPT_VOWEL_NAMES
        if vowel and not in_vowel:
            count += 1
        in_vowel = vowel
    return max(1, count)


@functools.cache
def _hyphenator(left: int = 1, right: int = 1) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US", left=left, right=right)


def pattern_cuts(word: str) -> set[int]:
    """The cuts the TeX hyphenation patterns (pyphen's en_US) allow at their own margins of two letters.

    At one-letter margins the same patterns also cut "k-itchen" and "o-r-ange": those cuts are only a fallback.
    """
    return set(_hyphenator(2, 2).positions(word.lower()))


def _display_pieces(word: str, count: int) -> list[str]:
    """Split a word's written form into ``count`` pieces, each holding a vowel letter (a, e, i, o, u, y).

    A piece without a vowel ("E-v-ery") is not a syllable a singer can read, so no cut may leave one; the count
    drops to the word's vowel letters when it has fewer (``_stresses`` picks a pronunciation that fits first).
    Pyphen's cuts come first, then cuts between vowel groups, inside a vowel group, before a silent e, and last
    anywhere that keeps a vowel on both sides. Words in scripts without these letters are cut evenly.
    """
    count = max(1, min(count, len(word)))
    if count == 1:
        return [word]
    vowel = [_has_vowel(c) for c in word]
    if not any(vowel):
        return _cut(word, _even_cuts(word, count))
    count = min(count, sum(vowel))
    cuts = _vowel_keeping(vowel, pattern_cuts(word))
    if len(cuts) + 1 > count:
        cuts = _fewer_cuts(word, cuts, count)
    for cut in [*sorted(_hyphenator().positions(word.lower())), *_cut_candidates(word, vowel)]:
        if len(cuts) + 1 >= count:
            break
        if cut not in cuts and _keeps_vowels(vowel, cuts | {cut}):
            cuts.add(cut)
    while len(cuts) + 1 < count:
        cuts.add(_balanced_cut(vowel, cuts))
    return _cut(word, cuts)


def _cut(word: str, cuts: set[int]) -> list[str]:
    edges = [0, *sorted(cuts), len(word)]
    return [word[a:b] for a, b in itertools.pairwise(edges)]


def _has_vowel(piece: str) -> bool:
    return any(c in _VOWEL_LETTERS for c in _lookup_key(piece))


def _nucleus_count(word: str) -> int:
    """How many syllables the spelling can print: one per vowel group, plus a cut inside a group wherever it
    does not split a vowel team. ``hours`` prints one (ou), ``fire`` one (a silent e), ``actually`` four (u-a)."""
    lower = word.lower()
    groups = _groups(_nuclei(word, [_has_vowel(c) for c in word]))
    inner = sum(lower[i : i + 2] not in _VOWEL_TEAMS for start, end in groups for i in range(start, end - 1))
    syllabic_le = len(lower) > 2 and lower.endswith("le") and not _has_vowel(lower[-3])  # ta-ble, mis-er-a-ble
    return max(1, len(groups) + inner + syllabic_le)


def _keeps_vowels(vowel: list[bool], cuts: set[int]) -> bool:
    edges = [0, *sorted(cuts), len(vowel)]
    return all(any(vowel[a:b]) for a, b in itertools.pairwise(edges))


def _vowel_keeping(vowel: list[bool], cuts: set[int]) -> set[int]:
    """Keep the cuts (left to right) that leave a vowel in every piece; pyphen's left=1/right=1 can strand one."""
    kept: list[int] = []
    for cut in sorted(c for c in cuts if 0 < c < len(vowel)):
        if any(vowel[kept[-1] if kept else 0 : cut]):
            kept.append(cut)
    if kept and not any(vowel[kept[-1] :]):
        kept.pop()  # the piece before it has a vowel, so joining the tail to it leaves one
    return set(kept)


def _fewer_cuts(word: str, cuts: set[int], count: int) -> set[int]:
    """Drop cuts until ``count`` pieces remain: first after a silent e ("ni-ne-ties"), then the shortest joins."""
    cuts = set(cuts)
    while len(cuts) + 1 > count:
        edges = [0, *sorted(cuts), len(word)]
        spans = [(edges[i - 1], edges[i], edges[i + 1]) for i in range(1, len(edges) - 1)]
        cuts.remove(min(spans, key=lambda span: _join_cost(word, *span))[1])
    return cuts


def _join_cost(word: str, left: int, cut: int, right: int) -> tuple[bool, int]:
    silent_e = word[cut - 1].lower() == "e" and cut - left > 1 and not _has_vowel(word[cut - 2 : cut - 1])
    return (not silent_e, right - left)


def _nuclei(word: str, vowel: list[bool]) -> list[bool]:
    """Vowel letters that make a syllable: not a u after q, a silent final e, or a y that starts the word or a
    syllable before a vowel (be-yond, law-yer; but ly-ing)."""
    lower = word.lower()
    nucleus = list(vowel)
    for i, c in enumerate(lower):
        before_vowel = i + 1 < len(lower) and vowel[i + 1]
        consonant_y = c == "y" and (i == 0 or (before_vowel and (vowel[i - 1] or (i > 1 and vowel[i - 2]))))
        if consonant_y or (c == "u" and i > 0 and lower[i - 1] == "q"):
            nucleus[i] = False
    if len(lower) > 1 and lower[-1] == "e" and not nucleus[-2]:
        nucleus[-1] = False
    return nucleus


def _cut_candidates(word: str, vowel: list[bool]) -> list[int]:
    """Cuts in the order they read best: between vowel groups, inside one (i-de-a), before a silent e (fi-re)."""
    nucleus = _nuclei(word, vowel)
    groups = _groups(nucleus)
    between = [_consonant_cut(word, a[1], b[0]) for a, b in itertools.pairwise(groups)]
    lower = word.lower()
    inside = [cut for start, end in groups for cut in range(end - 1, start, -1) if lower[cut] != "y"]  # ay, oy: one
    silent = [_consonant_cut(word, a[1], b[0]) for a, b in itertools.pairwise(_groups(vowel))]
    return [*between, *inside, *silent]


def _groups(flags: list[bool]) -> list[tuple[int, int]]:
    """Runs of True as (start, end) spans."""
    spans: list[tuple[int, int]] = []
    for i, flag in enumerate(flags):
        if flag and spans and spans[-1][1] == i:
            spans[-1] = (spans[-1][0], i + 1)
        elif flag:
            spans.append((i, i + 1))
    return spans


def _consonant_cut(word: str, start: int, end: int) -> int:
    """Cut a consonant run between two vowels: before a lone consonant or a consonant + final le (ta-ble), else
    after the run's first unit (digraphs kept whole). A w after o, a or e sounds with its vowel (now-a-days,
    not no-wa-days) unless the vowel is a prefix's (a-way, be-ware, re-wind); a run that is one sound stays
    on the left (kitch-en, chick-en); -ing keeps its own consonants (sing-ing, walk-ing; run-ning doubles)."""
    lower = word.lower()
    if start < end and lower[start] == "w" and lower[start - 1] in "aoe" and lower[:start] not in _W_PREFIXES:
        start += 1
    run = lower[start:end]
    if run in _ONE_SOUND:
        return end
    if lower[end:] == "ing" and len(run) >= 1:
        doubled = len(run) >= 2 and run[-1] == run[-2] and run[-1] not in "ls"
        return end - 1 if doubled else end
    if end - start <= 1:
        return start
    if word[end - 1].lower() == "l" and word[end:].lower() == "e":
        return end - 2
    first = 2 if word[start : start + 2].lower() in _DIGRAPHS and end - start > 2 else 1
    return start + first


def _balanced_cut(vowel: list[bool], cuts: set[int]) -> int:
    """The cut that keeps a vowel on both sides and leaves the most even pieces (one exists while pieces < vowels)."""
    edges = [0, *sorted(cuts), len(vowel)]
    options = [
        (min(cut - a, b - cut), cut)
        for a, b in itertools.pairwise(edges)
        for cut in range(a + 1, b)
        if any(vowel[a:cut]) and any(vowel[cut:b])
    ]
    return max(options)[1]


def _even_cuts(word: str, count: int) -> set[int]:
    """Cut a word with no Latin vowel letters into ``count`` nearly equal pieces, longest piece first."""
    cuts: set[int] = set()
    while len(cuts) + 1 < count:
        edges = [0, *sorted(cuts), len(word)]
        start, end = max(itertools.pairwise(edges), key=lambda span: span[1] - span[0])
        cuts.add(start + (end - start + 1) // 2)
    return cuts
