"""The member's theme as typed pieces: noun phrases, clauses with their tense, and verb phrases with their form.

A line template says what each slot takes, so the type is what keeps "pawned my guitar" (a past verb phrase)
out of "sing it out for …" and a past clause ("the ferry stopped running") away from "tomorrow". Word classes
and verb forms come from lemminflect's lexicon (it ships its data: no tagger download at run time); the closed
classes (determiners, pronouns, prepositions) are the curated sets in ``words.phrases``.

Cutting a theme into pieces that fit a line falls only at phrase boundaries (see ``phrases.bond``), and never
between a verb and its object ("the landlord raised | the rent" is no cut).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
from dataclasses import dataclass
from enum import StrEnum

import lemminflect

from bot.songwriting.words import phrases
from bot.songwriting.words.prosody import count_syllables, sung_words


class Kind(StrEnum):
    """What a theme piece is, and so which frames may sing it."""

    NOUN = "noun"
    """A noun phrase or a gerund phrase: "the pawnshop", "fifth street", "leaving home"."""
    CLAUSE = "clause"
    """A subject and its verb: "the mine closed", "I pawned my guitar"."""
    ACTION = "action"
    """A verb phrase with no subject: "pawned my guitar" (past), "tell me" (base)."""


class Tense(StrEnum):
    PAST = "past"
    PRESENT = "present"
    BASE = "base"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class ThemeChunk:
    """A run of the theme's words sung as one unit, with the type its frames need."""

    text: str
    kind: Kind
    tense: Tense = Tense.NONE
    plural: bool = False

    @property
    def clause(self) -> bool:
        return self.kind is Kind.CLAUSE

    @property
    def bare(self) -> bool:
        """A verb phrase in its base form ("tell me"): sung alone or after "oh", never inside "I remember …"."""
        return self.kind is Kind.ACTION and self.tense is Tense.BASE

    @property
    def frame(self) -> str:
        """The template section whose frames take this piece: ``frame:clause:past`` and so on."""
        return f"frame:{self.kind.value}" + (f":{self.tense.value}" if self.kind is not Kind.NOUN else "")


_INTRO = re.compile(
    r"^\s*(?:(?:please\s+)?(?:write|make|compose)\s+(?:me\s+)?)?(?:an?\s+)?"
    r"(?:(?:[\w-]+\s+)?(?:song|tune|ballad|track|anthem|lullaby)\s+(?:about|for|of|on)\s+|about\s+)",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"\b(\d{1,2})(?::(\d\d))?\s*([ap])\.?\s*m\b\.?", re.IGNORECASE)
_DROPPED_LEADS = frozenset(
    {"and", "or", "but", "of", "from", "to", "at", "with", "for", "by", "about", "as", "so", "in", "on", "into"}
    | {"when", "while", "where", "because", "if", "than", "until", "till", "though", "although", "once"}
)
_PAST_AUX = frozenset({"was", "were", "had", "did", "wasn't", "weren't", "didn't", "hadn't", "couldn't", "i'd"})
_PRESENT_AUX = frozenset(
    {"is", "are", "am", "has", "have", "does", "do", "will", "can", "isn't", "aren't", "don't", "doesn't", "won't"}
    | {"can't", "i'm", "we're", "they're", "you're", "he's", "she's", "it's", "i've", "we've", "they've", "i'll"}
    | {"we'll", "they'll", "there's", "that's"}
)


def normalise(theme: str) -> str:
    """The theme as sung words: request wording dropped ("write a song about"), clock times and digits spelled."""
    text = _INTRO.sub("", theme.replace("\u2019", "'"), count=1)
    text = _CLOCK.sub(lambda m: f"{m.group(1)} o'clock", text)  # "4 am" sung as "four o'clock", not "four a m"
    spelled = [" ".join(sung_words(w)) if any(c.isdecimal() for c in w) else w for w in phrases.words(text)]
    return " ".join(spelled)


