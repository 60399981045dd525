"""The grammar checks a sung line must pass: agreement, tense, word classes after prepositions, no stutters.

The offline writer checks every line before it keeps it, and bench/bench_lyric_quality.py counts the lines that
fail. Each check is one mistake a listener hears at once: "a tickets" (number), "the clerks was" (subject and
verb), "I counts" (person), "stopped running tomorrow" (a past clause meeting the future), "for pawned my
guitar" (a preposition before a past verb), "the the" (a stutter), "anymore" with no "no", one content word
twice in a line, and the phrase rules of ``words.phrases``.
"""

from __future__ import annotations

import itertools

from bot.songwriting.words import phrases
from bot.songwriting.words.prosody import function_words
from bot.songwriting.words.theme import Tense, is_noun, is_plural, singular, verb_form

FUTURE = frozenset({"tomorrow", "someday", "soon"})
NEGATIVES = frozenset({"no", "not", "never", "nobody", "nothing", "none", "nowhere"})
PAST = frozenset({"yesterday", "ago"})
_SINGULAR_DET = frozenset({"a", "an", "every", "each", "another", "this", "one"})
_PLURAL_DET = frozenset({"these", "those", "many", "all"})
_PLURAL_VERB = frozenset({"are", "were"})
_SINGULAR_VERB = frozenset({"is", "was"})
_PERSONS = {"i": "first", "we": "plural", "they": "plural", "you": "plural", "he": "third", "she": "third"}
_NOT_PAST = frozenset({"used", "red", "bed", "shed", "need", "bred", "sled", "wed", "fed", "led", "sped"})


def problems(line: str, theme: str = "") -> list[str]:
    """Every grammar mistake found in one line, as a short name ("agreement", "tense"…); empty when it reads."""
    found: list[str] = []
    words = [w.lower() for w in phrases.words(line)]
    if theme and phrases.broken(line, theme):
        found.append("phrase")
    elif phrases.dangling_end(line):
        found.append("dangling")
    if any(a == b and a not in {"oh", "hey", "na", "la"} for a, b in itertools.pairwise(words)):
        found.append("stutter")
    for left, right in itertools.pairwise(words):
        if left in _SINGULAR_DET and _plural_noun(right):
            found.append("number")
        if left in phrases.PREPOSITIONS and left not in phrases.PARTICLES and _past_verb(right):
            found.append("preposition")
        if left in _PERSONS and verb_form(right) is Tense.PRESENT and _PERSONS[left] != "third":
            found.append("person")
    for left, right in itertools.pairwise(words):
        plural_verb = right in _PLURAL_VERB and _singular_subject(left)
        if plural_verb or (right in _SINGULAR_VERB and _plural_noun(left)):
            found.append("agreement")
    if any(w in FUTURE for w in words) and _past_clause(words):
        found.append("tense")
    if any(w in PAST for w in words) and not _past_clause(words):
        found.append("tense")  # "I coil the line long ago": a past time needs a past verb
    if "nowadays" in words and _past_clause(words):
        found.append("tense")
    if "anymore" in words and not any(w in NEGATIVES or w.endswith("n't") for w in words):
        found.append("polarity")  # "I punched the clock anymore": "anymore" needs a "no" before it
    content = [singular(w) if _plural_noun(w) else w for w in words if w not in function_words() and len(w) > 2]
    if len(set(content)) < len(content):
        found.append("repeat")  # one image twice in a line: "open the door in the door"
    return list(dict.fromkeys(found))


def _plural_noun(word: str) -> bool:
    return word.endswith("s") and not word.endswith("ss") and is_plural(word)


def _singular_subject(word: str) -> bool:
    """A noun right before "were"/"are" that is singular: "the clerk were" (not "if I were", "you were")."""
    if word in phrases.SUBJECTS or word in phrases.OBJECTS or word in {"you", "we", "they", "i", "and"}:
        return False
    return word.isalpha() and is_noun(word) and not is_plural(word) and word not in phrases.PREPOSITIONS


def _past_verb(word: str) -> bool:
    return word not in _NOT_PAST and verb_form(word) is Tense.PAST and word.endswith("ed")


def _past_clause(words: list[str]) -> bool:
    """True when the line's verb is past ("the ferry stopped running …") and no "will"/"I'll" looks ahead."""
    if any(w in {"will", "i'll", "we'll", "won't", "gonna"} for w in words):
        return False
    return any(w in {"was", "were", "had", "did"} or _past_verb(w) for w in words)
