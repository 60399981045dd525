"""Where English phrases begin and end, from curated word classes: enough to cut a theme without breaking it.

No tagger: a theme is a handful of words, and the mistakes that read as broken English come from a few word
classes. A determiner, a possessive, a preposition or a conjunction needs what follows it ("my grandmother's
…", "over …"), so a line or a cut never ends on one; a phrase begins before a preposition, a conjunction, a
relative word or a subject pronoun; two content words side by side ("kitchen radio", "last night") sit inside
one noun phrase. English noun phrases end on their head, so trimming words off the *front* of one leaves a
smaller noun phrase ("lighthouse keeper's last night" → "last night"), while cutting its end never does.

:func:`bond` scores how tightly two neighbouring words hold; :func:`dangling_end` and :func:`cut_runs` are the
measures bench/quality.py reports (a line ending on a word that needs more, a theme phrase cut inside).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence

DETERMINERS = frozenset({"a", "an", "the", "this", "these", "those", "every", "each", "no", "another"})
POSSESSIVES = frozenset({"my", "your", "his", "our", "their", "its", "whose"})
PREPOSITIONS = frozenset(
    {"of", "to", "from", "with", "for", "into", "onto", "upon", "at", "about", "across", "after", "before"}
    | {"behind", "beyond", "beneath", "between", "toward", "towards", "without", "within", "against", "among"}
    | {"under", "over", "through", "in", "on", "by", "near", "around", "along", "past", "inside", "outside"}
    | {"underneath", "above", "below", "till", "until", "since"}
)
PARTICLES = frozenset(
    {"over", "on", "in", "out", "up", "down", "away", "off", "around", "through", "along", "by", "behind", "apart"}
    | {"above", "below", "inside", "outside", "underneath", "beneath", "before", "past", "home", "back", "near"}
)
"""Prepositions that also end a phrase as adverbs ("it's over", "hold on", "drifted away")."""
CONJUNCTIONS = frozenset(
    {"and", "or", "but", "nor", "so", "yet", "because", "if", "when", "while", "where", "though", "although"}
    | {"as", "than", "whether", "unless", "once", "cause", "'cause"}
)
RELATIVES = frozenset({"who", "whom", "which", "that"})
SUBJECTS = frozenset(
    {"i", "we", "they", "he", "she", "i'm", "we're", "they're", "he's", "she's", "i've", "we've", "they've"}
    | {"i'll", "we'll", "they'll", "i'd", "we'd", "they'd", "you're", "you've", "you'll", "it's", "there's"}
    | {"nobody", "everybody", "somebody", "everyone", "someone", "nothing's", "everything's", "that's"}
)
"""Words that open a clause: cutting before them starts a new phrase."""
AUXILIARIES = frozenset(
    {"is", "are", "was", "were", "am", "be", "been", "has", "have", "had", "will", "would", "can", "could"}
    | {"do", "does", "did", "should", "must", "might", "may", "shall", "isn't", "wasn't", "don't", "didn't"}
    | {"can't", "won't", "couldn't", "wouldn't", "never"}
)
OBJECTS = frozenset({"me", "you", "him", "her", "us", "them", "it"})
_CLAUSE_CONTRACTIONS = frozenset(
    {"it", "that", "there", "here", "what", "who", "nothing", "everything", "something", "someone", "nobody"}
    | {"everybody", "somebody", "he", "she", "let", "where", "how"}
)
NEVER = 100
"""The bond after a word that needs what follows it: never cut there, never end a line there."""


def _key(word: str) -> str:
    return word.lower().replace("\u2019", "'").strip("'\".,;:!?()")


def is_possessive(word: str) -> bool:
    """True for "keeper's", "grandmother's", "friends'": a noun that needs the noun it owns."""
    key = _key(word)
    if key.endswith("s'") and len(key) > 2:
        return True
    if not key.endswith("'s"):
        return False
    return key[:-2] not in _CLAUSE_CONTRACTIONS


def needs_more(word: str) -> bool:
    """True when a word cannot end a phrase: a determiner, possessive, non-particle preposition, conjunction."""
    key = _key(word)
    if key in PARTICLES:
        return False
    return (
        key in DETERMINERS
        or key in POSSESSIVES
        or key in PREPOSITIONS
        or key in CONJUNCTIONS
        or key in RELATIVES
        or key in {"to", "the", "a", "an", "i", "we", "they", "he", "she"}
        or is_possessive(word)
    )


def bond(left: str, right: str) -> int:
    """How tightly two neighbouring words hold: 1 a clean phrase boundary … 5 inside a noun phrase, NEVER after
    a word that needs more. The cheaper the bond, the better the place to cut."""
    a, b = _key(left), _key(right)
    if needs_more(left) and a not in PARTICLES:
        return NEVER
    if a in PREPOSITIONS and (b in DETERMINERS or b in POSSESSIVES):
        return NEVER  # "over the city": a particle here is a preposition with its object
    if b in PREPOSITIONS or b in CONJUNCTIONS or b in RELATIVES:
        return 1
    if b in SUBJECTS:
        return 2
    if b in DETERMINERS or b in POSSESSIVES:
        return 3
    if a in AUXILIARIES or b in AUXILIARIES or b in OBJECTS or a in SUBJECTS:
        return 4  # inside a clause: subject, verb and object hold together
    return 5


_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*'?")


def words(text: str) -> list[str]:
    """The words of a text, apostrophes kept ("keeper's", "friends'")."""
    return _WORD.findall(text)


def dangling_end(line: str) -> bool:
    """True when a line (or title) ends on a word that needs more: "… my grandmother's", "… neon rain over the"."""
    found = words(line)
    return bool(found) and needs_more(found[-1])


def cut_runs(text: str, theme: str, *, shortest: int = 2) -> list[str]:
    """The runs of the theme's words in ``text`` that stop inside a phrase of the theme.

    A run of at least ``shortest`` consecutive theme words was cut mid-phrase when the theme goes on inside the
    same noun phrase ("a lighthouse keeper's last" from "… last night on the rocks"), when the text ends on a
    word the theme completes ("neon rain over"), or when a possessive is left without what it owns ("my
    grandmother's once more"). A run the text goes on from grammatically ("nothing's like the cars") is fine.
    """
    source = [_key(w) for w in words(theme)]
    said = [_key(w) for w in words(text)]
    cut: list[str] = []
    for start in range(len(said)):
        for origin in _positions(tuple(source), said[start]):
            if start and origin and said[start - 1] == source[origin - 1]:
                continue  # inside a longer run already measured
            length = 0
            while (
                start + length < len(said)
                and origin + length < len(source)
                and said[start + length] == source[origin + length]
            ):
                length += 1
            end = origin + length
            ends_run = start + length == len(said) or said[start + length] not in source[end : end + 1]
            run = said[start : start + length]
            if length < shortest or end >= len(source) or not ends_run:
                continue
            after = said[start + length] if start + length < len(said) else None
            tie = bond(source[end - 1], source[end])
            inside = tie == 5 and phrase_words(run) >= 1  # "a lighthouse keeper's last" (… night)
            dangles = tie == NEVER and after is None  # "neon rain over" (… the city), "the summer we" (… painted)
            owner = is_possessive(run[-1]) and (after is None or needs_more(after) or after in AUXILIARIES)
            if inside or dangles or owner:
                cut.append(" ".join(run))
    return cut


@functools.lru_cache(maxsize=1024)
def _positions(source: tuple[str, ...], word: str) -> tuple[int, ...]:
    return tuple(i for i, w in enumerate(source) if w == word)


def broken(line: str, theme: str) -> bool:
    """A line that reads as broken English: it dangles, or sings a theme phrase cut inside."""
    return dangling_end(line) or bool(cut_runs(line, theme))


PAST_TENSE = frozenset(
    {"came", "went", "saw", "fell", "left", "took", "got", "made", "said", "knew", "grew", "ran", "sang", "broke"}
    | {"brought", "thought", "felt", "found", "gave", "held", "kept", "lost", "met", "paid", "sat", "stood", "told"}
    | {"wrote", "rose", "drove", "flew", "froze", "spoke", "stole", "woke", "wore", "began", "swam", "drank"}
    | {"burned", "burnt", "shone", "slept", "wept", "built", "sent", "spent", "hung", "won", "heard", "led"}
)


def is_clause(chunk: Sequence[str]) -> bool:
    """True when a run of words is a clause ("we lost the war", "the sun came up"), not a noun phrase.

    A subject pronoun first, an auxiliary after the first word, or a past-tense verb after a content word.
    """
    keys = [_key(w) for w in chunk]
    if not keys:
        return False
    if keys[0] in SUBJECTS or any(k in AUXILIARIES for k in keys[1:]):
        return True
    for before, word in itertools.pairwise(keys):
        past = word in PAST_TENSE or (word.endswith("ed") and len(word) > 4)
        if past and not needs_more(before):
            return True
    return False


def is_bare(chunk: Sequence[str]) -> bool:
    """True for a verb phrase with no subject ("tell me", "hold on to me"): it takes no "I remember …" frame."""
    keys = [_key(w) for w in chunk]
    return len(keys) >= 2 and keys[1] in OBJECTS and keys[0] not in DETERMINERS | POSSESSIVES | SUBJECTS


def phrase_words(chunk: Sequence[str]) -> int:
    """How many of a chunk's words carry content (not determiners, possessive pronouns or prepositions)."""
    function = AUXILIARIES | OBJECTS | PREPOSITIONS | SUBJECTS | (PARTICLES - {"home", "back", "apart", "away"})
    return sum(1 for w in chunk if not needs_more(w) and _key(w) not in function)