def theme_chunks(theme: str, budget: int) -> list[ThemeChunk]:
    """Cut the theme into typed whole phrases of at most ``budget`` syllables; the most contentful one leads.

    A noun phrase too long for a line loses words from its front, which leaves a smaller noun phrase ("a
    lighthouse keeper's last night" → "a keeper's last night"); a clause too long is cut at its weakest bond
    that leaves no dangling word and no verb without its object, or loses its tail.
    """
    words = phrases.words(normalise(theme)) or phrases.words(theme.replace("\u2019", "'"))
    words = ["I" if word == "i" else word for word in words]
    groups: list[list[str]] = []
    for i, word in enumerate(words):
        if not groups or _bond(words[i - 1], word) <= 2:
            groups.append([])
        groups[-1].append(word)
    merged: list[list[str]] = []
    for group in groups:  # whole phrases stay together while they fit one line
        if merged and _syllables(" ".join([*merged[-1], *group])) <= budget:
            merged[-1].extend(group)
        else:
            merged.append(group)
    chunks: list[ThemeChunk] = []
    pending = merged
    while pending:
        run = pending.pop(0)
        while len(run) > 1 and (run[0].lower() in _DROPPED_LEADS or run[0].lower() in phrases.PREPOSITIONS):
            run = run[1:]
        while run and (phrases.needs_more(run[-1]) or _wants_object(run)):
            run = run[:-1]
        if not run or run[0].lower() in phrases.RELATIVES:
            continue  # a relative clause that did not fit beside its noun means nothing alone ("that never sleeps")
        if _syllables(" ".join(run)) > budget:
            run, rest = _fit_phrase(run, budget)
            if rest:
                pending.insert(0, rest)
            if not run:
                continue
        chunks.append(_determined(typed(run), budget))
    found = [c for c in chunks if phrases.phrase_words(c.text.split()) > 0] or chunks
    if found:
        lead = next((c for c in found if c.kind is Kind.NOUN and phrases.phrase_words(c.text.split()) >= 2), None)
        lead = lead or next((c for c in found if phrases.phrase_words(c.text.split()) >= 2), found[0])
        found = [lead, *(c for c in found if c is not lead)]
    return found


def typed(run: list[str]) -> ThemeChunk:
    """Type a run of words: a clause with its tense, a subjectless verb phrase with its form, or a noun phrase."""
    text = " ".join(run)
    keys = [w.lower() for w in run]
    if phrases.is_bare(run) or (len(run) > 1 and verb_form(keys[0]) == Tense.BASE and keys[1] in phrases.OBJECTS):
        return ThemeChunk(text, Kind.ACTION, Tense.BASE)
    if verb_form(keys[0]) is Tense.PAST and keys[0] not in phrases.AUXILIARIES:
        return ThemeChunk(text, Kind.ACTION, Tense.PAST)
    verb = _finite_verb(keys)
    if verb is not None:
        return ThemeChunk(text, Kind.CLAUSE, verb)
    head = next((w for w in reversed(keys) if not phrases.needs_more(w)), keys[-1])
    return ThemeChunk(text, Kind.NOUN, plural=is_plural(head))


_BARE_OK = frozenset({"last", "next", "one", "every", "each", "all", "some", "no"})
_NAMED_PLACES = frozenset({"street", "avenue", "road", "boulevard", "lane", "square", "drive"})
"""Heads that make a name of what comes before ("main street", "fifth avenue"): a name takes no "the"."""
_TIMES = frozenset(
    {"noon", "midnight", "dawn", "dusk", "tonight", "today", "yesterday", "christmas", "easter", "monday", "tuesday"}
    | {"wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may"}
    | {"june", "july", "august", "september", "october", "november", "december"}
)
_ORDINALS = frozenset({"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"})


def _determined(chunk: ThemeChunk, budget: int) -> ThemeChunk:
    """A singular noun phrase with no determiner takes "the" ("kitchen radio" → "the kitchen radio"), so frames
    such as "all I had was …" read; names ("fifth street"), owners ("grandpa's boat"), times of day ("noon"),
    gerunds ("leaving home") and plurals stay bare."""
    first = chunk.text.split()[0]
    bare = (
        chunk.kind is Kind.NOUN
        and not chunk.plural
        and first.islower()
        and first not in phrases.DETERMINERS | phrases.POSSESSIVES | _BARE_OK | _ORDINALS | phrases.SUBJECTS | _TIMES
        and not phrases.is_possessive(first)
        and not first.endswith("ing")
        and not any(c.isdigit() for c in first)
        and "o'clock" not in chunk.text.split()[:2]
        and chunk.text.split()[-1].lower() not in _NAMED_PLACES
        and _syllables(f"the {chunk.text}") <= budget
    )
    return dataclasses.replace(chunk, text=f"the {chunk.text}") if bare else chunk


def _finite_verb(keys: list[str]) -> Tense | None:
    """The tense of a clause's verb, or None when the words hold no subject and verb."""
    if keys[0] in _PAST_AUX:
        return None  # "was" first is a question or a fragment; not a clause to build on
    if keys[0] in phrases.SUBJECTS or keys[0] in _PRESENT_AUX:
        for key in keys:
            if key in _PAST_AUX or (key not in phrases.SUBJECTS and verb_form(key) is Tense.PAST):
                return Tense.PAST
        return Tense.PRESENT
    for before, key in itertools.pairwise(keys):
        if phrases.needs_more(before):
            continue
        if key in _PAST_AUX:
            return Tense.PAST
        if key in _PRESENT_AUX:
            return Tense.PRESENT
        form = verb_form(key)
        if form is Tense.PAST and not _noun_first(key):
            return Tense.PAST
        if form is Tense.PRESENT and before.endswith(("er", "or", "man", "woman")) and is_noun(before):
            return Tense.PRESENT  # "the farmer prays for rain"; "bus rides" stays a noun phrase
    return None


@functools.lru_cache(maxsize=4096)
def verb_form(word: str) -> Tense | None:
    """The form of a verb ("pawned" past, "tell" base, "rides" present), None for a word that is no verb."""
    key = word.lower()
    if key in phrases.DETERMINERS or key in phrases.POSSESSIVES or key in phrases.PREPOSITIONS:
        return None
    lemmas = lemminflect.getAllLemmas(key).get("VERB")
    if not lemmas:
        return None
    lemma = lemmas[0]
    if key in lemminflect.getInflection(lemma, "VBD") or key in lemminflect.getInflection(lemma, "VBN"):
        return Tense.PAST if key != lemma else Tense.BASE
    if key in lemminflect.getInflection(lemma, "VBZ"):
        return Tense.PRESENT
    if key == lemma:
        return Tense.BASE
    return None


@functools.lru_cache(maxsize=4096)
def _noun_first(word: str) -> bool:
    """True for a word whose common reading is a noun even though it is also a verb form ("rides", "bus")."""
    found = lemminflect.getAllLemmas(word.lower())
    return "NOUN" in found and not word.lower().endswith("ed")


@functools.lru_cache(maxsize=4096)
def is_plural(noun: str) -> bool:
    """True for a plural noun ("tickets", "children"); a word lemminflect does not know is taken as singular."""
    key = noun.lower()
    lemmas = lemminflect.getAllLemmas(key, upos="NOUN").get("NOUN")
    if not lemmas:  # a compound the lexicon lacks ("streetlights"): its rules still find the lemma
        lemmas = lemminflect.getLemma(key, upos="NOUN", lemmatize_oov=True)
        return bool(lemmas) and lemmas[0] != key and key.endswith("s")
    return lemmas[0] != key and key in lemminflect.getInflection(lemmas[0], "NNS")


@functools.lru_cache(maxsize=4096)
def singular(noun: str) -> str:
    """The singular of a noun ("watches" → "watch"), by lemminflect's lexicon and its rules for unknown words."""
    found = lemminflect.getLemma(noun.lower(), upos="NOUN", lemmatize_oov=True)
    return str(found[0]) if found else noun.lower()


@functools.lru_cache(maxsize=4096)
def is_noun(word: str) -> bool:
    """True for a word the lexicon knows as a noun ("clerk", "ticket"), whatever else it can be."""
    return "NOUN" in lemminflect.getAllLemmas(word.lower())


@functools.lru_cache(maxsize=4096)
def inflect(lemma: str, tag: str) -> str:
    """A verb or noun in the Penn tag's form ("VBD", "VBZ", "VBG", "NNS"); the first word of a phrase inflects."""
    head, _, rest = lemma.partition(" ")
    found = lemminflect.getInflection(head, tag)
    return f"{found[0] if found else head} {rest}".strip()


def _wants_object(run: list[str]) -> bool:
    """True when a run of two or more words ends on a verb that needs what follows ("the landlord raised")."""
    if len(run) < 2 or phrases.needs_more(run[-2]):
        return False
    last = run[-1].lower()
    return verb_form(last) is Tense.PAST and last in _TRANSITIVE and not _noun_first(last)


_TRANSITIVE = frozenset(
    {"raised", "pawned", "sold", "bought", "took", "gave", "made", "kept", "held", "sent", "brought", "paid"}
    | {"found", "lost", "left", "painted", "built", "wrote", "told", "missed", "carried", "owed", "fixed"}
)
"""Past verbs that leave a clause hanging without their object; a cut never falls right after one."""


def _bond(left: str, right: str) -> int:
    """``phrases.bond``, and a verb holds its object: no cut between "raised" and "the rent"."""
    strength = phrases.bond(left, right)
    if strength == 3 and verb_form(left) is Tense.PAST and not _noun_first(left):
        return 5
    return strength


def _fit_phrase(run: list[str], budget: int) -> tuple[list[str], list[str]]:
    """Shorten a phrase to the budget without breaking it; return it and any clause tail to sing apart."""
    if phrases.is_clause(run) or typed(run).kind is not Kind.NOUN:
        cuts = [
            i
            for i in range(1, len(run))
            if _bond(run[i - 1], run[i]) <= 4
            and not phrases.needs_more(run[i - 1])
            and not _wants_object(run[:i])
            and _syllables(" ".join(run[:i])) <= budget
        ]
        if cuts:
            best = min(cuts, key=lambda i: (_bond(run[i - 1], run[i]), -i))
            return run[:best], run[best:]
        while len(run) > 1 and (_syllables(" ".join(run)) > budget or phrases.needs_more(run[-1])):
            run = run[:-1]
        return ([] if _wants_object(run) else run), []
    # A noun phrase keeps its determiner and loses the modifiers after it: "a lighthouse keeper's last night"
    # → "a keeper's last night", "my grandmother's kitchen radio" → "my kitchen radio".
    lead = run[:1] if run[0].lower() in phrases.DETERMINERS | phrases.POSSESSIVES else []
    body = run[len(lead) :]
    while len(body) > 1 and _syllables(" ".join([*lead, *body])) > budget:
        if phrases.is_possessive(body[0]) and lead and lead[0].lower() in phrases.DETERMINERS:
            lead = []  # the article belonged to the owner just dropped ("a keeper's"); "my" still fits the rest
        body = body[2:] if len(body) > 2 and body[1].lower() == "o'clock" else body[1:]
    if lead and lead[0].lower() in phrases.DETERMINERS and body and body[0].lower().endswith("ing"):
        lead = []  # "a soldier coming home" cut to "coming home", never "a coming home"
    return [*lead, *body] if _syllables(" ".join([*lead, *body])) <= budget else body, []


@functools.lru_cache(maxsize=8192)
def _syllables(text: str) -> int:
    return count_syllables(text)
